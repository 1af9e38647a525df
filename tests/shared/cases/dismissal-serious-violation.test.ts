import { describe, expect, it } from 'vitest';
import type { CaseDoc } from '#shared/cases/case-doc';
import { transition, whatIsMissing, type CaseActor, type CaseEventInput } from '#shared/cases/case-engine';
import { approve, at, clerk, complete, delivered, evidence, hr, hrManager, legal, notice, open, refused, run, stateOf, type Step } from './fixtures';

// 严重违纪解除 (劳动合同法 第三十九条第（二）项): the employer bears the burden of proof (司法解释一 第44条), the rule
// relied on must have been made democratically and acknowledged (第4条, 第50条), and the union is told the
// reasons first (第43条). Each step of the template is blocked until its part is on file.

const { doc: fresh, template } = open('dismissal-serious-violation', { id: 'sv-1', now: '2026-04-01 09:00' });

/** The case as it stands after each stage, built from the one before. */
const evidenceCollected: Step[] = [
  ['2026-04-01 09:10', hr, evidence('v1', 'violation-record', '工作微信群发辱骂上级的聊天记录（原文及哈希）')],
  ['2026-04-01 09:11', hr, evidence('w1', 'witness-statement', '销售主管证言')],
  ['2026-04-01 09:12', hr, complete('collect-evidence')],
];
const ruleConfirmed: Step[] = [
  ...evidenceCollected,
  ['2026-04-01 09:20', hr, evidence('r1', 'handbook-rule-procedure', '2025版员工手册职代会决议')],
  ['2026-04-01 09:21', hr, evidence('r2', 'handbook-acknowledgment', '本人电子签收记录')],
  ['2026-04-01 09:22', hr, complete('policy-basis')],
];
const employeeHeard: Step[] = [...ruleConfirmed, ['2026-04-02 10:00', hr, evidence('s1', 'employee-statement', '员工书面陈述')], ['2026-04-02 10:01', hr, complete('hear-employee')]];
const unionNotified: Step[] = [
  ...employeeHeard,
  ['2026-04-02 11:00', hr, notice('u1', 'union-notification', 'union', at('2026-04-02 11:00'))],
  ['2026-04-02 15:00', hr, delivered('u1', '2026-04-02 15:00')],
  ['2026-04-03 09:00', hr, evidence('u2', 'union-reply', '工会书面回复：无异议')],
  ['2026-04-03 09:01', hr, complete('notify-union')],
];
const approved: Step[] = [
  ...unionNotified,
  ['2026-04-03 10:00', hrManager, approve('a1', 'approve-dismissal', 'hr-manager')],
  ['2026-04-03 10:30', legal, approve('a2', 'approve-dismissal', 'legal')],
  ['2026-04-03 10:31', hr, complete('approve-dismissal')],
];

const after = (steps: Step[], more: Step[] = []): CaseDoc => run(fresh, template, [...steps, ...more]);
const attempt = (d: CaseDoc, e: CaseEventInput, actor: CaseActor = hr) => transition(d, template, e, { now: at('2026-04-05 09:00'), actor });

