import type { DeviceStatus } from '#shared/ipc/devices-contract';

/** A clock off by more than this is worth fixing: punches would land in the wrong minute for late/early. */
export const SKEW_WARN_MS = 60_000;

export function skewIsLarge(skewMs: number | null | undefined): boolean {
  return skewMs !== null && skewMs !== undefined && Math.abs(skewMs) > SKEW_WARN_MS;
}

/** "+3 s", "−2 min 5 s", "+1 h 4 min": signed, positive when the device is ahead. */
export function formatSkew(skewMs: number): string {
  let s = Math.round(Math.abs(skewMs) / 1000);
  const sign = s === 0 ? '' : skewMs < 0 ? '−' : '+';
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const parts = [h ? `${h} h` : '', m ? `${m} min` : '', s || (!h && !m) ? `${s} s` : ''].filter(Boolean);
  return `${sign}${parts.join(' ')}`;
}

/** What the screen says about a device: the poller's state folded with its alerts. */
export type DeviceHealth = 'disabled' | 'never' | 'pulling' | 'ok' | 'unreachable' | 'error';

export function deviceHealth(status: DeviceStatus | undefined, enabled: boolean): DeviceHealth {
  if (!enabled) return 'disabled';
  if (!status) return 'never';
  if (status.state === 'pulling') return 'pulling';
  if (status.state === 'error') return status.lastError?.code === 'device-unreachable' || status.alerts.includes('unreachable') ? 'unreachable' : 'error';
  if (status.state === 'ok') return 'ok';
  return status.lastSuccessAt ? 'ok' : 'never';
}
