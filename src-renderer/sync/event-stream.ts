/**
 * Server-Sent Events over fetch. The browser's EventSource cannot send an Authorization header and does
 * not exist in Node 20, while a streamed fetch works in Chromium, Electron and Node alike. Reconnects with
 * exponential backoff until closed; `onOpen` fires on every (re)connect so the caller can re-sync.
 */
export type EventStreamOptions = {
  url: string;
  /** Read on every (re)connect, so a refreshed token is used. */
  headers: Record<string, string> | (() => Record<string, string>);
  fetch: typeof fetch;
  onOpen: () => void;
  onEvent: (name: string, data: string) => void;
  onDown: (error: unknown) => void;
  retryBaseMs?: number;
  retryMaxMs?: number;
};

export function openEventStream(opts: EventStreamOptions): { close(): void } {
  const base = opts.retryBaseMs ?? 500;
  const max = opts.retryMaxMs ?? 30_000;
  let closed = false;
  let controller: AbortController | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let failures = 0;

  const connectOnce = async (): Promise<void> => {
    controller = new AbortController();
    const headers = typeof opts.headers === 'function' ? opts.headers() : opts.headers;
    const res = await opts.fetch(opts.url, { headers: { ...headers, accept: 'text/event-stream' }, signal: controller.signal });
    if (!res.ok || !res.body) throw Object.assign(new Error(`event stream answered ${res.status}`), { status: res.status });
    failures = 0;
    opts.onOpen();
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let name = 'message';
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) continue; // heartbeat comment
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'event') name = value;
          else if (field === 'data') data.push(value);
        }
        if (data.length) opts.onEvent(name, data.join('\n'));
      }
    }
    throw new Error('event stream ended');
  };

  const loop = (): void => {
    if (closed) return;
    connectOnce().catch((err) => {
      if (closed) return;
      opts.onDown(err);
      const delay = Math.min(base * 2 ** failures, max) * (0.75 + Math.random() * 0.5);
      failures++;
      timer = setTimeout(loop, delay);
    });
  };
  loop();

  return {
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      controller?.abort();
    },
  };
}
