import { describe, expect, it } from 'vitest';
import { builtInTemplate } from '#shared/cases/builtin-templates';
import { CaseDoc } from '#shared/cases/case-doc';
import { openCase, transition, whatIsMissing, type CaseEventInput } from '#shared/cases/case-engine';
import { CaseTemplate } from '#shared/cases/case-template';
import { approve, at, clerk, complete, delivered, evidence, finalWage, finance, hr, hrManager, legal, notice, open, refused, run, stateOf, teacherStatus, type Step } from './fixtures';

function lostContactWithReason() {
  const { doc, template } = open('lost-contact', { id: 'lc-1' });
  return run(doc, template, [
    ['2026-03-02 10:00', hr, evidence('ev-p', 'raw-punches')],
    ['2026-03-02 10:05', hr, complete('record-anomaly')],
    ['2026-03-02 11:00', hr, evidence('ev-c1', 'contact-attempt', '电话未接通')],
    ['2026-03-02 15:00', hr, evidence('ev-c2', 'contact-attempt', '上门，家属称外出')],
    ['2026-03-02 15:10', hr, complete('contact-attempts')],
    ['2026-03-04 09:00', hr, evidence('ev-r', 'known-reason', '家属告知被困传销组织')],
  ]);
}

describe('lost contact (失联)', () => {
  it('happy path: anomaly, two contact attempts, known reason, HR resolution, closed', () => {
    let doc = lostContactWithReason();
    const { template } = open('lost-contact');
    expect(stateOf(doc, 'known-reason')).toBe('ready');
    doc = run(doc, template, [
      ['2026-03-04 09:05', hr, complete('known-reason')],
      ['2026-04-02 09:00', hr, approve('ap-1', 'resolve', 'hr')],
      ['2026-04-02 09:01', hr, complete('resolve', '已返岗，考勤已更正并安排培训')],
      ['2026-04-02 09:02', hr, { type: 'close_case', outcome: 'returned' }],
    ]);
    expect(doc.status).toBe('completed');
    expect(doc.steps.every((s) => s.state === 'done')).toBe(true);
    expect(doc.timeline.map((t) => t.type)).toEqual(['opened', 'add_evidence', 'complete_step', 'add_evidence', 'add_evidence', 'complete_step', 'add_evidence', 'complete_step', 'approve', 'complete_step', 'close_case']);
    expect(() => CaseDoc.parse(doc)).not.toThrow();
  });

  it('one contact attempt is not enough, and the overdue first day shows', () => {
    const { doc, template } = open('lost-contact');
    const d = run(doc, template, [
      ['2026-03-02 10:00', hr, evidence('ev-p', 'raw-punches')],
      ['2026-03-02 10:05', hr, complete('record-anomaly')],
      ['2026-03-02 11:00', hr, evidence('ev-c1', 'contact-attempt')],
    ]);
    const reasons = refused(transition(d, template, complete('contact-attempts'), { now: at('2026-03-02 12:00'), actor: hr }));
    expect(reasons).toEqual([{ code: 'missing-evidence', stepId: 'contact-attempts', evidenceKind: 'contact-attempt', have: 1, need: 2 }]);
    const missing = whatIsMissing(d, template, at('2026-03-03 09:01'));
    expect(missing.find((m) => m.stepId === 'contact-attempts')).toMatchObject({ state: 'blocked', overdueSince: at('2026-03-03 09:00') });
    expect(missing.find((m) => m.stepId === 'resolve')).toMatchObject({ state: 'pending', blockers: [{ code: 'step-not-ready', waitingFor: ['known-reason'] }, { code: 'missing-approval', role: 'hr' }] });
  });
});

