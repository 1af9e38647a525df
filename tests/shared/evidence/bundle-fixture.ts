import { zlibSync } from 'fflate';
import { documentHash, sealAuditEvent } from '#shared/audit/chain';
import { builtInTemplate } from '#shared/cases/builtin-templates';
import type { CaseDoc } from '#shared/cases/case-doc';
import { openCase, transition, type CaseActor, type CaseEventInput } from '#shared/cases/case-engine';
import type { CaseTemplate } from '#shared/cases/case-template';
import { auditRunsForCase, type EvidenceBundleInputRaw } from '#shared/evidence/bundle-contents';
import { sha256HexBytes } from '#shared/evidence/bundle-manifest';
import { escalationDoc } from '#shared/escalation/escalation-doc';
import { startEscalation, transition as escalationTransition, type EscalationEventInput } from '#shared/escalation/missed-punch-escalation';
import type { AuditEvent } from '#shared/schemas/audit';
import type { Punch } from '#shared/schemas/punch';
import { signDocument } from '#shared/signature/signed-document';
import { instantOf } from '#shared/time';

/**
 * A realistic case for the bundle tests (story 1 -> 2): Xiao Li vanishes, a lost-contact case records the
 * contact attempts and the reason, then a dismissal for absenteeism is started from it; the absence proof
 * step is overridden by HR with a reason. Every case change is written to a hash-chained audit log of
 * terminal "term-a", interleaved with unrelated employee edits, as the app does.
 */
const at = (local: string) => instantOf(local);
const hr: CaseActor = { id: 'hr-wang', roles: ['hr'] };
const hrManager: CaseActor = { id: 'hr-zhao', roles: ['hr', 'hr-manager'] };
const legal: CaseActor = { id: 'legal-chen', roles: ['legal'] };
const HASH = 'b'.repeat(64);

const ev = (id: string, kind: string, description: string, sha256 = HASH, ref = `doc:${id}`): CaseEventInput => ({ type: 'add_evidence', evidence: { id, kind, description, document: { sha256, ref } } });
/** The file behind evidence e5 (the union's reply), attached to the bundle. */
export const UNION_REPLY = new TextEncoder().encode('工会意见：对解除李小明劳动合同无异议。\n2026年3月7日\n');
const notice = (id: string, kind: string, recipient: 'subject' | 'union', sentAt: string): CaseEventInput => ({ type: 'record_notice', notice: { id, kind, recipient, deliveryRecordId: `dr-${id}`, channel: 'sms', sentAt: at(sentAt) } });
const delivered = (noticeId: string, when: string): CaseEventInput => ({ type: 'notice_delivery', noticeId, deliveredAt: at(when) });
const complete = (stepId: string, note = ''): CaseEventInput => ({ type: 'complete_step', stepId, note });

/** A real (small, grayscale) PNG of a handwritten stroke, as the signing page's canvas would send it. */
export function signaturePng(width = 160, height = 48): Uint8Array {
  const rows = new Uint8Array((width + 1) * height).fill(255);
  for (let y = 0; y < height; y++) rows[y * (width + 1)] = 0; // filter type 0 per row
  for (let x = 8; x < width - 8; x++) {
    const y = Math.round(height / 2 + Math.sin(x / 9) * (height / 3) * Math.cos(x / 41));
    for (let d = -1; d <= 1; d++) if (y + d >= 0 && y + d < height) rows[(y + d) * (width + 1) + 1 + x] = 20;
  }
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const chunk = (type: string, data: Uint8Array) => {
    const out = new Uint8Array(12 + data.length);
    const view = new DataView(out.buffer);
    view.setUint32(0, data.length);
    out.set(new TextEncoder().encode(type), 4);
    out.set(data, 8);
    let crc = 0xffffffff;
    for (const b of out.subarray(4, 8 + data.length)) crc = crcTable[(crc ^ b) & 0xff]! ^ (crc >>> 8);
    view.setUint32(8 + data.length, (crc ^ 0xffffffff) >>> 0);
    return out;
  };
  const ihdr = new Uint8Array(13);
  new DataView(ihdr.buffer).setUint32(0, width);
  new DataView(ihdr.buffer).setUint32(4, height);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit grayscale
  const parts = [Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', zlibSync(rows)), chunk('IEND', new Uint8Array(0))];
  const png = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    png.set(p, at);
    at += p.length;
  }
  return png;
}
export const SIGNATURE_IMAGE = `data:image/png;base64,${Buffer.from(signaturePng()).toString('base64')}`;

export type BundleFixture = {
  input: EvidenceBundleInputRaw;
  caseDoc: CaseDoc;
  template: CaseTemplate;
  allEvents: AuditEvent[];
  /** The evidence files by SHA-256, as main's file store would hold them. */
  files: Map<string, Uint8Array>;
  loadFile: (sha256: string) => Promise<Uint8Array | null>;
};

