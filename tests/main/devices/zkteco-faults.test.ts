/**
 * Faults: connections dropped in the middle of a chunked read, slow and silent devices, corrupt packets,
 * and a bounded fuzz of every parser that sees device bytes. The rule under test: the client either
 * returns exactly what the device holds or fails with a RenshiError, always within its timeouts.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RenshiError } from '#shared/errors';
import { ZkClient } from '../../../src-main/devices/zkteco/client.ts';
import { CMD, decodePacket, encodePacket, encodeTcpFrame, TcpDeframer } from '../../../src-main/devices/zkteco/protocol.ts';
import { forEachAttendance, parseLiveRecord, parseUsers, tableBody } from '../../../src-main/devices/zkteco/records.ts';
import { makeRecords, makeUsers, seededRandom, ZkSimulator } from '../../simulators/zkteco/zk-simulator.ts';

const users = makeUsers(50);
const records = makeRecords(users, '2026-11-01', 3000, 3); // 120 KB
let sim: ZkSimulator | null = null;
afterEach(async () => {
  await sim?.stop();
  sim = null;
});

async function expectCode(p: Promise<unknown>, code: string): Promise<RenshiError> {
  const err = await p.then(
    () => null,
    (e) => e,
  );
  expect(err).toBeInstanceOf(RenshiError);
  expect((err as RenshiError).code).toBe(code);
  return err as RenshiError;
}

describe('dropped connections during chunked reads', () => {
  it('resumes on a fresh session with no lost or duplicated records', async () => {
    sim = await new ZkSimulator({ users, records: [...records], faults: { dropAfterChunks: 3, drops: 2 } }).start();
    const client = new ZkClient({ ...sim.address, chunkSize: 8192, window: 2, timeoutMs: 2000 });
    try {
      const got = await client.records();
      expect(got).toEqual(records);
      expect(sim.stats.drops).toBe(2);
      expect(sim.stats.connections).toBe(3);
    } finally {
      await client.close();
    }
  });

  it('resumes over UDP too', async () => {
    sim = await new ZkSimulator({ users, records: [...records], faults: { dropAfterChunks: 2 } }).start();
    const client = new ZkClient({ ...sim.address, transport: 'udp', timeoutMs: 500 });
    try {
      expect(await client.records()).toEqual(records);
      expect(sim.stats.drops).toBe(1);
    } finally {
      await client.close();
    }
  });

  it('gives up with device-unreachable after its attempts', async () => {
    sim = await new ZkSimulator({ users, records: [...records], faults: { dropAfterChunks: 0, drops: 99 } }).start();
    const client = new ZkClient({ ...sim.address, chunkSize: 8192, timeoutMs: 1000, readAttempts: 2 });
    await expectCode(client.records(), 'device-unreachable');
    expect(sim.stats.drops).toBe(2);
    expect(sim.keypadDisabled).toBe(false); // re-enabled on a last, separate connection
  });

  it('re-asks for a chunk when UDP datagrams are lost, without restarting the table', async () => {
    sim = await new ZkSimulator({ users, records: [...records], faults: { udpLossEvery: 37 } }).start();
    const client = new ZkClient({ ...sim.address, transport: 'udp', timeoutMs: 300 });
    try {
      expect(await client.records()).toEqual(records);
      expect(sim.stats.udpLost).toBeGreaterThan(2);
      expect(sim.stats.connections).toBe(1);
      expect(sim.keypadDisabled).toBe(false);
    } finally {
      await client.close();
    }
  });
});

describe('slow, silent and corrupt devices', () => {
  it('tolerates slow replies within the timeout', async () => {
    sim = await new ZkSimulator({ users, records: records.slice(0, 500), faults: { replyDelayMs: 20 } }).start();
    const client = new ZkClient({ ...sim.address, timeoutMs: 1000 });
    try {
      expect(await client.records()).toEqual(records.slice(0, 500));
    } finally {
      await client.close();
    }
  });

  it('times out on a device that never answers', async () => {
    sim = await new ZkSimulator({ users, faults: { silentOn: CMD.GET_VERSION } }).start();
    const client = new ZkClient({ ...sim.address, timeoutMs: 300 });
    const t0 = Date.now();
    await expectCode(client.info(), 'device-unreachable');
    expect(Date.now() - t0).toBeLessThan(2000);
    await client.close();
  });

  it('times out connecting to a port where nothing answers the protocol', async () => {
    const mute = net.createServer(() => {});
    await new Promise<void>((r) => mute.listen(0, '127.0.0.1', r));
    const port = (mute.address() as net.AddressInfo).port;
    try {
      await expectCode(new ZkClient({ host: '127.0.0.1', port, timeoutMs: 300 }).connect(), 'device-unreachable');
    } finally {
      mute.close();
    }
  });

  for (const kind of ['bad-checksum', 'truncated', 'bad-prefix'] as const) {
    it(`reports a ${kind} answer as device-protocol-error`, async () => {
      sim = await new ZkSimulator({ users, faults: { malformed: { command: CMD.GET_VERSION, kind } } }).start();
      const client = new ZkClient({ ...sim.address, timeoutMs: 1000 });
      await expectCode(client.info(), 'device-protocol-error');
      await client.close();
    });
  }

  it('tolerates firmware that refuses the serial, version and size queries', async () => {
    sim = await new ZkSimulator({ users, records: records.slice(0, 300), faults: { refuse: [CMD.OPTIONS_RRQ, CMD.GET_VERSION, CMD.GET_FREE_SIZES] } }).start();
    const client = new ZkClient({ ...sim.address, timeoutMs: 1000 });
    try {
      expect(await client.info()).toMatchObject({ serialNumber: '', firmware: '', userCount: 0, recordCount: 0 });
      expect(await client.records()).toEqual(records.slice(0, 300));
    } finally {
      await client.close();
    }
  });

  it('retries a table read after a corrupt chunk', async () => {
    sim = await new ZkSimulator({ users, records: [...records], faults: { malformed: { command: CMD.DATA_RDY, kind: 'bad-checksum' } } }).start();
    const client = new ZkClient({ ...sim.address, timeoutMs: 1000 });
    try {
      expect(await client.records()).toEqual(records);
    } finally {
      await client.close();
    }
  });
});

describe('bounded fuzz of device-byte parsers', () => {
  const rnd = seededRandom(42);
  const randomBytes = (max: number) => Buffer.from(Array.from({ length: Math.floor(rnd() * max) }, () => Math.floor(rnd() * 256)));
  const mutate = (b: Buffer) => {
    const m = Buffer.from(b);
    const n = 1 + Math.floor(rnd() * 4);
    for (let i = 0; i < n && m.length; i++) m[Math.floor(rnd() * m.length)] = Math.floor(rnd() * 256);
    return rnd() < 0.3 ? m.subarray(0, Math.floor(rnd() * m.length)) : m;
  };
  const onlyTyped = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      if (!(err instanceof RenshiError)) throw err;
    }
  };

  it('never throws anything but RenshiError', () => {
    const valid = [
      encodePacket(CMD.ACK_OK, 7, 3, Buffer.from('~SerialNumber=X\0')),
      encodePacket(CMD.DATA, 7, 4, Buffer.alloc(44)),
      encodePacket(CMD.REG_EVENT, 1, 0, Buffer.alloc(32)),
    ];
    const table = Buffer.alloc(4 + 80);
    table.writeUInt32LE(80, 0);
    for (let i = 0; i < 3000; i++) {
      const input = i % 2 ? randomBytes(120) : mutate(valid[i % valid.length]!);
      onlyTyped(() => decodePacket(input));
      onlyTyped(() => decodePacket(input, false));
      onlyTyped(() => {
        const d = new TcpDeframer();
        d.push(i % 3 ? encodeTcpFrame(input).subarray(0, Math.floor(rnd() * (input.length + 9))) : mutate(encodeTcpFrame(input)));
        while (d.next());
      });
      onlyTyped(() => parseLiveRecord(input));
      const t = mutate(table);
      onlyTyped(() => {
        const body = tableBody(t);
        for (const size of [8, 16, 28, 40, 72]) {
          onlyTyped(() => parseUsers(body, size));
          onlyTyped(() => forEachAttendance(body, size, () => {}));
        }
      });
    }
  });

  it('a device sending random or mutated packets only ever yields RenshiError, within the timeout', async () => {
    // A fake device that answers every client packet with fuzz: sometimes a well-formed but wrong packet,
    // sometimes a mutated frame, sometimes raw garbage.
    const fuzzRnd = seededRandom(7);
    const server = net.createServer((socket) => {
      socket.on('error', () => {});
      const d = new TcpDeframer();
      socket.on('data', (chunk) => {
        d.push(chunk);
        try {
          for (let p = d.next(); p; p = d.next()) {
            const reply = p.readUInt16LE(6);
            const r = fuzzRnd();
            const codes = [CMD.ACK_OK, CMD.ACK_UNAUTH, CMD.DATA, CMD.PREPARE_DATA, CMD.ACK_ERROR, 4242];
            const pl = Buffer.from(Array.from({ length: Math.floor(fuzzRnd() * 100) }, () => Math.floor(fuzzRnd() * 256)));
            const good = encodeTcpFrame(encodePacket(codes[Math.floor(fuzzRnd() * codes.length)]!, 1, reply, pl));
            if (r < 0.5) socket.write(good);
            else if (r < 0.8) {
              const m = Buffer.from(good);
              const at = Math.floor(fuzzRnd() * m.length);
              m[at] = m[at]! ^ 0xff;
              socket.write(m);
            } else socket.write(pl);
          }
        } catch {
          socket.destroy();
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      for (let i = 0; i < 25; i++) {
        const client = new ZkClient({ host: '127.0.0.1', port, timeoutMs: 150, readAttempts: 1 });
        const op = i % 3 === 0 ? client.info() : i % 3 === 1 ? client.records() : client.users();
        const result = await op.then(
          () => 'ok',
          (e) => e,
        );
        if (result !== 'ok') expect(result).toBeInstanceOf(RenshiError);
        await client.close();
      }
    } finally {
      server.close();
    }
  });
});
