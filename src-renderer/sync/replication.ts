import type { RxCollection, RxDatabase, RxReplicationPullStreamItem } from 'rxdb';
import { replicateRxCollection, type RxReplicationState } from 'rxdb/plugins/replication';
import { Subject, type Observable } from 'rxjs';
import { COLLECTION_NAMES, type CollectionName } from '#shared/collections';
import {
  ErrorBody, MuxStreamEvent, PullResponse, PushResponse, REPLICA_HEADER, SYNC_PROTOCOL_HEADER, SYNC_PROTOCOL_VERSION,
  type SyncCheckpoint, type WireDocument,
} from '#shared/sync/protocol';
import { replicationIdentifier } from './account-switch.ts';
import { openEventStream } from './event-stream.ts';
import { SyncStatusTracker, type SyncStatus } from './status.ts';

/**
 * Replication of the local RxDB collections with the sync server, one RxDB replication per collection:
 * pull by server checkpoint, push with the master state the replica last saw (the server answers with
 * conflicts, which RxDB resolves by adopting the master: the server already kept any losing edit as a
 * conflict item for HR), and one multiplexed SSE stream for all collections whose RESYNC on every
 * (re)connect makes RxDB re-pull what it missed while offline. Failed requests retry with exponential
 * backoff; a full pull page prefetches the next one.
 *
 * Only this file and its two helpers know the wire; swap them to change transport.
 */
export type StartReplicationOptions = {
  // Any database holding some of the replicated collections (the app's RenshiDatabase in practice).
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  db: RxDatabase<any>;
  serverUrl: string;
  /** Bearer token, or a function returning the current one. */
  token: string | (() => string);
  /** Whom the token belongs to (`principalKey`, kind:id): progress is kept per server AND principal, so a
   *  new account never continues another account's checkpoints. */
  principalKey?: string;
  /** Collections to replicate (default: every replicated collection the database has). */
  collections?: CollectionName[];
  /** Per collection, whether to pull and/or push (from `/auth/me`; default both). */
  access?: Partial<Record<CollectionName, { read: boolean; write: boolean }>>;
  /** Injected for tests and non-browser hosts; defaults to the global fetch. */
  fetch?: typeof fetch;
  batchSize?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** This terminal's name, sent with every request so conflict items say which computer's edit lost. */
  replicaLabel?: string;
  /** Default true. A non-live replication stops once in sync; `stop()` waits for that. */
  live?: boolean;
  now?: () => number;
};

export type ReplicationHandle = {
  status$: Observable<SyncStatus>;
  readonly status: SyncStatus;
  states: Partial<Record<CollectionName, RxReplicationState<WireDocument, SyncCheckpoint>>>;
  /** Resolves when every collection has pushed its local changes and pulled the server's. */
  awaitInSync(): Promise<void>;
  /** Re-pull everything since the checkpoints (e.g. after the OS reports the network is back). */
  reSync(): void;
  stop(): Promise<void>;
};

const UPGRADE_RETRY_MS = 60 * 60 * 1000;

class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };
/** A promise that never rejects, so a prefetch nobody ends up awaiting cannot become an unhandled rejection. */
const settle = <T>(p: Promise<T>): Promise<Settled<T>> => p.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));
const pageKey = (checkpoint: SyncCheckpoint | undefined, limit: number) => `${checkpoint?.serverSeq ?? 0}/${limit}`;

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Strips RxDB's local metadata: only the document and `_deleted` go on the wire. */
function toWire(doc: Record<string, unknown>): WireDocument {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) if (!k.startsWith('_') || k === '_deleted') out[k] = v;
  out._deleted = doc._deleted === true;
  return out as WireDocument;
}