export async function buildFixture(): Promise<BundleFixture> {
  const events: AuditEvent[] = [];
  const audit = async (actor: string, action: AuditEvent['action'], collectionName: string, docId: string, after: Record<string, unknown>, summary: string, when: number) => {
    events.push(await sealAuditEvent({ replicaId: 'term-a', actor, action, collectionName, docId, beforeHash: null, afterHash: await documentHash(after), summary, at: when }, events.at(-1) ?? null));
  };
  // Unrelated history before the case (the run's anchor comes from here).
  await audit('hr-wang', 'update', 'employees', 'emp-zhang', { id: 'emp-zhang', position: '质检' }, 'position changed', at('2026-02-27 10:00'));
  await audit('hr-wang', 'create', 'employees', 'emp-new', { id: 'emp-new' }, 'employee created', at('2026-02-28 10:00'));

  const apply = async (doc: CaseDoc | null, template: CaseTemplate, when: string, actor: CaseActor, event: CaseEventInput | 'open', origin?: CaseDoc, id = 'lc-li') => {
    const r =
      event === 'open'
        ? openCase(template, { id, subjectEmployeeId: 'emp-li', siteId: 'site-sz', participants: [{ personId: 'emp-li', name: '李小明', role: 'subject' }] }, { now: at(when), actor }, origin)
        : transition(doc!, template, event, { now: at(when), actor });
    if (!r.ok) throw new Error(`${event === 'open' ? 'open' : event.type} at ${when} refused: ${JSON.stringify(r.reasons)}`);
    for (const a of r.audit) await audit(actor.id, a.action, 'cases', r.doc.id, r.doc, a.summary, at(when));
    return r.doc;
  };

  const lcT = builtInTemplate('lost-contact');
  let lc = await apply(null, lcT, '2026-03-02 09:30', hr, 'open');
  lc = await apply(lc, lcT, '2026-03-02 10:00', hr, ev('ev-p', 'raw-punches', '3月2日无打卡记录'));
  lc = await apply(lc, lcT, '2026-03-02 10:05', hr, complete('record-anomaly'));
  lc = await apply(lc, lcT, '2026-03-02 11:00', hr, ev('ev-c1', 'contact-attempt', '电话未接通'));
  await audit('hr-zhao', 'update', 'employees', 'emp-zhang', { id: 'emp-zhang', position: '组长' }, 'position changed', at('2026-03-02 14:00'));
  lc = await apply(lc, lcT, '2026-03-02 15:00', hr, ev('ev-c2', 'contact-attempt', '上门，家属称外出'));
  lc = await apply(lc, lcT, '2026-03-02 15:10', hr, complete('contact-attempts'));
  lc = await apply(lc, lcT, '2026-03-04 09:00', hr, ev('ev-r', 'known-reason', '家属告知被困传销组织'));

  const template = builtInTemplate('dismissal-absenteeism');
  let doc = await apply(null, template, '2026-03-05 09:00', hr, 'open', lc, 'dis-li');
  doc = await apply(doc, template, '2026-03-05 09:10', hr, ev('e1', 'handbook-rule-procedure', '2025版员工手册职代会决议及公示'));
  doc = await apply(doc, template, '2026-03-05 09:11', hr, ev('e2', 'handbook-acknowledgment', '本人电子签收记录'));
  doc = await apply(doc, template, '2026-03-05 09:12', hr, complete('handbook-rule', '手册已签收'));
  doc = await apply(doc, template, '2026-03-05 09:13', hr, ev('e3', 'raw-punches', '3月2日至4日原始打卡'));
  doc = await apply(doc, template, '2026-03-05 09:15', hr, { type: 'override_step', stepId: 'prove-absence', reason: '旷工天数计算表为纸质原件，已由部门经理签字归档' });
  doc = await apply(doc, template, '2026-03-05 10:00', hr, notice('n1', 'return-to-work', 'subject', '2026-03-05 10:00'));
  doc = await apply(doc, template, '2026-03-06 10:00', hr, delivered('n1', '2026-03-06 10:00'));
  doc = await apply(doc, template, '2026-03-06 10:01', hr, complete('return-to-work-notice'));
  await audit('hr-wang', 'update', 'employees', 'emp-new', { id: 'emp-new', phone: '13800000000' }, 'phone changed', at('2026-03-06 10:30'));
  doc = await apply(doc, template, '2026-03-06 11:00', hr, notice('n2', 'union-notification', 'union', '2026-03-06 11:00'));
  doc = await apply(doc, template, '2026-03-06 15:00', hr, delivered('n2', '2026-03-06 15:00'));
  doc = await apply(doc, template, '2026-03-07 09:00', hr, ev('e5', 'union-reply', '工会无异议', await sha256HexBytes(UNION_REPLY), '工会回函.txt'));
  doc = await apply(doc, template, '2026-03-07 09:01', hr, complete('notify-union'));
  doc = await apply(doc, template, '2026-03-08 09:00', hrManager, { type: 'approve', id: 'a1', stepId: 'approve-dismissal', role: 'hr-manager', decision: 'approved', note: '同意' });
  doc = await apply(doc, template, '2026-03-08 09:30', legal, { type: 'approve', id: 'a2', stepId: 'approve-dismissal', role: 'legal', decision: 'approved', note: '程序完备' });
  // Events after the case (outside the run).
  await audit('hr-wang', 'update', 'employees', 'emp-zhang', { id: 'emp-zhang', position: '主管' }, 'position changed', at('2026-03-09 08:00'));

  const handbookAck = { kind: 'handbook-acknowledgment', handbook: '员工手册', version: '2025-01', clause: '连续旷工超过3日的，公司可解除劳动合同', employeeId: 'emp-li' };
  const signature = await signDocument({
    id: 'sig-li-handbook',
    document: handbookAck,
    documentId: 'doc-handbook-2025-ack-li',
    signer: { employeeId: 'emp-li', name: '李小明', typedName: '李小明' },
    signedAt: at('2025-01-10 14:20'),
    ip: '10.0.0.23',
    device: 'terminal-a / Chromium',
    authMethod: 'sms-code',
    signatureImage: SIGNATURE_IMAGE,
  });

  const deliveries = [
    { id: 'dr-n1', noticeId: 'n1', documentTitle: '返岗通知书', channels: [{ channel: 'sms', sentAt: at('2026-03-05 10:00'), deliveredAt: at('2026-03-05 10:01') }, { channel: 'ems', trackingNo: 'EA123456789CN', sentAt: at('2026-03-05 11:00'), deliveredAt: at('2026-03-06 10:00'), signedBy: '李母' }] },
    { id: 'dr-n2', noticeId: 'n2', documentTitle: '解除理由通知工会', channels: [{ channel: 'in-app', sentAt: at('2026-03-06 11:00'), deliveredAt: at('2026-03-06 11:00'), openedAt: at('2026-03-06 14:00'), acknowledgedAt: at('2026-03-06 15:00') }] },
  ];

  const punch = (n: number, local: string): Punch => ({ id: `ZK01-1007-${n}`, deviceSerial: 'ZK01', pin: '1007', at: at(local), deviceLocalTime: local, verifyMode: 1, punchState: 0, source: 'device-pull', employeeId: 'emp-li', siteId: 'site-sz', receivedAt: at(local) + 60_000, updatedAt: at(local) + 60_000 });
  const punches = [punch(1, '2026-02-27 07:58:12'), punch(2, '2026-02-27 17:31:40')];

  // The missed-punch chain behind the lost-contact case, as the escalation machine recorded it.
  let chain = startEscalation({
    anomaly: { id: 'anomaly|emp-li|2026-03-02', employeeId: 'emp-li', siteId: 'site-sz', date: '2026-03-02', detectedAt: at('2026-03-02 08:10'), escalationWindowMinutes: 120 },
    employeeChannels: ['sms'],
    emergencyChannels: ['sms'],
  });
  for (const [when, e] of [
    ['2026-03-02 08:10', { type: 'timer' }],
    ['2026-03-02 10:10', { type: 'timer' }],
    ['2026-03-02 12:10', { type: 'timer' }],
    ['2026-03-02 15:00', { type: 'record_contact_attempt', by: 'hr-wang', method: 'visit', reached: false, note: '上门，家属称外出' }],
    ['2026-03-04 09:00', { type: 'record_known_reason', by: 'hr-wang', reason: '家属告知被困传销组织' }],
  ] as [string, EscalationEventInput][]) chain = escalationTransition(chain, e, at(when)).state;
  const escalations = [escalationDoc(chain, at('2026-03-02 08:00'), at('2026-03-04 09:00'))];

  const docIds = new Set([doc.id, lc.id]);
  const files = new Map([[await sha256HexBytes(UNION_REPLY), UNION_REPLY]]);
  return {
    caseDoc: doc,
    template,
    allEvents: events,
    files,
    loadFile: async (sha256) => files.get(sha256) ?? null,
    input: {
      caseDoc: doc,
      template,
      deliveries,
      signatures: [{ title: '员工手册签收（2025版）', noticeId: 'n-handbook-li', document: handbookAck, record: signature, signatureImage: SIGNATURE_IMAGE }],
      auditRuns: auditRunsForCase(events, docIds),
      punches,
      escalations,
      exportedBy: 'hr-wang',
      exportedAt: at('2026-03-08 10:00'),
    },
  };
}
