/**
 * Record layouts of the ZKTeco user table and attendance log, as read with a buffered read. A table blob
 * is `u32 byte size` followed by fixed-size records; the size of one record depends on the firmware:
 *
 *   users, 28 bytes (old firmware): u16 uid, u8 privilege, 5s password, 8s name, u32 card, pad, u8 group,
 *                                   i16 timezone, u32 user id (numeric pin)
 *   users, 72 bytes:                u16 uid, u8 privilege, 8s password, 24s name, u32 card, pad, 7s group,
 *                                   pad, 24s user id (text pin)
 *   attendance,  8 bytes:  u16 uid (device slot; the pin comes from the user table), u8 verify, u32 time, u8 state
 *   attendance, 16 bytes:  u32 user id (numeric pin), u32 time, u8 verify, u8 state, 2 reserved, u32 workcode
 *   attendance, 40 bytes:  u16 uid, 24s user id (text pin), u8 verify, u32 time, u8 state, 8 reserved
 *
 * The layout is the blob size divided by the record count the device reports (CMD_GET_FREE_SIZES), as pyzk
 * does; when the count is missing we fall back to the sizes that divide the blob.
 */
import type { DeviceRecord, DeviceUser } from '../types.ts';
import { cString, decodeZkTime, protocolError, wallTimeText } from './protocol.ts';

export const USER_SIZES = [72, 28] as const;
export const ATTENDANCE_SIZES = [40, 16, 8] as const;

/** Returns the records part of a table blob, checking the declared size. */
export function tableBody(blob: Buffer): Buffer {
  if (blob.length === 0) return blob;
  if (blob.length < 4) throw protocolError(`table blob of ${blob.length} bytes has no size prefix`);
  const declared = blob.readUInt32LE(0);
  if (declared > blob.length - 4) {
    throw protocolError(`table declares ${declared} bytes but only ${blob.length - 4} arrived`);
  }
  return blob.subarray(4, 4 + declared);
}

export function detectRecordSize(bodySize: number, count: number, candidates: readonly number[]): number {
  if (bodySize === 0) return candidates[0]!;
  if (count > 0 && bodySize % count === 0 && candidates.includes(bodySize / count)) return bodySize / count;
  const fit = candidates.find((size) => bodySize % size === 0);
  if (fit === undefined) throw protocolError(`table of ${bodySize} bytes matches no known record size (${candidates.join(', ')})`);
  return fit;
}

export function parseUsers(body: Buffer, size: number): DeviceUser[] {
  if (size !== 28 && size !== 72) throw protocolError(`unknown user record size ${size}`);
  if (body.length % size !== 0) throw protocolError(`user table of ${body.length} bytes is not a multiple of ${size}`);
  const users: DeviceUser[] = [];
  for (let off = 0; off < body.length; off += size) {
    if (size === 28) {
      users.push({
        uid: body.readUInt16LE(off),
        privilege: body[off + 2]!,
        name: cString(body, off + 8, off + 16),
        cardNo: body.readUInt32LE(off + 16),
        pin: String(body.readUInt32LE(off + 24)),
      });
    } else {
      users.push({
        uid: body.readUInt16LE(off),
        privilege: body[off + 2]!,
        name: cString(body, off + 11, off + 35),
        cardNo: body.readUInt32LE(off + 35),
        pin: cString(body, off + 48, off + 72),
      });
    }
  }
  return users;
}

/**
 * Calls `visit` for every attendance record without building intermediate objects; `pinOfUid` resolves
 * the 8-byte layout's device slot to a pin. Records whose time is not a real date are reported through
 * `onBadRecord` (a corrupt record must not hide the others).
 */
