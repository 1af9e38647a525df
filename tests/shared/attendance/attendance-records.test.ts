import { describe, expect, it } from 'vitest';
import { AttendanceDay } from '#shared/attendance/attendance-day';
import { computeAttendanceDay } from '#shared/attendance/daily-attendance';
import { COLLECTIONS } from '#shared/collections';
import { PunchCorrection, RequestDoc } from '#shared/schemas/leave';
import { at, calendar, daySchedule, dayShift, punch } from './fixtures.ts';

const base = { id: 'C1', kind: 'punch_correction', employeeId: 'e1', date: '2026-03-02', reason: '设备故障', requestedBy: 'hr1', updatedAt: 0 };

describe('punch corrections', () => {
  it.each([
    [{ ...base, action: 'add_punch', at: at('2026-03-02 18:00') }, true, ''],
    [{ ...base, action: 'add_punch' }, false, 'needs its time'],
    [{ ...base, action: 'void_punch', punchId: 'DEV-A|1001|1' }, true, ''],
    [{ ...base, action: 'void_punch' }, false, 'which punch'],
    [{ ...base, action: 'excuse_absence' }, true, ''],
    [{ ...base, action: 'excuse_absence', reason: '  ' }, false, 'needs a reason'],
    [{ ...base, action: 'excuse_absence', date: '2026-02-30' }, false, 'not a real calendar date'],
    [{ ...base, action: 'rewrite_punch' }, false, ''],
    [{ ...base, action: 'excuse_absence', endDate: '2026-03-31' }, true, ''],
    [{ ...base, action: 'excuse_absence', endDate: '2026-03-01' }, false, 'only an excused absence spans days'],
    [{ ...base, action: 'add_punch', at: 1, endDate: '2026-03-03' }, false, 'only an excused absence spans days'],
  ])('%# validates', (input, ok, message) => {
    const r = PunchCorrection.safeParse(input);
    expect(r.success).toBe(ok);
    if (!ok && message) expect(JSON.stringify(r.error?.issues)).toContain(message);
  });

  it('shares the requests collection with leave, told apart by kind', () => {
    const leave = RequestDoc.parse({ id: 'L1', kind: 'leave', employeeId: 'e1', type: 'sick', startDate: '2026-03-02', endDate: '2026-03-02', updatedAt: 0 });
    const correction = RequestDoc.parse({ ...base, action: 'excuse_absence' });
    expect([leave.kind, correction.kind]).toEqual(['leave', 'punch_correction']);
    expect(COLLECTIONS.requests.schema.safeParse({ ...base, kind: 'other' }).success).toBe(false);
    // The leave rule still applies inside the union.
    expect(RequestDoc.safeParse({ id: 'L2', kind: 'leave', employeeId: 'e1', type: 'sick', startDate: '2026-03-03', endDate: '2026-03-02', updatedAt: 0 }).success).toBe(false);
  });
});

describe('attendance day records', () => {
  it('round-trips through JSON and insists on the deterministic id', () => {
    const day = computeAttendanceDay({ employeeId: 'e1', schedule: daySchedule, calendar, punches: [punch('2026-03-02 09:00'), punch('2026-03-02 18:00')], leaves: [], corrections: [], now: at('2026-03-03 12:00') }, '2026-03-02');
    expect(AttendanceDay.parse(JSON.parse(JSON.stringify(day)))).toEqual(day);
    expect(AttendanceDay.safeParse({ ...day, id: 'random' }).success).toBe(false);
    expect(AttendanceDay.safeParse({ ...day, status: '旷工' }).success).toBe(false);
  });
});
