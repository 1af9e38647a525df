/**
 * One interface for every attendance terminal driver (ZKTeco binary protocol, Hanvon text protocol).
 * Drivers report what the device holds in the device's own terms (pin + local wall time); turning that into
 * Punch documents is done once, in punches.ts.
 */
export type DriverName = 'zkteco' | 'hanvon';

export interface DeviceEndpoint {
  driver: DriverName;
  host: string;
  port: number;
  /** ZKTeco only: use UDP instead of TCP. */
  transport?: 'tcp' | 'udp';
  /** ZKTeco comm key (0 = none). */
  commKey?: number;
  /** Per-read timeout; every wait on the device is bounded by it. */
  timeoutMs?: number;
}

export interface DeviceInfo {
  serialNumber: string;
  firmware: string;
  userCount: number;
  recordCount: number;
  /** The device clock as local wall time "YYYY-MM-DD HH:MM:SS" (Asia/Shanghai). */
  deviceTime: string;
}

export interface DeviceUser {
  /** Device user slot number (ZKTeco "uid"); 0 when the device has none. */
  uid: number;
  /** The pin (user id) people key in or that their fingerprint maps to; matches employee numbers. */
  pin: string;
  name: string;
  privilege: number;
  cardNo: number;
}

/** One attendance record as the device holds it. */
export interface DeviceRecord {
  pin: string;
  /** Local wall time "YYYY-MM-DD HH:MM:SS" as the device wrote it. */
  localTime: string;
  verifyMode: number;
  punchState: number;
}

export interface AttendanceDevice {
  readonly driver: DriverName;
  /** True when records() always returns the whole log in the order the device wrote it. */
  readonly readsWholeLog: boolean;
  connect(): Promise<void>;
  info(): Promise<DeviceInfo>;
  users(): Promise<DeviceUser[]>;
  /** Every record the device holds (ZKTeco cannot filter on the device) or those since `sinceLocal`. */
  records(opts?: { sinceLocal?: string }): Promise<DeviceRecord[]>;
  setTime(localTime: string): Promise<void>;
  /** Destructive: deletes the device's attendance log. Only ever called on an explicit user request. */
  clearRecords(): Promise<void>;
  /** Subscribes to live punches; returns an unsubscribe function. */
  onLiveRecord?(cb: (record: DeviceRecord) => void): Promise<() => void>;
  close(): Promise<void>;
}
