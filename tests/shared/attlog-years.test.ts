import { expect, test } from 'vitest';
import { normalizeWallTime } from '#shared/devices/attlog';

test.each([
  ['0099-01-01 08:00:00', null],
  ['1999-12-31 23:59:59', null],
  ['2100-01-01 00:00:00', null],
  ['2024-02-29 8:05', '2024-02-29 08:05:00'],
  ['2025-02-29 08:05:00', null],
])('device wall time %s -> %s', (text, expected) => {
  expect(normalizeWallTime(text)).toBe(expected);
});
