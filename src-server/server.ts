import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import { openDatabase, type Database } from './db/database.ts';
import { migrate } from './db/migrations.ts';

export type ServerOptions = {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** PGlite data folder; omitted (and no databaseUrl) means an in-memory PGlite. */
  dataDir?: string;
  /** Real PostgreSQL; takes precedence over dataDir. */
  databaseUrl?: string;
  /** PostgreSQL schema holding this server's tables (one per deployment or per test run). */
  dbSchema?: string;
  /** Admin account to create when there are no users yet; without a password one is generated. */
  admin?: { username: string; password?: string };
  logger?: boolean;
  /** Live-stream heartbeat, which also re-checks the stream's token (default 15 s). */
  streamHeartbeatMs?: number;
};

export type RunningServer = {
  url: string;
  port: number;
  app: FastifyInstance;
  db: Database;
  /** Set when the admin was created on this start with a generated password (print it once). */
  generatedAdminPassword?: string;
  close(): Promise<void>;
};

export async function startServer(opts: ServerOptions = {}): Promise<RunningServer> {
  const db = await openDatabase({ databaseUrl: opts.databaseUrl, dataDir: opts.dataDir, schema: opts.dbSchema });
  try {
    await migrate(db);
    const { app, auth } = await buildApp({ db, logger: opts.logger, streamHeartbeatMs: opts.streamHeartbeatMs });
    const admin = await auth.ensureAdmin({ username: opts.admin?.username ?? 'admin', password: opts.admin?.password, now: Date.now() });
    await app.listen({ port: opts.port ?? 0, host: opts.host ?? '127.0.0.1' });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : (opts.port ?? 0);
    const shownHost = (opts.host ?? '127.0.0.1') === '0.0.0.0' ? '127.0.0.1' : (opts.host ?? '127.0.0.1');
    return {
      url: `http://${shownHost}:${port}`,
      port,
      app,
      db,
      generatedAdminPassword: admin.generatedPassword,
      close: async () => {
        await app.close();
        await db.close();
      },
    };
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
}
