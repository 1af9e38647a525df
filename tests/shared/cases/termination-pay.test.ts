import { describe, expect, it } from 'vitest';
import { buildCalendar, dayKind, EMPTY_CALENDAR, HolidayYear } from '#shared/calendar/holiday-calendar';
import { rotationSchedule } from '#shared/attendance/work-schedule';
import { Rotation, Shift } from '#shared/schemas/attendance-setup';
import { currentFact } from '#shared/cases/case-doc';
import { transition, type CaseEventInput } from '#shared/cases/case-engine';
import { offboardingMoney } from '#shared/cases/case-money';
import { economicCompensation, finalMonthPaidDays, finalWageFen, finalWagesDueDate, maxLossDeduction, wageHoldWarning, wholeMonthsBetween } from '#shared/cases/termination-pay';
import cn2026 from '../../../resources/holidays/cn-2026.json' with { type: 'json' };
import { at, clerk, complete, evidence, finalWage, hr, open, refused, run, stateOf, type Step } from './fixtures';

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

describe('final wage of the last month (工资支付暂行规定 第九条; 21.75 paid days a month)', () => {
  it.each([
    // monthly salary, paid days, owed
    [600_000, 15, 413_793], // 6000 / 21.75 x 15 = 4137.931 yuan
    [600_000, 0.5, 13_793],
    [600_000, 0, 0],
    [600_000, 21.5, 593_103],
    [600_000, 23, 600_000], // a whole month with 23 paid days is still one month's wage
  ])('salary %i fen, %d paid days -> %i fen', (monthlySalaryFen, paidDays, owed) => {
    expect(finalWageFen({ monthlySalaryFen, paidDays })).toBe(owed);
  });

  it('refuses days that are not whole or half days', () => {
    expect(() => finalWageFen({ monthlySalaryFen: 600_000, paidDays: 2.3 })).toThrow();
  });

  const calendar = buildCalendar([HolidayYear.parse(cn2026)]);
  it.each<[string, string, string, number[] | undefined, { from: string; workingDays: number; statutoryHolidays: number; paidDays: number }]>([
    ['an ordinary month, Monday to Friday', '2026-03-20', '2020-01-01', undefined, { from: '2026-03-01', workingDays: 15, statutoryHolidays: 0, paidDays: 15 }],
    ['春节: statutory days paid, 调休 Saturdays worked, bridge days not', '2026-02-28', '2020-01-01', undefined, { from: '2026-02-01', workingDays: 16, statutoryHolidays: 4, paidDays: 20 }],
    ['国庆: the statutory Saturday is paid too', '2026-10-09', '2020-01-01', undefined, { from: '2026-10-01', workingDays: 2, statutoryHolidays: 3, paidDays: 5 }],
    ['hired in the final month: from the hire date', '2026-05-15', '2026-05-06', undefined, { from: '2026-05-06', workingDays: 9, statutoryHolidays: 0, paidDays: 9 }],
    ['a six-day week', '2026-03-07', '2020-01-01', [1, 2, 3, 4, 5, 6], { from: '2026-03-01', workingDays: 6, statutoryHolidays: 0, paidDays: 6 }],
  ])('%s', (_n, terminationDate, hireDate, workDays, expected) => {
    const schedule = workDays ? { kindOn: (c: typeof calendar, date: string) => dayKind(c, date, { workDays }) } : null;
    expect(finalMonthPaidDays({ terminationDate, hireDate, schedule, calendar })).toEqual({ ...expected, to: terminationDate });
  });

  it('a rotation counts the days its cycle works, and the statutory holidays', () => {
    const day = Shift.parse({ id: 'd', kind: 'shift', name: '白班', start: '08:00', end: '20:00', workDays: [1, 2, 3, 4, 5], updatedAt: 0 });
    const rotation = Rotation.parse({ id: 'r', kind: 'rotation', name: '做一休一', anchorDate: '2026-10-01', pattern: ['d', null], updatedAt: 0 });
    const schedule = rotationSchedule(rotation, new Map([['d', day]]))!;
    // 1–9 October: 1, 3, 5, 7 and 9 fall on the cycle's working day, but 1–7 are the 国庆 holidays (off), of
    // which 1–3 are statutory (paid): 9 October worked + 3 statutory days.
    expect(finalMonthPaidDays({ terminationDate: '2026-10-09', hireDate: '2020-01-01', schedule, calendar })).toEqual({ from: '2026-10-01', to: '2026-10-09', workingDays: 1, statutoryHolidays: 3, paidDays: 4 });
    // Continuous production runs through the holidays: all five cycle days are worked (the statutory ones once).
    const continuous = rotationSchedule({ ...rotation, observesPublicHolidays: false }, new Map([['d', day]]))!;
    expect(finalMonthPaidDays({ terminationDate: '2026-10-09', hireDate: '2020-01-01', schedule: continuous, calendar })).toEqual({ from: '2026-10-01', to: '2026-10-09', workingDays: 5, statutoryHolidays: 0, paidDays: 5 });
  });

  it('without the year on file, holidays are not known (ordinary weeks)', () => {
    expect(finalMonthPaidDays({ terminationDate: '2026-02-28', hireDate: '2020-01-01', calendar: EMPTY_CALENDAR }).paidDays).toBe(20);
    expect(finalMonthPaidDays({ terminationDate: '2026-10-09', hireDate: '2020-01-01', calendar: EMPTY_CALENDAR }).paidDays).toBe(7);
  });
});

