import { addDays } from '../time.ts';
import { ATTENDANCE_STATUSES, type AttendanceDay, type AttendanceStatus } from './attendance-day.ts';

/**
 * Summaries are plain folds over computed days, so they agree with the day records by construction:
 * a month per employee, the employees of a department added up, and per-day counts over a range (trend).
 */

export type StatusCounts = Record<AttendanceStatus, number>;

export function emptyCounts(): StatusCounts {
  return Object.fromEntries(ATTENDANCE_STATUSES.map((s) => [s, 0])) as StatusCounts;
}

export interface AttendanceTotals {
  counts: StatusCounts;
  /** Days the calendar and shift expected work (workdays and make-up workdays). */
  scheduledDays: number;
  lateMinutes: number;
  earlyMinutes: number;
  workedMinutes: number;
  /** Minutes worked on rest days and public holidays (overtime evidence, paid at a different rate). */
  restDayWorkedMinutes: number;
  holidayWorkedMinutes: number;
}

export interface EmployeeMonthSummary extends AttendanceTotals {
  employeeId: string;
  departmentId: string;
  /** YYYY-MM */
  month: string;
}

export interface DepartmentMonthSummary extends AttendanceTotals {
  departmentId: string;
  month: string;
  employees: number;
}

function emptyTotals(): AttendanceTotals {
  return { counts: emptyCounts(), scheduledDays: 0, lateMinutes: 0, earlyMinutes: 0, workedMinutes: 0, restDayWorkedMinutes: 0, holidayWorkedMinutes: 0 };
}

function addDay(t: AttendanceTotals, d: AttendanceDay): void {
  t.counts[d.status] += 1;
  if (d.dayKind === 'workday' || d.dayKind === 'makeup_workday') t.scheduledDays += 1;
  t.lateMinutes += d.lateMinutes;
  t.earlyMinutes += d.earlyMinutes;
  t.workedMinutes += d.workedMinutes;
  if (d.dayKind === 'rest_day') t.restDayWorkedMinutes += d.workedMinutes;
  if (d.dayKind === 'public_holiday') t.holidayWorkedMinutes += d.workedMinutes;
}

function addTotals(into: AttendanceTotals, t: AttendanceTotals): void {
  for (const s of ATTENDANCE_STATUSES) into.counts[s] += t.counts[s];
  into.scheduledDays += t.scheduledDays;
  into.lateMinutes += t.lateMinutes;
  into.earlyMinutes += t.earlyMinutes;
  into.workedMinutes += t.workedMinutes;
  into.restDayWorkedMinutes += t.restDayWorkedMinutes;
  into.holidayWorkedMinutes += t.holidayWorkedMinutes;
}

/** The first and last date of a month given as YYYY-MM. */
export function monthRange(month: string): { from: string; to: string } {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new RangeError(`not a month: ${month}`);
  const [y, m] = month.split('-').map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
  return { from: `${month}-01`, to: addDays(next, -1) };
}

/** One employee's month; days outside the month are left out (the month cut is by shift date). */
export function summarizeEmployeeMonth(employee: { id: string; departmentId: string }, month: string, days: readonly AttendanceDay[]): EmployeeMonthSummary {
  const totals = emptyTotals();
  for (const d of days) if (d.employeeId === employee.id && d.date.startsWith(`${month}-`)) addDay(totals, d);
  return { employeeId: employee.id, departmentId: employee.departmentId, month, ...totals };
}

export function summarizeDepartments(summaries: readonly EmployeeMonthSummary[]): DepartmentMonthSummary[] {
  const byKey = new Map<string, DepartmentMonthSummary>();
  for (const s of summaries) {
    const key = `${s.departmentId}|${s.month}`;
    let dep = byKey.get(key);
    if (!dep) byKey.set(key, (dep = { departmentId: s.departmentId, month: s.month, employees: 0, ...emptyTotals() }));
    dep.employees += 1;
    addTotals(dep, s);
  }
  return [...byKey.values()].sort((a, b) => (a.departmentId < b.departmentId ? -1 : a.departmentId > b.departmentId ? 1 : a.month < b.month ? -1 : 1));
}

/** Per-day status counts from `from` to `to` inclusive, every date present (zeros where nothing happened). */
export function dailyTrend(days: readonly AttendanceDay[], from: string, to: string): { date: string; counts: StatusCounts }[] {
  const byDate = new Map<string, StatusCounts>();
  for (let date = from; date <= to; date = addDays(date, 1)) byDate.set(date, emptyCounts());
  for (const d of days) {
    const c = byDate.get(d.date);
    if (c) c[d.status] += 1;
  }
  return [...byDate].map(([date, counts]) => ({ date, counts }));
}
