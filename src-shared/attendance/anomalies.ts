import { isWorkingDay, type WorkCalendar } from '../calendar/holiday-calendar.ts';
import type { Rotation, Shift } from '../schemas/attendance-setup.ts';
import type { Employee } from '../schemas/employee.ts';
import type { LeaveRequest, PunchCorrection } from '../schemas/leave.ts';
import type { Site } from '../schemas/org.ts';
import type { Punch } from '../schemas/punch.ts';
import { correctsDate, groupPunchesByEmployee } from './daily-attendance.ts';
import { approvedLeaveOn } from './leave-coverage.ts';
import { shiftMidpoint } from './shift-day.ts';
import { scheduledDayAt, scheduleLookup } from './work-schedule.ts';

/**
 * The attendance anomaly rule (story 1): once the expected start + the shift's grace (+ the site's alert
 * delay) has passed on a working day and the employee has not punched and has no approved leave for that
 * part of the day, the absence is an anomaly and the escalation chain starts. A site can switch the rule
 * off for its people.
 *
 * The rule looks at the scheduled day whose punch window holds `now` (see work-schedule.ts), so a night shift's
 * anomaly at 20:05 belongs to the evening it starts, and stays raised until that window closes. With the
 * morning off (half-day leave) the expected start is the shift's midpoint. Any punch in the window up to
 * `now` (or an approved added punch) clears it, as does an approved excuse. The anomaly id is
 * deterministic, so evaluating the rule every minute, or on several terminals, raises each anomaly once.
 */

export const DEFAULT_ESCALATION_WINDOW_MINUTES = 120;

export interface AttendanceAnomaly {
  id: string;
  employeeId: string;
  siteId: string;
  shiftId: string;
  date: string;
  /** When the employee was expected, and when the grace ran out (the anomaly's own time, not `now`). */
  expectedAt: number;
  detectedAt: number;
  escalationWindowMinutes: number;
}

export function anomalyId(employeeId: string, date: string): string {
  return `anomaly|${employeeId}|${date}`;
}

export interface FindAnomaliesInput {
  employees: readonly Pick<Employee, 'id' | 'siteId' | 'shiftId' | 'devicePin' | 'status' | 'hireDate'>[];
  shifts: readonly Shift[];
  /** Rotations (倒班) employees may be assigned instead of a fixed shift. */
  rotations?: readonly Rotation[];
  punches: readonly Pick<Punch, 'id' | 'at' | 'employeeId' | 'pin'>[];
  leaves: readonly LeaveRequest[];
  corrections?: readonly PunchCorrection[];
  calendar: WorkCalendar;
  sites?: readonly Pick<Site, 'id' | 'escalationWindowMinutes' | 'missedPunchAlerts' | 'alertDelayMinutes'>[];
  /** Employees already being followed up (an escalation or lost-contact case is running). */
  skipEmployeeIds?: ReadonlySet<string>;
  now: number;
}

export function findAnomalies(input: FindAnomaliesInput): AttendanceAnomaly[] {
  const scheduleOf = scheduleLookup(input.shifts, input.rotations);
  const sites = new Map((input.sites ?? []).map((s) => [s.id, s]));
  const { byEmployee } = groupPunchesByEmployee(input.employees, input.punches);
  const leavesBy = groupBy(input.leaves, (l) => l.employeeId);
  const correctionsBy = groupBy(input.corrections ?? [], (c) => c.employeeId);
  const anomalies: AttendanceAnomaly[] = [];

  for (const e of input.employees) {
    const site = sites.get(e.siteId);
    if (e.status === 'terminated' || e.shiftId === null || input.skipEmployeeIds?.has(e.id) || site?.missedPunchAlerts === false) continue;
    const schedule = scheduleOf(e.shiftId);
    if (!schedule) continue;
    const day = scheduledDayAt(schedule, input.now);
    const shift = day.shift;
    if (day.date < e.hireDate || !isWorkingDay(schedule.kindOn(input.calendar, day.date))) continue;
    const leave = approvedLeaveOn(leavesBy.get(e.id) ?? [], day.date);
    if (leave.halves === 'full') continue;
    const expectedAt = leave.halves === 'am' ? shiftMidpoint(day) : day.start;
    const detectedAt = expectedAt + (shift.graceMinutes + (site?.alertDelayMinutes ?? 0)) * 60_000;
    if (input.now < detectedAt) continue;

    const corrections = (correctionsBy.get(e.id) ?? []).filter((c) => c.status === 'approved' && correctsDate(c, day.date));
    if (corrections.some((c) => c.action === 'excuse_absence')) continue;
    const voided = new Set(corrections.filter((c) => c.action === 'void_punch').map((c) => c.punchId));
    const punched =
      (byEmployee.get(e.id) ?? []).some((p) => p.at >= day.windowStart && p.at <= input.now && !voided.has(p.id)) ||
      corrections.some((c) => c.action === 'add_punch' && c.at !== null && c.at >= day.windowStart && c.at <= input.now);
    if (punched) continue;

    anomalies.push({
      id: anomalyId(e.id, day.date),
      employeeId: e.id,
      siteId: e.siteId,
      shiftId: shift.id,
      date: day.date,
      expectedAt,
      detectedAt,
      escalationWindowMinutes: site?.escalationWindowMinutes ?? DEFAULT_ESCALATION_WINDOW_MINUTES,
    });
  }
  return anomalies;
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    let list = map.get(k);
    if (!list) map.set(k, (list = []));
    list.push(item);
  }
  return map;
}
