/**
 * ZKTeco standalone-protocol client.
 *
 * Conversation model: one command in flight at a time, matched to its answer by reply id (the device echoes
 * ours); packets with other reply ids are leftovers of an aborted exchange and are dropped. Real-time
 * events (command CMD_REG_EVENT) can arrive at any moment and go to live subscribers.
 *
 * Tables (users, attendance log) are read with a buffered read: CMD_DATA_WRRQ asks the device to prepare
 * the table and answers with its size (or, for a small table, with CMD_DATA holding it directly). The
 * client then reads it in chunks with CMD_DATA_RDY(start, size); for each chunk the device sends
 * CMD_PREPARE_DATA, the bytes as one CMD_DATA (TCP) or many 1 KiB CMD_DATA packets (UDP), then CMD_ACK_OK,
 * all with the chunk request's reply id. Over TCP a few chunk requests are kept in flight; chunks are copied
 * straight into one preallocated buffer. CMD_FREE_DATA releases the device buffer.
 *
 * Failure model: every wait is bounded by `timeoutMs`. A dropped connection or timeout during a table read
 * reconnects and repeats the whole read (the device buffer belongs to the session), up to `readAttempts`
 * times; the table is only returned when complete, so a retry can neither lose nor duplicate records.
 */
import { RenshiError } from '#shared/errors';
import type { AttendanceDevice, DeviceEndpoint, DeviceInfo, DeviceRecord, DeviceUser } from '../types.ts';
import {
  bufferedReadRequest,
  chunkRequest,
  CMD,
  cString,
  decodePacket,
  EF_ATTLOG,
  encodePacket,
  encodeZkTime,
  FCT_USER,
  decodeZkTime,
  isRealWallTime,
  makeCommKey,
  type Packet,
  protocolError,
  USHRT_MAX,
  wallTimeOfText,
  wallTimeText,
} from './protocol.ts';
import { ATTENDANCE_SIZES, detectRecordSize, forEachAttendance, parseLiveRecord, parseUsers, tableBody, USER_SIZES } from './records.ts';
import { openTcp, openUdp, type ZkTransport } from './transport.ts';

export interface ZkClientOptions extends Omit<DeviceEndpoint, 'driver'> {
  /** Try UDP when a TCP connection is refused (old firmware speaks UDP only). Default true. */
  udpFallback?: boolean;
  /** Bytes per chunk request; default 0xFFC0 on TCP, 16 KiB on UDP (what devices are known to serve). */
  chunkSize?: number;
  /** Chunk requests kept in flight on TCP. Default 4. */
  window?: number;
  /** Full attempts of a table read (reconnecting in between). Default 3. */
  readAttempts?: number;
  /** Disable the keypad while reading, as the vendor SDK does, so no punch lands mid-read. Default true. */
  disableDuringReads?: boolean;
}

interface Waiter {
  resolve: (p: Packet) => void;
  reject: (e: RenshiError) => void;
  timer: NodeJS.Timeout;
}

export class ZkClient implements AttendanceDevice {
  readonly driver = 'zkteco' as const;
  readonly readsWholeLog = true;
  private transport: ZkTransport | null = null;
  private sessionId = 0;
  private replyId = 0;
  private queue: Packet[] = [];
  private waiter: Waiter | null = null;
  private closedReason: RenshiError | null = null;
  private liveListeners = new Set<(r: DeviceRecord) => void>();
  private sizes: { users: number; records: number } | null = null;
  /** True between CMD_DISABLEDEVICE and a confirmed CMD_ENABLEDEVICE. */
  private disabled = false;
  private readonly timeoutMs: number;

  constructor(private readonly opts: ZkClientOptions) {
    this.timeoutMs = opts.timeoutMs ?? 5000;
  }

  get transportKind(): 'tcp' | 'udp' | null {
    return this.transport?.kind ?? null;
  }

  // ---- connection ----------------------------------------------------------------------------------------

