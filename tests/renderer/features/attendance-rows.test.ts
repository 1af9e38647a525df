import { describe, expect, it } from 'vitest';
import { buildCalendar, HolidayYear } from '#shared/calendar/holiday-calendar';
import { punchId } from '#shared/ids';
import { Shift } from '#shared/schemas/attendance-setup';
import { Employee } from '#shared/schemas/employee';
import { LeaveRequest, PunchCorrection } from '#shared/schemas/leave';
import { Punch } from '#shared/schemas/punch';
import { instantOf } from '#shared/time';
import cn2026 from '../../../resources/holidays/cn-2026.json';
import { computeRows, monthSummaries, punchRangeFor, rowLabel, type AttendanceSources } from '../../../src-renderer/features/attendance/attendance-rows.ts';

const calendar = buildCalendar([HolidayYear.parse(cn2026)]);
const day = Shift.parse({ id: 'day', kind: 'shift', name: '白班', start: '08:00', end: '17:00', graceMinutes: 5, workDays: [1, 2, 3, 4, 5], updatedAt: 0 });
const night = Shift.parse({ id: 'night', kind: 'shift', name: '夜班', start: '20:00', end: '05:00', graceMinutes: 5, workDays: [1, 2, 3, 4, 5], updatedAt: 0 });
const emp = (id: string, pin: string, over: Partial<Employee> = {}) =>
  Employee.parse({ id, employeeNo: id.toUpperCase(), name: id, departmentId: 'd1', siteId: 's1', hireDate: '2025-01-01', devicePin: pin, shiftId: 'day', updatedAt: 0, ...over });
// Punches arrive with employeeId when the PIN matched at ingest, or null (matched here by PIN).
const punch = (pin: string, local: string, employeeId: string | null = null) => {
  const at = instantOf(local);
  return Punch.parse({ id: punchId('ZK1', pin, at), deviceSerial: 'ZK1', pin, at, deviceLocalTime: local, source: 'device-pull', employeeId, receivedAt: at, updatedAt: at });
};

// 2026-03-02 is a Monday.
const D = '2026-03-02';
const after = instantOf('2026-03-04 12:00');

function sources(over: Partial<AttendanceSources> = {}): AttendanceSources {
  return {
    employees: [emp('a', '1'), emp('b', '2'), emp('c', '3'), emp('n', '4', { shiftId: 'night' }), emp('x', '5', { shiftId: null }), emp('gone', '6', { status: 'terminated' }), emp('new', '7', { hireDate: '2026-04-01' })],
    shifts: [day, night],
    punches: [
      punch('1', `${D} 07:58`, 'a'),
      punch('1', `${D} 17:01`, 'a'),
      punch('2', `${D} 08:12`),
      punch('2', `${D} 17:05`),
      punch('4', `${D} 19:55`),
      punch('4', '2026-03-03 05:02'), // the night shift's clock-out, next morning
    ],
    requests: [],
    calendar,
    now: after,
    ...over,
  };
}

describe('computeRows', () => {
  it('judges each employed person with a shift, matching punches by PIN when ingest could not', () => {
    const rows = computeRows(sources(), D, D);
    const by = new Map(rows.map((r) => [r.employee.id, r]));
    expect([...by.keys()].sort()).toEqual(['a', 'b', 'c', 'n', 'x']); // terminated and not-yet-hired are left out
    expect(by.get('a')!.day!.status).toBe('present');
    expect(by.get('b')!.day!.status).toBe('late');
    expect(by.get('b')!.day!.lateMinutes).toBe(12);
    expect(by.get('c')!.day!.status).toBe('absent');
    expect(by.get('n')!.day!.status).toBe('present');
    expect(by.get('x')!.day).toBeNull();
    expect(rowLabel(by.get('x')!, after)).toBe('no_shift');
  });

  it('applies approved corrections and leave, ignores pending ones', () => {
    const fix = PunchCorrection.parse({ id: 'k1', kind: 'punch_correction', employeeId: 'c', date: D, action: 'excuse_absence', reason: '暴雨封路', requestedBy: 'hr', status: 'approved', updatedAt: 0 });
    const pending = LeaveRequest.parse({ id: 'l1', kind: 'leave', employeeId: 'b', type: 'sick', startDate: D, endDate: D, status: 'pending', updatedAt: 0 });
    const rows = computeRows(sources({ requests: [fix, pending] }), D, D);
    expect(rows.find((r) => r.employee.id === 'c')!.day!.status).toBe('excused');
    expect(rows.find((r) => r.employee.id === 'b')!.day!.status).toBe('late');
    const approved = computeRows(sources({ requests: [{ ...pending, status: 'approved' }] }), D, D);
    expect(approved.find((r) => r.employee.id === 'b')!.day!.status).toBe('on_leave');
  });
});

describe('rowLabel', () => {
  it('does not call anyone absent before their shift has ended, and shows clocked-in people on duty', () => {
    const during = instantOf(`${D} 10:00`);
    const rows = computeRows(sources({ now: during, punches: [punch('1', `${D} 07:58`)] }), D, D);
    const label = (id: string, now: number) => rowLabel(rows.find((r) => r.employee.id === id)!, now);
    expect(label('c', instantOf(`${D} 07:30`))).toBe('not_yet');
    expect(label('c', instantOf(`${D} 08:05`))).toBe('not_yet'); // inside the grace
    expect(label('c', instantOf(`${D} 08:06`))).toBe('not_arrived');
    expect(label('c', during)).toBe('not_arrived');
    expect(label('a', during)).toBe('on_duty');
    expect(label('c', instantOf(`${D} 17:30`))).toBe('absent');
    // With a lost-contact case open, the day reads 待联系 at once.
    const pending = computeRows(sources({ now: during, contactPendingDates: new Map([['c', new Set([D])]]) }), D, D);
    expect(rowLabel(pending.find((r) => r.employee.id === 'c')!, during)).toBe('absent_contact_pending');
  });
});

describe('monthSummaries', () => {
  it('counts only the days already over in a month in progress', () => {
    const s = monthSummaries(sources(), '2026-03'); // now: Wed 4 March, noon
    const c = s.employees.find((e) => e.employeeId === 'c')!;
    expect(c.scheduledDays).toBe(2); // Mon 2 and Tue 3; Wednesday's shift is not over
    expect(c.counts.absent).toBe(2);
  });

  it('adds up a month per employee and per department', () => {
    const s = monthSummaries(sources({ now: instantOf('2026-04-02') }), '2026-03');
    const a = s.employees.find((e) => e.employeeId === 'a')!;
    expect(a.counts.present).toBe(1);
    expect(a.scheduledDays).toBe(22); // March 2026: 22 weekdays, no public holiday
    const dep = s.departments.find((d) => d.departmentId === 'd1')!;
    expect(dep.employees).toBe(4); // a, b, c, n (x has no shift)
    expect(dep.counts.late).toBe(1);
  });
});

describe('punchRangeFor', () => {
  it('reaches a day either side so night shifts are read whole', () => {
    expect(punchRangeFor(D, D)).toEqual({ fromMs: instantOf('2026-03-01'), toMs: instantOf('2026-03-04') });
  });
});
