import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startWebApp } from '../../src-main/host/web-app.ts';
import type { WebHost } from '../../src-main/host/web-host.ts';

// The terminal runs its own sync server ('embedded' mode) and signs in to it by itself; an operator can
// instead sign in to a remote server, and a wrong password is a clear error that changes nothing.
let host: WebHost;
let dataDir: string;
const call = async (name: string, body: unknown = {}) =>
  (await fetch(`${host.url}/bridge/${name}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } })).json();

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'renshi-sync-session-'));
  host = await startWebApp({ port: 0, dataDir, demoData: false });
});
afterAll(() => host.close());

describe('sync session', () => {
  test('embedded mode starts the server on this computer and signs in as its admin', async () => {
    const r = await call('syncSession');
    expect(r.ok).toBe(true);
    expect(r.data).toMatchObject({ mode: 'embedded', problem: null, principal: { role: 'admin' } });
    const me = await fetch(`${r.data.serverUrl}/auth/me`, { headers: { authorization: `Bearer ${r.data.token}` } });
    expect(me.status).toBe(200);
    // The same token is reused while valid (no new login on every start)…
    expect((await call('syncSession')).data.token).toBe(r.data.token);
    // …and it is kept in the vault, not in the settings file the UI can read.
    const settingsFile = join(dataDir, 'settings.json');
    if (existsSync(settingsFile)) expect(readFileSync(settingsFile, 'utf8')).not.toContain(r.data.token);
    expect(readdirSync(join(dataDir, 'vault')).sort()).toEqual(['embedded-admin-password', 'sync-token']);
  });

  test('signing in to a server with a wrong password is refused and keeps the current session', async () => {
    const before = (await call('syncSession')).data;
    const r = await call('syncLogin', { serverUrl: before.serverUrl, username: 'admin', password: 'wrong-password' });
    expect(r).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect((await call('syncSession')).data.token).toBe(before.token);
  });

  test('an unreachable server is reported, not thrown', async () => {
    const r = await call('syncLogin', { serverUrl: 'http://127.0.0.1:9', username: 'admin', password: 'x' });
    expect(r).toMatchObject({ ok: false, error: { code: 'device-unreachable' } });
  });

  test('offline mode never syncs', async () => {
    await call('settingsSet', { serverMode: 'offline' });
    expect((await call('syncSession')).data).toMatchObject({ mode: 'offline', token: null });
    await call('settingsSet', { serverMode: 'embedded' });
  });
});

test('the server answers CORS preflights from a terminal page without a token', async () => {
  const { serverUrl } = (await call('syncSession')).data;
  const res = await fetch(`${serverUrl}/sync/employees/pull`, {
    method: 'OPTIONS',
    headers: { origin: host.url, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization,x-renshi-protocol' },
  });
  expect(res.status).toBe(204);
  expect(res.headers.get('access-control-allow-origin')).toBe(host.url);
  expect(res.headers.get('access-control-allow-headers')).toContain('authorization');
  expect(res.headers.get('access-control-allow-headers')).toContain('x-renshi-replica');
  const unauthenticated = await fetch(`${serverUrl}/sync/employees/pull`, { headers: { origin: host.url } });
  expect(unauthenticated.status).toBe(401);
});

test('the live pull-stream answers CORS too (it writes its own headers)', async () => {
  const { serverUrl, token } = (await call('syncSession')).data;
  const controller = new AbortController();
  const res = await fetch(`${serverUrl}/sync/org/pull-stream`, {
    headers: { origin: host.url, authorization: `Bearer ${token}`, 'x-renshi-protocol': '1' },
    signal: controller.signal,
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('access-control-allow-origin')).toBe(host.url);
  controller.abort();
});

test('one multiplexed live stream carries every collection, starting with a RESYNC', async () => {
  const { serverUrl, token } = (await call('syncSession')).data;
  const auth = { authorization: `Bearer ${token}`, 'x-renshi-protocol': '1' };
  const controller = new AbortController();
  const res = await fetch(`${serverUrl}/sync/pull-stream?collections=org,settings`, { headers: auth, signal: controller.signal });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  let text = '';
  const readUntil = async (needle: string) => {
    const deadline = Date.now() + 10_000;
    while (!text.includes(needle) && Date.now() < deadline) text += new TextDecoder().decode((await reader.read()).value);
  };
  await readUntil('"type":"resync"');
  const site = { id: 'site-mux', kind: 'site', name: '测试厂', code: 'MX', address: '', escalationWindowMinutes: 120, updatedAt: 1, _deleted: false };
  const push = await fetch(`${serverUrl}/sync/org/push`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify([{ newDocumentState: site, assumedMasterState: null }]) });
  expect(push.status).toBe(200);
  await readUntil('site-mux');
  expect(text).toContain('"collection":"org"');
  controller.abort();
  const unknown = await fetch(`${serverUrl}/sync/pull-stream?collections=org,nonsense`, { headers: auth });
  expect(unknown.status).toBe(404);
});
