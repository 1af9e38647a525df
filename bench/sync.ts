import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { createRxDatabase, type RxDatabase } from 'rxdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { STORAGE_SCHEMAS } from '../src-renderer/db/schemas.ts';
import { startReplication } from '../src-renderer/sync/replication.ts';
import { startServer, type RunningServer } from '../src-server/server.ts';

/**
 * Sync figures, each beside its baseline from the same run:
 * 1. initial sync of 5,000 employees + BENCH_SYNC_PUNCHES (default 500,000) punches from the server into an
 *    empty replica (RxDB, memory storage: the protocol and server cost, not IndexedDB's), next to reading the
 *    same rows straight from PostgreSQL with the same query shape;
 * 2. live latency: a punch written on one replica until it is in another replica, through push, the
 *    database, NOTIFY and the SSE stream (p50/p95 over sequential samples).
 * Uses PostgreSQL at DATABASE_URL / postgres://postgres@127.0.0.1:5432/test when it answers, else PGlite.
 */
const EMPLOYEES = 5_000;
const PUNCHES = Number(process.env.BENCH_SYNC_PUNCHES ?? 500_000);
const LATENCY_SAMPLES = Number(process.env.BENCH_SYNC_SAMPLES ?? 200);
const PG_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function postgresUp(): Promise<boolean> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2_000 });
  try {
    await c.connect();
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** Generates the documents inside the database: the bench measures sync, not seeding. */
async function seed(server: RunningServer): Promise<void> {
  await server.db.query(
    `INSERT INTO docs (collection, id, data, deleted, site_id, server_seq)
     SELECT 'employees', 'bench-e' || i, jsonb_build_object(
       'id', 'bench-e' || i, 'employeeNo', 'E' || i, 'name', '员工' || i, 'gender', 'unspecified', 'departmentId', 'dep-' || (i % 40),
       'siteId', 'site-' || (i % 5), 'position', '操作工', 'hireDate', '2021-03-01', 'status', 'active', 'phone', null, 'email', null,
       'devicePin', i::text, 'shiftId', null, 'workAccounts', '[]'::jsonb, 'certificates', '[]'::jsonb,
       'sensitive', jsonb_build_object('idNumber', null, 'emergencyContacts', '[]'::jsonb, 'monthlySalaryFen', 600000, 'bankAccount', null),
       'updatedAt', 1700000000000),
       false, 'site-' || (i % 5), nextval('doc_server_seq')
     FROM generate_series(1, $1) AS i`,
    [EMPLOYEES],
  );
  for (let from = 0; from < PUNCHES; from += 100_000) {
    await server.db.query(
      `INSERT INTO docs (collection, id, data, deleted, site_id, server_seq)
       SELECT 'punches', 'DEV' || (i % 20) || '|' || (i % $3) || '|' || (1700000000000 + i::bigint * 60000), jsonb_build_object(
         'id', 'DEV' || (i % 20) || '|' || (i % $3) || '|' || (1700000000000 + i::bigint * 60000), 'deviceSerial', 'DEV' || (i % 20), 'pin', (i % $3)::text,
         'at', 1700000000000 + i::bigint * 60000, 'deviceLocalTime', '2023-11-15 06:13:20', 'verifyMode', 1, 'punchState', 0, 'source', 'device-pull',
         'employeeId', 'bench-e' || (i % $3), 'siteId', 'site-' || (i % 5), 'receivedAt', 1700000000000 + i::bigint * 60000, 'updatedAt', 1700000000000 + i::bigint * 60000),
         false, 'site-' || (i % 5), nextval('doc_server_seq')
       FROM generate_series($1::int, $2::int) AS i`,
      [from + 1, Math.min(from + 100_000, PUNCHES), EMPLOYEES],
    );
  }
  await server.db.query(`ANALYZE docs`);
}

/** Reads every row of a collection in server order, pages of `limit`, as the pull endpoint does. */
async function rawRead(q: RunningServer['db'], collection: string, limit: number): Promise<number> {
  let after = 0;
  let n = 0;
  for (;;) {
    const rows = await q.query<{ server_seq: string | number }>(
      `SELECT id, data, deleted, site_id, server_seq FROM docs WHERE collection = $1 AND server_seq > $2 ORDER BY server_seq LIMIT $3`,
      [collection, after, limit],
    );
    if (!rows.length) return n;
    n += rows.length;
    after = Number(rows[rows.length - 1]!.server_seq);
  }
}

async function replicaDb(name: string, collections: ('employees' | 'punches')[]): Promise<RxDatabase> {
  const db = await createRxDatabase({ name, storage: getRxStorageMemory(), multiInstance: false });
  // Field encryption is the storage's cost (bench/storage.ts measures it); this bench measures sync.
  await db.addCollections(Object.fromEntries(collections.map((c) => [c, { schema: { ...STORAGE_SCHEMAS[c], encrypted: [] } }])));
  return db;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

export async function benchSync(): Promise<void> {
  const usePg = await postgresUp();
  const schema = `bench_${process.pid}`;
  const server = await startServer({ port: 0, admin: { username: 'admin', password: 'bench-password-1' }, ...(usePg ? { databaseUrl: PG_URL, dbSchema: schema } : {}) });
  const dbs: RxDatabase[] = [];
  try {
    const t0 = performance.now();
    await seed(server);
    console.log(`sync: seeded ${fmt(EMPLOYEES)} employees + ${fmt(PUNCHES)} punches in ${usePg ? 'PostgreSQL' : 'PGlite (PostgreSQL not reachable)'} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    const login = await fetch(`${server.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'bench-password-1' }) });
    const { token } = (await login.json()) as { token: string };

    const total = EMPLOYEES + PUNCHES;
    const r0 = performance.now();
    const rawCount = (await rawRead(server.db, 'employees', 2_000)) + (await rawRead(server.db, 'punches', 2_000));
    const rawS = (performance.now() - r0) / 1000;
    if (rawCount !== total) throw new Error(`raw read found ${rawCount} rows, expected ${total}`);

    // The server's share: the same pages over HTTP (auth, query, JSON), no local database behind it.
    const h0 = performance.now();
    let httpCount = 0;
    for (const collection of ['employees', 'punches']) {
      let query = 'limit=2000';
      for (;;) {
        const res = await fetch(`${server.url}/sync/${collection}/pull?${query}`, { headers: { authorization: `Bearer ${token}`, 'x-renshi-protocol': '1' } });
        const page = (await res.json()) as { documents: unknown[]; checkpoint: { id: string; serverSeq: number } | null };
        if (!page.documents.length || !page.checkpoint) break;
        httpCount += page.documents.length;
        query = `limit=2000&id=${encodeURIComponent(page.checkpoint.id)}&serverSeq=${page.checkpoint.serverSeq}`;
      }
    }
    const httpS = (performance.now() - h0) / 1000;
    if (httpCount !== total) throw new Error(`HTTP pull found ${httpCount} documents, expected ${total}`);

    const replica = await replicaDb(`bench-replica-${process.pid}`, ['employees', 'punches']);
    dbs.push(replica);
    const s0 = performance.now();
    const sync = startReplication({ db: replica, serverUrl: server.url, token, collections: ['employees', 'punches'], batchSize: Number(process.env.BENCH_SYNC_BATCH ?? 2_000) });
    await sync.awaitInSync();
    const syncS = (performance.now() - s0) / 1000;
    const got = (await replica.collections.employees!.count().exec()) + (await replica.collections.punches!.count().exec());
    if (got !== total) throw new Error(`replica holds ${got} documents, expected ${total}`);
    console.log(
      `sync: initial sync of ${fmt(total)} docs to an empty replica ${fmt(total / syncS)} docs/s (${syncS.toFixed(1)} s)  ` +
        `raw ${usePg ? 'PostgreSQL' : 'PGlite'} read of the same rows ${fmt(total / rawS)} rows/s (${rawS.toFixed(1)} s)  ratio ${(rawS / syncS).toFixed(2)}x of the raw read`,
    );
    console.log(`sync: of which the server's pull endpoint alone (HTTP + JSON, no replica) ${fmt(total / httpS)} docs/s (${httpS.toFixed(1)} s); the rest is the replica's storage and replication bookkeeping`);

    // Latency: a push-only writer replica; the synced replica above receives through its live stream.
    const writer = await replicaDb(`bench-writer-${process.pid}`, ['punches']);
    dbs.push(writer);
    const push = startReplication({ db: writer, serverUrl: server.url, token, collections: ['punches'], access: { punches: { read: false, write: true } } });
    const samples: number[] = [];
    for (let i = 0; i < LATENCY_SAMPLES; i++) {
      const at = 1_800_000_000_000 + i * 1_000;
      const id = `LAT|${i}|${at}`;
      const arrived = new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`punch ${id} did not arrive within 10 s`)), 10_000);
        const sub = replica.collections.punches!.findOne(id).$.subscribe((doc) => {
          if (!doc) return;
          clearTimeout(timer);
          sub.unsubscribe();
          resolve(performance.now());
        });
      });
      const start = performance.now();
      await writer.collections.punches!.insert({ id, deviceSerial: 'LAT', pin: String(i), at, deviceLocalTime: '', verifyMode: 1, punchState: 0, source: 'manual', employeeId: null, siteId: 'site-0', receivedAt: at, updatedAt: at });
      samples.push((await arrived) - start);
    }
    samples.sort((a, b) => a - b);
    console.log(`sync: live latency replica -> server -> replica over ${samples.length} punches  p50 ${percentile(samples, 50).toFixed(1)} ms  p95 ${percentile(samples, 95).toFixed(1)} ms`);
    await push.stop();
    await sync.stop();
  } finally {
    for (const db of dbs) await db.close().catch(() => undefined);
    await server.close();
    if (usePg) {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    }
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  benchSync().then(() => process.exit(0), (err) => (console.error(err), process.exit(1)));
}
