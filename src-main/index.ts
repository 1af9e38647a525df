import { app, BrowserWindow } from 'electron';
import { join } from 'node:path';
import { emitTo, registerIpc } from './ipc.ts';
import { applySessionSecurity, enforceSingleInstance, lockDownContents } from './security.ts';
import { keychainCipher, osNotifier } from './services/electron-platform.ts';
import { createMainServices } from './services/main-services.ts';
import { fileVault } from './services/vault.ts';

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
  const services = createMainServices({
    mode: 'desktop',
    version: app.getVersion(),
    dataDir,
    vault: fileVault(dataDir, keychainCipher),
    notifier: osNotifier(),
    emit: (event, payload) => emitTo(mainWindow, event, payload),
    listeners: () => (mainWindow ? 1 : 0),
    demoData: process.env.RENSHI_DEMO === '1' || !app.isPackaged,
    demoEmployees: Number(process.env.RENSHI_DEMO_EMPLOYEES ?? 300),
    embeddedServerPort: Number(process.env.RENSHI_SERVER_PORT ?? 8787),
  });
  app.on('before-quit', () => void services.close());
  const handlers = services.handlers;
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
