import { z } from 'zod';
import { EpochMs, Id, LocalDate } from '../schemas/common.ts';
import { instantOf, localDateTimeOf } from '../time.ts';
import {
  CaseDoc,
  CaseParticipant,
  ClassDetails,
  DECIDED,
  DaysFigure,
  DeductionFact,
  FenFigure,
  Sha256Hex,
  canAccessCase,
  currentFact,
  isAdjusted,
  type CaseApproval,
  type CaseStep,
  type CaseTimelineEntry,
  type StepState,
} from './case-doc.ts';
import { ApproverRole, Label, type CaseRuleId, type CaseTemplate, type DeadlineAnchor, type StepTemplate } from './case-template.ts';
import { TeacherStatus } from './teacher-status.ts';
import { PAID_DAYS_PER_MONTH, economicCompensation, finalWageFen, maxLossDeduction, wageHoldWarning, type WageHoldWarning } from './termination-pay.ts';

/**
 * The case engine: one state machine for every case; see cases/README.md for the diagram and the API.
 *
 * Model: a case is open until closed or cancelled. Each event is checked against the template and the
 * document as it is; a refusal lists every reason at once (so the UI can show the whole list), otherwise the
 * new document is returned with the audit notes the caller seals into the audit chain. After every change
 * the undecided steps are re-derived: `pending` while an earlier step (`after`) is undecided, `blocked`
 * while something it requires is missing (evidence of a kind, a delivered notice, an approval per role, an
 * open checklist item, a rule such as the 20% deduction cap, a waiting period, a hard deadline that passed),
 * `ready` otherwise. A step is completed only when ready; HR may override any step except paying final wages
 * with a non-empty reason, which is recorded and flagged for the audit trail; an optional step may be skipped
 * with a reason. A case closes only when every step is decided.
 */
const Slug = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/).max(80);
const Reason = z.string().max(4000);
const FigureReason = z.string().trim().max(500).default('');
/** A figure as the screen sends it: HR's reason may be left out when the value is the records' own. */
const FenFigureInput = FenFigure.extend({ reason: FigureReason });
const DaysFigureInput = DaysFigure.extend({ reason: FigureReason });
/** The amount paid: null for the formula's result, or HR's figure with the reason. */
const AmountInput = z.object({ value: z.number().int().nonnegative().nullable().default(null), reason: FigureReason }).default({ value: null, reason: '' });

export const CaseEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('add_participant'), participant: CaseParticipant }),
  z.object({
    type: z.literal('add_evidence'),
    evidence: z.object({
      id: Id,
      stepId: Slug.nullable().default(null),
      kind: Slug,
      description: z.string().trim().min(1).max(4000),
      document: z.object({ sha256: Sha256Hex.nullable().default(null), ref: z.string().max(500).nullable().default(null) }).nullable().default(null),
      personId: Id.nullable().default(null),
      notes: z.string().max(4000).default(''),
    }),
  }),
  z.object({
    type: z.literal('record_notice'),
    notice: z.object({
      id: Id,
      stepId: Slug.nullable().default(null),
      kind: Slug,
      recipient: z.enum(['subject', 'relative', 'union', 'public']),
      deliveryRecordId: Id,
      channel: z.string().min(1).max(40),
      sentAt: EpochMs,
    }),
  }),
  z.object({ type: z.literal('notice_delivery'), noticeId: Id, deliveredAt: EpochMs.nullable().default(null), acknowledgedAt: EpochMs.nullable().default(null) }),
  z.object({ type: z.literal('approve'), id: Id, stepId: Slug, role: ApproverRole, decision: z.enum(['approved', 'rejected']), note: z.string().max(4000).default('') }),
  z.object({ type: z.literal('add_checklist_item'), stepId: Slug, itemId: Slug, label: Label, needsSuccessor: z.boolean().default(false), classDetails: ClassDetails.nullable().default(null) }),
  z.object({
    type: z.literal('check_item'),
    stepId: Slug,
    itemId: Slug,
    done: z.boolean(),
    successor: z.string().trim().max(200).nullable().default(null),
    /** The successor's employee id (required for a class). */
    successorId: Id.nullable().default(null),
    note: z.string().max(4000).default(''),
  }),
  z.object({ type: z.literal('record_termination_date'), id: Id, date: LocalDate }),
  /** Whether the subject teaches, as the employee record says now (teacher-status.ts). */
  z.object({ type: z.literal('record_teacher_status'), id: Id, status: TeacherStatus }),
  /** The final wage for the current termination date; the engine computes the formula's amount. */
  z.object({ type: z.literal('record_final_wage'), id: Id, periodStart: LocalDate, monthlySalaryFen: FenFigureInput, paidDays: DaysFigureInput, amount: AmountInput }),
  /** Economic compensation for the current termination date; the engine computes the statutory amount. */
  z.object({
    type: z.literal('record_compensation'),
    id: Id,
    startDate: LocalDate,
    averageMonthlyWageFen: FenFigureInput,
    localAverageMonthlyWageFen: z.number().int().positive(),
    localMinimumWageFen: z.number().int().nonnegative().nullable().default(null),
    amount: AmountInput,
  }),
  z.object({ type: z.literal('record_deduction'), id: Id, deduction: DeductionFact }),
  z.object({ type: z.literal('complete_step'), stepId: Slug, note: z.string().max(4000).default('') }),
  z.object({ type: z.literal('skip_step'), stepId: Slug, reason: Reason }),
  z.object({ type: z.literal('override_step'), stepId: Slug, reason: Reason }),
  /** Always refused: final wages are never held. Lets the UI route a "hold wages" action into the warning. */
  z.object({ type: z.literal('hold_final_wages'), reason: Reason.default('') }),
  z.object({ type: z.literal('grant_access'), userId: Id }),
  z.object({ type: z.literal('revoke_access'), userId: Id }),
  z.object({ type: z.literal('close_case'), outcome: z.string().trim().min(1).max(4000) }),
  z.object({ type: z.literal('cancel_case'), reason: Reason }),
]);
export type CaseEvent = z.infer<typeof CaseEvent>;
export type CaseEventInput = z.input<typeof CaseEvent>;

