import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, expect, it } from 'vitest';
import { startWebApp } from '../../src-main/host/web-app.ts';
import { launchChromiumProfile } from './browser.ts';

// A terminal is switched off and on again: the web host process and the browser both stop, then start
// on the same data folder and browser profile. The demo seed must not run twice, and an edit made before
// the restart must still be there (with its audit history).
const tmp = mkdtempSync(join(tmpdir(), 'renshi-e2e-restart-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** IndexedDB belongs to the page's origin, so both runs must use the same port. */
function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => ok(port));
    });
  });
}

async function session<T>(port: number, fn: (page: Page) => Promise<T>): Promise<T> {
  const host = await startWebApp({ port, dataDir: join(tmp, 'data'), demoData: true, demoEmployees: 25 });
  const context = await launchChromiumProfile(join(tmp, 'profile'));
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(15_000);
    await page.goto(host.url);
    return await fn(page);
  } finally {
    await context.close();
    await host.close();
  }
}

const openEmployee = async (page: Page, no: string) => {
  await page.getByTestId('employee-search').fill(no);
  await expect.poll(() => page.getByTestId('employee-row').count()).toBe(1);
  await page.getByTestId('employee-row').first().click();
};

it('keeps the local database across a restart of the host and the browser', async () => {
  mkdirSync('test-results/screenshots', { recursive: true });
  const port = await freePort();

  await session(port, async (page) => {
    await expect.poll(() => page.getByTestId('employee-count').textContent()).toBe('共 25 人');
    await openEmployee(page, 'E0007');
    await page.getByTestId('edit-employee').click();
    await page.getByTestId('f-position').fill('夜班组长');
    await page.getByTestId('employee-save').click();
    await expect.poll(() => page.getByTestId('d-position').textContent()).toBe('夜班组长');
  });

  await session(port, async (page) => {
    // Same count: the demo seed saw a non-empty database and did nothing.
    await expect.poll(() => page.getByTestId('employee-count').textContent()).toBe('共 25 人');
    await openEmployee(page, 'E0007');
    await expect.poll(() => page.getByTestId('d-position').textContent()).toBe('夜班组长');
    await expect.poll(() => page.getByTestId('history-item').count()).toBeGreaterThanOrEqual(1);
    await page.screenshot({ path: 'test-results/screenshots/restart-edit-kept.png' });
  });
});
