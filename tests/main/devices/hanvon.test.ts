import { afterEach, describe, expect, it } from 'vitest';
import { RenshiError } from '#shared/errors';
import { HanvonClient } from '../../../src-main/devices/hanvon/client.ts';
import { normalizeTime, parseAnswer, rows } from '../../../src-main/devices/hanvon/protocol.ts';
import { HanvonSimulator } from '../../simulators/hanvon/hanvon-simulator.ts';
import { makeRecords, makeUsers, seededRandom } from '../../simulators/zkteco/zk-simulator.ts';

let sim: HanvonSimulator | null = null;
afterEach(async () => {
  await sim?.stop();
  sim = null;
});

const users = makeUsers(20);
users[0]!.name = '张三';
const records = makeRecords(users, '2026-11-01', 400, 5);

describe('Hanvon driver against the simulator', () => {
  it('reads info, users and every record, names decoded from GBK', async () => {
    sim = await new HanvonSimulator({ users, records: [...records], serialNumber: 'HV123' }).start();
    const c = new HanvonClient({ ...sim.address });
    const info = await c.info();
    expect(info).toMatchObject({ serialNumber: 'HV123', userCount: 20, recordCount: 400 });
    const got = await c.users();
    expect(got.map((u) => [u.pin, u.name])).toEqual(users.map((u) => [u.pin, u.name]));
    expect(await c.records()).toEqual(records);
  });

  it('asks the device for records since a time', async () => {
    sim = await new HanvonSimulator({ users, records: [...records] }).start();
    const since = records[200]!.localTime;
    const got = await new HanvonClient({ ...sim.address }).records({ sinceLocal: since });
    expect(got).toEqual(records.filter((r) => r.localTime >= since));
  });

  it('reassembles an answer that arrives in small pieces', async () => {
    sim = await new HanvonSimulator({ users, records: records.slice(0, 50), pieceBytes: 97 }).start();
    expect(await new HanvonClient({ ...sim.address }).records()).toEqual(records.slice(0, 50));
  });

  it('sets the clock and clears the log', async () => {
    sim = await new HanvonSimulator({ users, records: [...records] }).start();
    const c = new HanvonClient({ ...sim.address });
    await c.setTime('2026-12-31 23:58:00');
    expect((await c.info()).deviceTime.slice(0, 16)).toBe('2026-12-31 23:58');
    await c.clearRecords();
    expect(sim.records).toEqual([]);
  });

  it('fails with typed errors: unreachable, stalled, refused, garbage', async () => {
    const closed = new HanvonClient({ host: '127.0.0.1', port: 1, timeoutMs: 500 });
    await expect(closed.info()).rejects.toMatchObject({ code: 'device-unreachable' });

    sim = await new HanvonSimulator({ users, records, stallAfterBytes: 30 }).start();
    await expect(new HanvonClient({ ...sim.address, timeoutMs: 200 }).records()).rejects.toMatchObject({ code: 'device-unreachable' });
    await sim.stop();

    sim = await new HanvonSimulator({ rawAnswer: 'Return(result="failed" reason="bad secret key")' }).start();
    await expect(new HanvonClient({ ...sim.address }).info()).rejects.toMatchObject({ code: 'device-auth-failed' });
    await sim.stop();

    sim = await new HanvonSimulator({ rawAnswer: 'HTTP/1.1 400 Bad Request\r\n\r\n' + 'x'.repeat(5000) }).start();
    await expect(new HanvonClient({ ...sim.address, timeoutMs: 300 }).info()).rejects.toBeInstanceOf(RenshiError);
  });
});

describe('Hanvon answer parser', () => {
  it('parses pairs, unquoted values and rows', () => {
    const a = parseAnswer('Return(result="success" total=2\r\ntime="2026-6-9 8:30:0" id="8" name="A B"\r\ntime="2026-06-09 17:31:05" id="9")');
    expect(a.result).toBe('success');
    expect(rows(a, 'time')).toEqual([
      { time: '2026-6-9 8:30:0', id: '8', name: 'A B' },
      { time: '2026-06-09 17:31:05', id: '9' },
    ]);
    expect(normalizeTime('2026-6-9 8:30:0')).toBe('2026-06-09 08:30:00');
    expect(normalizeTime('yesterday')).toBeNull();
  });

  it('never throws anything but RenshiError on random or mutated input (bounded fuzz)', () => {
    const rnd = seededRandom(11);
    const base = 'Return(result="success" total="1" time="2026-11-01 08:00:00" id="E0001" name="x")';
    const alphabet = 'Return()="= \r\nabc019_-:';
    for (let i = 0; i < 3000; i++) {
      let s: string;
      if (i % 2) {
        s = Array.from({ length: Math.floor(rnd() * 80) }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
      } else {
        const chars = [...base];
        for (let k = 0; k < 3; k++) chars[Math.floor(rnd() * chars.length)] = alphabet[Math.floor(rnd() * alphabet.length)]!;
        s = chars.join('').slice(0, Math.floor(rnd() * base.length * 1.2));
      }
      try {
        rows(parseAnswer(s), 'time');
      } catch (e) {
        expect(e).toBeInstanceOf(RenshiError);
      }
    }
  });
});
