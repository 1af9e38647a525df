/**
 * Hanvon terminal driver over TCP (default port 9922). One TCP connection per command, as the vendor
 * tools do: the device answers one command and the connection carries nothing else, so a failure never
 * leaves a half-read answer behind for the next command.
 */
import net from 'node:net';
import { RenshiError } from '#shared/errors';
import type { AttendanceDevice, DeviceEndpoint, DeviceInfo, DeviceRecord, DeviceUser } from '../types.ts';
import { command, type HanvonAnswer, normalizeTime, parseAnswer, rows, valueOf } from './protocol.ts';

export interface HanvonOptions extends Omit<DeviceEndpoint, 'driver'> {
  /** Text encoding of the device (Chinese firmware: GBK). ASCII is the same in both. */
  encoding?: 'gbk' | 'utf-8';
  /** Largest answer accepted, in bytes. */
  maxAnswerBytes?: number;
}

const EARLIEST = '2000-01-01 00:00:00';
const LATEST = '2099-12-31 23:59:59';

export class HanvonClient implements AttendanceDevice {
  readonly driver = 'hanvon' as const;
  readonly readsWholeLog = false;
  private readonly timeoutMs: number;
  private readonly decoder: TextDecoder;

  constructor(private readonly opts: HanvonOptions) {
    this.timeoutMs = opts.timeoutMs ?? 5000;
    this.decoder = new TextDecoder(opts.encoding ?? 'gbk');
  }

  async connect(): Promise<void> {
    await this.execute('GetDeviceInfo()');
  }

  async close(): Promise<void> {}

  /** Sends one command on a fresh connection and returns the parsed answer; result must be success. */
  async execute(text: string): Promise<HanvonAnswer> {
    const raw = await this.exchange(text);
    let answer: HanvonAnswer;
    try {
      answer = parseAnswer(raw);
    } catch (e) {
      throw e instanceof RenshiError ? e : new RenshiError('device-protocol-error', String(e));
    }
    if (answer.result !== 'success') {
      const reason = valueOf(answer, 'reason') ?? answer.result;
      if (/auth|password|key|secret/i.test(reason)) throw new RenshiError('device-auth-failed', `device refused ${text.split('(')[0]}: ${reason}`);
      throw new RenshiError('device-protocol-error', `device answered ${answer.result} to ${text.split('(')[0]}${reason !== answer.result ? `: ${reason}` : ''}`);
    }
    return answer;
  }

  private exchange(text: string): Promise<string> {
    const { host, port } = this.opts;
    const max = this.opts.maxAnswerBytes ?? 64 * 1024 * 1024;
    return new Promise((resolve, reject) => {
      const socket = net.createConnection({ host, port });
      const chunks: Buffer[] = [];
      let size = 0;
      let settled = false;
      const done = (e: RenshiError | null, value?: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        if (e) reject(e);
        else resolve(value!);
      };
      const unreachable = (why: string) => new RenshiError('device-unreachable', `Hanvon device ${host}:${port} unreachable: ${why}`, { host, port });
      let timer = setTimeout(() => done(unreachable(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
      socket.on('connect', () => socket.write(Buffer.from(text, 'utf8')));
      socket.on('error', (e: NodeJS.ErrnoException) => done(unreachable(e.code ?? e.message)));
      socket.on('close', () => done(unreachable('connection closed before the answer was complete')));
      // Completeness is checked on bytes: '"' and ')' are ASCII and never occur inside a GBK or UTF-8
      // multi-byte character, so one pass over each chunk suffices however large the answer grows.
      let head = '';
      let started = false;
      let inQuotes = false;
      socket.on('data', (chunk) => {
        // every chunk restarts the idle timer: large record sets take a while, a silent device does not
        clearTimeout(timer);
        timer = setTimeout(() => done(unreachable(`answer stalled for ${this.timeoutMs} ms`)), this.timeoutMs);
        chunks.push(chunk);
        size += chunk.length;
        if (size > max) return done(new RenshiError('device-protocol-error', `answer larger than ${max} bytes`));
        let i = 0;
        if (!started) {
          head += chunk.toString('latin1');
          const at = head.indexOf('Return(');
          if (at < 0) {
            if (head.length > 4096) done(new RenshiError('device-protocol-error', `device answer does not start with Return(: ${JSON.stringify(head.slice(0, 40))}`));
            return;
          }
          started = true;
          i = at + 7 - (head.length - chunk.length);
        }
        for (; i < chunk.length; i++) {
          const c = chunk[i];
          if (c === 34) inQuotes = !inQuotes;
          else if (c === 41 && !inQuotes) {
            const end = size - chunk.length + i + 1;
            return done(null, this.decoder.decode(Buffer.concat(chunks, size).subarray(0, end)));
          }
        }
      });
    });
  }

  async info(): Promise<DeviceInfo> {
    const a = await this.execute('GetDeviceInfo()');
    const time = normalizeTime(valueOf(a, 'time') ?? '');
    if (!time) throw new RenshiError('device-protocol-error', 'device info has no readable time');
    const count = (k: string) => {
      const n = Number(valueOf(a, k) ?? 0);
      return Number.isFinite(n) && n >= 0 ? Math.floor(n) : 0;
    };
    return {
      serialNumber: valueOf(a, 'dev_id') ?? '',
      firmware: valueOf(a, 'version') ?? valueOf(a, 'dev_model') ?? '',
      userCount: count('real_employee'),
      recordCount: count('real_record'),
      deviceTime: time,
    };
  }

  async users(): Promise<DeviceUser[]> {
    const a = await this.execute('GetEmployeeID()');
    const ids = a.pairs.filter(([k]) => k === 'id').map(([, v]) => v);
    const out: DeviceUser[] = [];
    for (const id of ids) {
      const e = await this.execute(command('GetEmployee', { id }));
      out.push({ uid: 0, pin: id, name: valueOf(e, 'name') ?? '', privilege: Number(valueOf(e, 'authority') === '0X11'), cardNo: Number(valueOf(e, 'card_num') ?? 0) || 0 });
    }
    return out;
  }

  async records(opts: { sinceLocal?: string } = {}): Promise<DeviceRecord[]> {
    const a = await this.execute(command('GetRecord', { start_time: opts.sinceLocal ?? EARLIEST, end_time: LATEST }));
    const out: DeviceRecord[] = [];
    for (const r of rows(a, 'time')) {
      const localTime = normalizeTime(r.time ?? '');
      if (!localTime || !r.id) throw new RenshiError('device-protocol-error', `record without a readable time or id: ${JSON.stringify(r)}`);
      out.push({ pin: r.id, localTime, verifyMode: Number(r.verify_mode ?? 0) || 0, punchState: Number(r.status ?? 0) || 0 });
    }
    return out;
  }

  async setTime(localTime: string): Promise<void> {
    const t = normalizeTime(localTime);
    if (!t) throw new RenshiError('validation-failed', `not a time: ${localTime}`);
    await this.execute(command('SetDeviceInfo', { time: t }));
  }

  async clearRecords(): Promise<void> {
    await this.execute(command('DeleteRecord', { start_time: EARLIEST, end_time: LATEST }));
  }
}
