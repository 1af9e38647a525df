/**
 * The text side of ZKTeco's PUSH protocol (ADMS, "iclock"), as terminals speak it over plain HTTP. The
 * terminal always initiates:
 *   GET  /iclock/cdata?SN=..&options=all&pushver=..   handshake; we answer the "GET OPTION FROM" block
 *   POST /iclock/cdata?SN=..&table=ATTLOG&Stamp=..    tab-separated records; we answer "OK: <n>"
 *   POST /iclock/cdata?SN=..&table=OPERLOG|USERINFO   operation log and user table ("USER PIN=..\tName=..")
 *   GET  /iclock/getrequest?SN=..                      poll for commands: "C:<id>:<command>" lines or "OK"
 *   POST /iclock/devicecmd?SN=..                       command results: "ID=<id>&Return=<code>&CMD=<cmd>"
 * Everything here is pure text in, values out; nothing throws on device input.
 */
import { normalizeWallTime } from '#shared/devices/attlog';

/** Serial numbers as terminals print them; no '|' (the separator inside punch ids) and no spaces. */
export const SERIAL = /^[A-Za-z0-9_-]{1,64}$/;

export function serialOf(query: unknown): string | null {
  const q = (query ?? {}) as Record<string, unknown>;
  const raw = q.SN ?? q.sn;
  const sn = typeof raw === 'string' ? raw.trim() : '';
  return SERIAL.test(sn) ? sn : null;
}

export function stringParam(query: unknown, ...names: string[]): string | null {
  const q = (query ?? {}) as Record<string, unknown>;
  for (const n of names) {
    const v = q[n];
    // Control characters (NUL above all) have no business in a parameter and PostgreSQL text refuses NUL.
    if (typeof v === 'string') return v.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '').slice(0, 500);
  }
  return null;
}

/**
 * Bodies are UTF-8 on current firmware; older Chinese firmware writes user names in GB18030 (GBK). Try
 * UTF-8 strictly and fall back, so a name never turns into replacement characters silently.
 */
export function decodeBody(body: unknown): string {
  if (typeof body === 'string') return body;
  if (!(body instanceof Uint8Array) || body.length === 0) return '';
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return new TextDecoder('gb18030').decode(body);
  }
}

export type DeviceOptions = { serial: string; attlogStamp: string | null; operlogStamp: string | null; pushVersion: string | null };

/**
 * The handshake answer. Stamps are the device's own cursors from its last accepted upload ("0" for a
 * device we have never heard from: send everything, duplicates are harmless). TimeZone=8: the company
 * runs on Asia/Shanghai and we read device wall time that way. Realtime=1 makes each punch arrive as it
 * happens. Firmware before push 2.x reads TransFlag as a bit string, later firmware as table names.
 */
export function optionsBlock(o: DeviceOptions): string {
  const major = Number((o.pushVersion ?? '').split('.')[0]);
  const transFlag = Number.isFinite(major) && major >= 2 ? 'TransData AttLog\tOpLog\tEnrollUser\tChgUser' : '1111000000';
  return [
    `GET OPTION FROM: ${o.serial}`,
    `ATTLOGStamp=${o.attlogStamp ?? '0'}`,
    `OPERLOGStamp=${o.operlogStamp ?? '0'}`,
    'ATTPHOTOStamp=0',
    'ErrorDelay=30',
    'Delay=10',
    'TransTimes=00:00;14:05',
    'TransInterval=1',
    `TransFlag=${transFlag}`,
    'TimeZone=8',
    'Realtime=1',
    'Encrypt=0',
    '',
  ].join('\n');
}

/**
 * A device's stamp only moves forward. Stamps are numbers on every firmware we know of; a non-numeric one
 * is kept only when we have none, and an older one (the answer to a history query) never rewinds it.
 */
export function laterStamp(current: string | null, incoming: string | null): string | null {
  if (incoming === null || !/^\d{1,20}$/.test(incoming)) return current ?? (incoming && incoming.length <= 40 ? incoming : null);
  if (current === null || !/^\d{1,20}$/.test(current)) return incoming;
  return BigInt(incoming) > BigInt(current) ? incoming : current;
}

