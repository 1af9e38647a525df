import { sealAuditEvent } from '#shared/audit/chain';
import { SERVER_REPLICA_ID } from '#shared/audit/case-reads';
import type { AuditEvent } from '#shared/schemas/audit';
import type { Database, Queryable } from '../db/database.ts';
import type { SyncService } from '../sync/service.ts';

/**
 * The server's own audit chain, for what happens on the server rather than on a terminal (reads of a
 * restricted case's material). Its events are ordinary audit events of replica `server`: sealed with the
 * shared chain, written through the sync write path (validated, sequenced, streamed), so every HR terminal
 * pulls them and an evidence bundle carries them like a terminal's. The chain head lives in its own row,
 * locked for the append, so server instances over one database extend one unbroken chain.
 */
const STATEMENTS = [
  `CREATE TABLE IF NOT EXISTS server_audit_head (
    replica_id text PRIMARY KEY,
    seq bigint NOT NULL,
    hash text NOT NULL
  )`,
];

export async function migrateServerAudit(db: Database): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`renshi-server-audit-migrate:${db.schema}`]);
    for (const sql of STATEMENTS) await tx.query(sql);
  });
}

export type ServerAuditEntry = { actor: string; action: AuditEvent['action']; collectionName: string; docId: string; summary: string };

export function serverAuditTrail({ sync, clock = Date.now }: { sync: SyncService; clock?: () => number }) {
  return {
    /** Appends the entries, in order, to the server's chain inside `tx` (they commit or vanish with it). */
    async append(tx: Queryable, entries: ServerAuditEntry[]): Promise<AuditEvent[]> {
      if (!entries.length) return [];
      // The row exists before it is locked (seq -1: no event yet), so even the first two appends queue.
      await tx.query(`INSERT INTO server_audit_head (replica_id, seq, hash) VALUES ($1, -1, '') ON CONFLICT (replica_id) DO NOTHING`, [SERVER_REPLICA_ID]);
      const [head] = await tx.query<{ seq: string; hash: string }>(`SELECT seq, hash FROM server_audit_head WHERE replica_id = $1 FOR UPDATE`, [SERVER_REPLICA_ID]);
      let previous: { seq: number; hash: string } | null = head && Number(head.seq) >= 0 ? { seq: Number(head.seq), hash: head.hash } : null;
      const events: AuditEvent[] = [];
      for (const e of entries) {
        const event = await sealAuditEvent({ replicaId: SERVER_REPLICA_ID, actor: e.actor, action: e.action, collectionName: e.collectionName, docId: e.docId, beforeHash: null, afterHash: null, summary: e.summary, at: clock() }, previous);
        events.push(event);
        previous = event;
      }
      await sync.serverWrite(tx, 'audit', events);
      await tx.query(`UPDATE server_audit_head SET seq = $2, hash = $3 WHERE replica_id = $1`, [SERVER_REPLICA_ID, previous!.seq, previous!.hash]);
      return events;
    },
  };
}
export type ServerAuditTrail = ReturnType<typeof serverAuditTrail>;
