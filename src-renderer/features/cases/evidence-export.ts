import type { CaseDoc } from '#shared/cases/case-doc';
import type { CaseTemplate } from '#shared/cases/case-template';
import { auditRunsForCase } from '#shared/evidence/bundle-contents';
import type { BundledSignature } from '#shared/evidence/bundle-manifest';
import type { RenshiApi } from '#shared/ipc/contract';
import { EscalationDoc } from '#shared/escalation/escalation-doc';
import { AuditEvent } from '#shared/schemas/audit';
import { Punch } from '#shared/schemas/punch';
import type { WriteContext } from '../../db/records.ts';
import { stripMeta } from '../../db/records.ts';
import type { DeliveryClient } from './delivery-client.ts';

const DAY = 86_400_000;
/** Punches from this long before the case opened: the absence the case rests on usually precedes it. */
const PUNCH_LOOKBACK = 31 * DAY;

/**
 * Gathers what this terminal holds about a case (see src-shared/evidence/README.md), has main write the
 * bundle, starts the download, and records an `export` audit event carrying the manifest hash so the
 * server's hash chain ties the bundle to the moment it was made. Signatures come from the sync server
 * (signed document, record and image of every signed notice of the case); the attached files main takes
 * itself, by SHA-256, from its store or the server.
 */
export async function exportEvidenceBundle(
  ctx: WriteContext & { api: RenshiApi },
  caseDoc: CaseDoc,
  template: CaseTemplate,
  delivery: DeliveryClient | null,
  employeeName: string | null,
): Promise<{ fileName: string; manifestHash: string }> {
  const { db, api, actor } = ctx;
  // Delivery records from the sync server when connected; offline the case's own notice entries remain.
  const deliveries = delivery ? await delivery.ofCase(caseDoc.id) : [];
  const signatures: BundledSignature[] = [];
  for (const n of deliveries) {
    if (!n.signature || !delivery) continue;
    const r = await delivery.signedRecord(n.id);
    if (r.signature) signatures.push({ title: r.title, noticeId: r.noticeId, document: r.document, record: r.signature, signatureImage: r.signatureImage });
  }
  // The missed-punch chain a lost-contact case (or a dismissal started from one) rests on, with HR's audited
  // actions on it.
  const caseIds = new Set([caseDoc.id, caseDoc.originCaseId].filter((x): x is string => !!x));
  const escalations = (await db.escalations.find({ selector: { employeeId: caseDoc.subjectEmployeeId } }).exec())
    .map((d) => EscalationDoc.parse(stripMeta(d.toMutableJSON() as Record<string, unknown>)))
    .filter((e) => e.case !== null && caseIds.has(e.case.id))
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const docIds = new Set([caseDoc.id, caseDoc.originCaseId, ...deliveries.map((d) => d.id), ...escalations.map((e) => e.id)].filter((x): x is string => !!x));

  // Every event of the replicas that touched the case; auditRunsForCase cuts each to the case's span.
  const touching = await db.audit.find({ selector: { docId: { $in: [...docIds] } } }).exec();
  const replicas = [...new Set(touching.map((d) => d.replicaId))];
  const events = replicas.length
    ? (await db.audit.find({ selector: { replicaId: { $in: replicas } } }).exec()).map((d) => AuditEvent.parse(stripMeta(d.toMutableJSON() as Record<string, unknown>)))
    : [];

  let punches: Punch[] = [];
  if (template.steps.some((s) => s.evidence.some((e) => e.kind === 'raw-punches'))) {
    const from = caseDoc.createdAt - PUNCH_LOOKBACK;
    const to = caseDoc.closedAt ?? Date.now();
    const docs = await db.punches.find({ selector: { employeeId: caseDoc.subjectEmployeeId, at: { $gte: from, $lte: to } }, sort: [{ at: 'asc' }] }).exec();
    punches = docs.map((d) => Punch.parse(stripMeta(d.toMutableJSON() as Record<string, unknown>)));
  }

  const out = await api.evidenceExport({
    caseDoc,
    template,
    deliveries,
    signatures,
    punches,
    escalations,
    auditRuns: auditRunsForCase(events, docIds),
    exportedBy: actor,
    exportedAt: Date.now(),
  });
  const bytes = Uint8Array.from(atob(out.bytesBase64), (c) => c.charCodeAt(0));
  const fileName = `证据包-${(employeeName ?? caseDoc.subjectEmployeeId).replace(/[\\/:*?"<>|\s]+/g, '_')}-${caseDoc.id}.zip`;
  download(new Blob([bytes], { type: 'application/zip' }), fileName);
  await ctx.audit.append({ actor, action: 'export', collection: 'cases', docId: caseDoc.id, before: null, after: null, summary: `evidence bundle ${fileName} manifest ${out.manifestHash}`.slice(0, 500) });
  return { fileName, manifestHash: out.manifestHash };
}

export function download(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoked later: some browsers read the URL after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
