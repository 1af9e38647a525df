import { describe, expect, it } from 'vitest';
import { findAnomalies } from '#shared/attendance/anomalies';
import { computeAttendanceRange } from '#shared/attendance/daily-attendance';
import { fixedSchedule, rotationSchedule, scheduledDayAt, scheduledDayOf, scheduleLookup } from '#shared/attendance/work-schedule';
import { shiftDayOf } from '#shared/attendance/shift-day';
import { Rotation, Shift } from '#shared/schemas/attendance-setup';
import { addDays } from '#shared/time';
import { at, calendar, dayShift, employee, punch } from './fixtures.ts';

// 做二休二 from Monday 2 March 2026: two day shifts, two night shifts, two days off, repeating.
const day = Shift.parse({ id: 'd', kind: 'shift', name: '白班', start: '08:00', end: '20:00', graceMinutes: 5, workDays: [1, 2, 3, 4, 5], updatedAt: 0 });
const night = Shift.parse({ id: 'n', kind: 'shift', name: '夜班', start: '20:00', end: '08:00', graceMinutes: 10, workDays: [1, 2, 3, 4, 5], updatedAt: 0 });
const shifts = new Map([day, night].map((s) => [s.id, s]));
const twoTwoTwo = Rotation.parse({ id: 'r', kind: 'rotation', name: '做二休二', anchorDate: '2026-03-02', pattern: ['d', 'd', 'n', 'n', null, null], updatedAt: 0 });
const rotation = rotationSchedule(twoTwoTwo, shifts)!;

describe('rotation schema', () => {
  it.each([
    ['fewer than two days', { pattern: ['d'] }, 'at least two days'],
    ['only rest days', { pattern: [null, null] }, 'at least one working day'],
    ['longer than eight weeks', { pattern: Array.from({ length: 57 }, () => 'd') }, 'within 8 weeks'],
    ['not a date', { anchorDate: '2026-02-30' }, 'not a real calendar date'],
  ])('refuses %s', (_name, over, message) => {
    const r = Rotation.safeParse({ ...twoTwoTwo, ...over });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toContain(message);
  });
});

describe('which day of the cycle a date is', () => {
  it.each([
    ['2026-03-02', 'd', true, 'workday'], // the anchor: slot 0
    ['2026-03-03', 'd', true, 'workday'],
    ['2026-03-04', 'n', true, 'workday'],
    ['2026-03-05', 'n', true, 'workday'],
    ['2026-03-06', 'n', false, 'rest_day'], // a day off keeps the last worked hours
    ['2026-03-07', 'n', false, 'rest_day'],
    ['2026-03-08', 'd', true, 'workday'], // a Sunday, worked: the pattern decides, not the weekday
    ['2026-03-01', 'n', false, 'rest_day'], // before the anchor the cycle runs backwards
    ['2026-02-24', 'd', true, 'workday'],
    ['2026-03-11', 'n', true, 'workday'], // nine days after the anchor: slot 3
    ['2026-02-21', 'n', true, 'public_holiday'], // nine days before: slot 3 too, but in the 春节 holiday
  ])('%s', (date, shiftId, works, kind) => {
    const plan = rotation.planOn(date);
    expect([plan.shift.id, plan.works, rotation.kindOn(calendar, date)]).toEqual([shiftId, works, kind]);
  });

  it('public holidays are days off unless the rotation runs through them; 调休 make-up days do not apply', () => {
    // 2026-10-01 (国庆节) is slot 5 of a cycle anchored on 2026-09-26, i.e. a day off anyway: anchor it so it is worked.
    const worked = rotationSchedule({ ...twoTwoTwo, anchorDate: '2026-10-01' }, shifts)!;
    expect(worked.kindOn(calendar, '2026-10-01')).toBe('public_holiday');
    const continuous = rotationSchedule({ ...twoTwoTwo, anchorDate: '2026-10-01', observesPublicHolidays: false }, shifts)!;
    expect(continuous.kindOn(calendar, '2026-10-01')).toBe('workday');
    // 2026-02-28 is a make-up Saturday (调休上班) for ordinary weeks; in this cycle it is a day off.
    const onMakeup = rotationSchedule({ ...twoTwoTwo, anchorDate: '2026-02-24' }, shifts)!;
    expect(onMakeup.planOn('2026-02-28').works).toBe(false);
    expect(onMakeup.kindOn(calendar, '2026-02-28')).toBe('rest_day');
  });

  it('a pattern naming a shift that is not on file cannot be judged', () => {
    expect(rotationSchedule({ ...twoTwoTwo, pattern: ['d', 'gone'] }, shifts)).toBeNull();
    const lookup = scheduleLookup([day, night], [twoTwoTwo, { ...twoTwoTwo, id: 'broken', pattern: ['gone', null] }]);
    expect(lookup('r')?.kind).toBe('rotation');
    expect(lookup('d')?.kind).toBe('shift');
    expect(lookup('broken')).toBeNull();
    expect(lookup(null)).toBeNull();
    expect(lookup('nope')).toBeNull();
  });
});

