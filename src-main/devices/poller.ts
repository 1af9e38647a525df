/**
 * Device poller: pulls each configured terminal on its own schedule and hands new punches to a sink.
 *
 * Model (the device is the source of truth until the sink has the punches):
 * - Per device we persist a cursor = the latest device wall time the sink has accepted, and the ids of
 *   punches delivered inside the overlap window before it. The cursor file lives in the data dir and is
 *   replaced atomically (write temp + rename).
 * - Every pull asks for records from (cursor - overlap), so records the device wrote late or out of order
 *   near the cursor are read again; those already delivered are recognised by their deterministic punch id
 *   and dropped, so the sink sees each punch once (and a repeat would be harmless: same id).
 * - The cursor only advances after the sink resolves. A crash or sink failure before that re-reads the same
 *   records next time: nothing is lost.
 * - Each pull also reads the device clock. A device clock off by more than `skewAlertMs` raises a
 *   'clock-skew' alert: its punches carry wrong instants and an overlap window measured in its time is
 *   no longer safe. A device failing for longer than `unreachableAlertMs` raises 'unreachable'.
 * - Pulls of one device never overlap; different devices run independently.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RenshiError, toErrorPayload } from '#shared/errors';
import type { DeviceStatus, PullResult } from '#shared/ipc/devices-contract';
import type { Device } from '#shared/schemas/attendance-setup';
import type { Punch } from '#shared/schemas/punch';
import { localDateTimeOf } from '#shared/time';
import { openDevice } from './drivers.ts';
import { instantOfDeviceTime, toPunch } from './punches.ts';
import type { AttendanceDevice, DeviceEndpoint, DeviceRecord } from './types.ts';

export type PunchSink = (deviceId: string, punches: Punch[]) => Promise<void>;

export interface PollerOptions {
  dataDir: string;
  onPunches: PunchSink;
  onStatus?: (status: DeviceStatus) => void;
  /** Re-read window before the cursor. Default 10 minutes. */
  overlapMs?: number;
  skewAlertMs?: number;
  unreachableAlertMs?: number;
  timeoutMs?: number;
  now?: () => number;
  /** For tests: build the driver differently. */
  open?: (endpoint: DeviceEndpoint) => AttendanceDevice;
}

interface CursorState {
  cursor: string | null;
  /** [punch id, instant] of punches delivered at or after (cursor - overlap). */
  recent: [string, number][];
  serialNumber: string | null;
  /** Drivers that read the whole log: how many records it held, and the key of the last one. */
  position: number;
  anchor: string | null;
}

const recordKey = (r: DeviceRecord) => `${r.pin}|${r.localTime}|${r.verifyMode}|${r.punchState}`;

type DeviceConfig = Pick<Device, 'id' | 'name' | 'driver' | 'host' | 'port' | 'transport' | 'commKey' | 'serialNumber' | 'pollIntervalMinutes' | 'enabled'>;

export const CURSOR_FILE = 'device-cursors.json';

export class DevicePoller {
  private devices = new Map<string, DeviceConfig>();
  private statuses = new Map<string, DeviceStatus>();
  private cursors: Record<string, CursorState> = {};
  private loaded = false;
  private timers = new Map<string, NodeJS.Timeout>();
  private running = new Map<string, Promise<PullResult>>();
  private started = false;
  private saveChain: Promise<void> = Promise.resolve();
  private readonly now: () => number;
  private readonly overlapMs: number;

  constructor(private readonly opts: PollerOptions) {
    this.now = opts.now ?? Date.now;
    this.overlapMs = opts.overlapMs ?? 10 * 60_000;
  }

  // ---- configuration and schedule ------------------------------------------------------------------------

  async configure(devices: DeviceConfig[]): Promise<number> {
    await this.load();
    this.devices = new Map(devices.map((d) => [d.id, d]));
    for (const id of [...this.statuses.keys()]) if (!this.devices.has(id)) this.statuses.delete(id);
    for (const d of devices) {
      const s = this.statusOf(d.id);
      s.name = d.name;
      s.state = d.enabled ? (s.state === 'disabled' ? 'idle' : s.state) : 'disabled';
    }
    if (this.started) this.reschedule();
    return devices.filter((d) => d.enabled).length;
  }

  start(): void {
    this.started = true;
    this.reschedule();
  }

