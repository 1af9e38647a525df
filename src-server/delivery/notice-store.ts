import { PaperOutcome } from '#shared/cases/notice-delivery';
import type { SignatureRecord } from '#shared/signature/signed-document';
import type { Database, Queryable } from '../db/database.ts';

/**
 * Notices sent for a case and each delivery of them. A notice is one document (its canonical JSON and
 * SHA-256 are fixed when it is created); a delivery is one way it reached the employee: an electronic
 * channel (through the notifier, with a signed link of its own) or paper / EMS recorded by HR. Timestamps
 * only ever move from null to a value (the first time counts).
 */
const STATEMENTS = [
  `CREATE TABLE IF NOT EXISTS case_notices (
    id text PRIMARY KEY,
    case_id text NOT NULL,
    employee_id text NOT NULL,
    kind text NOT NULL,
    document jsonb NOT NULL,
    document_hash text NOT NULL,
    created_by text NOT NULL,
    created_at bigint NOT NULL,
    signature jsonb,
    signature_image text,
    signed_at bigint
  )`,
  `CREATE INDEX IF NOT EXISTS case_notices_by_case ON case_notices (case_id, created_at)`,
  `CREATE TABLE IF NOT EXISTS case_notice_deliveries (
    id text PRIMARY KEY,
    notice_id text NOT NULL,
    channel text NOT NULL,
    recipient text NOT NULL,
    link_ref text,
    tracking_number text,
    signed_by text,
    sent_at bigint,
    delivered_at bigint,
    opened_at bigint,
    acknowledged_at bigint,
    created_at bigint NOT NULL
  )`,
  `CREATE INDEX IF NOT EXISTS case_notice_deliveries_by_notice ON case_notice_deliveries (notice_id)`,
  `CREATE INDEX IF NOT EXISTS case_notice_deliveries_by_ref ON case_notice_deliveries (link_ref)`,
  // 'agreed' / 'other' (送达地址确认书), fixed when the delivery is made; null: no address (in-app, by hand).
  `ALTER TABLE case_notice_deliveries ADD COLUMN IF NOT EXISTS address_kind text`,
  // Paper deliveries: 签收 / 拒收 / 退回 with the date from the tracking record, and who entered what when (the
  // dates are HR's entries, so the record keeps whose and when next to them).
  `ALTER TABLE case_notice_deliveries ADD COLUMN IF NOT EXISTS outcome text`,
  `ALTER TABLE case_notice_deliveries ADD COLUMN IF NOT EXISTS outcome_at bigint`,
  `ALTER TABLE case_notice_deliveries ADD COLUMN IF NOT EXISTS entered_by text`,
  `ALTER TABLE case_notice_deliveries ADD COLUMN IF NOT EXISTS entered_at bigint`,
  `ALTER TABLE case_notice_deliveries ADD COLUMN IF NOT EXISTS outcome_entered_by text`,
  `ALTER TABLE case_notice_deliveries ADD COLUMN IF NOT EXISTS outcome_entered_at bigint`,
];

export async function migrateDelivery(db: Database): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`renshi-delivery-migrate:${db.schema}`]);
    for (const sql of STATEMENTS) await tx.query(sql);
  });
}

export type NoticeRow = {
  id: string;
  caseId: string;
  employeeId: string;
  kind: string;
  document: Record<string, unknown>;
  documentHash: string;
  createdBy: string;
  createdAt: number;
  signature: SignatureRecord | null;
  signatureImage: string | null;
  signedAt: number | null;
};

export type DeliveryRow = {
  id: string;
  noticeId: string;
  channel: string;
  recipient: string;
  linkRef: string | null;
  trackingNumber: string | null;
  signedBy: string | null;
  sentAt: number | null;
  deliveredAt: number | null;
  openedAt: number | null;
  acknowledgedAt: number | null;
  createdAt: number;
  addressKind: 'agreed' | 'other' | null;
  outcome: PaperOutcome | null;
  outcomeAt: number | null;
  enteredBy: string | null;
  enteredAt: number | null;
  outcomeEnteredBy: string | null;
  outcomeEnteredAt: number | null;
};

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

type RawNotice = { id: string; case_id: string; employee_id: string; kind: string; document: Record<string, unknown>; document_hash: string; created_by: string; created_at: string; signature: SignatureRecord | null; signature_image: string | null; signed_at: string | null };
const toNotice = (r: RawNotice): NoticeRow => ({
  id: r.id, caseId: r.case_id, employeeId: r.employee_id, kind: r.kind, document: r.document, documentHash: r.document_hash, createdBy: r.created_by,
  createdAt: Number(r.created_at), signature: r.signature, signatureImage: r.signature_image, signedAt: num(r.signed_at),
});
type RawDelivery = { id: string; notice_id: string; channel: string; recipient: string; link_ref: string | null; tracking_number: string | null; signed_by: string | null; sent_at: string | null; delivered_at: string | null; opened_at: string | null; acknowledged_at: string | null; created_at: string; address_kind: string | null;
  outcome: string | null; outcome_at: string | null; entered_by: string | null; entered_at: string | null; outcome_entered_by: string | null; outcome_entered_at: string | null };
