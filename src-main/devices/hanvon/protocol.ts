/**
 * Hanvon terminal text protocol (see README.md for what is verified and what is assumed).
 *
 * Model: the client sends one command such as `GetRecord(start_time="2026-11-01 00:00:00" end_time="...")`
 * and the device answers one expression `Return(result="success" key="value" ...)`. Multi-row answers
 * (records, employees) repeat the row's keys: a record starts at each `time=` key. We read the answer until
 * the `Return(` expression closes (a `)` outside quotes) and parse it into an ordered list of pairs.
 */
import { RenshiError } from '#shared/errors';

export interface HanvonAnswer {
  result: string;
  pairs: [string, string][];
}

const err = (message: string, details?: unknown) => new RenshiError('device-protocol-error', message, details);

/** Quotes a value for a command; the protocol has no escape for `"`, so it is refused. */
export function quote(value: string): string {
  if (/["\r\n]/.test(value)) throw new RenshiError('validation-failed', `value may not contain quotes or line breaks: ${value}`);
  return `"${value}"`;
}

export function command(name: string, args: Record<string, string> = {}): string {
  const parts = Object.entries(args).map(([k, v]) => `${k}=${quote(v)}`);
  return `${name}(${parts.join(' ')})`;
}

/**
 * Index just past the end of a complete `Return(...)` expression in `text`, or -1 if it is not complete
 * yet. Throws when the text cannot become an answer.
 */
export function answerEnd(text: string): number {
  const start = text.indexOf('Return(');
  if (start < 0) {
    if (text.length > 64 && !/^\s*R?e?t?u?r?n?$/.test(text.slice(0, 7))) throw err(`device answer does not start with Return(: ${JSON.stringify(text.slice(0, 40))}`);
    return -1;
  }
  let inQuotes = false;
  for (let i = start + 7; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) inQuotes = !inQuotes; // "
    else if (c === 41 && !inQuotes) return i + 1; // )
  }
  return -1;
}

/** Parses a complete answer. Unquoted values are accepted (some firmware writes total=5). */
export function parseAnswer(text: string): HanvonAnswer {
  const start = text.indexOf('Return(');
  const end = answerEnd(text);
  if (start < 0 || end < 0) throw err('incomplete device answer');
  const body = text.slice(start + 7, end - 1);
  const pairs: [string, string][] = [];
  const re = /\s*([A-Za-z_][\w]*)\s*=\s*(?:"([^"]*)"|([^\s")]+))/y;
  let i = 0;
  while (i < body.length) {
    if (/\s/.test(body[i]!)) {
      i++;
      continue;
    }
    re.lastIndex = i;
    const m = re.exec(body);
    if (!m) throw err(`cannot parse device answer near ${JSON.stringify(body.slice(i, i + 30))}`);
    pairs.push([m[1]!, m[2] ?? m[3] ?? '']);
    i = re.lastIndex;
  }
  const result = pairs.find(([k]) => k === 'result')?.[1];
  if (result === undefined) throw err('device answer has no result');
  return { result, pairs };
}

export function valueOf(a: HanvonAnswer, key: string): string | undefined {
  return a.pairs.find(([k]) => k === key)?.[1];
}

/** Splits pairs into rows, a new row starting at every `startKey`. Pairs before the first row are dropped. */
export function rows(a: HanvonAnswer, startKey: string): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  let row: Record<string, string> | null = null;
  for (const [k, v] of a.pairs) {
    if (k === startKey) {
      row = {};
      out.push(row);
    }
    if (row) row[k] = v;
  }
  return out;
}

/** Normalises "2026-6-9 8:30:0" or "2026-06-09 08:30:00" to "YYYY-MM-DD HH:MM:SS", or null. */
export function normalizeTime(text: string): string | null {
  const m = /^\s*(\d{4})[-/](\d{1,2})[-/](\d{1,2})[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2}))?\s*$/.exec(text);
  if (!m) return null;
  const p = (s: string | undefined) => (s ?? '0').padStart(2, '0');
  return `${m[1]}-${p(m[2])}-${p(m[3])} ${p(m[4])}:${p(m[5])}:${p(m[6])}`;
}
