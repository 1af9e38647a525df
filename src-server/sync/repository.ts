import type { CollectionName } from '#shared/collections';
import type { WireDocument } from '#shared/sync/protocol';
import type { Queryable } from '../db/database.ts';

/**
 * A document as stored: its content, site and server order. `exit` marks the record that a document left
 * `siteId` (its `doc` is the last state there, flagged deleted): only readers bound to that site see it.
 */
export type StoredDoc = { doc: WireDocument; siteId: string | null; serverSeq: number; exit?: true };
export type DocWrite = { id: string; data: Record<string, unknown>; deleted: boolean; siteId: string | null };

type Row = { id: string; data: Record<string, unknown>; deleted: boolean; site_id: string | null; server_seq: string | number; exit?: boolean };
const toStored = (r: Row): StoredDoc => ({
  doc: { ...r.data, id: r.id, _deleted: r.deleted },
  siteId: r.site_id,
  serverSeq: Number(r.server_seq),
  ...(r.exit ? { exit: true as const } : {}),
});

/**
 * One page in server order, optionally one site's (with its exits); `data` as jsonb or as its text. The
 * page is cut first and converted after, so a plan that sorts many rows never converts them all.
 */
function pageQuery<R>(q: Queryable, data: 'data' | 'data::text', collection: CollectionName, afterSeq: number, limit: number, siteId: string | null): Promise<R[]> {
  const page =
    siteId === null
      ? `SELECT id, data, deleted, site_id, server_seq, false AS exit FROM docs WHERE collection = $1 AND server_seq > $2 ORDER BY server_seq LIMIT $3`
      : `(SELECT id, data, deleted, site_id, server_seq, false AS exit FROM docs
            WHERE collection = $1 AND site_id = $4 AND server_seq > $2 ORDER BY server_seq LIMIT $3)
          UNION ALL
          (SELECT id, data, true, site_id, server_seq, true FROM site_exits
            WHERE collection = $1 AND site_id = $4 AND server_seq > $2 ORDER BY server_seq LIMIT $3)
          ORDER BY server_seq LIMIT $3`;
  return q.query<R>(`SELECT id, ${data} AS data, deleted, site_id, server_seq, exit FROM (${page}) AS page ORDER BY server_seq`, [
    collection,
    afterSeq,
    limit,
    ...(siteId === null ? [] : [siteId]),
  ]);
}

export function syncRepository() {
  return {
    /** Documents after `afterSeq` in server order, optionally only one site's. */
    async since(q: Queryable, collection: CollectionName, afterSeq: number, limit: number, siteId: string | null): Promise<StoredDoc[]> {
      return (await pageQuery<Row>(q, 'data', collection, afterSeq, limit, siteId)).map(toStored);
    },

    /**
     * The same page as wire JSON, straight from the stored text: the pull endpoint's hot path skips parsing
     * and re-serialising every document (stored data never holds `_deleted`, so it is appended).
     */
    async sinceAsJson(q: Queryable, collection: CollectionName, afterSeq: number, limit: number, siteId: string | null): Promise<{ docs: string[]; last: { id: string; serverSeq: number } | null }> {
      const rows = await pageQuery<{ id: string; data: string; deleted: boolean; server_seq: string | number }>(q, 'data::text', collection, afterSeq, limit, siteId);
      const lastRow = rows[rows.length - 1];
      return {
        docs: rows.map((r) => `${r.data.slice(0, r.data.lastIndexOf('}'))},"_deleted":${r.deleted ? 'true' : 'false'}}`),
        last: lastRow ? { id: lastRow.id, serverSeq: Number(lastRow.server_seq) } : null,
      };
    },

    /** Site exits in a range of server order (the live feed pairs them with the documents it read). */
    async exitsBetween(q: Queryable, collection: CollectionName, afterSeq: number, upToSeq: number): Promise<StoredDoc[]> {
      const rows = await q.query<Row>(
        `SELECT id, data, true AS deleted, site_id, server_seq, true AS exit FROM site_exits
          WHERE collection = $1 AND server_seq > $2 AND server_seq <= $3 ORDER BY server_seq`,
        [collection, afterSeq, upToSeq],
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

    /**
     * Inserts or replaces documents, stamping each with the next server sequence number. A document whose
     * site changes leaves a site exit behind (all sub-statements see the rows as they were before).
     */
    async upsert(tx: Queryable, collection: CollectionName, writes: DocWrite[]): Promise<void> {
      if (!writes.length) return;
      const rows = writes.map((w) => ({ id: w.id, data: w.data, deleted: w.deleted, site_id: w.siteId }));
      await tx.query(
        `WITH incoming AS (
           SELECT * FROM jsonb_to_recordset($2::jsonb) AS x(id text, data jsonb, deleted boolean, site_id text)
         ), previous AS (
           SELECT d.id, d.site_id, d.data FROM docs d JOIN incoming i ON d.collection = $1 AND d.id = i.id WHERE d.site_id IS NOT NULL
         ), written AS (
           INSERT INTO docs (collection, id, data, deleted, site_id, server_seq)
           SELECT $1, id, data, deleted, site_id, nextval('doc_server_seq') FROM incoming
           ON CONFLICT (collection, id) DO UPDATE
             SET data = excluded.data, deleted = excluded.deleted, site_id = excluded.site_id, server_seq = excluded.server_seq
           RETURNING id, site_id, server_seq
         )
         INSERT INTO site_exits (collection, id, site_id, server_seq, data)
         SELECT $1, p.id, p.site_id, w.server_seq, p.data FROM previous p JOIN written w ON w.id = p.id
          WHERE w.site_id IS DISTINCT FROM p.site_id`,
        [collection, JSON.stringify(rows)],
      );
    },

    async notifyChanged(tx: Queryable, channel: string, collection: CollectionName): Promise<void> {
      await tx.query(`SELECT pg_notify($1, $2)`, [channel, collection]);
    },
  };
}
export type SyncRepository = ReturnType<typeof syncRepository>;