describe('dismissal for absenteeism (旷工解除)', () => {
  const template = builtInTemplate('dismissal-absenteeism');
  const base = { id: 'dis-1', subjectEmployeeId: 'emp-li', siteId: 's1' };
  const ctx = { now: at('2026-03-05 09:00'), actor: hr };

  it.each<[string, () => CaseDoc | undefined, string[]]>([
    ['without a lost-contact case', () => undefined, ['can only be started from a lost-contact case']],
    ['from a case of another kind', () => open('offboarding', { id: 'off-x' }).doc, ['can only be started from a lost-contact case']],
    ['before contact attempts and a known reason', () => open('lost-contact', { id: 'lc-0' }).doc, ['the lost-contact case has no contact-attempt on file', 'the lost-contact case has no known-reason on file']],
  ])('cannot be opened %s', (_name, origin, messages) => {
    const reasons = refused(openCase(template, base, ctx, origin()));
    expect(reasons.map((r) => ('message' in r ? r.message : r.code))).toEqual(messages);
  });

  it('happy path from the lost-contact case; approval waits for the return-to-work period', () => {
    const origin = lostContactWithReason();
    const opened = openCase(template, base, ctx, origin);
    if (!opened.ok) throw new Error('refused');
    expect(opened.doc.originCaseId).toBe('lc-1');
    let doc = run(opened.doc, template, [
      ['2026-03-05 09:10', hr, evidence('e1', 'handbook-rule-procedure', '2025版员工手册职代会决议')],
      ['2026-03-05 09:11', hr, evidence('e2', 'handbook-acknowledgment', '本人电子签收记录')],
      ['2026-03-05 09:12', hr, complete('handbook-rule')],
      ['2026-03-05 09:13', hr, evidence('e3', 'raw-punches')],
      ['2026-03-05 09:14', hr, evidence('e4', 'absence-calculation')],
      ['2026-03-05 09:15', hr, complete('prove-absence')],
      ['2026-03-05 10:00', hr, notice('n1', 'return-to-work')],
      ['2026-03-06 10:00', hr, delivered('n1', '2026-03-06 10:00')],
      ['2026-03-06 10:01', hr, complete('return-to-work-notice')],
      ['2026-03-06 11:00', hr, notice('n2', 'union-notification', 'union')],
      ['2026-03-06 15:00', hr, delivered('n2', '2026-03-06 15:00')],
      ['2026-03-07 09:00', hr, evidence('e5', 'union-reply', '工会无异议')],
      ['2026-03-07 09:01', hr, complete('notify-union')],
      ['2026-03-08 09:00', hrManager, approve('a1', 'approve-dismissal', 'hr-manager')],
      ['2026-03-08 09:30', legal, approve('a2', 'approve-dismissal', 'legal')],
    ]);
    // 3 days from delivery (03-06 10:00): not before 03-09 10:00.
    expect(refused(transition(doc, template, complete('approve-dismissal'), { now: at('2026-03-09 09:59'), actor: hr }))).toEqual([
      { code: 'deadline-not-reached', stepId: 'approve-dismissal', until: at('2026-03-09 10:00') },
    ]);
    doc = run(doc, template, [
      ['2026-03-09 10:00', hr, complete('approve-dismissal')],
      ['2026-03-09 10:05', hr, { type: 'record_termination_date', id: 'td', date: '2026-03-09' }],
      ['2026-03-09 10:10', hr, notice('n3', 'termination')],
      ['2026-03-10 12:00', hr, delivered('n3', '2026-03-10 12:00')],
      ['2026-03-10 12:01', hr, complete('termination-notice')],
      ['2026-03-10 12:02', hr, { type: 'close_case', outcome: 'dismissed' }],
    ]);
    expect(doc.status).toBe('completed');
    // The timeline reads as people read it: the delivery in company time.
    expect(doc.timeline.find((e) => e.type === 'notice_delivery')?.detail).toBe('return-to-work: delivered 2026-03-06 10:00, acknowledged -');
  });

  it('lists every missing precondition at once', () => {
    const opened = openCase(template, base, ctx, lostContactWithReason());
    if (!opened.ok) throw new Error('refused');
    let doc = run(opened.doc, template, [
      ['2026-03-05 09:10', hr, evidence('e1', 'handbook-rule-procedure')],
      ['2026-03-05 10:00', hr, notice('n1', 'return-to-work')],
    ]);
    const t = (e: CaseEventInput) => transition(doc, template, e, { now: at('2026-03-05 11:00'), actor: hr });
    expect(refused(t(complete('handbook-rule')))).toEqual([{ code: 'missing-evidence', stepId: 'handbook-rule', evidenceKind: 'handbook-acknowledgment', have: 0, need: 1 }]);
    expect(refused(t(complete('return-to-work-notice')))).toEqual([{ code: 'missing-notice', stepId: 'return-to-work-notice', noticeKind: 'return-to-work', problem: 'not-delivered' }]);
    expect(refused(t(complete('notify-union')))).toEqual([
      { code: 'step-not-ready', stepId: 'notify-union', waitingFor: ['handbook-rule', 'prove-absence', 'return-to-work-notice'] },
      { code: 'missing-evidence', stepId: 'notify-union', evidenceKind: 'union-reply', have: 0, need: 1 },
      { code: 'missing-notice', stepId: 'notify-union', noticeKind: 'union-notification', problem: 'not-sent' },
    ]);
    // A rejection is reported as such; only someone holding the role may approve.
    expect(refused(t(approve('x', 'approve-dismissal', 'legal')))).toEqual([{ code: 'forbidden', message: 'you do not hold the legal role' }]);
    doc = run(doc, template, [['2026-03-05 12:00', legal, approve('a2', 'approve-dismissal', 'legal', 'rejected')]]);
    expect(whatIsMissing(doc, template, at('2026-03-05 12:00')).find((m) => m.stepId === 'approve-dismissal')?.blockers).toContainEqual({ code: 'missing-approval', stepId: 'approve-dismissal', role: 'legal', rejected: true });
  });
});

