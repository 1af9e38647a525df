import { z } from 'zod';
import { dayKind, type WorkCalendar } from '../calendar/holiday-calendar.ts';
import { LocalDate } from '../schemas/common.ts';
import type { WorkSchedule } from '../attendance/work-schedule.ts';

const MONDAY_TO_FRIDAY = { workDays: [1, 2, 3, 4, 5] };
import type { CompensationFact, FinalWageFact } from './case-doc.ts';

/**
 * Money rules around deductions and leaving, in fen (1 yuan = 100 fen) so every amount is an integer.
 *
 *  - Loss deductions (工资支付暂行规定 第十六条): per month at most 20% of that month's wage, and what remains
 *    must be at least the local monthly minimum wage. Both limits apply; the smaller one binds. 20% is rounded
 *    down to the fen so the cap is never exceeded.
 *  - Final wages (第九条): due in full on the termination date, never held for a handover or a dispute.
 *    See finalWageFen and finalMonthPaidDays for what is owed for the last month.
 *  - Economic compensation (劳动合同法 第四十七条, 实施条例 第二十七条): see economicCompensation.
 */
const Fen = z.number().int().nonnegative();

export const LossDeductionInput = z.object({ monthlyWageFen: Fen, localMinimumWageFen: Fen });
export type LossDeductionLimit = {
  maxFen: number;
  /** Which limit binds: 20% of the wage, the minimum-wage floor, or both give the same amount. */
  binding: 'twenty-percent' | 'minimum-wage' | 'both';
  twentyPercentFen: number;
  aboveMinimumFen: number;
};

export function maxLossDeduction(input: z.input<typeof LossDeductionInput>): LossDeductionLimit {
  const { monthlyWageFen, localMinimumWageFen } = LossDeductionInput.parse(input);
  const twentyPercentFen = Math.floor(monthlyWageFen / 5);
  const aboveMinimumFen = Math.max(0, monthlyWageFen - localMinimumWageFen);
  const maxFen = Math.min(twentyPercentFen, aboveMinimumFen);
  const binding = twentyPercentFen === aboveMinimumFen ? 'both' : twentyPercentFen < aboveMinimumFen ? 'twenty-percent' : 'minimum-wage';
  return { maxFen, binding, twentyPercentFen, aboveMinimumFen };
}

/** Final wages are due on the termination date itself (第九条), whatever else is open. */
export function finalWagesDueDate(terminationDate: string): string {
  return LocalDate.parse(terminationDate);
}

export type WageHoldWarning = {
  code: 'final-wages-must-not-be-held';
  severity: 'error';
  dueDate: string;
  zh: string;
  en: string;
  law: string[];
};

/** What the UI shows whenever anyone tries to hold, delay or make final wages conditional on the handover. */
export function wageHoldWarning(terminationDate: string): WageHoldWarning {
  const dueDate = finalWagesDueDate(terminationDate);
  return {
    code: 'final-wages-must-not-be-held',
    severity: 'error',
    dueDate,
    zh: `离职工资必须在解除或终止劳动合同之日（${dueDate}）一次付清，不得因交接未完成、员工过错或争议而扣押（《工资支付暂行规定》第九条）。扣押工资经劳动行政部门责令后仍不支付的，须加付应付金额50%–100%的赔偿金（《劳动合同法》第八十五条）。可以等交接完成再支付的是经济补偿；员工造成的损失只能通过扣款流程按每月不超过20%、且不低于最低工资的标准扣除。`,
    en: `Final wages must be paid in full on the termination date (${dueDate}) and may not be held for an open handover, misconduct or a dispute (Wage Payment Provisions art. 9). If the labor bureau orders payment and it is still not made, an extra 50%–100% is owed (Labor Contract Law art. 85). Only economic compensation may wait for the handover; losses the employee caused can only be deducted through the deduction workflow, at most 20% a month and never below the minimum wage.`,
    law: ['wage-payment-9', 'labor-contract-85', 'labor-contract-50', 'wage-payment-16'],
  };
}

/**
 * 月计薪天数 (劳社部发〔2008〕3号): (365 − 104 rest days) ÷ 12 = 21.75 paid days a month, statutory holidays
 * included. A day's wage is the monthly wage ÷ 21.75.
 */
export const PAID_DAYS_PER_MONTH = 21.75;

export const FinalWageInput = z.object({
  monthlySalaryFen: Fen,
  /** Paid days (计薪天数) in the final month, in half days. */
  paidDays: z.number().nonnegative().max(31).multipleOf(0.5),
});

/**
 * What is owed for the final month: monthly wage ÷ 21.75 × paid days, rounded to the fen, and never more than
 * the monthly wage (a month worked through to its end is paid as a whole month, even when it had more than
 * 21.75 paid days). Earlier months still unpaid, overtime and untaken annual leave are not in it: HR adds them
 * by adjusting the amount, with the reason.
 */
export function finalWageFen(input: z.input<typeof FinalWageInput>): number {
  const { monthlySalaryFen, paidDays } = FinalWageInput.parse(input);
  return Math.min(monthlySalaryFen, Math.round((monthlySalaryFen * paidDays) / PAID_DAYS_PER_MONTH));
}

export type FinalMonthPaidDays = {
  /** The 1st of the termination month, or the hire date when later. */
  from: string;
  to: string;
  /** Days the person's week works (and 调休 make-up workdays), holidays excluded. */
  workingDays: number;
  /** 法定节假日 in the period: paid although not worked. */
  statutoryHolidays: number;
  paidDays: number;
};

/**
 * Paid days of the final month as the calendar on file gives them: every day the person's schedule works (a
 * fixed shift's week with the 调休 make-up workdays, or a rotation's cycle; Monday to Friday when nothing is
 * on file) from the 1st of the month (or the hire date) to the termination date, plus the statutory holidays
 * in it (paid, 21.75 counts them). Leave without pay and absences are not known here; HR adjusts the figure,
 * with the reason.
 */
