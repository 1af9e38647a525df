import { daysBetween } from '../../components/format.ts';

/** Certificates expiring within this many days are flagged so HR can arrange renewal in time. */
export const EXPIRY_WARNING_DAYS = 60;

export type Expiry = { state: 'ok' } | { state: 'expiring'; days: number } | { state: 'expired' };

export function expiryOf(expiresOn: string | null, today: string): Expiry {
  if (!expiresOn || !/^\d{4}-\d{2}-\d{2}$/.test(expiresOn)) return { state: 'ok' };
  const days = daysBetween(today, expiresOn);
  if (days < 0) return { state: 'expired' };
  if (days <= EXPIRY_WARNING_DAYS) return { state: 'expiring', days };
  return { state: 'ok' };
}
