import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startWebApp } from '../../src-main/host/web-app.ts';
import { launchChromium, newAppPage } from './browser.ts';

// The work-chat review screen in real Chromium against the web host with demo employees: HR adapts a
// built-in keyword list and adds one of its own (both still there after a reload), a log of a personal
// account and a log with a bad row are refused, a GBK CSV and a JSON log of the work account are imported,
// findings are confirmed and dismissed, and after a reload the reviews, findings and decisions are all there
// without importing again; the preserved original downloads byte for byte, and a confirmed finding goes to
// a case together with that file.

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
const sha256 = (bytes: Buffer | Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** GBK bytes of a string, built by inverting the GB18030 decoder over the two-byte range. */
function encodeGbk(text: string): Buffer {
  const decoder = new TextDecoder('gb18030');
  const table = new Map<string, number[]>();
  for (let hi = 0x81; hi <= 0xfe; hi++) for (let lo = 0x40; lo <= 0xfe; lo++) if (lo !== 0x7f) table.set(decoder.decode(new Uint8Array([hi, lo])), [hi, lo]);
  return Buffer.from([...text].flatMap((ch) => (ch.charCodeAt(0) < 0x80 ? [ch.charCodeAt(0)] : table.get(ch)!)));
}

async function downloaded(click: () => Promise<void>): Promise<{ name: string; bytes: Buffer }> {
  const [dl] = await Promise.all([page.waitForEvent('download'), click()]);
  return { name: dl.suggestedFilename(), bytes: readFileSync((await dl.path())!) };
}

it('keeps keyword lists, reviews, findings and decisions, and the original file behind them', async () => {
  await page.goto(`${host.url}/#/chat-review`);
  await poll(() => byTest('pipl-notice').isVisible()).toBe(true);
  expect(await byTest('pipl-notice').innerText()).toContain('第十七条');

  // --- Keyword lists: adapt a built-in, add an own list; a broken list is refused and not saved.
  await byTest('chat-review-tab-lists').click();
  const insult = page.locator('[data-testid="kw-row"][data-list-id="insult-superior"]');
  await insult.getByTestId('kw-copy').click();
  const keywords = byTest('kw-keywords-input');
  await keywords.fill(`${await keywords.inputValue()}\n老板是个骗子`);
  await byTest('kw-save').click();
  await poll(() => insult.getByTestId('kw-source').innerText()).toBe('按本公司修改');

  await byTest('kw-new').click();
  await byTest('kw-id').fill('greeting-test');
  await byTest('kw-label-zh').fill('测试：问候语');
  await byTest('kw-label-en').fill('Test: greetings');
  await byTest('kw-category').fill('test');
  await byTest('kw-save').click(); // no keywords yet
  await poll(() => byTest('kw-problems').innerText()).toContain('至少填写一个关键词');
  await page.screenshot({ path: join(SHOTS, 'chat-review-list-editor.png') });
  await byTest('kw-keywords-input').fill('王总您好\n');
  await byTest('kw-editor').getByText('低', { exact: true }).click();
  await byTest('kw-save').click();
  const own = page.locator('[data-testid="kw-row"][data-list-id="greeting-test"]');
  await poll(() => own.getByTestId('kw-source').innerText()).toBe('本公司自建');
  await page.waitForTimeout(400); // the editor fades out
  await page.screenshot({ path: join(SHOTS, 'chat-review-lists.png') });

  await page.reload();
  await byTest('chat-review-tab-lists').click();
  await poll(() => own.getByTestId('kw-keywords').innerText()).toBe('王总您好');
  expect(await insult.getByTestId('kw-source').innerText()).toBe('按本公司修改');
  expect(await insult.getByTestId('kw-keywords').innerText()).toContain('老板是个骗子');
  await byTest('chat-review-tab-review').click();
  await poll(() => byTest('chat-review-keywords').innerText()).toContain('按本公司修改 1 个，本公司自建 1 个');

  // --- Pick an employee and a registered work account.
  await byTest('chat-review-employee').click();
  const option = page.getByRole('option').first();
  const label = await option.innerText();
  const name = label.split('（')[0]!.trim();
  await option.click();
  await poll(() => byTest('chat-review-account').inputValue()).toMatch(/^wecom · wecom-/);
  const account = (await byTest('chat-review-account').inputValue()).replace(/^wecom · /, '');

  // --- Refused: a bad row (nothing imported), and the export of an account that is not a work account.
  const txt = (body: string) => ({ name: 'chat.txt', mimeType: 'text/plain', buffer: Buffer.from(body, 'utf8') });
  await byTest('chat-review-file').setInputFiles(txt(`2026-03-01 10:00:00 ${name}: 您好\n2026-13-01 10:00:00 ${name}: 月份不存在\n`));
  await poll(() => byTest('chat-review-refusal').innerText()).toContain('第 2 行');
  const personal = { account: 'li-personal-wx', messages: [{ time: '2026-03-01 10:00', sender: account, text: '垃圾领导' }] };
  await byTest('chat-review-file').setInputFiles({ name: 'personal.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(personal), 'utf8') });
  await poll(() => byTest('chat-review-refusal').innerText()).toContain('「li-personal-wx」不是此员工登记的工作账号');
  expect(await byTest('chat-review-reviews').count()).toBe(0); // nothing stored

  // --- A GBK CSV as Excel on Chinese Windows saves it: own messages scanned with the adapted and own lists.
  const csv = encodeGbk(
    [
      '时间,发送人,内容,会话',
      `2026-03-01 10:00,${account},王总您好,王总`,
      '2026-03-01 10:01,王总,垃圾领导是谁？,王总',
      `2026-03-01 10:02,${account},"我们那个垃圾领导,啥也不懂",王总`,
      `2026-03-01 10:03,${account},说实话我们老板是个骗子,客户群`,
    ].join('\r\n'),
  );
  await byTest('chat-review-file').setInputFiles({ name: 'chat.csv', mimeType: 'text/csv', buffer: csv });
  await poll(() => page.getByTestId('chat-finding').count()).toBe(3);
  expect(await byTest('chat-review-result').innerText()).toContain('扫描本人消息 3 条，未扫描对方消息 1 条，发现 3 条（待审阅 3 条）');
  expect(await byTest('chat-review-file-sha').innerText()).toContain(sha256(csv));
  const finding = (text: string) => page.getByTestId('chat-finding').filter({ hasText: text });
  expect(await finding('老板是个骗子').innerText()).toContain('辱骂上级或同事');
  await page.screenshot({ path: join(SHOTS, 'chat-review-import.png') });
  await byTest('chat-review-findings-panel').screenshot({ path: join(SHOTS, 'chat-review-findings.png') });

  await finding('垃圾领导').getByTestId('finding-confirm').click();
  await poll(() => finding('垃圾领导').getByTestId('finding-status').innerText()).toBe('已确认');
  await finding('王总您好').getByTestId('finding-dismiss').click(); // no reason given: refused
  await poll(() => byTest('chat-review-problem').innerText()).toBe('排除该条需填写理由');
  await finding('王总您好').getByTestId('finding-note').fill('测试词表误报，正常问候');
  await finding('王总您好').getByTestId('finding-dismiss').click();
  await poll(() => finding('王总您好').getByTestId('finding-status').innerText()).toBe('已排除');

  // --- A JSON export of the same work account: a review of its own.
  const json = { account, messages: [{ time: '2026-03-02 09:00', sender: account, text: '这家公司要倒闭了', conversation: '客户群' }, { time: '2026-03-02 09:01', sender: '客户A', text: '真的吗' }] };
  const jsonBytes = Buffer.from(JSON.stringify(json, null, 2), 'utf8');
  await byTest('chat-review-file').setInputFiles({ name: 'chat.json', mimeType: 'application/json', buffer: jsonBytes });
  await poll(() => byTest('chat-review-result').innerText()).toContain('chat.json：扫描本人消息 1 条，未扫描对方消息 1 条，发现 1 条');
  await poll(() => page.getByTestId('chat-finding').count()).toBe(1);
  await poll(() => page.getByTestId('chat-review-row').count()).toBe(2);

  // --- After a reload nothing needs importing again: reviews, findings and decisions are stored.
  await page.reload();
  await poll(() => page.getByTestId('chat-review-row').count()).toBe(2);
  await poll(() => page.getByTestId('chat-finding').count()).toBe(2); // still to review: 老板是个骗子, 这家公司要倒闭了
  await byTest('finding-filter-status').getByText('已确认', { exact: true }).click();
  await poll(() => page.getByTestId('chat-finding').count()).toBe(1);
  expect(await byTest('chat-finding').innerText()).toContain('我们那个垃圾领导,啥也不懂');
  await byTest('finding-filter-status').getByText('已排除', { exact: true }).click();
  await poll(() => byTest('finding-decision-note').innerText()).toBe('测试词表误报，正常问候');
  await byTest('finding-filter-status').getByText('全部', { exact: true }).click();
  await poll(() => page.getByTestId('chat-finding').count()).toBe(4);
  await page.waitForTimeout(300); // the filter's indicator slides
  await byTest('chat-review-findings-panel').screenshot({ path: join(SHOTS, 'chat-review-after-reload.png') });

  // --- The preserved original, byte for byte.
  const csvRow = page.getByTestId('chat-review-row').filter({ hasText: 'chat.csv' });
  expect(await csvRow.innerText()).toContain('GB18030');
  const original = await downloaded(() => csvRow.getByTestId('review-download').click());
  expect(original.name).toBe('chat.csv');
  expect(sha256(original.bytes)).toBe(sha256(csv));
  const jsonOriginal = await downloaded(() => page.getByTestId('chat-review-row').filter({ hasText: 'chat.json' }).getByTestId('review-download').click());
  expect(jsonOriginal.bytes.equals(jsonBytes)).toBe(true);

  // --- A confirmed finding goes to the employee's open serious-violation case, with the original file.
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
  await byTest('finding-filter-status').getByText('已确认', { exact: true }).click();
  await poll(() => page.getByTestId('finding-attach').count()).toBe(1);
  await byTest('finding-attach').click();
  await poll(() => byTest('finding-attached').isVisible()).toBe(true);

  await page.goto(caseUrl);
  await poll(() => byTest('case-detail').innerText()).toContain('我们那个垃圾领导,啥也不懂');
  const file = page.getByTestId('evidence-row').filter({ hasText: '导出原件' });
  const fromCase = await downloaded(() => file.getByTestId('evidence-file-download').click());
  expect(sha256(fromCase.bytes)).toBe(sha256(csv));

  // Back on the review screen the attachment is read from the case, so it is shown after a reload too.
  await page.goto(`${host.url}/#/chat-review`);
  await byTest('finding-filter-status').getByText('已确认', { exact: true }).click();
  await poll(() => byTest('finding-attached').innerText()).toContain('附加到案件');
}, 180_000);
