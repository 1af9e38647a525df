import { describe, expect, it } from 'vitest';
import { AttendanceDay } from '#shared/attendance/attendance-day';
import { computeAttendanceDay, computeAttendanceRange, groupPunchesByEmployee, type EmployeeAttendanceInputs } from '#shared/attendance/daily-attendance';
import { leaveHalvesOn } from '#shared/attendance/leave-coverage';
import { shiftDayAt, shiftDayOf } from '#shared/attendance/shift-day';
import type { Shift } from '#shared/schemas/attendance-setup';
import type { LeaveRequest, PunchCorrection } from '#shared/schemas/leave';
import type { Punch } from '#shared/schemas/punch';
import { fixedSchedule } from '#shared/attendance/work-schedule';
import { at, calendar, correction, daySchedule, dayShift, employee, leave, nightShift, punch } from './fixtures.ts';

// A frozen clock: well after every day below, so all days are complete.
const NOW = at('2026-12-31 23:00');

function inputs(over: Partial<EmployeeAttendanceInputs> = {}): EmployeeAttendanceInputs {
  return { employeeId: 'e1', schedule: daySchedule, calendar, punches: [], leaves: [], corrections: [], now: NOW, ...over };
}

interface Case {
  name: string;
  date: string;
  shift?: Shift;
  punches?: Punch[];
  leaves?: LeaveRequest[];
  corrections?: PunchCorrection[];
  pending?: string[];
  expect: Partial<AttendanceDay>;
}

