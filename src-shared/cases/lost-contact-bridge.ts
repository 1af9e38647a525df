import { CONTACT_METHOD_ZH } from '../escalation/escalation-labels.ts';
import type { EscalationState } from '../escalation/missed-punch-escalation.ts';
import { localDateTimeOf } from '../time.ts';
import type { CaseDoc } from './case-doc.ts';
import { openCase, transition, type CaseContext, type CaseEventInput, type CaseResult } from './case-engine.ts';
import type { CaseTemplate } from './case-template.ts';

/**
 * Bridges the missed-punch escalation chain (src-shared/escalation) to the lost-contact case template.
 * The chain records what happened automatically (messages to the employee and the emergency contact) and
 * what HR recorded (contact attempts, a known reason); each becomes a piece of evidence on the case, with an
 * id derived from the chain's case id and the instant, so syncing the same chain again adds nothing twice.
 */
export function lostContactEvidenceFromEscalation(state: EscalationState): CaseEventInput[] {
  const c = state.case;
  if (!c) return [];
  const events: CaseEventInput[] = [];
  for (const t of state.timeline) {
    if (t.type === 'message_sent') {
      events.push(evidence(`${c.id}|message|${t.at}|${t.to}`, 'contact-attempt', `${localDateTimeOf(t.at)} 自动消息发送给${t.to === 'employee' ? '员工' : '紧急联系人'}（${t.channels.join('、')}）`, 'contact-attempts'));
    }
  }
  for (const a of c.contactAttempts) {
    events.push(evidence(`${c.id}|attempt|${a.at}|${a.by}`, 'contact-attempt', `${localDateTimeOf(a.at)} ${CONTACT_METHOD_ZH[a.method]}，${a.reached ? '已联系上' : '未联系上'}${a.note ? `：${a.note}` : ''}（${a.by} 记录）`, 'contact-attempts'));
  }
  if (c.knownReason) events.push(evidence(`${c.id}|reason|${c.knownReason.at}`, 'known-reason', `${c.knownReason.reason}（${localDateTimeOf(c.knownReason.at)} ${c.knownReason.by} 记录）`, 'known-reason'));
  return events;
}

/**
 * Opens (or brings up to date) the lost-contact case for an escalation chain whose case is open. Pass the
 * existing CaseDoc when there is one; evidence already on it is not added again.
 */
export function syncLostContactCase(template: CaseTemplate, state: EscalationState, ctx: CaseContext, existing?: CaseDoc): CaseResult {
  if (!state.case) return { ok: false, reasons: [{ code: 'invalid', message: 'the escalation chain has no lost-contact case yet' }] };
  let doc: CaseDoc;
  if (existing) doc = existing;
  else {
    const opened = openCase(template, { id: state.case.id, subjectEmployeeId: state.employeeId, siteId: state.siteId }, ctx);
    if (!opened.ok) return opened;
    doc = opened.doc;
  }
  const audit = [];
  for (const e of lostContactEvidenceFromEscalation(state)) {
    const r = transition(doc, template, e, ctx);
    if (!r.ok) return r;
    doc = r.doc;
    audit.push(...r.audit);
  }
  return { ok: true, doc, audit };
}

function evidence(id: string, kind: string, description: string, stepId: string): CaseEventInput {
  return { type: 'add_evidence', evidence: { id, kind, description, stepId } };
}
