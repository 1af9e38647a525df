import type { ConflictItem, WireDocument } from '#shared/sync/protocol';
import type { Queryable } from '../db/database.ts';

type Row = {
  id: string; collection: string; doc_id: string; server_state: WireDocument; losing_state: WireDocument; reported_by: string;
  created_at: string | number; status: 'open' | 'resolved'; resolution: ConflictItem['resolution']; resolved_by: string | null; resolved_at: string | number | null;
};
const toItem = (r: Row): ConflictItem => ({
  id: r.id, collection: r.collection, docId: r.doc_id, serverState: r.server_state, losingState: r.losing_state, reportedBy: r.reported_by,
  createdAt: Number(r.created_at), status: r.status, resolution: r.resolution, resolvedBy: r.resolved_by, resolvedAt: r.resolved_at === null ? null : Number(r.resolved_at),
});

export function conflictRepository() {
  return {
    async insert(tx: Queryable, items: ConflictItem[]): Promise<void> {
      for (const c of items) {
        await tx.query(
          `INSERT INTO conflicts (id, collection, doc_id, server_state, losing_state, reported_by, created_at, status)
           VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7, 'open')`,
          [c.id, c.collection, c.docId, JSON.stringify(c.serverState), JSON.stringify(c.losingState), c.reportedBy, c.createdAt],
        );
      }
    },
    async list(q: Queryable, filter: { status?: 'open' | 'resolved'; collection?: string }): Promise<ConflictItem[]> {
      const rows = await q.query<Row>(
        `SELECT * FROM conflicts WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR collection = $2) ORDER BY created_at DESC LIMIT 1000`,
        [filter.status ?? null, filter.collection ?? null],
      );
      return rows.map(toItem);
    },
    async get(q: Queryable, id: string): Promise<ConflictItem | null> {
      const rows = await q.query<Row>(`SELECT * FROM conflicts WHERE id = $1`, [id]);
      return rows[0] ? toItem(rows[0]) : null;
    },
    async markResolved(tx: Queryable, id: string, resolution: NonNullable<ConflictItem['resolution']>, by: string, at: number): Promise<void> {
      await tx.query(`UPDATE conflicts SET status = 'resolved', resolution = $2, resolved_by = $3, resolved_at = $4 WHERE id = $1`, [id, resolution, by, at]);
    },
  };
}
