import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { CollectionName } from '#shared/collections';
import type { SyncSession } from '#shared/ipc/contract';
import { terminalLabel } from '#shared/sync/protocol';
import { useRenshi } from '../app/context.tsx';
import { prepareForAccount, principalKey } from './account-switch.ts';
import { startReplication, type ReplicationHandle } from './replication.ts';
import type { SyncStatus } from './status.ts';

/** `restart` re-reads the session (after sign-in, sign-out or a mode change); `syncNow` re-pulls at once. */
export type SyncState = { session: SyncSession | null; status: SyncStatus | null; restart: () => void; syncNow: () => void };

const Ctx = createContext<SyncState>({ session: null, status: null, restart: () => {}, syncNow: () => {} });

const replicaLabel = (info: { host: string; replicaId: string }) => terminalLabel(info.host, info.replicaId);

/**
 * Starts replication with whatever server the main process says this terminal uses, and restarts it when
 * the operator signs in elsewhere. Without a session the app simply keeps working locally.
 */
export function SyncProvider({ children }: { children: ReactNode }) {
  const { api, db, info } = useRenshi();
  const [session, setSession] = useState<SyncSession | null>(null);
  const [status, setStatus] = useState<SyncStatus | null>(null);
  const [generation, setGeneration] = useState(0);
  const running = useRef<ReplicationHandle | null>(null);
  /** Consecutive restarts because the server refused the token; spaces the next one out. */
  const authRetries = useRef(0);
  /** The previous replication's shutdown: the account check must not run while it still pushes. */
  const stopping = useRef<Promise<void>>(Promise.resolve());

  useEffect(() => {
    let handle: ReplicationHandle | null = null;
    let cancelled = false;
    let unsubscribe = () => {};
    api
      .syncSession({})
      .then(async (s) => {
        if (cancelled) return;
        setSession(s);
        if (!s.token || !s.serverUrl) return setStatus(null);
        if (s.principal) {
          // Documents pulled under an earlier account must not outlive the switch (see account-switch.ts).
          await stopping.current.catch(() => undefined);
          if (cancelled) return;
          const check = await prepareForAccount({ db, serverUrl: s.serverUrl, principal: s.principal, store: window.localStorage });
          if (check.kind === 'cleared') return window.location.reload();
          if (cancelled) return;
          if (check.kind === 'blocked') {
            setStatus(null);
            return setSession({ ...s, token: null, problem: check.message });
          }
        }
        const access = (s.principal?.access ?? {}) as Partial<Record<CollectionName, { read: boolean; write: boolean }>>;
        try {
          handle = startReplication({ db, serverUrl: s.serverUrl, token: s.token, access, principalKey: s.principal ? principalKey(s.principal) : undefined, replicaLabel: replicaLabel(info) });
        } catch (err) {
          // Signed in but replication could not start: say so, instead of passing for "local only".
          setStatus(null);
          return setSession({ ...s, token: null, problem: `sync could not start: ${err instanceof Error ? err.message : String(err)}` });
        }
        running.current = handle;
        const started = Date.now();
        let authTimer: ReturnType<typeof setTimeout> | null = null;
        const sub = handle.status$.subscribe((st) => {
          setStatus(st);
          if (st.lastSyncAt !== null && st.lastSyncAt >= started && st.errors[0]?.code !== 'unauthorized') authRetries.current = 0;
          // The server no longer accepts the token (a user session lasts 36 h, or it was ended or revoked):
          // forget it and read the session again, which signs in afresh in embedded mode and asks the
          // operator to sign in in remote mode. Spaced out, so a fresh token refused again cannot loop.
          if (!authTimer && st.errors.some((e) => e.code === 'unauthorized' && e.at >= started)) {
            const delay = Math.min(1_000 * 4 ** authRetries.current, 300_000);
            authRetries.current++;
            authTimer = setTimeout(() => {
              void api
                .syncLogout({})
                .catch(() => undefined)
                .finally(() => setGeneration((g) => g + 1));
            }, delay);
          }
        });
        unsubscribe = () => {
          sub.unsubscribe();
          if (authTimer) clearTimeout(authTimer);
        };
      })
      .catch((err: unknown) => setSession({ mode: 'offline', serverUrl: null, token: null, principal: null, problem: err instanceof Error ? err.message : String(err) }));
    return () => {
      cancelled = true;
      unsubscribe();
      if (running.current === handle) running.current = null;
      if (handle) stopping.current = handle.stop();
    };
  }, [api, db, generation]);

  const value: SyncState = { session, status, restart: () => setGeneration((g) => g + 1), syncNow: () => running.current?.reSync() };
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export const useSync = () => useContext(Ctx);
