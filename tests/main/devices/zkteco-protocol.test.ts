import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  checksumOf,
  CMD,
  decodePacket,
  decodeZkTime,
  encodePacket,
  encodeTcpFrame,
  encodeZkTime,
  makeCommKey,
  TcpDeframer,
  wallTimeText,
} from '../../../src-main/devices/zkteco/protocol.ts';
import { seededRandom } from '../../simulators/zkteco/zk-simulator.ts';

const require = createRequire(import.meta.url);
const zklibUtils = require('node-zklib/utils');

describe('ZKTeco protocol primitives', () => {
  it('encodes time the way node-zklib decodes it, and round-trips', () => {
    const rnd = seededRandom(3);
    for (let i = 0; i < 500; i++) {
      const t = { year: 2000 + Math.floor(rnd() * 99), month: 1 + Math.floor(rnd() * 12), day: 1 + Math.floor(rnd() * 28), hour: Math.floor(rnd() * 24), minute: Math.floor(rnd() * 60), second: Math.floor(rnd() * 60) };
      const v = encodeZkTime(t);
      expect(decodeZkTime(v)).toEqual(t);
      // node-zklib's 16-byte record decoder is its only exported use of its time decoder
      const rec = Buffer.alloc(16);
      rec.writeUInt32LE(v, 4);
      const d: Date = zklibUtils.decodeRecordData16(rec).recordTime;
      expect([d.getFullYear(), d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds()]).toEqual([t.year, t.month, t.day, t.hour, t.minute, t.second]);
    }
    expect(wallTimeText(decodeZkTime(encodeZkTime({ year: 2024, month: 2, day: 29, hour: 23, minute: 59, second: 59 })))).toBe('2024-02-29 23:59:59');
  });

  it('scrambles the comm key like the vendor SDK (vectors computed with pyzk\'s algorithm)', () => {
    expect(makeCommKey(123456, 0x1234).toString('hex')).toBe('267f32eb');
    expect(makeCommKey(0, 1).toString('hex')).toBe('617d3279');
    expect(makeCommKey(999999, 65000, 77).toString('hex')).toBe('5dfe4deb');
  });

  it('builds packets node-zklib accepts, and accepts node-zklib packets (checksum over reply id - 1)', () => {
    const ours = encodePacket(CMD.GET_TIME, 0x55aa, 7, Buffer.from([1, 2, 3]));
    expect(zklibUtils.decodeUDPHeader(ours)).toMatchObject({ commandId: CMD.GET_TIME, sessionId: 0x55aa, replyId: 7 });
    const theirs: Buffer = zklibUtils.createUDPHeader(CMD.GET_TIME, 0x55aa, 6, Buffer.from([1, 2, 3]));
    expect(decodePacket(theirs)).toMatchObject({ command: CMD.GET_TIME, replyId: 7 });
    const broken = Buffer.from(ours);
    broken[9] = broken[9]! ^ 1;
    expect(() => decodePacket(broken)).toThrow(expect.objectContaining({ code: 'device-protocol-error' }));
    expect(checksumOf(0, 0, 0, new Uint8Array())).toBe(0xfffe);
  });

  it('deframes TCP packets split and joined at any byte', () => {
    const packets = Array.from({ length: 20 }, (_, i) => encodePacket(CMD.DATA, 1, i, Buffer.alloc(i * 37, i)));
    const stream = Buffer.concat(packets.map(encodeTcpFrame));
    const rnd = seededRandom(5);
    for (let round = 0; round < 20; round++) {
      const d = new TcpDeframer();
      const got: Buffer[] = [];
      for (let off = 0; off < stream.length; ) {
        const n = 1 + Math.floor(rnd() * 300);
        d.push(stream.subarray(off, off + n));
        off += n;
        for (let p = d.next(); p; p = d.next()) got.push(p);
      }
      expect(got).toEqual(packets);
    }
  });
});
