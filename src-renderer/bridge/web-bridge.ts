import { BRIDGE_CALLS, type BridgeEventName, type RenshiApi } from '#shared/ipc/contract';
import { RenshiError, type Result } from '#shared/errors';

/**
 * The same `window.renshi` contract as Electron's preload, spoken over HTTP to the Node web host:
 * `POST /bridge/<call>` with the JSON input, events over one Server-Sent Events stream.
 */
export function createWebBridge(baseUrl = ''): RenshiApi {
  const api: Record<string, unknown> = {};
  for (const call of BRIDGE_CALLS) {
    api[call] = async (input: unknown) => {
      const res = await fetch(`${baseUrl}/bridge/${call}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(input ?? {}),
      });
      const result = (await res.json()) as Result<unknown>;
      if (!result.ok) throw new RenshiError(result.error.code, result.error.message, result.error.details);
      return result.data;
    };
  }
  let source: EventSource | null = null;
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  api.on = (event: BridgeEventName, cb: (payload: unknown) => void) => {
    if (!source) {
      source = new EventSource(`${baseUrl}/bridge/events`);
      source.onmessage = (msg) => {
        const { event: name, payload } = JSON.parse(msg.data) as { event: string; payload: unknown };
        listeners.get(name)?.forEach((fn) => fn(payload));
      };
    }
    const set = listeners.get(event) ?? new Set();
    set.add(cb);
    listeners.set(event, set);
    return () => set.delete(cb);
  };
  return api as RenshiApi;
}

/** Electron's preload sets window.renshi; in a plain browser we talk to the web host. */
export function getBridge(): RenshiApi {
  const w = window as unknown as { renshi?: RenshiApi };
  if (!w.renshi) w.renshi = createWebBridge();
  return w.renshi;
}
