import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { LoginResponse, type PrincipalInfo } from '#shared/sync/auth';
import type { CollectionName } from '#shared/collections';
import type { RenshiDatabase } from '../../../src-renderer/db/database.ts';
import { prepareForAccount, principalKey, type MarkerStore } from '../../../src-renderer/sync/account-switch.ts';
import { startReplication } from '../../../src-renderer/sync/replication.ts';
import { ADMIN, Api, login, startTestServer } from '../../server/support/backends.ts';
import { employee, row } from '../../server/support/fixtures.ts';
import { freshIndexedDb, openTestDb } from '../db/helpers.ts';

/**
 * A terminal first synced as HR (every site, sensitive fields), then signed in as a site admin: the local
 * database must end up holding only what the site admin may see, without any deletion reaching the
 * server, and a pending local edit must block the switch instead of being lost.
 */
describe('switching the signed-in account on a terminal', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let admin: Api;
  const hr = { username: 'hr-1', password: 'hr-password-1', role: 'hr', siteId: null };
  const siteAdmin = { username: 'site-a-admin', password: 'site-a-password', role: 'site_admin', siteId: 'site-a' };
  const open: RenshiDatabase[] = [];

  async function signIn(user: { username: string; password: string }) {
    const res = await new Api(server.url, null).post('/auth/login', { username: user.username, password: user.password });
    expect(res.status).toBe(200);
    return LoginResponse.parse(res.body);
  }
  async function syncOnce(db: RenshiDatabase, session: { token: string; principal: PrincipalInfo }) {
    const access = session.principal.access as Partial<Record<CollectionName, { read: boolean; write: boolean }>>;
    const sync = startReplication({ db, serverUrl: server.url, token: session.token, access, principalKey: principalKey(session.principal), collections: ['employees'], live: false, retryBaseMs: 100 });
    try {
      await sync.awaitInSync();
    } finally {
      await sync.stop();
    }
  }
  async function terminal(name: string) {
    const idb = freshIndexedDb();
    const store = new Map<string, string>();
    const markers: MarkerStore = { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => void store.set(k, v) };
    const { db } = await openTestDb({ name, idb });
    open.push(db);
    const reopen = async () => {
      const again = (await openTestDb({ name, idb })).db;
      open.push(again);
      return again;
    };
    return { db, markers, reopen };
  }
  const serverEmployees = async () => (await admin.pull('employees', 'limit=1000')).body.documents as { id: string; _deleted: boolean; sensitive: { idNumber: string | null } }[];

  beforeAll(async () => {
    server = await startTestServer('pglite');
    admin = await login(server.url, ADMIN.username, ADMIN.password);
    for (const u of [hr, siteAdmin]) expect((await admin.post('/users', u)).status).toBe(201);
    const sensitive = (idNumber: string) => ({ idNumber, emergencyContacts: [], monthlySalaryFen: 800_000, bankAccount: null });
    const pushed = await admin.push('employees', [
      row(employee('a1', { siteId: 'site-a', sensitive: sensitive('110101199001011237') })),
      row(employee('b1', { siteId: 'site-b', sensitive: sensitive('110101199202022346') })),
    ]);
    expect(pushed.status).toBe(200);
    expect(pushed.body.rejections).toEqual([]);
  }, 20_000);
  // Each terminal's database is closed after its test: open-source RxDB allows 13 open collections per
  // process, fewer than two terminals' worth.
  afterEach(async () => {
    for (const db of open.splice(0)) if (!db.closed) await db.close();
  });
  afterAll(async () => {
    await server?.close();
  });

  test("after HR, a site admin's sign-in drops the other site's employees and every sensitive value, and deletes nothing on the server", async () => {
    const t = await terminal('switch-clean');
    const hrSession = await signIn(hr);
    expect(await prepareForAccount({ db: t.db, serverUrl: server.url, principal: hrSession.principal, store: t.markers })).toEqual({ kind: 'ready' });
    await syncOnce(t.db, hrSession);
    const asHr = await t.db.employees.find().exec();
    expect(asHr.map((d) => d.id).sort()).toEqual(['a1', 'b1']);
    expect(asHr.find((d) => d.id === 'b1')!.sensitive.idNumber).toBe('110101199202022346');

    const siteSession = await signIn(siteAdmin);
    expect(await prepareForAccount({ db: t.db, serverUrl: server.url, principal: siteSession.principal, store: t.markers })).toEqual({ kind: 'cleared' });
    expect(t.db.closed).toBe(true);
    const db = await t.reopen();
    expect(await db.employees.count().exec()).toBe(0);
    // The same account again: nothing more to clear.
    expect(await prepareForAccount({ db, serverUrl: server.url, principal: siteSession.principal, store: t.markers })).toEqual({ kind: 'ready' });
    await syncOnce(db, siteSession);
    const asSiteAdmin = await db.employees.find().exec();
    expect(asSiteAdmin.map((d) => d.id)).toEqual(['a1']);
    const local = JSON.stringify(asSiteAdmin.map((d) => d.toJSON()));
    expect(local).not.toContain('110101199001011237');
    expect(local).not.toContain('800000');

    const onServer = await serverEmployees();
    expect(onServer.filter((d) => ['a1', 'b1'].includes(d.id)).map((d) => [d.id, d._deleted, d.sensitive.idNumber]).sort()).toEqual([
      ['a1', false, '110101199001011237'],
      ['b1', false, '110101199202022346'],
    ]);
  }, 20_000);

  test('an edit not uploaded yet blocks the switch and survives; once HR uploads it, the switch goes through', async () => {
    const t = await terminal('switch-pending');
    const hrSession = await signIn(hr);
    await prepareForAccount({ db: t.db, serverUrl: server.url, principal: hrSession.principal, store: t.markers });
    await syncOnce(t.db, hrSession);
    // Edited while sync is not running (offline, or between sign-out and the next sign-in).
    await t.db.employees.findOne('b1').exec().then((d) => d!.incrementalPatch({ position: '质检员', updatedAt: 1_800_000_000_000 }));

    const siteSession = await signIn(siteAdmin);
    const refused = await prepareForAccount({ db: t.db, serverUrl: server.url, principal: siteSession.principal, store: t.markers });
    expect(refused).toMatchObject({ kind: 'blocked', previousAccount: 'hr-1', message: expect.stringContaining('hr-1') });
    expect(t.db.closed).toBe(false);
    expect((await t.db.employees.findOne('b1').exec())!.position).toBe('质检员');
    expect((await serverEmployees()).find((d) => d.id === 'b1')).toMatchObject({ _deleted: false });
    // Asked again (e.g. after a restart), still refused: the probe itself marked nothing as uploaded.
    expect((await prepareForAccount({ db: t.db, serverUrl: server.url, principal: siteSession.principal, store: t.markers })).kind).toBe('blocked');

    // HR signs back in: its replication uploads the edit, then the site admin may take over.
    const hrAgain = await signIn(hr);
    expect(await prepareForAccount({ db: t.db, serverUrl: server.url, principal: hrAgain.principal, store: t.markers })).toEqual({ kind: 'ready' });
    await syncOnce(t.db, hrAgain);
    expect((await serverEmployees()).find((d) => d.id === 'b1')).toMatchObject({ position: '质检员', _deleted: false });
    expect((await prepareForAccount({ db: t.db, serverUrl: server.url, principal: siteSession.principal, store: t.markers })).kind).toBe('cleared');
  }, 20_000);
});
