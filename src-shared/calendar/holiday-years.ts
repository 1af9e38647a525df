import { fieldIssueOf, type FieldIssueCode, type ZodLikeIssue } from '../import/field-issues.ts';
import { HolidayEntry, HolidayYear, holidayYearRuleBreaks, type HolidayYearRule, type HolidayYearSetting } from './holiday-calendar.ts';

/**
 * HR's side of the holiday calendar: which years are on file and where each comes from, which years are
 * missing, and turning a file or an edited form into a HolidayYear with every problem at its row.
 */

/** One year as the holidays tab lists it: what attendance uses, and what it replaced. */
export type YearOnFile = {
  year: number;
  /** What attendance uses for the year: HR's version when there is one, else the bundled one. */
  calendar: HolidayYear;
  bundled: HolidayYear | null;
  added: HolidayYearSetting | null;
};

/** Every year on file, newest first. A year HR entered replaces the bundled one (see calendarFrom). */
export function yearsOnFile(bundled: readonly HolidayYear[], added: readonly HolidayYearSetting[]): YearOnFile[] {
  const byYear = new Map<number, YearOnFile>();
  for (const b of bundled) byYear.set(b.year, { year: b.year, calendar: b, bundled: b, added: null });
  for (const a of added) {
    const y = a.calendar.year;
    byYear.set(y, { year: y, calendar: a.calendar, bundled: byYear.get(y)?.bundled ?? null, added: a });
  }
  return [...byYear.values()].sort((a, b) => b.year - a.year);
}

/**
 * Years attendance needs but has no calendar for, as of `today` (YYYY-MM-DD, company time). Without one,
 * every date of the year is an ordinary week: holidays count as workdays and the missed-punch rule fires
 * on them. The current year is always needed; the next one from November, when the State Council
 * publishes its schedule (国务院办公厅 notice, usually in November) and HR should enter it before January.
 */
export function missingHolidayYears(onFile: Iterable<number>, today: string): number[] {
  const have = new Set(onFile);
  const year = Number(today.slice(0, 4));
  const needed = Number(today.slice(5, 7)) >= 11 ? [year, year + 1] : [year];
  return needed.filter((y) => !have.has(y));
}

export type HolidayDayCounts = { daysOff: number; statutory: number; makeupWorkdays: number };

export function holidayDayCounts(calendar: Pick<HolidayYear, 'days'>): HolidayDayCounts {
  const off = calendar.days.filter((d) => d.kind === 'public_holiday');
  return { daysOff: off.length, statutory: off.filter((d) => d.statutory).length, makeupWorkdays: calendar.days.length - off.length };
}

/**
 * A starting point for a new year from another year's entries: the same names, kinds and month-days in the
 * target year. Fixed-date holidays (元旦, 劳动节, 国庆节) often land on the same dates; the lunar ones (春节,
 * 端午节, 中秋节) move, so HR corrects those from the notice. A month-day the target year does not have
 * (29 February) is left out rather than invented.
 */
export function copyHolidayDays(from: Pick<HolidayYear, 'days'>, toYear: number): HolidayEntry[] {
  const out: HolidayEntry[] = [];
  for (const d of from.days) {
    const date = `${String(toYear).padStart(4, '0')}${d.date.slice(4)}`;
    if (HolidayEntry.shape.date.safeParse(date).success) out.push({ ...d, date });
  }
  return out;
}

/** Why a calendar was refused, worded by the UI: zod's field codes plus the calendar's own rules. */
export type HolidayProblemCode = FieldIssueCode | HolidayYearRule | 'not_json' | 'not_object' | 'unknown_field';

export type HolidayProblem = {
  /** 1-based position in `days` (the row HR counts in the file or the form); null for the year's own fields. */
  row: number | null;
  /** The entry's date as written, to find the row in a long file. */
  date: string | null;
  /** The field within the row (`date`, `kind`…) or of the year (`year`, `source`, `days`…); '' for the file. */
  field: string;
  code: HolidayProblemCode;
  params: Record<string, string | number>;
};

export type HolidayYearCheck = { ok: true; calendar: HolidayYear } | { ok: false; problems: HolidayProblem[] };

const YEAR_FIELDS = new Set(['region', 'year', 'source', 'days']);
const ENTRY_FIELDS = new Set(Object.keys(HolidayEntry.shape));

