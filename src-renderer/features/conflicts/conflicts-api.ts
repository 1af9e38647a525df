import { useCallback, useEffect, useState } from 'react';
import { z } from 'zod';
import type { SyncSession } from '#shared/ipc/contract';
import { ConflictItem, ErrorBody, type ResolveConflictRequest } from '#shared/sync/protocol';
import { useSync } from '../../sync/sync-provider.tsx';

/** Conflict items live on the sync server only (they are HR's work list, not replicated data). */
export class ConflictApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Only HR and admins may list and resolve conflicts (the server enforces it; the UI hides what it would refuse). */
export const mayResolveConflicts = (session: SyncSession | null): boolean =>
  !!session?.token && (session.principal?.role === 'admin' || session.principal?.role === 'hr');

async function call(session: SyncSession, path: string, init: RequestInit = {}): Promise<unknown> {
  if (!session.serverUrl || !session.token) throw new ConflictApiError('unauthorized', 'not signed in to a sync server');
  let res: Response;
  try {
    res = await fetch(`${session.serverUrl.replace(/\/+$/, '')}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${session.token}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
      signal: AbortSignal.timeout(15_000),
    });
  } catch (err) {
    throw new ConflictApiError('offline', `server unreachable: ${err instanceof Error ? err.message : String(err)}`);
  }
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const parsed = ErrorBody.safeParse(body);
    throw new ConflictApiError(parsed.success ? parsed.data.error.code : `http-${res.status}`, parsed.success ? parsed.data.error.message : `server answered ${res.status}`);
  }
  return body;
}

export async function listConflicts(session: SyncSession, status: 'open' | 'resolved'): Promise<ConflictItem[]> {
  return z.array(ConflictItem).parse(await call(session, `/conflicts?status=${status}`));
}

/** Every `useConflicts` in the window (header badge, settings, the list) re-reads after a resolution. */
const resolutions = new EventTarget();

export async function resolveConflict(session: SyncSession, id: string, request: ResolveConflictRequest): Promise<ConflictItem> {
  const item = ConflictItem.parse(await call(session, `/conflicts/${encodeURIComponent(id)}/resolve`, { method: 'POST', body: JSON.stringify(request) }));
  resolutions.dispatchEvent(new Event('resolved'));
  return item;
}

const POLL_MS = 5_000;

/**
 * Conflict items of the signed-in server, refreshed every few seconds and after each successful sync
 * (a push that lost is what creates one). `items` is null until the first answer, or when this
 * principal may not see conflicts.
 */
export function useConflicts(status: 'open' | 'resolved' = 'open') {
  const { session, status: sync } = useSync();
  const allowed = mayResolveConflicts(session);
  const [items, setItems] = useState<ConflictItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const refresh = useCallback(() => setTick((n) => n + 1), []);
  const lastSyncAt = sync?.lastSyncAt ?? 0;
  // Re-read at most once per poll period on sync activity, so a busy replication does not flood the server.
  const syncBucket = Math.floor(lastSyncAt / POLL_MS);

  useEffect(() => {
    if (!allowed || !session) {
      setItems(null);
      return;
    }
    let cancelled = false;
    const load = () =>
      listConflicts(session, status).then(
        (list) => {
          if (cancelled) return;
          setItems(list);
          setError(null);
        },
        (err: unknown) => !cancelled && setError(err instanceof Error ? err.message : String(err)),
      );
    void load();
    const timer = setInterval(() => void load(), POLL_MS);
    const onResolved = () => void load();
    resolutions.addEventListener('resolved', onResolved);
    return () => {
      cancelled = true;
      clearInterval(timer);
      resolutions.removeEventListener('resolved', onResolved);
    };
  }, [allowed, session, status, tick, syncBucket]);

  return { allowed, items, error, refresh };
}
