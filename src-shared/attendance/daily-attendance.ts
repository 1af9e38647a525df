import { holidayOn, isWorkingDay, type WorkCalendar } from '../calendar/holiday-calendar.ts';
import type { LeaveRequest, PunchCorrection } from '../schemas/leave.ts';
import type { Punch } from '../schemas/punch.ts';
import { addDays } from '../time.ts';
import { attendanceDayId, type AttendanceDay, type AttendanceStatus } from './attendance-day.ts';
import { approvedLeaveOn } from './leave-coverage.ts';
import { shiftMidpoint } from './shift-day.ts';
import { scheduledDayOf, type WorkSchedule } from './work-schedule.ts';

/**
 * Daily attendance, the model:
 *
 * 1. The day: the employee's schedule (a fixed shift or a rotation, see work-schedule.ts) gives the date its
 *    shift, laid on the date (a night shift belongs to the day it starts; the gap between consecutive
 *    shifts is split in the middle, so each punch belongs to exactly one day). The schedule and the national
 *    calendar say whether the date is worked (workday, 调休 make-up workday) or not (rest day, public
 *    holiday); the shift's grace applies to the start only.
 * 2. Leave: approved leave covering the whole day makes it `on_leave`. Half-day leave moves the expected
 *    start (morning off) or end (afternoon off) to the shift's midpoint; lunch breaks are not modelled.
 * 3. Punches: the day's window holds the raw punches plus approved `add_punch` corrections, minus punches
 *    voided by an approved `void_punch` correction (raw punches themselves are never changed). Punches
 *    less than a minute after the previous one are the same clock-in seen by two devices (or a double tap):
 *    only the first counts. The first punch before the middle of the expected period is the clock-in, the
 *    last punch from the middle on is the clock-out; punches in between are kept as evidence only. On a
 *    day off the first and last punch are taken as they are.
 * 4. Status on a worked day: no punch at all -> `absent`, or `absent_contact_pending` while a lost-contact
 *    case is open (never absenteeism by itself), or `excused` once HR explained it with a correction;
 *    only one of in/out -> `missing_punch`; in after start + grace -> `late` (late minutes counted from the
 *    start, a punch exactly at start + grace is on time); out before the end -> `early_leave`; else `present`.
 *    Minutes are whole minutes, any started minute counting for late/early and only full minutes worked.
 * 5. On a rest day or holiday the status is `rest` / `holiday`; punches are still read so worked minutes
 *    show overtime.
 */

export const DUPLICATE_PUNCH_MS = 60_000;
const MINUTE = 60_000;

export interface PunchMark {
  id: string;
  at: number;
}

export interface EmployeeAttendanceInputs {
  employeeId: string;
  schedule: WorkSchedule;
  calendar: WorkCalendar;
  /** The employee's punches, in any order and over any range; each day reads only its own window. */
  punches: readonly Pick<Punch, 'id' | 'at'>[];
  /** The employee's leave requests; only approved ones count. */
  leaves: readonly LeaveRequest[];
  /** The employee's punch corrections; only approved ones count. */
  corrections: readonly PunchCorrection[];
  /** Dates on which a lost-contact case for the employee was open. */
  contactPendingDates?: ReadonlySet<string>;
  now: number;
}

export function computeAttendanceDay(inputs: EmployeeAttendanceInputs, date: string): AttendanceDay {
  return computeDay(inputs, sortPunches(inputs.punches), date);
}

/** Every day from `from` to `to` inclusive; sorts the punches once, so a month for thousands is cheap. */
export function computeAttendanceRange(inputs: EmployeeAttendanceInputs, from: string, to: string): AttendanceDay[] {
  const sorted = sortPunches(inputs.punches);
  const days: AttendanceDay[] = [];
  for (const date of datesBetween(from, to)) days.push(computeDay(inputs, sorted, date));
  return days;
}

let lastRange: { key: string; dates: string[] } | null = null;
/** The dates from..to inclusive; the last list is kept because a month is computed for many employees. */
function datesBetween(from: string, to: string): readonly string[] {
  const key = `${from}|${to}`;
  if (lastRange?.key !== key) {
    const dates: string[] = [];
    for (let date = from; date <= to; date = addDays(date, 1)) dates.push(date);
    lastRange = { key, dates };
  }
  return lastRange.dates;
}