describe('punch windows on a rotation', () => {
  it('consecutive dates tile the timeline: each window starts where the previous one ends', () => {
    let date = '2026-02-20';
    for (let i = 0; i < 30; i++, date = addDays(date, 1)) {
      const today = scheduledDayOf(rotation, date);
      const tomorrow = scheduledDayOf(rotation, addDays(date, 1));
      expect(today.windowEnd, date).toBe(tomorrow.windowStart);
      expect(today.windowStart, date).toBeLessThan(today.windowEnd);
    }
  });

  it.each([
    ['the second day shift ends late: 22:00 still belongs to it', '2026-03-03 22:00', '2026-03-03'],
    ['a night-shift clock-in before 20:00 belongs to the night', '2026-03-04 19:40', '2026-03-04'],
    ['the night handover at 08:00: the clock-out belongs to the night before', '2026-03-05 07:58', '2026-03-04'],
    ['the last night’s clock-out, on the first day off', '2026-03-06 08:20', '2026-03-05'],
    ['a punch on the afternoon of a day off is that day’s (overtime)', '2026-03-06 15:00', '2026-03-06'],
    ['the day off before the next day shift does not take its early clock-in', '2026-03-08 07:15', '2026-03-08'],
    ['two days off meet at midnight', '2026-03-06 23:59', '2026-03-06'],
    ['two days off meet at midnight (after)', '2026-03-07 00:01', '2026-03-07'],
  ])('%s', (_name, when, date) => {
    expect(scheduledDayAt(rotation, at(when)).date).toBe(date);
  });

  it('a fixed shift lays out exactly as shift-day.ts does', () => {
    const fixed = fixedSchedule(dayShift);
    for (const date of ['2026-03-02', '2026-03-07', '2026-10-01']) {
      const { shift, ...laid } = scheduledDayOf(fixed, date);
      expect(laid).toEqual({ ...shiftDayOf(dayShift, date) });
      expect(shift).toBe(dayShift);
    }
  });
});

describe('attendance and the anomaly rule on a rotation', () => {
  const worker = employee('e1', { shiftId: 'r' });

  it('computes each date against that date’s shift, and days off as rest', () => {
    const punches = [
      punch('2026-03-02 07:55'), punch('2026-03-02 20:02'), // day shift, on time
      punch('2026-03-03 08:12'), punch('2026-03-03 20:00'), // day shift, late
      punch('2026-03-04 19:58'), punch('2026-03-05 08:01'), // night shift
      // 2026-03-05 night: no punch
      punch('2026-03-07 10:00'), punch('2026-03-07 12:00'), // came in on a day off
    ];
    const days = computeAttendanceRange({ employeeId: 'e1', schedule: rotation, calendar, punches, leaves: [], corrections: [], now: at('2026-03-09 12:00') }, '2026-03-02', '2026-03-07');
    expect(days.map((d) => [d.date, d.shiftId, d.status, d.lateMinutes])).toEqual([
      ['2026-03-02', 'd', 'present', 0],
      ['2026-03-03', 'd', 'late', 12],
      ['2026-03-04', 'n', 'present', 0],
      ['2026-03-05', 'n', 'absent', 0],
      ['2026-03-06', 'n', 'rest', 0],
      ['2026-03-07', 'n', 'rest', 0],
    ]);
    expect(days[5]!.workedMinutes).toBe(120);
  });

  it('raises the anomaly against the day’s shift and its grace, and stays quiet on days off', () => {
    const find = (when: string) =>
      findAnomalies({ employees: [worker], shifts: [day, night], rotations: [twoTwoTwo], punches: [], leaves: [], calendar, now: at(when) }).map((a) => [a.date, a.shiftId, a.detectedAt]);
    expect(find('2026-03-02 08:04')).toEqual([]); // inside the day shift's 5-minute grace
    expect(find('2026-03-02 08:06')).toEqual([['2026-03-02', 'd', at('2026-03-02 08:05')]]);
    expect(find('2026-03-04 12:00')).toEqual([]); // the night shift of 4 March has not started
    expect(find('2026-03-04 20:11')).toEqual([['2026-03-04', 'n', at('2026-03-04 20:10')]]);
    expect(find('2026-03-06 21:00')).toEqual([]); // a day off
    expect(find('2026-03-08 08:30')).toEqual([['2026-03-08', 'd', at('2026-03-08 08:05')]]); // Sunday, worked
  });
});
