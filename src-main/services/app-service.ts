import { hostname } from 'node:os';
import { join } from 'node:path';
import { type AppInfo, TerminalSettings } from '#shared/ipc/contract';
import { newReplicaId, persistentValue, readJsonFile, writeFileAtomic } from './files.ts';
import type { BridgeEventSink, Notifier, Vault } from './types.ts';
import { databaseSecret } from './vault.ts';

export type AppServiceDeps = {
  mode: AppInfo['mode'];
  version: string;
  dataDir: string;
  vault: Vault;
  /** Web mode: RENSHI_DB_SECRET, when set. */
  configuredSecret?: string;
  notifier: Notifier;
  emit: BridgeEventSink;
  /** Seed demo data into an empty local database (demo and test runs). */
  demoData: boolean;
  demoEmployees?: number;
};

/** Terminal-level calls: identity, database secret, local settings, notifications. */
export function createAppService(deps: AppServiceDeps) {
  const settingsPath = join(deps.dataDir, 'settings.json');
  const replicaId = persistentValue(deps.dataDir, 'replica-id', newReplicaId);
  const defaults = TerminalSettings.parse({});
  return {
    async appInfo(): Promise<AppInfo> {
      return { version: deps.version, mode: deps.mode, platform: process.platform, host: hostname().slice(0, 100), dataDir: deps.dataDir, replicaId, demoData: deps.demoData, demoEmployees: deps.demoEmployees ?? 300 };
    },
    async databaseSecret() {
      return { secret: await databaseSecret(deps.vault, deps.configuredSecret) };
    },
    async settingsGet() {
      return readJsonFile(settingsPath, TerminalSettings, defaults);
    },
    async settingsSet(patch: Partial<TerminalSettings>) {
      const next = TerminalSettings.parse({ ...readJsonFile(settingsPath, TerminalSettings, defaults), ...patch });
      writeFileAtomic(settingsPath, JSON.stringify(next, null, 2));
      return next;
    },
    async notify(note: { title: string; body: string; siteId: string | null; id?: string }) {
      deps.emit('notification', { title: note.title, body: note.body, ...(note.id ? { id: note.id } : {}) });
      return { shown: await deps.notifier.show(note) };
    },
  };
}
