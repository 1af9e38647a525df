import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startServer, type RunningServer, type ServerOptions } from '../../../src-server/server.ts';

/**
 * Test backends: PGlite in memory always; real PostgreSQL when it answers at TEST_DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/test). Each test run gets its own schema, dropped afterwards, so
 * parallel test files never see each other's rows.
 */
export const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const ADMIN = { username: 'admin', password: 'admin-password-1' };

let probe: Promise<boolean> | null = null;
export function postgresAvailable(): Promise<boolean> {
  probe ??= (async () => {
    const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2_000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch (err) {
      console.warn(`[tests/server] PostgreSQL not reachable at ${PG_URL} (${(err as Error).message}): PostgreSQL tests are skipped`);
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return probe;
}

export const testSchema = () => `t_${process.pid}_${randomBytes(4).toString('hex')}`;

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

export type Backend = 'pglite' | 'postgres';

export async function startTestServer(backend: Backend, opts: ServerOptions = {}): Promise<RunningServer & { schema: string }> {
  const schema = opts.dbSchema ?? testSchema();
  const server = await startServer({
    port: 0,
    admin: ADMIN,
    ...(backend === 'postgres' ? { databaseUrl: PG_URL, dbSchema: schema } : { dbSchema: schema }),
    ...opts,
  });
  return {
    ...server,
    schema,
    close: async () => {
      await server.close();
      if (backend === 'postgres' && !opts.dbSchema) await dropSchema(schema);
    },
  };
}

/** A tiny HTTP client that always sends the protocol header unless told otherwise. */
export class Api {
  constructor(
    readonly url: string,
    readonly token: string | null,
  ) {}

  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        'x-renshi-protocol': '1',
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* keep text */
    }
    return { status: res.status, body: parsed };
  }
  get(path: string, headers?: Record<string, string>) {
    return this.call('GET', path, undefined, headers);
  }
  post(path: string, body: unknown, headers?: Record<string, string>) {
    return this.call('POST', path, body, headers);
  }
  push(collection: string, rows: unknown[]) {
    return this.post(`/sync/${collection}/push`, rows);
  }
  pull(collection: string, query = '') {
    return this.get(`/sync/${collection}/pull${query ? `?${query}` : ''}`);
  }
}

export async function login(url: string, username: string, password: string): Promise<Api> {
  const res = await new Api(url, null).post('/auth/login', { username, password });
  if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return new Api(url, res.body.token);
}

/** Creates a user as admin and returns a client logged in as that user. */
export async function userApi(admin: Api, user: { username: string; role: string; siteId?: string | null }): Promise<Api> {
  const password = `${user.username}-password`;
  const res = await admin.post('/users', { ...user, password });
  if (res.status !== 201) throw new Error(`create user failed: ${res.status} ${JSON.stringify(res.body)}`);
  return login(admin.url, user.username, password);
}
