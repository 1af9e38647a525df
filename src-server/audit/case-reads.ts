import type { FastifyRequest } from 'fastify';
import { caseReadSummary, type CaseReadKind, type ReadOrigin } from '#shared/audit/case-reads';
import { RenshiError } from '#shared/errors';
import { REPLICA_HEADER, replicaLabelOf } from '#shared/sync/protocol';
import type { Principal } from '../auth/principal.ts';
import { caseAccess, fileReadable, type CaseStanding } from '../cases/case-access.ts';
import type { Database } from '../db/database.ts';
import type { SyncService } from '../sync/service.ts';
import { migrateServerAudit, serverAuditTrail } from './server-trail.ts';

/**
 * Reads of a restricted case's material through the server, checked and audited in one place: the notice
 * listing, a signed record, an evidence file. Each read of a restricted case, and each refused attempt,
 * becomes a `view` event in the server's audit chain naming the account, the time, what was read and where
 * the request came from (address, the terminal label the app sends, user agent). Reads of unrestricted
 * cases are not audited (their changes are), as on the terminals.
 *
 * The case screen re-reads its notices every few seconds while open: a read repeated by the same account
 * from the same place within REPEAT_WINDOW_MS is the same look and is recorded once, or the trail would hold
 * a view per poll. The marks are rows in the database, so every instance applies the same window.
 */
export const REPEAT_WINDOW_MS = 10 * 60_000;

const STATEMENTS = [
  `CREATE TABLE IF NOT EXISTS case_read_marks (
    key text PRIMARY KEY,
    at bigint NOT NULL
  )`,
  `CREATE INDEX IF NOT EXISTS case_read_marks_by_at ON case_read_marks (at)`,
];

export async function migrateCaseReads(db: Database): Promise<void> {
  await migrateServerAudit(db);
  await db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`renshi-case-reads-migrate:${db.schema}`]);
    for (const sql of STATEMENTS) await tx.query(sql);
  });
}

// Control characters would be escaped in the summary's JSON and say nothing anyway.
const clean = (v: string | undefined | null, max: number): string | null => {
  const s = (v ?? '').replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, max);
  return s || null;
};

export function originOf(request: FastifyRequest): ReadOrigin {
  const ua = request.headers['user-agent'];
  return { terminal: replicaLabelOf(request.headers[REPLICA_HEADER]), ip: clean(request.ip, 64), device: clean(typeof ua === 'string' ? ua : null, 120) };
}

export function caseReads({ db, sync, clock = Date.now }: { db: Database; sync: SyncService; clock?: () => number }) {
  const access = caseAccess(db);
  const trail = serverAuditTrail({ sync, clock });

  async function record(principal: Principal, cases: readonly CaseStanding[], read: CaseReadKind, ref: string | null, refused: boolean, from: ReadOrigin): Promise<void> {
    const restricted = cases.filter((c) => c.restricted);
    if (!restricted.length) return;
    const now = clock();
    await db.transaction(async (tx) => {
      const entries = [];
      for (const c of restricted) {
        const key = JSON.stringify([principal.kind, principal.id, c.caseId, read, ref, refused, from.ip, from.terminal]);
        // Inserted, or moved on when the last one is older than the window: either way, a new look.
        const fresh = await tx.query(
          `INSERT INTO case_read_marks (key, at) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET at = EXCLUDED.at WHERE case_read_marks.at <= $3 RETURNING key`,
          [key, now, now - REPEAT_WINDOW_MS],
        );
        if (fresh.length) entries.push({ actor: principal.name, action: 'view' as const, collectionName: 'cases', docId: c.caseId, summary: caseReadSummary({ read, ref, refused, from }) });
      }
      if (!entries.length) return;
      await trail.append(tx, entries);
      await tx.query(`DELETE FROM case_read_marks WHERE at <= $1`, [now - REPEAT_WINDOW_MS]);
    });
  }

  return {
    /** Throws `forbidden` unless the principal may read the case; a restricted case's read (or refusal) is audited first. */
    async readCase(request: FastifyRequest, principal: Principal, caseId: string, read: CaseReadKind, ref: string | null = null): Promise<void> {
      const s = await access.standingOf(principal, caseId);
      if (!s) return;
      await record(principal, [s], read, ref, !s.readable, originOf(request));
      if (!s.readable) throw new RenshiError('forbidden', `case ${caseId} is restricted to the people on its access list`);
    },

    /** The same for an evidence file: one event per restricted case that holds it. */
    async readFile(request: FastifyRequest, principal: Principal, sha256: string): Promise<void> {
      const holders = await access.holdersOf(principal, sha256);
      const readable = fileReadable(holders);
      // Read: audited on the restricted cases this reader may see (it read the file as their evidence).
      // Refused: on every restricted case that holds it.
      const audited = readable ? holders.filter((h) => h.readable) : holders;
      await record(principal, audited, 'file', sha256, !readable, originOf(request));
      if (!readable) throw new RenshiError('forbidden', `this file is evidence of restricted cases only`);
    },
  };
}
export type CaseReads = ReturnType<typeof caseReads>;