export function forEachAttendance(
  body: Buffer,
  size: number,
  visit: (pin: string, localTime: string, verifyMode: number, punchState: number) => void,
  pinOfUid: (uid: number) => string = String,
): void {
  if (size !== 8 && size !== 16 && size !== 40) throw protocolError(`unknown attendance record size ${size}`);
  if (body.length % size !== 0) throw protocolError(`attendance log of ${body.length} bytes is not a multiple of ${size}`);
  const pins = new PinCache(body);
  const timeText = new ZkTimeText();
  for (let off = 0; off < body.length; off += size) {
    let pin: string;
    let time: number;
    let verify: number;
    let state: number;
    if (size === 8) {
      pin = pinOfUid(body.readUInt16LE(off));
      verify = body[off + 2]!;
      time = body.readUInt32LE(off + 3);
      state = body[off + 7]!;
    } else if (size === 16) {
      pin = String(body.readUInt32LE(off));
      time = body.readUInt32LE(off + 4);
      verify = body[off + 8]!;
      state = body[off + 9]!;
    } else {
      pin = pins.at(body.readUInt16LE(off), off + 2);
      verify = body[off + 26]!;
      time = body.readUInt32LE(off + 27);
      state = body[off + 31]!;
    }
    visit(pin, timeText.of(time), verify, state);
  }
}

/**
 * Logs repeat a few hundred pins many thousand times: remember the decoded pin per device slot (uid) and
 * reuse it while the 24 raw bytes are the same, instead of decoding a new string for every record.
 */
class PinCache {
  private bySlot = new Map<number, { raw: Uint8Array; pin: string }>();
  constructor(private readonly body: Buffer) {}

  at(uid: number, start: number): string {
    const hit = this.bySlot.get(uid);
    if (hit && this.same(hit.raw, start)) return hit.pin;
    const pin = cString(this.body, start, start + 24);
    // only the bytes up to and including the terminating NUL make the pin
    let end = start;
    while (end < start + 24 && this.body[end] !== 0) end++;
    end = Math.min(end + 1, start + 24);
    this.bySlot.set(uid, { raw: Uint8Array.prototype.slice.call(this.body, start, end), pin });
    return pin;
  }

  private same(raw: Uint8Array, start: number): boolean {
    const body = this.body;
    for (let i = 0; i < raw.length; i++) if (body[start + i] !== raw[i]) return false;
    return true;
  }
}

const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => (i < 10 ? '0' : '') + i);

/** ZK time -> "YYYY-MM-DD HH:MM:SS", with the date part computed once per day. */
class ZkTimeText {
  private day = -1;
  private datePrefix = '';

  of(value: number): string {
    const day = Math.floor(value / 86400);
    if (day !== this.day) {
      this.day = day;
      this.datePrefix = wallTimeText(decodeZkTime(day * 86400)).slice(0, 11);
    }
    const s = value - day * 86400;
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    return this.datePrefix + TWO_DIGITS[h] + ':' + TWO_DIGITS[m] + ':' + TWO_DIGITS[s % 60];
  }
}

export function parseAttendance(body: Buffer, size: number, pinOfUid?: (uid: number) => string): DeviceRecord[] {
  const out: DeviceRecord[] = [];
  forEachAttendance(body, size, (pin, localTime, verifyMode, punchState) => out.push({ pin, localTime, verifyMode, punchState }), pinOfUid);
  return out;
}

/** Real-time EF_ATTLOG event payload: 24s pin (or a numeric id on old firmware), verify, state, 6-byte time. */
export function parseLiveRecord(payload: Buffer): DeviceRecord {
  let pin: string;
  let off: number;
  if (payload.length >= 32) {
    pin = cString(payload, 0, 24);
    off = 24;
  } else if (payload.length === 12) {
    pin = String(payload.readUInt32LE(0));
    off = 4;
  } else if (payload.length === 10 || payload.length === 14) {
    pin = String(payload.readUInt16LE(0));
    off = 2;
  } else {
    throw protocolError(`real-time attendance event of ${payload.length} bytes has an unknown layout`);
  }
  const verifyMode = payload[off]!;
  const punchState = payload[off + 1]!;
  const t = { year: 2000 + payload[off + 2]!, month: payload[off + 3]!, day: payload[off + 4]!, hour: payload[off + 5]!, minute: payload[off + 6]!, second: payload[off + 7]! };
  return { pin, localTime: wallTimeText(t), verifyMode, punchState };
}
