import { expect } from 'vitest';
import { builtInTemplate } from '#shared/cases/builtin-templates';
import type { CaseDoc } from '#shared/cases/case-doc';
import { openCase, transition, type CaseActor, type CaseEventInput, type CaseResult } from '#shared/cases/case-engine';
import type { CaseTemplate } from '#shared/cases/case-template';
import { instantOf } from '#shared/time';

export const hr: CaseActor = { id: 'hr-wang', roles: ['hr'] };
export const hrManager: CaseActor = { id: 'hr-zhao', roles: ['hr', 'hr-manager'] };
export const legal: CaseActor = { id: 'legal-chen', roles: ['legal'] };
export const finance: CaseActor = { id: 'fin-liu', roles: ['finance'] };
export const clerk: CaseActor = { id: 'clerk-sun', roles: ['manager'] };

/** Frozen clock: Shanghai wall time "2026-03-02 09:00" -> epoch ms. */
export const at = (local: string): number => instantOf(local);
export const HASH = 'a'.repeat(64);

export function open(templateId: string, opts: { id?: string; now?: string; actor?: CaseActor; origin?: CaseDoc; categoryCode?: string | null; access?: string[] } = {}): { doc: CaseDoc; template: CaseTemplate } {
  const template = builtInTemplate(templateId);
  const r = openCase(
    template,
    { id: opts.id ?? `case-${templateId}`, subjectEmployeeId: 'emp-li', siteId: 's1', categoryCode: opts.categoryCode ?? null, access: opts.access ?? [] },
    { now: at(opts.now ?? '2026-03-02 09:00'), actor: opts.actor ?? hr },
    opts.origin,
  );
  if (!r.ok) throw new Error(`open refused: ${JSON.stringify(r.reasons)}`);
  return { doc: r.doc, template };
}

export type Step = [when: string, actor: CaseActor, event: CaseEventInput];

/** Applies events in order; every one must succeed. */
export function run(doc: CaseDoc, template: CaseTemplate, steps: Step[]): CaseDoc {
  let d = doc;
  for (const [when, actor, event] of steps) {
    const r = transition(d, template, event, { now: at(when), actor });
    if (!r.ok) throw new Error(`${event.type} at ${when} refused: ${JSON.stringify(r.reasons)}`);
    d = r.doc;
  }
  return d;
}

export function refused(r: CaseResult): Extract<CaseResult, { ok: false }>['reasons'] {
  expect(r.ok).toBe(false);
  return r.ok ? [] : r.reasons;
}

export function stateOf(doc: CaseDoc, stepId: string): string | undefined {
  return doc.steps.find((s) => s.id === stepId)?.state;
}

export const evidence = (id: string, kind: string, description = kind): CaseEventInput => ({ type: 'add_evidence', evidence: { id, kind, description, document: { sha256: HASH, ref: `doc:${id}` } } });
export const notice = (id: string, kind: string, recipient: 'subject' | 'union' | 'relative' = 'subject', sentAt = at('2026-03-05 10:00')): CaseEventInput => ({ type: 'record_notice', notice: { id, kind, recipient, deliveryRecordId: `dr-${id}`, channel: 'ems', sentAt } });
export const delivered = (noticeId: string, when: string): CaseEventInput => ({ type: 'notice_delivery', noticeId, deliveredAt: at(when) });
export const complete = (stepId: string, note = ''): CaseEventInput => ({ type: 'complete_step', stepId, note });
export const approve = (id: string, stepId: string, role: CaseActor['roles'][number], decision: 'approved' | 'rejected' = 'approved'): CaseEventInput => ({ type: 'approve', id, stepId, role, decision });

/** The final wage recorded as the records give it (no adjustment): 6000 yuan a month, 22 paid days by default. */
export const finalWage = (id: string, opts: { salaryFen?: number; paidDays?: number; periodStart?: string } = {}): CaseEventInput => {
  const salary = opts.salaryFen ?? 600_000;
  const days = opts.paidDays ?? 22;
  return { type: 'record_final_wage', id, periodStart: opts.periodStart ?? '2026-03-01', monthlySalaryFen: { value: salary, fromRecords: salary }, paidDays: { value: days, fromRecords: days } };
};
export const teacherStatus = (id: string, teacher: boolean): CaseEventInput => ({ type: 'record_teacher_status', id, status: { teacher, basis: teacher ? [{ field: 'certificate', value: '教师资格证' }] : [] } });
