/**
 * Conformance: two public ZKTeco clients (node-zklib, zkteco-js) read our simulator and must see exactly
 * what it holds; our client must agree with them record for record, and with the simulator on every
 * firmware layout, over TCP and UDP.
 */
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RenshiError } from '#shared/errors';
import { ZkClient } from '../../../src-main/devices/zkteco/client.ts';
import { makeRecords, makeUsers, type SimRecord, ZkSimulator } from '../../simulators/zkteco/zk-simulator.ts';

const require = createRequire(import.meta.url);
const ZKLib = require('node-zklib');
const ZktecoJs = require('zkteco-js');

/** node-zklib and zkteco-js build a Date from the wall components in the process time zone. */
function localText(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

const quiet = <T>(fn: () => Promise<T>): Promise<T> => {
  const log = console.log;
  console.log = () => {};
  return fn().finally(() => {
    console.log = log;
  });
};

describe('ZKTeco conformance with public clients (72-byte users, 40-byte attendance)', () => {
  const users = makeUsers(300);
  const records = makeRecords(users, '2026-11-01', 4000, 7); // 160 KB: three chunks
  let sim: ZkSimulator;
  let ours: SimRecord[];

  beforeAll(async () => {
    sim = await new ZkSimulator({ users, records, serialNumber: 'CONF0001' }).start();
    const client = new ZkClient({ ...sim.address, timeoutMs: 3000 });
    await client.connect();
    ours = await client.records();
    await client.close();
  });
  afterAll(() => sim.stop());

  it('our client reads every record the simulator holds, in order', () => {
    expect(ours).toEqual(records);
  });

  it('node-zklib reads the same users and records', async () => {
    const z = new ZKLib(sim.address.host, sim.address.port, 5000, 0);
    await z.createSocket();
    try {
      const u = await z.getUsers();
      expect(u.err).toBeNull();
      expect(u.data.map((x: { userId: string; name: string; uid: number }) => [x.uid, x.userId, x.name])).toEqual(
        users.map((x) => [x.uid, x.pin, x.name]),
      );
      const a = await z.getAttendances();
      expect(a.err).toBeNull();
      const theirs = a.data.map((x: { deviceUserId: string; recordTime: Date }) => [x.deviceUserId, localText(x.recordTime)]);
      expect(theirs).toEqual(records.map((r) => [r.pin, r.localTime]));
      expect(theirs).toEqual(ours.map((r) => [r.pin, r.localTime]));
    } finally {
      await z.disconnect();
    }
  });

  it('zkteco-js reads the same users and records, including verify mode and state', async () => {
    const z = new ZktecoJs(sim.address.host, sim.address.port, 5000, 0);
    await quiet(() => z.createSocket());
    try {
      const u = await z.getUsers();
      expect(u.data.map((x: { userId: string }) => x.userId)).toEqual(users.map((x) => x.pin));
      const a = await z.getAttendances();
      const theirs = a.data.map((x: { user_id: string; record_time: string; type: number; state: number }) => ({
        pin: x.user_id,
        localTime: localText(new Date(x.record_time)),
        verifyMode: x.type,
        punchState: x.state,
      }));
      expect(theirs).toEqual(records);
      expect(theirs).toEqual(ours);
    } finally {
      await quiet(() => z.disconnect());
    }
  });

  it('node-zklib reads a small table answered directly with CMD_DATA', async () => {
    const small = await new ZkSimulator({ users: users.slice(0, 5), records: records.slice(0, 10) }).start();
    try {
      const z = new ZKLib(small.address.host, small.address.port, 5000, 0);
      await z.createSocket();
      const a = await z.getAttendances();
      await z.disconnect();
      const c = new ZkClient({ ...small.address });
      const mine = await c.records();
      await c.close();
      expect(a.data.map((x: { deviceUserId: string }) => x.deviceUserId)).toEqual(mine.map((r) => r.pin));
      expect(mine).toEqual(records.slice(0, 10));
    } finally {
      await small.stop();
    }
  });
});

describe('our ZKTeco client on every firmware layout', () => {
  const cases = [
    { userSize: 72, attendanceSize: 40, transport: 'tcp' },
    { userSize: 72, attendanceSize: 16, transport: 'tcp' },
    { userSize: 28, attendanceSize: 16, transport: 'tcp' },
    { userSize: 28, attendanceSize: 8, transport: 'tcp' },
    { userSize: 72, attendanceSize: 40, transport: 'udp' },
    { userSize: 28, attendanceSize: 8, transport: 'udp' },
  ] as const;
  for (const c of cases) {
    it(`users ${c.userSize} B, attendance ${c.attendanceSize} B over ${c.transport}`, async () => {
      const numeric = c.userSize === 28 || c.attendanceSize === 16;
      const users = makeUsers(120, numeric);
      const records = makeRecords(users, '2026-10-30', 2500, c.userSize + c.attendanceSize);
      const sim = await new ZkSimulator({ users, records, userSize: c.userSize, attendanceSize: c.attendanceSize }).start();
      const client = new ZkClient({ ...sim.address, transport: c.transport, timeoutMs: 3000 });
      try {
        await client.connect();
        expect(client.transportKind).toBe(c.transport);
        const gotUsers = await client.users();
        expect(gotUsers.map((u) => [u.uid, u.pin, u.cardNo])).toEqual(users.map((u) => [u.uid, u.pin, u.cardNo]));
        expect(await client.records()).toEqual(records);
        expect(await client.layout()).toEqual({ user: c.userSize, attendance: c.attendanceSize });
        expect(sim.stats.disabled).toBe(sim.stats.enabled); // every read re-enabled the keypad
      } finally {
        await client.close();
        await sim.stop();
      }
    });
  }
});

describe('device information, time, clear, live events, auth', () => {
  it('reports serial, firmware, counts and the device clock', async () => {
    const users = makeUsers(3);
    const sim = await new ZkSimulator({ users, records: makeRecords(users, '2026-11-02', 17), serialNumber: 'ABC123', firmware: 'Ver 6.70 Jan 1 2024', clockSkewMs: -3_600_000 }).start();
    const client = new ZkClient({ ...sim.address });
    try {
      const info = await client.info();
      expect(info).toMatchObject({ serialNumber: 'ABC123', firmware: 'Ver 6.70 Jan 1 2024', userCount: 3, recordCount: 17 });
      const skew = new Date(info.deviceTime.replace(' ', 'T') + '+08:00').getTime() - Date.now();
      expect(Math.abs(skew + 3_600_000)).toBeLessThan(3000);

      await client.setTime('2026-12-31 23:59:00');
      expect((await client.info()).deviceTime.slice(0, 16)).toBe('2026-12-31 23:59');

      await client.clearRecords();
      expect(sim.records).toHaveLength(0);
      expect(await client.records()).toEqual([]);
    } finally {
      await client.close();
      await sim.stop();
    }
  });

  it('delivers real-time punches', async () => {
    const sim = await new ZkSimulator({ users: makeUsers(2) }).start();
    const client = new ZkClient({ ...sim.address });
    try {
      const got: unknown[] = [];
      const stop = await client.onLiveRecord((r) => got.push(r));
      sim.punch('E0002', '2026-11-23 08:01:02', 15, 0);
      await expect.poll(() => got.length, { timeout: 2000 }).toBe(1);
      expect(got[0]).toEqual({ pin: 'E0002', localTime: '2026-11-23 08:01:02', verifyMode: 15, punchState: 0 });
      stop();
      sim.punch('E0001', '2026-11-23 08:05:00');
      await new Promise((r) => setTimeout(r, 100));
      expect(got).toHaveLength(1);
    } finally {
      await client.close();
      await sim.stop();
    }
  });

  it('authenticates with the comm key and refuses a wrong one with device-auth-failed', async () => {
    const sim = await new ZkSimulator({ users: makeUsers(2), commKey: 123456 }).start();
    try {
      const good = new ZkClient({ ...sim.address, commKey: 123456 });
      expect((await good.info()).userCount).toBe(2);
      await good.close();
      for (const commKey of [0, 654321]) {
        const bad = new ZkClient({ ...sim.address, commKey });
        const err = await bad.connect().catch((e) => e);
        expect(err).toBeInstanceOf(RenshiError);
        expect(err.code).toBe('device-auth-failed');
      }
    } finally {
      await sim.stop();
    }
  });

  it('sends real-time events node-zklib can read', async () => {
    const sim = await new ZkSimulator({ users: makeUsers(2) }).start();
    const z = new ZKLib(sim.address.host, sim.address.port, 5000, 0);
    try {
      await z.createSocket();
      const got: { userId: string; attTime: Date }[] = [];
      await z.getRealTimeLogs((e: { userId: string; attTime: Date }) => got.push(e));
      await new Promise((r) => setTimeout(r, 50));
      sim.punch('E0001', '2026-11-23 07:58:09');
      await expect.poll(() => got.length, { timeout: 2000 }).toBe(1);
      expect([got[0]!.userId, localText(got[0]!.attTime)]).toEqual(['E0001', '2026-11-23 07:58:09']);
    } finally {
      await z.disconnect();
      await sim.stop();
    }
  });

  it('falls back to UDP when TCP is refused', async () => {
    const users = makeUsers(10);
    const records = makeRecords(users, '2026-11-01', 300);
    const sim = await new ZkSimulator({ users, records, tcp: false }).start();
    const client = new ZkClient({ ...sim.address, timeoutMs: 2000 });
    try {
      expect(await client.records()).toEqual(records);
      expect(client.transportKind).toBe('udp');
    } finally {
      await client.close();
      await sim.stop();
    }
  });
});
