import { describe, expect, it } from 'vitest';
import { parseAttlog } from '#shared/devices/attlog';
import { punchId } from '#shared/ids';
import { Punch } from '#shared/schemas/punch';
import { instantOf } from '#shared/time';
import { previewImport } from '../../../src-main/devices/usb-import/import-file.ts';

const NOW = 1_795_000_000_000;

describe('ZKTeco attlog.dat', () => {
  const file = [
    '        1\t2026-11-02 08:01:02\t1\t0\t0\t0',
    '     E0002\t2026-11-02 17:31:00\t15\t1\t\t0',
    '',
    '        3\t2026-02-30 08:00:00\t1\t0\t0\t0', // no Feb 30
    'abc def\t2026-11-02 08:00:00\t1\t0',
    '        4\tyesterday\t1\t0',
    '        5\t2026-11-02 08:00:00\t999\t0',
    '        1\t2026-11-02 08:01:02\t1\t0\t0\t0', // repeated line
  ].join('\r\n');

  it('gives rows, row-level errors with line numbers, and drops in-file duplicates', () => {
    const p = previewImport('1_attlog.dat', Buffer.from(file), 'ZK01', NOW);
    expect(p.format).toBe('zkteco-attlog');
    expect(p.rows.map((r) => [r.line, r.pin, r.deviceLocalTime, r.verifyMode, r.punchState])).toEqual([
      [1, '1', '2026-11-02 08:01:02', 1, 0],
      [2, 'E0002', '2026-11-02 17:31:00', 15, 1],
    ]);
    expect(p.rows[0]!.id).toBe(punchId('ZK01', '1', instantOf('2026-11-02 08:01:02')));
    for (const r of p.rows) {
      const { line, ...punch } = r;
      expect(Punch.parse(punch)).toEqual(punch);
      expect(line).toBeGreaterThan(0);
    }
    expect(p.errors.map((e) => e.line)).toEqual([4, 5, 6, 7]);
    expect(p.duplicates).toBe(1);
  });

  it('reads PUSH order (state before verify) when asked', () => {
    expect(parseAttlog('7\t2026-11-02 08:00:00\t1\t15', 'state-verify').rows[0]).toMatchObject({ punchState: 1, verifyMode: 15 });
  });
});

describe('Hanvon CSV export', () => {
  it('reads a GBK file with Chinese headers', () => {
    const gbk = (hex: string) => Buffer.from(hex, 'hex');
    const csv = Buffer.concat([
      gbk('b9a4bac5'), Buffer.from(','), gbk('d0d5c3fb'), Buffer.from(','), gbk('bfbcc7dacab1bce4'), Buffer.from(','), gbk('d7b4ccac'), Buffer.from('\r\n'),
      Buffer.from('E0001,'), gbk('d5c5c8fd'), Buffer.from(',2026/11/2 8:00:05,0\r\n'),
      Buffer.from('E0002,x,2026-11-02 17:30,1\r\n'),
      Buffer.from('E0003,y,not a time,0\r\n'),
    ]);
    const p = previewImport('export.csv', csv, 'HV01', NOW);
    expect(p.format).toBe('hanvon-csv');
    expect(p.rows.map((r) => [r.pin, r.deviceLocalTime, r.punchState, r.source])).toEqual([
      ['E0001', '2026-11-02 08:00:05', 0, 'usb-import'],
      ['E0002', '2026-11-02 17:30:00', 1, 'usb-import'],
    ]);
    expect(p.errors).toEqual([{ line: 4, message: 'bad time "not a time"' }]);
  });

  it('reads English headers with separate date and time columns', () => {
    const p = previewImport('a.csv', Buffer.from('\uFEFFEmployee ID,Name,Date,Time\n8,A,2026-11-03,07:59:59\n'), 'HV01', NOW);
    expect(p.rows.map((r) => [r.pin, r.deviceLocalTime])).toEqual([['8', '2026-11-03 07:59:59']]);
  });

  it('refuses a file that is not an export with import-failed', () => {
    expect(() => previewImport('x.csv', Buffer.from('a,b\n1,2\n'), 'HV01', NOW)).toThrow(expect.objectContaining({ code: 'import-failed' }));
    expect(() => previewImport('x.csv', Buffer.alloc(0), 'HV01', NOW)).toThrow(expect.objectContaining({ code: 'import-failed' }));
  });
});

describe('import parsers under random input (bounded fuzz)', () => {
  it('only ever return previews or throw import-failed', async () => {
    const { seededRandom } = await import('../../simulators/zkteco/zk-simulator.ts');
    const { RenshiError } = await import('#shared/errors');
    const rnd = seededRandom(21);
    const seeds = ['  1\t2026-11-02 08:01:02\t1\t0\t0\n', '工号,时间\nE1,2026-11-02 08:00\n', 'Employee ID,Date,Time\n1,2026-11-03,07:59\n'];
    for (let i = 0; i < 1500; i++) {
      let bytes: Buffer;
      if (i % 3 === 0) bytes = Buffer.from(Array.from({ length: Math.floor(rnd() * 200) }, () => Math.floor(rnd() * 256)));
      else {
        bytes = Buffer.from(seeds[i % seeds.length]!);
        for (let k = 0; k < 3; k++) bytes[Math.floor(rnd() * bytes.length)] = Math.floor(rnd() * 256);
      }
      try {
        const p = previewImport(i % 2 ? 'x.dat' : 'x.csv', bytes, 'S', NOW);
        for (const r of p.rows) expect(Punch.safeParse({ ...r, line: undefined }).success).toBe(true);
      } catch (e) {
        expect(e).toBeInstanceOf(RenshiError);
        expect((e as InstanceType<typeof RenshiError>).code).toBe('import-failed');
      }
    }
  });
});
