import { addDays, instantOf } from '../time.ts';
import type { AttendanceDay, AttendanceStatus } from './attendance-day.ts';
import { dailyTrend, monthRange, type AttendanceTotals, type DepartmentMonthSummary, type StatusCounts } from './attendance-summary.ts';

/**
 * Attendance trends, the model:
 *
 * - A day counts once its shift has ended, the monthly summary's rule: before that nobody is absent or late
 *   yet. A month in progress shows its settled days and says, per date, how many are still open.
 * - Per day of a month: how many people were absent, absent while a lost-contact case is open (待联系, kept
 *   apart because it is never absenteeism by itself), late, left early, missed a punch, were on leave; and
 *   how many were scheduled to work, so a count can be read against the day's headcount.
 * - Per month: the scope's department summaries added up, so the trend and the monthly summary tab always
 *   agree. Attendance rate = days attended / days due, where due is the scheduled workdays less approved
 *   leave and absences HR explained (excused), and attended is present, late, left early or a missing
 *   punch (they came; one punch is missing). A month with no day due has no rate (null), never 0 % or 100 %.
 * - A department is getting worse when its latest rate is below the average of its earlier months in the
 *   window: one bad month against a steady past, not noise between two neighbouring months.
 */

export const TREND_STATUSES = ['absent', 'absent_contact_pending', 'late', 'early_leave', 'missing_punch', 'on_leave'] as const satisfies readonly AttendanceStatus[];
export type TrendStatus = (typeof TREND_STATUSES)[number];
export type TrendCounts = Record<TrendStatus, number>;

const ATTENDED: readonly AttendanceStatus[] = ['present', 'late', 'early_leave', 'missing_punch'];
const NOT_DUE: readonly AttendanceStatus[] = ['on_leave', 'excused'];
const NOT_WORKED: readonly AttendanceStatus[] = ['rest', 'holiday'];

/** How many months the side-by-side view shows. */
export const TREND_MONTHS = 6;

/** A decline of at least this many percentage points against the earlier months' average flags a department. */
export const WORSE_BY_POINTS = 2;

export function emptyTrendCounts(): TrendCounts {
  return { absent: 0, absent_contact_pending: 0, late: 0, early_leave: 0, missing_punch: 0, on_leave: 0 };
}

function trendCountsOf(counts: StatusCounts): TrendCounts {
  const out = emptyTrendCounts();
  for (const s of TREND_STATUSES) out[s] = counts[s];
  return out;
}

export interface TrendDay {
  date: string;
  counts: TrendCounts;
  /** People scheduled to work that date whose shift has ended: those who could be late or absent. */
  scheduled: number;
  /** People whose shift of that date has not ended yet (counted nowhere above). */
  open: number;
}

/** Every date of `month` (YYYY-MM), counting only the days whose shift has ended by `now`. */
export function monthDailyTrend(days: readonly AttendanceDay[], month: string, now: number): TrendDay[] {
  const { from, to } = monthRange(month);
  const settled: AttendanceDay[] = [];
  const open = new Map<string, number>();
  for (const d of days) {
    if (d.shiftEnd <= now) settled.push(d);
    else open.set(d.date, (open.get(d.date) ?? 0) + 1);
  }
  return dailyTrend(settled, from, to).map(({ date, counts }) => {
    let scheduled = 0;
    for (const [status, n] of Object.entries(counts) as [AttendanceStatus, number][]) if (!NOT_WORKED.includes(status)) scheduled += n;
    return { date, counts: trendCountsOf(counts), scheduled, open: open.get(date) ?? 0 };
  });
}

/** Two daily trends of the same dates (two groups of people) added up. */
export function mergeDailyTrends(a: readonly TrendDay[], b: readonly TrendDay[]): TrendDay[] {
  if (a.length !== b.length || a.some((d, i) => d.date !== b[i]!.date)) throw new RangeError('daily trends of different dates');
  return a.map((d, i) => {
    const other = b[i]!;
    const counts = emptyTrendCounts();
    for (const s of TREND_STATUSES) counts[s] = d.counts[s] + other.counts[s];
    return { date: d.date, counts, scheduled: d.scheduled + other.scheduled, open: d.open + other.open };
  });
}

export interface AttendanceRate {
  dueDays: number;
  attendedDays: number;
  /** attended / due, 0..1; null when nothing was due. */
  rate: number | null;
}

export function attendanceRate(totals: Pick<AttendanceTotals, 'counts' | 'scheduledDays'>): AttendanceRate {
  let notDue = 0;
  for (const s of NOT_DUE) notDue += totals.counts[s];
  let attendedDays = 0;
  for (const s of ATTENDED) attendedDays += totals.counts[s];
  const dueDays = totals.scheduledDays - notDue;
  return { dueDays, attendedDays, rate: dueDays > 0 ? attendedDays / dueDays : null };
}

