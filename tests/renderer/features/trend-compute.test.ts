import { describe, expect, it } from 'vitest';
import type { AttendanceDay } from '#shared/attendance/attendance-day';
import { monthDailyTrend, monthTrendPoint } from '#shared/attendance/attendance-trend';
import { buildCalendar, HolidayYear } from '#shared/calendar/holiday-calendar';
import { punchId } from '#shared/ids';
import { Shift } from '#shared/schemas/attendance-setup';
import { Employee } from '#shared/schemas/employee';
import { LeaveRequest } from '#shared/schemas/leave';
import { Punch } from '#shared/schemas/punch';
import { addDays, instantOf } from '#shared/time';
import cn2026 from '../../../resources/holidays/cn-2026.json';
import { computeRows, monthSummaries, type AttendanceSources } from '../../../src-renderer/features/attendance/attendance-rows.ts';
import { computeMonthTrend, fingerprint } from '../../../src-renderer/features/attendance/trend-compute.ts';

// The trend is computed in slices of employees so a large plant never holds the page; slicing must change
// nothing: the same month through monthSummaries and computeRows in one piece gives the same numbers.

const calendar = buildCalendar([HolidayYear.parse(cn2026)]);
const day = Shift.parse({ id: 'day', kind: 'shift', name: '白班', start: '08:00', end: '17:00', graceMinutes: 5, workDays: [1, 2, 3, 4, 5], updatedAt: 0 });
const night = Shift.parse({ id: 'night', kind: 'shift', name: '夜班', start: '20:00', end: '05:00', graceMinutes: 5, workDays: [1, 2, 3, 4, 5], updatedAt: 0 });
const MONTH = '2026-03';
// Frozen clock: 18 March 2026, 12:00: the month is under way, today's day shift not over.
const NOW = instantOf('2026-03-18 12:00');

function plant(): AttendanceSources {
  const employees: Employee[] = [];
  const punches: Punch[] = [];
  const requests: LeaveRequest[] = [];
  for (let i = 0; i < 60; i++) {
    const pin = String(1000 + i);
    const shift = i % 4 === 0 ? night : day;
    employees.push(Employee.parse({ id: `e${i}`, employeeNo: `E${i}`, name: `员工${i}`, departmentId: `d${i % 3}`, siteId: 's1', hireDate: i === 5 ? '2026-03-10' : '2025-01-01', devicePin: pin, shiftId: shift.id, updatedAt: 0 }));
    for (let date = '2026-02-28'; date <= '2026-04-01'; date = addDays(date, 1)) {
      if ((i + Number(date.slice(8))) % 9 === 0) continue; // absent now and then
      const late = (i * 7 + Number(date.slice(8))) % 11 === 0;
      const inAt = instantOf(`${date} ${shift.start}`) + (late ? 20 : -5) * 60_000;
      const outAt = instantOf(`${shift === night ? addDays(date, 1) : date} ${shift.end}`) + 3 * 60_000;
      for (const at of [inAt, outAt]) if (at < NOW) punches.push(Punch.parse({ id: punchId('ZK1', pin, at), deviceSerial: 'ZK1', pin, at, deviceLocalTime: '', source: 'device-pull', employeeId: i % 2 ? `e${i}` : null, receivedAt: at, updatedAt: at }));
    }
    if (i % 10 === 3) requests.push(LeaveRequest.parse({ id: `L${i}`, kind: 'leave', employeeId: `e${i}`, type: 'sick', startDate: '2026-03-09', endDate: '2026-03-11', startHalf: 'full', endHalf: 'full', status: 'approved', updatedAt: 0 }));
  }
  // Two employees with one PIN: a punch without employeeId goes to the one the whole scope matches it to.
  employees.push(Employee.parse({ id: 'dup', employeeNo: 'DUP', name: '同号', departmentId: 'd0', siteId: 's1', hireDate: '2025-01-01', devicePin: '1000', shiftId: 'day', updatedAt: 0 }));
  return { employees, shifts: [day, night], punches, requests, calendar, now: NOW };
}

const immediately = () => Promise.resolve();

describe('the trend of a month, in slices', () => {
  const src = plant();
  const whole = monthSummaries(src, MONTH);
  const days = computeRows(src, '2026-03-01', '2026-03-31').flatMap((r): AttendanceDay[] => (r.day ? [r.day] : []));

  it.each([
    ['one slice', 1_000],
    ['slices of about one employee', 0.000_1],
  ])('%s gives the numbers of the whole', async (_, sliceMs) => {
    let pauses = 0;
    const trend = await computeMonthTrend(src, MONTH, { daily: true, sliceMs, pause: async () => void (pauses += 1) });
    expect(trend!.departments).toEqual(whole.departments);
    expect(trend!.point).toEqual(monthTrendPoint(MONTH, whole.departments));
    expect(trend!.daily).toEqual(monthDailyTrend(days, MONTH, NOW));
    expect(pauses).toBeGreaterThan(0);
    if (sliceMs < 1) expect(pauses).toBeGreaterThan(10);
    // Not a vacuous comparison: the month has absences, lateness, leave, and open days.
    expect(trend!.point.counts).toMatchObject({ absent: expect.any(Number), late: expect.any(Number), on_leave: 6 * 3 });
    expect(trend!.point.counts.absent).toBeGreaterThan(0);
    expect(trend!.point.counts.late).toBeGreaterThan(0);
    expect(trend!.daily!.find((d) => d.date === '2026-03-18')!.open).toBeGreaterThan(0);
  });

  it('leaves the daily part out unless asked, and stops when cancelled', async () => {
    const monthOnly = await computeMonthTrend(src, MONTH, { daily: false, pause: immediately });
    expect(monthOnly!.daily).toBeNull();
    expect(monthOnly!.point).toEqual(monthTrendPoint(MONTH, whole.departments));
    let cancelled = false;
    const stopped = await computeMonthTrend(src, MONTH, { daily: true, sliceMs: 0.000_1, pause: async () => void (cancelled = true), cancelled: () => cancelled });
    expect(stopped).toBeNull();
  });

  it('an empty scope is a month with nobody', async () => {
    const trend = await computeMonthTrend({ ...src, employees: [] }, MONTH, { daily: true, pause: immediately });
    expect(trend!.point).toMatchObject({ employees: 0, rate: null });
    expect(trend!.daily).toHaveLength(31);
  });
});

describe('the memo fingerprint', () => {
  const e = plant().employees;
  it.each([
    ['the same records', [e], [e.map((x) => ({ ...x }))], true],
    ['an edited record (its updatedAt moves)', [e], [[{ ...e[0]!, updatedAt: 1 }, ...e.slice(1)]], false],
    ['one record fewer', [e], [e.slice(1)], false],
    ['a changed shift', [{ shifts: [day] }], [{ shifts: [{ ...day, updatedAt: 5 }] }], false],
    ['the same calendar built twice', [calendar], [buildCalendar([HolidayYear.parse(cn2026)])], true],
    ['another calendar', [calendar], [buildCalendar([])], false],
    ['lost-contact dates', [new Map([['e1', new Set(['2026-03-02'])]])], [new Map([['e1', new Set(['2026-03-03'])]])], false],
  ])('%s', (_, a, b, same) => {
    expect(fingerprint(...a) === fingerprint(...b)).toBe(same);
  });
});