  async connect(): Promise<void> {
    await this.closeQuietly();
    const { host, port } = this.opts;
    let transport: ZkTransport;
    if (this.opts.transport === 'udp') {
      transport = await openUdp(host, port, this.timeoutMs);
    } else {
      try {
        transport = await openTcp(host, port, this.timeoutMs);
      } catch (err) {
        const refused = (err as { errno?: string }).errno === 'ECONNREFUSED';
        if (!refused || this.opts.udpFallback === false) throw err;
        transport = await openUdp(host, port, this.timeoutMs);
      }
    }
    this.attach(transport);
    this.sessionId = 0;
    this.replyId = USHRT_MAX - 1; // the first command goes out with reply id 0, as the vendor SDK does
    const hello = await this.command(CMD.CONNECT);
    this.sessionId = hello.sessionId;
    if (hello.command === CMD.ACK_UNAUTH) {
      const auth = await this.command(CMD.AUTH, makeCommKey(this.opts.commKey ?? 0, this.sessionId));
      if (auth.command !== CMD.ACK_OK) {
        await this.closeQuietly();
        throw new RenshiError('device-auth-failed', `device ${host}:${port} rejected the comm key`, { host, port });
      }
    } else if (hello.command !== CMD.ACK_OK) {
      await this.closeQuietly();
      throw protocolError(`device answered CMD_CONNECT with command ${hello.command}`);
    }
  }

  private attach(transport: ZkTransport): void {
    this.transport = transport;
    this.queue = [];
    this.closedReason = null;
    transport.onPacket = (raw) => this.receivePacket(raw);
    transport.onClose = (reason) => {
      if (this.transport === transport) this.transport = null;
      this.fail(reason);
    };
  }

  /** Ends the current exchange with `reason` (the first reason wins) and closes the connection. */
  private fail(reason: RenshiError): void {
    this.closedReason ??= reason;
    const w = this.waiter;
    if (w) {
      this.waiter = null;
      clearTimeout(w.timer);
      w.reject(this.closedReason);
    }
    const t = this.transport;
    this.transport = null;
    t?.close();
  }

  private receivePacket(raw: Buffer): void {
    let packet: Packet;
    try {
      packet = decodePacket(raw);
    } catch (err) {
      // A corrupt packet poisons the exchange: fail it and close; table reads retry on a fresh session.
      this.fail(err instanceof RenshiError ? err : protocolError(String(err)));
      return;
    }
    if (packet.command === CMD.REG_EVENT) {
      this.transport?.send(encodePacket(CMD.ACK_OK, this.sessionId, packet.replyId));
      if (packet.sessionId === EF_ATTLOG && packet.payload.length > 0) {
        try {
          const record = parseLiveRecord(packet.payload);
          for (const l of this.liveListeners) l(record);
        } catch {
          // an event we cannot read is skipped; the record is still in the device log for the next pull
        }
      }
      return;
    }
    const w = this.waiter;
    if (w) {
      this.waiter = null;
      clearTimeout(w.timer);
      w.resolve(packet);
    } else if (this.queue.length < 4096) {
      this.queue.push(packet);
    } else {
      this.fail(protocolError('device sends packets nobody asked for'));
    }
  }

