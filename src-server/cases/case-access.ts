import { RenshiError } from '#shared/errors';
import type { Principal } from '../auth/principal.ts';
import type { Queryable } from '../db/database.ts';
import { mayRead } from '../sync/scope.ts';

/** A case as the access rules see it: whether it is restricted, and whether this principal may read it. */
export type CaseStanding = { caseId: string; restricted: boolean; readable: boolean };

/**
 * Restricted cases (sensitive events) reach only the users on their access list, whatever their role. The
 * sync endpoints enforce that per document; this applies the same rule to what hangs off a case outside the
 * `cases` collection: its notices (documents, signatures) and its evidence files.
 */
export function caseAccess(q: Queryable) {
  const standing = (principal: Principal, r: { id: string; data: Record<string, unknown> }): CaseStanding => ({
    caseId: r.id,
    restricted: r.data.restricted === true,
    readable: mayRead(principal, 'cases', { ...r.data, id: r.id }),
  });
  const access = {
    /** The case as the server holds it, or null when it has not received it yet (a terminal sends a notice
     *  before its case synced): such a case is judged by role alone. */
    async standingOf(principal: Principal, caseId: string): Promise<CaseStanding | null> {
      const rows = await q.query<{ id: string; data: Record<string, unknown> }>(`SELECT id, data FROM docs WHERE collection = 'cases' AND id = $1`, [caseId]);
      return rows[0] ? standing(principal, rows[0]) : null;
    },

    /** Every case that holds this file as evidence (none: uploaded before its case synced, judged by role). */
    async holdersOf(principal: Principal, sha256: string): Promise<CaseStanding[]> {
      const rows = await q.query<{ id: string; data: Record<string, unknown> }>(
        `SELECT id, data FROM docs WHERE collection = 'cases' AND NOT deleted AND data->'evidence' @> $1::jsonb`,
        [JSON.stringify([{ document: { sha256 } }])],
      );
      return rows.map((r) => standing(principal, r));
    },

    /** Throws `forbidden` unless the case is readable by this principal. */
    async requireCase(principal: Principal, caseId: string): Promise<void> {
      const s = await access.standingOf(principal, caseId);
      if (s && !s.readable) throw new RenshiError('forbidden', `case ${caseId} is restricted to the people on its access list`);
    },

    /** Throws `forbidden` when every case that holds this file as evidence is closed to the principal. */
    async requireFile(principal: Principal, sha256: string): Promise<void> {
      if (!fileReadable(await access.holdersOf(principal, sha256))) throw new RenshiError('forbidden', `this file is evidence of restricted cases only`);
    },
  };
  return access;
}

/** A file may be read when no case holds it yet or one of its cases is readable. */
export const fileReadable = (holders: readonly CaseStanding[]): boolean => holders.length === 0 || holders.some((h) => h.readable);
