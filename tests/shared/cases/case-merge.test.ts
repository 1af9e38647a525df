import { describe, expect, it } from 'vitest';
import { CaseDoc } from '#shared/cases/case-doc';
import { mergeCases, resolveCaseConflict } from '#shared/cases/case-merge';
import { approve, complete, delivered, evidence, finalWage, hr, hrManager, notice, open, run, stateOf } from './fixtures';

/** One offboarding case, synced to two terminals, then changed on both while offline. */
function diverged() {
  const { doc, template } = open('offboarding', { now: '2026-03-20 09:00' });
  const common = run(doc, template, [
    ['2026-03-20 09:01', hr, { type: 'record_termination_date', id: 'td', date: '2026-03-31' }],
    ['2026-03-20 09:02', hr, complete('termination-date')],
    ['2026-03-20 09:03', hr, notice('n-cert', 'certificate-sent')],
    ['2026-03-20 09:04', hr, finalWage('fw')],
  ]);
  const a = run(common, template, [
    ['2026-03-21 10:00', hr, evidence('ev-a', 'final-wage-payment', 'A: bank receipt')],
    ['2026-03-21 10:01', hr, { type: 'check_item', stepId: 'revoke-accounts', itemId: 'wecom', done: true }],
    ['2026-03-21 10:02', hr, { type: 'override_step', stepId: 'return-equipment', reason: '电脑已报废，有证明' }],
    ['2026-03-21 10:03', hr, delivered('n-cert', '2026-03-21 09:00')],
    ['2026-03-21 10:04', hr, { type: 'override_step', stepId: 'termination-certificate', reason: '纸质证明已当面交付' }],
  ]);
  const b = run(common, template, [
    ['2026-03-21 11:00', hr, evidence('ev-b', 'termination-certificate', 'B: scanned certificate')],
    ['2026-03-21 11:01', hr, complete('termination-certificate')],
    ['2026-03-21 11:02', hr, { type: 'check_item', stepId: 'revoke-accounts', itemId: 'wecom', done: false, note: '企业微信尚未停用' }],
    ['2026-03-21 11:03', hr, { type: 'check_item', stepId: 'revoke-accounts', itemId: 'email', done: true }],
    ['2026-03-21 11:04', hr, delivered('n-cert', '2026-03-21 08:00')],
  ]);
  return { common, a, b, template };
}

describe('mergeCases', () => {
  it('keeps both sides: evidence and timeline by id, overrides never lost, latest decision per step', () => {
    const { a, b, common } = diverged();
    const m = mergeCases(a, b);
    expect(() => CaseDoc.parse(m)).not.toThrow();
    expect(m.evidence.map((e) => e.id)).toEqual(['ev-a', 'ev-b']);
    expect(m.timeline.length).toBe(common.timeline.length + 5 + 5);
    // termination-certificate: overridden on A at 10:04, completed on B at 11:01 -> B's later decision wins,
    // A's override stays on record.
    expect(stateOf(m, 'termination-certificate')).toBe('done');
    expect(m.overrides.map((o) => o.stepId)).toEqual(['return-equipment', 'termination-certificate']);
    expect(stateOf(m, 'return-equipment')).toBe('overridden');
    // Checklist: per item the latest change wins (B reopened wecom after A ticked it).
    expect(m.checklist.find((c) => c.itemId === 'wecom')).toMatchObject({ done: false, note: '企业微信尚未停用' });
    expect(m.checklist.find((c) => c.itemId === 'email')?.done).toBe(true);
    // Delivery: the earliest receipt either side saw.
    expect(m.notices).toHaveLength(1);
    expect(m.notices[0]!.deliveredAt).toBe(b.notices[0]!.deliveredAt);
    expect(m.updatedAt).toBe(Math.max(a.updatedAt, b.updatedAt));
  });

  it('is commutative and idempotent', () => {
    const { a, b } = diverged();
    const ab = mergeCases(a, b);
    expect(mergeCases(b, a)).toEqual(ab);
    expect(mergeCases(ab, a)).toEqual(ab);
    expect(mergeCases(ab, b)).toEqual(ab);
    expect(mergeCases(ab, ab)).toEqual(ab);
    expect(resolveCaseConflict({ master: b, incoming: a })).toEqual(ab);
  });

  it('re-derives step states when given the template', () => {
    const { a, b, template } = diverged();
    const m = mergeCases(a, b, { template, now: b.updatedAt });
    // A paid final wages (evidence) and B did not: after merging, the step is ready on both.
    expect(stateOf(b, 'final-wages')).toBe('blocked');
    expect(stateOf(m, 'final-wages')).toBe('ready');
  });

  it('a closed case stays closed; approvals from both sides are kept', () => {
    const { doc, template } = open('lost-contact');
    const ready = run(doc, template, [
      ['2026-03-02 10:00', hr, evidence('p', 'raw-punches')],
      ['2026-03-02 10:01', hr, complete('record-anomaly')],
      ['2026-03-02 10:02', hr, evidence('c1', 'contact-attempt')],
      ['2026-03-02 10:03', hr, evidence('c2', 'contact-attempt')],
      ['2026-03-02 10:04', hr, complete('contact-attempts')],
      ['2026-03-02 10:05', hr, evidence('r', 'known-reason')],
      ['2026-03-02 10:06', hr, complete('known-reason')],
    ]);
    const closed = run(ready, template, [
      ['2026-03-03 09:00', hr, approve('ap-a', 'resolve', 'hr')],
      ['2026-03-03 09:01', hr, complete('resolve')],
      ['2026-03-03 09:02', hr, { type: 'close_case', outcome: 'returned' }],
    ]);
    const other = run(ready, template, [['2026-03-04 09:00', hrManager, approve('ap-b', 'resolve', 'hr')]]);
    const m = mergeCases(other, closed);
    expect(m).toMatchObject({ status: 'completed', outcome: 'returned' });
    expect(m.approvals.map((x) => x.id)).toEqual(['ap-a', 'ap-b']);
    expect(mergeCases(closed, other)).toEqual(m);
  });

  it('access: latest grant or revoke per user wins, a revoke wins a tie', () => {
    const { doc, template } = open('sensitive-event', { categoryCode: 'SE-POST' });
    const granted = run(doc, template, [['2026-03-02 10:00', hr, { type: 'grant_access', userId: 'u2' }]]);
    const revoked = run(granted, template, [['2026-03-02 11:00', hr, { type: 'revoke_access', userId: 'u2' }]]);
    const regranted = run(granted, template, [['2026-03-02 10:30', hr, { type: 'grant_access', userId: 'u2' }]]);
    const m = mergeCases(regranted, revoked);
    expect(m.access.find((x) => x.userId === 'u2')).toMatchObject({ granted: false });
    const tieGrant = run(doc, template, [['2026-03-02 12:00', hr, { type: 'grant_access', userId: 'u3' }]]);
    const tieRevoke = run(doc, template, [['2026-03-02 12:00', hr, { type: 'revoke_access', userId: 'u3' }]]);
    expect(mergeCases(tieGrant, tieRevoke).access.find((x) => x.userId === 'u3')?.granted).toBe(false);
    expect(mergeCases(tieRevoke, tieGrant).access.find((x) => x.userId === 'u3')?.granted).toBe(false);
  });

  it('refuses to merge two different cases', () => {
    const x = open('lost-contact', { id: 'x' }).doc;
    const y = open('lost-contact', { id: 'y' }).doc;
    expect(() => mergeCases(x, y)).toThrow(RangeError);
  });
});