/**
 * Checks a calendar as a whole: every entry's own shape, the rules between entries, the year's fields and
 * fields the format does not know (a misspelt `statutary` would otherwise be dropped in silence and the
 * day stored as not statutory). All or nothing: the calendar comes back only when there is no problem.
 */
export function checkHolidayYear(input: unknown): HolidayYearCheck {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return { ok: false, problems: [fileProblem('not_object')] };
  const body = input as Record<string, unknown>;
  const problems: HolidayProblem[] = [];
  for (const key of Object.keys(body)) if (!YEAR_FIELDS.has(key)) problems.push({ row: null, date: null, field: key, code: 'unknown_field', params: {} });

  const rawDays = Array.isArray(body.days) ? body.days : [];
  const entries = rawDays.map((raw, i) => {
    const date = raw && typeof raw === 'object' && typeof (raw as { date?: unknown }).date === 'string' ? (raw as { date: string }).date : null;
    if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
      for (const key of Object.keys(raw)) if (!ENTRY_FIELDS.has(key)) problems.push({ row: i + 1, date, field: key, code: 'unknown_field', params: {} });
    }
    const parsed = HolidayEntry.safeParse(raw);
    if (!parsed.success) problems.push(...issueProblems(parsed.error.issues, rawDays, i));
    return parsed.success ? parsed.data : null;
  });
  if (typeof body.year === 'number' && Number.isInteger(body.year)) {
    for (const b of holidayYearRuleBreaks(body.year, entries)) problems.push({ row: b.index + 1, date: entries[b.index]!.date, field: b.field, code: b.rule, params: { year: body.year } });
  }
  // The year's own fields (and, once the entries are sound, anything left the schema checks).
  const whole = HolidayYear.safeParse(body);
  if (!whole.success) {
    const seen = new Set(problems.map(problemKey));
    for (const p of issueProblems(whole.error.issues, rawDays, null)) {
      if (seen.has(problemKey(p))) continue;
      seen.add(problemKey(p));
      problems.push(p);
    }
  }
  problems.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
  if (problems.length || !whole.success) return { ok: false, problems };
  return { ok: true, calendar: whole.data };
}

/** A JSON file shaped like resources/holidays/cn-YYYY.json, checked by checkHolidayYear. */
export function parseHolidayYearFile(text: string): HolidayYearCheck {
  let json: unknown;
  try {
    // A file saved by Windows Notepad may start with a byte-order mark, which JSON.parse refuses.
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    return { ok: false, problems: [{ ...fileProblem('not_json'), params: { detail: err instanceof Error ? err.message : String(err) } }] };
  }
  return checkHolidayYear(json);
}

/** The calendar as a file in the bundled format, so HR can export, adapt and import it again. */
export function holidayYearJson(calendar: HolidayYear): string {
  return `${JSON.stringify(calendar, null, 2)}\n`;
}

function fileProblem(code: HolidayProblemCode): HolidayProblem {
  return { row: null, date: null, field: '', code, params: {} };
}

const problemKey = (p: HolidayProblem) => `${p.row ?? ''}|${p.field}`;

/**
 * Zod's issues as problems, one per field (the first zod reports). `entryIndex` is the row when the issues
 * come from one entry's own parse; otherwise a `days.<i>.…` path names the row.
 */
function issueProblems(issues: readonly ZodLikeIssue[], rawDays: readonly unknown[], entryIndex: number | null): HolidayProblem[] {
  const out: HolidayProblem[] = [];
  const seen = new Set<string>();
  for (const issue of issues) {
    const path = (issue.path ?? []).filter((p): p is string | number => typeof p !== 'symbol');
    let index = entryIndex;
    let rest = path;
    if (index === null && path[0] === 'days' && typeof path[1] === 'number') {
      index = path[1];
      rest = path.slice(2);
    }
    const rule = (issue as { params?: { rule?: HolidayYearRule } }).params?.rule;
    const raw = index === null ? null : rawDays[index];
    const date = raw && typeof raw === 'object' && typeof (raw as { date?: unknown }).date === 'string' ? (raw as { date: string }).date : null;
    const { code, params } = rule ? { code: rule, params: {} } : fieldIssueOf({ ...issue, path: rest });
    const p: HolidayProblem = { row: index === null ? null : index + 1, date, field: rest.join('.'), code, params };
    if (seen.has(problemKey(p))) continue;
    seen.add(problemKey(p));
    out.push(p);
  }
  return out;
}
