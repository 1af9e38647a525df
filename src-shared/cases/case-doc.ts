import { z } from 'zod';
import { EpochMs, Id, LocalDate } from '../schemas/common.ts';
import { ApproverRole, Label, ParticipantRole } from './case-template.ts';
import { TeacherStatus } from './teacher-status.ts';

/**
 * One document of the `cases` collection: every workflow (lost contact, offboarding, deductions,
 * dismissals, sensitive events…) is a CaseDoc driven by its template. Everything that happens is kept as an
 * item with its own id and who/when (evidence, notices, approvals, overrides, checklist entries, facts,
 * timeline), so two replicas' versions can be merged item by item (see case-merge.ts) and nothing recorded
 * offline is lost.
 *
 * Step states: `done`, `skipped`, `overridden` are decisions people made and are stored as such;
 * `pending` (earlier steps undecided), `blocked` (something required is missing) and `ready` are derived
 * from the rest of the document by the engine after every change, so the UI can list them without the
 * template logic.
 */
const Actor = z.string().trim().min(1).max(100);
const Text = z.string().max(4000);
const Slug = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/).max(80);
export const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'SHA-256 as 64 lower-case hex digits');

export const StepState = z.enum(['pending', 'blocked', 'ready', 'done', 'skipped', 'overridden']);
export type StepState = z.infer<typeof StepState>;
export const DECIDED: ReadonlySet<StepState> = new Set(['done', 'skipped', 'overridden']);

export const CaseStep = z.object({
  id: Slug,
  state: StepState,
  decidedAt: EpochMs.nullable(),
  decidedBy: Actor.nullable(),
  /** Completion note, or the reason for a skip or an override. */
  note: Text,
});
export type CaseStep = z.infer<typeof CaseStep>;

export const CaseParticipant = z.object({ personId: Id, name: z.string().max(100), role: ParticipantRole });
export type CaseParticipant = z.infer<typeof CaseParticipant>;

export const EvidenceItem = z.object({
  id: Id,
  /** The step it was collected for (informational: requirements count evidence of a kind case-wide). */
  stepId: Slug.nullable(),
  kind: Slug,
  description: Text,
  /** The attached document: its SHA-256 and/or where it is stored (a documents-collection id, a file ref). */
  document: z.object({ sha256: Sha256Hex.nullable(), ref: z.string().max(500).nullable() }).nullable(),
  /** The person the evidence is about or from (an interviewee, a witness). */
  personId: Id.nullable(),
  notes: Text,
  addedBy: Actor,
  addedAt: EpochMs,
});
export type EvidenceItem = z.infer<typeof EvidenceItem>;

/** A notice sent for the case; the delivery itself (channels, receipts) lives in a delivery record. */
export const CaseNotice = z.object({
  id: Id,
  stepId: Slug.nullable(),
  kind: Slug,
  recipient: z.enum(['subject', 'relative', 'union', 'public']),
  deliveryRecordId: Id,
  channel: z.string().min(1).max(40),
  sentAt: EpochMs,
  deliveredAt: EpochMs.nullable(),
  acknowledgedAt: EpochMs.nullable(),
  recordedBy: Actor,
});
export type CaseNotice = z.infer<typeof CaseNotice>;

export const CaseApproval = z.object({
  id: Id,
  stepId: Slug,
  role: ApproverRole,
  decision: z.enum(['approved', 'rejected']),
  by: Actor,
  at: EpochMs,
  note: Text,
});
export type CaseApproval = z.infer<typeof CaseApproval>;

/** HR overrode a step's requirements. Always carries a reason; always flagged for the audit trail. */
export const CaseOverride = z.object({
  id: Id,
  stepId: Slug,
  reason: z.string().trim().min(1).max(4000),
  by: Actor,
  at: EpochMs,
  flagged: z.literal(true),
});
export type CaseOverride = z.infer<typeof CaseOverride>;

/** A class or course a leaving teacher takes (the item's label is its name). */
export const ClassDetails = z.object({
  /** e.g. 2025-2026学年第二学期 */
  term: z.string().trim().min(1).max(60),
  /** 周课时, when known. */
  weeklyHours: z.number().positive().max(80).nullable(),
});
export type ClassDetails = z.infer<typeof ClassDetails>;

