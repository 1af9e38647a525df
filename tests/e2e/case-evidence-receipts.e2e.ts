import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, expect, it } from 'vitest';
import { startWebApp } from '../../src-main/host/web-app.ts';
import { localInputOf } from '../../src-renderer/features/cases/paper-entry.ts';
import { launchChromiumProfile } from './browser.ts';

// Stories 2 and 4 in real Chromium against the web host (embedded sync server, demo company): HR opens a
// sensitive-event case (restricted) and records its notice as sent by EMS with the dates of the EMS tracking
// record (posted three days ago, signed for yesterday), is stopped when a date is impossible, records a second
// letter that comes back refused, and sees who looked at the case: the terminal's own view and the server's
// audited reads of the case's notices. Host and browser then restart on the same data: the letters with their
// dates and the view log are still there.

const SHOTS = join('test-results', 'screenshots');
const tmp = mkdtempSync(join(tmpdir(), 'renshi-e2e-receipts-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const DAY = 86_400_000;
const poll = <T,>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 30_000, interval: 150 });

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

/** One run of the terminal: the web host and a browser on a profile kept on disk. */
async function session<T>(port: number, fn: (page: Page, url: string) => Promise<T>): Promise<T> {
  const host = await startWebApp({ port, dataDir: join(tmp, 'data'), demoData: true, demoEmployees: 25 });
  const context = await launchChromiumProfile(join(tmp, 'profile'));
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (e) => console.error('[pageerror]', e.message));
    return await fn(page, host.url);
  } finally {
    await context.close();
    await host.close();
  }
}

const pick = async (page: Page, testId: string, option: string) => {
  await page.getByTestId(testId).click();
  await page.getByRole('option', { name: option }).click();
};
const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `receipts-${name}.png`), fullPage: true });

