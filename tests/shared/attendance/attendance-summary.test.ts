import { describe, expect, it } from 'vitest';
import { dailyTrend, monthRange, summarizeDepartments, summarizeEmployeeMonth } from '#shared/attendance/attendance-summary';
import { computeAttendanceRange } from '#shared/attendance/daily-attendance';
import type { Punch } from '#shared/schemas/punch';
import { addDays } from '#shared/time';
import { at, calendar, daySchedule, dayShift, nightSchedule, nightShift, punch } from './fixtures.ts';

const NOW = at('2026-12-31 23:00');

/** A full attendance on every listed working day of a shift. */
function workEvery(dates: string[], inTime: string, outTime: string, crossesMidnight = false): Punch[] {
  return dates.flatMap((d) => [punch(`${d} ${inTime}`), punch(`${crossesMidnight ? addDays(d, 1) : d} ${outTime}`)]);
}

describe('month ranges', () => {
  it.each([
    ['2024-02', '2024-02-01', '2024-02-29'],
    ['2026-02', '2026-02-01', '2026-02-28'],
    ['2026-03', '2026-03-01', '2026-03-31'],
    ['2026-12', '2026-12-01', '2026-12-31'],
  ])('%s runs %s..%s', (month, from, to) => {
    expect(monthRange(month)).toEqual({ from, to });
  });
  it('rejects a malformed month', () => {
    expect(() => monthRange('2026-13')).toThrow(RangeError);
  });
});

describe('monthly summaries', () => {
  it('February 2026 with 春节 and two 调休 Saturdays', () => {
    const { from, to } = monthRange('2026-02');
    const days = computeAttendanceRange({ employeeId: 'e1', schedule: daySchedule, calendar, punches: [], leaves: [], corrections: [], now: NOW }, from, to);
    const s = summarizeEmployeeMonth({ id: 'e1', departmentId: 'd1' }, '2026-02', days);
    // 20 weekdays, minus 6 weekday holidays (16–20, 23 Feb), plus the make-up Saturdays 14 and 28 Feb.
    expect(s.scheduledDays).toBe(16);
    expect(s.counts.absent).toBe(16);
    expect(s.counts.holiday).toBe(9);
    expect(s.counts.rest).toBe(28 - 16 - 9);
  });

  it('month-end cut: a night shift starting 31 March is March, though it ends in April', () => {
    const dates = ['2026-03-30', '2026-03-31', '2026-04-01'];
    const inputs = { employeeId: 'e1', schedule: nightSchedule, calendar, punches: workEvery(dates, '19:55', '08:00', true), leaves: [], corrections: [], now: NOW };
    const days = computeAttendanceRange(inputs, '2026-03-01', '2026-04-30');
    const march = summarizeEmployeeMonth({ id: 'e1', departmentId: 'd1' }, '2026-03', days);
    const april = summarizeEmployeeMonth({ id: 'e1', departmentId: 'd1' }, '2026-04', days);
    expect(march.counts.present).toBe(2);
    expect(march.workedMinutes).toBe(2 * 725);
    expect(april.counts.present).toBe(1);
    expect(april.workedMinutes).toBe(725);
    expect(march.counts.present + march.counts.absent + march.counts.rest + march.counts.holiday).toBe(31);
  });

  it('adds employees up per department and gives a per-day trend', () => {
    const { from, to } = monthRange('2026-03');
    const weekdays: string[] = [];
    for (let d = from; d <= to; d = addDays(d, 1)) if (![0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay())) weekdays.push(d);
    expect(weekdays).toHaveLength(22);
    const base = { schedule: daySchedule, calendar, leaves: [], corrections: [], now: NOW };
    const e1 = computeAttendanceRange({ ...base, employeeId: 'e1', punches: workEvery(weekdays, '08:59', '18:00') }, from, to);
    const e2 = computeAttendanceRange({ ...base, employeeId: 'e2', punches: workEvery(weekdays.slice(0, 10), '09:30', '18:00') }, from, to);
    const e3 = computeAttendanceRange({ ...base, employeeId: 'e3', punches: [] }, from, to);
    const summaries = [
      summarizeEmployeeMonth({ id: 'e1', departmentId: 'd1' }, '2026-03', e1),
      summarizeEmployeeMonth({ id: 'e2', departmentId: 'd1' }, '2026-03', e2),
      summarizeEmployeeMonth({ id: 'e3', departmentId: 'd2' }, '2026-03', e3),
    ];
    expect(summaries[1]).toMatchObject({ lateMinutes: 300, counts: expect.objectContaining({ late: 10, absent: 12 }) });
    const deps = summarizeDepartments(summaries);
    expect(deps.map((d) => [d.departmentId, d.employees])).toEqual([['d1', 2], ['d2', 1]]);
    expect(deps[0]!.counts).toMatchObject({ present: 22, late: 10, absent: 12, rest: 18 });
    expect(deps[0]!.scheduledDays).toBe(44);
    expect(deps[1]!.counts.absent).toBe(22);

    const trend = dailyTrend([...e1, ...e2, ...e3], '2026-03-01', '2026-03-31');
    expect(trend).toHaveLength(31);
    expect(trend[1]).toEqual({ date: '2026-03-02', counts: expect.objectContaining({ present: 1, late: 1, absent: 1 }) });
    expect(trend[0]!.counts.rest).toBe(3);
    expect(trend.at(-1)).toEqual({ date: '2026-03-31', counts: expect.objectContaining({ present: 1, absent: 2, late: 0 }) });
  });
});
