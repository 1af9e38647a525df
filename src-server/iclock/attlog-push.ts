/**
 * PUSH ATTLOG bodies -> Punch documents. Lines are "pin \t YYYY-MM-DD HH:MM:SS \t state \t verify \t
 * workcode ..." in the device's wall time (Asia/Shanghai: we tell the device TimeZone=8). The shared
 * attlog parser (the same one USB files use) does the line grammar; here each row must also round-trip
 * to a real instant after 1970 and pass the Punch schema, so nothing that reaches the write path can make
 * it throw. Every other line is reported with its number, raw text and reason.
 */
import { parseAttlog } from '#shared/devices/attlog';
import { punchId } from '#shared/ids';
import { Punch } from '#shared/schemas/punch';
import { instantOf, localDateTimeOf } from '#shared/time';

export type RejectedLine = { line: number; raw: string; reason: string };

export function punchesFromAttlog(input: { serial: string; siteId: string; text: string; receivedAt: number }): { punches: Punch[]; rejected: RejectedLine[] } {
  const { serial, siteId, text, receivedAt } = input;
  const parsed = parseAttlog(text, 'state-verify');
  const rejected: RejectedLine[] = parsed.errors.map((e) => ({ line: e.line, raw: e.raw, reason: e.message }));
  const byId = new Map<string, Punch>();
  for (const row of parsed.rows) {
    const at = instantOfWallTime(row.localTime);
    if (at === null) {
      const raw = lineAt(text, row.line);
      rejected.push({ line: row.line, raw, reason: `time out of range "${(raw.split('\t')[1] ?? '').trim()}"` });
      continue;
    }
    const candidate = {
      id: punchId(serial, row.pin, at),
      deviceSerial: serial,
      pin: row.pin,
      at,
      deviceLocalTime: row.localTime,
      verifyMode: row.verifyMode,
      punchState: row.punchState,
      source: 'device-push' as const,
      employeeId: null,
      siteId,
      receivedAt,
      updatedAt: receivedAt,
    };
    const checked = Punch.safeParse(candidate);
    if (!checked.success) {
      rejected.push({ line: row.line, raw: lineAt(text, row.line), reason: checked.error.issues[0]?.message ?? 'invalid punch' });
      continue;
    }
    // The same record twice in one body is one punch.
    if (!byId.has(candidate.id)) byId.set(candidate.id, checked.data);
  }
  rejected.sort((a, b) => a.line - b.line);
  return { punches: [...byId.values()], rejected };
}

/**
 * Instant of a normalised wall time, or null. Date.UTC maps years 0..99 to 1900..1999 (and the normaliser
 * does not pad short years), so only four-digit years that round-trip, from 1970 on, are accepted.
 */
function instantOfWallTime(localTime: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(localTime)) return null;
  const at = instantOf(localTime);
  return Number.isSafeInteger(at) && at >= 0 && localDateTimeOf(at) === localTime ? at : null;
}

function lineAt(text: string, line: number): string {
  return text.replace(/^\uFEFF/, '').split(/\r?\n/)[line - 1] ?? '';
}