export type CaseActor = { id: string; roles: readonly ApproverRole[] };
export type CaseContext = { now: number; actor: CaseActor };

/** Why a step cannot be completed yet (also what whatIsMissing lists). */
export type StepBlocker =
  | { code: 'step-not-ready'; stepId: string; waitingFor: string[] }
  | { code: 'missing-evidence'; stepId: string; evidenceKind: string; have: number; need: number }
  | { code: 'missing-notice'; stepId: string; noticeKind: string; problem: 'not-sent' | 'not-delivered' }
  | { code: 'missing-approval'; stepId: string; role: ApproverRole; rejected: boolean }
  | { code: 'checklist-open'; stepId: string; itemIds: string[] }
  | { code: 'precondition-unmet'; stepId: string | null; rule: string; message: string }
  | { code: 'deadline-not-reached'; stepId: string; until: number | null }
  | { code: 'deadline-passed'; stepId: string; dueAt: number };

export type CaseRefusalReason =
  | StepBlocker
  | { code: 'override-needs-reason'; stepId: string }
  | { code: 'skip-needs-reason'; stepId: string }
  /** HR used another figure than the records' (a salary, a number of days, an amount) without saying why. */
  | { code: 'adjustment-needs-reason'; figure: string }
  | { code: 'not-optional'; stepId: string }
  | { code: 'final-wages-never-held'; warning: WageHoldWarning | null }
  | { code: 'forbidden'; message: string }
  | { code: 'case-closed'; status: string }
  | { code: 'step-already-decided'; stepId: string; state: StepState }
  | { code: 'invalid'; message: string };

export type AuditNote = { action: 'create' | 'update' | 'override'; summary: string; flagged: boolean };
export type CaseResult = { ok: true; doc: CaseDoc; audit: AuditNote[] } | { ok: false; reasons: CaseRefusalReason[] };

const DAY_MS = 86_400_000;
const OVERRIDERS: ReadonlySet<ApproverRole> = new Set(['hr', 'hr-manager']);

// ---------------------------------------------------------------------------------------------------------
// Opening a case

export const OpenCaseInput = z.object({
  id: Id,
  subjectEmployeeId: Id,
  siteId: Id,
  participants: z.array(CaseParticipant).default([]),
  categoryCode: z.string().max(20).nullable().default(null),
  /** Users who may see a restricted case besides the opener. */
  access: z.array(Id).default([]),
});
export type OpenCaseInput = z.input<typeof OpenCaseInput>;

/**
 * Opens a case from a template. A template with `startsFrom` (dismissal for absenteeism) can only be opened
 * from an `origin` case of that template holding the required evidence (contact attempts, a known reason).
 */
