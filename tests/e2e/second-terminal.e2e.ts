import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, expect, it } from 'vitest';
import { startWebApp } from '../../src-main/host/web-app.ts';
import type { WebHost } from '../../src-main/host/web-host.ts';
import { launchChromium } from './browser.ts';

// A second browser (or a database cleared on an account switch) opens a demo terminal whose sync server
// already holds the company: it must pull the company, not seed a second demo copy whose versions of the
// same records would all come back as conflicts.
const tmp = mkdtempSync(join(tmpdir(), 'renshi-e2e-second-'));
let host: WebHost | undefined;
let browser: Browser | undefined;
afterAll(async () => {
  await browser?.close();
  await host?.close();
  rmSync(tmp, { recursive: true, force: true });
});

it('a second profile pulls the demo company from the server instead of seeding its own', async () => {
  host = await startWebApp({ port: 0, dataDir: join(tmp, 'data'), demoData: true, demoEmployees: 15 });
  browser = await launchChromium();
  const open = async () => {
    const context = await browser!.newContext({ viewport: { width: 1400, height: 900 }, locale: 'zh-CN' });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    await page.goto(host!.url);
    return page;
  };
  const first = await open();
  await expect.poll(() => first.getByTestId('employee-count').textContent(), { timeout: 30_000 }).toBe('共 15 人');
  await expect.poll(() => first.getByTestId('sync-status').getAttribute('data-state'), { timeout: 60_000 }).toBe('teal');

  const second = await open(); // a fresh profile: empty local database
  await expect.poll(() => second.getByTestId('employee-count').textContent(), { timeout: 60_000 }).toBe('共 15 人');
  await expect.poll(() => second.getByTestId('sync-status').getAttribute('data-state'), { timeout: 60_000 }).toBe('teal');
  await second.screenshot({ path: 'test-results/screenshots/second-terminal.png' });
  // Ask the server itself: a duplicate demo seed shows up there as conflict items.
  const session = (await (await fetch(`${host.url}/bridge/syncSession`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()).data;
  await second.waitForTimeout(3_000);
  const conflicts = (await (await fetch(`${session.serverUrl}/conflicts`, { headers: { authorization: `Bearer ${session.token}` } })).json()) as unknown[];
  expect(conflicts).toEqual([]);
  expect(await second.getByTestId('sync-conflicts').count()).toBe(0);
});
