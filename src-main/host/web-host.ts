import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { dispatch } from '../bridge/dispatch.ts';
import type { BridgeHandlers } from '../bridge/handlers.ts';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
};
const MAX_BODY_BYTES = 32 * 1024 * 1024; // USB exports and spreadsheets arrive base64-encoded

/**
 * Serves the built renderer and the bridge contract over HTTP, so the same UI and main-process services
 * run in a browser: `POST /bridge/<call>` (JSON in, Result JSON out) and `GET /bridge/events` (SSE).
 * Listens on loopback only: this is one operator's terminal, not a network service.
 */
export type WebHost = { server: Server; url: string; emit: (event: string, payload: unknown) => void; subscribers: () => number; close: () => Promise<void> };

export function createEventHub() {
  const clients = new Set<ServerResponse>();
  return {
    clients,
    emit(event: string, payload: unknown) {
      const line = `data: ${JSON.stringify({ event, payload })}\n\n`;
      for (const c of clients) c.write(line);
    },
  };
}

export async function startWebHost(opts: {
  port: number;
  staticDir: string;
  handlers: BridgeHandlers;
  hub: ReturnType<typeof createEventHub>;
  host?: string;
}): Promise<WebHost> {
  const root = resolve(opts.staticDir);
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(err));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/bridge/events' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      res.write(': connected\n\n');
      opts.hub.clients.add(res);
      req.on('close', () => opts.hub.clients.delete(res));
      return;
    }
    if (url.pathname.startsWith('/bridge/')) {
      if (req.method !== 'POST') return sendJson(res, 405, { ok: false, error: { code: 'validation-failed', message: 'bridge calls are POST' } });
      const body = await readBody(req);
      if (body === null) return sendJson(res, 413, { ok: false, error: { code: 'validation-failed', message: 'request body too large' } });
      let input: unknown;
      try {
        input = body.length ? JSON.parse(body) : {};
      } catch {
        return sendJson(res, 400, { ok: false, error: { code: 'validation-failed', message: 'request body is not valid JSON' } });
      }
      const result = await dispatch(opts.handlers, url.pathname.slice('/bridge/'.length), input);
      return sendJson(res, 200, result);
    }
    return serveStatic(url.pathname, res);
  }

  function serveStatic(pathname: string, res: ServerResponse) {
    const rel = normalize(decodeURIComponent(pathname)).replace(/^(\.\.[/\\])+/, '');
    let file = join(root, rel);
    if (!file.startsWith(root) || !existsSync(file) || statSync(file).isDirectory()) file = join(root, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('UI not built: run `npm run build:web` first.');
      return;
    }
    res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' });
    createReadStream(file).pipe(res);
  }

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => ok());
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    emit: opts.hub.emit,
    subscribers: () => opts.hub.clients.size,
    close: () =>
      new Promise<void>((ok) => {
        for (const c of opts.hub.clients) c.end();
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((ok, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        ok(null);
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => ok(Buffer.concat(chunks).toString('utf8')));
    req.on('error', fail);
  });
}
