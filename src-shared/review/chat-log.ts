import { z } from 'zod';
import { instantOf } from '../time.ts';

/**
 * Parsers for exported work-chat logs (WeCom / WeChat work accounts). Three shapes are accepted:
 *  - CSV with a header row: time, sender, text (required) and conversation (optional); Chinese headers
 *    时间 / 发送人 / 内容 / 会话 work too. Quoted fields may hold commas, quotes ("") and line breaks.
 *  - JSON: an array of messages, or {account?, messages: [...]}, each {time|sentAt, sender|from,
 *    text|content, conversation?}. `account` (or `owner`) is the account the export says it is from.
 *  - TXT as chat clients export it: a line "YYYY-MM-DD HH:MM[:SS] sender: text"; following lines that do
 *    not start with a time continue the message.
 * Files come as bytes (`decodeChatFile`): UTF-8 (a BOM is dropped), or GBK / GB18030 when they are not valid
 * UTF-8, as Excel and chat tools on Chinese Windows save CSV and TXT.
 * Times are Shanghai wall time ("2026-03-01 10:00[:00]"), ISO 8601 with an offset, or epoch milliseconds.
 *
 * All-or-nothing: one bad row and the whole file is refused with every bad row listed (row = line number
 * for CSV/TXT, 1-based array position for JSON), so a review never rests on a silently partial log.
 * Each message keeps `raw`, its text exactly as it appeared in the file, so the finding preserves the
 * original and its hash can be checked against the file.
 */
export const ChatFormat = z.enum(['csv', 'json', 'txt']);
export type ChatFormat = z.infer<typeof ChatFormat>;

export type ChatMessage = {
  /** Row in the file: line number (CSV/TXT) or 1-based position (JSON). */
  row: number;
  sentAt: number;
  sender: string;
  conversation: string;
  text: string;
  /** The message exactly as it appears in the file. */
  raw: string;
};

export type RowError = { row: number; field: string | null; message: string };
export type ParseResult = { ok: true; messages: ChatMessage[]; account: string | null } | { ok: false; errors: RowError[] };

export const MAX_CHAT_MESSAGES = 200_000;
const MAX_TEXT = 10_000;

export function formatOf(fileName: string): ChatFormat | null {
  const ext = /\.([a-z]+)$/i.exec(fileName.trim())?.[1]?.toLowerCase();
  return ext === 'csv' || ext === 'json' || ext === 'txt' ? ext : null;
}

export const ChatEncoding = z.enum(['utf-8', 'gb18030']);
export type ChatEncoding = z.infer<typeof ChatEncoding>;

/** The file's text and how it was read: UTF-8 when the bytes are valid UTF-8, else GB18030 (a superset of
 *  GBK). The file hash is taken over the bytes, never over this text. */
export function decodeChatFile(bytes: Uint8Array): { text: string; encoding: ChatEncoding } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, ''), encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('gb18030').decode(bytes), encoding: 'gb18030' };
  }
}

export function parseChatLog(text: string, format: ChatFormat): ParseResult {
  const body = text.replace(/^\uFEFF/, '');
  if (format === 'csv') return parseCsv(body);
  if (format === 'json') return parseJson(body);
  return parseTxt(body);
}

/** A time as written in an export -> epoch ms, or null when it is not one of the accepted forms. */
export function parseChatTime(value: unknown): number | null {
  if (typeof value === 'number') return Number.isInteger(value) && value > 0 ? value : null;
  if (typeof value !== 'string') return null;
  const s = value.trim();
  if (/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?$/.test(s)) {
    const [y, mo, d, h, mi, se = '0'] = s.split(/[-: T]/).map(Number) as number[];
    const probe = new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, Number(se)));
    if (probe.getUTCMonth() !== mo! - 1 || probe.getUTCDate() !== d! || h! > 23 || mi! > 59 || Number(se) > 59) return null;
    return instantOf(s.replace('T', ' '));
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(s)) {
    const ms = Date.parse(s);
    return Number.isNaN(ms) ? null : ms;
  }
  if (/^\d{12,14}$/.test(s)) return Number(s);
  return null;
}

