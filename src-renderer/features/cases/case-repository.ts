import { builtInTemplate } from '#shared/cases/builtin-templates';
import { findCaseTemplate, type CaseTemplateSetting } from '#shared/cases/custom-template';
import { CaseDoc, canAccessCase } from '#shared/cases/case-doc';
import { syncLostContactCase } from '#shared/cases/lost-contact-bridge';
import { canStartAbsenteeismDismissal, type EscalationState } from '#shared/escalation/missed-punch-escalation';
import { openCase, transition, type CaseActor, type CaseEventInput, type CaseRefusalReason, type OpenCaseInput } from '#shared/cases/case-engine';
import type { CaseTemplate } from '#shared/cases/case-template';
import { RenshiError } from '#shared/errors';
import { Employee } from '#shared/schemas/employee';
import { saveRecord, stripMeta, type WriteContext } from '../../db/records.ts';
import { loadCaseTemplate } from './case-templates-store.ts';

/**
 * Every write to the `cases` collection goes through here: the engine decides (openCase / transition), this
 * file stores the result and seals each audit note into the replica's audit chain. Reads of restricted cases
 * (sensitive events) check `canAccessCase` and write a `view` audit event each time, so who looked at a case
 * is provable afterwards.
 *
 * A refusal is returned, not thrown: the UI lists every reason next to the step. Refusals change nothing and
 * write nothing, except an attempt to hold final wages, which is audited as `refused`.
 */
export type CaseWriteContext = WriteContext & { roles: readonly CaseActor['roles'][number][] };
export type CaseWriteResult = { ok: true; doc: CaseDoc } | { ok: false; reasons: CaseRefusalReason[] };

/** The template a case was opened with: built-in by id, HR's copies (`customs`) by id and version. Throws when unknown. */
export function templateOf(doc: Pick<CaseDoc, 'templateId' | 'templateVersion'>, customs: readonly CaseTemplateSetting[] = []): CaseTemplate {
  const t = findCaseTemplate(customs, doc.templateId, doc.templateVersion);
  if (!t) throw new RangeError(`no case template ${doc.templateId}@${doc.templateVersion} on this terminal`);
  return t;
}

const ctxOf = (ctx: CaseWriteContext) => ({ now: (ctx.now ?? Date.now)(), actor: { id: ctx.actor, roles: ctx.roles } });

async function load(ctx: WriteContext, id: string): Promise<CaseDoc | null> {
  const found = await ctx.db.cases.findOne(id).exec();
  return found ? CaseDoc.parse(stripMeta(found.toMutableJSON() as Record<string, unknown>)) : null;
}

export async function openCaseRecord(ctx: CaseWriteContext, template: CaseTemplate, input: OpenCaseInput, originId?: string): Promise<CaseWriteResult> {
  const origin = originId ? await load(ctx, originId) : undefined;
  if (originId && !origin) return { ok: false, reasons: [{ code: 'invalid', message: `no case ${originId}` }] };
  if (await load(ctx, input.id)) return { ok: false, reasons: [{ code: 'invalid', message: `case ${input.id} exists` }] };
  const r = openCase(template, input, ctxOf(ctx), origin ?? undefined);
  if (!r.ok) return r;
  await ctx.db.cases.insert(r.doc);
  for (const note of r.audit) await ctx.audit.append({ actor: ctx.actor, action: note.action, collection: 'cases', docId: r.doc.id, before: null, after: r.doc, summary: note.summary.slice(0, 500) });
  // HR's copies of 擅自离岗 are recognised by what they are (an internal-status template opened directly), not by id.
  if (template.id === 'absent-without-leave' || (template.internalStatus && !template.startsFrom)) await markAbsentWithoutLeave(ctx, r.doc);
  return { ok: true, doc: r.doc };
}

/**
 * 旷工解除 from a lost-contact case: the lost-contact case lives in the server's escalation chain, so its
 * contact attempts and known reason are first brought into a local lost-contact CaseDoc (idempotent ids),
 * which is then the origin the dismissal template requires. Refused unless the chain's case has a contact
 * attempt and a known reason (open, or closed by HR as "dismissal started").
 */
