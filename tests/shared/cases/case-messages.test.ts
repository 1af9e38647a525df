import { describe, expect, it } from 'vitest';
import type { CaseRefusalReason } from '#shared/cases/case-engine';
import { describeReason } from '#shared/cases/case-messages';
import { wageHoldWarning } from '#shared/cases/termination-pay';

const samples: CaseRefusalReason[] = [
  { code: 'step-not-ready', stepId: 's', waitingFor: ['a', 'b'] },
  { code: 'missing-evidence', stepId: 's', evidenceKind: 'raw-punches', have: 1, need: 2 },
  { code: 'missing-notice', stepId: 's', noticeKind: 'return-to-work', problem: 'not-sent' },
  { code: 'missing-notice', stepId: 's', noticeKind: 'return-to-work', problem: 'not-delivered' },
  { code: 'missing-approval', stepId: 's', role: 'legal', rejected: true },
  { code: 'checklist-open', stepId: 's', itemIds: ['wecom'] },
  { code: 'precondition-unmet', stepId: null, rule: 'r', message: 'm' },
  { code: 'deadline-not-reached', stepId: 's', until: null },
  { code: 'deadline-passed', stepId: 's', dueAt: 1 },
  { code: 'override-needs-reason', stepId: 's' },
  { code: 'skip-needs-reason', stepId: 's' },
  { code: 'not-optional', stepId: 's' },
  { code: 'final-wages-never-held', warning: wageHoldWarning('2026-03-31') },
  { code: 'forbidden', message: 'x' },
  { code: 'case-closed', status: 'completed' },
  { code: 'step-already-decided', stepId: 's', state: 'done' },
  { code: 'invalid', message: 'x' },
  { code: 'adjustment-needs-reason', figure: 'paid-days' },
  { code: 'precondition-unmet', stepId: 's', rule: 'classes-listed', message: "list each of the teacher's classes with the teacher who takes it over" },
];

describe('describeReason', () => {
  it.each(samples.map((s) => [s.code, s] as const))('%s has a Chinese and an English sentence', (_c, r) => {
    const zh = describeReason(r, 'zh');
    const en = describeReason(r, 'en');
    expect(zh).toMatch(/[\u4e00-\u9fff]/);
    expect(en).toMatch(/^[\x20-\x7e–]+$/);
  });
  it.each([
    ['final-wage-computed', 'compute the final wage first', '请先计算离职工资'],
    ['final-wage-computed', 'the final wage was computed for the termination date 2026-03-20, not 2026-03-27: compute it again', '解除日期已变更，请按新的日期重新计算离职工资'],
    ['compensation-computed', 'the economic compensation was computed for the termination date 2026-03-20, not 2026-03-27: compute it again', '重新计算经济补偿'],
    ['teacher-status-known', 'x', '尚未从员工档案读取是否为教师'],
    ['loss-deduction-within-cap', 'deduction 1 fen exceeds the legal cap of 0 fen', 'deduction 1 fen exceeds'],
  ])('rule %s (%s) reads in Chinese where a sentence exists', (rule, message, zh) => {
    expect(describeReason({ code: 'precondition-unmet', stepId: 's', rule, message }, 'zh')).toContain(zh);
  });
  it('names the figure HR changed without a reason', () => {
    expect(describeReason({ code: 'adjustment-needs-reason', figure: 'paid-days' }, 'zh')).toBe('「计薪天数」与档案记录不同，须说明调整理由');
  });
  it('names the evidence and counts', () => {
    expect(describeReason(samples[1]!, 'en')).toBe('Missing evidence "raw-punches" (1 of 2)');
    expect(describeReason(samples[12]!, 'zh')).toContain('2026-03-31');
  });
});
