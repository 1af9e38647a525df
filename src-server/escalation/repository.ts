import { canonicalJson } from '#shared/audit/chain';
import { escalationDoc, mergeEscalationStates, stateOf, type EscalationDoc } from '#shared/escalation/escalation-doc';
import { due, EscalationState, LIVE_PHASES } from '#shared/escalation/missed-punch-escalation';
import type { Database, Queryable } from '../db/database.ts';
import { feedChannelOf } from '../sync/feed.ts';
import { syncRepository } from '../sync/repository.ts';

export type StoredEscalation = { state: EscalationState; version: number; expectedAt: number };

type Row = { state: unknown; version: number; expected_at: string | number };

/**
 * The runner's rows, and their replicated mirror: every insert and save also writes the chain as an
 * `escalations` sync document in the same transaction (under that collection's sync lock, taken first, so a
 * push merging into these rows and a runner save never wait on each other in opposite order). Terminals
 * therefore see every chain and case, and what an offline terminal recorded comes back through `mergeIn`.
 */
export function escalationRepository(db: Database) {
  const q: Queryable = db;
  const sync = syncRepository();
  const channel = feedChannelOf(db);
  const columns = (s: EscalationState) => ({ phase: s.phase, nextDueAt: due(s, 0), pending: s.outbox.length });
  const mirror = async (tx: Queryable, state: EscalationState, expectedAt: number, now: number) => {
    const doc = escalationDoc(state, expectedAt, now);
    await sync.upsert(tx, 'escalations', [{ id: doc.id, data: doc, deleted: false, siteId: doc.siteId }]);
    await sync.notifyChanged(tx, channel, 'escalations');
  };
  const insertRow = async (tx: Queryable, state: EscalationState, expectedAt: number, now: number) => {
    const c = columns(state);
    const rows = await tx.query(
      `INSERT INTO escalations (anomaly_id, employee_id, site_id, date, expected_at, phase, state, next_due_at, pending_commands, version, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $10) ON CONFLICT (anomaly_id) DO NOTHING RETURNING anomaly_id`,
      [state.anomalyId, state.employeeId, state.siteId, state.date, expectedAt, c.phase, JSON.stringify(state), c.nextDueAt, c.pending, now],
    );
    return rows.length > 0;
  };
  const updateRow = async (tx: Queryable, state: EscalationState, version: number, now: number) => {
    const c = columns(state);
    const rows = await tx.query<{ expected_at: string | number }>(
      `UPDATE escalations SET phase = $3, state = $4, next_due_at = $5, pending_commands = $6, version = version + 1, updated_at = $7
        WHERE anomaly_id = $1 AND version = $2 RETURNING expected_at`,
      [state.anomalyId, version, c.phase, JSON.stringify(state), c.nextDueAt, c.pending, now],
    );
    return rows[0] ? Number(rows[0].expected_at) : null;
  };
  return {
    /** Stores a new escalation; false when one with this anomaly id already exists. */
    async insert(state: EscalationState, expectedAt: number, now: number): Promise<boolean> {
      return db.transaction(async (tx) => {
        await sync.lockCollection(tx, 'escalations');
        if (!(await insertRow(tx, state, expectedAt, now))) return false;
        await mirror(tx, state, expectedAt, now);
        return true;
      });
    },

    /**
     * Merges a chain pushed by a terminal into the runner's row (creating it when only the terminal had it),
     * inside the push's transaction. Returns the merged document when it differs from what was pushed, so
     * the caller stores that as the synced version too.
     */
    async mergeIn(tx: Queryable, pushed: EscalationDoc, now: number): Promise<EscalationDoc | null> {
      const incoming = stateOf(pushed);
      const rows = await tx.query<Row>(`SELECT state, version, expected_at FROM escalations WHERE anomaly_id = $1 FOR UPDATE`, [pushed.id]);
      const row = rows[0];
      if (!row) {
        await insertRow(tx, incoming, pushed.expectedAt, now);
        return null;
      }
      const merged = mergeEscalationStates(EscalationState.parse(row.state), incoming);
      await updateRow(tx, merged, Number(row.version), now);
      const doc = escalationDoc(merged, Math.min(Number(row.expected_at), pushed.expectedAt), Math.max(now, pushed.updatedAt));
      return canonicalJson(merged) === canonicalJson(incoming) ? null : doc;
    },

    async load(anomalyId: string): Promise<StoredEscalation | null> {
      const rows = await q.query<Row>(`SELECT state, version, expected_at FROM escalations WHERE anomaly_id = $1`, [anomalyId]);
      const r = rows[0];
      return r ? { state: EscalationState.parse(r.state), version: Number(r.version), expectedAt: Number(r.expected_at) } : null;
    },

    /** Saves only if nobody saved since `version` was read; false means reload and try again. */
    async save(state: EscalationState, version: number, now: number): Promise<boolean> {
      return db.transaction(async (tx) => {
        await sync.lockCollection(tx, 'escalations');
        const expectedAt = await updateRow(tx, state, version, now);
        if (expectedAt === null) return false;
        await mirror(tx, state, expectedAt, now);
        return true;
      });
    },

    /**
     * Writes the sync document of every chain that has none (chains stored before chains replicated), so
     * terminals see them too. Run at start; cheap when nothing is missing.
     */
    async backfillMirror(now: number): Promise<number> {
      return db.transaction(async (tx) => {
        await sync.lockCollection(tx, 'escalations');
        const rows = await tx.query<Row>(
          `SELECT e.state, e.version, e.expected_at FROM escalations e
            WHERE NOT EXISTS (SELECT 1 FROM docs d WHERE d.collection = 'escalations' AND d.id = e.anomaly_id) ORDER BY e.anomaly_id`,
        );
        for (const r of rows) await mirror(tx, EscalationState.parse(r.state), Number(r.expected_at), now);
        return rows.length;
      });
    },

    /** Escalations with a timer due or commands still to perform. */
    async needingWork(now: number): Promise<string[]> {
      const rows = await q.query<{ anomaly_id: string }>(
        `SELECT anomaly_id FROM escalations WHERE (next_due_at IS NOT NULL AND next_due_at <= $1) OR pending_commands > 0 ORDER BY anomaly_id`,
        [now],
      );
      return rows.map((r) => r.anomaly_id);
    },

    async live(): Promise<StoredEscalation[]> {
      const rows = await q.query<Row>(`SELECT state, version, expected_at FROM escalations WHERE phase = ANY($1) ORDER BY anomaly_id`, [[...LIVE_PHASES]]);
      return rows.map((r) => ({ state: EscalationState.parse(r.state), version: Number(r.version), expectedAt: Number(r.expected_at) }));
    },

    async list(filter: { phases: readonly string[] | null; siteId: string | null; limit: number }): Promise<EscalationState[]> {
      const rows = await q.query<{ state: unknown }>(
        `SELECT state FROM escalations WHERE ($1::text[] IS NULL OR phase = ANY($1)) AND ($2::text IS NULL OR site_id = $2) ORDER BY date DESC, anomaly_id LIMIT $3`,
        [filter.phases ? [...filter.phases] : null, filter.siteId, filter.limit],
      );
      return rows.map((r) => EscalationState.parse(r.state));
    },

    /** Employees with an open lost-contact case: no new daily chain starts for them while it is open. */
    async employeesWithOpenCase(): Promise<Set<string>> {
      const rows = await q.query<{ employee_id: string }>(`SELECT DISTINCT employee_id FROM escalations WHERE phase = 'hr_alerted'`);
      return new Set(rows.map((r) => r.employee_id));
    },

    async insertAlert(a: { id: string; anomalyId: string; caseId: string; employeeId: string; siteId: string; reason: string; now: number }): Promise<void> {
      await q.query(
        `INSERT INTO escalation_hr_alerts (id, anomaly_id, case_id, employee_id, site_id, reason, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING`,
        [a.id, a.anomalyId, a.caseId, a.employeeId, a.siteId, a.reason, a.now],
      );
    },

    async alerts(filter: { siteId: string | null; open: boolean; limit: number }) {
      const rows = await q.query<{ id: string; anomaly_id: string; case_id: string; employee_id: string; site_id: string; reason: string; created_at: string; acknowledged_at: string | null; acknowledged_by: string | null }>(
        `SELECT * FROM escalation_hr_alerts WHERE ($1::text IS NULL OR site_id = $1) AND (NOT $2 OR acknowledged_at IS NULL) ORDER BY created_at DESC, id LIMIT $3`,
        [filter.siteId, filter.open, filter.limit],
      );
      return rows.map((r) => ({
        id: r.id,
        anomalyId: r.anomaly_id,
        caseId: r.case_id,
        employeeId: r.employee_id,
        siteId: r.site_id,
        reason: r.reason,
        createdAt: Number(r.created_at),
        acknowledgedAt: r.acknowledged_at === null ? null : Number(r.acknowledged_at),
        acknowledgedBy: r.acknowledged_by,
      }));
    },

    async acknowledgeAlert(id: string, by: string, now: number): Promise<boolean> {
      const rows = await q.query(`UPDATE escalation_hr_alerts SET acknowledged_at = $2, acknowledged_by = $3 WHERE id = $1 AND acknowledged_at IS NULL RETURNING id`, [id, now, by]);
      return rows.length > 0;
    },
  };
}
export type EscalationRepository = ReturnType<typeof escalationRepository>;
