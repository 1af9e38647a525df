import { resolve } from 'node:path';
import { startServer } from './server.ts';

/**
 * `npm run server`. Environment: PORT (default 8787), HOST (default 0.0.0.0), DATA_DIR (PGlite folder,
 * default .data/server), DATABASE_URL (use PostgreSQL instead), DB_SCHEMA (default public),
 * RENSHI_ADMIN_USER / RENSHI_ADMIN_PASSWORD (first-start admin; a password is generated and printed if unset).
 */
const env = process.env;
const databaseUrl = env.DATABASE_URL || undefined;
const dataDir = databaseUrl ? undefined : resolve(env.DATA_DIR || '.data/server');

const server = await startServer({
  port: Number(env.PORT ?? 8787),
  host: env.HOST ?? '0.0.0.0',
  databaseUrl,
  dataDir,
  dbSchema: env.DB_SCHEMA || undefined,
  admin: { username: env.RENSHI_ADMIN_USER || 'admin', password: env.RENSHI_ADMIN_PASSWORD || undefined },
  logger: env.LOG === '1',
});
console.log(`renshi sync server listening on ${server.url} (${databaseUrl ? 'PostgreSQL' : `PGlite at ${dataDir}`})`);
if (server.generatedAdminPassword) {
  console.log(`first start: created user "${env.RENSHI_ADMIN_USER || 'admin'}" with password ${server.generatedAdminPassword} (shown once)`);
}

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    server.close().then(() => process.exit(0), () => process.exit(1));
  });
}
