/**
 * ZKTeco "standalone SDK" protocol, the binary protocol on port 4370 (TCP or UDP).
 *
 * Model: every message is a packet of an 8-byte header + payload:
 *   u16 command | u16 checksum | u16 session id | u16 reply id | payload
 * all little endian. Over TCP each packet is wrapped in an 8-byte frame prefix:
 *   50 50 82 7d | u32 length of the packet that follows
 * Over UDP one datagram carries exactly one packet. The device echoes the client's reply id in its answer
 * (real-time events arrive with command CMD_REG_EVENT, the event kind in the session field and reply id 0).
 *
 * Checksum: 16-bit one's-complement style sum of the packet as u16 words (odd byte added as is), folded
 * modulo 0xFFFF, then inverted. Public clients (pyzk, node-zklib) compute it over the header holding
 * reply id N and then send N+1 in the header; devices compute it over what they send. We therefore accept
 * either form when checking and send the plain (self-consistent) form.
 *
 * Every function that reads device bytes either returns a value or throws a RenshiError with code
 * 'device-protocol-error' — never a RangeError from a Buffer read.
 */
import { RenshiError } from '#shared/errors';

export const CMD = {
  CONNECT: 1000,
  EXIT: 1001,
  ENABLEDEVICE: 1002,
  DISABLEDEVICE: 1003,
  RESTART: 1004,
  GET_VERSION: 1100,
  AUTH: 1102,
  PREPARE_DATA: 1500,
  DATA: 1501,
  FREE_DATA: 1502,
  /** a.k.a. _CMD_PREPARE_BUFFER: ask the device to prepare a buffered read. */
  DATA_WRRQ: 1503,
  /** a.k.a. _CMD_READ_BUFFER: read one chunk of the prepared buffer. */
  DATA_RDY: 1504,
  USERTEMP_RRQ: 9,
  OPTIONS_RRQ: 11,
  ATTLOG_RRQ: 13,
  CLEAR_ATTLOG: 15,
  GET_FREE_SIZES: 50,
  GET_TIME: 201,
  SET_TIME: 202,
  REG_EVENT: 500,
  ACK_OK: 2000,
  ACK_ERROR: 2001,
  ACK_DATA: 2002,
  ACK_RETRY: 2003,
  ACK_REPEAT: 2004,
  ACK_UNAUTH: 2005,
  ACK_UNKNOWN: 0xffff,
} as const;

export const EF_ATTLOG = 1;
/** Function code the user table is read with (pyzk FCT_USER). */
export const FCT_USER = 5;
export const TCP_MAGIC = 0x7d825050; // bytes 50 50 82 7d read as u32 LE
export const HEADER_SIZE = 8;
export const TCP_PREFIX_SIZE = 8;
/** Largest packet we accept from a device: a chunk of at most 1 MiB plus headers. */
export const MAX_PACKET_SIZE = (1 << 20) + 64;
export const USHRT_MAX = 0xffff;

export interface Packet {
  command: number;
  checksum: number;
  sessionId: number;
  replyId: number;
  payload: Buffer;
}

export function protocolError(message: string, details?: unknown): RenshiError {
  return new RenshiError('device-protocol-error', message, details);
}

/**
 * Checksum of header bytes (with the checksum field taken as zero) + payload. Since 65536 = 1 (mod 65535),
 * a u32 word is congruent to the sum of its two u16 halves, so we add 4 bytes at a time and reduce once
 * per 1 MiB (the float sum stays far below 2^53).
 */
export function checksumOf(command: number, sessionId: number, replyId: number, payload: Uint8Array): number {
  let sum = command + sessionId + replyId;
  const n = payload.length;
  const words = n - (n & 3);
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  for (let i = 0; i < words; i += 4) {
    sum += view.getUint32(i, true);
    if ((i & 0xfffff) === 0) sum %= USHRT_MAX;
  }
  if (n & 2) sum += payload[words]! | (payload[words + 1]! << 8);
  if (n & 1) sum += payload[n - 1]!;
  sum %= USHRT_MAX;
  return USHRT_MAX - sum - 1;
}

