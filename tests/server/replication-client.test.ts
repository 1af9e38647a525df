import { createRxDatabase, type RxDatabase } from 'rxdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { firstValueFrom, filter, timeout } from 'rxjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { STORAGE_SCHEMAS } from '../../src-renderer/db/schemas.ts';
import { startReplication } from '../../src-renderer/sync/replication.ts';
import type { SyncStatus } from '../../src-renderer/sync/status.ts';
import { ADMIN, login, startTestServer, type Api } from './support/backends.ts';
import { punch, row } from './support/fixtures.ts';
import { eventually } from './support/replica.ts';

/** The replication client in-process against a real server: live both ways, rejections and 426 in the status. */
describe('replication client', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let admin: Api;
  const dbs: RxDatabase[] = [];

  async function punchDb(name: string) {
    const db = await createRxDatabase({ name, storage: getRxStorageMemory(), multiInstance: false });
    await db.addCollections({ punches: { schema: STORAGE_SCHEMAS.punches } });
    dbs.push(db);
    return db;
  }
  const waitStatus = (status$: import('rxjs').Observable<SyncStatus>, pred: (s: SyncStatus) => boolean) =>
    firstValueFrom(status$.pipe(filter(pred), timeout(10_000)));

  beforeAll(async () => {
    server = await startTestServer('pglite');
    admin = await login(server.url, ADMIN.username, ADMIN.password);
  });
  afterAll(async () => {
    for (const db of dbs) await db.close();
    await server?.close();
  });

  test('local writes reach the server, server writes arrive live, rejected documents show in the status', async () => {
    const db = await punchDb('client-a');
    const sync = startReplication({ db, serverUrl: server.url, token: admin.token!, collections: ['punches'], retryBaseMs: 100 });
    try {
      await waitStatus(sync.status$, (s) => s.online && s.lastSyncAt !== null);
      await db.collections.punches!.insert(punch('1', 1_000));
      await eventually(async () => expect((await admin.pull('punches')).body.documents.map((d: { id: string }) => d.id)).toContain('DEV1|1|1000'));

      await admin.push('punches', [row(punch('2', 2_000))]);
      await eventually(async () => expect(await db.collections.punches!.findOne('DEV1|2|2000').exec()).not.toBeNull());

      await db.collections.punches!.insert({ ...punch('3', 3_000), source: 'carrier-pigeon' });
      const status = await waitStatus(sync.status$, (s) => s.errors.some((e) => e.docId === 'DEV1|3|3000'));
      expect(status.errors.find((e) => e.docId === 'DEV1|3|3000')).toMatchObject({ collection: 'punches', code: 'validation-failed', message: expect.stringContaining('source') });
      expect((await admin.pull('punches')).body.documents.map((d: { id: string }) => d.id)).not.toContain('DEV1|3|3000');
      await sync.awaitInSync();
      expect(sync.status.pendingChanges).toBe(0);
    } finally {
      await sync.stop();
    }
  });

  test('paging with prefetch: every document arrives once, each page is fetched once', async () => {
    await admin.push('punches', Array.from({ length: 95 }, (_, i) => row(punch(`page${i}`, 10_000 + i))));
    const serverIds: string[] = [];
    let q = 'limit=1000';
    for (;;) {
      const page = (await admin.pull('punches', q)).body;
      if (!page.documents.length) break;
      serverIds.push(...page.documents.map((d: { id: string }) => d.id));
      q = `limit=1000&id=${encodeURIComponent(page.checkpoint.id)}&serverSeq=${page.checkpoint.serverSeq}`;
    }
    const db = await punchDb('client-c');
    const pulls: string[] = [];
    const counting: typeof fetch = (input, init) => {
      if (String(input).includes('/pull?')) pulls.push(String(input));
      return fetch(input, init);
    };
    const sync = startReplication({ db, serverUrl: server.url, token: admin.token!, collections: ['punches'], fetch: counting, batchSize: 10, live: false });
    try {
      await sync.awaitInSync();
      const local = (await db.collections.punches!.find().exec()).map((d) => d.id).sort();
      expect(local).toEqual([...serverIds].sort());
      expect(new Set(pulls).size).toBe(pulls.length);
      expect(pulls.length).toBeLessThanOrEqual(Math.ceil(serverIds.length / 10) + 2);
    } finally {
      await sync.stop();
    }
  });

  test('a server on another protocol version is reported, not silently retried forever', async () => {
    const db = await punchDb('client-b');
    const oldClient: typeof fetch = (input, init) => fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), 'x-renshi-protocol': '2' } });
    let requests = 0;
    const counting: typeof fetch = (input, init) => (requests++, oldClient(input, init));
    const sync = startReplication({ db, serverUrl: server.url, token: admin.token!, collections: ['punches'], fetch: counting, retryBaseMs: 50 });
    try {
      const status = await waitStatus(sync.status$, (s) => s.upgradeRequired);
      expect(status.errors.every((e) => e.code === 'protocol-mismatch')).toBe(true);
      expect(status.lastSyncAt).toBeNull();
      const after = requests;
      await new Promise((r) => setTimeout(r, 1_000));
      expect(requests - after).toBeLessThanOrEqual(2); // at most the stream's reconnect, no pull retry storm
      expect(await db.collections.punches!.count().exec()).toBe(0);
    } finally {
      await sync.stop();
    }
  });

  test('a collection the token may neither read nor write is left out instead of stopping the start (site admin: requests)', async () => {
    const db = await createRxDatabase({ name: 'client-site-admin', storage: getRxStorageMemory(), multiInstance: false });
    await db.addCollections({ punches: { schema: STORAGE_SCHEMAS.punches }, requests: { schema: STORAGE_SCHEMAS.requests } });
    dbs.push(db);
    const access = { punches: { read: true, write: true }, requests: { read: false, write: false } };
    const sync = startReplication({ db, serverUrl: server.url, token: admin.token!, collections: ['punches', 'requests'], access, retryBaseMs: 100 });
    try {
      expect(Object.keys(sync.states)).toEqual(['punches']);
      await waitStatus(sync.status$, (s) => s.online && s.lastSyncAt !== null);
    } finally {
      await sync.stop();
    }
  });
});
