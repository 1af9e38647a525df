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
  status: z.enum(['pending', 'approved', 'rejected', 'cancelled']).default('pending'),
  decidedBy: z.string().max(100).nullable().default(null),
  decidedAt: z.number().int().nullable().default(null),
}).refine((l) => l.endDate >= l.startDate, { message: 'leave ends before it starts', path: ['endDate'] });
export type LeaveRequest = z.infer<typeof LeaveRequest>;
