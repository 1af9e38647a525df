import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startWebApp } from '../../src-main/host/web-app.ts';
import { launchChromium, newAppPage } from './browser.ts';

// The work-chat review screen in real Chromium against the web host with demo employees: the PIPL notice,
// a log refused for one bad row, a valid log whose own messages are scanned, and a finding confirmed.

const SHOTS = join('test-results', 'screenshots');
const tmp = mkdtempSync(join(tmpdir(), 'renshi-e2e-chat-'));
let host: { url: string; close: () => Promise<void> };
let browser: Browser;
let page: Page;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  host = await startWebApp({ port: 0, dataDir: join(tmp, 'data'), staticDir: process.env.RENSHI_E2E_STATIC_DIR, demoData: true, demoEmployees: 20 });
  browser = await launchChromium();
  page = await newAppPage(browser);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await host?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const poll = <T,>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 20_000, interval: 100 });
const byTest = (id: string) => page.getByTestId(id);

it('imports a work account’s chat log, refuses a bad one, and records a review decision', async () => {
  await page.goto(`${host.url}/#/chat-review`);
  await poll(() => byTest('pipl-notice').isVisible()).toBe(true);
  expect(await byTest('pipl-notice').innerText()).toContain('第十七条');

  await byTest('chat-review-employee').click();
  const option = page.getByRole('option').first();
  const label = await option.innerText();
  const name = label.split('（')[0]!.trim();
  await option.click();
  await poll(() => byTest('chat-review-account').inputValue()).toMatch(/^wecom · wecom-/);

  const file = (body: string) => ({ name: 'chat.txt', mimeType: 'text/plain', buffer: Buffer.from(body, 'utf8') });
  await byTest('chat-review-file').setInputFiles(file(`2026-03-01 10:00:00 ${name}: 您好\n2026-13-01 10:00:00 ${name}: 月份不存在\n`));
  await poll(() => byTest('chat-review-refusal').isVisible()).toBe(true);
  expect(await byTest('chat-review-refusal').innerText()).toContain('第 2 行');

  const log = [`2026-03-01 10:00:00 ${name}: 王总您好`, `2026-03-01 10:02:00 ${name}: 我们那个垃圾领导啥也不懂`, '2026-03-01 10:03:00 王总: 垃圾领导是谁？', `2026-03-01 10:04:00 ${name}: 不要和这家公司合作了`].join('\n');
  await byTest('chat-review-file').setInputFiles(file(log));
  await poll(() => page.getByTestId('chat-finding').count()).toBe(2);
  expect(await byTest('chat-review-result').innerText()).toContain('扫描本人消息 3 条，未扫描对方消息 1 条');
  await page.screenshot({ path: join(SHOTS, 'chat-review-findings.png') });

  await page.getByTestId('finding-confirm').first().click();
  await poll(() => byTest('finding-status').first().innerText()).toBe('已确认');
  await page.getByTestId('finding-dismiss').first().click(); // no reason given: refused
  await poll(() => page.getByText('排除该条需填写理由').isVisible()).toBe(true);
  expect(await page.getByTestId('finding-status').count()).toBe(1);

  // The decision is in the audit trail: importing the same log again brings the finding back confirmed.
  await page.reload();
  await byTest('chat-review-employee').click();
  await page.getByRole('option', { name: label, exact: true }).click();
  await byTest('chat-review-file').setInputFiles(file(log));
  await poll(() => page.getByTestId('chat-finding').count()).toBe(2);
  await poll(() => byTest('finding-status').first().innerText()).toBe('已确认');
  expect(await page.getByTestId('finding-status').count()).toBe(1);

  // HR's own keyword file replaces the defaults; a broken one is refused with the path of the problem.
  const json = (body: unknown) => ({ name: 'keywords.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(body), 'utf8') });
  await byTest('chat-review-keyword-file').setInputFiles(json({ version: 3, lists: [{ id: 'x', role: 'all', category: 'c', severity: 'low', label: { zh: '测试', en: 't' }, keywords: [] }] }));
  await poll(() => page.getByText('lists.0.keywords').isVisible()).toBe(true);
  await byTest('chat-review-keyword-file').setInputFiles(json({ version: 3, lists: [{ id: 'x', role: 'all', category: 'c', severity: 'low', label: { zh: '测试', en: 't' }, keywords: ['王总您好'] }] }));
  await poll(() => byTest('chat-review-keywords').innerText()).toContain('第 3 版');
  await byTest('chat-review-file').setInputFiles(file(log));
  await poll(() => page.getByTestId('chat-finding').count()).toBe(1);
  expect(await page.getByTestId('chat-finding').innerText()).toContain('王总您好');

  // A confirmed finding goes to the employee's open serious-violation case as its violation record.
  await page.goto(`${host.url}/#/cases`);
  await byTest('cases-new').click();
  await byTest('new-case-template').click();
  await page.getByRole('option', { name: '严重违纪解除', exact: true }).click();
  await byTest('new-case-employee').click();
  await page.getByRole('option', { name: label.split(' · ')[0]!, exact: true }).click();
  await byTest('new-case-open').click();
  await poll(() => byTest('case-detail').isVisible()).toBe(true);
  const caseUrl = page.url();

  await page.goto(`${host.url}/#/chat-review`);
  await byTest('chat-review-employee').click();
  await page.getByRole('option', { name: label, exact: true }).click();
  await byTest('chat-review-file').setInputFiles(file(log));
  await poll(() => byTest('finding-status').first().innerText()).toBe('已确认');
  await byTest('finding-attach').click();
  await poll(() => byTest('finding-attached').isVisible()).toBe(true);

  await page.goto(caseUrl);
  await poll(() => byTest('case-detail').innerText()).toContain('我们那个垃圾领导啥也不懂');
}, 120_000);
