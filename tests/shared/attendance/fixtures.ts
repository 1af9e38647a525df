import { fixedSchedule } from '#shared/attendance/work-schedule';
import { readFileSync } from 'node:fs';
import { buildCalendar, HolidayYear } from '#shared/calendar/holiday-calendar';
import { Shift } from '#shared/schemas/attendance-setup';
import { Employee } from '#shared/schemas/employee';
import { LeaveRequest, PunchCorrection } from '#shared/schemas/leave';
import { Punch } from '#shared/schemas/punch';
import { instantOf } from '#shared/time';
import { punchId } from '#shared/ids';

const load = (year: number) => HolidayYear.parse(JSON.parse(readFileSync(new URL(`../../../resources/holidays/cn-${year}.json`, import.meta.url), 'utf8')));
export const calendar = buildCalendar([load(2025), load(2026)]);

export const dayShift = Shift.parse({ id: 'day', kind: 'shift', name: '白班', start: '09:00', end: '18:00', graceMinutes: 5, workDays: [1, 2, 3, 4, 5], updatedAt: 0 });
export const nightShift = Shift.parse({ id: 'night', kind: 'shift', name: '夜班', start: '20:00', end: '08:00', graceMinutes: 10, workDays: [1, 2, 3, 4, 5], updatedAt: 0 });
export const daySchedule = fixedSchedule(dayShift);
export const nightSchedule = fixedSchedule(nightShift);

export const at = instantOf;

/** A raw punch at a Shanghai wall time, as a device would deliver it. */
export function punch(local: string, device = 'DEV-A', pin = '1001', employeeId: string | null = 'e1'): Punch {
  const ms = instantOf(local);
  return Punch.parse({ id: punchId(device, pin, ms), deviceSerial: device, pin, at: ms, deviceLocalTime: local, source: 'device-pull', employeeId, siteId: 's1', receivedAt: ms, updatedAt: ms });
}

export function leave(id: string, startDate: string, endDate: string, startHalf: 'full' | 'am' | 'pm' = 'full', endHalf: 'full' | 'am' | 'pm' = 'full', status: 'approved' | 'pending' = 'approved', employeeId = 'e1'): LeaveRequest {
  return LeaveRequest.parse({ id, kind: 'leave', employeeId, type: 'personal', startDate, endDate, startHalf, endHalf, status, updatedAt: 0 });
}

export function correction(id: string, date: string, action: 'add_punch' | 'void_punch' | 'excuse_absence', extra: { at?: number; punchId?: string; status?: 'approved' | 'pending'; endDate?: string } = {}): PunchCorrection {
  return PunchCorrection.parse({ id, kind: 'punch_correction', employeeId: 'e1', date, action, at: extra.at ?? null, punchId: extra.punchId ?? null, reason: 'HR verified', requestedBy: 'hr', status: extra.status ?? 'approved', ...(extra.endDate ? { endDate: extra.endDate } : {}), updatedAt: 0 });
}

export function employee(id: string, over: Partial<Employee> = {}): Employee {
  return Employee.parse({ id, employeeNo: id.toUpperCase(), name: `员工${id}`, departmentId: 'd1', siteId: 's1', hireDate: '2020-01-01', devicePin: '1001', shiftId: 'day', updatedAt: 0, ...over });
}