describe('HR override', () => {
  const { doc, template } = open('dismissal-serious-violation');
  it.each<[string, Parameters<typeof transition>[3]['actor'], string, string]>([
    ['empty reason', hr, '', 'override-needs-reason'],
    ['blank reason', hr, '   ', 'override-needs-reason'],
    ['not HR', clerk, '证据已线下提交', 'forbidden'],
  ])('refused: %s', (_n, actor, reason, code) => {
    const reasons = refused(transition(doc, template, { type: 'override_step', stepId: 'collect-evidence', reason }, { now: at('2026-03-03 10:00'), actor }));
    expect(reasons.map((r) => r.code)).toEqual([code]);
  });

  it('with a reason: step overridden, recorded, flagged for the audit trail', () => {
    const r = transition(doc, template, { type: 'override_step', stepId: 'collect-evidence', reason: ' 证人证言为纸质原件，已归档 ' }, { now: at('2026-03-03 10:00'), actor: hr });
    if (!r.ok) throw new Error(JSON.stringify(r.reasons));
    expect(stateOf(r.doc, 'collect-evidence')).toBe('overridden');
    expect(r.doc.overrides).toEqual([{ id: expect.any(String), stepId: 'collect-evidence', reason: '证人证言为纸质原件，已归档', by: 'hr-wang', at: at('2026-03-03 10:00'), flagged: true }]);
    expect(r.doc.timeline.at(-1)).toMatchObject({ type: 'override_step', flagged: true, stepId: 'collect-evidence' });
    expect(r.audit).toEqual([{ action: 'override', flagged: true, summary: expect.stringContaining('missing-evidence') }]);
    // Overriding twice is refused: the step is decided.
    expect(refused(transition(r.doc, template, { type: 'override_step', stepId: 'collect-evidence', reason: 'again' }, { now: at('2026-03-03 10:01'), actor: hr })).map((x) => x.code)).toEqual(['step-already-decided']);
  });

  it('skip: only optional steps, only with a reason', () => {
    const t = (stepId: string, reason: string) => transition(doc, template, { type: 'skip_step', stepId, reason }, { now: at('2026-03-03 10:00'), actor: hr });
    expect(refused(t('collect-evidence', '不需要')).map((r) => r.code)).toEqual(['not-optional']);
    expect(refused(t('hear-employee', ' ')).map((r) => r.code)).toEqual(['skip-needs-reason']);
    const ok = t('hear-employee', '员工拒绝陈述，已记录');
    expect(ok.ok && stateOf(ok.doc, 'hear-employee')).toBe('skipped');
  });
});

