/**
 * Hanvon terminal simulator: TCP, one text command per connection, answered with `Return(...)`. Implements
 * the commands our driver uses (GetDeviceInfo, GetEmployeeID, GetEmployee, GetRecord, SetDeviceInfo,
 * DeleteRecord), with the assumptions listed in src-main/devices/hanvon/README.md. Names can be sent in
 * GBK (as Chinese firmware does) for the few names it knows how to encode.
 */
import net from 'node:net';
import { localDateTimeOf, instantOf } from '#shared/time';
import type { SimRecord, SimUser } from '../zkteco/zk-simulator.ts';

export interface HanvonSimOptions {
  host?: string;
  port?: number;
  serialNumber?: string;
  users?: SimUser[];
  records?: SimRecord[];
  clockSkewMs?: number;
  /** Answer in pieces of this many bytes, with a pause between them (exercises reassembly). */
  pieceBytes?: number;
  /** Answer only this many bytes and then hang (exercises the idle timeout). */
  stallAfterBytes?: number;
  /** Answer with this text instead (exercises the parser). */
  rawAnswer?: string | Buffer;
}

/** GBK bytes for the few Chinese characters the simulator uses in names. */
const GBK: Record<string, number[]> = { 张: [0xd5, 0xc5], 三: [0xc8, 0xfd], 李: [0xc0, 0xee], 四: [0xcb, 0xc4] };

function gbk(text: string): Buffer {
  const out: number[] = [];
  for (const ch of text) {
    const code = GBK[ch];
    if (code) out.push(...code);
    else if (ch.charCodeAt(0) < 0x80) out.push(ch.charCodeAt(0));
    else out.push(0x3f); // '?'
  }
  return Buffer.from(out);
}

export class HanvonSimulator {
  users: SimUser[];
  records: SimRecord[];
  clockSkewMs: number;
  commands: string[] = [];
  private server: net.Server | null = null;
  private sockets = new Set<net.Socket>();
  private port = 0;

  constructor(private readonly opts: HanvonSimOptions = {}) {
    this.users = opts.users ?? [];
    this.records = opts.records ?? [];
    this.clockSkewMs = opts.clockSkewMs ?? 0;
  }

  get address(): { host: string; port: number } {
    return { host: this.opts.host ?? '127.0.0.1', port: this.port };
  }

  async start(): Promise<this> {
    this.server = net.createServer((s) => this.accept(s));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.opts.port ?? 0, this.opts.host ?? '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as net.AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => {});
    let text = '';
    socket.on('data', async (chunk) => {
      text += chunk.toString('utf8');
      const m = /^\s*(\w+)\(([\s\S]*)\)\s*$/.exec(text);
      if (!m) {
        if (text.length > 10_000) socket.destroy();
        return;
      }
      this.commands.push(m[1]!);
      const answer = this.opts.rawAnswer ?? this.answer(m[1]!, parseArgs(m[2]!));
      await this.write(socket, answer);
    });
  }

  private async write(socket: net.Socket, answer: string | Buffer): Promise<void> {
    const bytes = typeof answer === 'string' ? gbk(answer) : answer;
    if (this.opts.stallAfterBytes !== undefined) {
      socket.write(bytes.subarray(0, this.opts.stallAfterBytes));
      return;
    }
    const piece = this.opts.pieceBytes ?? bytes.length;
    for (let off = 0; off < bytes.length; off += piece) {
      if (socket.destroyed) return;
      socket.write(bytes.subarray(off, off + piece));
      if (off + piece < bytes.length) await new Promise((r) => setTimeout(r, 2));
    }
  }

  private deviceNow(): string {
    return localDateTimeOf(Date.now() + this.clockSkewMs);
  }

  private answer(name: string, args: Record<string, string>): string {
    switch (name) {
      case 'GetDeviceInfo':
        return `Return(result="success" dev_id="${this.opts.serialNumber ?? 'HV-SIM-0001'}" dev_model="FaceID 6" version="2.1.8" time="${this.deviceNow()}" real_employee="${this.users.length}" real_record="${this.records.length}")`;
      case 'GetEmployeeID':
        return `Return(result="success" total="${this.users.length}"${this.users.map((u) => ` id="${u.pin}"`).join('')})`;
      case 'GetEmployee': {
        const u = this.users.find((x) => x.pin === args.id);
        if (!u) return 'Return(result="failed" reason="no such employee")';
        return `Return(result="success" id="${u.pin}" name="${u.name}" card_num="${u.cardNo}" authority="${u.privilege ? '0X11' : '0X0'}")`;
      }
      case 'GetRecord': {
        const from = args.start_time ? normalize(args.start_time) : '0000';
        const to = args.end_time ? normalize(args.end_time) : '9999';
        const rows = this.records.filter((r) => r.localTime >= from && r.localTime <= to);
        const names = new Map(this.users.map((u) => [u.pin, u.name]));
        return `Return(result="success" dev_id="${this.opts.serialNumber ?? 'HV-SIM-0001'}" total="${rows.length}"\r\n${rows
          .map((r) => `time="${r.localTime}" id="${r.pin}" name="${names.get(r.pin) ?? ''}" workcode="0" status="${r.punchState}" verify_mode="${r.verifyMode}" card_src="from_check"\r\n`)
          .join('')})`;
      }
      case 'SetDeviceInfo':
        if (args.time) this.clockSkewMs = instantOf(normalize(args.time)) - Date.now();
        return 'Return(result="success")';
      case 'DeleteRecord':
        this.records = [];
        return 'Return(result="success")';
      default:
        return `Return(result="failed" reason="unknown command ${name}")`;
    }
  }
}

function parseArgs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/(\w+)\s*=\s*"([^"]*)"/g)) out[m[1]!] = m[2]!;
  return out;
}

function normalize(t: string): string {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2}) (\d{1,2}):(\d{1,2}):(\d{1,2})$/.exec(t.trim());
  if (!m) return t;
  const p = (s: string) => s.padStart(2, '0');
  return `${m[1]}-${p(m[2]!)}-${p(m[3]!)} ${p(m[4]!)}:${p(m[5]!)}:${p(m[6]!)}`;
}
