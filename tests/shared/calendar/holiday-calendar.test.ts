import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildCalendar, calendarFrom, dayKind, type DayKind, HolidayYear, HolidayYearSetting, hasYear, holidayOn, holidayYearId, isWorkingDay } from '#shared/calendar/holiday-calendar';

const load = (year: number) => HolidayYear.parse(JSON.parse(readFileSync(new URL(`../../../resources/holidays/cn-${year}.json`, import.meta.url), 'utf8')));
const calendar = buildCalendar([load(2025), load(2026)]);
const weekdays = { workDays: [1, 2, 3, 4, 5] };
const sixDays = { workDays: [1, 2, 3, 4, 5, 6] };

describe('China holiday calendar', () => {
  const cases: [string, { workDays: number[] }, DayKind, string][] = [
    // date, shift, expected, why
    ['2025-01-01', weekdays, 'public_holiday', '元旦 on a Wednesday'],
    ['2025-01-26', weekdays, 'makeup_workday', '调休: Sunday worked before 春节'],
    ['2025-01-28', weekdays, 'public_holiday', '除夕 is a statutory holiday since 2025'],
    ['2025-02-08', weekdays, 'makeup_workday', '调休: Saturday worked after 春节'],
    ['2025-02-09', weekdays, 'rest_day', 'ordinary Sunday'],
    ['2025-02-10', weekdays, 'workday', 'ordinary Monday'],
    ['2025-10-06', weekdays, 'public_holiday', '中秋节 inside the 国庆 period'],
    ['2025-10-11', weekdays, 'makeup_workday', 'Saturday worked after 国庆'],
    ['2026-01-04', weekdays, 'makeup_workday', 'Sunday worked after 元旦 2026'],
    ['2026-02-16', sixDays, 'public_holiday', 'holiday beats the shift week'],
    ['2026-02-28', weekdays, 'makeup_workday', 'Saturday worked after 春节 2026'],
    ['2026-05-09', weekdays, 'makeup_workday', 'Saturday worked after 劳动节 2026'],
    ['2026-10-10', weekdays, 'makeup_workday', 'Saturday worked after 国庆 2026'],
    ['2026-03-07', sixDays, 'workday', 'Saturday on a six-day shift'],
    ['2026-03-08', sixDays, 'rest_day', 'Sunday on a six-day shift'],
    ['2024-02-29', weekdays, 'workday', 'leap day, year not on file: ordinary Thursday'],
  ];
  it.each(cases)('%s is %s', (date, shift, expected) => {
    expect(dayKind(calendar, date, shift)).toBe(expected);
  });

  it('marks exactly the 13 statutory holidays each year', () => {
    for (const year of [2025, 2026]) {
      const statutory = load(year).days.filter((d) => d.statutory);
      expect(statutory).toHaveLength(13);
    }
    expect(holidayOn(calendar, '2026-02-17')).toMatchObject({ name: '春节', statutory: true });
    expect(holidayOn(calendar, '2026-02-15')).toMatchObject({ name: '春节', statutory: false });
  });

  it('every make-up workday falls on a weekend and every holiday period is contiguous data', () => {
    for (const [date, e] of calendar.entries) {
      const wd = new Date(`${date}T00:00:00Z`).getUTCDay();
      if (e.kind === 'makeup_workday') expect([0, 6]).toContain(wd);
    }
    expect(isWorkingDay('makeup_workday')).toBe(true);
    expect(isWorkingDay('public_holiday')).toBe(false);
  });

  it('knows which years are on file', () => {
    expect(hasYear(calendar, '2026-12-31')).toBe(true);
    expect(hasYear(calendar, '2027-01-01')).toBe(false);
  });

  it.each([
    [{ region: 'CN', year: 2027, source: 'x', days: [{ date: '2026-10-01', kind: 'public_holiday', name: '国庆节' }] }, 'is not in 2027'],
    [{ region: 'CN', year: 2027, source: 'x', days: [{ date: '2027-10-01', kind: 'public_holiday', name: 'a' }, { date: '2027-10-01', kind: 'public_holiday', name: 'a' }] }, 'listed twice'],
    [{ region: 'CN', year: 2027, source: 'x', days: [{ date: '2027-02-30', kind: 'public_holiday', name: 'a' }] }, 'not a real calendar date'],
    [{ region: 'CN', year: 2027, source: 'x', days: [{ date: '2027-02-06', kind: 'makeup_workday', name: 'a', statutory: true }] }, 'cannot be a statutory'],
  ])('rejects a bad year file (%#)', (input, message) => {
    const r = HolidayYear.safeParse(input);
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toContain(message);
  });

  it('refuses the same year twice', () => {
    expect(() => buildCalendar([load(2025), load(2025)])).toThrow(/2025 given twice/);
  });
});

describe('years HR adds', () => {
  const y2027 = { region: 'CN' as const, year: 2027, source: 'HR entry', days: [{ date: '2027-01-01', kind: 'public_holiday' as const, name: '元旦', statutory: true }] };

  it('stores a year as a settings document with a deterministic id', () => {
    const doc = HolidayYearSetting.parse({ id: holidayYearId('CN', 2027), kind: 'holiday_year', updatedAt: 1, calendar: y2027 });
    expect(doc.id).toBe('holidays|CN|2027');
    expect(HolidayYearSetting.safeParse({ ...doc, id: 'holidays|CN|2026' }).success).toBe(false);
  });

  it('adds a new year and lets an HR entry replace a bundled year', () => {
    const fixed2026 = { ...load(2026), source: 'HR: local change', days: load(2026).days.filter((d) => d.date !== '2026-10-10') };
    const cal = calendarFrom([load(2025), load(2026)], [HolidayYear.parse(y2027), fixed2026]);
    expect(dayKind(cal, '2027-01-01', weekdays)).toBe('public_holiday');
    expect(dayKind(cal, '2026-10-10', weekdays)).toBe('rest_day');
    expect(dayKind(cal, '2026-10-01', weekdays)).toBe('public_holiday');
    expect(dayKind(cal, '2025-01-26', weekdays)).toBe('makeup_workday');
  });
});