describe('offboarding (离职交接)', () => {
  const { doc: fresh, template } = open('offboarding', { now: '2026-03-20 09:00' });
  const start: Step[] = [
    ['2026-03-20 09:01', hr, { type: 'record_termination_date', id: 'td', date: '2026-03-31' }],
    ['2026-03-20 09:02', hr, complete('termination-date')],
  ];
  const doc = run(fresh, template, start);

  it('final wages can never be held, skipped or overridden; the warning names the due date', () => {
    for (const e of [{ type: 'hold_final_wages', reason: '交接未完成' }, { type: 'skip_step', stepId: 'final-wages', reason: '交接未完成' }, { type: 'override_step', stepId: 'final-wages', reason: '客户投诉' }] as CaseEventInput[]) {
      const [reason] = refused(transition(doc, template, e, { now: at('2026-03-25 09:00'), actor: hrManager }));
      expect(reason).toMatchObject({ code: 'final-wages-never-held', warning: { code: 'final-wages-must-not-be-held', dueDate: '2026-03-31', law: expect.arrayContaining(['wage-payment-9']) } });
    }
    // Final wages wait for nothing: ready as soon as they are computed and the payment record is attached,
    // even with the handover open.
    const paid = run(doc, template, [['2026-03-31 16:59', hr, finalWage('fw')], ['2026-03-31 17:00', hr, evidence('pay', 'final-wage-payment')], ['2026-03-31 17:01', hr, complete('final-wages')]]);
    expect(stateOf(paid, 'final-wages')).toBe('done');
    expect(stateOf(paid, 'release-compensation')).toBe('pending');
    // Unpaid after the termination date: overdue.
    expect(whatIsMissing(doc, template, at('2026-04-01 00:00')).find((m) => m.stepId === 'final-wages')?.overdueSince).toBe(at('2026-03-31 23:59:59') + 999);
  });

  it('cannot complete, nor release compensation, while handover items are open', () => {
    const closing = refused(transition(doc, template, { type: 'close_case', outcome: 'left' }, { now: at('2026-04-01 09:00'), actor: hr }));
    expect(closing).toContainEqual({ code: 'checklist-open', stepId: 'revoke-accounts', itemIds: ['wecom', 'wechat', 'email', 'oa', 'crm'] });
    expect(closing).toContainEqual({ code: 'checklist-open', stepId: 'handover-customers', itemIds: ['customer-list'] });
    const release = refused(transition(doc, template, complete('release-compensation'), { now: at('2026-04-01 09:00'), actor: hr }));
    expect(release[0]).toEqual({ code: 'step-not-ready', stepId: 'release-compensation', waitingFor: ['handover-documents', 'handover-customers', 'return-equipment', 'revoke-accounts', 'reassign-classes'] });
  });

  it('a customer needs its successor; each account revocation records who and when', () => {
    const d = run(doc, template, [['2026-03-25 09:00', hr, { type: 'add_checklist_item', stepId: 'handover-customers', itemId: 'cust-huaxin', label: { zh: '华信贸易', en: 'Huaxin Trading' }, needsSuccessor: true }]]);
    const r = transition(d, template, { type: 'check_item', stepId: 'handover-customers', itemId: 'cust-huaxin', done: true }, { now: at('2026-03-25 09:05'), actor: hr });
    expect(refused(r)[0]).toMatchObject({ code: 'invalid', message: expect.stringContaining('successor') });
    const it2 = run(d, template, [['2026-03-25 09:06', { id: 'it-zhou', roles: ['hr'] }, { type: 'check_item', stepId: 'revoke-accounts', itemId: 'wecom', done: true, note: '已停用并转移客户' }]]);
    expect(it2.checklist.find((c) => c.id === 'revoke-accounts/wecom')).toMatchObject({ done: true, by: 'it-zhou', at: at('2026-03-25 09:06') });
  });

  it('happy path: all handed over, class step not applicable (not a teacher), wages and compensation computed and paid, closed', () => {
    const checks: Step[] = [
      ['handover-documents', ['work-files', 'contracts-originals']],
      ['handover-customers', ['customer-list']],
      ['return-equipment', ['laptop', 'badge']],
      ['revoke-accounts', ['wecom', 'wechat', 'email', 'oa', 'crm']],
    ].flatMap(([stepId, items]) => [
      ...(items as string[]).map((itemId): Step => ['2026-03-30 10:00', hr, { type: 'check_item', stepId: stepId as string, itemId, done: true, successor: itemId === 'customer-list' ? 'emp-zhang' : null }]),
      ['2026-03-30 10:30', hr, complete(stepId as string)] as Step,
    ]);
    const d = run(doc, template, [
      ...checks,
      ['2026-03-30 11:00', hr, teacherStatus('ts', false)],
      ['2026-03-30 11:01', hr, complete('reassign-classes', '不适用：非教师')],
      ['2026-03-31 09:59', hr, finalWage('fw')],
      ['2026-03-31 10:00', hr, evidence('pay', 'final-wage-payment')],
      ['2026-03-31 10:01', hr, complete('final-wages')],
      ['2026-03-31 10:02', hr, evidence('cert', 'termination-certificate')],
      ['2026-03-31 10:03', hr, complete('termination-certificate')],
      ['2026-04-08 10:00', hr, evidence('si', 'social-insurance-transfer')],
      ['2026-04-08 10:01', hr, complete('transfer-file-insurance')],
      ['2026-04-08 10:59', hr, { type: 'record_compensation', id: 'cp', startDate: '2023-03-01', averageMonthlyWageFen: { value: 600_000, fromRecords: 600_000 }, localAverageMonthlyWageFen: 1_000_000 }],
      ['2026-04-08 11:00', hr, evidence('comp', 'compensation-payment')],
      ['2026-04-08 11:01', hrManager, approve('ap', 'release-compensation', 'hr-manager')],
      ['2026-04-08 11:02', hr, complete('release-compensation')],
      ['2026-04-08 11:03', hr, { type: 'close_case', outcome: 'left' }],
    ]);
    expect(d.status).toBe('completed');
    expect(whatIsMissing(d, template)).toEqual([]);
  });

  it('an overridden handover step unblocks compensation, with the override kept', () => {
    const d = run(doc, template, [
      ['2026-03-30 10:00', hr, { type: 'override_step', stepId: 'return-equipment', reason: '电脑已在外地报废，有证明' }],
    ]);
    expect(stateOf(d, 'return-equipment')).toBe('overridden');
    expect(whatIsMissing(d, template).find((m) => m.stepId === 'release-compensation')?.blockers[0]).toMatchObject({ waitingFor: ['handover-documents', 'handover-customers', 'revoke-accounts', 'reassign-classes'] });
  });
});

