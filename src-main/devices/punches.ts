/**
 * Device records -> Punch documents. Devices keep local wall time without a zone; company time is
 * Asia/Shanghai, so the instant is the Shanghai reading of that wall time. The id is deterministic
 * (serial + pin + instant) so every path that brings the same record yields the same document.
 */
import { punchId } from '#shared/ids';
import type { Punch, PunchSource } from '#shared/schemas/punch';
import { SHANGHAI_OFFSET_MS } from '#shared/time';
import type { z } from 'zod';
import type { DeviceRecord } from './types.ts';

/** Printable, no spaces, and no '|' (the separator inside punch ids). */
const PIN = /^[\x21-\x7b\x7d\x7e\u00a0-\uffff]{1,24}$/;

const WALL = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/** Instant of a device wall time, or null when the text is not a real date-time (a corrupt record). */
export function instantOfDeviceTime(localTime: string): number | null {
  const m = WALL.exec(localTime);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return null;
  if (d > 28 && d > new Date(Date.UTC(y, mo, 0)).getUTCDate()) return null;
  return Date.UTC(y, mo - 1, d, h, mi, s) - SHANGHAI_OFFSET_MS;
}

export function toPunch(
  serial: string,
  r: DeviceRecord,
  source: z.infer<typeof PunchSource>,
  receivedAt: number,
): Punch | null {
  const at = instantOfDeviceTime(r.localTime);
  if (at === null || at < 0 || !PIN.test(r.pin)) return null;
  return {
    id: punchId(serial, r.pin, at),
    deviceSerial: serial,
    pin: r.pin,
    at,
    deviceLocalTime: r.localTime,
    verifyMode: r.verifyMode & 0xff,
    punchState: r.punchState & 0xff,
    source,
    employeeId: null,
    siteId: null,
    receivedAt,
    updatedAt: receivedAt,
  };
}
