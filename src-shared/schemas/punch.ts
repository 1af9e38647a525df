import { z } from 'zod';
import { EpochMs, Id } from './common.ts';

export const PunchSource = z.enum(['device-pull', 'device-push', 'usb-import', 'manual']);

/**
 * A raw punch as the terminal recorded it. Append-only: never edited, never deleted; corrections are
 * separate records. The id is deterministic (device serial + pin + timestamp) so pulling the same record
 * twice, or from two terminals, yields one document.
 */
export const Punch = z.object({
  id: Id,
  deviceSerial: z.string().min(1).max(64),
  pin: z.string().min(1).max(24),
  /** Instant of the punch; devices keep local wall time, which the driver converts using Asia/Shanghai. */
  at: EpochMs,
  /** The device's own wall-clock text, kept as evidence of what the device said. */
  deviceLocalTime: z.string().max(32),
  verifyMode: z.number().int().min(0).max(255).default(0),
  punchState: z.number().int().min(0).max(255).default(0),
  source: PunchSource,
  employeeId: Id.nullable().default(null),
  siteId: Id.nullable().default(null),
  receivedAt: EpochMs,
  updatedAt: EpochMs,
});
export type Punch = z.infer<typeof Punch>;
