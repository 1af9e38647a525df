import type { RenshiApi } from '#shared/ipc/contract';
import { PullResponse, SYNC_PROTOCOL_HEADER, SYNC_PROTOCOL_VERSION } from '#shared/sync/protocol';

/**
 * Whether the terminal's sync server already holds a company (any site or department). A second terminal,
 * a second browser profile or a database cleared on an account switch must then pull the company rather
 * than seed its own demo copy, whose concurrent versions of the same records would all become conflicts.
 * Unreachable or no session: false (a terminal on its own seeds as before).
 */
export async function serverHasCompany(api: RenshiApi): Promise<boolean> {
  try {
    const session = await api.syncSession({});
    if (!session.token || !session.serverUrl) return false;
    const res = await fetch(`${session.serverUrl.replace(/\/+$/, '')}/sync/org/pull?limit=1`, {
      headers: { authorization: `Bearer ${session.token}`, [SYNC_PROTOCOL_HEADER]: String(SYNC_PROTOCOL_VERSION) },
      signal: AbortSignal.timeout(15_000),
    });
    if (!res.ok) return false;
    return PullResponse.parse(await res.json()).documents.length > 0;
  } catch {
    return false;
  }
}