function finish(messages: ChatMessage[], errors: RowError[], account: string | null = null): ParseResult {
  if (!errors.length && messages.length === 0) errors.push({ row: 0, field: null, message: 'the file holds no messages' });
  if (messages.length > MAX_CHAT_MESSAGES) errors.push({ row: 0, field: null, message: `more than ${MAX_CHAT_MESSAGES} messages: split the export` });
  return errors.length ? { ok: false, errors } : { ok: true, messages, account };
}

function checkMessage(row: number, fields: { time: unknown; sender: unknown; text: unknown; conversation: unknown }, raw: string, errors: RowError[]): ChatMessage | null {
  const before = errors.length;
  const sentAt = parseChatTime(fields.time);
  if (sentAt === null) errors.push({ row, field: 'time', message: `not a time: ${JSON.stringify(fields.time ?? null)}` });
  const sender = typeof fields.sender === 'string' ? fields.sender.trim() : '';
  if (!sender) errors.push({ row, field: 'sender', message: 'sender is empty' });
  else if (sender.length > 200) errors.push({ row, field: 'sender', message: 'sender is longer than 200 characters' });
  if (typeof fields.text !== 'string') errors.push({ row, field: 'text', message: 'text is missing' });
  else if (fields.text.length > MAX_TEXT) errors.push({ row, field: 'text', message: `text is longer than ${MAX_TEXT} characters` });
  const conversation = fields.conversation === undefined || fields.conversation === null ? '' : String(fields.conversation).trim().slice(0, 200);
  if (errors.length > before) return null;
  return { row, sentAt: sentAt!, sender, conversation, text: fields.text as string, raw };
}

// ---------------------------------------------------------------------------------------------------------
// CSV (RFC 4180)

const HEADER_ALIASES: Record<string, 'time' | 'sender' | 'text' | 'conversation'> = {
  time: 'time', sentat: 'time', 时间: 'time', 发送时间: 'time',
  sender: 'sender', from: 'sender', 发送人: 'sender', 发送者: 'sender',
  text: 'text', content: 'text', message: 'text', 内容: 'text', 消息内容: 'text',
  conversation: 'conversation', chat: 'conversation', 会话: 'conversation', 聊天对象: 'conversation', 群聊: 'conversation',
};

/** Splits CSV into records, each with the line it starts on and its raw text. */
function csvRecords(text: string): { line: number; cells: string[]; raw: string }[] | RowError {
  const out: { line: number; cells: string[]; raw: string }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let startLine = 1;
  let startIdx = 0;
  for (let i = 0; i <= text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === undefined) return { row: startLine, field: null, message: 'a quoted field is not closed' };
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        cell += ch;
      }
      continue;
    }
    if (ch === '"' && cell === '') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r' || ch === undefined) {
      cells.push(cell);
      const raw = text.slice(startIdx, i);
      if (cells.some((c) => c !== '')) out.push({ line: startLine, cells, raw });
      cells = [];
      cell = '';
      if (ch === '\r' && text[i + 1] === '\n') i++;
      line++;
      startLine = line;
      startIdx = i + 1;
    } else cell += ch;
  }
  return out;
}