it('EMS receipt dates from the tracking record, a refused letter, and the view log of a restricted case survive a restart', async () => {
  mkdirSync(SHOTS, { recursive: true });
  const port = await freePort();
  const now = Date.now();
  const posted = localInputOf(now - 3 * DAY).slice(0, 11) + '16:40';
  const signed = localInputOf(now - DAY).slice(0, 11) + '14:20';
  const refused = localInputOf(now - DAY).slice(0, 11) + '09:05';
  const shown = (input: string) => input.replace('T', ' ');
  let caseUrl = '';

  await session(port, async (page, url) => {
    await page.goto(`${url}/#/cases/new`);
    await pick(page, 'new-case-template', '敏感事件');
    await page.getByTestId('new-case-employee').click();
    await page.getByRole('option').nth(1).click();
    await page.getByTestId('new-case-category').click();
    await page.getByRole('option').first().click();
    await page.getByTestId('new-case-open').click();
    await poll(() => page.getByTestId('case-detail').isVisible()).toBe(true);
    caseUrl = page.url();
    await poll(() => page.getByTestId('notice-send-open').isVisible()).toBe(true); // signed in to the sync server

    // The notice went by EMS: the dates come from the EMS tracking record, not from now.
    await page.getByTestId('notice-record').click();
    await page.getByTestId('notice-tracking').fill('EA202603050001CN');
    await page.getByTestId('notice-sent-at').fill(posted);
    await pick(page, 'notice-outcome', '已签收');
    await page.getByTestId('notice-signer').fill('本人');
    // Signed for tomorrow: refused before anything is saved.
    await page.getByTestId('notice-outcome-at').fill(localInputOf(now + DAY));
    await page.getByTestId('dialog-submit').click();
    await poll(() => page.getByTestId('case-dialog').textContent()).toContain('不能晚于现在');
    // Signed for before it was posted: refused too.
    await page.getByTestId('notice-outcome-at').fill(localInputOf(now - 4 * DAY));
    await poll(() => page.getByTestId('case-dialog').textContent()).toContain('不能早于寄出时间');
    await shot(page, '01-dates-checked');
    await page.getByTestId('notice-outcome-at').fill(signed);
    await page.getByTestId('dialog-submit').click();
    await poll(() => page.getByTestId('case-dialog').count()).toBe(0);

    const letter = page.getByTestId('paper-notice');
    await poll(() => letter.count()).toBe(1);
    const ems = letter.getByTestId('paper-delivery-ems');
    await poll(() => ems.getByTestId('paper-outcome').textContent()).toBe(`已签收 ${shown(signed)}`);
    await poll(() => ems.textContent()).toContain(shown(posted));
    await poll(() => ems.getByTestId('paper-entered').textContent()).toContain('admin');
    // The case's notice carries the real dates, and the receipt is evidence on the case.
    await poll(() => page.getByTestId('notice-row').textContent()).toContain(`送达 ${shown(signed)}`);
    await poll(() => page.getByTestId('notice-row').textContent()).toContain(`发送 ${shown(posted)}`);
    await poll(() => page.getByTestId('case-evidence').textContent()).toContain('EA202603050001CN');

    // A second letter by registered mail, outcome unknown when it is posted; it comes back refused.
    await letter.getByTestId('paper-another').click();
    await pick(page, 'paper-channel', '挂号信');
    await page.getByTestId('paper-tracking').fill('XA100200300CN');
    await page.getByTestId('paper-sent-at').fill(posted);
    await page.getByTestId('paper-save').click();
    const registered = letter.getByTestId('paper-delivery-registered-mail');
    await poll(() => registered.getByTestId('paper-outcome').textContent()).toBe('待签收');
    await registered.getByTestId('paper-outcome-open').click();
    await pick(page, 'outcome-kind', '拒收');
    await page.getByTestId('outcome-at').fill(refused);
    await page.getByTestId('outcome-save').click();
    await poll(() => registered.getByTestId('paper-outcome').textContent()).toBe(`拒收 ${shown(refused)}`);
    await poll(() => registered.getByTestId('paper-entered').textContent()).toContain('结果登记');
    await letter.scrollIntoViewIfNeeded();
    await shot(page, '02-letters');

    // Who looked at the case: this terminal's view, and the server's audited reads of its notices.
    const log = page.getByTestId('case-view-log');
    await poll(() => log.locator('[data-read="case"][data-via="terminal"]').count()).toBeGreaterThanOrEqual(1);
    await poll(() => log.locator('[data-read="notices"][data-via="server"]').count()).toBeGreaterThanOrEqual(1);
    const serverRead = log.locator('[data-read="notices"][data-via="server"]').first();
    await poll(() => serverRead.textContent()).toContain('admin');
    await poll(() => serverRead.textContent()).toContain('127.0.0.1');
    await poll(() => log.textContent()).toContain('本终端');
    await log.scrollIntoViewIfNeeded();
    await shot(page, '03-view-log');
  });

  await session(port, async (page) => {
    await page.goto(caseUrl);
    const letter = page.getByTestId('paper-notice');
    await poll(() => letter.getByTestId('paper-delivery-ems').getByTestId('paper-outcome').textContent()).toBe(`已签收 ${shown(signed)}`);
    await poll(() => letter.getByTestId('paper-delivery-registered-mail').getByTestId('paper-outcome').textContent()).toBe(`拒收 ${shown(refused)}`);
    await poll(() => page.getByTestId('notice-row').textContent()).toContain(`送达 ${shown(signed)}`);
    // The views before the restart are still listed, with this opening added.
    const log = page.getByTestId('case-view-log');
    await poll(() => log.locator('[data-read="case"]').count()).toBeGreaterThanOrEqual(2);
    await poll(() => log.locator('[data-read="notices"][data-via="server"]').count()).toBeGreaterThanOrEqual(1);
    await log.scrollIntoViewIfNeeded();
    await shot(page, '04-after-restart');
  });
}, 240_000);
