import { dayKind, type DayKind, type WorkCalendar } from '../calendar/holiday-calendar.ts';
import type { Rotation, Shift } from '../schemas/attendance-setup.ts';
import { addDays, instantOf, isoWeekday, localDateOf } from '../time.ts';
import { shiftDayOf, type ShiftDay } from './shift-day.ts';

/**
 * What an employee is scheduled to work, date by date. `Employee.shiftId` names either a fixed shift (the
 * same hours on the shift's weekdays) or a rotation (倒班: a cycle of shifts and rest days, see Rotation).
 *
 * Every date gets hours, also a rotation's rest day: it keeps the hours of the last worked slot before it,
 * so punches on a day off still fall into a window (and show as overtime) just as on a fixed shift's
 * weekend.
 *
 * Which punches belong to which date: with a fixed shift, shift-day.ts's rule (the gap between one day's end
 * and the next day's start is split in the middle). On a rotation the neighbours can have other hours (two
 * day shifts, then two nights, then days off), so each boundary is computed from the two dates it separates
 * (see `boundary`). Consecutive windows share their boundary, so each punch still belongs to exactly one
 * date. Back-to-back shifts without a break (a night ending at 08:00 followed by a day shift starting at
 * 08:00) meet exactly at the handover; rotations in practice have rest between them.
 */
export interface WorkSchedule {
  /** The id the employee is assigned: a shift's or a rotation's. */
  readonly id: string;
  readonly name: string;
  readonly kind: 'shift' | 'rotation';
  /** The hours of the date, and whether the schedule itself works it (before the national calendar). */
  planOn(date: string): { shift: Shift; works: boolean };
  /** What the date is for this schedule once the national calendar is applied. */
  kindOn(calendar: WorkCalendar, date: string): DayKind;
}

/** A date laid out on the timeline with the shift whose hours it has. */
export interface ScheduledDay extends ShiftDay {
  shift: Shift;
}

export function fixedSchedule(shift: Shift): WorkSchedule {
  return {
    id: shift.id,
    name: shift.name,
    kind: 'shift',
    planOn: (date) => ({ shift, works: shift.workDays.includes(isoWeekday(date)) }),
    kindOn: (calendar, date) => dayKind(calendar, date, shift),
  };
}

/** Null when the pattern names a shift that is not on file (the schedule cannot be judged). */
export function rotationSchedule(rotation: Rotation, shifts: ReadonlyMap<string, Shift>): WorkSchedule | null {
  const slots = rotation.pattern.map((id) => (id === null ? null : (shifts.get(id) ?? undefined)));
  if (slots.some((s) => s === undefined)) return null;
  const n = slots.length;
  // A rest slot's hours: the last worked slot before it, going round the cycle (the pattern has one).
  const hours: Shift[] = slots.map((_, i) => {
    for (let back = 0; back < n; back++) {
      const s = slots[(i - back + n) % n];
      if (s) return s;
    }
    throw new RangeError(`rotation ${rotation.id} has no working day`);
  });
  const anchor = instantOf(rotation.anchorDate);
  const slotOf = (date: string) => {
    const days = Math.round((instantOf(date) - anchor) / DAY_MS);
    return ((days % n) + n) % n;
  };
  return {
    id: rotation.id,
    name: rotation.name,
    kind: 'rotation',
    planOn: (date) => {
      const i = slotOf(date);
      return { shift: hours[i]!, works: slots[i] !== null };
    },
    kindOn: (calendar, date) => {
      if (rotation.observesPublicHolidays && calendar.entries.get(date)?.kind === 'public_holiday') return 'public_holiday';
      return slots[slotOf(date)] !== null ? 'workday' : 'rest_day';
    },
  };
}

/** Looks up employees' schedules by the id they are assigned; built once per computation. */
export function scheduleLookup(shifts: readonly Shift[], rotations: readonly Rotation[] = []): (id: string | null) => WorkSchedule | null {
  const shiftById = new Map(shifts.map((s) => [s.id, s]));
  const schedules = new Map<string, WorkSchedule | null>();
  for (const s of shifts) schedules.set(s.id, fixedSchedule(s));
  for (const r of rotations) if (!schedules.has(r.id)) schedules.set(r.id, rotationSchedule(r, shiftById));
  return (id) => (id === null ? null : (schedules.get(id) ?? null));
}