describe('deduction for losses (扣款)', () => {
  const { doc, template } = open('loss-deduction');
  const withEvidence = run(doc, template, [
    ['2026-03-02 10:00', hr, evidence('l1', 'loss-evidence')],
    ['2026-03-02 10:01', hr, evidence('l2', 'causation-evidence')],
    ['2026-03-02 10:02', hr, evidence('l3', 'contract-clause')],
    ['2026-03-02 10:03', hr, complete('loss-evidence')],
  ]);
  const deduction = (amountFen: number): CaseEventInput => ({ type: 'record_deduction', id: `d-${amountFen}`, deduction: { month: '2026-03', monthlyWageFen: 500_000, localMinimumWageFen: 269_000, amountFen } });

  it.each([
    [100_001, false],
    [100_000, true],
    [0, true],
  ])('wage 5000 yuan, minimum 2690 yuan (the 20 percent cap of 1000 yuan binds): deducting %i fen allowed=%s', (amountFen, ok) => {
    const r = transition(withEvidence, template, deduction(amountFen), { now: at('2026-03-03 10:00'), actor: hr });
    expect(r.ok).toBe(ok);
    if (!r.ok) expect(r.reasons[0]).toMatchObject({ code: 'precondition-unmet', rule: 'loss-deduction-within-cap' });
  });

  it('computing needs a recorded deduction; written notice and approvals before applying', () => {
    expect(refused(transition(withEvidence, template, complete('compute-deduction'), { now: at('2026-03-03 10:00'), actor: hr }))[0]).toMatchObject({ code: 'precondition-unmet', rule: 'loss-deduction-within-cap' });
    const d = run(withEvidence, template, [
      ['2026-03-03 10:00', hr, deduction(80_000)],
      ['2026-03-03 10:01', hr, complete('compute-deduction')],
      ['2026-03-03 11:00', hr, notice('dn', 'deduction-notice')],
    ]);
    expect(refused(transition(d, template, complete('written-notice'), { now: at('2026-03-03 12:00'), actor: hr }))).toEqual([{ code: 'missing-notice', stepId: 'written-notice', noticeKind: 'deduction-notice', problem: 'not-delivered' }]);
    const done = run(d, template, [
      ['2026-03-04 09:00', hr, delivered('dn', '2026-03-04 09:00')],
      ['2026-03-04 09:01', hr, complete('written-notice')],
      ['2026-03-04 10:00', hrManager, approve('a1', 'approve', 'hr-manager')],
      ['2026-03-04 10:01', finance, approve('a2', 'approve', 'finance')],
      ['2026-03-04 10:02', hr, complete('approve')],
      ['2026-03-31 10:00', hr, evidence('slip', 'payslip')],
      ['2026-03-31 10:01', hr, complete('apply')],
      ['2026-03-31 10:02', hr, { type: 'close_case', outcome: 'deducted 800 yuan' }],
    ]);
    expect(done.status).toBe('completed');
  });
});

