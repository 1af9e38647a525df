import Fastify, { type FastifyInstance } from 'fastify';
import { caseReads, migrateCaseReads } from './audit/case-reads.ts';
import { auditRoutes } from './audit/routes.ts';
import { authRoutes, bearerToken, registerAuthGuard } from './auth/routes.ts';
import { authService, type AuthService } from './auth/service.ts';
import { conflictRoutes } from './conflicts/routes.ts';
import type { Database } from './db/database.ts';
import { registerDelivery } from './delivery/module.ts';
import { registerSignedRecords } from './delivery/signed-record.ts';
import { registerEscalation } from './escalation/module.ts';
import { registerFiles } from './files/module.ts';
import { registerIclock } from './iclock/module.ts';
import { registerCors } from './http/cors.ts';
import { registerErrorHandler } from './http/errors.ts';
import { ChangeFeed, feedChannelOf } from './sync/feed.ts';
import { syncRepository } from './sync/repository.ts';
import { syncRoutes } from './sync/routes.ts';
import { syncService } from './sync/service.ts';

/**
 * Whose X-Forwarded-For to believe for the client address (login throttling): unset = nobody (clients
 * connect directly); "true" = any proxy; otherwise a comma-separated list of proxy addresses or CIDRs.
 */
export function trustProxyFrom(value: string | undefined): boolean | string {
  const v = value?.trim() ?? '';
  if (!v || v === 'false' || v === '0') return false;
  if (v === 'true' || v === '1') return true;
  return v;
}

/** Wires the server's modules onto one Fastify instance. The caller owns the database. */
export async function buildApp({ db, logger = false, streamHeartbeatMs }: { db: Database; logger?: boolean; streamHeartbeatMs?: number }): Promise<{ app: FastifyInstance; auth: AuthService; feed: ChangeFeed }> {
  const app = Fastify({ logger, bodyLimit: 32 * 1024 * 1024, forceCloseConnections: true, trustProxy: trustProxyFrom(process.env.RENSHI_TRUST_PROXY) });
  const repo = syncRepository();
  const feed = new ChangeFeed(db, repo, feedChannelOf(db));
  await feed.start();
  const auth = authService({ db });
  const sync = syncService({ db, repo, feed });

  registerErrorHandler(app);
  registerCors(app);
  registerAuthGuard(app, auth);
  app.get('/health', { config: { public: true } }, async () => ({ ok: true, db: db.kind }));
  authRoutes(app, auth);
  syncRoutes(app, sync, {
    heartbeatMs: streamHeartbeatMs,
    stillAuthorized: async (request) => {
      const token = bearerToken(request);
      return token !== null && (await auth.authenticate({ token, now: Date.now() })) !== null;
    },
  });
  conflictRoutes(app, { db, sync });
  auditRoutes(app, { db });
  await registerEscalation(app, { db, sync });
  await migrateCaseReads(db);
  const reads = caseReads({ db, sync });
  await registerDelivery(app, { db, reads });
  registerSignedRecords(app, { db, reads });
  await registerFiles(app, { db, reads });
  await registerIclock(app, { db, sync });
  app.addHook('onClose', async () => feed.stop());
  return { app, auth, feed };
}
