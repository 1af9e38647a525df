/**
 * A ZKTeco terminal simulator speaking the standalone protocol on TCP and UDP (same port number), written
 * independently of our client (its own encoders) so that the two can disagree. It answers what pyzk,
 * node-zklib and zkteco-js send: connect/auth, options, version, free sizes, time, enable/disable,
 * buffered table reads in chunks, free data, clear log, real-time attendance events.
 *
 * Device model: a user table and an attendance log kept as plain objects, encoded on demand in the
 * configured firmware layout (users 28/72 bytes, attendance 8/16/40 bytes). The device clock is host time
 * plus a settable skew, shown as Shanghai wall time.
 *
 * Faults: drop the connection in the middle of a chunk, delay every reply, corrupt the answer to a given
 * command.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { instantOf, localDateTimeOf } from '#shared/time';

export interface SimUser {
  uid: number;
  pin: string;
  name: string;
  privilege: number;
  cardNo: number;
}

export interface SimRecord {
  pin: string;
  /** "YYYY-MM-DD HH:MM:SS" device wall time */
  localTime: string;
  verifyMode: number;
  punchState: number;
}

export interface ZkFaults {
  /** Drop the connection half way through the chunk answer after this many complete chunk answers. */
  dropAfterChunks?: number;
  /** How many times the drop happens (default 1). */
  drops?: number;
  /** Delay before every answer. */
  replyDelayMs?: number;
  /** Corrupt the answer to this command `times` times. */
  malformed?: { command: number; kind: 'bad-checksum' | 'bad-prefix' | 'truncated'; times?: number };
  /** UDP: lose every Nth data datagram the device sends. */
  udpLossEvery?: number;
  /** Answer these commands with CMD_ACK_UNKNOWN, as old firmware does for queries it lacks. */
  refuse?: number[];
  /** Never answer this command (to test client timeouts). */
  silentOn?: number;
}

export interface ZkSimulatorOptions {
  host?: string;
  port?: number;
  serialNumber?: string;
  firmware?: string;
  userSize?: 28 | 72;
  attendanceSize?: 8 | 16 | 40;
  commKey?: number;
  users?: SimUser[];
  records?: SimRecord[];
  /** Device clock minus host clock, in ms. */
  clockSkewMs?: number;
  faults?: ZkFaults;
  /** Tables up to this many bytes are answered directly with CMD_DATA. */
  directDataLimit?: number;
  /** Serve UDP (default true) / TCP (default true) on the port. */
  udp?: boolean;
  tcp?: boolean;
}

const C = {
  CONNECT: 1000, EXIT: 1001, ENABLE: 1002, DISABLE: 1003, VERSION: 1100, AUTH: 1102,
  PREPARE_DATA: 1500, DATA: 1501, FREE_DATA: 1502, DATA_WRRQ: 1503, DATA_RDY: 1504,
  USERTEMP_RRQ: 9, OPTIONS_RRQ: 11, ATTLOG_RRQ: 13, CLEAR_ATTLOG: 15, FREE_SIZES: 50,
  GET_TIME: 201, SET_TIME: 202, REG_EVENT: 500,
  ACK_OK: 2000, ACK_ERROR: 2001, ACK_UNAUTH: 2005, ACK_UNKNOWN: 0xffff,
};

/** Sum of the little-endian u16 words of `buf`, mod 0xFFFF (the odd last byte counts as is). */
function wordSum(buf: Buffer): number {
  let s = 0;
  for (let i = 0; i + 1 < buf.length; i += 2) s = (s + buf.readUInt16LE(i)) % 0xffff;
  if (buf.length % 2) s = (s + buf[buf.length - 1]!) % 0xffff;
  return s;
}

function sum16(buf: Buffer): number {
  return 0xffff - wordSum(buf) - 1;
}

/**
 * `payloadSum` lets a caller pass a cached wordSum of the payload (chunks of a table are served again and
 * again); the header words are added here. Valid because the header is 8 bytes (an even offset).
 */
function packet(cmd: number, session: number, reply: number, payload: Buffer = Buffer.alloc(0), payloadSum?: number): Buffer {
  const b = Buffer.allocUnsafe(8 + payload.length);
  b.writeUInt16LE(cmd, 0);
  b.writeUInt16LE(0, 2);
  b.writeUInt16LE(session, 4);
  b.writeUInt16LE(reply, 6);
  payload.copy(b, 8);
  const sum = ((payloadSum ?? wordSum(payload)) + cmd + session + reply) % 0xffff;
  b.writeUInt16LE(0xffff - sum - 1, 2);
  return b;
}