export function encodePacket(command: number, sessionId: number, replyId: number, payload: Uint8Array = EMPTY): Buffer {
  const buf = Buffer.allocUnsafe(HEADER_SIZE + payload.length);
  buf.writeUInt16LE(command, 0);
  buf.writeUInt16LE(checksumOf(command, sessionId, replyId, payload), 2);
  buf.writeUInt16LE(sessionId, 4);
  buf.writeUInt16LE(replyId, 6);
  buf.set(payload, HEADER_SIZE);
  return buf;
}

export function encodeTcpFrame(packet: Buffer): Buffer {
  const frame = Buffer.allocUnsafe(TCP_PREFIX_SIZE + packet.length);
  frame.writeUInt32LE(TCP_MAGIC, 0);
  frame.writeUInt32LE(packet.length, 4);
  packet.copy(frame, TCP_PREFIX_SIZE);
  return frame;
}

const EMPTY = Buffer.alloc(0);

/**
 * Parses one packet (no TCP prefix). `verifyChecksum` accepts the plain checksum and the pyzk-style one
 * computed with reply id - 1.
 */
export function decodePacket(bytes: Buffer, verifyChecksum = true): Packet {
  if (bytes.length < HEADER_SIZE) throw protocolError(`packet too short: ${bytes.length} bytes`);
  if (bytes.length > MAX_PACKET_SIZE) throw protocolError(`packet too long: ${bytes.length} bytes`);
  const command = bytes.readUInt16LE(0);
  const checksum = bytes.readUInt16LE(2);
  const sessionId = bytes.readUInt16LE(4);
  const replyId = bytes.readUInt16LE(6);
  const payload = bytes.subarray(HEADER_SIZE);
  if (verifyChecksum) {
    const plain = checksumOf(command, sessionId, replyId, payload);
    if (checksum !== plain) {
      const previous = checksumOf(command, sessionId, (replyId + USHRT_MAX - 1) % USHRT_MAX, payload);
      if (checksum !== previous) {
        throw protocolError(`bad checksum on command ${command}: got ${checksum}, expected ${plain}`);
      }
    }
  }
  return { command, checksum, sessionId, replyId, payload };
}

/**
 * Incremental TCP deframer: feed it socket chunks, take complete packets out. Keeps a list of pending
 * chunks instead of concatenating on every read, so a 64 KiB data packet arriving in many pieces is copied
 * once.
 */
export class TcpDeframer {
  private chunks: Buffer[] = [];
  private length = 0;

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  /** The next complete packet (without prefix), or null if more bytes are needed. Throws on a bad prefix. */
  next(): Buffer | null {
    if (this.length < TCP_PREFIX_SIZE) return null;
    const prefix = this.peek(TCP_PREFIX_SIZE);
    if (prefix.readUInt32LE(0) !== TCP_MAGIC) {
      throw protocolError(`bad TCP frame prefix ${prefix.subarray(0, 4).toString('hex')}`);
    }
    const size = prefix.readUInt32LE(4);
    if (size < HEADER_SIZE || size > MAX_PACKET_SIZE) throw protocolError(`bad TCP frame length ${size}`);
    if (this.length < TCP_PREFIX_SIZE + size) return null;
    this.skip(TCP_PREFIX_SIZE);
    return this.take(size);
  }

  get buffered(): number {
    return this.length;
  }

  private peek(n: number): Buffer {
    const first = this.chunks[0]!;
    if (first.length >= n) return first.subarray(0, n);
    return Buffer.concat(this.chunks, Math.min(this.length, Math.max(n, 0))).subarray(0, n);
  }

  private skip(n: number): void {
    this.take(n);
  }