const DAY_MS = 86_400_000;

// The neighbours' hours decide a rotation day's window; the result is a fact about those hours and the date,
// kept in a small bounded memo like shiftDayOf's (a month for thousands of employees asks the same few).
const memo = new Map<string, Readonly<ScheduledDay>>();
const MEMO_LIMIT = 20_000;

export function scheduledDayOf(schedule: WorkSchedule, date: string): Readonly<ScheduledDay> {
  const own = schedule.planOn(date);
  if (schedule.kind === 'shift') return withShift(shiftDayOf(own.shift, date), own.shift);
  const prevDate = addDays(date, -1);
  const nextDate = addDays(date, 1);
  const prev = schedule.planOn(prevDate);
  const next = schedule.planOn(nextDate);
  const sig = (p: { shift: Shift; works: boolean }) => `${p.shift.start}-${p.shift.end}${p.works ? '' : 'r'}`;
  const key = `${sig(prev)}|${own.shift.id}|${sig(own)}|${sig(next)}|${date}`;
  let day = memo.get(key);
  if (!day) {
    if (memo.size >= MEMO_LIMIT) memo.clear();
    const laid = shiftDayOf(own.shift, date);
    const windowStart = boundary({ ...prev, day: shiftDayOf(prev.shift, prevDate) }, { ...own, day: laid }, date);
    const windowEnd = boundary({ ...own, day: laid }, { ...next, day: shiftDayOf(next.shift, nextDate) }, nextDate);
    day = Object.freeze({ ...laid, shift: own.shift, windowStart, windowEnd });
    memo.set(key, day);
  }
  return day;
}

/**
 * Where one rotation date's punches end and the next date's begin. Two worked dates split the time between
 * them in the middle. A worked date next to a day off keeps the window it would have on a fixed shift (half
 * the gap to its own next start), so a night shift's clock-out the morning after still belongs to the night,
 * and a day off never takes the clock-in of the shift after it. Two days off meet at midnight.
 */
function boundary(a: { works: boolean; day: ShiftDay }, b: { works: boolean; day: ShiftDay }, bDate: string): number {
  if (a.works && b.works) return midpoint(a.day.end, b.day.start);
  if (a.works) return a.day.windowEnd;
  if (b.works) return b.day.windowStart;
  return instantOf(bDate);
}

/** The scheduled date whose punch window holds the instant. */
export function scheduledDayAt(schedule: WorkSchedule, at: number): Readonly<ScheduledDay> {
  const local = localDateOf(at);
  const candidates = [local, addDays(local, -1), addDays(local, 1)].map((date) => scheduledDayOf(schedule, date));
  const holding = candidates.find((d) => at >= d.windowStart && at < d.windowEnd);
  if (holding) return holding;
  // Only an odd pattern (a shift that starts before its predecessor ends) leaves a gap: take the nearest start.
  return candidates.reduce((a, b) => (Math.abs(b.start - at) < Math.abs(a.start - at) ? b : a));
}

const shiftDays = new WeakMap<Readonly<ShiftDay>, Readonly<ScheduledDay>>();
function withShift(day: Readonly<ShiftDay>, shift: Shift): Readonly<ScheduledDay> {
  let scheduled = shiftDays.get(day);
  if (!scheduled || scheduled.shift !== shift) {
    scheduled = Object.freeze({ ...day, shift });
    shiftDays.set(day, scheduled);
  }
  return scheduled;
}

function midpoint(a: number, b: number): number {
  return a + Math.floor((b - a) / 2);
}


/** The schedule's next `count` dates from `from`, as HR checks a rotation before saving it. */
export function planDays(schedule: WorkSchedule, calendar: WorkCalendar, from: string, count: number): { date: string; shift: Shift; works: boolean; kind: DayKind }[] {
  const days = [];
  for (let i = 0, date = from; i < count; i++, date = addDays(date, 1)) days.push({ date, ...schedule.planOn(date), kind: schedule.kindOn(calendar, date) });
  return days;
}
