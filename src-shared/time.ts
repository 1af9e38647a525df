/**
 * Company time is Asia/Shanghai: UTC+8 all year, no daylight saving since 1991. Doing the arithmetic with a
 * fixed offset keeps domain code pure and identical in Node, Chromium and Electron regardless of the
 * machine's own time zone.
 */
export const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

/** YYYY-MM-DD of an instant in Shanghai. */
export function localDateOf(ms: number): string {
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** "YYYY-MM-DD HH:MM:SS" wall time in Shanghai. */
export function localDateTimeOf(ms: number): string {
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** Instant of a Shanghai wall time. Accepts "YYYY-MM-DD", "YYYY-MM-DD HH:MM" or "YYYY-MM-DD HH:MM:SS". */
export function instantOf(localDateTime: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(localDateTime.trim());
  if (!m) throw new RangeError(`not a local date-time: ${localDateTime}`);
  const [, y, mo, d, h = '0', mi = '0', s = '0'] = m;
  return Date.UTC(+y!, +mo! - 1, +d!, +h, +mi, +s) - SHANGHAI_OFFSET_MS;
}

/** Adds whole days to a YYYY-MM-DD date. */
export function addDays(date: string, days: number): string {
  return localDateOf(instantOf(date) + days * 86_400_000);
}

/** ISO weekday of a YYYY-MM-DD date: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: string): number {
  const wd = new Date(instantOf(date) + SHANGHAI_OFFSET_MS).getUTCDay();
  return wd === 0 ? 7 : wd;
}