  stop(): void {
    this.started = false;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  /** Waits for pulls in progress (used on shutdown and in tests). */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.running.values()]);
    await this.saveChain;
  }

  private reschedule(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const d of this.devices.values()) if (d.enabled) this.schedule(d.id, 0);
  }

  private schedule(id: string, delayMs: number): void {
    if (!this.started) return;
    const d = this.devices.get(id);
    if (!d || !d.enabled) return;
    const status = this.statusOf(id);
    status.nextPullAt = this.now() + delayMs;
    clearTimeout(this.timers.get(id)); // one timer per device, whoever scheduled last wins
    const timer = setTimeout(() => {
      this.timers.delete(id);
      this.pullNow(id)
        .catch(() => {}) // recorded in the status
        .finally(() => this.schedule(id, (this.devices.get(id)?.pollIntervalMinutes ?? d.pollIntervalMinutes) * 60_000));
    }, delayMs);
    timer.unref?.();
    this.timers.set(id, timer);
  }

  status(): DeviceStatus[] {
    return [...this.devices.keys()].map((id) => ({ ...this.statusOf(id) }));
  }

  private statusOf(id: string): DeviceStatus {
    let s = this.statuses.get(id);
    if (!s) {
      const c = this.cursors[id];
      s = {
        deviceId: id,
        name: this.devices.get(id)?.name ?? id,
        state: 'idle',
        serialNumber: c?.serialNumber ?? null,
        cursor: c?.cursor ?? null,
        lastAttemptAt: null,
        lastSuccessAt: null,
        failingSince: null,
        lastError: null,
        skewMs: null,
        alerts: [],
        lastPull: null,
        nextPullAt: null,
      };
      this.statuses.set(id, s);
    }
    return s;
  }

  private emit(s: DeviceStatus): void {
    this.opts.onStatus?.({ ...s, alerts: [...s.alerts] });
  }

  endpointOf(id: string): DeviceEndpoint {
    const d = this.devices.get(id);
    if (!d) throw new RenshiError('not-found', `no device ${id}`);
    return { driver: d.driver, host: d.host, port: d.port, transport: d.transport, commKey: d.commKey, timeoutMs: this.opts.timeoutMs ?? 5000 };
  }

  openDevice(id: string): AttendanceDevice {
    return (this.opts.open ?? openDevice)(this.endpointOf(id));
  }

  // ---- pulling -----------------------------------------------------------------------------------------------

  /** Pulls one device now; joins a pull already in progress. */
  pullNow(id: string): Promise<PullResult> {
    const inFlight = this.running.get(id);
    if (inFlight) return inFlight;
    const p = this.pull(id).finally(() => this.running.delete(id));
    this.running.set(id, p);
    return p;
  }

  private async pull(id: string): Promise<PullResult> {
    await this.load();
    const status = this.statusOf(id);
    const device = this.openDevice(id);
    status.state = 'pulling';
    status.lastAttemptAt = this.now();
    this.emit(status);
    try {
      await device.connect();
      const info = await device.info();
      const serial = info.serialNumber || this.devices.get(id)?.serialNumber || id;
      const deviceInstant = instantOfDeviceTime(info.deviceTime);
      status.serialNumber = serial;
      status.skewMs = deviceInstant === null ? null : deviceInstant - this.now();
      this.setAlert(status, 'clock-skew', status.skewMs !== null && Math.abs(status.skewMs) > (this.opts.skewAlertMs ?? 2 * 60_000));

      const state: CursorState = this.cursors[id] ?? { cursor: null, recent: [], serialNumber: serial, position: 0, anchor: null };
      let records: DeviceRecord[];
      let candidates: DeviceRecord[];
      if (device.readsWholeLog) {
        // The whole log arrives in the order it was written: what lies past the remembered position is new,
        // whatever its timestamp (a device clock corrected backwards writes "old" times). If the record at
        // the position changed, the log was cleared or rotated: consider all of it (ids keep it idempotent).
        records = await device.records();
        const anchored = state.position > 0 && records.length >= state.position && recordKey(records[state.position - 1]!) === state.anchor;
        candidates = anchored ? records.slice(state.position) : records;
      } else {
        const cursorInstant = state.cursor ? instantOfDeviceTime(state.cursor) : null;
        const sinceLocal = cursorInstant === null ? undefined : localDateTimeOf(cursorInstant - this.overlapMs);
        records = await device.records(sinceLocal ? { sinceLocal } : {});
        candidates = records;
      }

      const receivedAt = this.now();
      const known = new Set(state.recent.map(([pid]) => pid));
      const fresh = new Map<string, Punch>();
      let skipped = 0;
      let maxTime = state.cursor;
      for (const r of candidates) {
        const punch = toPunch(serial, r, 'device-pull', receivedAt);
        if (!punch) {
          skipped++;
          continue;
        }
        if (maxTime === null || r.localTime > maxTime) maxTime = r.localTime;
        if (!known.has(punch.id)) fresh.set(punch.id, punch);
      }
      const punches = [...fresh.values()];
      if (punches.length > 0) {
        try {
          await this.opts.onPunches(id, punches);
        } catch (err) {
          this.setAlert(status, 'sink-failed', true);
          throw new RenshiError('internal', `punches could not be stored: ${toErrorPayload(err).message}`);
        }
      }
      this.setAlert(status, 'sink-failed', false);

      // Only now is it safe to move the cursor.
      const newCursorInstant = maxTime ? instantOfDeviceTime(maxTime) : null;
      const windowStart = newCursorInstant === null ? -Infinity : newCursorInstant - this.overlapMs;
      const recent = new Map<string, number>();
      for (const [pid, at] of state.recent) if (at >= windowStart) recent.set(pid, at);
      for (const p of punches) if (p.at >= windowStart) recent.set(p.id, p.at);
      const last = device.readsWholeLog ? records.at(-1) : undefined;
      this.cursors[id] = { cursor: maxTime, recent: [...recent], serialNumber: serial, position: last ? records.length : 0, anchor: last ? recordKey(last) : null };
      await this.save();

      status.state = 'ok';
      status.cursor = maxTime;
      status.lastSuccessAt = this.now();
      status.failingSince = null;
      status.lastError = null;
      status.lastPull = { read: records.length, delivered: punches.length, skipped };
      this.setAlert(status, 'unreachable', false);
      return { deviceId: id, read: records.length, delivered: punches.length, skipped, cursor: maxTime };
    } catch (err) {
      const payload = toErrorPayload(err);
      status.state = 'error';
      status.lastError = { code: payload.code, message: payload.message };
      status.failingSince ??= status.lastAttemptAt;
      const failingFor = this.now() - (status.failingSince ?? this.now());
      this.setAlert(status, 'unreachable', payload.code === 'device-unreachable' && failingFor >= (this.opts.unreachableAlertMs ?? 30 * 60_000));
      throw err instanceof RenshiError ? err : new RenshiError(payload.code, payload.message);
    } finally {
      await device.close().catch(() => {});
      this.emit(status);
    }
  }

  private setAlert(s: DeviceStatus, alert: DeviceStatus['alerts'][number], on: boolean): void {
    const has = s.alerts.includes(alert);
    if (on && !has) s.alerts.push(alert);
    if (!on && has) s.alerts = s.alerts.filter((a) => a !== alert);
  }

  // ---- persistence ---------------------------------------------------------------------------------------------

  private async load(): Promise<void> {
    if (this.loaded) return;
    this.loaded = true;
    try {
      const parsed = JSON.parse(await readFile(join(this.opts.dataDir, CURSOR_FILE), 'utf8')) as unknown;
      if (parsed && typeof parsed === 'object') {
        for (const [id, v] of Object.entries(parsed as Record<string, unknown>)) {
          const c = v as Partial<CursorState>;
          if (c && (typeof c.cursor === 'string' || c.cursor === null) && Array.isArray(c.recent)) {
            const recent = c.recent.filter((x): x is [string, number] => Array.isArray(x) && typeof x[0] === 'string' && typeof x[1] === 'number');
            this.cursors[id] = {
              cursor: c.cursor,
              recent,
              serialNumber: typeof c.serialNumber === 'string' ? c.serialNumber : null,
              position: Number.isInteger(c.position) && c.position! >= 0 ? c.position! : 0,
              anchor: typeof c.anchor === 'string' ? c.anchor : null,
            };
          }
        }
      }
    } catch (err) {
      // No file yet is normal. A corrupt file means starting over: every punch is re-read and re-delivered
      // with the same ids, so nothing is lost or duplicated downstream.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.cursors = {};
    }
  }

  private save(): Promise<void> {
    const snapshot = JSON.stringify(this.cursors, null, 1);
    const file = join(this.opts.dataDir, CURSOR_FILE);
    const done = this.saveChain.then(async () => {
      await mkdir(this.opts.dataDir, { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, snapshot);
      await rename(tmp, file);
    });
    this.saveChain = done.catch(() => {}); // one failed write must not block later ones
    return done;
  }
}
