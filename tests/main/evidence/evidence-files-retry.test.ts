import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { createEvidenceFiles, type FileServer } from '../../../src-main/services/evidence-files.ts';

/** A file attached while the server was out of reach goes up on the retry timer once it answers, with nobody asking. */
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

test('pending uploads are retried on a timer until the server takes them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'renshi-evidence-retry-'));
  dirs.push(dir);
  let reachable = false;
  const received: string[] = [];
  const fakeFetch = (async (url: URL | string, init?: RequestInit) => {
    if (!reachable) throw new TypeError('fetch failed');
    const bytes = new Uint8Array(init!.body as ArrayBuffer);
    received.push(`${String(url)} ${createHash('sha256').update(bytes).digest('hex')}`);
    return new Response('{}', { status: 200 });
  }) as typeof fetch;
  const session = async (): Promise<FileServer> => ({ serverUrl: 'http://server.test', token: 't' });
  const files = createEvidenceFiles({ dataDir: dir, session, fetch: fakeFetch });

  const bytes = new TextEncoder().encode('离线时拍的现场照片');
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const put = await files.put({ sha256, contentBase64: Buffer.from(bytes).toString('base64') });
  expect(put).toMatchObject({ uploaded: false, pendingUploads: 1 });

  files.startRetrying(20);
  await new Promise((r) => setTimeout(r, 80));
  expect(received).toEqual([]); // still unreachable: kept pending
  reachable = true;
  await expect.poll(() => received.length, { timeout: 2000, interval: 20 }).toBe(1);
  expect(received[0]).toBe(`http://server.test/files/${sha256} ${sha256}`);
  await new Promise((r) => setTimeout(r, 80));
  expect(received).toHaveLength(1); // nothing pending any more: nothing sent again
  expect(await files.uploadPending()).toEqual({ uploaded: 0, pending: 0 });
  await files.stopRetrying();
});