export type DeviceUser = { pin: string; name: string; privilege: number; card: string };

const PIN = /^[0-9A-Za-z_-]{1,24}$/;

/** "K=V\tK=V" pairs (keys case-insensitive), as in USER lines and command results. */
export function keyValues(text: string, separator: RegExp = /\t/): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of text.split(separator)) {
    const eq = part.indexOf('=');
    if (eq > 0) out.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  return out;
}

/**
 * OPERLOG and USERINFO uploads: we keep the user table ("USER PIN=1\tName=..\tPri=0\tCard=.."; USERINFO
 * bodies may omit the "USER " prefix). Operation records (OPLOG), fingerprint templates (FP) and anything
 * else are counted and dropped: templates are biometric data this system has no business holding.
 */
export function parseUserLines(text: string): { users: DeviceUser[]; lines: number } {
  const users: DeviceUser[] = [];
  let lines = 0;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    lines++;
    const body = /^USER\s+/i.test(line) ? line.replace(/^USER\s+/i, '') : /^PIN=/i.test(line) ? line : null;
    if (body === null) continue;
    const kv = keyValues(body);
    const pin = kv.get('pin') ?? '';
    if (!PIN.test(pin)) continue;
    const privilege = Number(kv.get('pri') ?? kv.get('privilege') ?? '0');
    users.push({
      pin,
      name: (kv.get('name') ?? '').slice(0, 100),
      privilege: Number.isInteger(privilege) && privilege >= 0 && privilege <= 255 ? privilege : 0,
      card: (kv.get('card') ?? kv.get('cardno') ?? '').slice(0, 40),
    });
  }
  return { users, lines };
}

/** Non-blank lines of an upload: what "OK: <n>" counts. */
export function countLines(text: string): number {
  return text.split(/\r?\n/).filter((l) => l.trim() !== '').length;
}

export type CommandResult = { id: number; returnCode: number; command: string; payload: string };

/**
 * devicecmd bodies: one or more results, each a line "ID=<id>&Return=<code>&CMD=<cmd>" optionally followed
 * by data lines (INFO answers "~DeviceName=..", "MAC=..", "UserCount=.." lines). Results whose id or code
 * is not an integer are skipped: they cannot be matched to anything we sent.
 */
export function parseCommandResults(text: string): CommandResult[] {
  const results: CommandResult[] = [];
  let current: CommandResult | null = null;
  for (const raw of text.split(/\r?\n/)) {
    if (/^ID=/i.test(raw.trim())) {
      const kv = keyValues(raw.trim(), /&/);
      const id = Number(kv.get('id'));
      const code = Number(kv.get('return'));
      current = Number.isSafeInteger(id) && id > 0 && Number.isSafeInteger(code) ? { id, returnCode: code, command: (kv.get('cmd') ?? '').slice(0, 100), payload: '' } : null;
      if (current) results.push(current);
    } else if (current && raw.trim() !== '' && current.payload.length < 65_536) {
      current.payload += (current.payload ? '\n' : '') + raw.trim();
    }
  }
  return results;
}

/** What HR may ask a terminal to do. Only read-only requests: nothing here can erase a device. */
export type CommandRequest = { kind: 'query-attlog'; startTime: string; endTime: string } | { kind: 'info' };

/** The command text a device executes; times are its wall time, "YYYY-MM-DD HH:MM:SS". */
export function commandText(req: CommandRequest): string {
  switch (req.kind) {
    case 'info':
      return 'INFO';
    case 'query-attlog':
      return `DATA QUERY ATTLOG StartTime=${normalizeWallTime(req.startTime)}\tEndTime=${normalizeWallTime(req.endTime)}`;
  }
}

/** The getrequest answer: one "C:<id>:<command>" line per command, or "OK" when there is nothing to do. */
export function commandsAnswer(commands: { id: number; command: string }[]): string {
  if (!commands.length) return 'OK';
  return commands.map((c) => `C:${c.id}:${c.command}`).join('\n') + '\n';
}
