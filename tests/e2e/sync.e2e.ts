import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it, onTestFailed } from 'vitest';
import { LoginResponse } from '#shared/sync/auth';
import { PullResponse, SYNC_PROTOCOL_HEADER, SYNC_PROTOCOL_VERSION } from '#shared/sync/protocol';
import { startServer, type RunningServer } from '../../src-server/server.ts';
import { startWebApp } from '../../src-main/host/web-app.ts';
import { launchChromium, newAppPage } from './browser.ts';

// Two terminals and one sync server, all real: the server in-process on an in-memory PGlite, two web
// hosts with their own data folders, two Chromium contexts (two separate local databases). Both are
// pointed at the server through the Settings screen; terminal A holds a demo company, B starts empty.
// B receives A's employees, sees A's edit live, then edits offline while A edits the same employee: the
// losing edit must show up as a conflict (nothing silently lost), be merged field by field in the UI, and
// both terminals must converge on the merged record.

const SHOTS = join('test-results', 'screenshots');
const ADMIN_PASSWORD = 'sync-e2e-admin-pass';
const tmp = mkdtempSync(join(tmpdir(), 'renshi-e2e-sync-'));
let server: RunningServer;
let hostA: { url: string; close: () => Promise<void> };
let hostB: { url: string; close: () => Promise<void> };
let browser: Browser;
let ctxB: BrowserContext;
let a: Page;
let b: Page;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServer({ port: 0, admin: { username: 'admin', password: ADMIN_PASSWORD } });
  [hostA, hostB] = await Promise.all([
    startWebApp({ port: 0, dataDir: join(tmp, 'a'), demoData: true, demoEmployees: 20 }),
    startWebApp({ port: 0, dataDir: join(tmp, 'b'), demoData: false }),
  ]);
  // Both terminals start "local only" instead of the default embedded server, so this test runs one
  // server, not three; the switch to the shared server is then made in the Settings screen.
  for (const host of [hostA, hostB]) {
    const res = await fetch(`${host.url}/bridge/settingsSet`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ serverMode: 'offline' }) });
    expect(res.ok).toBe(true);
  }
  browser = await launchChromium();
  const open = async (label: string) => {
    const page = await newAppPage(browser, { timeoutMs: 15_000, label });
    return { context: page.context(), page };
  };
  a = (await open('A')).page;
  ({ context: ctxB, page: b } = await open('B'));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([hostA?.close(), hostB?.close()]);
  await server?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `sync-${name}.png`) });
const byTest = (page: Page, id: string) => page.getByTestId(id);
/** In-app navigation (a hash change: no page load, so it also works while the terminal is offline). */
const go = (page: Page, path: string) => page.evaluate((p) => void (window.location.hash = p), path);
const poll = <T>(fn: () => Promise<T>, timeout = 20_000) => expect.poll(fn, { timeout, interval: 200 });

/** Remote mode and sign-in, the way an operator does it. */
async function connect(page: Page, url: string) {
  await page.goto(`${url}/#/settings`);
  await byTest(page, 'sync-mode-remote').click();
  await byTest(page, 'sync-url').fill(server.url);
  await byTest(page, 'sync-username').fill('admin');
  await byTest(page, 'sync-password').fill('wrong-password');
  await byTest(page, 'sync-login').click();
  await poll(() => byTest(page, 'sync-login-error').textContent()).toBe('用户名或密码错误');
  await byTest(page, 'sync-password').fill(ADMIN_PASSWORD);
  await byTest(page, 'sync-login').click();
  await poll(() => byTest(page, 'sync-principal-name').textContent()).toBe('admin');
  expect(await byTest(page, 'sync-principal-role').textContent()).toBe('系统管理员');
  expect(await byTest(page, 'sync-role-hint').textContent()).toContain('会接收敏感字段');
  await poll(() => byTest(page, 'sync-status').getAttribute('data-state')).toBe('teal');
}

