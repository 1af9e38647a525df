import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { COLLECTION_NAMES, type CollectionName } from '#shared/collections';
import { RenshiError } from '#shared/errors';
import { contentOf } from '#shared/sync/conflicts';
import { ResolveConflictRequest } from '#shared/sync/protocol';
import { requireRole } from '../auth/routes.ts';
import type { Database } from '../db/database.ts';
import { parseInput } from '../http/errors.ts';
import type { SyncService } from '../sync/service.ts';
import { conflictRepository } from './repository.ts';

const ListQuery = z.object({ status: z.enum(['open', 'resolved']).optional(), collection: z.string().max(40).optional() });

/**
 * Conflict items: edits that lost against a concurrent change, kept for HR. Resolving writes the chosen
 * version as a new server version (so it replicates everywhere) and closes the item.
 */
export function conflictRoutes(app: FastifyInstance, { db, sync }: { db: Database; sync: SyncService }): void {
  const repo = conflictRepository();

  app.get('/conflicts', async (request) => {
    requireRole(request, 'admin', 'hr');
    return repo.list(db, parseInput(ListQuery, request.query, 'conflict query'));
  });

  app.post('/conflicts/:id/resolve', async (request) => {
    const principal = requireRole(request, 'admin', 'hr');
    const { id } = parseInput(z.object({ id: z.string().min(1).max(100) }), request.params, 'conflict id');
    const input = parseInput(ResolveConflictRequest, request.body, 'resolution');
    return db.transaction(async (tx) => {
      const item = await repo.get(tx, id);
      if (!item) throw new RenshiError('not-found', `no conflict ${id}`);
      if (item.status !== 'open') throw new RenshiError('conflict', `conflict ${id} is already resolved`);
      const collection = item.collection as CollectionName;
      if (!COLLECTION_NAMES.includes(collection)) throw new RenshiError('internal', `conflict on unknown collection ${item.collection}`);
      if (input.resolution !== 'keep-server') {
        const chosen = input.resolution === 'merged' ? input.document : item.losingState;
        if (chosen.id !== item.docId) throw new RenshiError('validation-failed', `the resolved document must keep id ${item.docId}`);
        await sync.serverWrite(tx, collection, [contentOf(chosen)]);
      }
      await repo.markResolved(tx, id, input.resolution, `${principal.kind}:${principal.name}`, Date.now());
      return (await repo.get(tx, id))!;
    });
  });
}
