import type { z } from 'zod';
import { RENSHI_ERROR_CODES, RenshiError, type RenshiErrorCode } from '#shared/errors';
import { ErrorBody, REPLICA_HEADER } from '#shared/sync/protocol';

/** The signed-in sync server, for the screens that call its endpoints beyond replication. `terminal` (see
 *  terminalLabel) goes with each call, so the reads the server audits say which computer made them. */
export type ServerSession = { serverUrl: string; token: string; terminal?: string };

/**
 * One JSON call to the sync server: a body means POST. Every answer is parsed with `schema` before a screen
 * sees it (the server may be a newer or older version than this terminal); a refusal keeps the server's
 * error code and message, an unreachable server is `device-unreachable`.
 */
export async function callServer<S extends z.ZodType>(session: ServerSession, path: string, schema: S, body?: unknown): Promise<z.infer<S>> {
  let res: Response;
  try {
    res = await fetch(new URL(path, session.serverUrl), {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        authorization: `Bearer ${session.token}`,
        ...(session.terminal ? { [REPLICA_HEADER]: encodeURIComponent(session.terminal) } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (err) {
    throw new RenshiError('device-unreachable', `sync server did not answer: ${err instanceof Error ? err.message : String(err)}`);
  }
  const json: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const parsed = ErrorBody.safeParse(json);
    const code = parsed.success && (RENSHI_ERROR_CODES as readonly string[]).includes(parsed.data.error.code) ? (parsed.data.error.code as RenshiErrorCode) : 'internal';
    throw new RenshiError(code, parsed.success ? parsed.data.error.message : `sync server answered ${res.status}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new RenshiError('internal', `unexpected answer from ${path}: ${parsed.error.issues[0]?.message ?? 'malformed'}`);
  return parsed.data;
}
