import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { EVIDENCE_FILE_MAX_BYTES } from '#shared/evidence/evidence-file';
import { verifyBundle } from '#shared/evidence/verify-bundle';
import { readBundleZip } from '../../../src-main/evidence/bundle-writer.ts';
import { startWebApp } from '../../../src-main/host/web-app.ts';
import type { WebHost } from '../../../src-main/host/web-host.ts';
import { ADMIN, startTestServer } from '../../server/support/backends.ts';
import { buildFixture, UNION_REPLY } from '../../shared/evidence/bundle-fixture';

/**
 * Evidence files through the real bridge (web host, the handlers Electron uses) and a real sync server:
 * terminal A attaches a file while it cannot reach the server (kept, pending), uploads it once signed in;
 * terminal B, which never saw the file, fetches it and exports a bundle holding it.
 */
let server: Awaited<ReturnType<typeof startTestServer>>;
let a: WebHost;
let b: WebHost;
let dir: string;
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

async function call<T = unknown>(host: WebHost, name: string, body: unknown = {}): Promise<{ ok: boolean; data: T; error: { code: string; message: string } }> {
  const res = await fetch(`${host.url}/bridge/${name}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(60_000) });
  return (await res.json()) as never;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'renshi-evidence-files-'));
  const staticDir = join(dir, 'static');
  mkdirSync(staticDir);
  writeFileSync(join(staticDir, 'index.html'), '<html>app</html>');
  server = await startTestServer('pglite');
  a = await startWebApp({ port: 0, dataDir: join(dir, 'a'), staticDir, demoData: false });
  b = await startWebApp({ port: 0, dataDir: join(dir, 'b'), staticDir, demoData: false });
}, 60_000);
afterAll(async () => {
  await a?.close();
  await b?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('evidence files over the bridge', () => {
  test('kept content-addressed while the server is out of reach, uploaded on the next retry, fetched and bundled by another terminal', async () => {
    const name = sha(UNION_REPLY);
    // A has not started or signed in to any server: the file is kept and waits.
    const put = await call<{ sha256: string; bytes: number; uploaded: boolean; pendingUploads: number }>(a, 'evidenceFilePut', { sha256: name, contentBase64: b64(UNION_REPLY) });
    expect(put).toMatchObject({ ok: true, data: { sha256: name, bytes: UNION_REPLY.length, uploaded: false, pendingUploads: 1 } });
    expect(readdirSync(join(dir, 'a', 'evidence-files', name.slice(0, 2)))).toEqual([name]);
    expect(await call(a, 'evidenceFileGet', { sha256: name })).toMatchObject({ ok: true, data: { found: true, contentBase64: b64(UNION_REPLY) } });
    expect((await fetch(`${server.url}/files/${name}`)).status).toBe(401); // nothing reached the server yet

    // Connection back (signed in): the retry uploads it.
    expect((await call(a, 'syncLogin', { serverUrl: server.url, ...ADMIN })).ok).toBe(true);
    expect(await call(a, 'evidenceFilesUpload')).toMatchObject({ ok: true, data: { uploaded: 1, pending: 0 } });

    // B never saw the file: it comes from the server, and B's bundle holds it and verifies.
    expect((await call(b, 'evidenceFileGet', { sha256: name })).data).toEqual({ found: false, contentBase64: null });
    expect((await call(b, 'syncLogin', { serverUrl: server.url, ...ADMIN })).ok).toBe(true);
    expect((await call(b, 'evidenceFileGet', { sha256: name })).data).toEqual({ found: true, contentBase64: b64(UNION_REPLY) });
    const { input } = await buildFixture();
    const out = await call<{ bytesBase64: string }>(b, 'evidenceExport', input);
    expect(out.ok).toBe(true);
    const files = readBundleZip(new Uint8Array(Buffer.from(out.data.bytesBase64, 'base64')));
    expect(files.get(`attachments/${name}-file.txt`)).toEqual(UNION_REPLY);
    const v = await verifyBundle(files);
    expect(v.checks.filter((c) => !c.ok || c.warning)).toEqual([]);
    expect(v.manifest?.missingAttachments).toEqual([]);
  }, 120_000);

  test('an attached file uploads at once when the server is reachable', async () => {
    const bytes = new TextEncoder().encode('聊天截图（占位）');
    const put = await call(a, 'evidenceFilePut', { sha256: sha(bytes), contentBase64: b64(bytes) });
    expect(put).toMatchObject({ ok: true, data: { uploaded: true, pendingUploads: 0 } });
  }, 60_000);

  test('a hash mismatch and a file over 20 MB are refused and nothing is stored', async () => {
    const bytes = new TextEncoder().encode('a letter');
    const wrong = sha(new TextEncoder().encode('another letter'));
    const r = await call(a, 'evidenceFilePut', { sha256: wrong, contentBase64: b64(bytes) });
    expect(r).toMatchObject({ ok: false, error: { code: 'validation-failed', message: `the file hashes to ${sha(bytes)}, not ${wrong}` } });
    expect((await call(a, 'evidenceFileGet', { sha256: wrong })).data).toEqual({ found: false, contentBase64: null });
    const big = new Uint8Array(EVIDENCE_FILE_MAX_BYTES + 3);
    const tooBig = await call(a, 'evidenceFilePut', { sha256: sha(big), contentBase64: b64(big) });
    expect(tooBig).toMatchObject({ ok: false, error: { code: 'validation-failed' } });
    expect((await call(a, 'evidenceFileGet', { sha256: sha(big) })).data).toEqual({ found: false, contentBase64: null });
  }, 60_000);

  test('a file neither terminal nor server has is listed as missing in the bundle', async () => {
    const { input } = await buildFixture();
    const other = { ...input, caseDoc: { ...input.caseDoc, evidence: input.caseDoc.evidence.map((e) => (e.id === 'e5' ? { ...e, document: { sha256: 'd'.repeat(64), ref: 'lost.pdf' } } : e)) } };
    const out = await call<{ bytesBase64: string }>(b, 'evidenceExport', other);
    expect(out.ok).toBe(true);
    const v = await verifyBundle(readBundleZip(new Uint8Array(Buffer.from(out.data.bytesBase64, 'base64'))));
    expect(v.ok).toBe(true);
    expect(v.manifest?.missingAttachments).toEqual([expect.objectContaining({ evidenceId: 'e5', sha256: 'd'.repeat(64), fileName: 'lost.pdf' })]);
  }, 60_000);
});
