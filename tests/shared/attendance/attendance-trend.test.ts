import { describe, expect, it } from 'vitest';
import { AttendanceDay, attendanceDayId, type AttendanceStatus } from '#shared/attendance/attendance-day';
import { emptyCounts, summarizeDepartments, summarizeEmployeeMonth, type DepartmentMonthSummary } from '#shared/attendance/attendance-summary';
import {
  absencesOf,
  attendanceRate,
  departmentTrends,
  mergeDailyTrends,
  monthDailyTrend,
  monthOverMonth,
  monthSettled,
  monthTrendPoint,
  trendMonths,
  WORSE_BY_POINTS,
} from '#shared/attendance/attendance-trend';
import { addDays, instantOf } from '#shared/time';

// Frozen clock: Tuesday 3 March 2026, 12:00 in Shanghai. The day shift of 3 March (09:00–18:00) has not
// ended; the night shift of 2 March (20:00–08:00) has.
const NOW = instantOf('2026-03-03 12:00');

const WORKED: AttendanceStatus[] = ['present', 'late', 'early_leave', 'missing_punch', 'absent', 'absent_contact_pending', 'excused', 'on_leave'];

/** A computed day as the daily computation yields it; only what the trend reads varies. */
function day(employeeId: string, date: string, status: AttendanceStatus, opts: { start?: string; end?: string; nextDay?: boolean; lateMinutes?: number } = {}): AttendanceDay {
  const start = instantOf(`${date} ${opts.start ?? '09:00'}`);
  const end = instantOf(`${opts.nextDay ? addDays(date, 1) : date} ${opts.end ?? '18:00'}`);
  const worked = WORKED.includes(status);
  return AttendanceDay.parse({
    id: attendanceDayId(employeeId, date),
    employeeId,
    date,
    shiftId: 'day',
    dayKind: status === 'rest' ? 'rest_day' : status === 'holiday' ? 'public_holiday' : 'workday',
    holidayName: null,
    status,
    shiftStart: start,
    shiftEnd: end,
    expectedStart: worked ? start : null,
    expectedEnd: worked ? end : null,
    leave: status === 'on_leave' ? 'full' : 'none',
    leaveRequestIds: [],
    inAt: null,
    outAt: null,
    inPunchId: null,
    outPunchId: null,
    missing: status === 'missing_punch' ? 'out' : null,
    usedPunchIds: [],
    ignoredPunchIds: [],
    correctionIds: [],
    lateMinutes: opts.lateMinutes ?? 0,
    earlyMinutes: 0,
    workedMinutes: 0,
    complete: end <= NOW,
    updatedAt: NOW,
  });
}

describe('the months of the window', () => {
  it.each([
    ['2026-11', 6, ['2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11']],
    ['2026-03', 6, ['2025-10', '2025-11', '2025-12', '2026-01', '2026-02', '2026-03']],
    ['2024-02', 3, ['2023-12', '2024-01', '2024-02']],
    ['2026-01', 1, ['2026-01']],
  ])('%s, %i months', (month, count, expected) => {
    expect(trendMonths(month, count)).toEqual(expected);
  });
  it('rejects a malformed month', () => {
    expect(() => trendMonths('2026-00')).toThrow(RangeError);
  });
});

describe('a month stops changing with the clock', () => {
  it.each([
    ['2026-02', '2026-03-03 12:00', true],
    ['2026-03', '2026-03-03 12:00', false],
    ['2026-02', '2026-03-01 23:59', false], // the night shift of 28 February may still be on
    ['2026-02', '2026-03-02 00:00', true],
    ['2024-02', '2024-03-01 08:00', false],
  ])('%s at %s: %s', (month, at, settled) => {
    expect(monthSettled(month, instantOf(at))).toBe(settled);
  });
});

