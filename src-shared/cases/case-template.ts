import { z } from 'zod';
import { LawArticleId } from '../law/law-article.ts';

/**
 * A case template: the data HR can copy and adapt (resources/case-templates/*.json) describing one kind of
 * case. The engine (case-engine.ts) knows nothing about lost contact or offboarding; everything specific
 * lives here: the steps, their order, who approves, what evidence and which delivered notices each step
 * needs, deadlines, and the law articles that apply (ids into resources/law/articles.json).
 *
 * Named `rules` are the few checks that need arithmetic rather than data (e.g. the 20% deduction cap); the
 * engine implements each one (see RULES in case-engine.ts).
 */
const Slug = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'use lower-case kebab-case ids (a-z, 0-9, -)');
export const Label = z.object({ zh: z.string().min(1), en: z.string().min(1) });
export type Label = z.infer<typeof Label>;

export const ParticipantRole = z.enum(['subject', 'participant', 'witness', 'approver', 'hr']);
export type ParticipantRole = z.infer<typeof ParticipantRole>;

/** Roles an actor may hold when approving (the user's roles come from the session, not the case). */
export const ApproverRole = z.enum(['hr', 'hr-manager', 'manager', 'legal', 'finance', 'director', 'union']);
export type ApproverRole = z.infer<typeof ApproverRole>;

export const CaseRuleId = z.enum(['loss-deduction-within-cap', 'termination-date-recorded', 'final-wage-computed', 'compensation-computed']);
export type CaseRuleId = z.infer<typeof CaseRuleId>;

/** When a deadline's clock starts. Date anchors start at the end of that local day. */
export const DeadlineAnchor = z.discriminatedUnion('from', [
  z.object({ from: z.literal('opened') }),
  z.object({ from: z.literal('step-done'), stepId: Slug }),
  z.object({ from: z.literal('notice-delivered'), noticeKind: Slug }),
  z.object({ from: z.literal('termination-date') }),
]);
export type DeadlineAnchor = z.infer<typeof DeadlineAnchor>;

export const EvidenceRequirement = z.object({ kind: Slug, label: Label, min: z.number().int().positive().default(1) });
export const NoticeRequirement = z.object({
  kind: Slug,
  label: Label,
  recipient: z.enum(['subject', 'relative', 'union', 'public']),
  /** The step needs the notice delivered (a delivery record with deliveredAt), not merely sent. */
  mustBeDelivered: z.boolean().default(true),
});
export const ChecklistItemTemplate = z.object({
  id: Slug,
  label: Label,
  /** e.g. a customer handed to a successor, a class reassigned to another teacher. */
  needsSuccessor: z.boolean().default(false),
});

export const StepTemplate = z.object({
  id: Slug,
  title: Label,
  description: Label.optional(),
  /** Steps that must be decided (done, skipped or overridden) first. */
  after: z.array(Slug).default([]),
  evidence: z.array(EvidenceRequirement).default([]),
  notices: z.array(NoticeRequirement).default([]),
  /** Every role listed must approve (one approval per role). */
  approvals: z.array(ApproverRole).default([]),
  checklist: z.array(ChecklistItemTemplate).default([]),
  /** Whether HR may add checklist items (one per customer, per class, per extra account). */
  checklistExtensible: z.boolean().default(false),
  rules: z.array(CaseRuleId).default([]),
  /** The step cannot be completed before this (a waiting period, e.g. days given to return to work). */
  notBefore: z.object({ days: z.number().int().nonnegative(), anchor: DeadlineAnchor }).optional(),
  /** The step is due by this; `hard` refuses completion after it (unless overridden), otherwise it is shown overdue. */
  due: z.object({ days: z.number().int().nonnegative(), anchor: DeadlineAnchor, hard: z.boolean().default(false) }).optional(),
  /** May be skipped with a reason (e.g. releasing compensation when none is owed). */
  optional: z.boolean().default(false),
  /**
   * Reassigning a leaving teacher's classes (story 5). For a teacher (the case's `subject-teacher` fact, read
   * from the employee record: teacher-status.ts) the step lists each class (name, term, weekly hours) and
   * needs, for every one, a successor who is an employee, with at least one class listed; for anyone else it
   * does not apply (nothing blocks it, no classes may be added, HR confirms it as not applicable).
   */
  reassignsClasses: z.boolean().default(false),
  /**
   * Paying final wages: never blocked by other steps, never skipped or overridden away, due on the termination
   * date (工资支付暂行规定 第九条). Attempts to hold it are refused with the wage-hold warning.
   */
  finalWages: z.boolean().default(false),
  /** Releasing economic compensation (经济补偿): may wait for the handover (劳动合同法 第五十条). */
  releasesCompensation: z.boolean().default(false),
  law: z.array(LawArticleId).default([]),
});
export type StepTemplate = z.infer<typeof StepTemplate>;

