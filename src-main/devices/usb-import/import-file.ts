/**
 * USB export files -> preview rows (as Punch documents) plus row-level errors. Nothing is written here:
 * the caller shows the preview and decides (the device screen imports all or nothing).
 *
 * Formats: ZKTeco `*attlog.dat` (tab separated, see #shared/devices/attlog) and Hanvon CSV exports (a
 * header row naming at least an employee-number column and a time column, or date and time columns;
 * Chinese or English headers). Text is read as UTF-8, or GBK when it is not valid UTF-8 (what Chinese
 * Windows tools write).
 */
import Papa from 'papaparse';
import { normalizeWallTime, parseAttlog } from '#shared/devices/attlog';
import { RenshiError } from '#shared/errors';
import type { Punch } from '#shared/schemas/punch';
import { toPunch } from '../punches.ts';

export interface ImportPreview {
  format: 'zkteco-attlog' | 'hanvon-csv';
  rows: (Punch & { line: number })[];
  errors: { line: number; message: string }[];
  /** Rows that repeat an earlier row of the same file (same punch id); not in `rows`. */
  duplicates: number;
}

export const MAX_IMPORT_BYTES = 32 * 1024 * 1024;

export function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return new TextDecoder('gbk').decode(bytes);
  }
}

const PIN_HEADERS = ['工号', '员工编号', '人员编号', '编号', '用户id', '用户编号', '考勤号', 'id', 'employeeid', 'empid', 'userid', 'pin', 'personid'];
const DATETIME_HEADERS = ['考勤时间', '打卡时间', '刷卡时间', '识别时间', '记录时间', 'datetime', 'recordtime', 'checktime', 'punchtime'];
const DATE_HEADERS = ['日期', 'date'];
const TIME_HEADERS = ['时间', 'time'];
const STATE_HEADERS = ['状态', '考勤状态', 'status', 'state'];
const VERIFY_HEADERS = ['验证方式', '识别方式', 'verify', 'verifymode'];

const norm = (h: string) => h.replace(/[\s_\-()（）]/g, '').toLowerCase();
const find = (headers: string[], names: string[]) => headers.findIndex((h) => names.includes(norm(h)));

export function parseHanvonCsv(text: string): { rows: { line: number; pin: string; localTime: string; verifyMode: number; punchState: number }[]; errors: { line: number; message: string }[] } {
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { skipEmptyLines: 'greedy' });
  const data = parsed.data;
  const errors: { line: number; message: string }[] = [];
  if (data.length === 0) throw new RenshiError('import-failed', 'the file is empty');
  const headers = data[0]!.map((h) => String(h));
  const pinCol = find(headers, PIN_HEADERS);
  const dtCol = find(headers, DATETIME_HEADERS);
  const dateCol = find(headers, DATE_HEADERS);
  const timeCol = find(headers, TIME_HEADERS);
  if (pinCol < 0 || (dtCol < 0 && timeCol < 0)) {
    throw new RenshiError('import-failed', `not a Hanvon export: need an employee number column and a time column, found ${headers.join(', ')}`);
  }
  const stateCol = find(headers, STATE_HEADERS);
  const verifyCol = find(headers, VERIFY_HEADERS);
  const rows = [];
  for (let i = 1; i < data.length; i++) {
    const r = data[i]!;
    const line = i + 1; // header is line 1 (quoted multi-line cells would shift this; exports have none)
    const pin = (r[pinCol] ?? '').trim();
    if (!/^[0-9A-Za-z_-]{1,24}$/.test(pin)) {
      errors.push({ line, message: `bad employee number "${pin}"` });
      continue;
    }
    const rawTime = dtCol >= 0 ? (r[dtCol] ?? '') : dateCol >= 0 && dateCol !== timeCol ? `${r[dateCol] ?? ''} ${r[timeCol] ?? ''}` : (r[timeCol] ?? '');
    const localTime = normalizeWallTime(rawTime.replace(/\//g, '-'));
    if (!localTime) {
      errors.push({ line, message: `bad time "${rawTime}"` });
      continue;
    }
    const num = (col: number) => {
      const n = Number((r[col] ?? '').trim());
      return col >= 0 && Number.isInteger(n) && n >= 0 && n <= 255 ? n : 0;
    };
    rows.push({ line, pin, localTime, verifyMode: num(verifyCol), punchState: num(stateCol) });
  }
  return { rows, errors };
}

export function previewImport(fileName: string, bytes: Uint8Array, deviceSerial: string, now: number): ImportPreview {
  if (bytes.length > MAX_IMPORT_BYTES) throw new RenshiError('import-failed', `file larger than ${MAX_IMPORT_BYTES} bytes`);
  const text = decodeText(bytes);
  const lower = fileName.toLowerCase();
  const format: ImportPreview['format'] =
    lower.endsWith('.dat') || (!lower.endsWith('.csv') && /^\s*[0-9A-Za-z_-]+\t\d{4}-/.test(text)) ? 'zkteco-attlog' : 'hanvon-csv';
  const parsed = format === 'zkteco-attlog' ? parseAttlog(text) : parseHanvonCsv(text);
  const rows: ImportPreview['rows'] = [];
  const errors = parsed.errors.map(({ line, message }) => ({ line, message }));
  const seen = new Set<string>();
  let duplicates = 0;
  for (const r of parsed.rows) {
    const punch = toPunch(deviceSerial, r, 'usb-import', now);
    if (!punch) {
      errors.push({ line: r.line, message: 'time outside the supported range' });
      continue;
    }
    if (seen.has(punch.id)) {
      duplicates++;
      continue;
    }
    seen.add(punch.id);
    rows.push({ ...punch, line: r.line });
  }
  errors.sort((a, b) => a.line - b.line);
  return { format, rows, errors, duplicates };
}
