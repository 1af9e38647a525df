import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { BRIDGE_CALLS } from '#shared/ipc/contract';
import { dispatch } from './bridge/dispatch.ts';
import type { BridgeHandlers } from './bridge/handlers.ts';
import { isAppUrl } from './security.ts';

export const ipcChannel = (call: string) => `renshi:${call}`;

/**
 * Registers one IPC handler per bridge call. Calls from any frame other than our own app page are
 * refused; every input is parsed by the call's zod schema inside `dispatch`.
 */
export function registerIpc(handlers: BridgeHandlers, rendererUrl: string | undefined): void {
  for (const call of BRIDGE_CALLS) {
    ipcMain.handle(ipcChannel(call), (event: IpcMainInvokeEvent, input: unknown) => {
      const frameUrl = event.senderFrame?.url ?? '';
      if (!isAppUrl(frameUrl, rendererUrl)) {
        return { ok: false, error: { code: 'forbidden', message: 'bridge call from an untrusted frame' } };
      }
      return dispatch(handlers, call, input);
    });
  }
}

export function emitTo(window: BrowserWindow | null, event: string, payload: unknown): void {
  window?.webContents.send('renshi:event', { event, payload });
}