const toDelivery = (r: RawDelivery): DeliveryRow => ({
  id: r.id, noticeId: r.notice_id, channel: r.channel, recipient: r.recipient, linkRef: r.link_ref, trackingNumber: r.tracking_number, signedBy: r.signed_by,
  sentAt: num(r.sent_at), deliveredAt: num(r.delivered_at), openedAt: num(r.opened_at), acknowledgedAt: num(r.acknowledged_at), createdAt: Number(r.created_at),
  addressKind: r.address_kind === 'agreed' || r.address_kind === 'other' ? r.address_kind : null,
  outcome: PaperOutcome.safeParse(r.outcome).data ?? null, outcomeAt: num(r.outcome_at), enteredBy: r.entered_by, enteredAt: num(r.entered_at),
  outcomeEnteredBy: r.outcome_entered_by, outcomeEnteredAt: num(r.outcome_entered_at),
});

export function noticeStore(db: Queryable) {
  return {
    async insertNotice(n: Omit<NoticeRow, 'signature' | 'signatureImage' | 'signedAt'>): Promise<void> {
      await db.query(`INSERT INTO case_notices (id, case_id, employee_id, kind, document, document_hash, created_by, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`, [
        n.id, n.caseId, n.employeeId, n.kind, JSON.stringify(n.document), n.documentHash, n.createdBy, n.createdAt,
      ]);
    },
    async insertDelivery(d: DeliveryRow): Promise<void> {
      await db.query(
        `INSERT INTO case_notice_deliveries (id, notice_id, channel, recipient, link_ref, tracking_number, signed_by, sent_at, delivered_at, opened_at, acknowledged_at, created_at, address_kind,
           outcome, outcome_at, entered_by, entered_at, outcome_entered_by, outcome_entered_at)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19) ON CONFLICT (id) DO NOTHING`,
        [d.id, d.noticeId, d.channel, d.recipient, d.linkRef, d.trackingNumber, d.signedBy, d.sentAt, d.deliveredAt, d.openedAt, d.acknowledgedAt, d.createdAt, d.addressKind,
          d.outcome, d.outcomeAt, d.enteredBy, d.enteredAt, d.outcomeEnteredBy, d.outcomeEnteredAt],
      );
    },
    async delivery(id: string): Promise<DeliveryRow | null> {
      const rows = await db.query<RawDelivery>(`SELECT * FROM case_notice_deliveries WHERE id = $1`, [id]);
      return rows[0] ? toDelivery(rows[0]) : null;
    },
    /** Records a paper delivery's outcome once (false when it already has one: the first entry stands). */
    async recordOutcome(id: string, o: { outcome: PaperOutcome; outcomeAt: number; signedBy: string | null; by: string; at: number }): Promise<boolean> {
      const rows = await db.query(
        `UPDATE case_notice_deliveries SET outcome = $2, outcome_at = $3, signed_by = COALESCE($4, signed_by), outcome_entered_by = $5, outcome_entered_at = $6,
           delivered_at = CASE WHEN $2 = 'delivered' THEN COALESCE(delivered_at, $3) ELSE delivered_at END
         WHERE id = $1 AND outcome IS NULL RETURNING id`,
        [id, o.outcome, o.outcomeAt, o.signedBy, o.by, o.at],
      );
      return rows.length > 0;
    },
    /** Sets a timestamp the first time only. */
    async stamp(deliveryId: string, field: 'sent_at' | 'delivered_at' | 'opened_at' | 'acknowledged_at', at: number): Promise<void> {
      await db.query(`UPDATE case_notice_deliveries SET ${field} = COALESCE(${field}, $2) WHERE id = $1`, [deliveryId, at]);
    },
    async notice(id: string): Promise<NoticeRow | null> {
      const rows = await db.query<RawNotice>(`SELECT * FROM case_notices WHERE id = $1`, [id]);
      return rows[0] ? toNotice(rows[0]) : null;
    },
    async noticesOfCase(caseId: string): Promise<NoticeRow[]> {
      return (await db.query<RawNotice>(`SELECT * FROM case_notices WHERE case_id = $1 ORDER BY created_at, id`, [caseId])).map(toNotice);
    },
    async deliveriesOf(noticeId: string): Promise<DeliveryRow[]> {
      return (await db.query<RawDelivery>(`SELECT * FROM case_notice_deliveries WHERE notice_id = $1 ORDER BY created_at, id`, [noticeId])).map(toDelivery);
    },
    async deliveriesByRef(ref: string): Promise<DeliveryRow[]> {
      return (await db.query<RawDelivery>(`SELECT * FROM case_notice_deliveries WHERE link_ref = $1`, [ref])).map(toDelivery);
    },
    /** Stores the signature once: a second signing of the same notice changes nothing (single use). */
    async sign(noticeId: string, signature: SignatureRecord, image: string, at: number): Promise<boolean> {
      const rows = await db.query(`UPDATE case_notices SET signature = $2, signature_image = $3, signed_at = $4 WHERE id = $1 AND signed_at IS NULL RETURNING id`, [
        noticeId, JSON.stringify(signature), image, at,
      ]);
      return rows.length > 0;
    },
  };
}
export type NoticeStore = ReturnType<typeof noticeStore>;
