import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

/**
 * One query layer over PGlite (embedded PostgreSQL in WebAssembly, a data folder, nothing to install) or a
 * real PostgreSQL server. Services and repositories see only this interface; SQL is plain PostgreSQL and
 * runs unchanged on both. `schema` isolates one deployment (or one test run) inside a shared database.
 */
export interface Queryable {
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
}

export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  readonly schema: string;
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Calls `onPayload` for every NOTIFY on `channel` (from any server instance on the same database). */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export type DatabaseOptions = { databaseUrl?: string; dataDir?: string; schema?: string };

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  const schema = opts.schema ?? 'public';
  if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid schema name: ${schema}`);
  return opts.databaseUrl ? openPostgres(opts.databaseUrl, schema) : openPglite(opts.dataDir, schema);
}

async function openPglite(dataDir: string | undefined, schema: string): Promise<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  await db.exec(`CREATE SCHEMA IF NOT EXISTS ${schema}; SET search_path TO ${schema}`);
  // PGlite is one connection: transactions must not interleave with other statements, so queries queue.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  };
  return {
    kind: 'pglite',
    schema,
    query: (sql, params) => serial(async () => (await db.query(sql, params)).rows as never),
    transaction: (fn) =>
      serial(() => db.transaction((tx) => fn({ query: async (sql, params) => (await tx.query(sql, params)).rows as never }))),
    listen: async (channel, onPayload) => {
      const unsubscribe = await db.listen(channel, onPayload);
      return async () => unsubscribe();
    },
    close: () => serial(() => db.close()),
  };
}

async function openPostgres(url: string, schema: string): Promise<Database> {
  const options = `-c search_path=${schema}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  } catch (err) {
    // Two instances starting together may race on CREATE SCHEMA; the loser sees a duplicate error.
    if ((err as { code?: string }).code !== '23505') throw err;
  } finally {
    await admin.end();
  }
  const pool = new pg.Pool({ connectionString: url, options, max: 8 });
  pool.on('error', (err) => console.error('[db] idle client error', err.message));
  const listeners: pg.Client[] = [];
  return {
    kind: 'postgres',
    schema,
    query: async (sql, params) => (await pool.query(sql, params as unknown[])).rows as never,
    transaction: async (fn) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn({ query: async (sql, params) => (await client.query(sql, params as unknown[])).rows as never });
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    listen: async (channel, onPayload) => listenWithReconnect(url, channel, onPayload, listeners),
    close: async () => {
      await Promise.all(listeners.splice(0).map((c) => c.end().catch(() => undefined)));
      await pool.end();
    },
  };
}

/**
 * A dedicated connection for LISTEN. If it drops, reconnect with backoff and send an empty payload, which
 * listeners treat as "something may have been missed, re-read".
 */
async function listenWithReconnect(url: string, channel: string, onPayload: (p: string) => void, registry: pg.Client[]): Promise<() => Promise<void>> {
  let stopped = false;
  let current: pg.Client | null = null;
  const connect = async (): Promise<void> => {
    const client = new pg.Client({ connectionString: url });
    client.on('notification', (msg) => msg.channel === channel && onPayload(msg.payload ?? ''));
    client.on('error', () => undefined);
    client.on('end', () => {
      registry.splice(registry.indexOf(client) >>> 0, 1);
      if (!stopped) void retry(500);
    });
    await client.connect();
    await client.query(`LISTEN "${channel}"`);
    current = client;
    registry.push(client);
  };
  const retry = async (delay: number): Promise<void> => {
    await new Promise((r) => setTimeout(r, delay));
    if (stopped) return;
    try {
      await connect();
      onPayload('');
    } catch {
      void retry(Math.min(delay * 2, 10_000));
    }
  };
  await connect();
  return async () => {
    stopped = true;
    await current?.end().catch(() => undefined);
  };
}