  private take(n: number): Buffer {
    const first = this.chunks[0]!;
    if (first.length >= n) {
      const out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      this.length -= n;
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[0]!;
      const k = Math.min(c.length, n - filled);
      c.copy(out, filled, 0, k);
      filled += k;
      if (k === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(k);
    }
    this.length -= n;
    return out;
  }
}

// ---- ZK time -------------------------------------------------------------------------------------------
/**
 * The device packs its local wall time into a u32 as if every month had 31 days:
 *   ((year % 100) * 12 * 31 + (month - 1) * 31 + day - 1) * 86400 + (hour * 60 + minute) * 60 + second
 * with years counted from 2000. It carries no time zone; ours are Asia/Shanghai.
 */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export function encodeZkTime(t: WallTime): number {
  return ((t.year % 100) * 12 * 31 + (t.month - 1) * 31 + t.day - 1) * 86400 + (t.hour * 60 + t.minute) * 60 + t.second;
}

export function decodeZkTime(value: number): WallTime {
  let t = value;
  const second = t % 60;
  t = Math.floor(t / 60);
  const minute = t % 60;
  t = Math.floor(t / 60);
  const hour = t % 24;
  t = Math.floor(t / 24);
  const day = (t % 31) + 1;
  t = Math.floor(t / 31);
  const month = (t % 12) + 1;
  t = Math.floor(t / 12);
  return { year: t + 2000, month, day, hour, minute, second };
}

const pad2 = (n: number) => (n < 10 ? '0' : '') + n;

/** "YYYY-MM-DD HH:MM:SS". Days that do not exist (Feb 30: a corrupt record) are reported, not shifted. */
export function wallTimeText(t: WallTime): string {
  return `${t.year}-${pad2(t.month)}-${pad2(t.day)} ${pad2(t.hour)}:${pad2(t.minute)}:${pad2(t.second)}`;
}

export function wallTimeOfText(text: string): WallTime {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!m) throw new RenshiError('validation-failed', `not a wall time: ${text}`);
  return { year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: +m[4]!, minute: +m[5]!, second: +m[6]! };
}

export function isRealWallTime(t: WallTime): boolean {
  if (t.month < 1 || t.month > 12 || t.hour > 23 || t.minute > 59 || t.second > 59 || t.day < 1) return false;
  const dim = new Date(Date.UTC(t.year, t.month, 0)).getUTCDate();
  return t.day <= dim;
}

// ---- comm key ------------------------------------------------------------------------------------------
/**
 * CMD_AUTH payload: the numeric comm key with its 32 bits reversed, plus the session id, XORed with "ZKSO",
 * its two u16 halves swapped, then XORed with a tick byte (which also replaces the third byte).
 */
export function makeCommKey(key: number, sessionId: number, ticks = 50): Buffer {
  let k = 0;
  for (let i = 0; i < 32; i++) k = ((k << 1) | ((key >>> i) & 1)) >>> 0;
  k = (k + sessionId) >>> 0;
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32LE(k, 0);
  const x0 = b[0]! ^ 0x5a; // 'Z'
  const x1 = b[1]! ^ 0x4b; // 'K'
  const x2 = b[2]! ^ 0x53; // 'S'
  const x3 = b[3]! ^ 0x4f; // 'O'
  // swap the two u16 halves: [x2 x3 x0 x1]
  const tick = ticks & 0xff;
  return Buffer.from([x2 ^ tick, x3 ^ tick, tick, x1 ^ tick]);
}

// ---- buffered read request -----------------------------------------------------------------------------
/** CMD_DATA_WRRQ payload: u8 1, u16 table command, i32 function code, i32 extra. */
export function bufferedReadRequest(tableCommand: number, fct = 0, ext = 0): Buffer {
  const b = Buffer.alloc(11);
  b.writeUInt8(1, 0);
  b.writeUInt16LE(tableCommand, 1);
  b.writeInt32LE(fct, 3);
  b.writeInt32LE(ext, 7);
  return b;
}

/** CMD_DATA_RDY payload: i32 start offset, i32 size. */
export function chunkRequest(start: number, size: number): Buffer {
  const b = Buffer.allocUnsafe(8);
  b.writeInt32LE(start, 0);
  b.writeInt32LE(size, 4);
  return b;
}

/** NUL-terminated ASCII/UTF-8 text from a fixed-size field. */
export function cString(bytes: Buffer, start = 0, end = bytes.length): string {
  const stop = Math.min(end, bytes.length);
  let i = start;
  while (i < stop && bytes[i] !== 0) i++;
  return bytes.toString('utf8', start, i);
}
