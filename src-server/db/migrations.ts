import type { Database } from './database.ts';

/**
 * Versioned schema migrations, applied in order on start inside one transaction each. An advisory lock
 * keeps two instances starting together from applying the same step twice. Never edit a released step:
 * add a new one.
 */
const MIGRATIONS: { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'documents, auth, conflicts, audit breaks',
    sql: `
      CREATE SEQUENCE doc_server_seq;
      -- Every replicated document of every collection. server_seq is re-stamped on each accepted write and is
      -- the only order checkpoints use.
      CREATE TABLE docs (
        collection text NOT NULL,
        id text NOT NULL,
        data jsonb NOT NULL,
        deleted boolean NOT NULL DEFAULT false,
        site_id text,
        server_seq bigint NOT NULL,
        PRIMARY KEY (collection, id)
      );
      CREATE UNIQUE INDEX docs_by_seq ON docs (collection, server_seq);
      CREATE INDEX docs_by_site_seq ON docs (collection, site_id, server_seq);

      CREATE TABLE users (
        id text PRIMARY KEY,
        username text NOT NULL UNIQUE,
        password_hash text NOT NULL,
        role text NOT NULL,
        site_id text,
        created_at bigint NOT NULL
      );
      CREATE TABLE terminals (
        id text PRIMARY KEY,
        name text NOT NULL,
        site_id text NOT NULL,
        created_at bigint NOT NULL
      );
      -- Opaque bearer tokens, stored only as SHA-256 so a database leak does not leak live tokens.
      CREATE TABLE sessions (
        token_hash text PRIMARY KEY,
        principal_kind text NOT NULL,
        principal_id text NOT NULL,
        created_at bigint NOT NULL,
        expires_at bigint
      );
      CREATE TABLE conflicts (
        id text PRIMARY KEY,
        collection text NOT NULL,
        doc_id text NOT NULL,
        server_state jsonb NOT NULL,
        losing_state jsonb NOT NULL,
        reported_by text NOT NULL,
        created_at bigint NOT NULL,
        status text NOT NULL DEFAULT 'open',
        resolution text,
        resolved_by text,
        resolved_at bigint
      );
      CREATE INDEX conflicts_open ON conflicts (status, created_at);
      CREATE TABLE audit_chain_breaks (
        id bigserial PRIMARY KEY,
        replica_id text NOT NULL,
        seq integer NOT NULL,
        reason text NOT NULL,
        reported_by text NOT NULL,
        detected_at bigint NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'site exits',
    sql: `
      -- When a write moves a document out of a site (an employee transferred), readers bound to the old site
      -- must learn it left: they receive the last state they could see, as deleted, at the write's server_seq.
      CREATE TABLE site_exits (
        collection text NOT NULL,
        id text NOT NULL,
        site_id text NOT NULL,
        server_seq bigint NOT NULL,
        data jsonb NOT NULL,
        PRIMARY KEY (collection, site_id, server_seq, id)
      );
      CREATE INDEX site_exits_by_seq ON site_exits (collection, server_seq);
    `,
  },
  {
    version: 3,
    name: 'login failures',
    sql: `
      -- Failed logins per username, kept in the database so every instance applies the same limit.
      CREATE TABLE login_failures (username text NOT NULL, at bigint NOT NULL);
      CREATE INDEX login_failures_by_user ON login_failures (username, at);
    `,
  },
  {
    version: 4,
    name: 'login failures per address',
    sql: `
      -- Failed logins per client address (password spraying across many usernames). Kept apart from the
      -- per-username rows: a successful login clears those, never these.
      CREATE TABLE login_failures_by_address (address text NOT NULL, at bigint NOT NULL);
      CREATE INDEX login_failures_by_address_at ON login_failures_by_address (address, at);
    `,
  },
];

export async function migrate(db: Database): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`renshi-migrate:${db.schema}`]);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)`);
    const applied = new Set((await tx.query<{ version: number }>(`SELECT version FROM schema_migrations`)).map((r) => Number(r.version)));
    let count = 0;
    for (const m of MIGRATIONS) {
      if (applied.has(m.version)) continue;
      for (const statement of splitStatements(m.sql)) await tx.query(statement);
      await tx.query(`INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`, [m.version, m.name, Date.now()]);
      count++;
    }
    return count;
  });
}

/** Extended-protocol queries take one statement each; migrations contain no semicolons inside statements. */
function splitStatements(sql: string): string[] {
  return sql
    .split(';')
    .map((s) => s.replace(/--[^\n]*\n/g, '\n').trim())
    .filter(Boolean);
}
