import { monthRange, summarizeDepartments, type DepartmentMonthSummary, type EmployeeMonthSummary } from '#shared/attendance/attendance-summary';
import { groupPunchesByEmployee } from '#shared/attendance/daily-attendance';
import type { Punch } from '#shared/schemas/punch';
import type { RequestDoc } from '#shared/schemas/leave';
import { mergeDailyTrends, monthDailyTrend, monthTrendPoint, type MonthTrendPoint, type TrendDay } from '#shared/attendance/attendance-trend';
import { computeRows, monthSummaries, type AttendanceSources } from './attendance-rows.ts';

/**
 * One month of the attendance trend for the employees in `src`, through the same computation as the
 * monthly summary tab (monthSummaries), so the two always agree.
 *
 * Six months for a plant of 10,000 people is seconds of work. It runs in slices of employees with a pause
 * between them (the caller's `pause` yields to the browser), so the page keeps answering clicks and the
 * caller can drop a month nobody looks at any more (`cancelled`) between slices. Each slice is sized from
 * the speed of the ones before so that it takes about `sliceMs`, whatever the machine.
 *
 * Slicing changes nothing in the result: punches are matched to employees once over the whole scope (so a
 * slice sees exactly its employees' punches, as the whole would), and department summaries are folded from
 * all employees' month summaries at the end.
 */
export const TREND_SLICE_MS = 40;
const FIRST_SLICE = 50;

export interface MonthTrend {
  month: string;
  point: MonthTrendPoint;
  departments: DepartmentMonthSummary[];
  /** Per date of the month; only computed for the month being looked at. */
  daily: TrendDay[] | null;
  /** The clock the month was computed at. */
  now: number;
}

export interface TrendRun {
  daily: boolean;
  pause: () => Promise<void>;
  cancelled?: () => boolean;
  sliceMs?: number;
}

/** Null when cancelled. */
export async function computeMonthTrend(src: AttendanceSources, month: string, run: TrendRun): Promise<MonthTrend | null> {
  const { from, to } = monthRange(month);
  const budget = run.sliceMs ?? TREND_SLICE_MS;
  const { byEmployee } = groupPunchesByEmployee(src.employees, src.punches);
  const requestsBy = new Map<string, RequestDoc[]>();
  for (const r of src.requests) {
    const list = requestsBy.get(r.employeeId);
    if (list) list.push(r);
    else requestsBy.set(r.employeeId, [r]);
  }
  const summaries: EmployeeMonthSummary[] = [];
  let daily: TrendDay[] | null = run.daily ? monthDailyTrend([], month, src.now) : null;
  let size = FIRST_SLICE;
  for (let next = 0; next < src.employees.length; ) {
    await run.pause();
    if (run.cancelled?.()) return null;
    const started = performance.now();
    const employees = src.employees.slice(next, next + size);
    next += employees.length;
    const part: AttendanceSources = {
      ...src,
      employees,
      punches: employees.flatMap((e): Punch[] => byEmployee.get(e.id) ?? []),
      requests: employees.flatMap((e) => requestsBy.get(e.id) ?? []),
    };
    summaries.push(...monthSummaries(part, month).employees);
    if (daily) {
      const days = computeRows(part, from, to).flatMap((r) => (r.day ? [r.day] : []));
      daily = mergeDailyTrends(daily, monthDailyTrend(days, month, src.now));
    }
    const perEmployee = (performance.now() - started) / employees.length;
    size = Math.max(1, Math.min(5_000, Math.round(budget / Math.max(perEmployee, 1e-3))));
  }
  const departments = summarizeDepartments(summaries);
  return { month, point: monthTrendPoint(month, departments), departments, daily, now: src.now };
}

/**
 * A short fingerprint of what a month's trend is computed from, for the memo: the same inputs give the same
 * trend, so switching tabs or scopes back and forth reuses it. Collections are fingerprinted by id and
 * updatedAt (every change to a record moves its updatedAt); the settings (shifts, rotations, calendar) by
 * their content.
 */
export function fingerprint(...parts: unknown[]): string {
  let h = 0x811c9dc5;
  let length = 0;
  const add = (s: string) => {
    length += s.length;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  };
  const walk = (v: unknown): void => {
    if (v instanceof Map) for (const [k, x] of v) (add(`${String(k)}=`), walk(x));
    else if (v instanceof Set) for (const x of v) (add(','), walk(x));
    else if (Array.isArray(v)) for (const x of v) (add('['), walk(x));
    else if (v !== null && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      // Stored records: their id and updatedAt say everything.
      if (typeof o.id === 'string' && typeof o.updatedAt === 'number') add(`${o.id}@${o.updatedAt}`);
      else for (const k of Object.keys(o).sort()) (add(`${k}:`), walk(o[k]));
    } else add(String(v));
  };
  for (const p of parts) (add('|'), walk(p));
  return `${(h >>> 0).toString(36)}.${length.toString(36)}`;
}
