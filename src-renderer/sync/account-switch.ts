import type { RxCollection, RxDatabase } from 'rxdb';
import { replicateRxCollection } from 'rxdb/plugins/replication';
import { z } from 'zod';
import { COLLECTION_NAMES, type CollectionName } from '#shared/collections';
import type { PrincipalInfo } from '#shared/sync/auth';
import type { WireDocument } from '#shared/sync/protocol';

/**
 * What a new sign-in does to the documents an earlier account pulled into this terminal's database.
 *
 * The server filters what it sends by account (site, sensitive fields), but the local database keeps
 * whatever it received before. So the database remembers the account it was last synced under (a small
 * marker keyed by the database name); when another account signs in, the local copies are dropped and
 * pulled again under the new account. Dropping is done by removing the local database, never by deleting
 * documents, so no deletion can ever replicate to the server. Local edits the previous account has not
 * uploaded yet must not be lost: then nothing is dropped and sync stays off until that account signs in
 * again and uploads them.
 *
 * Any change of account triggers this, not only a narrower view: a same-view account would otherwise
 * push the previous account's pending edits under its own name.
 */
export type MarkerStore = { getItem(key: string): string | null; setItem(key: string, value: string): void };

const Marker = z.object({
  serverUrl: z.string(),
  principalKey: z.string(),
  name: z.string(),
  /** Collections the account could push: only those can hold edits waiting to be uploaded. */
  writable: z.array(z.string()),
});
type Marker = z.infer<typeof Marker>;

export const principalKey = (p: Pick<PrincipalInfo, 'kind' | 'id'>) => `${p.kind}:${p.id}`;
export const normalizeServerUrl = (url: string) => url.replace(/\/+$/, '');
/** Replication progress belongs to one server AND one account: a new account never continues another's. */
export const replicationIdentifier = (serverUrl: string, principal: string, collection: CollectionName) =>
  `renshi-sync:${normalizeServerUrl(serverUrl)}:${principal}:${collection}`;

const markerKey = (dbName: string) => `renshi-sync-account:${dbName}`;

function readMarker(store: MarkerStore, dbName: string): Marker | null {
  try {
    const raw = store.getItem(markerKey(dbName));
    const parsed = raw ? Marker.safeParse(JSON.parse(raw)) : null;
    return parsed?.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function writeMarker(store: MarkerStore, dbName: string, serverUrl: string, principal: PrincipalInfo) {
  const writable = COLLECTION_NAMES.filter((c) => principal.access[c]?.write ?? true);
  const marker: Marker = { serverUrl: normalizeServerUrl(serverUrl), principalKey: principalKey(principal), name: principal.name, writable };
  store.setItem(markerKey(dbName), JSON.stringify(marker));
}

/**
 * Whether a collection holds local changes the replication `identifier` has not pushed yet. Runs RxDB's
 * own upstream bookkeeping for that identifier with a push handler that only records what it is offered
 * and fails, so nothing is sent and nothing is marked as pushed.
 */
async function hasUnpushedChanges(collection: RxCollection<WireDocument>, identifier: string, timeoutMs: number): Promise<boolean> {
  let offered = false;
  const probe = replicateRxCollection<WireDocument, unknown>({
    replicationIdentifier: identifier,
    collection,
    // Live, because a non-live replication that never gets in sync cannot be cancelled (its start waits).
    live: true,
    autoStart: true,
    waitForLeadership: false,
    retryTime: 60_000,
    push: {
      batchSize: 1,
      handler: async (rows) => {
        if (rows.length) offered = true;
        throw new Error('probe only: nothing is sent');
      },
    },
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  let settled = false;
  try {
    await Promise.race([
      probe.awaitInSync().then(() => (settled = true)),
      new Promise<void>((resolve) => {
        const sub = probe.error$.subscribe(() => (sub.unsubscribe(), resolve()));
      }),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ]);
  } finally {
    clearTimeout(timer);
    await probe.cancel();
  }
  // Unsure (timed out without an answer) counts as pending: keeping data is the safe side.
  return offered || !settled;
}

export type AccountCheck =
  | { kind: 'ready' }
  | { kind: 'cleared' }
  | { kind: 'blocked'; previousAccount: string; message: string };

/**
 * Call before starting replication for `principal`. 'ready': replicate. 'cleared': the database was
 * removed and must be reopened (the app reloads). 'blocked': do not replicate; show `message`.
 */
type PrepareOptions = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  db: RxDatabase<any>;
  serverUrl: string;
  principal: PrincipalInfo;
  store: MarkerStore;
  probeTimeoutMs?: number;
};

// One check at a time per database: a restarted sync effect must not probe or remove concurrently.
const inFlight = new Map<string, Promise<AccountCheck>>();

export function prepareForAccount(opts: PrepareOptions): Promise<AccountCheck> {
  const running = inFlight.get(opts.db.name);
  if (running) return running.catch(() => undefined).then(() => (opts.db.closed ? { kind: 'cleared' as const } : prepareForAccount(opts)));
  const check = prepare(opts).finally(() => inFlight.delete(opts.db.name));
  inFlight.set(opts.db.name, check);
  return check;
}

async function prepare(opts: PrepareOptions): Promise<AccountCheck> {
  const { db, serverUrl, principal, store } = opts;
  const previous = readMarker(store, db.name);
  // No marker: a new database, or one last synced before accounts were remembered; it is adopted as is.
  if (!previous) {
    writeMarker(store, db.name, serverUrl, principal);
    return { kind: 'ready' };
  }
  if (previous.principalKey === principalKey(principal)) return { kind: 'ready' };

  for (const name of previous.writable) {
    const collection = db.collections[name] as RxCollection<WireDocument> | undefined;
    if (!collection || !COLLECTION_NAMES.includes(name as CollectionName)) continue;
    const identifier = replicationIdentifier(previous.serverUrl, previous.principalKey, name as CollectionName);
    if (await hasUnpushedChanges(collection, identifier, opts.probeTimeoutMs ?? 15_000)) {
      return {
        kind: 'blocked',
        previousAccount: previous.name,
        message:
          `此终端有账户「${previous.name}」尚未上传的修改。请先用该账户重新登录以上传，再切换账户。` +
          ` / This terminal holds changes by account "${previous.name}" that are not uploaded yet. Sign in again as that account to upload them before switching accounts; sync is paused.`,
      };
    }
  }
  // Removing the whole database (not deleting documents) can never replicate a deletion to the server.
  await db.remove();
  writeMarker(store, db.name, serverUrl, principal);
  return { kind: 'cleared' };
}
