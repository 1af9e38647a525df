import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/database.ts';
import { syncRepository } from '../sync/repository.ts';
import type { SyncService } from '../sync/service.ts';
import { iclockAdminRoutes } from './admin-routes.ts';
import { iclockDeviceRoutes } from './device-routes.ts';
import { migrateIclock } from './migrations.ts';
import { iclockReceiver } from './receiver.ts';

/**
 * The ZKTeco PUSH (ADMS / "iclock") receiver: cloud-connected terminals call the server over HTTP and their
 * punches land as punch documents through the sync write path. Registered from app.ts with one line.
 */
export async function registerIclock(app: FastifyInstance, opts: { db: Database; sync: SyncService; clock?: () => number }) {
  const { db, sync, clock = Date.now } = opts;
  await migrateIclock(db);
  const receiver = iclockReceiver({ db, sync, docs: syncRepository(), clock });
  iclockDeviceRoutes(app, receiver);
  iclockAdminRoutes(app, { db, clock });
  return { receiver };
}
