import { RenshiError } from '#shared/errors';
import type { Principal } from '../auth/principal.ts';
import type { Queryable } from '../db/database.ts';
import { mayRead } from '../sync/scope.ts';

/**
 * Restricted cases (sensitive events) reach only the users on their access list, whatever their role. The
 * sync endpoints enforce that per document; this applies the same rule to what hangs off a case outside the
 * `cases` collection: its notices (documents, signatures) and its evidence files.
 */
export function caseAccess(q: Queryable) {
  const readable = (principal: Principal, rows: { id: string; data: Record<string, unknown> }[]) => rows.some((r) => mayRead(principal, 'cases', { ...r.data, id: r.id }));
  return {
    /** Throws `forbidden` unless the case is readable by this principal. A case the server has not received
     *  yet (a terminal sends a notice before its case synced) is judged by role alone. */
    async requireCase(principal: Principal, caseId: string): Promise<void> {
      const rows = await q.query<{ id: string; data: Record<string, unknown> }>(`SELECT id, data FROM docs WHERE collection = 'cases' AND id = $1`, [caseId]);
      if (rows.length && !readable(principal, rows)) throw new RenshiError('forbidden', `case ${caseId} is restricted to the people on its access list`);
    },

    /** Throws `forbidden` when every case that holds this file as evidence is closed to the principal. A file
     *  no case refers to yet (uploaded before its case synced) is judged by role alone. */
    async requireFile(principal: Principal, sha256: string): Promise<void> {
      const rows = await q.query<{ id: string; data: Record<string, unknown> }>(
        `SELECT id, data FROM docs WHERE collection = 'cases' AND NOT deleted AND data->'evidence' @> $1::jsonb`,
        [JSON.stringify([{ document: { sha256 } }])],
      );
      if (rows.length && !readable(principal, rows)) throw new RenshiError('forbidden', `this file is evidence of restricted cases only`);
    },
  };
}
