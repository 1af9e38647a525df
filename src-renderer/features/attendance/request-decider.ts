import { useMemo } from 'react';
import { decisionRefusal, type RequestDecider } from '#shared/attendance/request-decision';
import type { RequestDoc } from '#shared/schemas/leave';
import { useRenshi } from '../../app/context.tsx';
import type { WriteContext } from '../../db/records.ts';
import type { MessageKey } from '../../i18n/i18n.tsx';
import { useSync } from '../../sync/sync-provider.tsx';

/**
 * Who files and decides leave and punch corrections at this terminal: the signed-in account, because that is
 * the name the sync server compares a decision's pusher with the filer by; in local-only mode the local
 * operator. `decider` is undefined while the session is not known yet (deciding then would record the wrong
 * name), and null when a server is configured but nobody is signed in.
 */
export function useRequestActor(): { ctx: WriteContext; decider: RequestDecider | null | undefined } {
  const { db, audit, actor: localActor } = useRenshi();
  const { session } = useSync();
  return useMemo(() => {
    const principal = session?.principal ?? null;
    let decider: RequestDecider | null | undefined;
    if (session === null) decider = undefined;
    else if (principal) decider = { name: principal.name, role: principal.role };
    else decider = session.mode === 'offline' ? { name: localActor, role: 'local' } : null;
    return { ctx: { db, audit, actor: principal?.name ?? localActor }, decider };
  }, [db, audit, localActor, session]);
}

/** Why the approve and reject buttons of `request` are disabled for `decider`, or null when they are not. */
export function decisionBlockedKey(decider: RequestDecider | null | undefined, request: RequestDoc): MessageKey | null {
  if (decider === undefined) return 'rd.identity';
  if (decider === null) return 'rd.signIn';
  const refusal = decisionRefusal(decider, request);
  return refusal ? `rd.${refusal}` : null;
}
