import { verifyAuditChain } from '#shared/audit/chain';
import { AuditEvent } from '#shared/schemas/audit';
import type { AuditChainBreak } from '#shared/sync/protocol';
import type { Queryable } from '../db/database.ts';

/**
 * Verifies pushed audit events against what the server already holds: per replica, the new events must
 * continue the stored chain (the anchor is the stored event just before the first new one). A break is
 * recorded and reported, and the events are still kept: they are evidence, and dropping them would hide
 * the very tampering the chain exists to reveal.
 */
export async function checkAuditChains(tx: Queryable, events: Record<string, unknown>[], reportedBy: string, now: number): Promise<AuditChainBreak[]> {
  const byReplica = new Map<string, AuditEvent[]>();
  for (const raw of events) {
    const parsed = AuditEvent.safeParse(raw);
    if (!parsed.success) continue; // already rejected by schema validation
    const { _deleted: _, ...ev } = raw as AuditEvent & { _deleted?: boolean };
    const list = byReplica.get(ev.replicaId) ?? [];
    list.push(ev as AuditEvent);
    byReplica.set(ev.replicaId, list);
  }
  const breaks: AuditChainBreak[] = [];
  for (const [replicaId, list] of byReplica) {
    const first = Math.min(...list.map((e) => e.seq));
    let anchor: AuditEvent | null = null;
    if (first > 0) {
      const rows = await tx.query<{ data: AuditEvent }>(`SELECT data FROM docs WHERE collection = 'audit' AND id = $1`, [`${replicaId}:${first - 1}`]);
      anchor = rows[0]?.data ?? null;
    }
    const found = first > 0 && !anchor ? { seq: first, reason: 'gap' as const } : await verifyAuditChain(list, anchor);
    if (found) breaks.push({ replicaId, ...found });
  }
  for (const b of breaks) {
    await tx.query(`INSERT INTO audit_chain_breaks (replica_id, seq, reason, reported_by, detected_at) VALUES ($1, $2, $3, $4, $5)`, [
      b.replicaId, b.seq, b.reason, reportedBy, now,
    ]);
  }
  return breaks;
}

export async function listChainBreaks(db: Queryable) {
  const rows = await db.query<{ id: string; replica_id: string; seq: number; reason: string; reported_by: string; detected_at: string }>(
    `SELECT * FROM audit_chain_breaks ORDER BY id DESC LIMIT 500`,
  );
  return rows.map((r) => ({ id: Number(r.id), replicaId: r.replica_id, seq: Number(r.seq), reason: r.reason, reportedBy: r.reported_by, detectedAt: Number(r.detected_at) }));
}
