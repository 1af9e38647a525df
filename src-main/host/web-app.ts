import { readFileSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BridgeHandlers } from '../bridge/handlers.ts';
import { createDeviceService } from '../devices/service.ts';
import { createAppService } from '../services/app-service.ts';
import { createPunchRelay } from '../services/punch-relay.ts';
import { configuredSecretStore, consoleNotifier } from './node-platform.ts';
import { createEventHub, startWebHost, type WebHost } from './web-host.ts';

export type WebAppOptions = { port?: number; dataDir: string; staticDir?: string; demoData?: boolean; demoEmployees?: number };

/** Everything the desktop app's main process runs, hosted in plain Node for a browser. */
export async function startWebApp(opts: WebAppOptions): Promise<WebHost> {
  const dataDir = resolve(opts.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const hub = createEventHub();
  const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  const app = createAppService({
    mode: 'web',
    version,
    dataDir,
    secrets: configuredSecretStore(dataDir),
    notifier: consoleNotifier(() => hub.clients.size),
    emit: hub.emit,
    demoData: opts.demoData ?? false,
    demoEmployees: opts.demoEmployees,
  });
  const relay = createPunchRelay({ emit: hub.emit, listeners: () => hub.clients.size });
  const devices = createDeviceService({ dataDir, onPunches: relay.sink, onStatus: (status) => hub.emit('deviceStatus', status) });
  const { poller: _poller, close: closeDevices, ...deviceHandlers } = devices;
  const handlers: BridgeHandlers = { ...app, ...deviceHandlers, punchesAck: async (input) => relay.ack(input) };
  const host = await startWebHost({ port: opts.port ?? 0, staticDir: opts.staticDir ?? resolve('dist-web'), handlers, hub });
  return { ...host, close: async () => { await closeDevices(); await host.close(); } };
}
