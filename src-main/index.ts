import { app, BrowserWindow } from 'electron';
import { join } from 'node:path';
import type { BridgeHandlers } from './bridge/handlers.ts';
import { emitTo, registerIpc } from './ipc.ts';
import { applySessionSecurity, enforceSingleInstance, lockDownContents } from './security.ts';
import { createDeviceService } from './devices/service.ts';
import { createAppService } from './services/app-service.ts';
import { createPunchRelay } from './services/punch-relay.ts';
import { keychainSecretStore, osNotifier } from './services/electron-platform.ts';

// The Electron shell stays thin: it creates the window, wires platform pieces (keychain, OS
// notifications) into the same services the web host runs, and exposes them over typed IPC.
let mainWindow: BrowserWindow | null = null;
const rendererUrl = process.env.ELECTRON_RENDERER_URL; // set by electron-vite in dev

if (!enforceSingleInstance()) app.quit();

app.on('second-instance', () => {
  if (mainWindow?.isMinimized()) mainWindow.restore();
  mainWindow?.focus();
});

app.whenReady().then(() => {
  applySessionSecurity();
  const dataDir = app.getPath('userData');
  const appService = createAppService({
    mode: 'desktop',
    version: app.getVersion(),
    dataDir,
    secrets: keychainSecretStore(dataDir),
    notifier: osNotifier(),
    emit: (event, payload) => emitTo(mainWindow, event, payload),
    demoData: process.env.RENSHI_DEMO === '1' || !app.isPackaged,
    demoEmployees: Number(process.env.RENSHI_DEMO_EMPLOYEES ?? 300),
  });
  const relay = createPunchRelay({ emit: (event, payload) => emitTo(mainWindow, event, payload), listeners: () => (mainWindow ? 1 : 0) });
  const devices = createDeviceService({ dataDir, onPunches: relay.sink, onStatus: (status) => emitTo(mainWindow, 'deviceStatus', status) });
  const { poller: _poller, close: closeDevices, ...deviceHandlers } = devices;
  app.on('before-quit', () => void closeDevices());
  const handlers: BridgeHandlers = { ...appService, ...deviceHandlers, punchesAck: async (input) => relay.ack(input) };
  registerIpc(handlers, rendererUrl);
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

function createWindow() {
  mainWindow = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 1024,
    minHeight: 640,
    title: '人事 Renshi',
    show: false,
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  lockDownContents(mainWindow.webContents, rendererUrl);
  mainWindow.once('ready-to-show', () => mainWindow?.show());
  mainWindow.on('closed', () => (mainWindow = null));
  if (rendererUrl) void mainWindow.loadURL(rendererUrl);
  else void mainWindow.loadFile(join(import.meta.dirname, '../renderer/index.html'));
}