const cases: Case[] = [
  { name: 'on time in and out', date: '2026-03-02', punches: [punch('2026-03-02 08:55'), punch('2026-03-02 18:02')], expect: { status: 'present', lateMinutes: 0, earlyMinutes: 0, workedMinutes: 547, dayKind: 'workday' } },
  { name: 'punch exactly on the grace boundary is on time', date: '2026-03-02', punches: [punch('2026-03-02 09:05:00'), punch('2026-03-02 18:00')], expect: { status: 'present', lateMinutes: 0 } },
  { name: 'one second past grace is late, minutes from shift start', date: '2026-03-02', punches: [punch('2026-03-02 09:05:01'), punch('2026-03-02 18:00')], expect: { status: 'late', lateMinutes: 6 } },
  { name: 'late 20 minutes', date: '2026-03-02', punches: [punch('2026-03-02 09:20'), punch('2026-03-02 18:00')], expect: { status: 'late', lateMinutes: 20, workedMinutes: 520 } },
  { name: 'leaves 30 minutes early', date: '2026-03-02', punches: [punch('2026-03-02 08:50'), punch('2026-03-02 17:30')], expect: { status: 'early_leave', earlyMinutes: 30 } },
  {
    name: 'duplicate punches from two devices collapse',
    date: '2026-03-02',
    punches: [punch('2026-03-02 08:58:10', 'DEV-A'), punch('2026-03-02 08:58:40', 'DEV-B'), punch('2026-03-02 18:01:00', 'DEV-B'), punch('2026-03-02 18:01:30', 'DEV-A')],
    expect: { status: 'present', inPunchId: 'DEV-A|1001|' + at('2026-03-02 08:58:10'), outPunchId: 'DEV-B|1001|' + at('2026-03-02 18:01:00'), ignoredPunchIds: ['DEV-B|1001|' + at('2026-03-02 08:58:40'), 'DEV-A|1001|' + at('2026-03-02 18:01:30')] },
  },
  { name: 'punches a minute apart are both kept', date: '2026-03-02', punches: [punch('2026-03-02 08:58:00'), punch('2026-03-02 08:59:00'), punch('2026-03-02 18:00')], expect: { status: 'present', inAt: at('2026-03-02 08:58:00') } },
  { name: 'only a clock-in', date: '2026-03-02', punches: [punch('2026-03-02 08:59')], expect: { status: 'missing_punch', missing: 'out', workedMinutes: 0 } },
  { name: 'only a clock-out', date: '2026-03-02', punches: [punch('2026-03-02 18:05')], expect: { status: 'missing_punch', missing: 'in' } },
  { name: 'no punch', date: '2026-03-02', expect: { status: 'absent', usedPunchIds: [] } },
  { name: 'no punch while a lost-contact case is open is not absenteeism', date: '2026-03-02', pending: ['2026-03-02'], expect: { status: 'absent_contact_pending' } },
  { name: 'night shift across midnight belongs to the day it starts', date: '2026-03-02', shift: nightShift, punches: [punch('2026-03-02 19:50'), punch('2026-03-03 08:03')], expect: { status: 'present', workedMinutes: 733, inAt: at('2026-03-02 19:50'), outAt: at('2026-03-03 08:03') } },
  { name: 'night shift next day does not take the morning punch', date: '2026-03-03', shift: nightShift, punches: [punch('2026-03-02 19:50'), punch('2026-03-03 08:03')], expect: { status: 'absent' } },
  { name: 'night shift late after midnight grace', date: '2026-03-02', shift: nightShift, punches: [punch('2026-03-02 20:11'), punch('2026-03-03 08:00')], expect: { status: 'late', lateMinutes: 11 } },
  { name: 'night shift leaving at 03:00 is early', date: '2026-03-02', shift: nightShift, punches: [punch('2026-03-02 19:58'), punch('2026-03-03 03:00')], expect: { status: 'early_leave', earlyMinutes: 300 } },
  { name: 'Friday night shift runs into Saturday and still counts', date: '2026-03-06', shift: nightShift, punches: [punch('2026-03-06 20:00'), punch('2026-03-07 08:00')], expect: { status: 'present', workedMinutes: 720 } },
  { name: 'leap day 2024-02-29 is an ordinary Thursday', date: '2024-02-29', punches: [punch('2024-02-29 09:00'), punch('2024-02-29 18:00')], expect: { status: 'present', dayKind: 'workday' } },
  { name: '调休 make-up Saturday is a workday', date: '2026-02-28', expect: { status: 'absent', dayKind: 'makeup_workday', holidayName: '春节' } },
  { name: '调休 make-up Saturday worked', date: '2026-02-28', punches: [punch('2026-02-28 09:00'), punch('2026-02-28 18:00')], expect: { status: 'present', dayKind: 'makeup_workday' } },
  { name: 'public holiday without punches', date: '2026-10-01', expect: { status: 'holiday', dayKind: 'public_holiday', holidayName: '国庆节', expectedStart: null } },
  { name: 'public holiday worked shows the minutes', date: '2026-10-01', punches: [punch('2026-10-01 09:00'), punch('2026-10-01 12:00')], expect: { status: 'holiday', workedMinutes: 180, lateMinutes: 0, earlyMinutes: 0 } },
  { name: 'ordinary Sunday', date: '2026-03-08', expect: { status: 'rest', dayKind: 'rest_day' } },
  { name: 'full-day leave', date: '2026-03-02', leaves: [leave('L1', '2026-03-02', '2026-03-03')], expect: { status: 'on_leave', leave: 'full', leaveRequestIds: ['L1'] } },
  { name: 'pending leave does not count', date: '2026-03-02', leaves: [leave('L1', '2026-03-02', '2026-03-02', 'full', 'full', 'pending')], expect: { status: 'absent', leave: 'none' } },
  { name: 'morning off: expected from the midpoint', date: '2026-03-02', leaves: [leave('L1', '2026-03-02', '2026-03-02', 'am', 'am')], punches: [punch('2026-03-02 13:33'), punch('2026-03-02 18:00')], expect: { status: 'present', leave: 'am', expectedStart: at('2026-03-02 13:30'), lateMinutes: 0 } },
  { name: 'morning off, arrives late after lunch', date: '2026-03-02', leaves: [leave('L1', '2026-03-02', '2026-03-02', 'am', 'am')], punches: [punch('2026-03-02 13:40'), punch('2026-03-02 18:00')], expect: { status: 'late', lateMinutes: 10 } },
  { name: 'afternoon off: leaves at the midpoint', date: '2026-03-02', leaves: [leave('L1', '2026-03-02', '2026-03-02', 'pm', 'pm')], punches: [punch('2026-03-02 08:58'), punch('2026-03-02 13:31')], expect: { status: 'present', leave: 'pm', expectedEnd: at('2026-03-02 13:30'), earlyMinutes: 0 } },
  { name: 'afternoon off but leaves at noon', date: '2026-03-02', leaves: [leave('L1', '2026-03-02', '2026-03-02', 'pm', 'pm')], punches: [punch('2026-03-02 08:58'), punch('2026-03-02 12:00')], expect: { status: 'early_leave', earlyMinutes: 90 } },
  { name: 'morning off and afternoon off add up to a day', date: '2026-03-02', leaves: [leave('L1', '2026-03-02', '2026-03-02', 'am', 'am'), leave('L2', '2026-03-02', '2026-03-02', 'pm', 'pm')], expect: { status: 'on_leave', leave: 'full' } },
  { name: 'correction adds the forgotten clock-out, punches untouched', date: '2026-03-02', punches: [punch('2026-03-02 08:59')], corrections: [correction('C1', '2026-03-02', 'add_punch', { at: at('2026-03-02 18:00') })], expect: { status: 'present', outPunchId: 'correction:C1', correctionIds: ['C1'] } },
  { name: 'pending correction does not count', date: '2026-03-02', punches: [punch('2026-03-02 08:59')], corrections: [correction('C1', '2026-03-02', 'add_punch', { at: at('2026-03-02 18:00'), status: 'pending' })], expect: { status: 'missing_punch', correctionIds: [] } },
  { name: 'correction voids a wrong punch', date: '2026-03-02', punches: [punch('2026-03-02 08:59'), punch('2026-03-02 18:00'), punch('2026-03-02 20:00')], corrections: [correction('C1', '2026-03-02', 'void_punch', { punchId: 'DEV-A|1001|' + at('2026-03-02 08:59') })], expect: { status: 'missing_punch', missing: 'in', outAt: at('2026-03-02 20:00') } },
  { name: 'excused absence after the employee returned', date: '2026-03-02', pending: ['2026-03-02'], corrections: [correction('C1', '2026-03-02', 'excuse_absence')], expect: { status: 'excused' } },
];

