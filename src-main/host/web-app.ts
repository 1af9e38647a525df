import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createMainServices } from '../services/main-services.ts';
import { fileVault } from '../services/vault.ts';
import { consoleNotifier } from './node-platform.ts';
import { createEventHub, startWebHost, type WebHost } from './web-host.ts';

export type WebAppOptions = {
  port?: number;
  dataDir: string;
  staticDir?: string;
  demoData?: boolean;
  demoEmployees?: number;
  /** Port of the sync server run in 'embedded' mode; default any free port. */
  embeddedServerPort?: number;
};

/** Everything the desktop app's main process runs, hosted in plain Node for a browser. */
export async function startWebApp(opts: WebAppOptions): Promise<WebHost> {
  const dataDir = resolve(opts.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const hub = createEventHub();
  const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  const services = createMainServices({
    mode: 'web',
    version,
    dataDir,
    vault: fileVault(dataDir),
    configuredSecret: process.env.RENSHI_DB_SECRET,
    notifier: consoleNotifier(() => hub.clients.size),
    emit: hub.emit,
    listeners: () => hub.clients.size,
    demoData: opts.demoData ?? false,
    demoEmployees: opts.demoEmployees,
    embeddedServerPort: opts.embeddedServerPort ?? 0,
  });
  const host = await startWebHost({ port: opts.port ?? 0, staticDir: opts.staticDir ?? resolve('dist-web'), handlers: services.handlers, hub });
  return {
    ...host,
    close: async () => {
      await host.close();
      await services.close();
    },
  };
}
