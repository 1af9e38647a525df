import type { Database } from '../db/database.ts';

/**
 * The notification tables, kept apart from the sync server's numbered migrations: each statement is
 * idempotent (IF NOT EXISTS), so applying the list on every start is safe, and an advisory lock keeps two
 * instances starting together from racing on it. Tables live in the database's schema (search_path).
 * Add new statements at the end; never change one that shipped.
 */
const STATEMENTS = [
  // One row per delivery: one logical message (an escalation command) on one channel to one address.
  `CREATE TABLE IF NOT EXISTS notification_messages (
    id text PRIMARY KEY,
    logical_id text NOT NULL,
    channel text NOT NULL,
    recipient text NOT NULL,
    recipient_kind text NOT NULL,
    site_id text,
    subject text NOT NULL,
    body text NOT NULL,
    link text,
    -- Short hash of the id that reply links carry (see reply-token.ts).
    reply_ref text NOT NULL,
    context jsonb NOT NULL,
    status text NOT NULL,
    provider_message_id text,
    attempts integer NOT NULL DEFAULT 0,
    last_error text,
    claimed_until bigint,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL
  )`,
  `CREATE INDEX IF NOT EXISTS notification_messages_by_logical ON notification_messages (logical_id)`,
  `CREATE INDEX IF NOT EXISTS notification_messages_by_reply_ref ON notification_messages (reply_ref)`,
  `CREATE INDEX IF NOT EXISTS notification_messages_by_provider ON notification_messages (channel, provider_message_id)`,
  `CREATE INDEX IF NOT EXISTS notification_messages_in_app ON notification_messages (channel, recipient, created_at)`,
  `CREATE TABLE IF NOT EXISTS notification_status_history (
    id bigserial PRIMARY KEY,
    message_id text NOT NULL,
    status text NOT NULL,
    at bigint NOT NULL,
    detail text NOT NULL DEFAULT ''
  )`,
  `CREATE INDEX IF NOT EXISTS notification_status_history_by_message ON notification_status_history (message_id, id)`,
  // One answer per logical message, whichever of its links was used: the primary key makes the token single-use.
  `CREATE TABLE IF NOT EXISTS notification_replies (
    logical_id text PRIMARY KEY,
    message_id text NOT NULL,
    reason text NOT NULL,
    text text NOT NULL,
    at bigint NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS notification_settings (
    key text PRIMARY KEY,
    value text NOT NULL
  )`,
];

export async function migrateNotifications(db: Database): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`renshi-notifications-migrate:${db.schema}`]);
    for (const sql of STATEMENTS) await tx.query(sql);
  });
}
