import { openEventStream } from '../../../src-renderer/sync/event-stream.ts';

/** Listens to a pull-stream and lets a test wait (bounded) for the event it expects. */
export function listen(url: string, token: string) {
  const events: { name: string; data: any }[] = [];
  const waiters = new Set<() => void>();
  const stream = openEventStream({
    url,
    headers: { authorization: `Bearer ${token}`, 'x-renshi-protocol': '1' },
    fetch,
    onOpen: () => undefined,
    onDown: () => undefined,
    onEvent: (name, data) => {
      events.push({ name, data: JSON.parse(data) });
      for (const w of waiters) w();
    },
  });
  return {
    events,
    waitFor(pred: (e: { name: string; data: any }) => boolean, timeoutMs = 10_000): Promise<{ name: string; data: any }> {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = events.find(pred);
          if (hit) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(hit);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching stream event within ${timeoutMs} ms; got ${JSON.stringify(events.map((e) => e.name))}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => stream.close(),
  };
}
