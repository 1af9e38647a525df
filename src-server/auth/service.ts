import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { RenshiError } from '#shared/errors';
import { accessMap, seesSensitiveFields, type CreateUserRequest, type LoginResponse, type PrincipalInfo, type RegisterTerminalRequest, type TerminalInfo, type UserInfo } from '#shared/sync/auth';
import type { Queryable } from '../db/database.ts';
import { DUMMY_HASH, hashPassword, verifyPassword } from './password.ts';
import type { Principal } from './principal.ts';
import { authRepository, type UserRow } from './repository.ts';

/** User sessions last a working day and a half; terminal tokens last until revoked. */
const USER_SESSION_MS = 36 * 60 * 60 * 1000;
/** Password guessing: after this many failures within the window, the username is refused until it passes. */
const MAX_FAILURES = 10;
const FAILURE_WINDOW_MS = 15 * 60 * 1000;
/** Password spraying: failures from one client address, whatever the usernames, within the same window.
 *  High enough for a factory office behind one NAT address, low enough to stop trying names wholesale. */
const MAX_ADDRESS_FAILURES = 50;

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');
const newToken = () => randomBytes(32).toString('base64url');

export function describePrincipal(p: Principal): PrincipalInfo {
  return { ...p, access: accessMap(p.role, p.siteId), seesSensitive: seesSensitiveFields(p.role) };
}

const userInfo = (u: UserRow): UserInfo => ({ id: u.id, username: u.username, role: u.role, siteId: u.site_id, createdAt: Number(u.created_at) });

export function authService({ db }: { db: Queryable }) {
  const repo = authRepository(db);
  return {
    /** `address`: the client's address as the server sees it (null: not known, e.g. called in-process). */
    async login({ username, password, now, address = null }: { username: string; password: string; now: number; address?: string | null }): Promise<LoginResponse> {
      if (address !== null && (await repo.recentAddressFailures(address, now - FAILURE_WINDOW_MS)) >= MAX_ADDRESS_FAILURES) {
        throw new RenshiError('rate-limited', 'too many failed logins from this address; try again in 15 minutes');
      }
      if ((await repo.recentFailures(username, now - FAILURE_WINDOW_MS)) >= MAX_FAILURES) {
        throw new RenshiError('rate-limited', 'too many failed logins for this user; try again in 15 minutes');
      }
      const user = await repo.userByName(username);
      const ok = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH);
      if (!user || !ok) {
        await repo.recordFailure(username, now, now - FAILURE_WINDOW_MS);
        if (address !== null) await repo.recordAddressFailure(address, now, now - FAILURE_WINDOW_MS);
        throw new RenshiError('unauthorized', 'wrong username or password');
      }
      await repo.clearFailures(username);
      const token = newToken();
      const expiresAt = now + USER_SESSION_MS;
      await repo.insertSession({ tokenHash: tokenHash(token), kind: 'user', principalId: user.id, createdAt: now, expiresAt });
      const principal: Principal = { kind: 'user', id: user.id, name: user.username, role: user.role, siteId: user.site_id };
      return { token, expiresAt, principal: describePrincipal(principal) };
    },

    async logout(token: string): Promise<void> {
      await repo.deleteSession(tokenHash(token));
    },

    /** The principal behind a bearer token, or null when the token is unknown or expired. */
    async authenticate({ token, now }: { token: string; now: number }): Promise<Principal | null> {
      const row = await repo.sessionPrincipal(tokenHash(token));
      if (!row || (row.expires_at !== null && Number(row.expires_at) <= now)) return null;
      if (row.principal_kind === 'user' && row.username && row.role) {
        return { kind: 'user', id: row.principal_id, name: row.username, role: row.role, siteId: row.user_site };
      }
      if (row.principal_kind === 'terminal' && row.terminal_name && row.terminal_site) {
        return { kind: 'terminal', id: row.principal_id, name: row.terminal_name, role: 'terminal', siteId: row.terminal_site };
      }
      return null;
    },

    async createUser({ input, now }: { input: CreateUserRequest; now: number }): Promise<UserInfo> {
      if (await repo.userByName(input.username)) throw new RenshiError('conflict', `user ${input.username} already exists`);
      const row: UserRow = {
        id: randomUUID(),
        username: input.username,
        password_hash: await hashPassword(input.password),
        role: input.role,
        site_id: input.role === 'admin' || input.role === 'hr' ? null : input.siteId,
        created_at: now,
      };
      if (!(await repo.insertUser(row))) throw new RenshiError('conflict', `user ${input.username} already exists`);
      return userInfo(row);
    },

    async listUsers(): Promise<UserInfo[]> {
      return (await repo.listUsers()).map(userInfo);
    },

    async registerTerminal({ input, now }: { input: RegisterTerminalRequest; now: number }): Promise<{ terminal: TerminalInfo; token: string }> {
      const terminal: TerminalInfo = { id: randomUUID(), name: input.name, siteId: input.siteId, createdAt: now };
      await repo.insertTerminal({ id: terminal.id, name: terminal.name, site_id: terminal.siteId, created_at: now });
      const token = newToken();
      await repo.insertSession({ tokenHash: tokenHash(token), kind: 'terminal', principalId: terminal.id, createdAt: now, expiresAt: null });
      return { terminal, token };
    },

    async revokeTerminal(id: string): Promise<void> {
      if (!(await repo.deleteTerminal(id))) throw new RenshiError('not-found', `no terminal ${id}`);
    },

    async listTerminals(): Promise<TerminalInfo[]> {
      return (await repo.listTerminals()).map((t) => ({ id: t.id, name: t.name, siteId: t.site_id, createdAt: Number(t.created_at) }));
    },

    /** First start: create the admin account. Returns the password when it was generated here. */
    async ensureAdmin({ username, password, now }: { username: string; password?: string; now: number }): Promise<{ created: boolean; generatedPassword?: string }> {
      if ((await repo.countUsers()) > 0) return { created: false };
      const chosen = password ?? randomBytes(12).toString('base64url');
      try {
        await this.createUser({ input: { username, password: chosen, role: 'admin', siteId: null }, now });
      } catch (err) {
        // Another instance starting at the same moment created it first.
        if (err instanceof RenshiError && err.code === 'conflict') return { created: false };
        throw err;
      }
      return password ? { created: true } : { created: true, generatedPassword: chosen };
    },
  };
}
export type AuthService = ReturnType<typeof authService>;
