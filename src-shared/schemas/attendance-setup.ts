import { z } from 'zod';
import { Id, Stamped, TimeOfDay } from './common.ts';

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
  workDays: z.array(z.number().int().min(1).max(7)).default([1, 2, 3, 4, 5]),
});
export type Shift = z.infer<typeof Shift>;

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
