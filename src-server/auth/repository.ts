import type { Queryable } from '../db/database.ts';
import type { Role } from '#shared/sync/auth';

export type UserRow = { id: string; username: string; password_hash: string; role: Role; site_id: string | null; created_at: number };
export type TerminalRow = { id: string; name: string; site_id: string; created_at: number };
export type SessionPrincipalRow = {
  principal_kind: 'user' | 'terminal';
  principal_id: string;
  expires_at: number | null;
  username: string | null;
  role: Role | null;
  user_site: string | null;
  terminal_name: string | null;
  terminal_site: string | null;
};

export function authRepository(db: Queryable) {
  return {
    async userByName(username: string): Promise<UserRow | null> {
      const rows = await db.query<UserRow>(`SELECT * FROM users WHERE username = $1`, [username]);
      return rows[0] ?? null;
    },
    async countUsers(): Promise<number> {
      const rows = await db.query<{ n: string | number }>(`SELECT count(*) AS n FROM users`);
      return Number(rows[0]?.n ?? 0);
    },
    /** False when the username is taken (checked by the database, so two instances cannot both insert). */
    async insertUser(u: UserRow): Promise<boolean> {
      const rows = await db.query(
        `INSERT INTO users (id, username, password_hash, role, site_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (username) DO NOTHING RETURNING id`,
        [
        u.id, u.username, u.password_hash, u.role, u.site_id, u.created_at,
      ]);
      return rows.length === 1;
    },
    async listUsers(): Promise<UserRow[]> {
      return db.query<UserRow>(`SELECT * FROM users ORDER BY username`);
    },
    async insertTerminal(t: TerminalRow): Promise<void> {
      await db.query(`INSERT INTO terminals (id, name, site_id, created_at) VALUES ($1, $2, $3, $4)`, [t.id, t.name, t.site_id, t.created_at]);
    },
    async listTerminals(): Promise<TerminalRow[]> {
      return db.query<TerminalRow>(`SELECT * FROM terminals ORDER BY name`);
    },
    async insertSession(s: { tokenHash: string; kind: 'user' | 'terminal'; principalId: string; createdAt: number; expiresAt: number | null }): Promise<void> {
      await db.query(`INSERT INTO sessions (token_hash, principal_kind, principal_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`, [
        s.tokenHash, s.kind, s.principalId, s.createdAt, s.expiresAt,
      ]);
    },
    async recentFailures(username: string, since: number): Promise<number> {
      const rows = await db.query<{ n: string | number }>(`SELECT count(*) AS n FROM login_failures WHERE username = $1 AND at > $2`, [username, since]);
      return Number(rows[0]?.n ?? 0);
    },
    async recordFailure(username: string, at: number, forgetBefore: number): Promise<void> {
      await db.query(`DELETE FROM login_failures WHERE at < $1`, [forgetBefore]);
      await db.query(`INSERT INTO login_failures (username, at) VALUES ($1, $2)`, [username, at]);
    },
    async recentAddressFailures(address: string, since: number): Promise<number> {
      const rows = await db.query<{ n: string | number }>(`SELECT count(*) AS n FROM login_failures_by_address WHERE address = $1 AND at > $2`, [address, since]);
      return Number(rows[0]?.n ?? 0);
    },
    async recordAddressFailure(address: string, at: number, forgetBefore: number): Promise<void> {
      await db.query(`DELETE FROM login_failures_by_address WHERE at < $1`, [forgetBefore]);
      await db.query(`INSERT INTO login_failures_by_address (address, at) VALUES ($1, $2)`, [address, at]);
    },
    async clearFailures(username: string): Promise<void> {
      await db.query(`DELETE FROM login_failures WHERE username = $1`, [username]);
    },
    /** Removes a terminal and every token it holds; false when there was no such terminal. */
    async deleteTerminal(id: string): Promise<boolean> {
      await db.query(`DELETE FROM sessions WHERE principal_kind = 'terminal' AND principal_id = $1`, [id]);
      const rows = await db.query(`DELETE FROM terminals WHERE id = $1 RETURNING id`, [id]);
      return rows.length === 1;
    },
    async deleteSession(tokenHash: string): Promise<void> {
      await db.query(`DELETE FROM sessions WHERE token_hash = $1`, [tokenHash]);
    },
    async sessionPrincipal(tokenHash: string): Promise<SessionPrincipalRow | null> {
      const rows = await db.query<SessionPrincipalRow>(
        `SELECT s.principal_kind, s.principal_id, s.expires_at, u.username, u.role, u.site_id AS user_site,
                t.name AS terminal_name, t.site_id AS terminal_site
           FROM sessions s
           LEFT JOIN users u ON s.principal_kind = 'user' AND u.id = s.principal_id
           LEFT JOIN terminals t ON s.principal_kind = 'terminal' AND t.id = s.principal_id
          WHERE s.token_hash = $1`,
        [tokenHash],
      );
      return rows[0] ?? null;
    },
  };
}
