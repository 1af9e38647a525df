import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startWebApp } from '../../src-main/host/web-app.ts';
import { launchChromium, newAppPage } from './browser.ts';

// HR's own case template in real Chromium against the web host (embedded sync server, demo company): the
// built-in loss deduction is exported as JSON, adapted, a broken version is refused field by field, the good
// one imported as a custom copy, and a case opened from it; the case still shows after a reload. The notice
// step says whether the employee's 送达地址确认书 is on file, and the send dialog is pre-filled from it.

const SHOTS = join('test-results', 'screenshots');
const tmp = mkdtempSync(join(tmpdir(), 'renshi-e2e-templates-'));
let host: { url: string; close: () => Promise<void> };
let browser: Browser;
let page: Page;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  process.env.RENSHI_ESCALATION_INTERVAL_MS = '0';
  host = await startWebApp({ port: 0, dataDir: join(tmp, 'data'), staticDir: process.env.RENSHI_E2E_STATIC_DIR, demoData: true, demoEmployees: 20 });
  browser = await launchChromium();
  page = await newAppPage(browser, { height: 1000 });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await host?.close();
  delete process.env.RENSHI_ESCALATION_INTERVAL_MS;
  rmSync(tmp, { recursive: true, force: true });
});

const poll = <T,>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 20_000, interval: 100 });
const shot = (name: string) => page.screenshot({ path: join(SHOTS, `templates-${name}.png`), fullPage: true });
const byTest = (id: string) => page.getByTestId(id);
const jsonFile = (name: string, value: unknown) => ({ name, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(value, null, 2)) });

it('HR exports a template, imports an adapted copy (a bad one is refused field by field) and opens a case from it', async () => {
  await page.goto(`${host.url}/#/cases`);
  await byTest('cases-templates').click();
  await poll(() => byTest('template-row-builtin').count()).toBe(7);
  expect(await byTest('template-row-custom').count()).toBe(0);

  // Export the built-in loss deduction.
  const row = page.locator('[data-testid="template-row-builtin"][data-template-id="loss-deduction"]');
  const [download] = await Promise.all([page.waitForEvent('download'), row.getByTestId('template-export').click()]);
  expect(download.suggestedFilename()).toBe('loss-deduction-v1.json');
  const exported = JSON.parse(readFileSync((await download.path())!, 'utf8'));
  expect(exported).toMatchObject({ id: 'loss-deduction', version: 1 });

  // HR's adaptation: a store-specific name and an extra evidence item on the first step.
  const adapted = structuredClone(exported);
  adapted.name = { zh: '门店损失扣款', en: 'Store loss deduction' };
  adapted.steps[0].evidence.push({ kind: 'cctv-footage', label: { zh: '门店监控录像', en: 'Store CCTV footage' } });

  // A broken edit first: a bad step id and a law article the knowledge base does not have.
  const broken = structuredClone(adapted);
  broken.steps[1].id = 'Compute Deduction';
  broken.steps[0].law = ['wage-payment-99'];
  await byTest('template-import-file').setInputFiles(jsonFile('broken.json', broken));
  await poll(() => byTest('template-import-problems').isVisible()).toBe(true);
  const problems = await byTest('template-import-problems').innerText();
  expect(problems).toContain('steps.1.id');
  expect(problems).toContain('kebab-case');
  await shot('01-refused');
  expect(await byTest('template-row-custom').count()).toBe(0);
  // The unknown article alone is refused at its field too.
  const unknownLaw = structuredClone(adapted);
  unknownLaw.steps[0].law = ['wage-payment-99'];
  await byTest('template-import-file').setInputFiles(jsonFile('unknown-law.json', unknownLaw));
  await poll(() => byTest('template-import-problems').innerText()).toContain('wage-payment-99 is not in the law knowledge base');
  expect(await byTest('template-import-problems').innerText()).toContain('steps.0.law.0');
  expect(await byTest('template-row-custom').count()).toBe(0);

  await byTest('template-import-file').setInputFiles(jsonFile('store.json', adapted));
  await poll(() => byTest('template-row-custom').count()).toBe(1);
  expect(await byTest('template-import-problems').count()).toBe(0);
  const custom = byTest('template-row-custom');
  expect(await custom.getAttribute('data-template-id')).toBe('loss-deduction-custom');
  expect(await custom.innerText()).toContain('门店损失扣款');
  expect(await custom.getByTestId('template-derived-from').innerText()).toContain('源自 损失赔偿扣款 v1');
  await shot('02-imported');

  // Open a case from the copy.
  await page.goto(`${host.url}/#/cases/new`);
  await byTest('new-case-template').click();
  await page.getByRole('option', { name: '门店损失扣款（自定义 v1）' }).click();
  await byTest('new-case-employee').click();
  await page.getByRole('option').first().click();
  await poll(() => byTest('new-case-open').isEnabled()).toBe(true);
  await byTest('new-case-open').click();
  await poll(() => byTest('case-detail').isVisible()).toBe(true);
  expect(await page.locator('h1, h2, h3').first().innerText()).toContain('门店损失扣款');
  await poll(() => byTest('evidence-add-cctv-footage').isVisible()).toBe(true);
  // The written-notice step shows the employee's 送达地址确认书 (the first demo employee signed one).
  const check = byTest('step-written-notice').getByTestId('agreed-address-check');
  await poll(() => check.getAttribute('data-on-file')).toBe('true'); // once the employee record has loaded
  expect(await check.innerText()).toContain('送达地址确认书：已签署');
  const caseUrl = page.url();

  // The send dialog is pre-filled with the agreed addresses and says so per channel; a changed address is "other".
  await poll(() => byTest('notice-send-open').isVisible()).toBe(true);
  await byTest('notice-send-open').click();
  await poll(() => byTest('notice-address-sms').isVisible()).toBe(true);
  expect(await byTest('notice-address-sms').inputValue()).toMatch(/^1\d{10}$/);
  const kinds = (kind: string) => byTest('notice-addresses').locator(`[data-testid="address-kind"][data-kind="${kind}"]`).count();
  const agreedBefore = await kinds('agreed');
  expect(agreedBefore).toBeGreaterThanOrEqual(2); // SMS and WeCom at least (office staff have an email too)
  expect(await kinds('other')).toBe(0);
  await byTest('notice-address-sms').fill('13911112222');
  await poll(() => kinds('other')).toBe(1);
  expect(await kinds('agreed')).toBe(agreedBefore - 1);
  await shot('03-send-dialog');
  await page.keyboard.press('Escape');

  // After a reload the case still finds its template (by id and version, from the synced settings).
  await page.goto(`${host.url}/#/cases`);
  await poll(() => byTest('case-row').first().innerText()).toContain('门店损失扣款');
  await page.goto(caseUrl);
  await page.reload();
  await poll(() => byTest('case-detail').isVisible()).toBe(true);
  await poll(() => byTest('evidence-add-cctv-footage').isVisible()).toBe(true);
  await shot('04-case');

  // HR retires the copy: it is no longer offered for a new case, the open case keeps it; then offers it again.
  await page.goto(`${host.url}/#/cases/templates`);
  const copyRow = byTest('template-row-custom').filter({ hasText: 'loss-deduction-custom' });
  await copyRow.getByTestId('template-retire').click();
  await byTest('template-retire-reason').fill('门店改用新版扣款流程');
  await byTest('template-retire-confirm').click();
  await poll(() => copyRow.getByTestId('template-retired').isVisible()).toBe(true);
  expect(await copyRow.innerText()).toContain('门店改用新版扣款流程');
  await page.waitForTimeout(400); // the dialog finishes closing before the picture
  await shot('07-retired');
  await page.goto(`${host.url}/#/cases/new`);
  await byTest('new-case-template').click();
  await poll(() => page.getByRole('option').count()).toBeGreaterThan(0);
  expect(await page.getByRole('option', { name: '门店损失扣款（自定义 v1）' }).count()).toBe(0);
  await page.keyboard.press('Escape');
  await page.goto(caseUrl);
  await poll(() => byTest('evidence-add-cctv-footage').isVisible()).toBe(true);
  await page.goto(`${host.url}/#/cases/templates`);
  await copyRow.getByTestId('template-restore').click();
  await poll(() => copyRow.getByTestId('template-retired').count()).toBe(0);
  await page.goto(`${host.url}/#/cases/new`);
  await byTest('new-case-template').click();
  await poll(() => page.getByRole('option', { name: '门店损失扣款（自定义 v1）' }).count()).toBe(1);
  await page.keyboard.press('Escape');
});

