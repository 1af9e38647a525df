import { mkdtempSync, readFileSync } from 'node:fs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startWebApp } from '../../src-main/host/web-app.ts';
import type { WebHost } from '../../src-main/host/web-host.ts';

let host: WebHost;
let dataDir: string;
const call = (name: string, body: string) => fetch(`${host.url}/bridge/${name}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'renshi-host-'));
  const staticDir = join(dataDir, 'static');
  mkdirSync(staticDir);
  writeFileSync(join(staticDir, 'index.html'), '<html>app</html>');
  writeFileSync(join(dataDir, 'secret-outside.txt'), 'do not serve');
  host = await startWebApp({ port: 0, dataDir, staticDir, demoData: false });
});
afterAll(() => host.close());

describe('web host bridge', () => {
  test('answers a call with the contract output, and keeps the replica id across calls', async () => {
    const a = await (await call('appInfo', '{}')).json();
    const b = await (await call('appInfo', '{}')).json();
    expect(a).toMatchObject({ ok: true, data: { mode: 'web', dataDir } });
    expect(a.data.replicaId).toMatch(/^[0-9a-f]{20}$/);
    expect(b.data.replicaId).toBe(a.data.replicaId);
  });

  test('the database secret is generated once and stable', async () => {
    const s1 = (await (await call('databaseSecret', '{}')).json()).data.secret;
    const s2 = (await (await call('databaseSecret', '{}')).json()).data.secret;
    expect(s1.length).toBeGreaterThanOrEqual(16);
    expect(s2).toBe(s1);
  });

  test('settings are validated, persisted and merged', async () => {
    const bad = await (await call('settingsSet', JSON.stringify({ serverMode: 'cloud' }))).json();
    expect(bad).toMatchObject({ ok: false, error: { code: 'validation-failed' } });
    const ok = await (await call('settingsSet', JSON.stringify({ language: 'en' }))).json();
    expect(ok).toMatchObject({ ok: true, data: { language: 'en', serverMode: 'embedded' } });
    expect(JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8')).language).toBe('en');
  });

  test('a change to one setting keeps the others (choosing the site does not reset the server)', async () => {
    const remote = { serverMode: 'remote', serverUrl: 'http://192.168.1.10:8787', offlineTakeoverMinutes: 30 };
    expect(await (await call('settingsSet', JSON.stringify(remote))).json()).toMatchObject({ ok: true, data: remote });
    expect(await (await call('settingsSet', JSON.stringify({ siteId: 'site-dg1' }))).json()).toMatchObject({ ok: true, data: { ...remote, siteId: 'site-dg1', language: 'en' } });
    expect(await (await call('settingsSet', JSON.stringify({ language: 'zh-CN' }))).json()).toMatchObject({ ok: true, data: { ...remote, siteId: 'site-dg1', language: 'zh-CN' } });
    expect((await (await call('settingsGet', '{}')).json()).data).toMatchObject({ ...remote, siteId: 'site-dg1' });
    await call('settingsSet', JSON.stringify({ serverMode: 'embedded', serverUrl: null, siteId: null, offlineTakeoverMinutes: 10 }));
  });

  test('unknown calls, extra fields, non-JSON bodies and GETs are refused with reasons', async () => {
    expect(await (await call('deleteEverything', '{}')).json()).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await (await call('appInfo', '{"sneaky":1}')).json()).toMatchObject({ ok: false, error: { code: 'validation-failed' } });
    const notJson = await call('appInfo', '{oops');
    expect(notJson.status).toBe(400);
    expect((await notJson.json()).error.message).toMatch(/not valid JSON/);
    expect((await fetch(`${host.url}/bridge/appInfo`)).status).toBe(405);
  });

  test('static files never escape the UI folder', async () => {
    const res = await fetch(`${host.url}/..%2Fsecret-outside.txt`);
    expect(await res.text()).not.toContain('do not serve');
    expect(await (await fetch(`${host.url}/`)).text()).toContain('app');
  });

  test('notifications reach subscribed pages over the event stream', async () => {
    const controller = new AbortController();
    const res = await fetch(`${host.url}/bridge/events`, { signal: controller.signal });
    const reader = res.body!.getReader();
    await reader.read(); // ": connected"
    const shown = await (await call('notify', JSON.stringify({ title: '考勤异常', body: '张三 未打卡' }))).json();
    expect(shown).toEqual({ ok: true, data: { shown: true } });
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toContain('考勤异常');
    controller.abort();
  });
});