describe('daily attendance', () => {
  it.each(cases)('$name', (c) => {
    const day = computeAttendanceDay(inputs({ schedule: fixedSchedule(c.shift ?? dayShift), punches: c.punches ?? [], leaves: c.leaves ?? [], corrections: c.corrections ?? [], contactPendingDates: new Set(c.pending ?? []) }), c.date);
    expect(day).toMatchObject(c.expect);
    // Every computed day is a valid stored document.
    expect(AttendanceDay.parse(day)).toEqual(day);
    expect(day.id).toBe(`e1|${c.date}`);
  });

  it('computes the same days whatever time zone the computer is set to (Asia/Shanghai has no daylight saving)', () => {
    // New York moves its clocks on Sunday 8 March 2026, Berlin on 29 March: a night shift across either
    // weekend, computed on a terminal set to those zones, must still be Shanghai's.
    const punches = [punch('2026-03-06 19:55'), punch('2026-03-07 08:01'), punch('2026-03-09 20:02'), punch('2026-03-10 08:01'), punch('2026-03-27 20:20'), punch('2026-03-28 08:00')];
    const compute = () => [...computeAttendanceRange(inputs({ schedule: fixedSchedule(nightShift), punches }), '2026-03-05', '2026-03-11'), ...computeAttendanceRange(inputs({ schedule: fixedSchedule(nightShift), punches }), '2026-03-26', '2026-03-30')];
    const original = process.env.TZ;
    try {
      const zones = ['Asia/Shanghai', 'America/New_York', 'Europe/Berlin', 'Pacific/Chatham', 'UTC'];
      const results = zones.map((tz) => {
        process.env.TZ = tz;
        return { hour: new Date(at('2026-03-09 12:00')).getHours(), days: compute() };
      });
      // The zone really changed under the computation (or this test would prove nothing)…
      expect(new Set(results.map((r) => r.hour)).size).toBe(zones.length);
      // …and the days did not.
      for (const r of results) expect(r.days).toEqual(results[0]!.days);
      expect(results[0]!.days.filter((d) => d.status === 'present').map((d) => d.date)).toEqual(['2026-03-06', '2026-03-09']);
      expect(results[0]!.days.find((d) => d.date === '2026-03-27')).toMatchObject({ status: 'late', lateMinutes: 20 });
    } finally {
      if (original === undefined) delete process.env.TZ;
      else process.env.TZ = original;
    }
  });

  it('punches arriving late through sync: recomputing gives the corrected result', () => {
    const morning = punch('2026-03-04 09:12');
    const evening = punch('2026-03-04 18:00', 'DEV-B');
    const before = computeAttendanceDay(inputs({ punches: [morning], now: at('2026-03-04 20:00') }), '2026-03-04');
    expect(before).toMatchObject({ status: 'missing_punch', missing: 'out', lateMinutes: 12, complete: false });
    // The second terminal syncs its punch the next morning; the same input order does not matter.
    const after = computeAttendanceDay(inputs({ punches: [evening, morning], now: at('2026-03-05 09:00') }), '2026-03-04');
    expect(after).toMatchObject({ id: before.id, status: 'late', missing: null, lateMinutes: 12, workedMinutes: 528, complete: true });
    // Recomputing is idempotent: the same inputs give the same record.
    expect(computeAttendanceDay(inputs({ punches: [morning, evening], now: at('2026-03-05 09:00') }), '2026-03-04')).toEqual(after);
  });

  it('never alters the punches or corrections it is given', () => {
    const punches = [punch('2026-03-02 08:59'), punch('2026-03-02 18:00')];
    const corrections = [correction('C1', '2026-03-02', 'void_punch', { punchId: punches[0]!.id })];
    const snapshot = JSON.stringify({ punches, corrections });
    computeAttendanceDay(inputs({ punches, corrections }), '2026-03-02');
    expect(JSON.stringify({ punches, corrections })).toBe(snapshot);
  });

  it('a range over leap February 2024 has 29 days, one record each', () => {
    const days = computeAttendanceRange(inputs({ punches: [punch('2024-02-29 09:00'), punch('2024-02-29 18:00')] }), '2024-02-01', '2024-02-29');
    expect(days).toHaveLength(29);
    expect(days.at(-1)).toMatchObject({ date: '2024-02-29', status: 'present' });
    expect(new Set(days.map((d) => d.id)).size).toBe(29);
  });

  it('the day is incomplete while its punch window is open', () => {
    const during = computeAttendanceDay(inputs({ punches: [punch('2026-03-02 09:00')], now: at('2026-03-02 12:00') }), '2026-03-02');
    expect(during.complete).toBe(false);
    // The day shift's window closes halfway between 18:00 and the next 09:00.
    expect(computeAttendanceDay(inputs({ now: at('2026-03-03 01:29') }), '2026-03-02').complete).toBe(false);
    expect(computeAttendanceDay(inputs({ now: at('2026-03-03 01:30') }), '2026-03-02').complete).toBe(true);
  });
});

