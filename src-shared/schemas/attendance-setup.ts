import { z } from 'zod';
import { Id, LocalDate, Stamped, TimeOfDay } from './common.ts';

/**
 * A shift: work from `start` to `end` local time. When `end` <= `start` the shift crosses midnight and
 * belongs to the day it starts on.
 */
export const Shift = Stamped.extend({
  id: Id,
  kind: z.literal('shift'),
  name: z.string().trim().min(1).max(50),
  siteId: Id.nullable().default(null),
  start: TimeOfDay,
  end: TimeOfDay,
  /** Minutes after start before a punch counts as late (and the anomaly rule fires). */
  graceMinutes: z.number().int().min(0).max(240).default(5),
  /** Weekdays the shift works, 1 = Monday … 7 = Sunday. */
  workDays: z.array(z.number().int().min(1).max(7)).min(1, 'a shift needs at least one work day').default([1, 2, 3, 4, 5]),
});
export type Shift = z.infer<typeof Shift>;

/**
 * A rotation (倒班): a repeating pattern of shifts and rest days, one slot per day, starting on `anchorDate`
 * (slot 0 falls on the anchor, slot 1 on the next day, and so on, in both directions). 做二休二 is
 * [白班, 白班, 夜班, 夜班, 休, 休]; teams on the same pattern but a few days apart (四班三运转's 甲乙丙丁) are
 * rotations of their own with different anchors.
 *
 * The pattern decides which days are worked, so the national make-up workdays (调休上班) do not apply; public
 * holidays are days off unless the rotation keeps running through them (continuous production, where work
 * on a holiday is holiday overtime).
 */
export const Rotation = Stamped.extend({
  id: Id,
  kind: z.literal('rotation'),
  name: z.string().trim().min(1).max(50),
  siteId: Id.nullable().default(null),
  anchorDate: LocalDate,
  /** A shift id per day, or null for a rest day. */
  pattern: z
    .array(Id.nullable())
    .min(2, 'a rotation needs at least two days')
    .max(56, 'a rotation repeats within 8 weeks')
    .refine((p) => p.some((slot) => slot !== null), 'a rotation needs at least one working day'),
  observesPublicHolidays: z.boolean().default(true),
});
export type Rotation = z.infer<typeof Rotation>;

export const DeviceDriver = z.enum(['zkteco', 'hanvon']);
export const Device = Stamped.extend({
  id: Id,
  kind: z.literal('device'),
  name: z.string().trim().min(1).max(100),
  driver: DeviceDriver,
  host: z.string().trim().min(1).max(255),
  port: z.number().int().min(1).max(65535),
  transport: z.enum(['tcp', 'udp']).default('tcp'),
  commKey: z.number().int().min(0).max(999999).default(0),
  siteId: Id,
  serialNumber: z.string().max(64).default(''),
  pollIntervalMinutes: z.number().int().min(1).max(24 * 60).default(5),
  enabled: z.boolean().default(true),
});
export type Device = z.infer<typeof Device>;
