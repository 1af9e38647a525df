import { contextBridge, ipcRenderer } from 'electron';
import { BRIDGE_CALLS, type RenshiApi } from '#shared/ipc/contract';

// A narrow, fail-closed preload: exactly the contract's calls under `window.renshi`, no generic invoke.
// Results come back as {ok, data} | {ok: false, error}; errors are rethrown with their stable code.
const api: Record<string, unknown> = {};
for (const call of BRIDGE_CALLS) {
  api[call] = async (input: unknown) => {
    const result = (await ipcRenderer.invoke(`renshi:${call}`, input ?? {})) as
      | { ok: true; data: unknown }
      | { ok: false; error: { code: string; message: string; details?: unknown } };
    if (result.ok) return result.data;
    throw Object.assign(new Error(result.error.message), { name: 'RenshiError', code: result.error.code, details: result.error.details });
  };
}
const listeners = new Map<string, Set<(payload: unknown) => void>>();
ipcRenderer.on('renshi:event', (_e, msg: { event: string; payload: unknown }) => {
  listeners.get(msg.event)?.forEach((cb) => cb(msg.payload));
});
api.on = (event: string, cb: (payload: unknown) => void) => {
  const set = listeners.get(event) ?? new Set();
  set.add(cb);
  listeners.set(event, set);
  return () => set.delete(cb);
};

contextBridge.exposeInMainWorld('renshi', api as RenshiApi);