describe('attendance rate', () => {
  const totals = (scheduledDays: number, counts: Partial<Record<AttendanceStatus, number>>) => ({ scheduledDays, counts: { ...emptyCounts(), ...counts } });
  it.each([
    ['everyone present', totals(20, { present: 20 }), 20, 20, 1],
    ['late, left early and a missing punch still came', totals(20, { present: 17, late: 1, early_leave: 1, missing_punch: 1 }), 20, 20, 1],
    ['absences of both kinds did not', totals(20, { present: 15, absent: 3, absent_contact_pending: 2 }), 20, 15, 0.75],
    ['leave and explained absences are not due', totals(20, { present: 15, on_leave: 4, excused: 1 }), 15, 15, 1],
    ['leave and an absence', totals(10, { present: 6, on_leave: 2, absent: 2 }), 8, 6, 0.75],
  ])('%s', (_, t, due, attended, rate) => {
    expect(attendanceRate(t)).toEqual({ dueDays: due, attendedDays: attended, rate });
  });
  it.each([
    ['nothing scheduled', totals(0, { rest: 8 })],
    ['the whole month on leave', totals(20, { on_leave: 20 })],
  ])('no rate when %s', (_, t) => {
    expect(attendanceRate(t).rate).toBeNull();
  });
});

describe('per day of a month', () => {
  const days = [
    day('e1', '2026-03-02', 'absent'),
    day('e2', '2026-03-02', 'late', { lateMinutes: 12 }),
    day('e3', '2026-03-02', 'on_leave'),
    day('e4', '2026-03-02', 'present', { start: '20:00', end: '08:00', nextDay: true }), // ended 08:00 on the 3rd
    day('e1', '2026-03-03', 'absent_contact_pending', { start: '06:00', end: '11:00' }),
    day('e2', '2026-03-03', 'absent'), // shift ends at 18:00: not yet an absence
    day('e3', '2026-03-03', 'missing_punch', { end: '11:30' }),
    day('e4', '2026-03-03', 'present', { start: '20:00', end: '08:00', nextDay: true }),
    day('e1', '2026-03-01', 'rest'),
    day('e1', '2026-02-28', 'absent'), // another month
  ];
  const trend = monthDailyTrend(days, '2026-03', NOW);

  it('has every date of the month, in order', () => {
    expect(trend).toHaveLength(31);
    expect(trend[0]!.date).toBe('2026-03-01');
    expect(trend.at(-1)!.date).toBe('2026-03-31');
  });

  it.each([
    ['2026-03-01', { absent: 0 }, 0, 0],
    ['2026-03-02', { absent: 1, late: 1, on_leave: 1, absent_contact_pending: 0 }, 4, 0],
    ['2026-03-03', { absent: 0, absent_contact_pending: 1, missing_punch: 1 }, 2, 2],
    ['2026-03-04', { absent: 0, late: 0 }, 0, 0],
  ])('%s', (date, counts, scheduled, open) => {
    const d = trend.find((x) => x.date === date)!;
    expect(d.counts).toMatchObject(counts);
    expect(d.scheduled).toBe(scheduled);
    expect(d.open).toBe(open);
  });

  it('counts nothing before the shift ends, and everything after', () => {
    const later = monthDailyTrend(days, '2026-03', instantOf('2026-03-04 09:00'));
    expect(later[2]).toEqual({ date: '2026-03-03', counts: { absent: 1, absent_contact_pending: 1, late: 0, early_leave: 0, missing_punch: 1, on_leave: 0 }, scheduled: 4, open: 0 });
  });

  it('leap February has 29 dates', () => {
    const feb = monthDailyTrend([day('e1', '2024-02-29', 'late')], '2024-02', NOW);
    expect(feb).toHaveLength(29);
    expect(feb.at(-1)).toMatchObject({ date: '2024-02-29', counts: { late: 1 }, scheduled: 1 });
  });

  it('adds two groups of people date by date', () => {
    const a = monthDailyTrend(days.slice(0, 4), '2026-03', NOW);
    const b = monthDailyTrend(days.slice(4), '2026-03', NOW);
    expect(mergeDailyTrends(a, b)).toEqual(trend);
    expect(() => mergeDailyTrends(a, monthDailyTrend([], '2026-04', NOW))).toThrow(RangeError);
  });
});

/** A department month with these counts; the rest of the totals do not matter to the trend. */
function dep(departmentId: string, month: string, employees: number, counts: Partial<Record<AttendanceStatus, number>>): DepartmentMonthSummary {
  const c = { ...emptyCounts(), ...counts };
  const scheduledDays = WORKED.reduce((n, s) => n + c[s], 0);
  return { departmentId, month, employees, counts: c, scheduledDays, lateMinutes: c.late * 10, earlyMinutes: 0, workedMinutes: 0, restDayWorkedMinutes: 0, holidayWorkedMinutes: 0 };
}

