import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HolidayYear, holidayYearId, type HolidayYearSetting } from '#shared/calendar/holiday-calendar';
import { checkHolidayYear, copyHolidayDays, holidayDayCounts, holidayYearJson, missingHolidayYears, parseHolidayYearFile, yearsOnFile } from '#shared/calendar/holiday-years';

const bundledText = (year: number) => readFileSync(new URL(`../../../resources/holidays/cn-${year}.json`, import.meta.url), 'utf8');
const y2025 = HolidayYear.parse(JSON.parse(bundledText(2025)));
const y2026 = HolidayYear.parse(JSON.parse(bundledText(2026)));
const setting = (calendar: HolidayYear): HolidayYearSetting => ({ id: holidayYearId('CN', calendar.year), kind: 'holiday_year', updatedAt: 1, calendar });
const y2027: HolidayYear = {
  region: 'CN',
  year: 2027,
  source: '测试通知 2027',
  days: [
    { date: '2027-01-01', kind: 'public_holiday', name: '元旦', statutory: true },
    { date: '2027-02-21', kind: 'makeup_workday', name: '春节', statutory: false },
  ],
};

describe('which years are missing', () => {
  const cases: [string, number[], number[], string][] = [
    // today, on file, missing, why
    ['2026-06-15', [2025, 2026], [], 'mid-year with the year on file'],
    ['2026-10-31', [2025, 2026], [], 'October: next year not needed yet'],
    ['2026-11-01', [2025, 2026], [2027], 'from November the next year is needed'],
    ['2026-12-31', [2025, 2026, 2027], [], 'December with next year entered'],
    ['2027-01-01', [2025, 2026], [2027], 'New Year without the year: every holiday is an ordinary day'],
    ['2027-11-20', [2027], [2028], 'November of a year on file'],
    ['2028-11-20', [], [2028, 2029], 'nothing on file'],
  ];
  it.each(cases)('on %s with %j on file: %j (%s)', (today, onFile, missing) => {
    expect(missingHolidayYears(onFile, today)).toEqual(missing);
  });
});

describe('years on file', () => {
  it('lists bundled and HR years newest first; an HR year replaces the bundled one of that year', () => {
    const edited2026: HolidayYear = { ...y2026, source: '本地调整', days: y2026.days.slice(1) };
    const rows = yearsOnFile([y2025, y2026], [setting(y2027), setting(edited2026)]);
    expect(rows.map((r) => r.year)).toEqual([2027, 2026, 2025]);
    const [r2027, r2026, r2025] = rows;
    expect(r2027).toMatchObject({ bundled: null, calendar: y2027 });
    expect(r2026!.bundled).toBe(y2026);
    expect(r2026!.calendar.source).toBe('本地调整');
    expect(r2025).toMatchObject({ added: null, calendar: y2025 });
  });

  it('counts days off, statutory days and make-up workdays', () => {
    expect(holidayDayCounts(y2025)).toEqual({ daysOff: 28, statutory: 13, makeupWorkdays: 5 });
    expect(holidayDayCounts(y2027)).toEqual({ daysOff: 1, statutory: 1, makeupWorkdays: 1 });
  });
});

describe('copying a year as a starting point', () => {
  it('keeps names and kinds on the same month-days of the target year, and leaves out 29 February', () => {
    const leap: HolidayYear = { region: 'CN', year: 2028, source: 'x', days: [{ date: '2028-02-29', kind: 'makeup_workday', name: '春节', statutory: false }, { date: '2028-10-01', kind: 'public_holiday', name: '国庆节', statutory: true }] };
    expect(copyHolidayDays(leap, 2029)).toEqual([{ date: '2029-10-01', kind: 'public_holiday', name: '国庆节', statutory: true }]);
    const copied = copyHolidayDays(y2026, 2027);
    expect(copied).toHaveLength(y2026.days.length);
    expect(checkHolidayYear({ ...y2026, year: 2027, days: copied }).ok).toBe(true);
  });
});

describe('importing a holiday year file', () => {
  it('accepts the bundled files (and a byte-order mark) as they are', () => {
    for (const year of [2025, 2026]) {
      const r = parseHolidayYearFile(`\uFEFF${bundledText(year)}`);
      expect(r.ok && r.calendar.year).toBe(year);
    }
    const back = parseHolidayYearFile(holidayYearJson(y2027));
    expect(back.ok && back.calendar).toEqual(y2027);
  });

  it('reports every broken row in one pass, shape and calendar rules alike', () => {
    const file = {
      region: 'CN',
      year: 2027,
      source: '测试通知',
      days: [
        { date: '2027-01-01', kind: 'public_holiday', name: '元旦', statutory: true },
        { date: '2026-10-01', kind: 'public_holiday', name: '国庆节', statutory: true }, // row 2: wrong year
        { date: '2027-02-30', kind: 'public_holiday', name: '春节' }, // row 3: no such date
        { date: '2027-01-01', kind: 'public_holiday', name: '元旦' }, // row 4: listed twice
        { date: '2027-02-21', kind: 'holiday', name: '春节' }, // row 5: unknown kind
        { date: '2027-02-20', kind: 'makeup_workday', name: '春节', statutory: true }, // row 6: statutory make-up day
        { date: '2027-05-01', kind: 'public_holiday', name: '', statutary: true }, // row 7: empty name, misspelt field
      ],
    };
    const r = parseHolidayYearFile(JSON.stringify(file));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => [p.row, p.field, p.code])).toEqual([
      [2, 'date', 'not_in_year'],
      [3, 'date', 'realDate'],
      [4, 'date', 'listed_twice'],
      [5, 'kind', 'invalidChoice'],
      [6, 'statutory', 'makeup_statutory'],
      [7, 'statutary', 'unknown_field'],
      [7, 'name', 'required'],
    ]);
    expect(r.problems.find((p) => p.row === 4)?.date).toBe('2027-01-01');
  });

  it('refuses a file whose year fields are wrong, with the field named', () => {
    const r = checkHolidayYear({ region: 'HK', year: 1999, days: [], notes: 'x' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => [p.row, p.field, p.code]).sort()).toEqual(
      [
        [null, 'notes', 'unknown_field'],
        [null, 'region', 'invalidChoice'],
        [null, 'source', 'required'],
        [null, 'year', 'tooSmall'],
      ].sort(),
    );
  });

  it('refuses what is not a calendar at all', () => {
    const notJson = parseHolidayYearFile('{"year": 2027,');
    expect(!notJson.ok && notJson.problems[0]).toMatchObject({ row: null, code: 'not_json' });
    const list = parseHolidayYearFile('[]');
    expect(!list.ok && list.problems[0]).toMatchObject({ code: 'not_object' });
  });
});