export function startReplication(opts: StartReplicationOptions): ReplicationHandle {
  const fetchFn = opts.fetch ?? globalThis.fetch.bind(globalThis);
  const base = opts.serverUrl.replace(/\/+$/, '');
  const now = opts.now ?? Date.now;
  const retryBase = opts.retryBaseMs ?? 1_000;
  const retryMax = opts.retryMaxMs ?? 60_000;
  const tracker = new SyncStatusTracker(now);
  // A collection this token may neither read nor write (a site admin's leave requests) is not replicated
  // at all: RxDB refuses a replication with neither pull nor push (UT3), which would stop every collection.
  const names = (opts.collections ?? COLLECTION_NAMES).filter((c) => opts.db.collections[c] && (!opts.access?.[c] || opts.access[c]!.read || opts.access[c]!.write));
  const headers = (): Record<string, string> => ({
    authorization: `Bearer ${typeof opts.token === 'function' ? opts.token() : opts.token}`,
    [SYNC_PROTOCOL_HEADER]: String(SYNC_PROTOCOL_VERSION),
    ...(opts.replicaLabel ? { [REPLICA_HEADER]: encodeURIComponent(opts.replicaLabel) } : {}),
  });

  async function request(collection: CollectionName, path: string, init: RequestInit = {}): Promise<unknown> {
    let res: Response;
    try {
      res = await fetchFn(`${base}/sync/${collection}/${path}`, { ...init, headers: { ...headers(), ...(init.headers as Record<string, string>) } });
    } catch (err) {
      tracker.failed(collection, 'offline', `server unreachable: ${(err as Error).message}`, true);
      throw err;
    }
    const body: unknown = await res.json().catch(() => null);
    if (!res.ok) {
      const parsed = ErrorBody.safeParse(body);
      const code = parsed.success ? parsed.data.error.code : `http-${res.status}`;
      const message = parsed.success ? parsed.data.error.message : `server answered ${res.status}`;
      tracker.failed(collection, code, message, res.status >= 500);
      if (res.status === 426) {
        // Retrying cannot help until the app is updated; keep retries rare instead of hammering.
        tracker.upgradeRequired();
        for (const s of Object.values(states)) s!.retryTime = UPGRADE_RETRY_MS;
      }
      throw new HttpError(res.status, code, message);
    }
    tracker.succeeded();
    return body;
  }

  const states: ReplicationHandle['states'] = {};
  const liveSubjects = new Map<CollectionName, Subject<RxReplicationPullStreamItem<WireDocument, SyncCheckpoint>>>();
  let live: { close(): void } | null = null;
  const subs: { unsubscribe(): void }[] = [];

  for (const name of names) {
    const access = opts.access?.[name] ?? { read: true, write: true };
    const collection = opts.db.collections[name] as RxCollection<WireDocument>;
    const stream$ = new Subject<RxReplicationPullStreamItem<WireDocument, SyncCheckpoint>>();
    let failures = 0;
    let prefetched: { key: string; page: Promise<Settled<PullResponse>> } | null = null;
    const fetchPage = async (checkpoint: SyncCheckpoint | undefined, limit: number): Promise<PullResponse> => {
      const q = new URLSearchParams({ limit: String(limit) });
      if (checkpoint) {
        q.set('id', checkpoint.id);
        q.set('serverSeq', String(checkpoint.serverSeq));
      }
      return PullResponse.parse(await request(name, `pull?${q}`));
    };
    // RxDB retries a failed handler after `retryTime`; growing it gives exponential backoff.
    const backoff = (ok: boolean) => {
      failures = ok ? 0 : failures + 1;
      const state = states[name];
      if (state && !tracker.current.upgradeRequired) state.retryTime = Math.min(retryBase * 2 ** Math.max(0, failures - 1), retryMax);
    };

    const state = replicateRxCollection<WireDocument, SyncCheckpoint>({
      replicationIdentifier: replicationIdentifier(base, opts.principalKey ?? 'anonymous', name),
      collection,
      live: opts.live ?? true,
      retryTime: retryBase,
      waitForLeadership: false,
      autoStart: true,
      pull: access.read
        ? {
            batchSize: opts.batchSize ?? 500,
            stream$: stream$.asObservable(),
            handler: async (checkpoint, batchSize) => {
              const key = pageKey(checkpoint, batchSize);
              const page = prefetched?.key === key ? prefetched.page : settle(fetchPage(checkpoint, batchSize));
              prefetched = null;
              const result = await page;
              if (!result.ok) {
                backoff(false);
                throw result.error;
              }
              backoff(true);
              const res = result.value;
              // A full page means more is waiting (initial sync, catching up after being offline): fetch the
              // next page while RxDB stores this one, so the server's and the local database's work overlap.
              if (res.documents.length === batchSize && res.checkpoint) {
                prefetched = { key: pageKey(res.checkpoint, batchSize), page: settle(fetchPage(res.checkpoint, batchSize)) };
              }
              return { documents: res.documents, checkpoint: res.checkpoint ?? checkpoint };
            },
          }
        : undefined,
      push: access.write
        ? {
            batchSize: opts.batchSize ?? 500,
            handler: async (rows) => {
              const ids = rows.map((r) => r.newDocumentState.id);
              tracker.pushing(name, ids);
              const body = rows.map((r) => ({
                newDocumentState: toWire(r.newDocumentState as Record<string, unknown>),
                assumedMasterState: r.assumedMasterState ? toWire(r.assumedMasterState as Record<string, unknown>) : null,
              }));
              try {
                const res = PushResponse.parse(
                  await request(name, 'push', { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
                );
                backoff(true);
                tracker.pushed(name, ids);
                for (const r of res.rejections) tracker.issue({ collection: name, code: r.code, message: r.message, docId: r.id, at: now() });
                for (const b of res.auditBreaks) tracker.issue({ collection: name, code: 'audit-chain-break', message: `${b.replicaId} #${b.seq}: ${b.reason}`, at: now() });
                return res.conflicts;
              } catch (err) {
                backoff(false);
                throw err;
              }
            },
          }
        : undefined,
    });
    states[name] = state;
    subs.push(state.active$.subscribe((active) => tracker.setActive(name, active)));

    if (access.read) liveSubjects.set(name, stream$);
  }

  // One multiplexed stream for every readable collection: browsers allow only ~6 connections per server,
  // and a stream per collection would leave none for pushes.
  if (liveSubjects.size && (opts.live ?? true)) {
    const first = [...liveSubjects.keys()][0]!;
    live = openEventStream({
      url: `${base}/sync/pull-stream?collections=${[...liveSubjects.keys()].join(',')}`,
      headers,
      fetch: fetchFn,
      retryBaseMs: retryBase,
      retryMaxMs: retryMax,
      onOpen: () => tracker.stream(true),
      onDown: (err) => {
        tracker.stream(false);
        if ((err as { status?: number }).status === 426) {
          tracker.failed(first, 'protocol-mismatch', 'the server requires another sync protocol version', false);
          tracker.upgradeRequired();
          live?.close();
        } else {
          tracker.failed(first, 'stream-down', `live stream lost: ${(err as Error).message}`, false);
        }
      },
      onEvent: (_event, data) => {
        const parsed = MuxStreamEvent.safeParse(safeJson(data));
        if (!parsed.success) return tracker.issue({ collection: first, code: 'validation-failed', message: 'unreadable stream event', at: now() });
        if (parsed.data.type === 'resync') {
          for (const subject of liveSubjects.values()) subject.next('RESYNC');
          return;
        }
        const { collection, documents, checkpoint } = parsed.data;
        liveSubjects.get(collection as CollectionName)?.next({ documents, checkpoint });
      },
    });
  }

  return {
    status$: tracker.status$,
    get status() {
      return tracker.current;
    },
    states,
    async awaitInSync() {
      await Promise.all(Object.values(states).map((s) => s!.awaitInSync()));
    },
    reSync() {
      for (const s of Object.values(states)) s!.reSync();
    },
    async stop() {
      live?.close();
      for (const s of subs) s.unsubscribe();
      await Promise.all(Object.values(states).map((s) => s!.cancel()));
      tracker.complete();
    },
  };
}