describe('sensitive event (敏感事件)', () => {
  const template = builtInTemplate('sensitive-event');
  const input = { id: 'se-1', subjectEmployeeId: 'emp-b', siteId: 's1', categoryCode: 'SE-INCITE', access: ['legal-chen', 'hr-zhao'], participants: [{ personId: 'emp-a', name: 'A', role: 'participant' as const }, { personId: 'emp-c', name: 'C', role: 'witness' as const }] };

  it('needs a category code from the template', () => {
    expect(refused(openCase(template, { ...input, categoryCode: null }, { now: at('2026-03-02 09:00'), actor: hr }))[0]).toMatchObject({ code: 'invalid' });
    expect(refused(openCase(template, { ...input, categoryCode: 'XX' }, { now: at('2026-03-02 09:00'), actor: hr }))[0]).toMatchObject({ code: 'invalid' });
  });

  it('only people on the access list can change it; HR grants and revokes', () => {
    const r = openCase(template, input, { now: at('2026-03-02 09:00'), actor: hr });
    if (!r.ok) throw new Error('refused');
    expect(r.doc.restricted).toBe(true);
    expect(r.doc.participants.map((p) => p.role)).toEqual(['subject', 'participant', 'witness']);
    const interview = evidence('iv1', 'interview', '约谈B');
    const outsider = { id: 'hr-other', roles: ['hr' as const] };
    expect(refused(transition(r.doc, template, interview, { now: at('2026-03-02 10:00'), actor: outsider })).map((x) => x.code)).toEqual(['forbidden']);
    expect(transition(r.doc, template, interview, { now: at('2026-03-02 10:00'), actor: legal }).ok).toBe(true);
    const granted = run(r.doc, template, [['2026-03-02 10:00', hr, { type: 'grant_access', userId: 'hr-other' }]]);
    expect(transition(granted, template, interview, { now: at('2026-03-02 10:01'), actor: outsider }).ok).toBe(true);
    const revoked = run(granted, template, [['2026-03-02 11:00', hr, { type: 'revoke_access', userId: 'hr-other' }]]);
    expect(transition(revoked, template, interview, { now: at('2026-03-02 11:01'), actor: outsider }).ok).toBe(false);
  });

  it('happy path: intake, interview notes, review, outcome', () => {
    const r = openCase(template, input, { now: at('2026-03-02 09:00'), actor: hr });
    if (!r.ok) throw new Error('refused');
    const d = run(r.doc, template, [
      ['2026-03-02 09:10', hr, evidence('rep', 'event-report', '群聊截图')],
      ['2026-03-02 09:11', hr, complete('intake')],
      ['2026-03-03 14:00', hr, { type: 'add_evidence', evidence: { id: 'iv1', kind: 'interview', description: '约谈B', personId: 'emp-b', notes: 'B承认在群内发布，同意删除' } }],
      ['2026-03-03 15:00', hr, complete('interviews')],
      ['2026-03-04 09:00', hrManager, approve('a', 'review', 'hr-manager')],
      ['2026-03-04 09:01', hr, complete('review')],
      ['2026-03-04 09:02', hr, evidence('out', 'outcome-record', '书面警告')],
      ['2026-03-04 09:03', hr, complete('outcome')],
      ['2026-03-04 09:04', hr, { type: 'close_case', outcome: 'written warning' }],
    ]);
    expect(d.status).toBe('completed');
    expect(d.evidence.find((e) => e.id === 'iv1')).toMatchObject({ personId: 'emp-b', notes: 'B承认在群内发布，同意删除' });
  });
});