export async function openDismissalFromEscalation(
  ctx: CaseWriteContext,
  escalation: EscalationState,
  input: { id: string; siteId?: string; participants?: OpenCaseInput['participants']; template?: CaseTemplate },
): Promise<CaseWriteResult> {
  // The built-in 旷工解除, or HR's copy of it: any template that starts from a lost-contact case.
  const template = input.template ?? builtInTemplate('dismissal-absenteeism');
  if (template.startsFrom?.templateId !== 'lost-contact') {
    return { ok: false, reasons: [{ code: 'invalid', message: `${template.id} does not start from a lost-contact case` }] };
  }
  const c = escalation.case;
  const started = c !== null && c.outcome === 'dismissal_started' && c.contactAttempts.length > 0 && c.knownReason !== null;
  if (!c || !(canStartAbsenteeismDismissal(c) || started)) {
    return { ok: false, reasons: [{ code: 'precondition-unmet', stepId: null, rule: 'starts-from', message: 'the lost-contact case needs a recorded contact attempt and a known reason' }] };
  }
  const synced = await syncLostContactCaseRecord(ctx, escalation);
  if (!synced.ok) return synced;
  return openCaseRecord(ctx, template, { id: input.id, subjectEmployeeId: escalation.employeeId, siteId: input.siteId ?? escalation.siteId, participants: input.participants ?? [] }, synced.doc.id);
}

/**
 * The lost-contact case of an escalation chain as a case document (opened the first time, brought up to date
 * after): the origin of a 旷工 dismissal, and what an evidence bundle of the lost-contact case is made from.
 */
export async function syncLostContactCaseRecord(ctx: CaseWriteContext, escalation: EscalationState): Promise<CaseWriteResult> {
  if (!escalation.case) return { ok: false, reasons: [{ code: 'invalid', message: 'the escalation chain has no lost-contact case yet' }] };
  const existing = await load(ctx, escalation.case.id);
  const synced = syncLostContactCase(builtInTemplate('lost-contact'), escalation, ctxOf(ctx), existing ?? undefined);
  if (!synced.ok) return synced;
  if (!existing || synced.audit.length) {
    await ctx.db.cases.upsert(synced.doc);
    for (const a of synced.audit) await ctx.audit.append({ actor: ctx.actor, action: a.action, collection: 'cases', docId: synced.doc.id, before: existing, after: synced.doc, summary: a.summary.slice(0, 500) });
  }
  return { ok: true, doc: synced.doc };
}

/** 擅自离岗 is an internal employee status (not 中止, not terminated): set when its case opens, audited. HR ends it
 *  on the employee record when the case is resolved (return, or termination through offboarding). */
async function markAbsentWithoutLeave(ctx: CaseWriteContext, doc: CaseDoc): Promise<void> {
  const found = await ctx.db.employees.findOne(doc.subjectEmployeeId).exec();
  if (!found) return;
  const emp = Employee.parse(stripMeta(found.toMutableJSON() as Record<string, unknown>));
  if (emp.status === 'terminated' || emp.status === 'absent_without_leave') return;
  await saveRecord(ctx, 'employees', Employee, { ...emp, status: 'absent_without_leave' }, `status absent without leave (case ${doc.id})`);
}

/**
 * Applies one event. Concurrent calls on one case are serialised per case so that neither overwrites the
 * other's change (each reads the stored document the previous one wrote).
 */
export async function applyCaseEvent(ctx: CaseWriteContext, caseId: string, event: CaseEventInput): Promise<CaseWriteResult> {
  return serialised(caseId, async () => {
    const before = await load(ctx, caseId);
    if (!before) return { ok: false, reasons: [{ code: 'invalid', message: `no case ${caseId}` }] };
    let template: CaseTemplate;
    try {
      template = await loadCaseTemplate(ctx.db, before);
    } catch (err) {
      return { ok: false, reasons: [{ code: 'invalid', message: err instanceof Error ? err.message : String(err) }] };
    }
    const r = transition(before, template, event, ctxOf(ctx));
    if (!r.ok) {
      if (r.reasons.some((x) => x.code === 'final-wages-never-held')) await auditRefusedWageHold(ctx, before, event);
      return r;
    }
    await ctx.db.cases.upsert(r.doc);
    for (const note of r.audit) {
      await ctx.audit.append({ actor: ctx.actor, action: note.action, collection: 'cases', docId: caseId, before, after: r.doc, summary: note.summary.slice(0, 500) });
    }
    return { ok: true, doc: r.doc };
  });
}