function parseCsv(text: string): ParseResult {
  const records = csvRecords(text);
  if (!Array.isArray(records)) return { ok: false, errors: [records] };
  const [header, ...rows] = records;
  if (!header) return finish([], []);
  const columns = header.cells.map((h) => HEADER_ALIASES[h.trim().toLowerCase().replace(/[\s_]/g, '')] ?? null);
  const missing = (['time', 'sender', 'text'] as const).filter((k) => !columns.includes(k));
  if (missing.length) return { ok: false, errors: [{ row: header.line, field: null, message: `header lacks the column(s): ${missing.join(', ')}` }] };
  const errors: RowError[] = [];
  const messages: ChatMessage[] = [];
  for (const r of rows) {
    if (r.cells.length !== header.cells.length) {
      errors.push({ row: r.line, field: null, message: `${r.cells.length} columns, the header has ${header.cells.length}` });
      continue;
    }
    const get = (k: string) => r.cells[columns.indexOf(k as never)];
    const m = checkMessage(r.line, { time: get('time'), sender: get('sender'), text: get('text'), conversation: columns.includes('conversation') ? get('conversation') : '' }, r.raw, errors);
    if (m) messages.push(m);
  }
  return finish(messages, errors);
}

// ---------------------------------------------------------------------------------------------------------
// JSON

function parseJson(text: string): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, errors: [{ row: 0, field: null, message: `not JSON: ${err instanceof Error ? err.message : String(err)}` }] };
  }
  const wrapper = value && typeof value === 'object' && !Array.isArray(value) ? (value as { messages?: unknown; account?: unknown; owner?: unknown }) : null;
  const list = Array.isArray(value) ? value : Array.isArray(wrapper?.messages) ? (wrapper.messages as unknown[]) : null;
  if (!list) return { ok: false, errors: [{ row: 0, field: null, message: 'expected an array of messages or {"messages": [...]}' }] };
  const errors: RowError[] = [];
  const declared = wrapper?.account ?? wrapper?.owner ?? null;
  if (declared !== null && (typeof declared !== 'string' || !declared.trim() || declared.length > 200)) errors.push({ row: 0, field: 'account', message: 'account must be the account name the export is from' });
  const account = typeof declared === 'string' && declared.trim() ? declared.trim() : null;
  const messages: ChatMessage[] = [];
  list.forEach((item, i) => {
    if (!item || typeof item !== 'object' || Array.isArray(item)) {
      errors.push({ row: i + 1, field: null, message: 'not an object' });
      return;
    }
    const o = item as Record<string, unknown>;
    const m = checkMessage(i + 1, { time: o.time ?? o.sentAt, sender: o.sender ?? o.from, text: o.text ?? o.content, conversation: o.conversation ?? o.chat }, JSON.stringify(item), errors);
    if (m) messages.push(m);
  });
  return finish(messages, errors, account);
}

// ---------------------------------------------------------------------------------------------------------
// TXT

const TXT_LINE = /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}(?::\d{2})?)\s+(.*)$/;

function parseTxt(text: string): ParseResult {
  const lines = text.split(/\r?\n/);
  const errors: RowError[] = [];
  const messages: ChatMessage[] = [];
  let current: ChatMessage | null = null;
  lines.forEach((line, i) => {
    const row = i + 1;
    const m = TXT_LINE.exec(line);
    if (m) {
      const rest = m[2]!;
      const colon = rest.search(/[:：]/);
      if (colon <= 0) {
        errors.push({ row, field: 'sender', message: 'expected "time sender: text"' });
        current = null;
        return;
      }
      const msg = checkMessage(row, { time: m[1], sender: rest.slice(0, colon), text: rest.slice(colon + 1).trimStart(), conversation: '' }, line, errors);
      if (msg) messages.push(msg);
      current = msg;
    } else if (line.trim() === '') {
      if (current) current.raw += '\n';
    } else if (current) {
      current.text += `\n${line}`;
      current.raw += `\n${line}`;
    } else if (messages.length === 0 && errors.length === 0 && line.trim().length > 0 && /^(聊天记录|Chat|会话|=+|-+)/i.test(line.trim())) {
      // A title line some clients put before the first message.
    } else errors.push({ row, field: null, message: 'a line before any message that does not start with a time' });
  });
  for (const msg of messages) msg.raw = msg.raw.replace(/\n+$/, '');
  return finish(messages, errors);
}
