import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { openEventStream } from '../../src-renderer/sync/event-stream.ts';

/**
 * The client's SSE reader against a real socket that splits events at awkward places, uses CRLF, comments
 * and multi-line data, then drops the connection: every event arrives whole and the reader reconnects.
 */
let server: Server;
let url: string;
let connections = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    connections++;
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const chunks = [': hello\r\n\r\nevent: resync\r\ndata: {"type":"resync"}\r\n\r\n', 'event: changes\ndata: {"a":', '1}\n\ndata: line one\ndata: line two\n', '\n'];
    let i = 0;
    const timer = setInterval(() => {
      if (i < chunks.length) res.write(chunks[i++]);
      else {
        clearInterval(timer);
        res.end(); // drop: the reader must come back
      }
    }, 10);
    req.on('close', () => clearInterval(timer));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

test('events survive chunking, CRLF, comments and multi-line data; a dropped stream reconnects', async () => {
  const events: [string, string][] = [];
  let opens = 0;
  let downs = 0;
  const stream = openEventStream({
    url,
    headers: () => ({ authorization: 'Bearer x' }),
    fetch,
    retryBaseMs: 20,
    onOpen: () => opens++,
    onDown: () => downs++,
    onEvent: (name, data) => events.push([name, data]),
  });
  try {
    await expect.poll(() => opens, { timeout: 5_000 }).toBeGreaterThanOrEqual(2);
    expect(downs).toBeGreaterThanOrEqual(1);
    expect(events.slice(0, 3)).toEqual([
      ['resync', '{"type":"resync"}'],
      ['changes', '{"a":1}'],
      ['message', 'line one\nline two'],
    ]);
  } finally {
    stream.close();
  }
  const seen = connections;
  await new Promise((r) => setTimeout(r, 200));
  expect(connections).toBe(seen); // closed means closed: no reconnect after close()
});