describe('months side by side', () => {
  it('adds a scope’s departments up, for that month only', () => {
    const p = monthTrendPoint('2026-10', [
      dep('d1', '2026-10', 10, { present: 180, late: 10, absent: 10 }),
      dep('d2', '2026-10', 5, { present: 90, on_leave: 10 }),
      dep('d1', '2026-09', 10, { absent: 200 }),
    ]);
    expect(p).toEqual({
      month: '2026-10',
      employees: 15,
      scheduledDays: 300,
      counts: { absent: 10, absent_contact_pending: 0, late: 10, early_leave: 0, missing_punch: 0, on_leave: 10 },
      lateMinutes: 100,
      dueDays: 290,
      attendedDays: 280,
      rate: 280 / 290,
    });
    expect(absencesOf(p)).toBe(10);
  });

  it('agrees with the rate of the monthly summary it is built from', () => {
    const month = '2026-03';
    const e1 = [day('e1', '2026-03-02', 'present'), day('e1', '2026-03-03', 'absent', { end: '10:00' }), day('e1', '2026-03-01', 'rest')];
    const e2 = [day('e2', '2026-03-02', 'on_leave'), day('e2', '2026-03-03', 'late', { end: '10:00' })];
    const departments = summarizeDepartments([summarizeEmployeeMonth({ id: 'e1', departmentId: 'd1' }, month, e1), summarizeEmployeeMonth({ id: 'e2', departmentId: 'd1' }, month, e2)]);
    const p = monthTrendPoint(month, departments);
    expect(p).toMatchObject({ employees: 2, scheduledDays: 4, dueDays: 3, attendedDays: 2, rate: 2 / 3 });
    expect(p.rate).toBe(attendanceRate(departments[0]!).rate);
  });

  it('no rate for a month with nobody, and changes only between months that have one', () => {
    const points = ['2026-08', '2026-09', '2026-10', '2026-11'].map((m, i) =>
      monthTrendPoint(m, i === 1 ? [] : [dep('d1', m, 10, { present: 200 - 10 * i, late: 5 * i, absent: 10 * i, absent_contact_pending: i })]),
    );
    expect(points[1]).toMatchObject({ employees: 0, rate: null });
    const changes = monthOverMonth(points);
    expect(changes[0]).toBeNull();
    expect(changes[1]).toEqual({ ratePoints: null, late: 0, absences: 0 });
    expect(changes[2]!.ratePoints).toBeNull();
    expect(changes[3]!.late).toBe(5);
    expect(changes[3]!.absences).toBe(11);
    expect(changes[3]!.ratePoints).toBeCloseTo(((170 + 15) / 218 - (180 + 10) / 212) * 100, 10) // present + late over all due days;
  });
});

describe('departments side by side', () => {
  const months = trendMonths('2026-11', 4);
  const steady = (id: string, lastPresent: number) => months.map((m, i) => dep(id, m, 10, i === 3 ? { present: lastPresent, absent: 200 - lastPresent } : { present: 196, absent: 4 }));

  it.each([
    // name, present in the last month of 200 due days, change in points against 98 %, flagged
    ['a steady department', 196, 0, false],
    ['a small dip is noise', 194, -1, false],
    ['a decline of exactly the threshold', 196 - 2 * WORSE_BY_POINTS, -WORSE_BY_POINTS, true],
    ['a clear decline', 170, -13, true],
  ])('%s', (_, lastPresent, change, worse) => {
    const [row] = departmentTrends(months, steady('d1', lastPresent));
    expect(row!.change).toBeCloseTo(change, 10);
    expect(row!.worse).toBe(worse);
    expect(row!.points.map((p) => p?.month)).toEqual(months);
  });

  it('puts the steepest decline first and departments without a change last', () => {
    const rows = departmentTrends(months, [
      ...steady('d-steady', 196),
      ...steady('d-worse', 170),
      ...steady('d-bad', 180),
      dep('d-new', '2026-11', 3, { present: 60 }), // only the latest month: nothing to compare with
      dep('d-gone', '2026-08', 3, { present: 60 }), // nobody left in the latest month
    ]);
    expect(rows.map((r) => r.departmentId)).toEqual(['d-worse', 'd-bad', 'd-steady', 'd-gone', 'd-new']);
    expect(rows.find((r) => r.departmentId === 'd-new')!.points.map((p) => p?.rate ?? null)).toEqual([null, null, null, 1]);
    expect(rows.find((r) => r.departmentId === 'd-gone')!.change).toBeNull();
  });
});