export function finalMonthPaidDays(input: { terminationDate: string; hireDate: string; schedule?: Pick<WorkSchedule, 'kindOn'> | null; calendar: WorkCalendar }): FinalMonthPaidDays {
  const to = LocalDate.parse(input.terminationDate);
  const monthStart = `${to.slice(0, 8)}01`;
  const from = LocalDate.parse(input.hireDate) > monthStart ? input.hireDate : monthStart;
  const kindOn = input.schedule ? (date: string) => input.schedule!.kindOn(input.calendar, date) : (date: string) => dayKind(input.calendar, date, MONDAY_TO_FRIDAY);
  let workingDays = 0;
  let statutoryHolidays = 0;
  for (let day = Number(from.slice(8, 10)); from <= to && day <= Number(to.slice(8, 10)); day++) {
    const date = `${to.slice(0, 8)}${String(day).padStart(2, '0')}`;
    const kind = kindOn(date);
    if (kind === 'workday' || kind === 'makeup_workday') workingDays++;
    else if (kind === 'public_holiday' && input.calendar.entries.get(date)?.statutory) statutoryHolidays++;
  }
  return { from, to, workingDays, statutoryHolidays, paidDays: workingDays + statutoryHolidays };
}

export const CompensationInput = z.object({
  startDate: LocalDate,
  terminationDate: LocalDate,
  /** Average monthly wage of the 12 months before termination (fewer if employed less than 12 months). */
  averageMonthlyWageFen: Fen,
  /** 上年度职工月平均工资 published by the city (直辖市/设区的市). */
  localAverageMonthlyWageFen: Fen.positive(),
  /** When given, the wage used is never below it (实施条例 第二十七条). */
  localMinimumWageFen: Fen.optional(),
});

export type CompensationResult = {
  fullYears: number;
  remainderMonths: number;
  /** Months of wage owed, in halves: 0.5, 1, 1.5 … */
  months: number;
  monthlyWageUsedFen: number;
  capped: boolean;
  amountFen: number;
  notes: string[];
};

/**
 * Economic compensation under 劳动合同法 第四十七条.
 *
 * Assumptions (documented in README): service is counted in whole calendar months from the start date to the
 * termination date (a month is complete on the same day-of-month, clamped to month end); "六个月以上" means a
 * remainder of at least 6 whole months, which counts as a full year, and any shorter remainder (including a
 * few days) is half a month. When the wage exceeds three times the local average monthly wage, the wage is
 * capped at three times that and the years at twelve. Service before 2008-01-01 followed older rules and is
 * flagged, not computed differently. Whether compensation is owed at all depends on the reason for leaving
 * (none for a 第三十九条 dismissal); that is the caller's decision.
 */
export function economicCompensation(input: z.input<typeof CompensationInput>): CompensationResult {
  const i = CompensationInput.parse(input);
  if (i.terminationDate < i.startDate) throw new RangeError('terminationDate is before startDate');
  const totalMonths = wholeMonthsBetween(i.startDate, i.terminationDate);
  const fullYears = Math.floor(totalMonths / 12);
  const remainderMonths = totalMonths % 12;
  const leftover = remainderMonths > 0 || !isMonthAnniversary(i.startDate, i.terminationDate);
  const remainderCredit = remainderMonths >= 6 ? 1 : leftover ? 0.5 : 0;
  let months = fullYears + remainderCredit;
  const notes: string[] = [];
  let wage = i.averageMonthlyWageFen;
  if (i.localMinimumWageFen !== undefined && wage < i.localMinimumWageFen) {
    wage = i.localMinimumWageFen;
    notes.push('average wage below the local minimum wage: the minimum wage is used (实施条例第二十七条)');
  }
  const cap = 3 * i.localAverageMonthlyWageFen;
  const capped = wage > cap;
  if (capped) {
    wage = cap;
    if (months > 12) months = 12;
    notes.push('wage above 3x the local average monthly wage: capped at 3x and at most 12 years (第四十七条)');
  }
  if (i.startDate < '2008-01-01') notes.push('service before 2008-01-01 followed the pre-2008 rules; have it checked');
  return { fullYears, remainderMonths, months, monthlyWageUsedFen: wage, capped, amountFen: Math.round(months * wage), notes };
}

function parts(date: string): [number, number, number] {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return [y, m, d];
}

function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** Whole calendar months from `a` to `b`: a month is complete on the same day-of-month (clamped to month end). */
export function wholeMonthsBetween(a: string, b: string): number {
  const [ya, ma, da] = parts(a);
  const [yb, mb, db] = parts(b);
  let months = (yb - ya) * 12 + (mb - ma);
  const anniversaryDay = Math.min(da, daysInMonth(yb, mb));
  if (db < anniversaryDay) months -= 1;
  return Math.max(0, months);
}

/** Whether `b` falls on a monthly anniversary of `a` (no days left over beyond whole months). */
function isMonthAnniversary(a: string, b: string): boolean {
  const [, , da] = parts(a);
  const [yb, mb, db] = parts(b);
  return Math.min(da, daysInMonth(yb, mb)) === db;
}

/** The money side of an offboarding case, for the screen's summary (see offboardingMoney in case-money.ts). */
export type OffboardingMoney = {
  finalWages: {
    dueDate: string | null;
    paid: boolean;
    overdue: boolean;
    warning: WageHoldWarning | null;
    /** The final wage computed for the termination date now on file (null: not yet, or for another date). */
    computed: FinalWageFact | null;
  };
  compensation: { released: boolean; skipped: boolean; releasable: boolean; waitingFor: string[]; computed: CompensationFact | null };
};
