import type { CollectionName } from '#shared/collections';
import type { WireDocument } from '#shared/sync/protocol';
import type { Queryable } from '../db/database.ts';

/** A document as stored: its content (without `_deleted`), tombstone flag, site and server order. */
export type StoredDoc = { doc: WireDocument; siteId: string | null; serverSeq: number };
export type DocWrite = { id: string; data: Record<string, unknown>; deleted: boolean; siteId: string | null };

type Row = { id: string; data: Record<string, unknown>; deleted: boolean; site_id: string | null; server_seq: string | number };
const toStored = (r: Row): StoredDoc => ({ doc: { ...r.data, id: r.id, _deleted: r.deleted }, siteId: r.site_id, serverSeq: Number(r.server_seq) });

export function syncRepository() {
  return {
    /** Documents after `afterSeq` in server order, optionally only one site's. */
    async since(q: Queryable, collection: CollectionName, afterSeq: number, limit: number, siteId: string | null): Promise<StoredDoc[]> {
      const rows =
        siteId === null
          ? await q.query<Row>(
              `SELECT id, data, deleted, site_id, server_seq FROM docs WHERE collection = $1 AND server_seq > $2 ORDER BY server_seq LIMIT $3`,
              [collection, afterSeq, limit],
            )
          : await q.query<Row>(
              `SELECT id, data, deleted, site_id, server_seq FROM docs WHERE collection = $1 AND site_id = $4 AND server_seq > $2 ORDER BY server_seq LIMIT $3`,
              [collection, afterSeq, limit, siteId],
            );
      return rows.map(toStored);
    },

    async maxSeq(q: Queryable, collection: CollectionName): Promise<number> {
      const rows = await q.query<{ m: string | number | null }>(`SELECT max(server_seq) AS m FROM docs WHERE collection = $1`, [collection]);
      return Number(rows[0]?.m ?? 0);
    },

    async byIds(q: Queryable, collection: CollectionName, ids: string[]): Promise<Map<string, StoredDoc>> {
      if (!ids.length) return new Map();
      const rows = await q.query<Row>(`SELECT id, data, deleted, site_id, server_seq FROM docs WHERE collection = $1 AND id = ANY($2)`, [collection, ids]);
      return new Map(rows.map((r) => [r.id, toStored(r)]));
    },

    /**
     * Serialises writers of one collection until the transaction ends, across every server instance.
     * Sequence numbers are taken under this lock, so within a collection they become visible in order and
     * a reader that has seen seq N can never later find an uncommitted N-1 appear behind its checkpoint.
     */
    async lockCollection(tx: Queryable, collection: CollectionName): Promise<void> {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`renshi-docs:${collection}`]);
    },

    /** Inserts or replaces documents, stamping each with the next server sequence number. */
    async upsert(tx: Queryable, collection: CollectionName, writes: DocWrite[]): Promise<void> {
      if (!writes.length) return;
      const rows = writes.map((w) => ({ id: w.id, data: w.data, deleted: w.deleted, site_id: w.siteId }));
      await tx.query(
        `INSERT INTO docs (collection, id, data, deleted, site_id, server_seq)
         SELECT $1, x.id, x.data, x.deleted, x.site_id, nextval('doc_server_seq')
           FROM jsonb_to_recordset($2::jsonb) AS x(id text, data jsonb, deleted boolean, site_id text)
         ON CONFLICT (collection, id) DO UPDATE
           SET data = excluded.data, deleted = excluded.deleted, site_id = excluded.site_id, server_seq = excluded.server_seq`,
        [collection, JSON.stringify(rows)],
      );
    },

    async notifyChanged(tx: Queryable, channel: string, collection: CollectionName): Promise<void> {
      await tx.query(`SELECT pg_notify($1, $2)`, [channel, collection]);
    },
  };
}
export type SyncRepository = ReturnType<typeof syncRepository>;