export interface MonthTrendPoint extends AttendanceRate {
  month: string;
  /** People with at least one settled day in the month. */
  employees: number;
  scheduledDays: number;
  counts: TrendCounts;
  lateMinutes: number;
}

/** One month of a scope: its departments' summaries (of that month; others are ignored) added up. */
export function monthTrendPoint(month: string, departments: readonly DepartmentMonthSummary[]): MonthTrendPoint {
  const counts = emptyTrendCounts();
  let employees = 0;
  let scheduledDays = 0;
  let lateMinutes = 0;
  let notDue = 0;
  let attended = 0;
  for (const d of departments) {
    if (d.month !== month) continue;
    employees += d.employees;
    scheduledDays += d.scheduledDays;
    lateMinutes += d.lateMinutes;
    for (const s of TREND_STATUSES) counts[s] += d.counts[s];
    for (const s of NOT_DUE) notDue += d.counts[s];
    for (const s of ATTENDED) attended += d.counts[s];
  }
  const dueDays = scheduledDays - notDue;
  return { month, employees, scheduledDays, counts, lateMinutes, dueDays, attendedDays: attended, rate: dueDays > 0 ? attended / dueDays : null };
}

/** Absences of either kind: 缺勤 and 待联系 (shown apart, counted together as days not worked). */
export function absencesOf(p: Pick<MonthTrendPoint, 'counts'>): number {
  return p.counts.absent + p.counts.absent_contact_pending;
}

/**
 * Whether every shift of `month` has ended by `now`, so its trend no longer changes with the clock (only with
 * the data): a night shift started on the last evening ends the next morning; a second day covers any shift.
 */
export function monthSettled(month: string, now: number): boolean {
  return now >= instantOf(addDays(monthRange(month).to, 2));
}

/** The `count` months ending with `month`, oldest first. */
export function trendMonths(month: string, count: number = TREND_MONTHS): string[] {
  monthRange(month); // validates
  const [y, m] = month.split('-').map(Number) as [number, number];
  const out: string[] = [];
  for (let i = count - 1; i >= 0; i--) {
    const index = y * 12 + (m - 1) - i;
    out.push(`${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`);
  }
  return out;
}

export interface MonthChange {
  /** Rate difference in percentage points; null when either month has no rate. */
  ratePoints: number | null;
  late: number;
  absences: number;
}

/** Each month against the one before it (null for the first). */
export function monthOverMonth(points: readonly MonthTrendPoint[]): (MonthChange | null)[] {
  return points.map((p, i) => {
    const prev = points[i - 1];
    if (!prev) return null;
    return {
      ratePoints: p.rate !== null && prev.rate !== null ? (p.rate - prev.rate) * 100 : null,
      late: p.counts.late - prev.counts.late,
      absences: absencesOf(p) - absencesOf(prev),
    };
  });
}

export interface DepartmentTrend {
  departmentId: string;
  /** One point per month of the window, in its order; null for a month the department had nobody. */
  points: (MonthTrendPoint | null)[];
  /** Latest rate against the average of the earlier rates, in percentage points; null without both. */
  change: number | null;
  worse: boolean;
}

/**
 * Departments side by side over `months`, the steepest decline first (departments without a change last,
 * then by id) so a department getting worse is at the top.
 */
export function departmentTrends(months: readonly string[], departments: readonly DepartmentMonthSummary[]): DepartmentTrend[] {
  const byDepartment = new Map<string, DepartmentMonthSummary[]>();
  for (const d of departments) byDepartment.set(d.departmentId, [...(byDepartment.get(d.departmentId) ?? []), d]);
  const rows = [...byDepartment].map(([departmentId, list]): DepartmentTrend => {
    const points = months.map((m) => (list.some((d) => d.month === m) ? monthTrendPoint(m, list) : null));
    const rates = points.map((p) => p?.rate ?? null);
    const latest = rates.at(-1) ?? null;
    const earlier = rates.slice(0, -1).filter((r): r is number => r !== null);
    const change = latest !== null && earlier.length > 0 ? (latest - earlier.reduce((a, b) => a + b, 0) / earlier.length) * 100 : null;
    return { departmentId, points, change, worse: change !== null && change <= -WORSE_BY_POINTS };
  });
  return rows.sort((a, b) => {
    if (a.change !== null && b.change !== null && a.change !== b.change) return a.change - b.change;
    if ((a.change === null) !== (b.change === null)) return a.change === null ? 1 : -1;
    return a.departmentId < b.departmentId ? -1 : a.departmentId > b.departmentId ? 1 : 0;
  });
}
