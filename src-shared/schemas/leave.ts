import { z } from 'zod';
import { Id, LocalDate, Stamped } from './common.ts';

export const LeaveType = z.enum(['annual', 'sick', 'personal', 'marriage', 'maternity', 'paternity', 'bereavement', 'work_injury', 'compensatory', 'other']);
export const LeaveRequest = Stamped.extend({
  id: Id,
  kind: z.literal('leave'),
  employeeId: Id,
  type: LeaveType,
  startDate: LocalDate,
  endDate: LocalDate,
  /** Half days: 'am' or 'pm' on the first/last day; 'full' otherwise. */
  startHalf: z.enum(['full', 'am', 'pm']).default('full'),
  endHalf: z.enum(['full', 'am', 'pm']).default('full'),
  reason: z.string().max(500).default(''),
  /** The account that filed it (HR, on the employee's behalf); '' on leave filed before this was recorded. */
  requestedBy: z.string().max(100).default(''),
  status: z.enum(['pending', 'approved', 'rejected', 'cancelled']).default('pending'),
  decidedBy: z.string().max(100).nullable().default(null),
  decidedAt: z.number().int().nullable().default(null),
}).refine((l) => l.endDate >= l.startDate, { message: 'leave ends before it starts', path: ['endDate'] });
export type LeaveRequest = z.infer<typeof LeaveRequest>;

/**
 * A punch correction (补卡 / 考勤更正): a separate, audited record with a reason. It never edits or deletes a
 * raw punch (those stay as the device recorded them, as evidence); the attendance computation applies
 * approved corrections on top of the punches:
 *  - `add_punch`: the employee was there at `at` but has no punch (forgot, device down).
 *  - `void_punch`: disregard punch `punchId` for the day (e.g. a colleague punched with the wrong card).
 *  - `excuse_absence`: the day's absence is explained (e.g. the employee was held against their will);
 *    the day is reported as `excused`, never as absenteeism.
 */
export const PunchCorrection = Stamped.extend({
  id: Id,
  kind: z.literal('punch_correction'),
  employeeId: Id,
  /** The attendance day corrected (the day the shift starts on). */
  date: LocalDate,
  /** `excuse_absence` only: the last day of an explained absence that ran over several days (e.g. a month
   *  held in a pyramid scheme); absent means the one day `date`. */
  endDate: LocalDate.optional(),
  action: z.enum(['add_punch', 'void_punch', 'excuse_absence']),
  at: z.number().int().nonnegative().nullable().default(null),
  punchId: Id.nullable().default(null),
  reason: z.string().trim().min(1, 'a correction needs a reason').max(500),
  requestedBy: z.string().max(100),
  status: z.enum(['pending', 'approved', 'rejected', 'cancelled']).default('pending'),
  decidedBy: z.string().max(100).nullable().default(null),
  decidedAt: z.number().int().nullable().default(null),
})
  .refine((c) => c.action !== 'add_punch' || c.at !== null, { message: 'an added punch needs its time', path: ['at'] })
  .refine((c) => c.action !== 'void_punch' || c.punchId !== null, { message: 'say which punch to disregard', path: ['punchId'] })
  .refine((c) => c.endDate === undefined || (c.action === 'excuse_absence' && c.endDate >= c.date), { message: 'only an excused absence spans days, ending on or after its first day', path: ['endDate'] });
export type PunchCorrection = z.infer<typeof PunchCorrection>;

/** The `requests` collection holds leave requests and punch corrections, told apart by `kind`. */
export const RequestDoc = z.discriminatedUnion('kind', [LeaveRequest, PunchCorrection]);
export type RequestDoc = z.infer<typeof RequestDoc>;