describe('dismissal for serious violation (严重违纪解除, 第三十九条)', () => {
  it.each<[string, () => CaseDoc, string, unknown[]]>([
    ['no evidence of the violation yet', () => after([]), 'collect-evidence', [
      { code: 'missing-evidence', stepId: 'collect-evidence', evidenceKind: 'violation-record', have: 0, need: 1 },
      { code: 'missing-evidence', stepId: 'collect-evidence', evidenceKind: 'witness-statement', have: 0, need: 1 },
    ]],
    ['the chat record but no witness', () => after([], [['2026-04-01 09:10', hr, evidence('v1', 'violation-record')]]), 'collect-evidence', [
      { code: 'missing-evidence', stepId: 'collect-evidence', evidenceKind: 'witness-statement', have: 0, need: 1 },
    ]],
    ['the rule was not acknowledged by this employee', () => after(evidenceCollected, [['2026-04-01 09:20', hr, evidence('r1', 'handbook-rule-procedure')]]), 'policy-basis', [
      { code: 'missing-evidence', stepId: 'policy-basis', evidenceKind: 'handbook-acknowledgment', have: 0, need: 1 },
    ]],
    ['the rule was acknowledged but never went through the democratic procedure', () => after(evidenceCollected, [['2026-04-01 09:21', hr, evidence('r2', 'handbook-acknowledgment')]]), 'policy-basis', [
      { code: 'missing-evidence', stepId: 'policy-basis', evidenceKind: 'handbook-rule-procedure', have: 0, need: 1 },
    ]],
    ['the union before the evidence and the rule are settled', () => after([]), 'notify-union', [
      { code: 'step-not-ready', stepId: 'notify-union', waitingFor: ['collect-evidence', 'policy-basis'] },
      { code: 'missing-evidence', stepId: 'notify-union', evidenceKind: 'union-reply', have: 0, need: 1 },
      { code: 'missing-notice', stepId: 'notify-union', noticeKind: 'union-notification', problem: 'not-sent' },
    ]],
    ['the union not notified', () => after(ruleConfirmed), 'notify-union', [
      { code: 'missing-evidence', stepId: 'notify-union', evidenceKind: 'union-reply', have: 0, need: 1 },
      { code: 'missing-notice', stepId: 'notify-union', noticeKind: 'union-notification', problem: 'not-sent' },
    ]],
    ['the union notice sent but not delivered', () => after(ruleConfirmed, [['2026-04-02 11:00', hr, notice('u1', 'union-notification', 'union')], ['2026-04-03 09:00', hr, evidence('u2', 'union-reply')]]), 'notify-union', [
      { code: 'missing-notice', stepId: 'notify-union', noticeKind: 'union-notification', problem: 'not-delivered' },
    ]],
    ['approval while the employee has not been heard (nor the step skipped)', () => after(ruleConfirmed, unionNotified.slice(ruleConfirmed.length + 2)), 'approve-dismissal', [
      { code: 'step-not-ready', stepId: 'approve-dismissal', waitingFor: ['hear-employee'] },
      { code: 'missing-approval', stepId: 'approve-dismissal', role: 'hr-manager', rejected: false },
      { code: 'missing-approval', stepId: 'approve-dismissal', role: 'legal', rejected: false },
    ]],
    ['legal has not approved', () => after(unionNotified, [['2026-04-03 10:00', hrManager, approve('a1', 'approve-dismissal', 'hr-manager')]]), 'approve-dismissal', [
      { code: 'missing-approval', stepId: 'approve-dismissal', role: 'legal', rejected: false },
    ]],
    ['legal rejected', () => after(unionNotified, [['2026-04-03 10:00', hrManager, approve('a1', 'approve-dismissal', 'hr-manager')], ['2026-04-03 10:30', legal, approve('a2', 'approve-dismissal', 'legal', 'rejected')]]), 'approve-dismissal', [
      { code: 'missing-approval', stepId: 'approve-dismissal', role: 'legal', rejected: true },
    ]],
    ['the termination notice before approval', () => after(unionNotified), 'termination-notice', [
      { code: 'step-not-ready', stepId: 'termination-notice', waitingFor: ['approve-dismissal'] },
      { code: 'missing-notice', stepId: 'termination-notice', noticeKind: 'termination', problem: 'not-sent' },
      { code: 'precondition-unmet', stepId: 'termination-notice', rule: 'termination-date-recorded', message: 'record the termination date first' },
    ]],
    ['the termination notice sent, not delivered, no termination date', () => after(approved, [['2026-04-03 11:00', hr, notice('t1', 'termination')]]), 'termination-notice', [
      { code: 'missing-notice', stepId: 'termination-notice', noticeKind: 'termination', problem: 'not-delivered' },
      { code: 'precondition-unmet', stepId: 'termination-notice', rule: 'termination-date-recorded', message: 'record the termination date first' },
    ]],
  ])('blocked: %s', (_n, build, stepId, reasons) => {
    const d = build();
    expect(refused(attempt(d, complete(stepId)))).toEqual(reasons);
    // whatIsMissing (what the screen lists) says the same as the refusal.
    expect(whatIsMissing(d, template, at('2026-04-05 09:00')).find((m) => m.stepId === stepId)?.blockers).toEqual(reasons);
  });

  it('happy path: evidence, acknowledged rule, employee heard, union notified, approved, notice delivered, closed', () => {
    const d = after(approved, [
      ['2026-04-03 10:40', hr, { type: 'record_termination_date', id: 'td', date: '2026-04-03' }],
      ['2026-04-03 11:00', hr, notice('t1', 'termination', 'subject', at('2026-04-03 11:00'))],
      ['2026-04-03 16:00', hr, delivered('t1', '2026-04-03 16:00')],
      ['2026-04-03 16:01', hr, complete('termination-notice')],
      ['2026-04-03 16:02', hr, { type: 'close_case', outcome: '依第三十九条第（二）项解除' }],
    ]);
    expect(d.status).toBe('completed');
    expect(d.steps.map((s) => s.state)).toEqual(['done', 'done', 'done', 'done', 'done', 'done']);
    expect(d.overrides).toEqual([]);
    expect(d.timeline.filter((x) => x.flagged)).toEqual([]);
  });

  it('cannot be closed while a step is open; every open step says why', () => {
    const reasons = refused(attempt(after(unionNotified), { type: 'close_case', outcome: 'dismissed' }));
    expect(reasons.map((r) => ('stepId' in r ? r.stepId : r.code))).toEqual(['approve-dismissal', 'approve-dismissal', 'termination-notice', 'termination-notice', 'termination-notice']);
  });

  it.each<[string, string, CaseActor, string, string[]]>([
    ['no reason', 'notify-union', hr, '', ['override-needs-reason']],
    ['a blank reason', 'notify-union', hr, '  ', ['override-needs-reason']],
    ['by someone who is not HR', 'notify-union', clerk, '本单位未建立工会，已书面通知职工代表', ['forbidden']],
    ['of a step already done', 'collect-evidence', hr, '补充说明', ['step-already-decided']],
  ])('override refused: %s', (_n, stepId, actor, reason, codes) => {
    expect(refused(attempt(after(ruleConfirmed), { type: 'override_step', stepId, reason }, actor)).map((r) => r.code)).toEqual(codes);
  });

  it.each<[string, Step[], string, string, string[]]>([
    ['the union step, where no union exists', ruleConfirmed, 'notify-union', '本单位未建立工会，已书面通知全体职工代表，回执已归档', ['missing-evidence', 'missing-notice']],
    ['the rule step, with the paper acknowledgment in the archive', evidenceCollected, 'policy-basis', '员工手册纸质签收单原件已归档（档案号 HR-2025-118）', ['missing-evidence', 'missing-evidence']],
  ])('override with a reason: %s — decided, kept, flagged, and the audit note lists what was missing', (_n, before, stepId, reason, missing) => {
    const r = attempt(after(before), { type: 'override_step', stepId, reason });
    if (!r.ok) throw new Error(JSON.stringify(r.reasons));
    expect(stateOf(r.doc, stepId)).toBe('overridden');
    expect(r.doc.overrides).toEqual([{ id: expect.any(String), stepId, reason, by: hr.id, at: at('2026-04-05 09:00'), flagged: true }]);
    expect(r.doc.timeline.at(-1)).toMatchObject({ type: 'override_step', stepId, flagged: true, detail: reason });
    expect(r.audit).toEqual([{ action: 'override', flagged: true, summary: `override of step ${stepId} (${missing.join(', ')}): ${reason}` }]);
  });

  it('an overridden union step lets the dismissal go on to approval', () => {
    const d = after(employeeHeard, [['2026-04-02 11:00', hr, { type: 'override_step', stepId: 'notify-union', reason: '本单位未建立工会，已书面通知全体职工代表' }]]);
    expect(stateOf(d, 'approve-dismissal')).toBe('blocked');
    expect(whatIsMissing(d, template, at('2026-04-02 11:00')).find((m) => m.stepId === 'approve-dismissal')?.blockers.map((b) => b.code)).toEqual(['missing-approval', 'missing-approval']);
  });

  it('hearing the employee may be skipped, with a reason only', () => {
    expect(refused(attempt(after(ruleConfirmed), { type: 'skip_step', stepId: 'hear-employee', reason: '' })).map((r) => r.code)).toEqual(['skip-needs-reason']);
    const r = attempt(after(ruleConfirmed), { type: 'skip_step', stepId: 'hear-employee', reason: '员工拒绝陈述，两名证人在场记录' });
    expect(r.ok && stateOf(r.doc, 'hear-employee')).toBe('skipped');
    expect(refused(attempt(after(ruleConfirmed), { type: 'skip_step', stepId: 'notify-union', reason: '来不及' })).map((x) => x.code)).toEqual(['not-optional']);
  });
});
