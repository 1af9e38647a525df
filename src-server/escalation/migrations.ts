import type { Database } from '../db/database.ts';

/**
 * The escalation tables, applied on every start (each statement idempotent, under an advisory lock), in the
 * database's schema like the sync server's tables. Add statements at the end; never change a shipped one.
 */
const STATEMENTS = [
  // One row per anomaly: the state machine's whole state as JSON, plus the columns the runner looks up by.
  // `version` makes every save conditional on what was read, so two runners never overwrite each other.
  `CREATE TABLE IF NOT EXISTS escalations (
    anomaly_id text PRIMARY KEY,
    employee_id text NOT NULL,
    site_id text NOT NULL,
    date text NOT NULL,
    expected_at bigint NOT NULL,
    phase text NOT NULL,
    state jsonb NOT NULL,
    next_due_at bigint,
    pending_commands integer NOT NULL,
    version integer NOT NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL
  )`,
  `CREATE INDEX IF NOT EXISTS escalations_by_due ON escalations (next_due_at)`,
  `CREATE INDEX IF NOT EXISTS escalations_by_phase ON escalations (phase, date)`,
  `CREATE INDEX IF NOT EXISTS escalations_by_employee ON escalations (employee_id, date)`,
  // Alerts for HR, one per alert command id (so performing the command again adds nothing).
  `CREATE TABLE IF NOT EXISTS escalation_hr_alerts (
    id text PRIMARY KEY,
    anomaly_id text NOT NULL,
    case_id text NOT NULL,
    employee_id text NOT NULL,
    site_id text NOT NULL,
    reason text NOT NULL,
    created_at bigint NOT NULL,
    acknowledged_at bigint,
    acknowledged_by text
  )`,
  `CREATE INDEX IF NOT EXISTS escalation_hr_alerts_open ON escalation_hr_alerts (site_id, acknowledged_at, created_at)`,
];

export async function migrateEscalation(db: Database): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`renshi-escalation-migrate:${db.schema}`]);
    for (const sql of STATEMENTS) await tx.query(sql);
  });
}