export const ChecklistEntry = z.object({
  /** `${stepId}/${itemId}` */
  id: Id,
  stepId: Slug,
  itemId: Slug,
  /** Null for items that come from the template (the template's label is shown). */
  label: Label.nullable(),
  needsSuccessor: z.boolean(),
  done: z.boolean(),
  /** Who takes the customer / class over. */
  successor: z.string().max(200).nullable(),
  /** The successor's employee id where the successor must be an employee (a class's new teacher). Absent on
   *  entries stored before it existed. */
  successorId: Id.nullable().default(null),
  /** Set on a class of a leaving teacher (steps with `reassignsClasses`). */
  classDetails: ClassDetails.nullable().default(null),
  note: Text,
  by: Actor,
  at: EpochMs,
});
export type ChecklistEntry = z.infer<typeof ChecklistEntry>;

export const DeductionFact = z.object({
  month: z.string().regex(/^\d{4}-\d{2}$/),
  monthlyWageFen: z.number().int().nonnegative(),
  localMinimumWageFen: z.number().int().nonnegative(),
  amountFen: z.number().int().nonnegative(),
});
export type DeductionFact = z.infer<typeof DeductionFact>;

const Fen = z.number().int().nonnegative();
const Reason = z.string().trim().max(500);

/**
 * One figure of a money calculation: the value used, what the records gave (null when nothing was on file and
 * HR entered it) and, when HR used another value than the records', the reason (required then; such figures
 * are flagged in the audit trail).
 */
const figure = <T extends z.ZodTypeAny>(value: T) => z.object({ value, fromRecords: value.nullable(), reason: Reason });
export const FenFigure = figure(Fen);
export type FenFigure = z.infer<typeof FenFigure>;
export const DaysFigure = figure(z.number().nonnegative().max(31).multipleOf(0.5));
export type DaysFigure = z.infer<typeof DaysFigure>;

export function isAdjusted(f: { value: unknown; fromRecords: unknown }): boolean {
  return f.fromRecords !== null && f.value !== f.fromRecords;
}

/** The final wage owed on the termination date (termination-pay.ts finalWageFen), with its inputs. */
export const FinalWageFact = z.object({
  terminationDate: LocalDate,
  /** First day paid for: the 1st of the termination month, or the hire date when later. */
  periodStart: LocalDate,
  monthlySalaryFen: FenFigure,
  paidDays: DaysFigure,
  /** `fromRecords` is the formula's result for the figures used. */
  amountFen: FenFigure,
});
export type FinalWageFact = z.infer<typeof FinalWageFact>;

/** Economic compensation (termination-pay.ts economicCompensation), with its inputs and result. */
export const CompensationFact = z.object({
  startDate: LocalDate,
  terminationDate: LocalDate,
  /** Average monthly wage of the 12 months before leaving; the records give the current monthly salary. */
  averageMonthlyWageFen: FenFigure,
  /** Entered by HR: the city's published figure for the previous year. */
  localAverageMonthlyWageFen: Fen.positive(),
  localMinimumWageFen: Fen.nullable(),
  months: z.number().nonnegative().multipleOf(0.5),
  monthlyWageUsedFen: Fen,
  capped: z.boolean(),
  notes: z.array(z.string().max(300)).max(10),
  /** `fromRecords` is the statutory amount (months × wage used). */
  amountFen: FenFigure,
});
export type CompensationFact = z.infer<typeof CompensationFact>;

/** Facts the rules read; the latest (by `at`) of each key is the current value. */
export const CaseFact = z.discriminatedUnion('key', [
  z.object({ id: Id, key: z.literal('termination-date'), value: LocalDate, by: Actor, at: EpochMs }),
  z.object({ id: Id, key: z.literal('deduction'), value: DeductionFact, by: Actor, at: EpochMs }),
  /** Whether the subject teaches, read from the employee record (teacher-status.ts). */
  z.object({ id: Id, key: z.literal('subject-teacher'), value: TeacherStatus, by: Actor, at: EpochMs }),
  z.object({ id: Id, key: z.literal('final-wage'), value: FinalWageFact, by: Actor, at: EpochMs }),
  z.object({ id: Id, key: z.literal('compensation'), value: CompensationFact, by: Actor, at: EpochMs }),
]);
export type CaseFact = z.infer<typeof CaseFact>;