  /** The next packet from the device, or a typed error after `timeoutMs` or when the connection ends. */
  private nextPacket(): Promise<Packet> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    if (!this.transport) {
      return Promise.reject(this.closedReason ?? new RenshiError('device-unreachable', 'not connected'));
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(new RenshiError('device-unreachable', `no answer from ${this.opts.host}:${this.opts.port} within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.waiter = { resolve, reject, timer };
    });
  }

  private send(command: number, payload?: Uint8Array): number {
    if (!this.transport) throw this.closedReason ?? new RenshiError('device-unreachable', 'not connected');
    this.replyId = (this.replyId + 1) % USHRT_MAX;
    this.transport.send(encodePacket(command, this.sessionId, this.replyId, payload));
    return this.replyId;
  }

  /** Sends a command and returns the device's answer to it. */
  private async command(command: number, payload?: Uint8Array): Promise<Packet> {
    const id = this.send(command, payload);
    for (;;) {
      const p = await this.nextPacket();
      if (p.replyId === id) return p;
    }
  }

  private async expectOk(command: number, payload?: Uint8Array, what = `command ${command}`): Promise<Packet> {
    const p = await this.command(command, payload);
    if (p.command === CMD.ACK_UNAUTH) throw new RenshiError('device-auth-failed', `device refused ${what}: not authenticated`);
    if (p.command !== CMD.ACK_OK && p.command !== CMD.DATA) throw protocolError(`device refused ${what} (answer ${p.command})`);
    return p;
  }

  async close(): Promise<void> {
    if (this.transport) {
      try {
        this.send(CMD.EXIT);
        await Promise.race([this.nextPacket(), new Promise((r) => setTimeout(r, Math.min(500, this.timeoutMs)))]);
      } catch {
        // closing anyway
      }
    }
    await this.closeQuietly();
  }

  private async closeQuietly(): Promise<void> {
    const t = this.transport;
    this.transport = null;
    if (this.waiter) {
      clearTimeout(this.waiter.timer);
      this.waiter = null;
    }
    t?.close();
  }

  private async ensureConnected(): Promise<void> {
    if (!this.transport) await this.connect();
  }

  // ---- device information --------------------------------------------------------------------------------

  async readOption(name: string): Promise<string> {
    const p = await this.expectOk(CMD.OPTIONS_RRQ, Buffer.from(`${name}\0`, 'ascii'), `option ${name}`);
    const text = cString(p.payload);
    const eq = text.indexOf('=');
    return eq >= 0 ? text.slice(eq + 1) : text;
  }

  async readSizes(): Promise<{ users: number; records: number; recordCapacity: number }> {
    const p = await this.expectOk(CMD.GET_FREE_SIZES, undefined, 'CMD_GET_FREE_SIZES');
    if (p.payload.length < 80) throw protocolError(`free-sizes answer of ${p.payload.length} bytes, expected 80`);
    const sizes = { users: p.payload.readInt32LE(16), records: p.payload.readInt32LE(32), recordCapacity: p.payload.readInt32LE(64) };
    this.sizes = { users: sizes.users, records: sizes.records };
    return sizes;
  }

  async deviceTime(): Promise<string> {
    const p = await this.expectOk(CMD.GET_TIME, undefined, 'CMD_GET_TIME');
    if (p.payload.length < 4) throw protocolError(`time answer of ${p.payload.length} bytes`);
    return wallTimeText(decodeZkTime(p.payload.readUInt32LE(0)));
  }

  async info(): Promise<DeviceInfo> {
    await this.ensureConnected();
    // Old firmware refuses some of these queries; a refusal (the device answered, the session is fine)
    // leaves the field empty instead of failing the pull. The clock is required: skew checks need it.
    const serialNumber = await this.orIfRefused(() => this.readOption('~SerialNumber'), '');
    const firmware = await this.orIfRefused(async () => cString((await this.expectOk(CMD.GET_VERSION, undefined, 'CMD_GET_VERSION')).payload), '');
    const sizes = await this.orIfRefused(() => this.readSizes(), { users: 0, records: 0, recordCapacity: 0 });
    const deviceTime = await this.deviceTime();
    return { serialNumber, firmware, userCount: sizes.users, recordCount: sizes.records, deviceTime };
  }

  private async orIfRefused<T>(fn: () => Promise<T>, fallback: T): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const refused = err instanceof RenshiError && err.code === 'device-protocol-error' && this.transport !== null;
      if (!refused) throw err;
      return fallback;
    }
  }

  async setTime(localTime: string): Promise<void> {
    const t = wallTimeOfText(localTime);
    if (!isRealWallTime(t) || t.year < 2000 || t.year > 2099) throw new RenshiError('validation-failed', `cannot set device time to ${localTime}`);
    await this.ensureConnected();
    const b = Buffer.allocUnsafe(4);
    b.writeUInt32LE(encodeZkTime(t), 0);
    await this.expectOk(CMD.SET_TIME, b, 'CMD_SET_TIME');
  }

  async clearRecords(): Promise<void> {
    await this.ensureConnected();
    await this.expectOk(CMD.CLEAR_ATTLOG, undefined, 'CMD_CLEAR_ATTLOG');
  }

  // ---- tables ----------------------------------------------------------------------------------------------

  /** Reads one table with a buffered read, retrying on a fresh connection after drops and timeouts. */
  private async readTable(tableCommand: number, fct: number): Promise<Buffer> {
    const attempts = this.opts.readAttempts ?? 3;
    let lastError: RenshiError | null = null;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        await this.ensureConnected();
        // fresh counts: the record layout is told from them (without them, from the table size alone)
        this.sizes = null;
        await this.orIfRefused(() => this.readSizes(), null);
        const disable = this.opts.disableDuringReads !== false;
        if (disable) {
          this.disabled = true; // even if the answer is lost, the device may have obeyed
          await this.expectOk(CMD.DISABLEDEVICE, undefined, 'CMD_DISABLEDEVICE');
        }
        const blob = await this.bufferedRead(tableCommand, fct);
        if (disable) await this.expectOk(CMD.ENABLEDEVICE, undefined, 'CMD_ENABLEDEVICE');
        this.disabled = false;
        return blob;
      } catch (err) {
        const e = err instanceof RenshiError ? err : new RenshiError('internal', String(err));
        if (e.code === 'device-auth-failed' || e.code === 'validation-failed') throw e;
        lastError = e;
        await this.closeQuietly();
      }
    }
    if (this.disabled) await this.reenable();
    throw lastError ?? new RenshiError('device-unreachable', 'table read failed');
  }

  /**
   * A disabled terminal refuses punches until enabled again, so after a failed read we make one more
   * short attempt on a fresh connection to enable it; if the device is gone there is nothing to do.
   */
  private async reenable(): Promise<void> {
    try {
      await this.connect();
      await this.expectOk(CMD.ENABLEDEVICE, undefined, 'CMD_ENABLEDEVICE');
      this.disabled = false;
    } catch {
      await this.closeQuietly();
    }
  }

  private async bufferedRead(tableCommand: number, fct: number): Promise<Buffer> {
    const first = await this.command(CMD.DATA_WRRQ, bufferedReadRequest(tableCommand, fct));
    if (first.command === CMD.DATA) {
      await this.command(CMD.FREE_DATA);
      return first.payload;
    }
    if (first.command !== CMD.ACK_OK && first.command !== CMD.PREPARE_DATA) {
      throw protocolError(`device refused the buffered read of table ${tableCommand} (answer ${first.command})`);
    }
    if (first.payload.length < 5) throw protocolError(`buffered-read answer of ${first.payload.length} bytes has no size`);
    const size = first.payload.readUInt32LE(1);
    if (size > 256 * 1024 * 1024) throw protocolError(`device announces an implausible table of ${size} bytes`);
    const out = Buffer.allocUnsafe(size);
    const udp = this.transport?.kind === 'udp';
    const chunkSize = this.opts.chunkSize ?? (udp ? 16 * 1024 : 0xffc0);
    const window = udp ? 1 : Math.max(1, this.opts.window ?? 4);

    // chunk bookkeeping, keyed by the reply id of its CMD_DATA_RDY
    interface Chunk { start: number; size: number; got: number; acked: boolean; tries: number }
    const inFlight = new Map<number, Chunk>();
    let nextStart = 0;
    let done = 0;
    const ask = (chunk: Chunk) => inFlight.set(this.send(CMD.DATA_RDY, chunkRequest(chunk.start, chunk.size)), chunk);
    const request = () => {
      const len = Math.min(chunkSize, size - nextStart);
      ask({ start: nextStart, size: len, got: 0, acked: false, tries: 1 });
      nextStart += len;
    };
    // Over UDP a lost datagram loses part of a chunk: ask for that chunk again (the device re-sends it)
    // rather than restarting the whole table. Over TCP nothing is lost without the connection failing.
    const retry = (id: number, chunk: Chunk, why: RenshiError) => {
      inFlight.delete(id);
      if (!udp || chunk.tries >= 4) throw why;
      chunk.tries++;
      chunk.got = 0;
      chunk.acked = false;
      ask(chunk);
    };
    while (nextStart < size && inFlight.size < window) request();
    while (done < size) {
      let p: Packet;
      try {
        p = await this.nextPacket();
      } catch (err) {
        if (!udp || !this.transport || !(err instanceof RenshiError)) throw err;
        for (const [id, chunk] of [...inFlight]) retry(id, chunk, err);
        continue;
      }
      const chunk = inFlight.get(p.replyId);
      if (!chunk) continue;
      if (p.command === CMD.DATA) {
        if (chunk.got + p.payload.length > chunk.size) {
          retry(p.replyId, chunk, protocolError(`device sent ${chunk.got + p.payload.length} bytes for a chunk of ${chunk.size}`));
          continue;
        }
        p.payload.copy(out, chunk.start + chunk.got);
        chunk.got += p.payload.length;
      } else if (p.command === CMD.ACK_OK) {
        chunk.acked = true;
      } else if (p.command !== CMD.PREPARE_DATA) {
        throw protocolError(`unexpected answer ${p.command} while reading a chunk`);
      }
      // A chunk is complete when all its bytes arrived; over TCP the ACK follows in order, over UDP a lost
      // ACK must not stall us. An ACK with bytes missing means the device sent less than asked (TCP) or a
      // datagram was lost (UDP).
      if (chunk.got === chunk.size) {
        inFlight.delete(p.replyId);
        done += chunk.size;
        if (nextStart < size) request();
      } else if (chunk.acked) {
        retry(p.replyId, chunk, protocolError(`chunk at ${chunk.start} ended after ${chunk.got} of ${chunk.size} bytes`));
      }
    }
    await this.command(CMD.FREE_DATA);
    return out;
  }

  async users(): Promise<DeviceUser[]> {
    const blob = await this.readTable(CMD.USERTEMP_RRQ, FCT_USER);
    const body = tableBody(blob);
    const size = detectRecordSize(body.length, this.sizes?.users ?? 0, USER_SIZES);
    return parseUsers(body, size);
  }

  /** Calls `visit` for every attendance record; returns the layout size used. */
  async forEachRecord(visit: (pin: string, localTime: string, verifyMode: number, punchState: number) => void): Promise<number> {
    const blob = await this.readTable(CMD.ATTLOG_RRQ, 0);
    const body = tableBody(blob);
    const size = detectRecordSize(body.length, this.sizes?.records ?? 0, ATTENDANCE_SIZES);
    let pinOfUid: ((uid: number) => string) | undefined;
    if (size === 8) {
      // the 8-byte layout stores the device slot, not the pin
      const byUid = new Map((await this.users()).map((u) => [u.uid, u.pin]));
      pinOfUid = (uid) => byUid.get(uid) ?? String(uid);
    }
    forEachAttendance(body, size, visit, pinOfUid);
    return size;
  }

  async records(opts: { sinceLocal?: string } = {}): Promise<DeviceRecord[]> {
    const since = opts.sinceLocal;
    const out: DeviceRecord[] = [];
    // The device cannot filter: we read the whole log and keep what is new. Wall-time text compares in order.
    await this.forEachRecord((pin, localTime, verifyMode, punchState) => {
      if (since === undefined || localTime >= since) out.push({ pin, localTime, verifyMode, punchState });
    });
    return out;
  }

  async layout(): Promise<{ user: number; attendance: number }> {
    await this.ensureConnected();
    const sizes = await this.readSizes();
    const users = tableBody(await this.readTable(CMD.USERTEMP_RRQ, FCT_USER));
    const att = tableBody(await this.readTable(CMD.ATTLOG_RRQ, 0));
    return {
      user: detectRecordSize(users.length, sizes.users, USER_SIZES),
      attendance: detectRecordSize(att.length, sizes.records, ATTENDANCE_SIZES),
    };
  }

  /** Registers for real-time attendance events on the current connection. */
  async onLiveRecord(cb: (record: DeviceRecord) => void): Promise<() => void> {
    await this.ensureConnected();
    const flags = Buffer.alloc(4);
    flags.writeUInt32LE(EF_ATTLOG, 0);
    await this.expectOk(CMD.REG_EVENT, flags, 'CMD_REG_EVENT');
    this.liveListeners.add(cb);
    return () => {
      this.liveListeners.delete(cb);
    };
  }
}
