import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startWebApp } from '../../src-main/host/web-app.ts';
import { launchChromium } from './browser.ts';

// Story 2 in real Chromium against the web host (embedded sync server, demo company): HR opens an
// offboarding case, sees the handover steps blocked by the open checklist, completes the checklist (a
// customer needs a successor, work accounts are revoked with who/when), is warned when trying to hold final
// wages, records an EMS delivery, and finds the law cited and searchable.

const SHOTS = join('test-results', 'screenshots');
const tmp = mkdtempSync(join(tmpdir(), 'renshi-e2e-cases-'));
let host: { url: string; close: () => Promise<void> };
let browser: Browser;
let page: Page;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  host = await startWebApp({ port: 0, dataDir: join(tmp, 'data'), demoData: true });
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, locale: 'zh-CN' });
  context.setDefaultTimeout(20_000);
  page = await context.newPage();
  page.on('pageerror', (e) => console.error('[pageerror]', e.message));
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const poll = <T,>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 20_000, interval: 100 });
const shot = (name: string) => page.screenshot({ path: join(SHOTS, `cases-${name}.png`), fullPage: true });
const byTest = (id: string) => page.getByTestId(id);
const stepState = (id: string) => byTest(`step-${id}`).getAttribute('data-state');

it('offboarding: blocked by the open checklist until the handover is done; wages never held', async () => {
  await page.goto(`${host.url}/#/cases`);
  await poll(() => page.getByText('还没有案件').isVisible()).toBe(true);

  await byTest('cases-new').click();
  await byTest('new-case-employee').click();
  await page.getByRole('option').first().click();
  await byTest('new-case-open').click();
  await poll(() => byTest('case-detail').isVisible()).toBe(true);
  await poll(() => stepState('termination-date')).toBe('blocked');

  // Termination date first; then the handover steps become blocked by their open checklists.
  await byTest('termination-date').fill('2026-03-02');
  await byTest('termination-date-save').click();
  await poll(() => stepState('termination-date')).toBe('ready');
  await byTest('step-termination-date').getByTestId('step-complete').click();
  await poll(() => stepState('termination-date')).toBe('done');
  await poll(() => stepState('handover-documents')).toBe('blocked');
  await poll(() => byTest('step-handover-documents').getByTestId('step-blockers').textContent()).toContain('交接项未完成');
  await poll(() => byTest('money-compensation').textContent()).toContain('等待');
  await shot('01-blocked');

  // Holding final wages is refused with the warning.
  await byTest('hold-wages').click();
  await poll(() => byTest('wage-hold-warning').textContent()).toContain('不得因交接未完成');
  await shot('02-wage-hold-warning');
  await page.keyboard.press('Escape');

  // The handover checklist.
  await byTest('step-handover-documents').getByTestId('check-work-files').click();
  await byTest('step-handover-documents').getByTestId('check-contracts-originals').click();
  await poll(() => stepState('handover-documents')).toBe('ready');
  await byTest('step-handover-documents').getByTestId('step-complete').click();
  await poll(() => stepState('handover-documents')).toBe('done');

  // A customer needs a successor before it can be checked.
  await poll(() => byTest('step-handover-customers').getByTestId('check-customer-list').isDisabled()).toBe(true);
  await byTest('step-handover-customers').getByTestId('successor-customer-list').fill('王芳');
  await byTest('step-handover-customers').getByTestId('check-customer-list').click();
  await poll(() => stepState('handover-customers')).toBe('ready');
  await byTest('step-handover-customers').getByTestId('step-complete').click();

  for (const item of ['laptop', 'badge']) await byTest('step-return-equipment').getByTestId(`check-${item}`).click();
  await poll(() => stepState('return-equipment')).toBe('ready');
  await byTest('step-return-equipment').getByTestId('step-complete').click();

  for (const acc of ['wecom', 'wechat', 'email', 'oa', 'crm']) {
    await byTest('step-revoke-accounts').getByTestId(`revoke-${acc}`).click();
    await poll(() => byTest('step-revoke-accounts').getByTestId(`revoke-${acc}`).count()).toBe(0);
  }
  await poll(() => stepState('revoke-accounts')).toBe('ready');
  await byTest('step-revoke-accounts').getByTestId('step-complete').click();

  // Not a teacher: the optional step is skipped with a reason (a skip without one is not offered).
  await byTest('step-reassign-classes').getByTestId('step-skip').click();
  await poll(() => byTest('dialog-submit').isDisabled()).toBe(true);
  await byTest('dialog-text').fill('非教师岗位，无课程');
  await byTest('dialog-submit').click();
  await poll(() => stepState('reassign-classes')).toBe('skipped');
  await poll(() => byTest('money-compensation').textContent()).toContain('交接已完成');

  // Paper / EMS delivery of a notice.
  await byTest('notice-record').click();
  await byTest('notice-kind').click();
  await page.getByRole('option').first().click().catch(() => undefined);
  await byTest('notice-tracking').fill('EA123456789CN');
  await byTest('notice-signer').fill('李伟');
  await byTest('dialog-submit').click();
  await poll(() => byTest('notice-row').count()).toBe(1);
  await poll(() => byTest('case-evidence').textContent()).toContain('EA123456789CN');
  await shot('03-handover-done');

  // The law cited, and the searchable library.
  await poll(() => byTest('case-law').textContent()).toContain('劳动合同法');
  await page.goto(`${host.url}/#/cases/law`);
  await byTest('law-search').fill('扣工资');
  await poll(() => byTest('law-article').count()).toBeGreaterThan(0);
  await poll(() => byTest('law-results').textContent()).toContain('工资支付暂行规定');
  await shot('04-law-library');

  await page.goto(`${host.url}/#/cases`);
  await poll(() => byTest('case-row').count()).toBe(1);
});
