import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { EVIDENCE_FILE_MAX_BYTES } from '#shared/evidence/evidence-file';
import { ADMIN, Api, login, startTestServer, userApi } from './support/backends.ts';

// The content-addressed evidence file endpoint and the signed-record endpoint on the real server wiring
// (buildApp over PGlite): HR and admins only, a file that does not hash to its name is refused and not stored.

let server: Awaited<ReturnType<typeof startTestServer>>;
let admin: Api;
let hr: Api;
let viewer: Api;
let siteAdmin: Api;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const SCAN = new TextEncoder().encode('%PDF-1.4 扫描件：工会回函，对解除无异议。');

async function put(api: Api | null, name: string, body: Uint8Array, contentType = 'application/octet-stream') {
  const res = await fetch(`${server.url}/files/${name}`, {
    method: 'PUT',
    headers: { 'content-type': contentType, ...(api?.token ? { authorization: `Bearer ${api.token}` } : {}) },
    body: body as Uint8Array<ArrayBuffer>,
    signal: AbortSignal.timeout(20_000),
  });
  const text = await res.text();
  return { status: res.status, body: text.startsWith('{') ? JSON.parse(text) : text };
}
async function get(api: Api | null, name: string) {
  const res = await fetch(`${server.url}/files/${name}`, { headers: api?.token ? { authorization: `Bearer ${api.token}` } : {}, signal: AbortSignal.timeout(20_000) });
  return { status: res.status, bytes: new Uint8Array(await res.arrayBuffer()), type: res.headers.get('content-type') };
}

beforeAll(async () => {
  server = await startTestServer('pglite');
  admin = await login(server.url, ADMIN.username, ADMIN.password);
  hr = await userApi(admin, { username: 'files-hr', role: 'hr' });
  viewer = await userApi(admin, { username: 'files-viewer', role: 'viewer' });
  siteAdmin = await userApi(admin, { username: 'files-site', role: 'site_admin', siteId: 'site-a' });
}, 60_000);
afterAll(async () => {
  await server?.close();
});

describe('PUT/GET /files/:sha256', () => {
  test('HR stores a file under its SHA-256; any HR or admin terminal gets the same bytes back; storing it again changes nothing', async () => {
    const name = sha(SCAN);
    expect(await put(hr, name, SCAN)).toEqual({ status: 200, body: { sha256: name, bytes: SCAN.length, stored: true } });
    const back = await get(admin, name);
    expect(back.status).toBe(200);
    expect(back.type).toBe('application/octet-stream');
    expect(back.bytes).toEqual(SCAN);
    expect((await put(admin, name, SCAN)).body).toEqual({ sha256: name, bytes: SCAN.length, stored: false });
  });

  test('a file that does not hash to its name is refused and not stored', async () => {
    const claimed = sha(new TextEncoder().encode('the original'));
    const other = new TextEncoder().encode('something else');
    const r = await put(hr, claimed, other);
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'validation-failed', message: `the file hashes to ${sha(other)}, not ${claimed}` });
    expect((await get(hr, claimed)).status).toBe(404);
    // One changed byte is enough.
    const changed = Uint8Array.from(SCAN);
    changed[3] = changed[3]! ^ 0x01;
    expect((await put(hr, sha(SCAN), changed)).status).toBe(400);
  });

  test('only HR and admins: no token 401, viewer and site admin 403, for upload and download', async () => {
    const bytes = new TextEncoder().encode('a private letter');
    const name = sha(bytes);
    expect((await put(null, name, bytes)).status).toBe(401);
    expect((await put(viewer, name, bytes)).status).toBe(403);
    expect((await put(siteAdmin, name, bytes)).status).toBe(403);
    expect((await get(hr, name)).status).toBe(404); // none of them stored it
    await put(hr, name, bytes);
    expect((await get(null, name)).status).toBe(401);
    expect((await get(viewer, name)).status).toBe(403);
    expect((await get(siteAdmin, name)).status).toBe(403);
    expect((await get(hr, name)).bytes).toEqual(bytes);
  });

  test('names that are not a SHA-256, bodies that are not raw bytes, and files over 20 MB are refused', async () => {
    expect((await put(hr, 'ABC', SCAN)).status).toBe(400);
    expect((await get(hr, '../etc/passwd')).status).toBe(404);
    expect((await get(hr, 'a'.repeat(63))).status).toBe(400);
    const text = await put(hr, sha(SCAN), SCAN, 'text/plain');
    expect(text).toMatchObject({ status: 400, body: { error: { message: 'send the file as application/octet-stream' } } });
    const big = new Uint8Array(EVIDENCE_FILE_MAX_BYTES + 1);
    const r = await put(hr, sha(big), big);
    expect(r.status).toBe(413);
    expect((await get(hr, sha(big))).status).toBe(404);
    const limit = new Uint8Array(EVIDENCE_FILE_MAX_BYTES).fill(7);
    expect((await put(hr, sha(limit), limit)).status).toBe(200);
  }, 60_000);
});

describe('GET /delivery/notices/:id/signed-record', () => {
  test('only HR and admins; an unknown notice is 404', async () => {
    expect((await new Api(server.url, null).get('/delivery/notices/n-x/signed-record')).status).toBe(401);
    expect((await viewer.get('/delivery/notices/n-x/signed-record')).status).toBe(403);
    expect((await siteAdmin.get('/delivery/notices/n-x/signed-record')).status).toBe(403);
    expect((await hr.get('/delivery/notices/n-x/signed-record')).status).toBe(404);
  });
});
