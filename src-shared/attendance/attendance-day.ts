import { z } from 'zod';
import { EpochMs, Id, LocalDate } from '../schemas/common.ts';

/**
 * One employee's computed attendance for one shift day. It is derived data: recomputing it from the same
 * punches, leave, corrections and calendar always yields the same record, so it can be stored (an
 * `attendance` collection) and simply recomputed when a late punch syncs in or a correction is approved.
 *
 * `absent_contact_pending` is an absence while a lost-contact case (失联) is open: unexplained, but by
 * design never counted as absenteeism (旷工) on its own. `excused` is an absence HR explained afterwards with
 * an audited correction.
 */
export const AttendanceStatus = z.enum([
  'present',
  'late',
  'early_leave',
  'missing_punch',
  'absent',
  'absent_contact_pending',
  'excused',
  'on_leave',
  'rest',
  'holiday',
]);
export type AttendanceStatus = z.infer<typeof AttendanceStatus>;
export const ATTENDANCE_STATUSES = AttendanceStatus.options;

export const DayKindSchema = z.enum(['workday', 'rest_day', 'public_holiday', 'makeup_workday']);
export const LeaveHalves = z.enum(['none', 'am', 'pm', 'full']);
export type LeaveHalves = z.infer<typeof LeaveHalves>;

export function attendanceDayId(employeeId: string, date: string): string {
  return `${employeeId}|${date}`;
}

export const AttendanceDay = z
  .object({
    id: Id.max(140),
    employeeId: Id,
    /** The day the shift starts on (a night shift belongs to the evening it starts). */
    date: LocalDate,
    shiftId: Id,
    dayKind: DayKindSchema,
    holidayName: z.string().max(50).nullable(),
    status: AttendanceStatus,
    /** The shift as scheduled, and the part of it expected after half-day leave. */
    shiftStart: EpochMs,
    shiftEnd: EpochMs,
    expectedStart: EpochMs.nullable(),
    expectedEnd: EpochMs.nullable(),
    leave: LeaveHalves,
    leaveRequestIds: z.array(Id),
    /** The punches read as clock-in and clock-out (null when missing). */
    inAt: EpochMs.nullable(),
    outAt: EpochMs.nullable(),
    inPunchId: Id.nullable(),
    outPunchId: Id.nullable(),
    missing: z.enum(['in', 'out']).nullable(),
    /** Every punch of the day's window that was considered, after duplicates were collapsed. */
    usedPunchIds: z.array(Id),
    /** Punches left out: duplicates within a minute, and punches voided by a correction. */
    ignoredPunchIds: z.array(Id),
    correctionIds: z.array(Id),
    lateMinutes: z.number().int().nonnegative(),
    earlyMinutes: z.number().int().nonnegative(),
    workedMinutes: z.number().int().nonnegative(),
    /** False while the day's punch window is still open: the status may still change. */
    complete: z.boolean(),
    updatedAt: EpochMs,
  })
  .refine((d) => d.id === attendanceDayId(d.employeeId, d.date), { message: 'id must be employeeId|date', path: ['id'] });
export type AttendanceDay = z.infer<typeof AttendanceDay>;