export const CaseTemplate = z
  .object({
    id: Slug,
    version: z.number().int().positive(),
    name: Label,
    description: Label,
    /** An internal status only, not a legal one (擅自离岗 is not 中止); the UI shows `statusNote`. */
    internalStatus: z.boolean().default(false),
    statusNote: Label.optional(),
    /** Restricted cases are visible only to the people on the access list. */
    restricted: z.boolean().default(false),
    categories: z.array(z.object({ code: z.string().regex(/^[A-Z0-9-]{2,20}$/), label: Label })).default([]),
    participantRoles: z.array(ParticipantRole).default(['subject', 'hr']),
    /** This kind of case can only be opened from another case that has the listed evidence. */
    startsFrom: z.object({ templateId: Slug, requiredEvidence: z.array(Slug).min(1) }).optional(),
    steps: z.array(StepTemplate).min(1),
    law: z.array(LawArticleId).default([]),
  })
  .superRefine((t, ctx) => {
    const ids = new Set<string>();
    t.steps.forEach((s, i) => {
      if (ids.has(s.id)) ctx.addIssue({ code: 'custom', path: ['steps', i, 'id'], message: `duplicate step id ${s.id}` });
      for (const dep of s.after) {
        if (!ids.has(dep)) ctx.addIssue({ code: 'custom', path: ['steps', i, 'after'], message: `step ${s.id} comes after unknown or later step ${dep}` });
      }
      if (s.finalWages && (s.after.length > 0 || s.optional)) ctx.addIssue({ code: 'custom', path: ['steps', i], message: 'the final-wages step may not wait for other steps nor be optional' });
      // A teacher's classes must be reassigned, so skipping (which needs no override) would let them go unassigned.
      if (s.reassignsClasses && (s.optional || !s.checklistExtensible)) ctx.addIssue({ code: 'custom', path: ['steps', i], message: 'a class-reassignment step takes classes (checklistExtensible) and cannot be optional' });
      ids.add(s.id);
    });
    if (t.categories.length > 0 && new Set(t.categories.map((c) => c.code)).size !== t.categories.length) {
      ctx.addIssue({ code: 'custom', path: ['categories'], message: 'duplicate category code' });
    }
  });
export type CaseTemplate = z.infer<typeof CaseTemplate>;
export type CaseTemplateInput = z.input<typeof CaseTemplate>;

export type TemplateProblem = { file: string; path: string; message: string };

/**
 * Validates template files (HR may have edited them). Returns the valid templates and, for every file that
 * is not, each problem with its path; a bad file never stops the good ones from loading. `knownArticleIds`
 * (the knowledge base) makes citing an unknown article a problem too.
 */
export function loadCaseTemplates(
  files: { name: string; text: string }[],
  knownArticleIds?: ReadonlySet<string>,
): { templates: CaseTemplate[]; problems: TemplateProblem[] } {
  const templates: CaseTemplate[] = [];
  const problems: TemplateProblem[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    let json: unknown;
    try {
      json = JSON.parse(file.text);
    } catch (err) {
      problems.push({ file: file.name, path: '', message: `not valid JSON: ${err instanceof Error ? err.message : String(err)}` });
      continue;
    }
    const parsed = CaseTemplate.safeParse(json);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push({ file: file.name, path: issue.path.join('.'), message: issue.message });
      continue;
    }
    const t = parsed.data;
    const unknown = knownArticleIds ? citedArticles(t).filter((id) => !knownArticleIds.has(id)) : [];
    if (unknown.length > 0) {
      problems.push({ file: file.name, path: 'law', message: `cites articles not in the knowledge base: ${unknown.join(', ')}` });
      continue;
    }
    const key = `${t.id}@${t.version}`;
    if (seen.has(key)) {
      problems.push({ file: file.name, path: 'id', message: `template ${key} is also defined in ${seen.get(key)}` });
      continue;
    }
    seen.set(key, file.name);
    templates.push(t);
  }
  return { templates, problems };
}

/** Every article id a template cites, template-wide and per step, without duplicates. */
export function citedArticles(t: CaseTemplate): string[] {
  return [...new Set([...t.law, ...t.steps.flatMap((s) => s.law)])];
}
