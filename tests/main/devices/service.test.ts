import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { devicesContract } from '#shared/ipc/devices-contract';
import type { Punch } from '#shared/schemas/punch';
import { createDeviceService } from '../../../src-main/devices/service.ts';
import { makeRecords, makeUsers, ZkSimulator } from '../../simulators/zkteco/zk-simulator.ts';

const users = makeUsers(10);
let dir: string;
let sim: ZkSimulator;
let service: ReturnType<typeof createDeviceService>;
const stored: Punch[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'renshi-devsvc-'));
  sim = await new ZkSimulator({ users, records: makeRecords(users, '2026-11-01', 120, 2), serialNumber: 'SVC1', clockSkewMs: 90_000 }).start();
  stored.length = 0;
  service = createDeviceService({ dataDir: dir, autoStart: false, onPunches: async (_id, p) => void stored.push(...p) });
  await service.devicesConfigure(
    devicesContract.devicesConfigure.input.parse({
      devices: [{ id: 'd1', kind: 'device', name: 'Gate', driver: 'zkteco', ...sim.address, siteId: 's1', updatedAt: 0 }],
    }),
  );
});
afterEach(async () => {
  await service.close();
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('device service (bridge handlers)', () => {
  it('tests a connection and reports skew and latency', async () => {
    const out = devicesContract.devicesTest.output.parse(await service.devicesTest(devicesContract.devicesTest.input.parse({ driver: 'zkteco', ...sim.address })));
    expect(out).toMatchObject({ serialNumber: 'SVC1', userCount: 10, recordCount: 120 });
    expect(out.skewMs / 1000).toBeGreaterThan(85);
    expect(out.skewMs / 1000).toBeLessThan(95);
  });

  it('pulls now, reports status, sets the clock', async () => {
    expect(await service.devicesPullNow({ deviceId: 'd1' })).toMatchObject({ read: 120, delivered: 120 });
    const { devices } = devicesContract.devicesStatus.output.parse(await service.devicesStatus({}));
    expect(devices[0]).toMatchObject({ deviceId: 'd1', state: 'ok', serialNumber: 'SVC1', lastPull: { read: 120, delivered: 120, skipped: 0 } });
    await service.devicesSetTime({ deviceId: 'd1' });
    expect(Math.abs(sim.clockSkewMs)).toBeLessThan(2000);
    await expect(service.devicesPullNow({ deviceId: 'nope' })).rejects.toMatchObject({ code: 'not-found' });
  });

  it('clears a log only with confirm: true, and only after pulling everything first', async () => {
    expect(devicesContract.devicesClearLog.input.safeParse({ deviceId: 'd1' }).success).toBe(false);
    expect(devicesContract.devicesClearLog.input.safeParse({ deviceId: 'd1', confirm: false }).success).toBe(false);
    sim.punch('E0001', '2026-11-29 09:00:00');
    const out = await service.devicesClearLog({ deviceId: 'd1', confirm: true });
    expect(out.pulledFirst.delivered).toBe(121);
    expect(stored).toHaveLength(121);
    expect(sim.records).toEqual([]);
    expect(sim.stats.clears).toBe(1);
  });

  it('does not clear when the pull before it fails', async () => {
    const failing = createDeviceService({ dataDir: dir, autoStart: false, onPunches: async () => Promise.reject(new Error('disk full')) });
    await failing.devicesConfigure(devicesContract.devicesConfigure.input.parse({ devices: [{ id: 'd1', kind: 'device', name: 'Gate', driver: 'zkteco', ...sim.address, siteId: 's1', updatedAt: 0 }] }));
    await expect(failing.devicesClearLog({ deviceId: 'd1', confirm: true })).rejects.toBeTruthy();
    expect(sim.records).toHaveLength(120);
    await failing.close();
  });

  it('previews an imported file sent as base64', async () => {
    const input = devicesContract.devicesImportFile.input.parse({
      fileName: 'attlog.dat',
      contentBase64: Buffer.from('  1\t2026-11-02 08:00:00\t1\t0\t0\n  2\tbad\t1\t0\n').toString('base64'),
      deviceSerial: 'SVC1',
    });
    const out = devicesContract.devicesImportFile.output.parse(await service.devicesImportFile(input));
    expect(out.rows.map((r) => r.pin)).toEqual(['1']);
    expect(out.errors).toEqual([{ line: 2, message: 'bad time "bad"' }]);
  });
});
