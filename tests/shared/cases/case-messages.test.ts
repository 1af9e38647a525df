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
];

describe('describeReason', () => {
  it.each(samples.map((s) => [s.code, s] as const))('%s has a Chinese and an English sentence', (_c, r) => {
    const zh = describeReason(r, 'zh');
    const en = describeReason(r, 'en');
    expect(zh).toMatch(/[\u4e00-\u9fff]/);
    expect(en).toMatch(/^[\x20-\x7e–]+$/);
  });
  it('names the evidence and counts', () => {
    expect(describeReason(samples[1]!, 'en')).toBe('Missing evidence "raw-punches" (1 of 2)');
    expect(describeReason(samples[12]!, 'zh')).toContain('2026-03-31');
  });
});
