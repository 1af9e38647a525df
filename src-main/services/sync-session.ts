import { LoginResponse } from '#shared/sync/auth';
import type { SyncSession, TerminalSettings } from '#shared/ipc/contract';
import { RenshiError } from '#shared/errors';
import type { Vault } from './types.ts';

export type EmbeddedServer = { url: string; adminPassword: string };

export type SyncSessionDeps = {
  vault: Vault;
  settings: { get(): Promise<TerminalSettings>; set(patch: Partial<TerminalSettings>): Promise<TerminalSettings> };
  /** Starts (once) the sync server on this computer and returns how to reach it as admin. */
  startEmbedded: () => Promise<EmbeddedServer>;
  fetch?: typeof fetch;
};

const TOKEN = 'sync-token';

/**
 * Keeps this terminal signed in to its sync server. Tokens live in the vault (the OS keychain on the
 * desktop), never in the renderer's storage; the UI asks for the session when it starts replication.
 */
export function createSyncSession(deps: SyncSessionDeps) {
  const fetchFn = deps.fetch ?? fetch;

  async function login(serverUrl: string, username: string, password: string) {
    let res: Response;
    try {
      res = await fetchFn(new URL('/auth/login', serverUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (err) {
      throw new RenshiError('device-unreachable', `sync server ${serverUrl} did not answer: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (res.status === 401 || res.status === 403) throw new RenshiError('unauthorized', 'wrong username or password');
    if (!res.ok) throw new RenshiError('internal', `sync server answered ${res.status}`);
    return LoginResponse.parse(await res.json());
  }

  async function stored(): Promise<{ serverUrl: string; login: LoginResponse } | null> {
    const raw = await deps.vault.get(TOKEN);
    if (!raw) return null;
    try {
      const v = JSON.parse(raw) as { serverUrl: string; login: unknown };
      return { serverUrl: v.serverUrl, login: LoginResponse.parse(v.login) };
    } catch {
      return null;
    }
  }

  const session = (mode: SyncSession['mode'], serverUrl: string | null, login: LoginResponse | null, problem: string | null): SyncSession => ({
    mode,
    serverUrl,
    token: login?.token ?? null,
    principal: login?.principal ?? null,
    problem,
  });

  return {
    async syncSession(): Promise<SyncSession> {
      const settings = await deps.settings.get();
      if (settings.serverMode === 'offline') return session('offline', null, null, null);
      const saved = await stored();
      const valid = saved && (saved.login.expiresAt === null || saved.login.expiresAt > Date.now() + 60_000);
      if (settings.serverMode === 'remote') {
        if (!settings.serverUrl) return session('remote', null, null, 'no server configured');
        if (valid && saved.serverUrl === settings.serverUrl) return session('remote', saved.serverUrl, saved.login, null);
        return session('remote', settings.serverUrl, null, 'sign-in required');
      }
      try {
        const embedded = await deps.startEmbedded();
        if (valid && saved.serverUrl === embedded.url) return session('embedded', embedded.url, saved.login, null);
        const fresh = await login(embedded.url, 'admin', embedded.adminPassword);
        await deps.vault.set(TOKEN, JSON.stringify({ serverUrl: embedded.url, login: fresh }));
        return session('embedded', embedded.url, fresh, null);
      } catch (err) {
        return session('embedded', null, null, err instanceof Error ? err.message : String(err));
      }
    },

    async syncLogin(input: { serverUrl: string; username: string; password: string }): Promise<SyncSession> {
      const fresh = await login(input.serverUrl, input.username, input.password);
      await deps.vault.set(TOKEN, JSON.stringify({ serverUrl: input.serverUrl, login: fresh }));
      await deps.settings.set({ serverMode: 'remote', serverUrl: input.serverUrl });
      return session('remote', input.serverUrl, fresh, null);
    },

    async syncLogout(): Promise<SyncSession> {
      await deps.vault.set(TOKEN, null);
      const settings = await deps.settings.get();
      return session(settings.serverMode, settings.serverUrl, null, 'signed out');
    },
  };
}