describe('recording the final wage and the compensation on an offboarding case', () => {
  const { doc: fresh, template } = open('offboarding', { now: '2026-03-20 09:00' });
  const doc = run(fresh, template, [['2026-03-20 09:01', hr, { type: 'record_termination_date', id: 'td', date: '2026-03-20' }]]);
  const t = (e: CaseEventInput, actor = hr) => transition(doc, template, e, { now: at('2026-03-20 10:00'), actor });
  const wage = (salary: { value: number; fromRecords: number | null; reason?: string }, days: { value: number; fromRecords: number | null; reason?: string }, amount?: { value: number | null; reason?: string }): CaseEventInput => ({
    type: 'record_final_wage', id: 'fw', periodStart: '2026-03-01', monthlySalaryFen: salary, paidDays: days, amount,
  });

  it('computes the amount itself from the figures, and keeps them', () => {
    const r = t(wage({ value: 600_000, fromRecords: 600_000 }, { value: 15, fromRecords: 15 }));
    if (!r.ok) throw new Error(JSON.stringify(r.reasons));
    expect(currentFact(r.doc, 'final-wage')).toEqual({
      terminationDate: '2026-03-20', periodStart: '2026-03-01',
      monthlySalaryFen: { value: 600_000, fromRecords: 600_000, reason: '' }, paidDays: { value: 15, fromRecords: 15, reason: '' }, amountFen: { value: 413_793, fromRecords: 413_793, reason: '' },
    });
    expect(r.doc.timeline.at(-1)).toMatchObject({ type: 'record_final_wage', flagged: false, detail: 'final wage ¥4137.93 for 2026-03-01..2026-03-20: ¥6000.00 / 21.75 x 15 days = ¥4137.93' });
    expect(r.audit).toEqual([expect.objectContaining({ action: 'update', flagged: false })]);
  });

  it.each<[string, CaseEventInput, { code: string; figure?: string }[]]>([
    ['paid days changed without a reason', wage({ value: 600_000, fromRecords: 600_000 }, { value: 13, fromRecords: 15, reason: ' ' }), [{ code: 'adjustment-needs-reason', figure: 'paid-days' }]],
    ['salary and amount changed without reasons', wage({ value: 650_000, fromRecords: 600_000 }, { value: 15, fromRecords: 15 }, { value: 500_000 }), [{ code: 'adjustment-needs-reason', figure: 'monthly-salary' }, { code: 'adjustment-needs-reason', figure: 'amount' }]],
    ['a month that is not the termination month', { ...wage({ value: 600_000, fromRecords: 600_000 }, { value: 15, fromRecords: 15 }), periodStart: '2026-02-01' } as CaseEventInput, [{ code: 'invalid' }]],
  ])('refused: %s', (_n, event, reasons) => {
    expect(refused(t(event))).toEqual(reasons.map((x) => expect.objectContaining(x)));
  });

  it('only HR may use another figure than the records', () => {
    expect(refused(t(wage({ value: 600_000, fromRecords: 600_000 }, { value: 13, fromRecords: 15, reason: '3月19、20日事假' }), clerk)).map((x) => x.code)).toEqual(['forbidden']);
  });

  it('an adjusted figure, with its reason, is kept beside the records and flagged for the audit trail', () => {
    const r = t(wage({ value: 600_000, fromRecords: 600_000 }, { value: 13, fromRecords: 15, reason: '3月19、20日事假（无薪）' }));
    if (!r.ok) throw new Error(JSON.stringify(r.reasons));
    expect(currentFact(r.doc, 'final-wage')).toMatchObject({ paidDays: { value: 13, fromRecords: 15, reason: '3月19、20日事假（无薪）' }, amountFen: { value: 358_621 } });
    expect(r.doc.timeline.at(-1)).toMatchObject({ flagged: true, detail: expect.stringContaining('paid-days 15 -> 13: 3月19、20日事假（无薪）') });
    expect(r.audit).toEqual([{ action: 'override', flagged: true, summary: expect.stringContaining('paid-days 15 -> 13') }]);
  });

  it('a salary with nothing on file is entered by HR, no reason needed', () => {
    const r = t(wage({ value: 580_000, fromRecords: null }, { value: 15, fromRecords: 15 }));
    expect(r.ok && r.audit[0]?.flagged).toBe(false);
  });

  it('the final-wages step waits for the computation, and for a new one when the termination date moves', () => {
    expect(whatBlocks(doc)).toEqual(['missing-evidence', 'precondition-unmet:final-wage-computed']);
    const computed = run(doc, template, [['2026-03-20 10:00', hr, finalWage('fw', { paidDays: 15 })], ['2026-03-20 10:01', hr, evidence('pay', 'final-wage-payment')]]);
    expect(stateOf(computed, 'final-wages')).toBe('ready');
    expect(offboardingMoney(computed, template, at('2026-03-20 10:02')).finalWages.computed?.amountFen.value).toBe(413_793);
    const moved = run(computed, template, [['2026-03-20 11:00', hr, { type: 'record_termination_date', id: 'td2', date: '2026-03-27' }]]);
    expect(stateOf(moved, 'final-wages')).toBe('blocked');
    expect(refused(transition(moved, template, complete('final-wages'), { now: at('2026-03-20 11:01'), actor: hr }))).toEqual([
      { code: 'precondition-unmet', stepId: 'final-wages', rule: 'final-wage-computed', message: 'the final wage was computed for the termination date 2026-03-20, not 2026-03-27: compute it again' },
    ]);
    expect(offboardingMoney(moved, template, at('2026-03-20 11:01')).finalWages.computed).toBeNull();
  });

  const comp = (averageMonthlyWageFen: { value: number; fromRecords: number | null; reason?: string }, localAverageMonthlyWageFen: number, amount?: { value: number | null; reason?: string }): CaseEventInput => ({
    type: 'record_compensation', id: 'cp', startDate: '2022-09-01', averageMonthlyWageFen, localAverageMonthlyWageFen, amount,
  });

  it.each<[string, CaseEventInput, { months: number; monthlyWageUsedFen: number; capped: boolean; amount: number }]>([
    // 2022-09-01 .. 2026-03-20: 3 years 6 months 19 days -> 4 months' wage
    ['3 years and over six months count as 4', comp({ value: 800_000, fromRecords: 800_000 }, 1_000_000), { months: 4, monthlyWageUsedFen: 800_000, capped: false, amount: 3_200_000 }],
    ['a wage above 3x the local average is paid at 3x', comp({ value: 4_000_000, fromRecords: 4_000_000 }, 1_000_000), { months: 4, monthlyWageUsedFen: 3_000_000, capped: true, amount: 12_000_000 }],
    ['an adjusted 12-month average, with its reason', comp({ value: 750_000, fromRecords: 800_000, reason: '近12个月含两个月病假工资' }, 1_000_000), { months: 4, monthlyWageUsedFen: 750_000, capped: false, amount: 3_000_000 }],
    ['an agreed amount above the statutory one, with its reason', comp({ value: 800_000, fromRecords: 800_000 }, 1_000_000, { value: 4_000_000, reason: '协商一致解除，另加一个月' }), { months: 4, monthlyWageUsedFen: 800_000, capped: false, amount: 4_000_000 }],
  ])('compensation: %s', (_n, event, expected) => {
    const r = t(event);
    if (!r.ok) throw new Error(JSON.stringify(r.reasons));
    const fact = currentFact(r.doc, 'compensation')!;
    expect({ months: fact.months, monthlyWageUsedFen: fact.monthlyWageUsedFen, capped: fact.capped, amount: fact.amountFen.value }).toEqual(expected);
    expect(fact.terminationDate).toBe('2026-03-20');
  });

  it('compensation: an amount other than the statutory one needs its reason', () => {
    expect(refused(t(comp({ value: 800_000, fromRecords: 800_000 }, 1_000_000, { value: 4_000_000 })))).toEqual([{ code: 'adjustment-needs-reason', figure: 'amount' }]);
  });

  function whatBlocks(d: typeof doc): string[] {
    const r = transition(d, template, complete('final-wages'), { now: at('2026-03-20 10:00'), actor: hr });
    return r.ok ? [] : r.reasons.map((x) => (x.code === 'precondition-unmet' ? `${x.code}:${x.rule}` : x.code));
  }
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
      ['2026-03-31 09:59', hr, finalWage('fw')],
      ['2026-03-31 10:00', hr, evidence('pay', 'final-wage-payment')],
      ['2026-03-31 10:01', hr, complete('final-wages')],
      ...handover.map((stepId): Step => ['2026-04-02 10:00', hr, { type: 'override_step', stepId, reason: '已线下交接，见附件' }]),
    ]);
    expect(offboardingMoney(paid, template, at('2026-04-02 10:01'))).toMatchObject({ finalWages: { paid: true, overdue: false }, compensation: { releasable: true, waitingFor: [] } });
  });
});
