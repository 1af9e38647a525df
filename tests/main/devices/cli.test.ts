import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { punchId } from '#shared/ids';
import { Punch } from '#shared/schemas/punch';
import { instantOf } from '#shared/time';
import { makeRecords, makeUsers, ZkSimulator } from '../../simulators/zkteco/zk-simulator.ts';

const run = promisify(execFile);
const cli = (args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'src-main/devices/cli.ts', ...args], { timeout: 20_000 }).then(
    (r) => ({ code: 0, ...r }),
    (e) => ({ code: e.code as number, stdout: e.stdout as string, stderr: e.stderr as string }),
  );

describe('device CLI', () => {
  const users = makeUsers(10);
  const records = makeRecords(users, '2026-11-01', 200, 9);
  let sim: ZkSimulator;
  beforeAll(async () => {
    sim = await new ZkSimulator({ users, records, serialNumber: 'CLI0001' }).start();
  });
  afterAll(() => sim.stop());

  it('pull prints one valid Punch per record since the given time', async () => {
    const since = records[120]!.localTime;
    const r = await cli(['pull', '--host', sim.address.host, '--port', String(sim.address.port), '--since', since]);
    expect(r.code).toBe(0);
    const punches = r.stdout.trim().split('\n').map((l) => Punch.parse(JSON.parse(l)));
    const expected = records.filter((x) => x.localTime >= since);
    expect(punches.map((p) => [p.pin, p.deviceLocalTime])).toEqual(expected.map((x) => [x.pin, x.localTime]));
    expect(punches[0]!.id).toBe(punchId('CLI0001', expected[0]!.pin, instantOf(expected[0]!.localTime)));
  });

  it('reports errors as one JSON line with a code and exit status 1', async () => {
    const r = await cli(['info', '--host', '127.0.0.1', '--port', String(sim.address.port), '--commkey', 'x']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stderr.trim())).toMatchObject({ code: 'validation-failed' });
  });
});
