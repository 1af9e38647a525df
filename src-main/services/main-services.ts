import { join } from 'node:path';
import { TerminalSettings, type AppInfo } from '#shared/ipc/contract';
import { terminalLabel } from '#shared/sync/protocol';
import type { BridgeHandlers } from '../bridge/handlers.ts';
import { createDeviceService } from '../devices/service.ts';
import { createAlertWatcher } from './alert-watcher.ts';
import { createAppService } from './app-service.ts';
import { createEvidenceFiles } from './evidence-files.ts';
import { newSecret } from './files.ts';
import { createPunchRelay } from './punch-relay.ts';
import { createSyncSession, type EmbeddedServer } from './sync-session.ts';
import type { BridgeEventSink, Notifier, Vault } from './types.ts';

export type MainServicesOptions = {
  mode: AppInfo['mode'];
  version: string;
  dataDir: string;
  vault: Vault;
  notifier: Notifier;
  emit: BridgeEventSink;
  /** How many UI pages are listening for events (punch batches wait for one). */
  listeners: () => number;
  demoData: boolean;
  demoEmployees?: number;
  configuredSecret?: string;
  /** Port for the sync server this computer runs in 'embedded' mode (0 = any free port). */
  embeddedServerPort: number;
};

/**
 * Everything the main process serves to the UI, assembled once for both hosts (Electron and the Node web
 * host), so the two cannot drift apart.
 */
export function createMainServices(opts: MainServicesOptions): { handlers: BridgeHandlers; close(): Promise<void> } {
  const app = createAppService(opts);
  const relay = createPunchRelay({ emit: opts.emit, listeners: opts.listeners });
  const devices = createDeviceService({ dataDir: opts.dataDir, onPunches: relay.sink, onStatus: (status) => opts.emit('deviceStatus', status) });
  const { poller: _poller, close: closeDevices, ...deviceHandlers } = devices;

  let embedded: Promise<EmbeddedServer & { close(): Promise<void> }> | null = null;
  const startEmbedded = () => {
    embedded ??= (async () => {
      // Imported lazily: a terminal synced to a remote server never loads the server code.
      const { startServer } = await import('../../src-server/server.ts');
      let adminPassword = await opts.vault.get('embedded-admin-password');
      if (!adminPassword) {
        adminPassword = newSecret();
        await opts.vault.set('embedded-admin-password', adminPassword);
      }
      const server = await startServer({ port: opts.embeddedServerPort, host: '127.0.0.1', dataDir: join(opts.dataDir, 'server'), admin: { username: 'admin', password: adminPassword } });
      return { url: server.url, adminPassword, close: server.close };
    })().catch((err: unknown) => {
      embedded = null; // let a later call retry (e.g. the port was busy)
      throw err;
    });
    return embedded;
  };
  const sync = createSyncSession({
    vault: opts.vault,
    settings: { get: () => app.settingsGet(), set: (patch: Partial<TerminalSettings>) => app.settingsSet(patch) },
    startEmbedded,
  });
  // Background work (alert watcher, evidence file uploads) in 'embedded' mode waits until the UI has started
  // the server, rather than starting it itself.
  const startedSession = async () => ((await app.settingsGet()).serverMode === 'embedded' && !embedded ? null : sync.syncSession());
  // Local notifications of the site's HR alerts.
  const alertWatcher = createAlertWatcher({
    dataDir: opts.dataDir,
    session: startedSession,
    notify: async (note) => (await app.notify(note)).shown || opts.listeners() > 0,
  });
  alertWatcher.start();
  const evidenceFiles = createEvidenceFiles({
    dataDir: opts.dataDir,
    session: startedSession,
    terminal: async () => {
      const info = await app.appInfo();
      return terminalLabel(info.host, info.replicaId);
    },
  });
  evidenceFiles.startRetrying(5 * 60_000);

  return {
    handlers: {
      ...app,
      ...deviceHandlers,
      ...sync,
      punchesAck: async (input) => relay.ack(input),
      evidenceFilePut: async (input) => evidenceFiles.put(input),
      evidenceFileGet: async ({ sha256 }) => {
        const bytes = await evidenceFiles.load(sha256);
        return { found: bytes !== null, contentBase64: bytes ? Buffer.from(bytes).toString('base64') : null };
      },
      evidenceFilesUpload: async () => evidenceFiles.uploadPending(),
      evidenceExport: async (input) => {
        // Imported lazily: pdfkit and the font load only when someone exports a bundle.
        const { writeEvidenceBundle } = await import('../evidence/bundle-writer.ts');
        await evidenceFiles.uploadPending().catch(() => undefined); // a retry of what could not be uploaded before
        const b = await writeEvidenceBundle(input, evidenceFiles.load);
        return { fileName: b.fileName, bytesBase64: Buffer.from(b.bytes).toString('base64'), manifestHash: b.manifest.manifestHash };
      },
    },
    async close() {
      await alertWatcher.stop();
      await evidenceFiles.stopRetrying();
      await closeDevices();
      if (embedded) await (await embedded.catch(() => null))?.close();
    },
  };
}
