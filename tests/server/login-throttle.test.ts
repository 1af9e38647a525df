import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { RenshiError } from '#shared/errors';
import { authService } from '../../src-server/auth/service.ts';
import { openDatabase, type Database } from '../../src-server/db/database.ts';
import { migrate } from '../../src-server/db/migrations.ts';

/** Password spraying: many usernames tried from one address. The per-username lock never sees it. */
describe('login throttling per client address', () => {
  let db: Database;
  let auth: ReturnType<typeof authService>;
  const T0 = Date.UTC(2026, 10, 23, 2);
  beforeAll(async () => {
    db = await openDatabase({});
    await migrate(db);
    auth = authService({ db });
    await auth.ensureAdmin({ username: 'hr-wang', password: 'correct-horse-1', now: T0 });
  });
  afterAll(async () => db?.close());

  const attempt = (username: string, password: string, address: string | null, now = T0 + 1000) =>
    auth.login({ username, password, now, address }).then(
      () => 'ok',
      (err: unknown) => (err instanceof RenshiError ? `${err.code}: ${err.message}` : String(err)),
    );

  test('50 failures from one address, each on another name, close that address for 15 minutes only', async () => {
    for (let i = 0; i < 50; i++) expect(await attempt(`user-${i}`, 'guess', '10.0.0.66')).toMatch(/^unauthorized/);
    // Even the right password is refused from that address now, while another address logs in.
    expect(await attempt('hr-wang', 'correct-horse-1', '10.0.0.66')).toBe('rate-limited: too many failed logins from this address; try again in 15 minutes');
    expect(await attempt('hr-wang', 'correct-horse-1', '10.0.0.7')).toBe('ok');
    // A success elsewhere does not reset the address; the window passing does.
    expect(await attempt('hr-wang', 'correct-horse-1', '10.0.0.66', T0 + 5 * 60_000)).toMatch(/^rate-limited/);
    expect(await attempt('hr-wang', 'correct-horse-1', '10.0.0.66', T0 + 16 * 60_000)).toBe('ok');
  }, 60_000);

  test('logins without a known address (in-process) are judged per username only', async () => {
    expect(await attempt('hr-wang', 'correct-horse-1', null)).toBe('ok');
  });
});

describe('which proxy the server believes for the client address', () => {
  test('nobody by default; everyone with "true"; else the listed addresses', async () => {
    const { trustProxyFrom } = await import('../../src-server/app.ts');
    expect([undefined, '', 'false', '0'].map(trustProxyFrom)).toEqual([false, false, false, false]);
    expect(trustProxyFrom('true')).toBe(true);
    expect(trustProxyFrom(' 10.0.0.1, 10.0.1.0/24 ')).toBe('10.0.0.1, 10.0.1.0/24');
  });
});
