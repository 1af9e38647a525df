import { afterEach, describe, expect, it } from 'vitest';
import { punchId } from '#shared/ids';
import { Device } from '#shared/schemas/attendance-setup';
import { Employee } from '#shared/schemas/employee';
import { Punch } from '#shared/schemas/punch';
import { instantOf } from '#shared/time';
import { deviceHealth, formatSkew, skewIsLarge } from '../../../src-renderer/features/devices/device-format.ts';
import { loadDevices, storePunchBatch } from '../../../src-renderer/features/devices/device-sync.ts';
import { commitPunchImport } from '../../../src-renderer/features/devices/punch-import.ts';
import { openTestDb } from '../db/helpers.ts';

// Device ingest against a real local database (RxDB over an in-memory IndexedDB): PIN -> employee,
// device -> site, the ack the poller waits for, and idempotence when the same batch arrives twice.

const opened: { db: { close(): Promise<unknown> } }[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((o) => o.db.close()));
});

async function setup() {
  const t = await openTestDb();
  opened.push(t);
  await t.db.employees.bulkInsert([
    Employee.parse({ id: 'e1', employeeNo: 'E0001', name: '张三', departmentId: 'd1', siteId: 's1', hireDate: '2024-01-01', devicePin: '1001', updatedAt: 1 }),
    Employee.parse({ id: 'e2', employeeNo: 'E0002', name: '李四', departmentId: 'd1', siteId: 's1', hireDate: '2024-01-01', devicePin: '1002', updatedAt: 1 }),
  ]);
  await t.db.settings.insert(Device.parse({ id: 'dev1', kind: 'device', name: '大门', driver: 'zkteco', host: '10.0.0.5', port: 4370, siteId: 's1', updatedAt: 1 }));
  return t;
}

function punch(pin: string, local: string, serial = 'ZK1'): Punch {
  const at = instantOf(local);
  return Punch.parse({ id: punchId(serial, pin, at), deviceSerial: serial, pin, at, deviceLocalTime: local, source: 'device-pull', receivedAt: at, updatedAt: at });
}

function fakeAck() {
  const acks: { batchId: string; stored: number; error: string | null }[] = [];
  return { acks, api: { punchesAck: async (a: { batchId: string; stored: number; error?: string | null }) => (acks.push({ ...a, error: a.error ?? null }), { accepted: true }) } };
}

describe('storePunchBatch', () => {
  it('maps PINs to employees and the device to its site, keeps unmatched PINs, and acks what it stored', async () => {
    const { db } = await setup();
    const { acks, api } = fakeAck();
    const punches = [punch('1001', '2026-03-02 07:55:00'), punch('1002', '2026-03-02 08:10:00'), punch('9999', '2026-03-02 08:11:00')];
    const stored = await storePunchBatch(db, api, { batchId: 'b1', deviceId: 'dev1', punches });
    expect(stored).toBe(3);
    expect(acks).toEqual([{ batchId: 'b1', stored: 3, error: null }]);
    const docs = (await db.punches.find({ sort: [{ at: 'asc' }] }).exec()).map((d) => d.toJSON());
    expect(docs.map((d) => [d.pin, d.employeeId, d.siteId])).toEqual([
      ['1001', 'e1', 's1'],
      ['1002', 'e2', 's1'],
      ['9999', null, 's1'],
    ]);
  });

  it('stores a re-delivered batch as the same documents (no duplicates)', async () => {
    const { db } = await setup();
    const { acks, api } = fakeAck();
    const punches = [punch('1001', '2026-03-02 07:55:00'), punch('1001', '2026-03-02 17:02:00')];
    await storePunchBatch(db, api, { batchId: 'b1', deviceId: 'dev1', punches });
    await storePunchBatch(db, api, { batchId: 'b2', deviceId: 'dev1', punches: [...punches, punch('1002', '2026-03-02 08:00:00')] });
    expect(await db.punches.count().exec()).toBe(3);
    expect(acks.map((a) => a.stored)).toEqual([2, 3]);
  });

  it('acks with the error when the batch cannot be stored, so the poller keeps its cursor', async () => {
    const { db } = await setup();
    const { acks, api } = fakeAck();
    await db.close(); // e.g. the window is closing: every write fails
    const stored = await storePunchBatch(db, api, { batchId: 'b3', deviceId: 'dev1', punches: [punch('1001', '2026-03-02 07:55:00')] });
    expect(stored).toBe(0);
    expect(acks).toHaveLength(1);
    expect(acks[0]!.stored).toBe(0);
    expect(acks[0]!.error).toBeTruthy();
    opened.length = 0; // already closed
  });
});

