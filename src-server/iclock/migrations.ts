import type { Database } from '../db/database.ts';

/**
 * Tables of the PUSH (ADMS / "iclock") receiver, applied on every start (each statement idempotent, under an
 * advisory lock) in the database's schema. Add statements at the end; never change a shipped one.
 */
const STATEMENTS = [
  // Terminals allowed to push, by serial number. The stamps are the device's own upload cursors: we hand
  // them back in the handshake so a reconnecting device resends only what came after.
  `CREATE TABLE IF NOT EXISTS iclock_devices (
    serial text PRIMARY KEY,
    -- The Device document in settings this terminal is (when the desktop app also knows it), else null.
    device_id text,
    name text NOT NULL,
    site_id text NOT NULL,
    enabled boolean NOT NULL DEFAULT true,
    attlog_stamp text,
    operlog_stamp text,
    push_version text,
    info text,
    last_contact_at bigint,
    last_contact_ip text,
    punches_received bigint NOT NULL DEFAULT 0,
    lines_rejected bigint NOT NULL DEFAULT 0,
    created_at bigint NOT NULL,
    created_by text NOT NULL
  )`,
  // Serial numbers that called without being registered, so an admin can adopt them.
  `CREATE TABLE IF NOT EXISTS iclock_unregistered (
    serial text PRIMARY KEY,
    first_seen_at bigint NOT NULL,
    last_seen_at bigint NOT NULL,
    attempts bigint NOT NULL,
    last_ip text,
    push_version text,
    last_path text NOT NULL
  )`,
  // ATTLOG lines that did not parse, kept verbatim for review.
  `CREATE TABLE IF NOT EXISTS iclock_rejected_lines (
    id bigserial PRIMARY KEY,
    serial text NOT NULL,
    table_name text NOT NULL,
    line_no integer NOT NULL,
    raw text NOT NULL,
    reason text NOT NULL,
    received_at bigint NOT NULL
  )`,
  `CREATE INDEX IF NOT EXISTS iclock_rejected_by_serial ON iclock_rejected_lines (serial, id)`,
  // Commands HR queued for a device: delivered once on its next getrequest, answered through devicecmd.
  `CREATE TABLE IF NOT EXISTS iclock_commands (
    id bigserial PRIMARY KEY,
    serial text NOT NULL,
    kind text NOT NULL,
    command text NOT NULL,
    status text NOT NULL,
    queued_at bigint NOT NULL,
    queued_by text NOT NULL,
    sent_at bigint,
    result_at bigint,
    return_code integer,
    result text
  )`,
  `CREATE INDEX IF NOT EXISTS iclock_commands_by_serial ON iclock_commands (serial, status, id)`,
  // The user table a device reports in OPERLOG/USERINFO uploads (pin -> name), shown when mapping pins.
  `CREATE TABLE IF NOT EXISTS iclock_device_users (
    serial text NOT NULL,
    pin text NOT NULL,
    name text NOT NULL,
    privilege integer NOT NULL,
    card text NOT NULL,
    updated_at bigint NOT NULL,
    PRIMARY KEY (serial, pin)
  )`,
];

export async function migrateIclock(db: Database): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`renshi-iclock-migrate:${db.schema}`]);
    for (const sql of STATEMENTS) await tx.query(sql);
  });
}
