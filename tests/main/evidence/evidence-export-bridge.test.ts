import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { verifyBundle } from '#shared/evidence/verify-bundle';
import { readBundleZip } from '../../../src-main/evidence/bundle-writer.ts';
import { startWebApp } from '../../../src-main/host/web-app.ts';
import type { WebHost } from '../../../src-main/host/web-host.ts';
import { buildFixture } from '../../shared/evidence/bundle-fixture';

/** The `evidenceExport` bridge call through the real web host (the same handlers Electron uses). */
let host: WebHost;
let dataDir: string;
const call = (name: string, body: unknown) => fetch(`${host.url}/bridge/${name}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(30_000) });

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'renshi-evidence-host-'));
  const staticDir = join(dataDir, 'static');
  mkdirSync(staticDir);
  writeFileSync(join(staticDir, 'index.html'), '<html>app</html>');
  host = await startWebApp({ port: 0, dataDir, staticDir, demoData: false });
});
afterAll(async () => {
  await host.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('evidenceExport bridge call', () => {
  test('returns the zip as base64 with its manifest hash, and the zip verifies', async () => {
    const { input } = await buildFixture();
    const res = (await (await call('evidenceExport', input)).json()) as { ok: boolean; data: { fileName: string; bytesBase64: string; manifestHash: string } };
    expect(res.ok).toBe(true);
    expect(res.data.fileName).toBe('evidence-dis-li-2026-03-08.zip');
    const v = await verifyBundle(readBundleZip(new Uint8Array(Buffer.from(res.data.bytesBase64, 'base64'))));
    expect(v.ok).toBe(true);
    expect(v.manifest?.manifestHash).toBe(res.data.manifestHash);
  }, 60_000);

  test('refuses input that is not a case with validation-failed', async () => {
    const res = (await (await call('evidenceExport', { caseDoc: { id: 'x' }, exportedBy: 'hr', exportedAt: 1 })).json()) as { ok: boolean; error: { code: string } };
    expect(res).toMatchObject({ ok: false, error: { code: 'validation-failed' } });
  }, 30_000);
});