it('HR records an employee’s 送达地址确认书 on the employee form; the detail shows it on file', async () => {
  // E0005 is one of the demo employees without a confirmation.
  await page.goto(`${host.url}/#/employees/emp-E0005`);
  await poll(() => byTest('d-agreed').innerText()).toContain('未登记送达地址确认书');
  await page.goto(`${host.url}/#/employees/emp-E0005/edit`);
  await poll(() => byTest('f-agreed-section').isVisible()).toBe(true);
  await byTest('f-agreed-postal').fill('广东省东莞市松山湖大学路 1 号 5 栋 302');
  await byTest('f-agreed-phone').fill('137 0013 7000');
  await byTest('f-agreed-confirmedOn').fill('2026-13-01');
  const chooser = page.waitForEvent('filechooser');
  await byTest('f-agreed-file').click();
  await (await chooser).setFiles({ name: '送达地址确认书.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 signed confirmation') });
  await poll(() => byTest('f-agreed-evidenceSha256').inputValue()).toMatch(/^[0-9a-f]{64}$/);
  await byTest('employee-save').click();
  // A date that does not exist is refused at its field; nothing is saved.
  await poll(() => byTest('f-agreed-confirmedOn').getAttribute('aria-invalid')).toBe('true');
  await byTest('f-agreed-section').scrollIntoViewIfNeeded();
  await shot('05-employee-form-error');
  await byTest('f-agreed-confirmedOn').fill('2026-03-01');
  await byTest('employee-save').click();
  await poll(() => page.url()).toMatch(/#\/employees\/emp-E0005$/);
  await poll(() => byTest('d-agreed').innerText()).toContain('已签署 2026-03-01');
  await byTest('toggle-sensitive').click();
  await poll(() => byTest('d-agreed').innerText()).toContain('13700137000');
  await byTest('d-agreed').scrollIntoViewIfNeeded();
  await shot('06-employee-detail');
});