describe('loadDevices', () => {
  it('returns the Device documents only', async () => {
    const { db } = await setup();
    await db.settings.insert({ id: 'shift-day', kind: 'shift', name: '白班', siteId: null, start: '08:00', end: '17:00', graceMinutes: 5, workDays: [1, 2, 3, 4, 5], updatedAt: 1 } as never);
    const devices = await loadDevices(db);
    expect(devices.map((d) => d.id)).toEqual(['dev1']);
    expect(devices[0]!.enabled).toBe(true);
  });
});

describe('commitPunchImport', () => {
  it('refuses a file with any row error and writes nothing', async () => {
    const { ctx, db } = await setup();
    const rows = [{ ...punch('1001', '2026-03-02 07:55:00'), source: 'usb-import' as const, line: 1 }];
    await expect(commitPunchImport(ctx, { rows, errors: [{ line: 2, message: 'bad time' }] }, { fileName: 'a.dat', siteId: 's1', employeeByPin: new Map() })).rejects.toThrow(/bad rows/);
    expect(await db.punches.count().exec()).toBe(0);
  });

  it('adds only punches not stored yet, maps employees, and audits the import', async () => {
    const { ctx, db } = await setup();
    const existing = punch('1001', '2026-03-02 07:55:00');
    await db.punches.insert({ ...existing, employeeId: 'e1', siteId: 's1' });
    const rows = [existing, punch('1002', '2026-03-02 08:01:00')].map((p, i) => ({ ...p, source: 'usb-import' as const, line: i + 1 }));
    const r = await commitPunchImport(ctx, { rows, errors: [] }, { fileName: 'attlog.dat', siteId: 's1', employeeByPin: new Map([['1002', 'e2']]) });
    expect(r).toEqual({ stored: 2, added: 1 });
    const added = (await db.punches.findOne(rows[1]!.id).exec())!.toJSON();
    expect([added.source, added.employeeId, added.siteId]).toEqual(['usb-import', 'e2', 's1']);
    // The earlier pull keeps its own source.
    expect((await db.punches.findOne(existing.id).exec())!.toJSON().source).toBe('device-pull');
    const audit = await db.audit.find({ selector: { collectionName: 'punches' } }).exec();
    expect(audit).toHaveLength(1);
  });
});

describe('device format', () => {
  it('flags skew over a minute either way and words it signed', () => {
    expect(skewIsLarge(60_000)).toBe(false);
    expect(skewIsLarge(60_001)).toBe(true);
    expect(skewIsLarge(-95_000)).toBe(true);
    expect(skewIsLarge(null)).toBe(false);
    expect(formatSkew(3_200)).toBe('+3 s');
    expect(formatSkew(-400)).toBe('0 s');
    expect(formatSkew(-125_000)).toBe('−2 min 5 s');
    expect(formatSkew(3_840_000)).toBe('+1 h 4 min');
  });

  it('reads an unreachable device from the error code even before the poller raises its alert', () => {
    const base = { deviceId: 'd', name: 'd', serialNumber: null, cursor: null, lastAttemptAt: 1, lastSuccessAt: null, failingSince: 1, skewMs: null, alerts: [], lastPull: null, nextPullAt: null };
    expect(deviceHealth({ ...base, state: 'error', lastError: { code: 'device-unreachable', message: 'x' } }, true)).toBe('unreachable');
    expect(deviceHealth({ ...base, state: 'error', lastError: { code: 'device-protocol-error', message: 'x' } }, true)).toBe('error');
    expect(deviceHealth(undefined, true)).toBe('never');
    expect(deviceHealth({ ...base, state: 'ok', lastError: null }, false)).toBe('disabled');
  });
});
