import type { Shift } from '../schemas/attendance-setup.ts';
import { addDays, instantOf, localDateOf } from '../time.ts';

const DAY_MS = 86_400_000;

/**
 * A shift laid on a calendar date. The shift belongs to the date it starts on; when `end` <= `start` it
 * ends on the next day (a 20:00–08:00 night shift of 3 March ends on 4 March, and `start` == `end` is a
 * 24-hour shift).
 *
 * Which punches belong to which day: the time between one day's end and the next day's start is split in
 * the middle, so the day's punch window is [start − gap/2, end + gap/2). Consecutive days' windows tile the
 * timeline exactly, so every punch belongs to exactly one shift day, also around midnight for night shifts.
 */
export interface ShiftDay {
  date: string;
  start: number;
  end: number;
  windowStart: number;
  windowEnd: number;
}

// Many employees share a few shifts, so the same (shift, date) is laid out thousands of times in a month's
// computation; the results are immutable facts about the calendar, kept in a small bounded memo.
const memo = new Map<string, Readonly<ShiftDay>>();
const MEMO_LIMIT = 20_000;

export function shiftDayOf(shift: Pick<Shift, 'start' | 'end'>, date: string): Readonly<ShiftDay> {
  const key = `${shift.start}|${shift.end}|${date}`;
  let day = memo.get(key);
  if (!day) {
    if (memo.size >= MEMO_LIMIT) memo.clear();
    day = Object.freeze(layOut(shift, date));
    memo.set(key, day);
  }
  return day;
}

function layOut(shift: Pick<Shift, 'start' | 'end'>, date: string): ShiftDay {
  const start = instantOf(`${date} ${shift.start}`);
  let end = instantOf(`${date} ${shift.end}`);
  if (end <= start) end += DAY_MS;
  const halfGap = (DAY_MS - (end - start)) / 2;
  return { date, start, end, windowStart: start - halfGap, windowEnd: end + halfGap };
}

/** The shift day whose punch window holds the instant. */
export function shiftDayAt(shift: Pick<Shift, 'start' | 'end'>, at: number): ShiftDay {
  const local = localDateOf(at);
  for (const date of [local, addDays(local, -1), addDays(local, 1)]) {
    const day = shiftDayOf(shift, date);
    if (at >= day.windowStart && at < day.windowEnd) return day;
  }
  // Unreachable: the windows of consecutive days tile the timeline.
  throw new RangeError(`no shift day holds ${at}`);
}

/** The instant splitting a shift into its morning and afternoon halves (half-day leave). */
export function shiftMidpoint(day: Pick<ShiftDay, 'start' | 'end'>): number {
  return day.start + Math.floor((day.end - day.start) / 2);
}
