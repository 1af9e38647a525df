/**
 * Bridge calls for attendance devices (connect/test, configure polling, pull now, status, USB import,
 * clock, clear log). Merged into the bridge contract in contract.ts; implemented by
 * src-main/devices/service.ts.
 */
import { z } from 'zod';
import { Device } from '../schemas/attendance-setup.ts';
import { Punch } from '../schemas/punch.ts';

const RenshiErrorPayload = z.object({ code: z.string(), message: z.string() });
const WallTime = z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, 'time must be YYYY-MM-DD HH:MM:SS');

/** How to reach a terminal (a Device document carries the same fields). */
export const DeviceEndpointInput = z.object({
  driver: z.enum(['zkteco', 'hanvon']),
  host: z.string().trim().min(1).max(255),
  port: z.number().int().min(1).max(65535),
  transport: z.enum(['tcp', 'udp']).default('tcp'),
  commKey: z.number().int().min(0).max(999999).default(0),
  timeoutMs: z.number().int().min(200).max(60_000).default(5000),
});

export const DeviceInfoOutput = z.object({
  serialNumber: z.string(),
  firmware: z.string(),
  userCount: z.number().int(),
  recordCount: z.number().int(),
  deviceTime: z.string(),
  /** Device clock minus host clock, ms (positive: the device is ahead). */
  skewMs: z.number(),
  latencyMs: z.number(),
});

export const DeviceAlert = z.enum(['unreachable', 'clock-skew', 'sink-failed']);

export const DeviceStatus = z.object({
  deviceId: z.string(),
  name: z.string(),
  state: z.enum(['idle', 'pulling', 'ok', 'error', 'disabled']),
  serialNumber: z.string().nullable(),
  /** Latest device wall time delivered; the next pull re-reads from this minus the overlap window. */
  cursor: z.string().nullable(),
  lastAttemptAt: z.number().nullable(),
  lastSuccessAt: z.number().nullable(),
  /** First failure of the current failure streak. */
  failingSince: z.number().nullable(),
  lastError: RenshiErrorPayload.nullable(),
  skewMs: z.number().nullable(),
  alerts: z.array(DeviceAlert),
  lastPull: z.object({ read: z.number().int(), delivered: z.number().int(), skipped: z.number().int() }).nullable(),
  nextPullAt: z.number().nullable(),
});
export type DeviceStatus = z.infer<typeof DeviceStatus>;

export const PullResult = z.object({
  deviceId: z.string(),
  read: z.number().int(),
  delivered: z.number().int(),
  skipped: z.number().int(),
  cursor: z.string().nullable(),
});
export type PullResult = z.infer<typeof PullResult>;

export const ImportPreviewOutput = z.object({
  format: z.enum(['zkteco-attlog', 'hanvon-csv']),
  rows: z.array(Punch.extend({ line: z.number().int() })),
  errors: z.array(z.object({ line: z.number().int(), message: z.string() })),
  duplicates: z.number().int(),
});

export const devicesContract = {
  /** Connects once and reports what the device says, with clock skew and round-trip time. */
  devicesTest: { input: DeviceEndpointInput, output: DeviceInfoOutput },
  /** Replaces the list of devices the poller schedules (the `settings` Device documents). */
  devicesConfigure: { input: z.object({ devices: z.array(Device) }), output: z.object({ scheduled: z.number().int() }) },
  devicesPullNow: { input: z.object({ deviceId: z.string().min(1) }), output: PullResult },
  devicesStatus: { input: z.object({}).strict(), output: z.object({ devices: z.array(DeviceStatus) }) },
  /** A USB export file -> preview rows and row errors; nothing is stored. Max 24 MB of file. */
  devicesImportFile: {
    input: z.object({
      fileName: z.string().min(1).max(255),
      contentBase64: z.string().max(32 * 1024 * 1024).regex(/^[A-Za-z0-9+/=\r\n]*$/, 'content must be base64'),
      deviceSerial: z.string().min(1).max(64),
    }),
    output: ImportPreviewOutput,
  },
  /** Sets the device clock to the given Shanghai wall time, or to now. */
  devicesSetTime: { input: z.object({ deviceId: z.string().min(1), localTime: WallTime.optional() }), output: z.object({ deviceTime: z.string() }) },
  /** Destructive: pulls everything first (delivered to the sink), then deletes the device log. */
  devicesClearLog: {
    input: z.object({ deviceId: z.string().min(1), confirm: z.literal(true) }),
    output: z.object({ pulledFirst: PullResult, cleared: z.literal(true) }),
  },
} as const;

/** Events main pushes while devices are polled (names are prefixed to stay unique in the bridge). */
export const devicesEvents = {
  deviceStatus: DeviceStatus,
} as const;