async function adminToken(): Promise<string> {
  const res = await fetch(`${server.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) });
  return LoginResponse.parse(await res.json()).token;
}

/** What the server holds, read with the admin's own token. */
async function serverDocs(collection: 'employees' | 'org'): Promise<PullResponse['documents']> {
  const token = await adminToken();
  const pull = await fetch(`${server.url}/sync/${collection}/pull?limit=5000`, { headers: { authorization: `Bearer ${token}`, [SYNC_PROTOCOL_HEADER]: String(SYNC_PROTOCOL_VERSION) } });
  return PullResponse.parse(await pull.json()).documents;
}
const serverEmployee = async (id: string) => (await serverDocs('employees')).find((d) => d.id === id);

async function editEmployee(page: Page, id: string, fields: Record<string, string>) {
  await go(page, `/employees/${encodeURIComponent(id)}/edit`);
  await poll(() => byTest(page, 'f-name').inputValue()).not.toBe('');
  for (const [testId, value] of Object.entries(fields)) await byTest(page, testId).fill(value);
  await byTest(page, 'employee-save').click();
  await poll(() => byTest(page, 'employee-detail').isVisible()).toBe(true);
}

it('two terminals converge through the sync server, and a concurrent offline edit becomes a conflict HR merges', async () => {
  onTestFailed(async () => {
    await Promise.all([shot(a, 'failed-a').catch(() => {}), shot(b, 'failed-b').catch(() => {})]);
  });
  // --- Both terminals point at the server in Settings; B receives A's demo company
  await connect(a, hostA.url);
  await shot(a, '01-a-signed-in');
  await connect(b, hostB.url);
  await go(b, '/employees');
  await poll(() => byTest(b, 'employee-count').textContent(), 30_000).toContain('20');
  await shot(b, '02-b-received-employees');

  // The employee both terminals will edit, as the server has it.
  const all = await serverDocs('employees');
  expect(all).toHaveLength(20);
  const target = all[0]!;
  const id = target.id;

  // --- A edits; B, showing the same employee, sees it live
  await go(b, `/employees/${encodeURIComponent(id)}`);
  await poll(() => byTest(b, 'detail-name').textContent()).toBe(String(target.name));
  await editEmployee(a, id, { 'f-position': '班组长' });
  await poll(() => byTest(b, 'd-position').textContent()).toBe('班组长');
  await shot(b, '03-b-live-edit');

  // --- B goes offline and edits position and phone; A meanwhile edits the position too
  await ctxB.setOffline(true);
  await editEmployee(b, id, { 'f-position': '线长（B 离线修改）', 'f-phone': '13912345678' });
  await poll(() => byTest(b, 'sync-status').getAttribute('data-state')).toBe('orange');
  await shot(b, '04-b-offline-edit');
  await editEmployee(a, id, { 'f-position': '车间主任（A 修改）' });
  await poll(async () => (await serverEmployee(id))?.position).toBe('车间主任（A 修改）');

  // --- B comes back: the server keeps A's version, B's edit is kept as a conflict, not dropped
  await ctxB.setOffline(false);
  await poll(() => byTest(b, 'sync-status').getAttribute('data-state'), 30_000).toBe('teal');
  await poll(() => byTest(b, 'd-position').textContent()).toBe('车间主任（A 修改）');
  await poll(() => byTest(a, 'sync-conflicts').textContent(), 15_000).toBe('冲突 1');
  await shot(a, '05-a-conflict-badge');

  await byTest(a, 'sync-conflicts').click();
  await poll(() => byTest(a, 'conflict-row').count()).toBe(1);
  expect(await byTest(a, 'conflict-row').textContent()).toContain('职位');
  // The item names the computer whose edit lost, not only the account (both terminals use the same one here).
  const infoB = (await (await fetch(`${hostB.url}/bridge/appInfo`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).json()) as { data: { replicaId: string } };
  expect(await byTest(a, 'conflict-row').textContent()).toContain(infoB.data.replicaId.slice(0, 8));
  await shot(a, '06-conflicts-list');
  await byTest(a, 'conflict-row').click();
  await poll(() => byTest(a, 'conflict-diff').isVisible()).toBe(true);
  expect(await byTest(a, 'diff-server-position').textContent()).toContain('车间主任（A 修改）');
  expect(await byTest(a, 'diff-losing-position').textContent()).toContain('线长（B 离线修改）');
  expect(await byTest(a, 'diff-losing-phone').textContent()).toContain('13912345678');
  // Field by field: A's position stays, B's new phone number is taken.
  expect(await byTest(a, 'diff-row').first().getAttribute('data-differs')).toBe('true'); // what to decide comes first
  await byTest(a, 'pick-losing-phone').click();
  await poll(() => byTest(a, 'pick-losing-phone').isChecked()).toBe(true);
  expect(await byTest(a, 'pick-server-position').isChecked()).toBe(true);
  expect(await byTest(a, 'resolve-merge').textContent()).toContain('1 项');
  await a.waitForTimeout(300); // let the radio animation finish for the screenshot
  await shot(a, '07-conflict-diff');
  await byTest(a, 'resolve-merge').click();
  await poll(() => byTest(a, 'conflicts-page').isVisible()).toBe(true);
  await poll(() => byTest(a, 'conflict-row').count()).toBe(0);
  await poll(() => byTest(a, 'sync-conflicts').count()).toBe(0); // the header badge goes too
  await byTest(a, 'conflicts-filter').getByText('已处理').click();
  await poll(() => byTest(a, 'conflict-row').textContent()).toContain('逐字段合并');
  await shot(a, '08-conflicts-resolved');

  // --- Both terminals converge on the merged record
  for (const page of [a, b]) {
    await go(page, `/employees/${encodeURIComponent(id)}`);
    await poll(() => byTest(page, 'd-phone').textContent()).toBe('13912345678');
    await poll(() => byTest(page, 'd-position').textContent()).toBe('车间主任（A 修改）');
  }
  const final = await serverEmployee(id);
  expect(final).toMatchObject({ position: '车间主任（A 修改）', phone: '13912345678' });
  await shot(b, '09-b-converged');
  await byTest(a, 'nav-settings').click();
  await poll(() => byTest(a, 'sync-state').getAttribute('data-state')).toBe('teal');
  await byTest(a, 'sync-now').click();
  await poll(() => byTest(a, 'sync-state').getAttribute('data-state')).toBe('teal');
  await byTest(a, 'settings-language').getByText('English').click();
  await poll(() => byTest(a, 'settings-server').getByText('Connect to a remote server').isVisible()).toBe(true);
  await shot(a, '10-a-settings-en');
  await byTest(a, 'settings-language').getByText('中文').click();

  // --- B signs out and back in as a site admin: the screen says what that role receives (no sensitive
  // fields, no leave requests) and offers no conflict handling.
  const siteId = String(target.siteId);
  const siteName = (await serverDocs('org')).find((u) => u.id === siteId)?.name;
  const created = await fetch(`${server.url}/users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await adminToken()}`, 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'site1', password: 'site-admin-pass', role: 'site_admin', siteId }),
  });
  expect(created.status).toBeLessThan(300);
  await byTest(b, 'nav-settings').click();
  await byTest(b, 'sync-logout').click();
  await poll(() => byTest(b, 'sync-login-form').isVisible()).toBe(true);
  await byTest(b, 'sync-url').fill(server.url);
  await byTest(b, 'sync-username').fill('site1');
  await byTest(b, 'sync-password').fill('site-admin-pass');
  await byTest(b, 'sync-login').click();
  await poll(() => byTest(b, 'sync-principal-role').textContent()).toBe('厂区管理员');
  expect(await byTest(b, 'sync-principal-site').textContent()).toBe(siteName);
  expect(await byTest(b, 'sync-role-hint').textContent()).toContain('服务器不会发送敏感字段');
  expect(await byTest(b, 'sync-access').getByRole('row', { name: /请假\/补卡申请/ }).textContent()).toBe('请假/补卡申请——');
  expect(await byTest(b, 'open-conflicts').count()).toBe(0);
  await poll(() => byTest(b, 'sync-status').getAttribute('data-state')).toBe('teal');
  await shot(b, '11-b-site-admin');

  // --- The server ends B's session (as when 36 h have passed or it is revoked): B drops the refused
  // token and asks for sign-in again instead of failing quietly.
  const bridge = await fetch(`${hostB.url}/bridge/syncSession`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  const bToken = ((await bridge.json()) as { data: { token: string } }).data.token;
  expect((await fetch(`${server.url}/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${bToken}` } })).ok).toBe(true);
  await byTest(b, 'sync-now').click();
  await poll(() => byTest(b, 'sync-login-form').isVisible()).toBe(true);
  await poll(() => byTest(b, 'sync-status').getAttribute('data-state')).toBe('orange');
  await shot(b, '12-b-session-ended');
}, 110_000);