function sortPunches(punches: readonly PunchMark[]): PunchMark[] {
  return [...punches].sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Index of the first punch at or after `at` (binary search over punches sorted by time). */
function firstAtOrAfter(sorted: readonly PunchMark[], at: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]!.at < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function computeDay(inputs: EmployeeAttendanceInputs, sorted: readonly PunchMark[], date: string): AttendanceDay {
  const { schedule, calendar, now } = inputs;
  const day = scheduledDayOf(schedule, date);
  const shift = day.shift;
  const kind = schedule.kindOn(calendar, date);
  const working = isWorkingDay(kind);
  const leave = working ? approvedLeaveOn(inputs.leaves, date) : { halves: 'none' as const, ids: [] };

  const corrections = inputs.corrections.filter((c) => c.status === 'approved' && correctsDate(c, date));
  const voided = new Set(corrections.filter((c) => c.action === 'void_punch').map((c) => c.punchId));
  const added: PunchMark[] = corrections
    .filter((c) => c.action === 'add_punch' && c.at !== null)
    .map((c) => ({ id: `correction:${c.id}`, at: c.at! }));
  const excused = corrections.some((c) => c.action === 'excuse_absence');

  // The window's punches, in time order, with corrections applied and duplicates collapsed.
  const inWindow: PunchMark[] = [];
  for (let i = firstAtOrAfter(sorted, day.windowStart); i < sorted.length && sorted[i]!.at < day.windowEnd; i++) inWindow.push(sorted[i]!);
  for (const a of added) if (a.at >= day.windowStart && a.at < day.windowEnd) inWindow.push(a);
  if (added.length > 0) inWindow.sort((a, b) => a.at - b.at);
  const used: PunchMark[] = [];
  const ignoredPunchIds: string[] = [];
  for (const p of inWindow) {
    const last = used[used.length - 1];
    if (voided.has(p.id) || (last && p.at - last.at < DUPLICATE_PUNCH_MS)) ignoredPunchIds.push(p.id);
    else used.push(p);
  }

  const mid = shiftMidpoint(day);
  const expectedStart = !working || leave.halves === 'full' ? null : leave.halves === 'am' ? mid : day.start;
  const expectedEnd = !working || leave.halves === 'full' ? null : leave.halves === 'pm' ? mid : day.end;
  // Split point between clock-in and clock-out: the middle of what was expected (of the shift on days off).
  const split = expectedStart !== null && expectedEnd !== null ? expectedStart + Math.floor((expectedEnd - expectedStart) / 2) : mid;
  const first = used[0];
  const last = used[used.length - 1];
  // On a day off there is no shift to measure against: the first and last punch bracket the time worked.
  const inP = first && (!working ? true : first.at < split) ? first : null;
  const outP = last && (!working ? last !== first : last.at >= split) ? last : null;

  let lateMinutes = 0;
  let earlyMinutes = 0;
  if (expectedStart !== null && inP && inP.at > expectedStart + shift.graceMinutes * MINUTE) lateMinutes = Math.ceil((inP.at - expectedStart) / MINUTE);
  if (expectedEnd !== null && outP && outP.at < expectedEnd) earlyMinutes = Math.ceil((expectedEnd - outP.at) / MINUTE);
  const workedMinutes = inP && outP ? Math.floor((outP.at - inP.at) / MINUTE) : 0;

  let status: AttendanceStatus;
  let missing: 'in' | 'out' | null = null;
  if (kind === 'public_holiday') status = 'holiday';
  else if (kind === 'rest_day') status = 'rest';
  else if (leave.halves === 'full') status = 'on_leave';
  else if (!inP && !outP) status = excused ? 'excused' : inputs.contactPendingDates?.has(date) ? 'absent_contact_pending' : 'absent';
  else if (!inP || !outP) {
    status = 'missing_punch';
    missing = inP ? 'out' : 'in';
  } else if (lateMinutes > 0) status = 'late';
  else if (earlyMinutes > 0) status = 'early_leave';
  else status = 'present';
  if (!working) missing = null;

  return {
    id: attendanceDayId(inputs.employeeId, date),
    employeeId: inputs.employeeId,
    date,
    shiftId: shift.id,
    dayKind: kind,
    holidayName: holidayOn(calendar, date)?.name ?? null,
    status,
    shiftStart: day.start,
    shiftEnd: day.end,
    expectedStart,
    expectedEnd,
    leave: leave.halves,
    leaveRequestIds: leave.ids,
    inAt: inP?.at ?? null,
    outAt: outP?.at ?? null,
    inPunchId: inP?.id ?? null,
    outPunchId: outP?.id ?? null,
    missing,
    usedPunchIds: used.map((p) => p.id),
    ignoredPunchIds,
    correctionIds: corrections.map((c) => c.id),
    lateMinutes,
    earlyMinutes,
    workedMinutes,
    complete: now >= day.windowEnd,
    updatedAt: now,
  };
}

/** Whether a correction applies to the day: its own date, or any day of an excused multi-day absence. */
export function correctsDate(c: Pick<PunchCorrection, 'date' | 'endDate'>, date: string): boolean {
  return c.endDate === undefined ? c.date === date : c.date <= date && date <= c.endDate;
}

/**
 * Punches carry the employee when the device user was matched; otherwise the device PIN is matched to the
 * employee's `devicePin` here. Unmatched punches are returned apart so HR can see them.
 */
export function groupPunchesByEmployee<P extends Pick<Punch, 'employeeId' | 'pin'>>(
  employees: readonly { id: string; devicePin: string }[],
  punches: readonly P[],
): { byEmployee: Map<string, P[]>; unmatched: P[] } {
  const byPin = new Map<string, string>();
  for (const e of employees) if (e.devicePin) byPin.set(e.devicePin, e.id);
  const known = new Set(employees.map((e) => e.id));
  const byEmployee = new Map<string, P[]>();
  const unmatched: P[] = [];
  for (const p of punches) {
    const id = p.employeeId !== null && known.has(p.employeeId) ? p.employeeId : p.employeeId === null ? byPin.get(p.pin) : undefined;
    if (id === undefined) {
      unmatched.push(p);
      continue;
    }
    let list = byEmployee.get(id);
    if (!list) byEmployee.set(id, (list = []));
    list.push(p);
  }
  return { byEmployee, unmatched };
}
