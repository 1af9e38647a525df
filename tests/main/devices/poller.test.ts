import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Device } from '#shared/schemas/attendance-setup';
import type { Punch } from '#shared/schemas/punch';
import type { DeviceStatus } from '#shared/ipc/devices-contract';
import { localDateTimeOf } from '#shared/time';
import { CURSOR_FILE, DevicePoller } from '../../../src-main/devices/poller.ts';
import { makeRecords, makeUsers, ZkSimulator } from '../../simulators/zkteco/zk-simulator.ts';
import { HanvonSimulator } from '../../simulators/hanvon/hanvon-simulator.ts';

const users = makeUsers(30);
let dir: string;
let sims: { stop(): Promise<void> }[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'renshi-poller-'));
});
afterEach(async () => {
  await Promise.all(sims.map((s) => s.stop()));
  sims = [];
  rmSync(dir, { recursive: true, force: true });
});

function device(id: string, address: { host: string; port: number }, driver: Device['driver'] = 'zkteco'): Device {
  return { id, kind: 'device', name: `Gate ${id}`, driver, ...address, transport: 'tcp', commKey: 0, siteId: 'site-1', serialNumber: '', pollIntervalMinutes: 5, enabled: true, updatedAt: 0 };
}

/** A sink that stores punches by id, like the punches collection would, and can be made to fail. */
function store() {
  const byId = new Map<string, Punch>();
  const batches: Punch[][] = [];
  let failing = false;
  return {
    byId,
    batches,
    fail(on: boolean) {
      failing = on;
    },
    sink: async (_deviceId: string, punches: Punch[]) => {
      if (failing) throw new Error('database is locked');
      batches.push(punches);
      for (const p of punches) byId.set(p.id, p);
    },
  };
}

async function zk(records = makeRecords(users, '2026-11-01', 400, 4), more: ConstructorParameters<typeof ZkSimulator>[0] = {}) {
  const sim = await new ZkSimulator({ users, records: [...records], serialNumber: 'ZKP1', ...more }).start();
  sims.push(sim);
  return sim;
}

