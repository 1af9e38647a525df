import { describe, expect, test } from 'vitest';
import { Punch } from '#shared/schemas/punch';
import { instantOf } from '#shared/time';
import { punchesFromAttlog } from '../../../src-server/iclock/attlog-push.ts';
import { commandsAnswer, decodeBody, laterStamp, optionsBlock, parseCommandResults, parseUserLines } from '../../../src-server/iclock/protocol.ts';

/** A small deterministic PRNG so a fuzz failure can be replayed from its seed. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('PUSH ATTLOG lines', () => {
  test('state comes before verify, the id is serial|pin|instant, Shanghai wall time', () => {
    const { punches, rejected } = punchesFromAttlog({ serial: 'SN1', siteId: 's1', text: '  12\t2026-03-02 08:00:01\t1\t15\t0\t0\t0\n', receivedAt: 5 });
    expect(rejected).toEqual([]);
    expect(punches).toEqual([
      {
        id: `SN1|12|${instantOf('2026-03-02 08:00:01')}`,
        deviceSerial: 'SN1',
        pin: '12',
        at: Date.UTC(2026, 2, 2, 0, 0, 1),
        deviceLocalTime: '2026-03-02 08:00:01',
        verifyMode: 15,
        punchState: 1,
        source: 'device-push',
        employeeId: null,
        siteId: 's1',
        receivedAt: 5,
        updatedAt: 5,
      },
    ]);
  });

  test('the same record twice in one body is one punch', () => {
    const line = '7\t2026-03-02 08:00:00\t0\t1';
    expect(punchesFromAttlog({ serial: 'S', siteId: 'x', text: `${line}\n${line}\n`, receivedAt: 1 }).punches).toHaveLength(1);
  });

  test('fuzz: random bytes and mutated lines never throw; every line is a punch, a rejection or blank', () => {
    const rand = prng(20260302);
    const good = '1234\t2026-03-02 08:00:00\t0\t1\t0\t0\t0';
    const alphabet = '0123456789\t \r\n-:|.xAé\u0000\uFEFF';
    for (let round = 0; round < 400; round++) {
      let text: string;
      if (round % 2 === 0) {
        const bytes = new Uint8Array(Math.floor(rand() * 300));
        for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(rand() * 256);
        text = decodeBody(bytes);
      } else {
        const lines = Array.from({ length: 1 + Math.floor(rand() * 8) }, () => {
          const chars = good.split('');
          for (let k = Math.floor(rand() * 4); k > 0; k--) chars[Math.floor(rand() * chars.length)] = alphabet[Math.floor(rand() * alphabet.length)]!;
          return chars.join('');
        });
        text = lines.join('\n');
      }
      const { punches, rejected } = punchesFromAttlog({ serial: 'FUZZ', siteId: 'site', text, receivedAt: 1 });
      for (const p of punches) expect(Punch.safeParse(p).success).toBe(true);
      const nonBlank = text.replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l.trim() !== '').length;
      const distinctLines = new Set(punches.map((p) => p.id)).size;
      expect(distinctLines).toBe(punches.length);
      expect(punches.length + rejected.length).toBeLessThanOrEqual(nonBlank);
      expect(rejected.length).toBeGreaterThanOrEqual(0);
      for (const r of rejected) expect(r.reason.length).toBeGreaterThan(0);
    }
  });
});

describe('PUSH protocol text', () => {
  test('options block: stamps handed back, TransFlag by push version', () => {
    const text = optionsBlock({ serial: 'A1', attlogStamp: '99', operlogStamp: null, pushVersion: '2.4.1' });
    expect(text.split('\n').slice(0, 3)).toEqual(['GET OPTION FROM: A1', 'ATTLOGStamp=99', 'OPERLOGStamp=0']);
    expect(optionsBlock({ serial: 'A1', attlogStamp: null, operlogStamp: null, pushVersion: null })).toContain('TransFlag=1111000000');
  });

  test('stamps only move forward', () => {
    expect(laterStamp(null, '5')).toBe('5');
    expect(laterStamp('5', '3')).toBe('5');
    expect(laterStamp('5', '12')).toBe('12');
    expect(laterStamp('5', null)).toBe('5');
    expect(laterStamp('5', 'abc')).toBe('5');
    expect(laterStamp('99999999999999999998', '99999999999999999999')).toBe('99999999999999999999');
  });

  test('command results: several per body, data lines attached, junk skipped', () => {
    const body = 'ID=4&Return=0&CMD=INFO\n~DeviceName=X\nMAC=00:11\nID=5&Return=-1002&CMD=DATA\nID=abc&Return=0&CMD=INFO\nstray\n';
    expect(parseCommandResults(body)).toEqual([
      { id: 4, returnCode: 0, command: 'INFO', payload: '~DeviceName=X\nMAC=00:11' },
      { id: 5, returnCode: -1002, command: 'DATA', payload: '' },
    ]);
    expect(parseCommandResults('')).toEqual([]);
    expect(commandsAnswer([])).toBe('OK');
    expect(commandsAnswer([{ id: 3, command: 'INFO' }])).toBe('C:3:INFO\n');
  });

  test('user lines: USER prefix or bare PIN=, bad pins skipped, other records counted', () => {
    const { users, lines } = parseUserLines('USER PIN=1\tName=A\tPri=14\tCard=9\nPIN=2\tName=B\nFP PIN=1\tFID=0\tTMP=xxx\nUSER PIN=\tName=none\nOPLOG 4\t0\t2026-01-01 00:00:00\n');
    expect(lines).toBe(5);
    expect(users).toEqual([
      { pin: '1', name: 'A', privilege: 14, card: '9' },
      { pin: '2', name: 'B', privilege: 0, card: '' },
    ]);
  });
});