export function openCase(template: CaseTemplate, input: OpenCaseInput, ctx: CaseContext, origin?: CaseDoc): CaseResult {
  const parsed = OpenCaseInput.safeParse(input);
  if (!parsed.success) return refuse({ code: 'invalid', message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
  const i = parsed.data;
  const reasons: CaseRefusalReason[] = [];
  if (template.startsFrom) {
    const from = template.startsFrom;
    if (!origin || origin.templateId !== from.templateId) {
      reasons.push({ code: 'precondition-unmet', stepId: null, rule: 'starts-from', message: `can only be started from a ${from.templateId} case` });
    } else {
      if (origin.subjectEmployeeId !== i.subjectEmployeeId) reasons.push({ code: 'invalid', message: 'the origin case is about another employee' });
      for (const kind of from.requiredEvidence) {
        if (!origin.evidence.some((e) => e.kind === kind)) {
          reasons.push({ code: 'precondition-unmet', stepId: null, rule: 'starts-from', message: `the ${from.templateId} case has no ${kind} on file` });
        }
      }
    }
  }
  if (template.categories.length > 0 && !template.categories.some((c) => c.code === i.categoryCode)) {
    reasons.push({ code: 'invalid', message: `category code must be one of ${template.categories.map((c) => c.code).join(', ')}` });
  }
  const allowedRoles = new Set(template.participantRoles);
  for (const p of i.participants) if (!allowedRoles.has(p.role)) reasons.push({ code: 'invalid', message: `role ${p.role} is not used by ${template.id}` });
  if (reasons.length) return { ok: false, reasons };

  const { now, actor } = ctx;
  const participants = i.participants.some((p) => p.role === 'subject' && p.personId === i.subjectEmployeeId)
    ? i.participants
    : [{ personId: i.subjectEmployeeId, name: '', role: 'subject' as const }, ...i.participants];
  const accessUsers = template.restricted ? [...new Set([actor.id, ...i.access])] : [];
  const doc: CaseDoc = {
    id: i.id,
    templateId: template.id,
    templateVersion: template.version,
    subjectEmployeeId: i.subjectEmployeeId,
    siteId: i.siteId,
    categoryCode: i.categoryCode,
    originCaseId: origin?.id ?? null,
    participants,
    status: 'open',
    outcome: null,
    closedAt: null,
    closedBy: null,
    steps: template.steps.map((s) => ({ id: s.id, state: 'pending', decidedAt: null, decidedBy: null, note: '' })),
    evidence: [],
    notices: [],
    approvals: [],
    overrides: [],
    checklist: template.steps.flatMap((s) =>
      s.checklist.map((item) => ({ id: `${s.id}/${item.id}`, stepId: s.id, itemId: item.id, label: null, needsSuccessor: item.needsSuccessor, done: false, successor: null, successorId: null, classDetails: null, note: '', by: actor.id, at: now })),
    ),
    facts: [],
    timeline: [{ id: timelineId(i.id, now, actor.id, 'opened', 0), at: now, by: actor.id, type: 'opened', stepId: null, detail: origin ? `from ${origin.id}` : '', flagged: false }],
    restricted: template.restricted,
    access: accessUsers.map((userId) => ({ userId, granted: true, by: actor.id, at: now })),
    createdAt: now,
    createdBy: actor.id,
    updatedAt: now,
  };
  return { ok: true, doc: refreshSteps(doc, template, now), audit: [{ action: 'create', summary: `opened ${template.id} case ${i.id}`, flagged: false }] };
}

// ---------------------------------------------------------------------------------------------------------
// Transitions

export function transition(doc: CaseDoc, template: CaseTemplate, eventInput: CaseEventInput, ctx: CaseContext): CaseResult {
  if (doc.templateId !== template.id || doc.templateVersion !== template.version) {
    return refuse({ code: 'invalid', message: `case uses template ${doc.templateId}@${doc.templateVersion}, got ${template.id}@${template.version}` });
  }
  const parsed = CaseEvent.safeParse(eventInput);
  if (!parsed.success) return refuse({ code: 'invalid', message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
  const event = parsed.data;
  const { now, actor } = ctx;
  if (!canAccessCase(doc, actor.id)) return refuse({ code: 'forbidden', message: 'restricted case: you are not on its access list' });
  if (event.type === 'hold_final_wages') {
    const date = currentFact(doc, 'termination-date');
    return refuse({ code: 'final-wages-never-held', warning: date ? wageHoldWarning(date) : null });
  }
  if (doc.status !== 'open') return refuse({ code: 'case-closed', status: doc.status });

  const next: CaseDoc = structuredClone(doc);
  const audit: AuditNote[] = [];
  let stepId: string | null = null;
  let detail = '';
  let flagged = false;

  switch (event.type) {
    case 'add_participant': {
      if (!template.participantRoles.includes(event.participant.role)) return refuse({ code: 'invalid', message: `role ${event.participant.role} is not used by ${template.id}` });
      if (next.participants.some((p) => p.personId === event.participant.personId && p.role === event.participant.role)) return unchanged(doc);
      next.participants.push(event.participant);
      detail = `${event.participant.role}: ${event.participant.personId}`;
      break;
    }
    case 'add_evidence': {
      if (next.evidence.some((e) => e.id === event.evidence.id)) return unchanged(doc);
      if (event.evidence.stepId && !stepOf(template, event.evidence.stepId)) return refuse({ code: 'invalid', message: `unknown step ${event.evidence.stepId}` });
      next.evidence.push({ ...event.evidence, addedBy: actor.id, addedAt: now });
      stepId = event.evidence.stepId;
      detail = `${event.evidence.kind}: ${event.evidence.description}`;
      break;
    }
    case 'record_notice': {
      if (next.notices.some((n) => n.id === event.notice.id)) return unchanged(doc);
      next.notices.push({ ...event.notice, deliveredAt: null, acknowledgedAt: null, recordedBy: actor.id });
      stepId = event.notice.stepId;
      detail = `${event.notice.kind} via ${event.notice.channel}`;
      break;
    }
    case 'notice_delivery': {
      const n = next.notices.find((x) => x.id === event.noticeId);
      if (!n) return refuse({ code: 'invalid', message: `unknown notice ${event.noticeId}` });
      if (event.deliveredAt !== null) n.deliveredAt = n.deliveredAt === null ? event.deliveredAt : Math.min(n.deliveredAt, event.deliveredAt);
      if (event.acknowledgedAt !== null) n.acknowledgedAt = n.acknowledgedAt === null ? event.acknowledgedAt : Math.min(n.acknowledgedAt, event.acknowledgedAt);
      stepId = n.stepId;
      detail = `${n.kind}: delivered ${when(n.deliveredAt)}, acknowledged ${when(n.acknowledgedAt)}`;
      break;
    }
    case 'approve': {
      const st = stepOf(template, event.stepId);
      if (!st) return refuse({ code: 'invalid', message: `unknown step ${event.stepId}` });
      if (!st.approvals.includes(event.role)) return refuse({ code: 'invalid', message: `step ${st.id} needs no ${event.role} approval` });
      if (!actor.roles.includes(event.role)) return refuse({ code: 'forbidden', message: `you do not hold the ${event.role} role` });
      const decided = decidedState(next, st.id);
      if (decided) return refuse({ code: 'step-already-decided', stepId: st.id, state: decided });
      if (next.approvals.some((a) => a.id === event.id)) return unchanged(doc);
      next.approvals.push({ id: event.id, stepId: st.id, role: event.role, decision: event.decision, by: actor.id, at: now, note: event.note });
      stepId = st.id;
      detail = `${event.role} ${event.decision}${event.note ? `: ${event.note}` : ''}`;
      break;
    }
    case 'add_checklist_item': {
      const st = stepOf(template, event.stepId);
      if (!st) return refuse({ code: 'invalid', message: `unknown step ${event.stepId}` });
      if (!st.checklistExtensible) return refuse({ code: 'invalid', message: `step ${st.id} takes no extra checklist items` });
      const id = `${st.id}/${event.itemId}`;
      if (next.checklist.some((c) => c.id === id)) return refuse({ code: 'invalid', message: `checklist item ${id} exists` });
      if (st.reassignsClasses) {
        if (currentFact(next, 'subject-teacher')?.teacher !== true) {
          return refuse({ code: 'precondition-unmet', stepId: st.id, rule: 'subject-is-teacher', message: 'the employee record does not show a teacher: there are no classes to reassign' });
        }
        if (!event.classDetails) return refuse({ code: 'invalid', message: 'a class needs its term (and its weekly hours when known)' });
      } else if (event.classDetails) {
        return refuse({ code: 'invalid', message: `step ${st.id} does not reassign classes` });
      }
      const needsSuccessor = event.needsSuccessor || st.reassignsClasses;
      next.checklist.push({ id, stepId: st.id, itemId: event.itemId, label: event.label, needsSuccessor, done: false, successor: null, successorId: null, classDetails: event.classDetails, note: '', by: actor.id, at: now });
      stepId = st.id;
      detail = event.label.zh;
      break;
    }
    case 'check_item': {
      const item = next.checklist.find((c) => c.id === `${event.stepId}/${event.itemId}`);
      if (!item) return refuse({ code: 'invalid', message: `unknown checklist item ${event.stepId}/${event.itemId}` });
      if (decidedState(next, item.stepId)) return refuse({ code: 'step-already-decided', stepId: item.stepId, state: decidedState(next, item.stepId)! });
      if (event.done && item.needsSuccessor && !event.successor) return refuse({ code: 'invalid', message: `${item.id} needs the successor who takes it over` });
      if (event.done && item.classDetails && !event.successorId) return refuse({ code: 'invalid', message: `${item.id} needs the teacher (an employee) who takes the class over` });
      if (event.successorId !== null && event.successorId === next.subjectEmployeeId) return refuse({ code: 'invalid', message: 'the leaver cannot be their own successor' });
      Object.assign(item, { done: event.done, successor: event.successor, successorId: event.successorId, note: event.note, by: actor.id, at: now });
      stepId = item.stepId;
      detail = `${item.itemId}: ${event.done ? 'done' : 'reopened'}${event.successor ? ` -> ${event.successor}` : ''}`;
      break;
    }
    case 'record_termination_date': {
      if (next.facts.some((f) => f.id === event.id)) return unchanged(doc);
      next.facts.push({ id: event.id, key: 'termination-date', value: event.date, by: actor.id, at: now });
      detail = `termination date ${event.date}`;
      break;
    }
    case 'record_teacher_status': {
      if (next.facts.some((f) => f.id === event.id)) return unchanged(doc);
      next.facts.push({ id: event.id, key: 'subject-teacher', value: event.status, by: actor.id, at: now });
      detail = event.status.teacher ? `teacher (${event.status.basis.map((b) => `${b.field}: ${b.value}`).join('; ')})` : 'not a teacher';
      break;
    }
    case 'record_final_wage': {
      if (next.facts.some((f) => f.id === event.id)) return unchanged(doc);
      const terminationDate = currentFact(next, 'termination-date');
      if (!terminationDate) return refuse({ code: 'precondition-unmet', stepId: null, rule: 'termination-date-recorded', message: 'record the termination date first' });
      if (event.periodStart > terminationDate || event.periodStart.slice(0, 7) !== terminationDate.slice(0, 7)) {
        return refuse({ code: 'invalid', message: `the final month runs from a day of ${terminationDate.slice(0, 7)} to the termination date ${terminationDate}` });
      }
      const formulaFen = finalWageFen({ monthlySalaryFen: event.monthlySalaryFen.value, paidDays: event.paidDays.value });
      const amountFen = { value: event.amount.value ?? formulaFen, fromRecords: formulaFen, reason: event.amount.reason };
      const figures = { 'monthly-salary': event.monthlySalaryFen, 'paid-days': event.paidDays, amount: amountFen };
      const unexplained = unexplainedFigures(figures, actor);
      if (unexplained.length) return { ok: false, reasons: unexplained };
      next.facts.push({ id: event.id, key: 'final-wage', value: { terminationDate, periodStart: event.periodStart, monthlySalaryFen: event.monthlySalaryFen, paidDays: event.paidDays, amountFen }, by: actor.id, at: now });
      detail = `final wage ${yuan(amountFen.value)} for ${event.periodStart}..${terminationDate}: ${yuan(event.monthlySalaryFen.value)} / ${PAID_DAYS_PER_MONTH} x ${event.paidDays.value} days = ${yuan(formulaFen)}${adjustmentText(figures)}`;
      flagged = flagAdjustments(audit, 'final wage', doc.id, figures);
      break;
    }
    case 'record_compensation': {
      if (next.facts.some((f) => f.id === event.id)) return unchanged(doc);
      const terminationDate = currentFact(next, 'termination-date');
      if (!terminationDate) return refuse({ code: 'precondition-unmet', stepId: null, rule: 'termination-date-recorded', message: 'record the termination date first' });
      if (event.startDate > terminationDate) return refuse({ code: 'invalid', message: `the start date ${event.startDate} is after the termination date ${terminationDate}` });
      const r = economicCompensation({
        startDate: event.startDate,
        terminationDate,
        averageMonthlyWageFen: event.averageMonthlyWageFen.value,
        localAverageMonthlyWageFen: event.localAverageMonthlyWageFen,
        localMinimumWageFen: event.localMinimumWageFen ?? undefined,
      });
      const amountFen = { value: event.amount.value ?? r.amountFen, fromRecords: r.amountFen, reason: event.amount.reason };
      const figures = { 'average-wage': event.averageMonthlyWageFen, amount: amountFen };
      const unexplained = unexplainedFigures(figures, actor);
      if (unexplained.length) return { ok: false, reasons: unexplained };
      next.facts.push({
        id: event.id,
        key: 'compensation',
        value: {
          startDate: event.startDate,
          terminationDate,
          averageMonthlyWageFen: event.averageMonthlyWageFen,
          localAverageMonthlyWageFen: event.localAverageMonthlyWageFen,
          localMinimumWageFen: event.localMinimumWageFen,
          months: r.months,
          monthlyWageUsedFen: r.monthlyWageUsedFen,
          capped: r.capped,
          notes: r.notes,
          amountFen,
        },
        by: actor.id,
        at: now,
      });
      detail = `compensation ${yuan(amountFen.value)}: ${r.months} months x ${yuan(r.monthlyWageUsedFen)}${r.capped ? ' (capped at 3x the local average, at most 12 years)' : ''}${adjustmentText(figures)}`;
      flagged = flagAdjustments(audit, 'compensation', doc.id, figures);
      break;
    }
    case 'record_deduction': {
      if (next.facts.some((f) => f.id === event.id)) return unchanged(doc);
      const limit = maxLossDeduction(event.deduction);
      if (event.deduction.amountFen > limit.maxFen) return refuse(deductionOverCap(null, event.deduction.amountFen, limit.maxFen));
      next.facts.push({ id: event.id, key: 'deduction', value: event.deduction, by: actor.id, at: now });
      detail = `deduction ${yuan(event.deduction.amountFen)} for ${event.deduction.month} (cap ${yuan(limit.maxFen)})`;
      break;
    }
    case 'complete_step': {
      const st = stepOf(template, event.stepId);
      if (!st) return refuse({ code: 'invalid', message: `unknown step ${event.stepId}` });
      const decided = decidedState(next, st.id);
      if (decided) return refuse({ code: 'step-already-decided', stepId: st.id, state: decided });
      const blockers = stepBlockers(next, template, st, now);
      if (blockers.length) return { ok: false, reasons: blockers };
      decide(next, st.id, 'done', actor.id, now, event.note);
      stepId = st.id;
      detail = event.note;
      break;
    }
    case 'skip_step': {
      const st = stepOf(template, event.stepId);
      if (!st) return refuse({ code: 'invalid', message: `unknown step ${event.stepId}` });
      if (st.finalWages) return refuse({ code: 'final-wages-never-held', warning: warningFor(next) });
      if (!st.optional) return refuse({ code: 'not-optional', stepId: st.id });
      if (!event.reason.trim()) return refuse({ code: 'skip-needs-reason', stepId: st.id });
      const decided = decidedState(next, st.id);
      if (decided) return refuse({ code: 'step-already-decided', stepId: st.id, state: decided });
      decide(next, st.id, 'skipped', actor.id, now, event.reason.trim());
      stepId = st.id;
      detail = event.reason.trim();
      break;
    }
    case 'override_step': {
      const st = stepOf(template, event.stepId);
      if (!st) return refuse({ code: 'invalid', message: `unknown step ${event.stepId}` });
      if (st.finalWages) return refuse({ code: 'final-wages-never-held', warning: warningFor(next) });
      if (!actor.roles.some((r) => OVERRIDERS.has(r))) return refuse({ code: 'forbidden', message: 'only HR may override a step' });
      const reason = event.reason.trim();
      if (!reason) return refuse({ code: 'override-needs-reason', stepId: st.id });
      const decided = decidedState(next, st.id);
      if (decided) return refuse({ code: 'step-already-decided', stepId: st.id, state: decided });
      const missing = stepBlockers(next, template, st, now);
      decide(next, st.id, 'overridden', actor.id, now, reason);
      next.overrides.push({ id: `${doc.id}|override|${st.id}|${now}|${actor.id}`, stepId: st.id, reason, by: actor.id, at: now, flagged: true });
      stepId = st.id;
      detail = reason;
      flagged = true;
      audit.push({ action: 'override', summary: `override of step ${st.id} (${missing.map((m) => m.code).join(', ') || 'nothing missing'}): ${reason}`, flagged: true });
      break;
    }
    case 'grant_access':
    case 'revoke_access': {
      if (!actor.roles.some((r) => OVERRIDERS.has(r))) return refuse({ code: 'forbidden', message: 'only HR may change who can see a case' });
      next.access.push({ userId: event.userId, granted: event.type === 'grant_access', by: actor.id, at: now });
      detail = event.userId;
      break;
    }
    case 'close_case': {
      const open = template.steps.filter((s) => !decidedState(next, s.id));
      if (open.length) return { ok: false, reasons: open.flatMap((s) => blockersOrNotDone(next, template, s, now)) };
      Object.assign(next, { status: 'completed', outcome: event.outcome, closedAt: now, closedBy: actor.id });
      detail = event.outcome;
      break;
    }
    case 'cancel_case': {
      if (!event.reason.trim()) return refuse({ code: 'invalid', message: 'cancelling a case needs a reason' });
      Object.assign(next, { status: 'cancelled', outcome: event.reason.trim(), closedAt: now, closedBy: actor.id });
      detail = event.reason.trim();
      break;
    }
  }

  next.timeline.push({ id: timelineId(doc.id, now, actor.id, event.type, next.timeline.length), at: now, by: actor.id, type: event.type, stepId, detail, flagged });
  next.updatedAt = Math.max(now, doc.updatedAt);
  if (!flagged) audit.push({ action: 'update', summary: `${event.type}${stepId ? ` ${stepId}` : ''} on case ${doc.id}`, flagged: false });
  return { ok: true, doc: refreshSteps(next, template, now), audit };
}

// ---------------------------------------------------------------------------------------------------------
// What blocks each step

export type MissingForStep = { stepId: string; state: StepState; blockers: StepBlocker[]; overdueSince: number | null };

/** For every undecided step: its state, what blocks it, and since when it is overdue (soft due dates). */
export function whatIsMissing(doc: CaseDoc, template: CaseTemplate, now: number = doc.updatedAt): MissingForStep[] {
  return template.steps
    .filter((s) => !decidedState(doc, s.id))
    .map((s) => {
      const blockers = stepBlockers(doc, template, s, now);
      const due = s.due ? anchorTime(doc, s.due.anchor) : null;
      const dueAt = s.due && due !== null ? due + s.due.days * DAY_MS : null;
      return { stepId: s.id, state: stateFrom(blockers), blockers, overdueSince: dueAt !== null && now > dueAt ? dueAt : null };
    });
}

export function stepBlockers(doc: CaseDoc, template: CaseTemplate, st: StepTemplate, now: number): StepBlocker[] {
  const out: StepBlocker[] = [];
  const waitingFor = st.after.filter((dep) => !decidedState(doc, dep));
  if (waitingFor.length) out.push({ code: 'step-not-ready', stepId: st.id, waitingFor });
  for (const req of st.evidence) {
    const have = doc.evidence.filter((e) => e.kind === req.kind).length;
    if (have < req.min) out.push({ code: 'missing-evidence', stepId: st.id, evidenceKind: req.kind, have, need: req.min });
  }
  for (const req of st.notices) {
    const sent = doc.notices.filter((n) => n.kind === req.kind);
    if (sent.length === 0) out.push({ code: 'missing-notice', stepId: st.id, noticeKind: req.kind, problem: 'not-sent' });
    else if (req.mustBeDelivered && !sent.some((n) => n.deliveredAt !== null)) out.push({ code: 'missing-notice', stepId: st.id, noticeKind: req.kind, problem: 'not-delivered' });
  }
  for (const role of st.approvals) {
    const latest = latestApproval(doc.approvals, st.id, role);
    if (!latest || latest.decision !== 'approved') out.push({ code: 'missing-approval', stepId: st.id, role, rejected: latest?.decision === 'rejected' });
  }
  const open = doc.checklist.filter((c) => c.stepId === st.id && (!c.done || (c.needsSuccessor && !c.successor) || (c.classDetails !== null && !c.successorId))).map((c) => c.itemId);
  if (open.length) out.push({ code: 'checklist-open', stepId: st.id, itemIds: open });
  if (st.reassignsClasses) {
    const teacher = currentFact(doc, 'subject-teacher');
    if (!teacher) out.push({ code: 'precondition-unmet', stepId: st.id, rule: 'teacher-status-known', message: 'whether the leaver teaches is not on file yet (it is read from the employee record)' });
    else if (teacher.teacher && !doc.checklist.some((c) => c.stepId === st.id && c.classDetails !== null)) {
      out.push({ code: 'precondition-unmet', stepId: st.id, rule: 'classes-listed', message: "list each of the teacher's classes with the teacher who takes it over" });
    }
  }
  for (const rule of st.rules) {
    const problem = RULES[rule](doc);
    if (problem) out.push({ code: 'precondition-unmet', stepId: st.id, rule, message: problem });
  }
  if (st.notBefore) {
    const base = anchorTime(doc, st.notBefore.anchor);
    const until = base === null ? null : base + st.notBefore.days * DAY_MS;
    if (until === null || now < until) out.push({ code: 'deadline-not-reached', stepId: st.id, until });
  }
  if (st.due?.hard) {
    const base = anchorTime(doc, st.due.anchor);
    if (base !== null && now > base + st.due.days * DAY_MS) out.push({ code: 'deadline-passed', stepId: st.id, dueAt: base + st.due.days * DAY_MS });
  }
  return out;
}

/** Rules that need arithmetic, not just data; each returns a problem or null. */
const RULES: Record<CaseRuleId, (doc: CaseDoc) => string | null> = {
  'loss-deduction-within-cap': (doc) => {
    const d = currentFact(doc, 'deduction');
    if (!d) return 'record the deduction (month, monthly wage, local minimum wage, amount) first';
    const { maxFen } = maxLossDeduction(d);
    return d.amountFen > maxFen ? `deduction ${d.amountFen} fen exceeds the legal cap of ${maxFen} fen for ${d.month}` : null;
  },
  'termination-date-recorded': (doc) => (currentFact(doc, 'termination-date') ? null : 'record the termination date first'),
  'final-wage-computed': (doc) => computedFor(doc, currentFact(doc, 'final-wage'), 'the final wage'),
  'compensation-computed': (doc) => computedFor(doc, currentFact(doc, 'compensation'), 'the economic compensation'),
};

/** A money figure counts only when it was computed for the termination date now on file. */
function computedFor(doc: CaseDoc, fact: { terminationDate: string } | null, what: string): string | null {
  const date = currentFact(doc, 'termination-date');
  if (!date) return 'record the termination date first';
  if (!fact) return `compute ${what} first`;
  return fact.terminationDate === date ? null : `${what} was computed for the termination date ${fact.terminationDate}, not ${date}: compute it again`;
}

type Figure = { value: number; fromRecords: number | null; reason: string };

/** Every figure HR changed from the records' needs a reason, and only HR may change one. */
function unexplainedFigures(figures: Record<string, Figure>, actor: CaseActor): CaseRefusalReason[] {
  const adjusted = Object.entries(figures).filter(([, f]) => isAdjusted(f));
  if (adjusted.length && !actor.roles.some((r) => OVERRIDERS.has(r))) return [{ code: 'forbidden', message: "only HR may use another figure than the records'" }];
  return adjusted.filter(([, f]) => !f.reason.trim()).map(([figure]) => ({ code: 'adjustment-needs-reason', figure }));
}

// Timeline details are read by people (on screen and in the evidence report): times in company time, money in yuan.
const when = (ms: number | null) => (ms === null ? '-' : localDateTimeOf(ms).slice(0, 16));
const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;

function adjustmentText(figures: Record<string, Figure>): string {
  const adjusted = Object.entries(figures).filter(([, f]) => isAdjusted(f));
  return adjusted.map(([name, f]) => `; ${name} ${f.fromRecords} -> ${f.value}: ${f.reason}`).join('');
}

/** Figures HR changed from the records' are flagged in the audit trail, as overrides are. */
function flagAdjustments(audit: AuditNote[], what: string, caseId: string, figures: Record<string, Figure>): boolean {
  const text = adjustmentText(figures);
  if (!text) return false;
  audit.push({ action: 'override', summary: `${what} on case ${caseId} adjusted by HR${text}`, flagged: true });
  return true;
}

function deductionOverCap(stepId: string | null, amountFen: number, maxFen: number): CaseRefusalReason {
  return { code: 'precondition-unmet', stepId, rule: 'loss-deduction-within-cap', message: `deduction ${amountFen} fen exceeds the legal cap of ${maxFen} fen` };
}

/** When an anchor happened, or null if it has not yet. Date anchors count from the end of that local day. */
function anchorTime(doc: CaseDoc, anchor: DeadlineAnchor): number | null {
  switch (anchor.from) {
    case 'opened':
      return doc.createdAt;
    case 'step-done': {
      const s = doc.steps.find((x) => x.id === anchor.stepId);
      return s && DECIDED.has(s.state) ? s.decidedAt : null;
    }
    case 'notice-delivered': {
      const times = doc.notices.filter((n) => n.kind === anchor.noticeKind && n.deliveredAt !== null).map((n) => n.deliveredAt!);
      return times.length ? Math.min(...times) : null;
    }
    case 'termination-date': {
      const date = currentFact(doc, 'termination-date');
      return date ? instantOf(date) + DAY_MS - 1 : null;
    }
  }
}

function latestApproval(approvals: CaseApproval[], stepId: string, role: ApproverRole): CaseApproval | null {
  let best: CaseApproval | null = null;
  for (const a of approvals) if (a.stepId === stepId && a.role === role && (!best || a.at > best.at || (a.at === best.at && a.id > best.id))) best = a;
  return best;
}

function stateFrom(blockers: StepBlocker[]): StepState {
  if (blockers.some((b) => b.code === 'step-not-ready')) return 'pending';
  return blockers.length ? 'blocked' : 'ready';
}

/** Re-derives pending / blocked / ready for the undecided steps. */
export function refreshSteps(doc: CaseDoc, template: CaseTemplate, now: number): CaseDoc {
  const steps: CaseStep[] = doc.steps.map((s) => {
    if (DECIDED.has(s.state)) return s;
    const st = stepOf(template, s.id);
    return st ? { ...s, state: stateFrom(stepBlockers(doc, template, st, now)) } : s;
  });
  return { ...doc, steps };
}

function blockersOrNotDone(doc: CaseDoc, template: CaseTemplate, st: StepTemplate, now: number): StepBlocker[] {
  const b = stepBlockers(doc, template, st, now);
  // A ready step that nobody completed still stops the case from closing.
  return b.length ? b : [{ code: 'precondition-unmet', stepId: st.id, rule: 'step-not-completed', message: `step ${st.id} is ready but not completed` }];
}

function stepOf(template: CaseTemplate, stepId: string): StepTemplate | undefined {
  return template.steps.find((s) => s.id === stepId);
}

function decidedState(doc: CaseDoc, stepId: string): StepState | null {
  const s = doc.steps.find((x) => x.id === stepId);
  return s && DECIDED.has(s.state) ? s.state : null;
}

function decide(doc: CaseDoc, stepId: string, state: 'done' | 'skipped' | 'overridden', by: string, at: number, note: string): void {
  const s = doc.steps.find((x) => x.id === stepId)!;
  Object.assign(s, { state, decidedAt: at, decidedBy: by, note });
}

function warningFor(doc: CaseDoc): WageHoldWarning | null {
  const date = currentFact(doc, 'termination-date');
  return date ? wageHoldWarning(date) : null;
}

/** Deterministic, so replaying the same event on the same document yields the same id. */
function timelineId(caseId: string, at: number, actorId: string, type: string, seq: number): CaseTimelineEntry['id'] {
  return `${caseId}|${at}|${actorId}|${type}|${seq}`;
}

function refuse(reason: CaseRefusalReason): CaseResult {
  return { ok: false, reasons: [reason] };
}

/** A repeated event (same evidence / notice / approval / fact id) changes nothing and is not an error. */
function unchanged(doc: CaseDoc): CaseResult {
  return { ok: true, doc, audit: [] };
}
