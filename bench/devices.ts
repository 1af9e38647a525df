/**
 * Device pull throughput: 100,000 attendance records (40-byte layout, ~4 MB) read over TCP from the ZKTeco
 * simulator by our driver and by the two public JavaScript clients, in the same run against the same
 * simulator, then the rate of turning records into Punch documents. Each client runs `ROUNDS` times and
 * the best round counts (the machine is shared: the best round is the least disturbed).
 */
import { createRequire } from 'node:module';
import { toPunch } from '../src-main/devices/punches.ts';
import { ZkClient } from '../src-main/devices/zkteco/client.ts';
import { makeRecords, makeUsers, ZkSimulator } from '../tests/simulators/zkteco/zk-simulator.ts';

const require = createRequire(import.meta.url);
const RECORDS = 100_000;
const ROUNDS = 3;

async function best(label: string, fn: () => Promise<number>): Promise<number> {
  let bestMs = Infinity;
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    const n = await fn();
    const ms = performance.now() - t0;
    if (n !== RECORDS) throw new Error(`${label} read ${n} records, expected ${RECORDS}`);
    bestMs = Math.min(bestMs, ms);
  }
  const rate = RECORDS / (bestMs / 1000);
  console.log(`${label.padEnd(26)} ${bestMs.toFixed(0).padStart(6)} ms  ${Math.round(rate).toLocaleString('en').padStart(10)} records/s`);
  return rate;
}

/** Silences the public clients' console chatter during their runs. */
async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const { log, error } = console;
  console.log = () => {};
  console.error = () => {};
  try {
    return await fn();
  } finally {
    console.log = log;
    console.error = error;
  }
}

export async function benchDevices(): Promise<void> {
  const users = makeUsers(300);
  const records = makeRecords(users, '2026-01-05', RECORDS, 99);
  const sim = await new ZkSimulator({ users, records, serialNumber: 'BENCH001' }).start();
  const { host, port } = sim.address;
  try {
    const ours = await best('renshi ZkClient', async () => {
      const c = new ZkClient({ host, port, timeoutMs: 10_000 });
      let n = 0;
      await c.forEachRecord(() => {
        n++;
      });
      await c.close();
      return n;
    });

    const ZKLib = require('node-zklib');
    const zklib = await best('node-zklib 1.3', () =>
      quietly(async () => {
        const z = new ZKLib(host, port, 5_000, 0);
        await z.createSocket();
        const a = await z.getAttendances();
        await z.disconnect();
        return a.data.length as number;
      }),
    );

    const ZktecoJs = require('zkteco-js');
    const zkjs = await best('zkteco-js 1.7', () =>
      quietly(async () => {
        const z = new ZktecoJs(host, port, 5_000, 0);
        await z.createSocket();
        const a = await z.getAttendances();
        await z.disconnect();
        return a.data.length as number;
      }),
    );

    const fastest = Math.max(zklib, zkjs);
    console.log(`ratio ours / fastest public client: ${(ours / fastest).toFixed(2)}x (target >= 3x)`);

    // Records -> Punch documents (validation of the wall time, instant, deterministic id).
    const c = new ZkClient({ host, port });
    const got = await c.records();
    await c.close();
    const t0 = performance.now();
    let kept = 0;
    const now = Date.now();
    for (const r of got) if (toPunch('BENCH001', r, 'device-pull', now)) kept++;
    const ms = performance.now() - t0;
    console.log(`records -> Punch documents   ${ms.toFixed(0).padStart(6)} ms  ${Math.round(kept / (ms / 1000)).toLocaleString('en').padStart(10)} punches/s`);
  } finally {
    await sim.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await benchDevices();
  process.exit(0); // the public clients leave their request timers running
}
