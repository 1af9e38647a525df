import type { FastifyInstance } from 'fastify';
import { requireRole } from '../auth/routes.ts';
import type { Database } from '../db/database.ts';
import { listChainBreaks } from './chain-check.ts';

export function auditRoutes(app: FastifyInstance, { db }: { db: Database }): void {
  app.get('/audit/chain-breaks', async (request) => {
    requireRole(request, 'admin', 'hr');
    return listChainBreaks(db);
  });
}
