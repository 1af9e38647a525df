import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { COLLECTION_NAMES, type CollectionName } from '#shared/collections';
import { RenshiError } from '#shared/errors';
import { PullQuery, PushRequest, REPLICA_HEADER, replicaLabelOf, SYNC_PROTOCOL_HEADER, SYNC_PROTOCOL_VERSION, type MuxStreamEvent, type StreamEvent } from '#shared/sync/protocol';
import { principalOf } from '../auth/routes.ts';
import { parseInput } from '../http/errors.ts';
import type { SyncService } from './service.ts';

const CollectionParam = z.object({ collection: z.enum(COLLECTION_NAMES as [CollectionName, ...CollectionName[]]) });
const HEARTBEAT_MS = 15_000;

function collectionOf(request: FastifyRequest): CollectionName {
  const parsed = CollectionParam.safeParse(request.params);
  if (!parsed.success) throw new RenshiError('not-found', `unknown collection; expected one of ${COLLECTION_NAMES.join(', ')}`);
  return parsed.data.collection;
}

export type StreamOptions = {
  /** Whether the stream's token is still valid; checked at every heartbeat so a revoked token stops receiving. */
  stillAuthorized: (request: FastifyRequest) => Promise<boolean>;
  heartbeatMs?: number;
};

/** Replication endpoints, RxDB's HTTP shape: pull, push, pull-stream (SSE) per collection. */
export function syncRoutes(app: FastifyInstance, sync: SyncService, streamOptions: StreamOptions): void {
  const heartbeatMs = streamOptions.heartbeatMs ?? HEARTBEAT_MS;
  const streams = new Set<FastifyReply>();

  app.register(async (scope) => {
    // A replica speaking another protocol version must upgrade before it may read or write anything.
    scope.addHook('preHandler', async (request) => {
      const sent = request.headers[SYNC_PROTOCOL_HEADER];
      if (sent !== String(SYNC_PROTOCOL_VERSION)) {
        throw new RenshiError('protocol-mismatch', `sync protocol ${SYNC_PROTOCOL_VERSION} required (header ${SYNC_PROTOCOL_HEADER}), got ${sent ?? 'none'}`, {
          required: SYNC_PROTOCOL_VERSION,
        });
      }
    });

    scope.get('/sync/:collection/pull', async (request, reply) => {
      const collection = collectionOf(request);
      const q = parseInput(PullQuery, request.query, 'pull query');
      const checkpoint = q.id !== undefined && q.serverSeq !== undefined ? { id: q.id, serverSeq: q.serverSeq } : null;
      const json = await sync.pull({ principal: principalOf(request), collection, checkpoint, limit: q.limit });
      return reply.type('application/json; charset=utf-8').send(json);
    });

    scope.post('/sync/:collection/push', async (request) => {
      const collection = collectionOf(request);
      const rows = parseInput(PushRequest, request.body, 'push body');
      return sync.push({ principal: principalOf(request), collection, rows, replica: replicaLabelOf(request.headers[REPLICA_HEADER]) });
    });

    scope.get('/sync/pull-stream', async (request, reply) => {
      const wanted = String((request.query as { collections?: unknown }).collections ?? '').split(',').filter(Boolean);
      const collections = wanted.map((c) => collectionOf({ params: { collection: c } } as FastifyRequest));
      if (collections.length === 0) throw new RenshiError('validation-failed', 'name the collections to stream: ?collections=a,b');
      const send = (event: MuxStreamEvent) => reply.raw.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
      const principal = principalOf(request);
      const unsubscribes: (() => void)[] = [];
      try {
        for (const collection of new Set(collections)) {
          unsubscribes.push(await sync.subscribe(principal, collection, (documents, checkpoint) => send({ type: 'changes', collection, documents, checkpoint })));
        }
      } catch (err) {
        for (const u of unsubscribes) u();
        throw err;
      }
      openStream(request, reply, () => send({ type: 'resync' }), () => unsubscribes.forEach((u) => u()));
    });

    scope.get('/sync/:collection/pull-stream', async (request, reply) => {
      const collection = collectionOf(request);
      const send = (event: StreamEvent) => reply.raw.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
      const unsubscribe = await sync.subscribe(principalOf(request), collection, (documents, checkpoint) => send({ type: 'changes', documents, checkpoint }));
      openStream(request, reply, () => send({ type: 'resync' }), unsubscribe);
    });
  });

  function openStream(request: FastifyRequest, reply: FastifyReply, resync: () => void, unsubscribe: () => void): void {
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    // Subscribed before this RESYNC: the replica's re-pull plus the live events cover every change.
    resync();
    const heartbeat = setInterval(() => {
      reply.raw.write(': ping\n\n');
      streamOptions.stillAuthorized(request).then(
        (ok) => ok || reply.raw.end(),
        () => undefined, // database unreachable: keep the stream; the next heartbeat checks again
      );
    }, heartbeatMs);
    streams.add(reply);
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      unsubscribe();
      streams.delete(reply);
    };
    reply.raw.on('close', close);
    request.raw.on('close', close);
    reply.raw.on('error', close);
  }

  app.addHook('preClose', async () => {
    for (const reply of streams) reply.raw.end();
    streams.clear();
  });
}