describe('shift days and punch windows', () => {
  it.each([
    // shift, instant, the shift day it belongs to
    [dayShift, '2026-03-02 01:29', '2026-03-01'],
    [dayShift, '2026-03-02 01:30', '2026-03-02'],
    [nightShift, '2026-03-03 07:59', '2026-03-02'],
    [nightShift, '2026-03-03 13:59', '2026-03-02'],
    [nightShift, '2026-03-03 14:00', '2026-03-03'],
    [nightShift, '2026-03-31 23:00', '2026-03-31'],
    [nightShift, '2026-04-01 08:00', '2026-03-31'],
  ] as [Shift, string, string][])('%# %s → %s', (shift, local, date) => {
    expect(shiftDayAt(shift, at(local)).date).toBe(date);
  });

  it('a shift whose end equals its start lasts 24 hours', () => {
    const d = shiftDayOf({ start: '08:00', end: '08:00' }, '2026-03-02');
    expect(d.end - d.start).toBe(86_400_000);
  });
});

describe('leave halves', () => {
  it.each([
    // startDate, endDate, startHalf, endHalf, date, covered
    ['2026-03-02', '2026-03-02', 'full', 'full', '2026-03-02', 'full'],
    ['2026-03-02', '2026-03-02', 'am', 'am', '2026-03-02', 'am'],
    ['2026-03-02', '2026-03-02', 'pm', 'pm', '2026-03-02', 'pm'],
    ['2026-03-02', '2026-03-02', 'am', 'full', '2026-03-02', 'am'],
    ['2026-03-02', '2026-03-02', 'full', 'pm', '2026-03-02', 'pm'],
    ['2026-03-02', '2026-03-02', 'am', 'pm', '2026-03-02', 'full'],
    ['2026-03-02', '2026-03-04', 'pm', 'am', '2026-03-02', 'pm'],
    ['2026-03-02', '2026-03-04', 'pm', 'am', '2026-03-03', 'full'],
    ['2026-03-02', '2026-03-04', 'pm', 'am', '2026-03-04', 'am'],
    ['2026-03-02', '2026-03-04', 'pm', 'am', '2026-03-05', 'none'],
  ] as const)('%s..%s %s/%s on %s covers %s', (startDate, endDate, startHalf, endHalf, date, covered) => {
    expect(leaveHalvesOn({ startDate, endDate, startHalf, endHalf }, date)).toBe(covered);
  });
});

