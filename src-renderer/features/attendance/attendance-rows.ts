import { computeAttendanceRange, groupPunchesByEmployee } from '#shared/attendance/daily-attendance';
import type { AttendanceDay } from '#shared/attendance/attendance-day';
import { summarizeDepartments, summarizeEmployeeMonth, monthRange, type DepartmentMonthSummary, type EmployeeMonthSummary } from '#shared/attendance/attendance-summary';
import type { WorkCalendar } from '#shared/calendar/holiday-calendar';
import { scheduleLookup, type WorkSchedule } from '#shared/attendance/work-schedule';
import type { Rotation, Shift } from '#shared/schemas/attendance-setup';
import type { Employee } from '#shared/schemas/employee';
import type { LeaveRequest, PunchCorrection, RequestDoc } from '#shared/schemas/leave';
import type { Punch } from '#shared/schemas/punch';
import { addDays, instantOf } from '#shared/time';

/**
 * The attendance screen's data, computed on the fly from what is stored: raw punches, leave requests and
 * punch corrections, run through the shared daily computation (src-shared/attendance). Nothing computed is
 * stored, so a late-arriving punch or a just-approved correction shows on the next render.
 *
 * Who is listed for a date: employees hired on or before it and not terminated. An employee without a
 * shift or rotation cannot be judged (no expected times), so the row says so instead of inventing a status.
 * `shift` is the day's shift (on a rotation it changes from day to day), `schedule` what the employee is
 * assigned.
 */
export type AttendanceRow = { employee: Employee; schedule: WorkSchedule | null; shift: Shift | null; day: AttendanceDay | null };

export interface AttendanceSources {
  employees: readonly Employee[];
  shifts: readonly Shift[];
  rotations?: readonly Rotation[];
  punches: readonly Punch[];
  requests: readonly RequestDoc[];
  calendar: WorkCalendar;
  contactPendingDates?: ReadonlyMap<string, ReadonlySet<string>>;
  now: number;
}

/**
 * The instants whose punches can belong to the days from..to: a night shift started the day before `from`
 * reaches into it, and one started on `to` runs into the next morning; a day either side covers both.
 */
export function punchRangeFor(from: string, to: string): { fromMs: number; toMs: number } {
  return { fromMs: instantOf(addDays(from, -1)), toMs: instantOf(addDays(to, 2)) };
}

export function employedOn(e: Employee, date: string): boolean {
  return e.status !== 'terminated' && e.hireDate <= date;
}

export function computeRows(src: AttendanceSources, from: string, to: string): AttendanceRow[] {
  const scheduleOf = scheduleLookup(src.shifts, src.rotations);
  const shiftById = new Map(src.shifts.map((s) => [s.id, s]));
  const { byEmployee } = groupPunchesByEmployee(src.employees, src.punches);
  const leaves = new Map<string, LeaveRequest[]>();
  const corrections = new Map<string, PunchCorrection[]>();
  const push = <T>(into: Map<string, T[]>, key: string, value: T) => into.set(key, [...(into.get(key) ?? []), value]);
  for (const r of src.requests) {
    if (r.kind === 'leave') push(leaves, r.employeeId, r);
    else push(corrections, r.employeeId, r);
  }
  const rows: AttendanceRow[] = [];
  for (const employee of src.employees) {
    if (!employedOn(employee, to)) continue;
    const schedule = scheduleOf(employee.shiftId);
    if (!schedule) {
      rows.push({ employee, schedule: null, shift: null, day: null });
      continue;
    }
    const days = computeAttendanceRange(
      {
        employeeId: employee.id,
        schedule,
        calendar: src.calendar,
        punches: byEmployee.get(employee.id) ?? [],
        leaves: leaves.get(employee.id) ?? [],
        corrections: corrections.get(employee.id) ?? [],
        contactPendingDates: src.contactPendingDates?.get(employee.id),
        now: src.now,
      },
      from,
      to,
    );
    for (const day of days) if (day.date >= employee.hireDate) rows.push({ employee, schedule, shift: shiftById.get(day.shiftId) ?? null, day });
  }
  return rows;
}

/**
 * How a row reads on screen. A day still under way is not judged yet: nobody is absent before their shift
 * has ended, and someone clocked in without a clock-out is on duty while the day's punch window is open
 * (they may be working overtime). Between the start (+ grace) and the end of the shift, someone without a
 * punch has not arrived: that is what the missed-punch alert is chasing, and the screen says so rather than
 * "not in yet". While a lost-contact case is open the day reads 待联系 at once.
 */
export type RowLabel =
  | AttendanceDay['status']
  | 'no_shift'
  | 'not_yet' // no punch yet, the shift has not started (or is inside its grace)
  | 'not_arrived' // no punch, past the start and grace, shift not over
  | 'on_duty'; // clocked in, punch window still open

export function rowLabel(row: AttendanceRow, now: number): RowLabel {
  const d = row.day;
  if (!d) return 'no_shift';
  if (d.status === 'absent' && now < d.shiftEnd) {
    const graceMs = (row.shift?.graceMinutes ?? 0) * 60_000;
    return d.expectedStart !== null && now > d.expectedStart + graceMs ? 'not_arrived' : 'not_yet';
  }
  if (d.status === 'missing_punch' && d.missing === 'out' && !d.complete) return 'on_duty';
  return d.status;
}

/** Per-employee and per-department totals for a month, over the days whose shift has ended by `now`. */
export function monthSummaries(src: AttendanceSources, month: string): { employees: (EmployeeMonthSummary & { employee: Employee })[]; departments: DepartmentMonthSummary[] } {
  const { from, to } = monthRange(month);
  const rows = computeRows(src, from, to);
  const daysByEmployee = new Map<string, AttendanceDay[]>();
  for (const r of rows) {
    // A month in progress counts only the days already over: tomorrow is nobody's absence yet.
    if (!r.day || r.day.shiftEnd > src.now) continue;
    const list = daysByEmployee.get(r.employee.id) ?? [];
    list.push(r.day);
    daysByEmployee.set(r.employee.id, list);
  }
  const employees = src.employees
    .filter((e) => daysByEmployee.has(e.id))
    .map((e) => ({ ...summarizeEmployeeMonth(e, month, daysByEmployee.get(e.id)!), employee: e }));
  return { employees, departments: summarizeDepartments(employees) };
}
