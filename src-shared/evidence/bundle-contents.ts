import { z } from 'zod';
import { CaseDoc, type EvidenceItem } from '../cases/case-doc.ts';
import { CaseTemplate } from '../cases/case-template.ts';
import { EscalationDoc } from '../escalation/escalation-doc.ts';
import type { AuditEvent } from '../schemas/audit.ts';
import { Punch } from '../schemas/punch.ts';
import {
  AuditRun,
  BundledDelivery,
  BundledSignature,
  hashRecords,
  type RecordFile,
  type RecordFileKind,
} from './bundle-manifest.ts';

/** An evidence item's file, named by its SHA-256 (the file itself lives in main's content-addressed store). */
export type EvidenceFileRef = { evidenceId: string; sha256: string; fileName: string };

/**
 * Whether an evidence item stands for an attached file. The case screen records a file as its SHA-256 with
 * the file name as `ref`; other evidence carries a hash of something kept elsewhere and says where in a
 * `scheme:` ref (`chat-log:<file hash>#row-3`, `doc:<id>`), so a ref without a scheme is a file name.
 */
export function isAttachedFile(e: Pick<EvidenceItem, 'document'>): boolean {
  return !!e.document?.sha256 && !!e.document.ref && !/^[a-z][a-z0-9+.-]*:/i.test(e.document.ref);
}

/** The files a bundle of this case should hold: one per evidence item with an attached file. */
export function attachmentRefsOf(caseDoc: Pick<CaseDoc, 'evidence'>): EvidenceFileRef[] {
  return caseDoc.evidence.filter(isAttachedFile).map((e) => ({ evidenceId: e.id, sha256: e.document!.sha256!, fileName: e.document!.ref!.slice(0, 300) }));
}

/**
 * What a bundle is made from. The renderer holds the data (local database), so it gathers these and the
 * main process writes the zip and PDF; everything is validated here first. The files behind evidence items
 * are not passed in: main takes every attached file of the case (attachmentRefsOf) from its content-addressed
 * store or the sync server, and lists the ones it cannot find as missing.
 */
export const EvidenceBundleInput = z.object({
  caseDoc: CaseDoc,
  template: CaseTemplate,
  deliveries: z.array(BundledDelivery).default([]),
  signatures: z.array(BundledSignature).default([]),
  auditRuns: z.array(AuditRun).default([]),
  /** Raw punches where the case rests on attendance (absenteeism, lost contact). */
  punches: z.array(Punch).default([]),
  /** The missed-punch chains behind a lost-contact case (and a dismissal started from one): every message,
   *  reply, contact attempt and reason, as the chain recorded them. */
  escalations: z.array(EscalationDoc).default([]),
  exportedBy: z.string().trim().min(1).max(100),
  exportedAt: z.number().int().nonnegative(),
});
export type EvidenceBundleInput = z.infer<typeof EvidenceBundleInput>;
export type EvidenceBundleInputRaw = z.input<typeof EvidenceBundleInput>;

export type RecordFileOut = { path: string; kind: RecordFileKind; description: string; text: string };

const HASHING = 'sha256(canonical JSON: keys sorted, no whitespace)' as const;

const RECORD_FILES: { kind: RecordFileKind; path: string; description: string; pick: (i: EvidenceBundleInput) => unknown[] }[] = [
  { kind: 'case', path: 'records/case.json', description: '案件记录（原始文档）/ the case document', pick: (i) => [i.caseDoc] },
  { kind: 'template', path: 'records/template.json', description: '案件模板及引用法条 / the case template', pick: (i) => [i.template] },
  { kind: 'evidence', path: 'records/evidence.json', description: '证据清单元数据 / evidence metadata', pick: (i) => i.caseDoc.evidence },
  { kind: 'deliveries', path: 'records/deliveries.json', description: '送达记录及回执 / delivery records and receipts', pick: (i) => i.deliveries },
  { kind: 'signatures', path: 'records/signatures.json', description: '电子签名记录 / e-signature records', pick: (i) => i.signatures },
  { kind: 'audit', path: 'records/audit-events.json', description: '审计事件链 / audit event chains', pick: (i) => i.auditRuns },
  { kind: 'punches', path: 'records/punches.json', description: '原始打卡记录 / raw punches', pick: (i) => i.punches },
  { kind: 'escalations', path: 'records/escalations.json', description: '缺卡预警与联系记录 / missed-punch escalation chains', pick: (i) => i.escalations },
];

/** The JSON record files of a bundle, each record with its own SHA-256. Pretty-printed for people reading
 *  them; the per-record hashes are over canonical JSON so formatting never matters. */
export async function buildRecordFiles(input: EvidenceBundleInput): Promise<RecordFileOut[]> {
  return Promise.all(
    RECORD_FILES.map(async (f) => {
      const file: RecordFile = { kind: f.kind, caseId: input.caseDoc.id, hashing: HASHING, records: await hashRecords(f.pick(input)) };
      return { path: f.path, kind: f.kind, description: f.description, text: `${JSON.stringify(file, null, 2)}\n` };
    }),
  );
}

/**
 * Picks, per replica, the contiguous run of audit events from the first to the last event about the case
 * (docId one of `docIds`), with the event just before it as the anchor. `events` must hold every event of
 * those replicas over that span (a gap makes the run unverifiable, and the verifier will say so).
 */
export function auditRunsForCase(events: readonly AuditEvent[], docIds: ReadonlySet<string>): AuditRun[] {
  const byReplica = new Map<string, AuditEvent[]>();
  for (const e of events) {
    const list = byReplica.get(e.replicaId) ?? [];
    list.push(e);
    byReplica.set(e.replicaId, list);
  }
  const runs: AuditRun[] = [];
  for (const [replicaId, list] of [...byReplica].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const sorted = [...list].sort((a, b) => a.seq - b.seq);
    const related = sorted.filter((e) => docIds.has(e.docId));
    if (related.length === 0) continue;
    const first = related[0]!.seq;
    const last = related[related.length - 1]!.seq;
    // Without the event before the run, its prevHash stands in as the anchor: the run is then verified
    // from there on, and tying it to the earlier chain needs the server's copy of that event.
    const before = sorted.find((e) => e.seq === first - 1);
    runs.push({
      replicaId,
      anchor: first === 0 ? null : before ? { replicaId, seq: before.seq, hash: before.hash } : { replicaId, seq: first - 1, hash: related[0]!.prevHash ?? '0'.repeat(64) },
      events: sorted.filter((e) => e.seq >= first && e.seq <= last),
      caseEventIds: related.map((e) => e.id),
    });
  }
  return runs;
}
