import { localDateOf, localDateTimeOf } from '#shared/time';

/** Dates are shown as YYYY-MM-DD and times as YYYY-MM-DD HH:MM in company time (Asia/Shanghai). */
export function formatDate(ms: number): string {
  return localDateOf(ms);
}

export function formatDateTime(ms: number): string {
  return localDateTimeOf(ms).slice(0, 16);
}

export function today(now = Date.now()): string {
  return localDateOf(now);
}

/** Whole days from `from` to `to` (both YYYY-MM-DD); negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** Fen -> "5,200.00". */
export function formatYuan(fen: number): string {
  return (fen / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/** Shows only the ends of a sensitive number: 110105********002X. */
export function maskMiddle(value: string, keepStart = 6, keepEnd = 4): string {
  if (value.length <= keepStart + keepEnd) return '*'.repeat(value.length);
  return value.slice(0, keepStart) + '*'.repeat(value.length - keepStart - keepEnd) + value.slice(-keepEnd);
}
