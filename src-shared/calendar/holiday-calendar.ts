import { z } from 'zod';
import { EpochMs, LocalDate } from '../schemas/common.ts';
import type { Shift } from '../schemas/attendance-setup.ts';

/**
 * China's public holidays change every year: each November the State Council (国务院办公厅) publishes the next
 * year's schedule, which both adds days off (放假) and moves some weekends into working days (调休上班).
 * So the calendar is data, one file per year (`resources/holidays/cn-YYYY.json`), which HR can add to when
 * the next notice comes out, and never code.
 *
 * Each entry names one date that differs from an ordinary week:
 *  - `public_holiday`: a day off in a holiday period. `statutory` marks the legal holidays themselves
 *    (法定节假日, the days where work is paid at 300%); the other days of the period are weekends moved
 *    around by 调休 (work on them is rest-day overtime, 200%).
 *  - `makeup_workday`: a weekend day that is worked (调休上班) because its rest was moved into a holiday.
 */
export const HolidayEntry = z.object({
  date: LocalDate,
  kind: z.enum(['public_holiday', 'makeup_workday']),
  /** The holiday the day belongs to, as the notice names it: 春节, 国庆节 … */
  name: z.string().trim().min(1).max(50),
  statutory: z.boolean().default(false),
});
export type HolidayEntry = z.infer<typeof HolidayEntry>;

export const HolidayYear = z
  .object({
    region: z.literal('CN'),
    year: z.number().int().min(2000).max(2100),
    /** The notice the data was taken from, e.g. 国办发明电〔2024〕12号. */
    source: z.string().trim().min(1).max(200),
    days: z.array(HolidayEntry).max(366),
  })
  .superRefine((y, ctx) => {
    for (const b of holidayYearRuleBreaks(y.year, y.days)) ctx.addIssue({ code: 'custom', path: ['days', b.index, b.field], message: b.message, params: { rule: b.rule } });
  });
export type HolidayYear = z.infer<typeof HolidayYear>;

export type HolidayYearRule = 'not_in_year' | 'listed_twice' | 'makeup_statutory';

/**
 * The rules between a year's entries, beyond each entry's own shape: every date in that year, no date twice,
 * no statutory make-up workday. `null` stands for an entry that did not parse, so an import can report these
 * breaks in the same pass as the broken entries, at the right row.
 */
export function holidayYearRuleBreaks(
  year: number,
  days: readonly (HolidayEntry | null)[],
): { index: number; field: 'date' | 'statutory'; rule: HolidayYearRule; message: string }[] {
  const breaks: ReturnType<typeof holidayYearRuleBreaks> = [];
  const seen = new Set<string>();
  days.forEach((d, index) => {
    if (!d) return;
    if (!d.date.startsWith(`${year}-`)) breaks.push({ index, field: 'date', rule: 'not_in_year', message: `${d.date} is not in ${year}` });
    if (seen.has(d.date)) breaks.push({ index, field: 'date', rule: 'listed_twice', message: `${d.date} is listed twice` });
    if (d.kind === 'makeup_workday' && d.statutory) breaks.push({ index, field: 'statutory', rule: 'makeup_statutory', message: 'a make-up workday cannot be a statutory holiday' });
    seen.add(d.date);
  });
  return breaks;
}

/**
 * A year HR entered (or imported) when the next State Council notice came out, shaped to be stored as a
 * settings document beside shifts and devices. One document per year, so its id is deterministic.
 */
export const HolidayYearSetting = z
  .object({
    id: z.string().min(1).max(100),
    kind: z.literal('holiday_year'),
    updatedAt: EpochMs,
    calendar: HolidayYear,
  })
  .refine((d) => d.id === holidayYearId(d.calendar.region, d.calendar.year), { message: 'id must be holidays|<region>|<year>', path: ['id'] });
export type HolidayYearSetting = z.infer<typeof HolidayYearSetting>;

export function holidayYearId(region: string, year: number): string {
  return `holidays|${region}|${year}`;
}

/**
 * The calendar from the bundled years plus the ones HR added; a year HR entered replaces the bundled one
 * (HR may need to fix a local variation or a late change to the notice).
 */
export function calendarFrom(bundled: readonly HolidayYear[], added: readonly HolidayYear[]): WorkCalendar {
  const byYear = new Map<number, HolidayYear>();
  for (const y of bundled) byYear.set(y.year, y);
  for (const y of added) byYear.set(y.year, y);
  return buildCalendar([...byYear.values()]);
}

/** The lookup the attendance rules use; built once from the years on file. */
export interface WorkCalendar {
  readonly entries: ReadonlyMap<string, HolidayEntry>;
  /** Years on file: a date in another year is treated as an ordinary week (and `hasYear` lets the UI warn). */
  readonly years: ReadonlySet<number>;
}

export function buildCalendar(years: readonly HolidayYear[]): WorkCalendar {
  const entries = new Map<string, HolidayEntry>();
  const seenYears = new Set<number>();
  for (const y of years) {
    if (seenYears.has(y.year)) throw new RangeError(`holiday year ${y.year} given twice`);
    seenYears.add(y.year);
    for (const d of y.days) entries.set(d.date, d);
  }
  return { entries, years: seenYears };
}

export const EMPTY_CALENDAR: WorkCalendar = buildCalendar([]);

export function hasYear(calendar: WorkCalendar, date: string): boolean {
  return calendar.years.has(Number(date.slice(0, 4)));
}

export type DayKind = 'workday' | 'rest_day' | 'public_holiday' | 'makeup_workday';

/**
 * What a date is for someone on this shift. The national calendar overrides the shift's own week:
 * a public holiday is off even on the shift's work weekdays, and a make-up workday is worked even on a day
 * the shift normally rests. Outside holidays, the shift's `workDays` decide.
 */
export function dayKind(calendar: WorkCalendar, date: string, shift: Pick<Shift, 'workDays'>): DayKind {
  const entry = calendar.entries.get(date);
  if (entry?.kind === 'public_holiday') return 'public_holiday';
  if (entry?.kind === 'makeup_workday') return 'makeup_workday';
  return shift.workDays.includes(weekdayOf(date)) ? 'workday' : 'rest_day';
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a YYYY-MM-DD date; a date has no time zone, so UTC is exact. */
function weekdayOf(date: string): number {
  const wd = new Date(Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)))).getUTCDay();
  return wd === 0 ? 7 : wd;
}

export function isWorkingDay(kind: DayKind): boolean {
  return kind === 'workday' || kind === 'makeup_workday';
}

/** The holiday entry for a date, if any (for names and the statutory flag in reports). */
export function holidayOn(calendar: WorkCalendar, date: string): HolidayEntry | null {
  return calendar.entries.get(date) ?? null;
}