function zkTime(local: string): number {
  const [d, t] = local.split(' ') as [string, string];
  const [y, mo, da] = d.split('-').map(Number) as [number, number, number];
  const [h, mi, s] = t.split(':').map(Number) as [number, number, number];
  return ((y % 100) * 372 + (mo - 1) * 31 + da - 1) * 86400 + (h * 60 + mi) * 60 + s;
}

function fromZkTime(v: number): string {
  const s = v % 60, mi = Math.floor(v / 60) % 60, h = Math.floor(v / 3600) % 24;
  let days = Math.floor(v / 86400);
  const da = (days % 31) + 1; days = Math.floor(days / 31);
  const mo = (days % 12) + 1; const y = Math.floor(days / 12) + 2000;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${y}-${p(mo)}-${p(da)} ${p(h)}:${p(mi)}:${p(s)}`;
}

function expectedCommKey(key: number, session: number, tick: number): Buffer {
  let bits = 0;
  for (let i = 0; i < 32; i++) bits = ((bits << 1) | ((key >>> i) & 1)) >>> 0;
  const k = Buffer.alloc(4);
  k.writeUInt32LE((bits + session) >>> 0, 0);
  const z = [k[0]! ^ 90, k[1]! ^ 75, k[2]! ^ 83, k[3]! ^ 79];
  const swapped = [z[2]!, z[3]!, z[0]!, z[1]!];
  return Buffer.from([swapped[0]! ^ tick, swapped[1]! ^ tick, tick, swapped[3]! ^ tick]);
}

interface Session {
  id: number;
  authed: boolean;
  buffer: Buffer | null;
  events: number;
  send: (pkt: Buffer) => void;
  sendRaw: (bytes: Buffer) => void;
  drop: () => void;
  tcp: boolean;
  dead: boolean;
  /** serialises request handling, like a real single-threaded terminal */
  work: Promise<void>;
}

export class ZkSimulator {
  users: SimUser[];
  records: SimRecord[];
  serialNumber: string;
  firmware: string;
  commKey: number;
  clockSkewMs: number;
  faults: ZkFaults;
  readonly userSize: 28 | 72;
  readonly attendanceSize: 8 | 16 | 40;
  /** counters for tests */
  stats = { connections: 0, chunkAnswers: 0, drops: 0, clears: 0, disabled: 0, enabled: 0, udpLost: 0, udpDatagrams: 0 };
  /** Whether the keypad is currently disabled by a client. */
  keypadDisabled = false;
  private server: net.Server | null = null;
  private udp: dgram.Socket | null = null;
  private sockets = new Set<net.Socket>();
  private udpSessions = new Map<string, Session>();
  private sessions = new Set<Session>();
  private port = 0;
  private readonly host: string;
  private readonly directDataLimit: number;
  private tableCache = new Map<number, { version: number; blob: Buffer }>();
  private version = 0;

  constructor(private readonly opts: ZkSimulatorOptions = {}) {
    this.host = opts.host ?? '127.0.0.1';
    this.serialNumber = opts.serialNumber ?? 'SIM0000000001';
    this.firmware = opts.firmware ?? 'Ver 6.60 Apr 28 2017';
    this.userSize = opts.userSize ?? 72;
    this.attendanceSize = opts.attendanceSize ?? 40;
    this.commKey = opts.commKey ?? 0;
    this.users = opts.users ?? [];
    this.records = opts.records ?? [];
    this.clockSkewMs = opts.clockSkewMs ?? 0;
    this.faults = opts.faults ?? {};
    this.directDataLimit = opts.directDataLimit ?? 1024;
  }

  get address(): { host: string; port: number } {
    return { host: this.host, port: this.port };
  }

  async start(): Promise<this> {
    this.server = net.createServer((socket) => this.acceptTcp(socket));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.opts.port ?? 0, this.host, () => resolve());
    });
    this.port = (this.server.address() as net.AddressInfo).port;
    if (this.opts.tcp === false) {
      // keep the port number for UDP but refuse TCP, like old UDP-only firmware
      await new Promise<void>((r) => this.server!.close(() => r()));
      this.server = null;
    }
    if (this.opts.udp !== false) {
      this.udp = dgram.createSocket('udp4');
      this.udp.on('message', (msg, rinfo) => this.acceptUdp(msg, rinfo));
      this.udp.on('error', () => {});
      await new Promise<void>((resolve, reject) => {
        this.udp!.once('error', reject);
        this.udp!.bind(this.port, this.host, () => resolve());
      });
    }
    return this;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    await new Promise<void>((r) => (this.udp ? this.udp.close(() => r()) : r()));
    this.server = null;
    this.udp = null;
  }

  /** Mutating the tables from a test: call after changing users/records directly. */
  touch(): void {
    this.version++;
  }

  /** A person punches now (or at `localTime`): the record is logged and pushed to registered sessions. */
  punch(pin: string, localTime = this.deviceNow(), verifyMode = 1, punchState = 0): SimRecord {
    const r = { pin, localTime, verifyMode, punchState };
    this.records.push(r);
    this.touch();
    for (const s of this.sessions) {
      if (s.events & 1) s.send(packet(C.REG_EVENT, 1, 0, this.liveEvent(r)));
    }
    return r;
  }

  deviceNow(): string {
    return localDateTimeOf(Date.now() + this.clockSkewMs);
  }

  // ---- transport -----------------------------------------------------------------------------------------

  private acceptTcp(socket: net.Socket): void {
    this.stats.connections++;
    this.sockets.add(socket);
    socket.setNoDelay(true);
    const session = this.newSession(true, (bytes) => {
      if (!socket.destroyed) socket.write(bytes);
    }, () => socket.destroy());
    let pending = Buffer.alloc(0);
    socket.on('data', (data) => {
      pending = pending.length ? Buffer.concat([pending, data]) : data;
      while (pending.length >= 8) {
        if (pending.readUInt32LE(0) !== 0x7d825050) {
          socket.destroy();
          return;
        }
        const len = pending.readUInt32LE(4);
        if (len > 1 << 20) {
          socket.destroy();
          return;
        }
        if (pending.length < 8 + len) break;
        const pkt = pending.subarray(8, 8 + len);
        pending = pending.subarray(8 + len);
        this.enqueue(session, pkt);
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.sessions.delete(session);
    });
  }

  private acceptUdp(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    const key = `${rinfo.address}:${rinfo.port}`;
    let session = this.udpSessions.get(key);
    if (!session) {
      this.stats.connections++;
      session = this.newSession(false, (pkt) => this.udp?.send(pkt, rinfo.port, rinfo.address), () => {
        this.udpSessions.delete(key);
        this.sessions.delete(session!);
      });
      this.udpSessions.set(key, session);
    }
    this.enqueue(session, msg);
  }

  private newSession(tcp: boolean, sendRaw: (b: Buffer) => void, drop: () => void): Session {
    const send = (pkt: Buffer) => {
      if (!tcp) return sendRaw(pkt);
      const prefix = Buffer.alloc(8);
      prefix.writeUInt32LE(0x7d825050, 0);
      prefix.writeUInt32LE(pkt.length, 4);
      sendRaw(Buffer.concat([prefix, pkt]));
    };
    const s: Session = {
      id: 0, authed: false, buffer: null, events: 0, send, sendRaw, tcp, dead: false, work: Promise.resolve(),
      drop: () => {
        s.dead = true;
        this.sessions.delete(s);
        drop();
      },
    };
    this.sessions.add(s);
    return s;
  }

  private enqueue(session: Session, pkt: Buffer): void {
    session.work = session.work.then(() => this.handle(session, pkt)).catch(() => session.drop());
  }

  private async pause(ms = 0): Promise<void> {
    const delay = ms || this.faults.replyDelayMs || 0;
    await new Promise((r) => (delay > 0 ? setTimeout(r, delay) : setImmediate(r)));
  }

  // ---- commands --------------------------------------------------------------------------------------------

  private async handle(s: Session, pkt: Buffer): Promise<void> {
    if (pkt.length < 8 || s.dead) return;
    const cmd = pkt.readUInt16LE(0);
    const sum = pkt.readUInt16LE(2);
    const reply = pkt.readUInt16LE(6);
    // accept the plain checksum and the pyzk/node-zklib one (computed with reply id - 1)
    const probe = Buffer.from(pkt);
    probe.writeUInt16LE(0, 2);
    const plain = sum16(probe);
    probe.writeUInt16LE((reply + 0xffff - 1) % 0xffff, 6);
    if (sum !== plain && sum !== sum16(probe)) return; // devices ignore corrupt packets
    const data = pkt.subarray(8);
    if (cmd === C.ACK_OK) return; // client acknowledging a real-time event
    if (this.faults.silentOn === cmd) return;
    if (this.faults.replyDelayMs) await this.pause();
    const answer = (code: number, payload?: Buffer) => this.answer(s, cmd, code, reply, payload);

    if (cmd === C.CONNECT) {
      s.id = 1 + Math.floor(Math.random() * 0xfff0);
      s.authed = this.commKey === 0;
      return answer(s.authed ? C.ACK_OK : C.ACK_UNAUTH);
    }
    if (cmd === C.EXIT) {
      answer(C.ACK_OK);
      await this.pause(5);
      return s.drop();
    }
    if (cmd === C.AUTH) {
      const ok = data.length >= 4 && expectedCommKey(this.commKey, s.id, data[2]!).equals(data.subarray(0, 4));
      s.authed = ok;
      return answer(ok ? C.ACK_OK : C.ACK_UNAUTH);
    }
    if (!s.authed) return answer(C.ACK_UNAUTH);
    if (this.faults.refuse?.includes(cmd)) return answer(C.ACK_UNKNOWN);

    switch (cmd) {
      case C.DISABLE:
        this.stats.disabled++;
        this.keypadDisabled = true;
        return answer(C.ACK_OK);
      case C.ENABLE:
        this.stats.enabled++;
        this.keypadDisabled = false;
        return answer(C.ACK_OK);
      case C.VERSION:
        return answer(C.ACK_OK, Buffer.from(`${this.firmware}\0`));
      case C.OPTIONS_RRQ: {
        const key = data.toString('ascii').split('\0')[0];
        const values: Record<string, string> = { '~SerialNumber': this.serialNumber, '~DeviceName': 'SIM-ZK', '~Platform': 'ZMM220_TFT' };
        const value = key === undefined ? undefined : values[key];
        return value === undefined ? answer(C.ACK_ERROR) : answer(C.ACK_OK, Buffer.from(`${key}=${value}\0`));
      }
      case C.FREE_SIZES: {
        const f = Buffer.alloc(92);
        f.writeInt32LE(this.users.length, 16);
        f.writeInt32LE(this.users.length, 24);
        f.writeInt32LE(this.records.length, 32);
        f.writeInt32LE(3000, 60);
        f.writeInt32LE(200000, 64);
        f.writeInt32LE(3000 - this.users.length, 72);
        f.writeInt32LE(200000 - this.records.length, 76);
        return answer(C.ACK_OK, f);
      }
      case C.GET_TIME: {
        const t = Buffer.alloc(4);
        t.writeUInt32LE(zkTime(this.deviceNow()), 0);
        return answer(C.ACK_OK, t);
      }
      case C.SET_TIME: {
        if (data.length < 4) return answer(C.ACK_ERROR);
        this.clockSkewMs = instantOf(fromZkTime(data.readUInt32LE(0))) - Date.now();
        return answer(C.ACK_OK);
      }
      case C.CLEAR_ATTLOG:
        this.records = [];
        this.touch();
        this.stats.clears++;
        return answer(C.ACK_OK);
      case C.REG_EVENT:
        s.events = data.length >= 4 ? data.readUInt32LE(0) : 0;
        return answer(C.ACK_OK);
      case C.FREE_DATA:
        s.buffer = null;
        return answer(C.ACK_OK);
      case C.DATA_WRRQ: {
        if (data.length < 11) return answer(C.ACK_ERROR);
        const table = data.readUInt16LE(1);
        const blob = table === C.USERTEMP_RRQ ? this.table(C.USERTEMP_RRQ) : table === C.ATTLOG_RRQ ? this.table(C.ATTLOG_RRQ) : null;
        if (!blob) return answer(C.ACK_ERROR);
        if (blob.length <= this.directDataLimit) return answer(C.DATA, blob);
        s.buffer = blob;
        const stat = Buffer.alloc(13);
        stat.writeUInt32LE(blob.length, 1);
        stat.writeUInt32LE(blob.length, 5);
        return answer(C.ACK_OK, stat);
      }
      case C.DATA_RDY:
        return this.sendChunk(s, data, reply);
      default:
        return answer(C.ACK_UNKNOWN);
    }
  }

  private answer(s: Session, cmd: number, code: number, reply: number, payload?: Buffer): void {
    let pkt = packet(code, s.id, reply, payload);
    const m = this.faults.malformed;
    if (m && m.command === cmd && (m.times ?? 1) > 0) {
      m.times = (m.times ?? 1) - 1;
      if (m.kind === 'bad-checksum') pkt.writeUInt16LE(pkt.readUInt16LE(2) ^ 0x5a5a, 2);
      else if (m.kind === 'truncated') pkt = pkt.subarray(0, 5);
      else if (m.kind === 'bad-prefix') {
        // a TCP frame whose prefix is wrong (over UDP: a datagram of garbage)
        return s.sendRaw(Buffer.concat([Buffer.from([0xde, 0xad, 0xbe, 0xef, 8, 0, 0, 0]), pkt.subarray(0, 8)]));
      }
    }
    s.send(pkt);
  }

  private async sendChunk(s: Session, data: Buffer, reply: number): Promise<void> {
    if (!s.buffer || data.length < 8) return this.answer(s, C.DATA_RDY, C.ACK_ERROR, reply);
    const start = data.readInt32LE(0);
    const size = data.readInt32LE(4);
    if (start < 0 || size <= 0 || start + size > s.buffer.length) return this.answer(s, C.DATA_RDY, C.ACK_ERROR, reply);
    const bytes = s.buffer.subarray(start, start + size);
    const prep = Buffer.alloc(8);
    prep.writeUInt32LE(size, 0);
    prep.writeUInt32LE(0, 4);
    const f = this.faults;
    const dropNow = f.dropAfterChunks !== undefined && this.stats.chunkAnswers >= f.dropAfterChunks && this.stats.drops < (f.drops ?? 1);
    s.send(packet(C.PREPARE_DATA, s.id, reply, prep));
    await this.pause();
    if (dropNow) {
      this.stats.drops++;
      this.stats.chunkAnswers = 0;
      if (s.tcp) {
        // the frame announces the whole chunk but the line dies half way through it
        const pkt = packet(C.DATA, s.id, reply, bytes);
        const prefix = Buffer.alloc(8);
        prefix.writeUInt32LE(0x7d825050, 0);
        prefix.writeUInt32LE(pkt.length, 4);
        s.sendRaw(Buffer.concat([prefix, pkt.subarray(0, 8 + Math.floor(bytes.length / 2))]));
      }
      await this.pause(5);
      return s.drop();
    }
    if (s.tcp) {
      s.send(packet(C.DATA, s.id, reply, bytes, this.chunkSum(s.buffer, start, size)));
    } else {
      for (let off = 0; off < bytes.length; off += 1024) {
        const n = ++this.stats.udpDatagrams;
        if (f.udpLossEvery && n % f.udpLossEvery === 0) {
          this.stats.udpLost++;
          continue;
        }
        s.send(packet(C.DATA, s.id, reply, bytes.subarray(off, off + 1024)));
      }
    }
    await this.pause();
    s.send(packet(C.ACK_OK, s.id, reply));
    this.stats.chunkAnswers++;
    await this.pause();
  }

  private chunkSums = new WeakMap<Buffer, Map<string, number>>();
  private chunkSum(blob: Buffer, start: number, size: number): number {
    let sums = this.chunkSums.get(blob);
    if (!sums) this.chunkSums.set(blob, (sums = new Map()));
    const key = `${start}:${size}`;
    let sum = sums.get(key);
    if (sum === undefined) sums.set(key, (sum = wordSum(blob.subarray(start, start + size))));
    return sum;
  }

  // ---- table encoding --------------------------------------------------------------------------------------

  private table(which: number): Buffer {
    const cached = this.tableCache.get(which);
    if (cached && cached.version === this.version) return cached.blob;
    const body = which === C.USERTEMP_RRQ ? this.encodeUsers() : this.encodeRecords();
    const blob = Buffer.alloc(4 + body.length);
    blob.writeUInt32LE(body.length, 0);
    body.copy(blob, 4);
    this.tableCache.set(which, { version: this.version, blob });
    return blob;
  }

  private encodeUsers(): Buffer {
    const size = this.userSize;
    const out = Buffer.alloc(size * this.users.length);
    this.users.forEach((u, i) => {
      const o = i * size;
      out.writeUInt16LE(u.uid, o);
      out.writeUInt8(u.privilege, o + 2);
      if (size === 72) {
        out.write(u.name.slice(0, 23), o + 11, 'utf8');
        out.writeUInt32LE(u.cardNo, o + 35);
        out.write(u.pin.slice(0, 23), o + 48, 'ascii');
      } else {
        out.write(u.name.slice(0, 7), o + 8, 'utf8');
        out.writeUInt32LE(u.cardNo, o + 16);
        out.writeUInt32LE(Number(u.pin), o + 24);
      }
    });
    return out;
  }

  private encodeRecords(): Buffer {
    const size = this.attendanceSize;
    const uidOf = new Map(this.users.map((u) => [u.pin, u.uid]));
    const out = Buffer.alloc(size * this.records.length);
    this.records.forEach((r, i) => {
      const o = i * size;
      const t = zkTime(r.localTime);
      if (size === 40) {
        out.writeUInt16LE(uidOf.get(r.pin) ?? 0, o);
        out.write(r.pin.slice(0, 23), o + 2, 'ascii');
        out.writeUInt8(r.verifyMode, o + 26);
        out.writeUInt32LE(t, o + 27);
        out.writeUInt8(r.punchState, o + 31);
      } else if (size === 16) {
        out.writeUInt32LE(Number(r.pin), o);
        out.writeUInt32LE(t, o + 4);
        out.writeUInt8(r.verifyMode, o + 8);
        out.writeUInt8(r.punchState, o + 9);
      } else {
        out.writeUInt16LE(uidOf.get(r.pin) ?? 0, o);
        out.writeUInt8(r.verifyMode, o + 2);
        out.writeUInt32LE(t, o + 3);
        out.writeUInt8(r.punchState, o + 7);
      }
    });
    return out;
  }

  private liveEvent(r: SimRecord): Buffer {
    const b = Buffer.alloc(32);
    b.write(r.pin.slice(0, 23), 0, 'ascii');
    b.writeUInt8(r.verifyMode, 24);
    b.writeUInt8(r.punchState, 25);
    const [d, t] = r.localTime.split(' ') as [string, string];
    const [y, mo, da] = d.split('-').map(Number) as [number, number, number];
    const [h, mi, s] = t.split(':').map(Number) as [number, number, number];
    Buffer.from([y - 2000, mo, da, h, mi, s]).copy(b, 26);
    return b;
  }
}

// ---- demo data -----------------------------------------------------------------------------------------------

/** A small deterministic PRNG so generated logs are reproducible. */
export function seededRandom(seed: number): () => number {
  let x = Math.imul(seed + 1, 2654435761) >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

/** Users E0001.. (text pins, 72-byte layout) or 1.. (numeric pins, for the 28-byte layout). */
export function makeUsers(n: number, numeric = false): SimUser[] {
  return Array.from({ length: n }, (_, i) => ({
    uid: i + 1,
    pin: numeric ? String(i + 1) : `E${String(i + 1).padStart(4, '0')}`,
    name: `User ${i + 1}`,
    privilege: i === 0 ? 14 : 0,
    cardNo: 100000 + i,
  }));
}

/**
 * About `count` punches spread over days starting at `firstDay` (YYYY-MM-DD): each user checks in around
 * 08:00 and out around 17:30, in time order, as a device log is.
 */
export function makeRecords(users: SimUser[], firstDay: string, count: number, seed = 1): SimRecord[] {
  const rnd = seededRandom(seed);
  const out: SimRecord[] = [];
  const start = instantOf(firstDay);
  for (let day = 0; out.length < count; day++) {
    const dayRecords: { at: number; r: SimRecord }[] = [];
    for (const u of users) {
      for (const [base, state] of [[8 * 3600, 0], [17.5 * 3600, 1]] as const) {
        const at = start + day * 86_400_000 + (base + Math.floor((rnd() - 0.5) * 3600)) * 1000;
        dayRecords.push({ at, r: { pin: u.pin, localTime: localDateTimeOf(at), verifyMode: 1 + Math.floor(rnd() * 2), punchState: state } });
      }
    }
    dayRecords.sort((a, b) => a.at - b.at);
    for (const { r } of dayRecords) {
      if (out.length >= count) break;
      out.push(r);
    }
  }
  return out;
}
