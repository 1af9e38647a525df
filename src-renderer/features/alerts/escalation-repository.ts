import { EscalationDoc, escalationDoc, stateOf } from '#shared/escalation/escalation-doc';
import { transition, type EscalationEventInput, type EscalationState } from '#shared/escalation/missed-punch-escalation';
import { RenshiError } from '#shared/errors';
import type { RenshiDatabase } from '../../db/database.ts';
import { stripMeta, type WriteContext } from '../../db/records.ts';

/**
 * The local copy of the escalation chains (the replicated `escalations` collection). HR's actions on a chain
 * (a contact attempt, the known reason, closing the case) are applied here with the shared machine and
 * sealed into this replica's audit chain, so they work offline and are provable; replication carries them
 * to the server, which merges them into its own run of the chain (nothing recorded on either side is lost).
 */
export async function loadEscalation(db: RenshiDatabase, anomalyId: string): Promise<EscalationDoc | null> {
  const found = await db.escalations.findOne(anomalyId).exec();
  return found ? EscalationDoc.parse(stripMeta(found.toMutableJSON() as Record<string, unknown>)) : null;
}

export async function listEscalations(db: RenshiDatabase): Promise<EscalationDoc[]> {
  const docs = await db.escalations.find().exec();
  return docs.map((d) => EscalationDoc.parse(stripMeta(d.toMutableJSON() as Record<string, unknown>)));
}

const SUMMARIES: Partial<Record<EscalationEventInput['type'], (e: EscalationEventInput) => string>> = {
  record_contact_attempt: (e) => (e.type === 'record_contact_attempt' ? `失联案件：记录联系（${e.method}，${e.reached ? '已联系上' : '未联系上'}）${e.note ? `：${e.note}` : ''}` : ''),
  record_known_reason: (e) => (e.type === 'record_known_reason' ? `失联案件：记录已知原因：${e.reason}` : ''),
  close_case: (e) => (e.type === 'close_case' ? `失联案件：结案（${e.outcome}）${e.note ? `：${e.note}` : ''}` : ''),
  hr_resolve: (e) => (e.type === 'hr_resolve' ? `考勤异常：HR 处理：${e.note}` : ''),
  reply: (e) => (e.type === 'reply' ? `考勤异常：代录回复（${e.reason}）${e.text ? `：${e.text}` : ''}` : ''),
};

/**
 * Applies one HR event to the local chain (refused by the machine exactly as the server would refuse it, e.g.
 * a 旷工 dismissal without a contact attempt and a known reason) and audits it. `by` inside the event is the
 * operator, whatever the caller passed.
 */
export async function applyEscalationEvent(ctx: WriteContext, anomalyId: string, event: EscalationEventInput): Promise<EscalationDoc> {
  const before = await loadEscalation(ctx.db, anomalyId);
  if (!before) throw new RenshiError('not-found', `no escalation ${anomalyId} on this terminal`);
  const now = (ctx.now ?? Date.now)();
  const withActor = ('by' in event ? { ...event, by: ctx.actor } : event) as EscalationEventInput;
  const next: EscalationState = transition(stateOf(before), withActor, now).state;
  const after = escalationDoc(next, before.expectedAt, now);
  await ctx.db.escalations.upsert(after);
  await ctx.audit.append({
    actor: ctx.actor,
    action: 'update',
    collection: 'escalations',
    docId: anomalyId,
    before,
    after,
    summary: (SUMMARIES[withActor.type]?.(withActor) ?? withActor.type).slice(0, 500),
  });
  return after;
}