describe('device poller', () => {
  it('delivers every punch once, re-reads the overlap window without duplicates, then only new punches', async () => {
    const sim = await zk();
    const s = store();
    const poller = new DevicePoller({ dataDir: dir, onPunches: s.sink });
    await poller.configure([device('d1', sim.address)]);

    const first = await poller.pullNow('d1');
    expect(first).toMatchObject({ read: 400, delivered: 400, skipped: 0, cursor: sim.records.at(-1)!.localTime });
    expect(s.byId.size).toBe(400);
    expect([...s.byId.values()].every((p) => p.deviceSerial === 'ZKP1' && p.source === 'device-pull')).toBe(true);
    const saved = JSON.parse(readFileSync(join(dir, CURSOR_FILE), 'utf8'));
    expect(saved.d1.cursor).toBe(first.cursor);

    const again = await poller.pullNow('d1');
    expect(again.delivered).toBe(0);

    sim.punch('E0007', '2026-11-30 08:00:00');
    const third = await poller.pullNow('d1');
    expect(third).toMatchObject({ delivered: 1, cursor: '2026-11-30 08:00:00' });
    expect(s.batches.at(-1)!.map((p) => p.pin)).toEqual(['E0007']);
  });

  it('only advances the cursor after the sink accepted: a failing sink loses nothing', async () => {
    const sim = await zk();
    const s = store();
    const statuses: DeviceStatus[] = [];
    const poller = new DevicePoller({ dataDir: dir, onPunches: s.sink, onStatus: (st) => statuses.push(st) });
    await poller.configure([device('d1', sim.address)]);
    s.fail(true);
    await expect(poller.pullNow('d1')).rejects.toMatchObject({ code: 'internal' });
    expect(poller.status()[0]).toMatchObject({ state: 'error', cursor: null, alerts: ['sink-failed'] });
    s.fail(false);
    expect((await poller.pullNow('d1')).delivered).toBe(400);
    expect(s.byId.size).toBe(400);
    expect(poller.status()[0]!.alerts).toEqual([]);
    expect(statuses.map((x) => x.state)).toEqual(['pulling', 'error', 'pulling', 'ok']);
  });

  it('resumes after a restart from the persisted cursor and picks up late records inside the overlap', async () => {
    const sim = await zk();
    const s = store();
    const p1 = new DevicePoller({ dataDir: dir, onPunches: s.sink });
    await p1.configure([device('d1', sim.address)]);
    const { cursor } = await p1.pullNow('d1');

    // a record written late, a few minutes before the cursor (device log out of order)
    const late = localDateTimeOf(new Date(cursor!.replace(' ', 'T') + '+08:00').getTime() - 3 * 60_000);
    sim.records.push({ pin: 'E0003', localTime: late, verifyMode: 1, punchState: 0 });
    sim.touch();

    const p2 = new DevicePoller({ dataDir: dir, onPunches: s.sink });
    await p2.configure([device('d1', sim.address)]);
    const r = await p2.pullNow('d1');
    expect(r.delivered).toBe(1);
    expect(s.batches.at(-1)![0]).toMatchObject({ pin: 'E0003', deviceLocalTime: late });
    expect(s.byId.size).toBe(401);
  });

  it('ZKTeco: delivers records written after a clock correction, and after the log was cleared', async () => {
    const sim = await zk();
    const s = store();
    const poller = new DevicePoller({ dataDir: dir, onPunches: s.sink });
    await poller.configure([device('d1', sim.address)]);
    const { cursor } = await poller.pullNow('d1');

    // the device clock was an hour fast and has been corrected: the next punch is stamped before the cursor
    const early = localDateTimeOf(new Date(cursor!.replace(' ', 'T') + '+08:00').getTime() - 60 * 60_000);
    sim.punch('E0011', early);
    expect(await poller.pullNow('d1')).toMatchObject({ delivered: 1, cursor });
    expect(s.batches.at(-1)!.map((p) => [p.pin, p.deviceLocalTime])).toEqual([['E0011', early]]);

    // someone cleared the log at the terminal; new punches start a fresh log
    sim.records = [];
    sim.touch();
    sim.punch('E0012', '2026-12-01 08:00:00');
    sim.punch('E0013', '2026-12-01 08:00:05');
    const after = await poller.pullNow('d1');
    expect(after.delivered).toBe(2);
    expect(s.byId.size).toBe(403);
    expect((await poller.pullNow('d1')).delivered).toBe(0);
  });

  it('raises clock-skew and unreachable alerts', async () => {
    const sim = await zk(undefined, { clockSkewMs: 15 * 60_000 });
    let now = Date.now();
    const s = store();
    const poller = new DevicePoller({ dataDir: dir, onPunches: s.sink, now: () => now, unreachableAlertMs: 30 * 60_000, timeoutMs: 500 });
    await poller.configure([device('d1', sim.address)]);
    await poller.pullNow('d1');
    const st = poller.status()[0]!;
    expect(st.alerts).toEqual(['clock-skew']);
    expect(st.skewMs! / 60_000).toBeCloseTo(15, 0);

    await sim.stop();
    await expect(poller.pullNow('d1')).rejects.toMatchObject({ code: 'device-unreachable' });
    expect(poller.status()[0]!.alerts).not.toContain('unreachable');
    now += 31 * 60_000;
    await expect(poller.pullNow('d1')).rejects.toMatchObject({ code: 'device-unreachable' });
    expect(poller.status()[0]!.alerts).toContain('unreachable');
  });

  it('schedules enabled devices on start and pulls Hanvon terminals through the same path', async () => {
    const records = makeRecords(users, '2026-11-01', 50, 8);
    const hv = await new HanvonSimulator({ users, records: [...records], serialNumber: 'HVP1' }).start();
    sims.push(hv);
    const sim = await zk();
    const s = store();
    const poller = new DevicePoller({ dataDir: dir, onPunches: s.sink });
    await poller.configure([device('h1', hv.address, 'hanvon'), { ...device('z1', sim.address), enabled: false }]);
    poller.start();
    await expect.poll(() => s.byId.size, { timeout: 3000 }).toBe(50);
    poller.stop();
    await poller.idle();
    expect([...s.byId.values()].every((p) => p.deviceSerial === 'HVP1')).toBe(true);
    expect(poller.status().map((x) => [x.deviceId, x.state])).toEqual([
      ['h1', 'ok'],
      ['z1', 'disabled'],
    ]);
  });
});
