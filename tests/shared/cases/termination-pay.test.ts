import { describe, expect, it } from 'vitest';
import { offboardingMoney } from '#shared/cases/case-money';
import { economicCompensation, finalWagesDueDate, maxLossDeduction, wageHoldWarning, wholeMonthsBetween } from '#shared/cases/termination-pay';
import { at, complete, evidence, hr, open, run, type Step } from './fixtures';

describe('maxLossDeduction (工资支付暂行规定 第十六条)', () => {
  it.each([
    // wage, minimum, max, binding
    [500_000, 269_000, 100_000, 'twenty-percent'], // 20% = 1000 yuan, 2310 above minimum
    [300_000, 269_000, 31_000, 'minimum-wage'], // 20% = 600 yuan, but only 310 above minimum
    [250_000, 269_000, 0, 'minimum-wage'], // wage already below minimum: nothing may be deducted
    [336_250, 269_000, 67_250, 'both'], // 20% = 672.50 = exactly what is above minimum
    [100_003, 0, 20_000, 'twenty-percent'], // 20% rounds down to the fen
    [0, 0, 0, 'both'],
  ])('wage %i fen, minimum %i fen -> at most %i fen (%s binds)', (monthlyWageFen, localMinimumWageFen, maxFen, binding) => {
    const r = maxLossDeduction({ monthlyWageFen, localMinimumWageFen });
    expect(r).toMatchObject({ maxFen, binding });
    expect(monthlyWageFen - r.maxFen).toBeGreaterThanOrEqual(Math.min(monthlyWageFen, localMinimumWageFen));
    expect(r.maxFen * 5).toBeLessThanOrEqual(monthlyWageFen);
  });

  it('rejects fractional or negative amounts', () => {
    expect(() => maxLossDeduction({ monthlyWageFen: 100.5, localMinimumWageFen: 0 })).toThrow();
    expect(() => maxLossDeduction({ monthlyWageFen: 1000, localMinimumWageFen: -1 })).toThrow();
  });
});

describe('final wages (第九条)', () => {
  it('are due on the termination date itself; the warning says so and cites the law', () => {
    expect(finalWagesDueDate('2026-03-31')).toBe('2026-03-31');
    const w = wageHoldWarning('2026-03-31');
    expect(w).toMatchObject({ code: 'final-wages-must-not-be-held', severity: 'error', dueDate: '2026-03-31' });
    expect(w.zh).toContain('2026-03-31');
    expect(w.zh).toContain('第九条');
    expect(w.law).toEqual(expect.arrayContaining(['wage-payment-9', 'labor-contract-85']));
    expect(() => finalWagesDueDate('2026-02-30')).toThrow();
  });
});

describe('economic compensation (劳动合同法 第四十七条)', () => {
  const avg = 1_000_000; // local average monthly wage 10,000 yuan
  it.each([
    ['exactly 3 years', '2023-03-01', '2026-03-01', 3],
    ['3 years 5 months 30 days -> +0.5', '2023-03-01', '2026-08-31', 3.5],
    ['3 years 6 months -> +1', '2023-03-01', '2026-09-01', 4],
    ['10 days -> 0.5', '2026-03-01', '2026-03-11', 0.5],
    ['same day -> 0', '2026-03-01', '2026-03-01', 0],
    ['5 months -> 0.5', '2026-01-15', '2026-06-15', 0.5],
    ['6 months -> 1', '2026-01-15', '2026-07-15', 1],
    ['month-end start: 01-31 to 02-28 is one whole month', '2026-01-31', '2026-02-28', 0.5],
  ])('%s', (_n, startDate, terminationDate, months) => {
    const r = economicCompensation({ startDate, terminationDate, averageMonthlyWageFen: 800_000, localAverageMonthlyWageFen: avg });
    expect(r.months).toBe(months);
    expect(r.amountFen).toBe(months * 800_000);
    expect(r.capped).toBe(false);
  });

  it('wage above 3x the local average: capped at 3x and at 12 years', () => {
    const r = economicCompensation({ startDate: '2010-01-01', terminationDate: '2026-01-01', averageMonthlyWageFen: 4_000_000, localAverageMonthlyWageFen: avg });
    expect(r).toMatchObject({ fullYears: 16, months: 12, monthlyWageUsedFen: 3_000_000, capped: true, amountFen: 36_000_000 });
  });

  it('exactly 3x the average is not capped; years above 12 count in full', () => {
    const r = economicCompensation({ startDate: '2010-01-01', terminationDate: '2026-01-01', averageMonthlyWageFen: 3_000_000, localAverageMonthlyWageFen: avg });
    expect(r).toMatchObject({ months: 16, capped: false, amountFen: 48_000_000 });
  });

  it('an average below the minimum wage uses the minimum wage; pre-2008 service is flagged', () => {
    const r = economicCompensation({ startDate: '2006-05-01', terminationDate: '2026-05-01', averageMonthlyWageFen: 200_000, localAverageMonthlyWageFen: avg, localMinimumWageFen: 269_000 });
    expect(r).toMatchObject({ months: 20, monthlyWageUsedFen: 269_000, amountFen: 20 * 269_000 });
    expect(r.notes.join(' ')).toContain('2008');
  });

  it('refuses a termination before the start', () => {
    expect(() => economicCompensation({ startDate: '2026-03-01', terminationDate: '2026-02-01', averageMonthlyWageFen: 1, localAverageMonthlyWageFen: 1 })).toThrow(RangeError);
  });

  it.each([
    ['2024-01-31', '2024-02-29', 1],
    ['2024-01-31', '2024-02-28', 0],
    ['2023-02-28', '2024-02-28', 12],
    ['2020-02-29', '2021-02-28', 12],
  ])('whole months %s -> %s = %i', (a, b, n) => {
    expect(wholeMonthsBetween(a, b)).toBe(n);
  });
});

describe('offboardingMoney', () => {
  it('final wages due on the termination date regardless of the handover; compensation waits for it', () => {
    const { doc, template } = open('offboarding', { now: '2026-03-20 09:00' });
    const d = run(doc, template, [
      ['2026-03-20 09:01', hr, { type: 'record_termination_date', id: 'td', date: '2026-03-31' }],
      ['2026-03-20 09:02', hr, complete('termination-date')],
    ]);
    expect(offboardingMoney(d, template, at('2026-03-31 23:59'))).toMatchObject({ finalWages: { dueDate: '2026-03-31', paid: false, overdue: false }, compensation: { releasable: false, released: false } });
    expect(offboardingMoney(d, template, at('2026-04-01 00:00')).finalWages.overdue).toBe(true);
    expect(offboardingMoney(d, template, at('2026-04-01 00:00')).compensation.waitingFor).toEqual(['handover-documents', 'handover-customers', 'return-equipment', 'revoke-accounts', 'reassign-classes']);
    const handover = ['handover-documents', 'handover-customers', 'return-equipment', 'revoke-accounts', 'reassign-classes'];
    const paid = run(d, template, [
      ['2026-03-31 10:00', hr, evidence('pay', 'final-wage-payment')],
      ['2026-03-31 10:01', hr, complete('final-wages')],
      ...handover.map((stepId): Step => ['2026-04-02 10:00', hr, { type: 'override_step', stepId, reason: '已线下交接，见附件' }]),
    ]);
    expect(offboardingMoney(paid, template, at('2026-04-02 10:01'))).toMatchObject({ finalWages: { paid: true, overdue: false }, compensation: { releasable: true, waitingFor: [] } });
  });
});
