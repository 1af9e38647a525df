/**
 * One local replica in its own process: the real local database (RxDB, Dexie over fake-indexeddb) with the
 * real replication client. The parent drives it over IPC. "Offline" makes every request fail and cuts the
 * open streams, as a pulled network cable would.
 */
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { openRenshiDatabase, type RenshiDatabase } from '../../../src-renderer/db/database.ts';
import { startReplication, type ReplicationHandle } from '../../../src-renderer/sync/replication.ts';
import type { CollectionName } from '#shared/collections';

type Command =
  | { type: 'start'; serverUrl: string; token: string; collections: CollectionName[] }
  | { type: 'offline' }
  | { type: 'online' }
  | { type: 'upsert'; collection: CollectionName; doc: Record<string, unknown> }
  | { type: 'patch'; collection: CollectionName; id: string; patch: Record<string, unknown> }
  | { type: 'dump'; collection: CollectionName }
  | { type: 'awaitInSync' }
  | { type: 'status' }
  | { type: 'stop' };

let db: RenshiDatabase | null = null;
let replication: ReplicationHandle | null = null;
let offline = false;
const inFlight = new Set<AbortController>();

const cableFetch: typeof fetch = async (input, init) => {
  if (offline) throw new TypeError('fetch failed: network is offline');
  const controller = new AbortController();
  inFlight.add(controller);
  const signal = init?.signal ? AbortSignal.any([init.signal, controller.signal]) : controller.signal;
  try {
    return await fetch(input, { ...init, signal });
  } finally {
    // Streams keep reading after fetch resolves; keep their controller until the body is done.
    setTimeout(() => inFlight.delete(controller), 60_000).unref();
  }
};

async function handle(cmd: Command): Promise<unknown> {
  switch (cmd.type) {
    case 'start': {
      const indexedDB = new IDBFactory();
      db = await openRenshiDatabase({ name: `replica${process.pid}`, secret: 'replica-secret-0123456789', storage: getRxStorageDexie({ indexedDB, IDBKeyRange }) });
      replication = startReplication({ db, serverUrl: cmd.serverUrl, token: cmd.token, collections: cmd.collections, fetch: cableFetch, retryBaseMs: 100, retryMaxMs: 800 });
      return null;
    }
    case 'offline':
      offline = true;
      for (const c of inFlight) c.abort();
      inFlight.clear();
      return null;
    case 'online':
      offline = false;
      return null;
    case 'upsert':
      await db!.collections[cmd.collection]!.upsert(cmd.doc);
      return null;
    case 'patch': {
      const doc = await db!.collections[cmd.collection]!.findOne(cmd.id).exec();
      if (!doc) throw new Error(`no ${cmd.collection} ${cmd.id}`);
      await doc.incrementalPatch(cmd.patch);
      return null;
    }
    case 'dump': {
      const docs = await db!.collections[cmd.collection]!.find().exec();
      return docs.map((d) => d.toJSON()).sort((a, b) => String(a.id).localeCompare(String(b.id)));
    }
    case 'awaitInSync':
      await replication!.awaitInSync();
      return null;
    case 'status':
      return replication!.status;
    case 'stop':
      await replication?.stop();
      await db?.close();
      return null;
  }
}

process.on('message', (msg: { id: number; cmd: Command }) => {
  handle(msg.cmd).then(
    (result) => process.send!({ id: msg.id, ok: true, result }),
    (err) => process.send!({ id: msg.id, ok: false, error: String((err as Error)?.stack ?? err) }),
  );
});
process.send!({ ready: true });