describe('matching punches to employees', () => {
  it('uses the employee id when the punch has one, else the device PIN', () => {
    const employees = [employee('e1', { devicePin: '1001' }), employee('e2', { devicePin: '1002' })];
    const a = punch('2026-03-02 09:00', 'DEV-A', '1001', 'e1');
    const b = punch('2026-03-02 09:01', 'DEV-A', '1002', null);
    const c = punch('2026-03-02 09:02', 'DEV-A', '9999', null);
    const d = punch('2026-03-02 09:03', 'DEV-A', '1001', 'gone');
    const { byEmployee, unmatched } = groupPunchesByEmployee(employees, [a, b, c, d]);
    expect(byEmployee.get('e1')).toEqual([a]);
    expect(byEmployee.get('e2')).toEqual([b]);
    expect(unmatched).toEqual([c, d]);
  });
});

describe('story 1: a month missing, then back', () => {
  it('contact-pending days become excused with one audited correction; the punches stay as they were', () => {
    const pending = new Set<string>();
    for (let d = 2; d <= 31; d++) pending.add(`2026-03-${String(d).padStart(2, '0')}`);
    const back = [punch('2026-04-01 08:57'), punch('2026-04-01 18:01')];
    const base = inputs({ punches: back, contactPendingDates: pending, now: at('2026-04-02 12:00') });
    const before = computeAttendanceRange(base, '2026-03-01', '2026-04-01');
    expect(new Set(before.filter((d) => d.dayKind === 'workday' && d.date < '2026-04-01').map((d) => d.status))).toEqual(new Set(['absent_contact_pending']));
    const excuse = correction('C-return', '2026-03-02', 'excuse_absence', { endDate: '2026-03-31' });
    const after = computeAttendanceRange({ ...base, corrections: [excuse] }, '2026-03-01', '2026-04-01');
    const workdays = after.filter((d) => d.dayKind === 'workday');
    expect(workdays.filter((d) => d.status === 'excused')).toHaveLength(22);
    expect(workdays.every((d) => d.status === 'excused' ? d.correctionIds.includes('C-return') : true)).toBe(true);
    expect(after.at(-1)).toMatchObject({ date: '2026-04-01', status: 'present', inPunchId: back[0]!.id });
  });
});