/**
 * Final wages are never held (工资支付暂行规定 第九条): the engine refuses every attempt (holding them,
 * skipping or overriding their step), and the attempt itself goes into the audit trail, so that an attempt
 * that was refused can be proved afterwards, by whom and when, with the reason given.
 */
async function auditRefusedWageHold(ctx: CaseWriteContext, doc: CaseDoc, event: CaseEventInput): Promise<void> {
  const step = 'stepId' in event ? ` of step ${event.stepId}` : '';
  const reason = 'reason' in event && event.reason ? `: ${event.reason}` : '';
  await ctx.audit.append({ actor: ctx.actor, action: 'refused', collection: 'cases', docId: doc.id, before: doc, after: null, summary: `refused ${event.type}${step} on case ${doc.id} (final wages are never held)${reason}`.slice(0, 500) });
}

/**
 * Offboarding: revokes a work account (a company asset). The case's checklist item is checked with who and
 * when, and every account of that kind on the employee record is marked revoked by the same person at the
 * same time, so the employee record and the case tell the same story. `itemId` is the checklist item
 * (`wecom`, `email`, … or an extra item HR added for another account).
 */
export async function revokeWorkAccount(ctx: CaseWriteContext, caseId: string, input: { stepId: string; itemId: string; kind: string | null; note?: string }): Promise<CaseWriteResult> {
  const now = (ctx.now ?? Date.now)();
  const r = await applyCaseEvent({ ...ctx, now: () => now }, caseId, { type: 'check_item', stepId: input.stepId, itemId: input.itemId, done: true, note: input.note ?? `revoked by ${ctx.actor}` });
  if (!r.ok || !input.kind) return r;
  const found = await ctx.db.employees.findOne(r.doc.subjectEmployeeId).exec();
  if (!found) return r;
  const emp = Employee.parse(stripMeta(found.toMutableJSON() as Record<string, unknown>));
  if (!emp.workAccounts.some((a) => a.kind === input.kind && a.revokedAt === null)) return r;
  const workAccounts = emp.workAccounts.map((a) => (a.kind === input.kind && a.revokedAt === null ? { ...a, revokedAt: now, revokedBy: ctx.actor } : a));
  await saveRecord({ ...ctx, now: () => now }, 'employees', Employee, { ...emp, workAccounts }, `work account ${input.kind} revoked (case ${caseId})`);
  return r;
}

/**
 * Reads one case for display. Restricted cases are refused to users without access and every view of
 * them is audited; unrestricted cases are read without an audit event (their changes are audited).
 */
export async function viewCase(ctx: WriteContext, caseId: string): Promise<CaseDoc | null> {
  const doc = await load(ctx, caseId);
  if (!doc) return null;
  if (!canAccessCase(doc, ctx.actor)) {
    throw new RenshiError('forbidden', `${ctx.actor} has no access to case ${caseId}`);
  }
  if (doc.restricted) await ctx.audit.append({ actor: ctx.actor, action: 'view', collection: 'cases', docId: caseId, before: null, after: null, summary: `viewed restricted case ${caseId}` });
  return doc;
}

/** The cases this user may see, newest change first; restricted ones only with access. */
export async function listCases(ctx: WriteContext): Promise<CaseDoc[]> {
  const docs = await ctx.db.cases.find({ sort: [{ updatedAt: 'desc' }] }).exec();
  return docs.map((d) => CaseDoc.parse(stripMeta(d.toMutableJSON() as Record<string, unknown>))).filter((c) => canAccessCase(c, ctx.actor));
}

const queues = new Map<string, Promise<unknown>>();
function serialised<T>(key: string, work: () => Promise<T>): Promise<T> {
  const prev = queues.get(key) ?? Promise.resolve();
  const next = prev.then(work, work);
  const tail = next.catch(() => undefined);
  queues.set(key, tail);
  void tail.then(() => queues.get(key) === tail && queues.delete(key));
  return next;
}
