import { describe, expect, test } from 'vitest';
import { confirmationStanding, reconfirmationDue } from '#shared/escalation/contact-reconfirmation';

// The re-confirmation rule shared by HR's list and the server's automatic rounds: rolling from each
// employee's own last confirmation (oldest contact on the record, or a later link confirmation).

const contacts = (...dates: (string | null)[]) => ({ sensitive: { emergencyContacts: dates.map((d) => ({ name: '家属', relation: '', phone: '13900000000', lastConfirmedOn: d })) } }) as never;

describe('confirmationStanding', () => {
  test.each([
    ['nobody on file', contacts(), null, { kind: 'none_on_file' }],
    ['a contact never confirmed', contacts('2026-04-20', null), null, { kind: 'never' }],
    ['never on the record, but confirmed by link', contacts(null), '2026-04-02', { kind: 'confirmed', on: '2026-04-02' }],
    ['the oldest contact counts', contacts('2026-04-20', '2026-01-30'), null, { kind: 'confirmed', on: '2026-01-30' }],
    ['a later link confirmation wins', contacts('2026-01-30'), '2026-04-02', { kind: 'confirmed', on: '2026-04-02' }],
    ['an earlier link confirmation does not', contacts('2026-04-20'), '2026-04-02', { kind: 'confirmed', on: '2026-04-20' }],
  ])('%s', (_, employee, byLink, expected) => {
    expect(confirmationStanding(employee, byLink)).toEqual(expected);
  });
});

describe('reconfirmationDue', () => {
  test.each([
    ['90 days back is still current', '2026-01-31', '2026-05-01', 90, false],
    ['91 days back is due', '2026-01-30', '2026-05-01', 90, true],
    ['across 2024-02-29', '2024-01-30', '2024-04-29', 90, false],
    ['across 2024-02-29, a day later', '2024-01-30', '2024-04-30', 90, true],
    ['a shorter company setting', '2026-04-01', '2026-05-02', 30, true],
  ])('%s', (_, on, today, period, expected) => {
    expect(reconfirmationDue({ kind: 'confirmed', on }, today, period)).toBe(expected);
  });
  test('never confirmed is due at once', () => expect(reconfirmationDue({ kind: 'never' }, '2026-05-01')).toBe(true));
});