describe('absent without leave (擅自离岗)', () => {
  it('is labelled an internal status, not a legal suspension (中止)', () => {
    const t = builtInTemplate('absent-without-leave');
    expect(t.internalStatus).toBe(true);
    expect(t.statusNote?.zh).toContain('不是法律上的劳动合同“中止”');
    expect(t.name.zh).toBe('擅自离岗');
    expect(t.name.zh).not.toContain('中止');
  });

  it('happy path', () => {
    const { doc, template } = open('absent-without-leave');
    const d = run(doc, template, [
      ['2026-03-02 10:00', hr, evidence('p', 'raw-punches')],
      ['2026-03-02 10:01', hr, complete('record-absence')],
      ['2026-03-02 11:00', hr, evidence('c', 'contact-attempt')],
      ['2026-03-02 11:01', hr, complete('contact-attempts')],
      ['2026-03-06 10:00', hr, notice('n', 'return-to-work')],
      ['2026-03-07 10:00', hr, delivered('n', '2026-03-07 10:00')],
      ['2026-03-07 10:01', hr, complete('return-to-work-notice')],
      ['2026-03-10 10:00', hr, approve('a', 'resolve', 'hr')],
      ['2026-03-10 10:01', hr, complete('resolve')],
      ['2026-03-10 10:02', hr, { type: 'close_case', outcome: 'absenteeism dismissal started' }],
    ]);
    expect(d.status).toBe('completed');
  });
});

describe('general rules', () => {
  it('a hard deadline refuses completion once passed; an override still works', () => {
    const template = CaseTemplate.parse({
      id: 'hard-due', version: 1, name: { zh: '测试', en: 'test' }, description: { zh: '测试', en: 'test' },
      steps: [{ id: 'answer', title: { zh: '答复', en: 'answer' }, due: { days: 2, anchor: { from: 'opened' }, hard: true } }],
    });
    const r = openCase(template, { id: 'h1', subjectEmployeeId: 'e', siteId: 's' }, { now: at('2026-03-02 09:00'), actor: hr });
    if (!r.ok) throw new Error('refused');
    expect(transition(r.doc, template, complete('answer'), { now: at('2026-03-04 09:00'), actor: hr }).ok).toBe(true);
    expect(refused(transition(r.doc, template, complete('answer'), { now: at('2026-03-04 09:01'), actor: hr }))).toEqual([{ code: 'deadline-passed', stepId: 'answer', dueAt: at('2026-03-04 09:00') }]);
    expect(transition(r.doc, template, { type: 'override_step', stepId: 'answer', reason: '员工同意延期，书面确认已存档' }, { now: at('2026-03-04 09:01'), actor: hr }).ok).toBe(true);
  });

  it('repeating an event with the same id changes nothing; closed cases refuse changes; wrong template refused', () => {
    const { doc, template } = open('lost-contact');
    const once = run(doc, template, [['2026-03-02 10:00', hr, evidence('ev', 'raw-punches')]]);
    const twice = transition(once, template, evidence('ev', 'raw-punches'), { now: at('2026-03-02 10:05'), actor: hr });
    expect(twice.ok && twice.doc).toEqual(once);
    const cancelled = run(once, template, [['2026-03-02 11:00', hr, { type: 'cancel_case', reason: '误报：员工已请假' }]]);
    expect(refused(transition(cancelled, template, evidence('ev2', 'raw-punches'), { now: at('2026-03-02 12:00'), actor: hr }))).toEqual([{ code: 'case-closed', status: 'cancelled' }]);
    expect(refused(transition(once, builtInTemplate('offboarding'), evidence('x', 'y'), { now: at('2026-03-02 12:00'), actor: hr }))[0]?.code).toBe('invalid');
    expect(refused(transition(once, template, { type: 'bogus' } as unknown as CaseEventInput, { now: at('2026-03-02 12:00'), actor: hr }))[0]?.code).toBe('invalid');
  });
});