export const CaseTimelineEntry = z.object({
  id: Id.max(300),
  at: EpochMs,
  by: Actor,
  /** The event type (see CaseEvent) or 'opened'. */
  type: z.string().min(1).max(40),
  stepId: Slug.nullable(),
  /** Free text the event carried (a reason, an outcome, an evidence description). */
  detail: Text,
  /** Flagged for the audit trail (overrides). */
  flagged: z.boolean(),
});
export type CaseTimelineEntry = z.infer<typeof CaseTimelineEntry>;

export const CaseAccessEntry = z.object({ userId: Id, granted: z.boolean(), by: Actor, at: EpochMs });
export type CaseAccessEntry = z.infer<typeof CaseAccessEntry>;

export const CaseStatus = z.enum(['open', 'completed', 'cancelled']);
export type CaseStatus = z.infer<typeof CaseStatus>;

export const CaseDoc = z.object({
  id: Id,
  templateId: Slug,
  templateVersion: z.number().int().positive(),
  subjectEmployeeId: Id,
  siteId: Id,
  categoryCode: z.string().max(20).nullable(),
  /** The case this one was started from (an absenteeism dismissal from its lost-contact case). */
  originCaseId: Id.nullable(),
  participants: z.array(CaseParticipant),
  status: CaseStatus,
  outcome: Text.nullable(),
  closedAt: EpochMs.nullable(),
  closedBy: Actor.nullable(),
  steps: z.array(CaseStep),
  evidence: z.array(EvidenceItem),
  notices: z.array(CaseNotice),
  approvals: z.array(CaseApproval),
  overrides: z.array(CaseOverride),
  checklist: z.array(ChecklistEntry),
  facts: z.array(CaseFact),
  timeline: z.array(CaseTimelineEntry),
  /** Restricted cases: only users whose latest access entry grants access may read or change them. */
  restricted: z.boolean(),
  access: z.array(CaseAccessEntry),
  createdAt: EpochMs,
  createdBy: Actor,
  updatedAt: EpochMs,
});
export type CaseDoc = z.infer<typeof CaseDoc>;

export type FactValues = { 'termination-date': string; deduction: DeductionFact; 'subject-teacher': TeacherStatus; 'final-wage': FinalWageFact; compensation: CompensationFact };

/** The current value of a fact (latest by time, then by id so every replica agrees). */
export function currentFact<K extends keyof FactValues>(doc: Pick<CaseDoc, 'facts'>, key: K): FactValues[K] | null {
  const best = latestFact(doc, key);
  return best ? (best.value as FactValues[K]) : null;
}

/** The fact itself (who recorded it, when), for screens that show it. */
export function latestFact(doc: Pick<CaseDoc, 'facts'>, key: keyof FactValues): CaseFact | null {
  let best: CaseFact | null = null;
  for (const f of doc.facts) if (f.key === key && (!best || f.at > best.at || (f.at === best.at && f.id > best.id))) best = f;
  return best;
}

/** Who may see a case: anyone for unrestricted cases (the server scopes by site and role); otherwise only
 *  users whose latest access entry grants access. */
export function canAccessCase(doc: Pick<CaseDoc, 'restricted' | 'access'>, userId: string): boolean {
  if (!doc.restricted) return true;
  return latestAccess(doc.access).get(userId)?.granted === true;
}

export function latestAccess(entries: CaseAccessEntry[]): Map<string, CaseAccessEntry> {
  const byUser = new Map<string, CaseAccessEntry>();
  for (const e of entries) {
    const cur = byUser.get(e.userId);
    if (!cur || e.at > cur.at || (e.at === cur.at && !e.granted && cur.granted)) byUser.set(e.userId, e);
  }
  return byUser;
}
