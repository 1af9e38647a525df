import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readSheet } from 'read-excel-file/node';
import writeXlsxFile from 'write-excel-file/node';
import { fieldOfHeader } from '#shared/import/employees';
import { addDays, localDateOf } from '#shared/time';
import { startWebApp } from '../../src-main/host/web-app.ts';
import { launchChromium, newAppPage } from './browser.ts';

// One walk through the employee screens in real Chromium against the real web host and a fresh local
// database: org setup, create, edit, search, an import refused for one bad row, a valid import, reload.

const SHOTS = join('test-results', 'screenshots');
const tmp = mkdtempSync(join(tmpdir(), 'renshi-e2e-emp-'));
let host: { url: string; close: () => Promise<void> };
let browser: Browser;
let page: Page;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  host = await startWebApp({ port: 0, dataDir: join(tmp, 'data'), demoData: false });
  browser = await launchChromium();
  page = await newAppPage(browser);
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
  rmSync(tmp, { recursive: true, force: true });
});

// Generous waits: the machine is shared, and a loaded CPU must not turn into a red test.
const poll = <T,>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 20_000, interval: 100 });
const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`) });
const byTest = (id: string) => page.getByTestId(id);

/** GBK bytes of a string, built by inverting Node's GB18030 decoder over the two-byte range. */
function encodeGbk(text: string): Buffer {
  const decoder = new TextDecoder('gb18030');
  const table = new Map<string, number[]>();
  for (let hi = 0x81; hi <= 0xfe; hi++) for (let lo = 0x40; lo <= 0xfe; lo++) if (lo !== 0x7f) table.set(decoder.decode(new Uint8Array([hi, lo])), [hi, lo]);
  return Buffer.from([...text].flatMap((ch) => (ch.charCodeAt(0) < 0x80 ? [ch.charCodeAt(0)] : (table.get(ch) ?? [0x3f]))));
}

async function pickOption(testId: string, option: string) {
  await byTest(testId).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

it('creates, edits, searches and imports employees, and keeps them across a reload', async () => {
  await page.goto(host.url);
  await poll(() => page.getByText('还没有员工档案').isVisible()).toBe(true);
  await shot('01-empty-directory');

  // --- Departments & sites
  await byTest('nav-org').click();
  await byTest('new-site').click();
  await byTest('org-save').click();
  await poll(() => page.getByText('必填').count()).toBeGreaterThanOrEqual(2); // name and code
  await byTest('org-name').fill('东莞一厂');
  await byTest('org-code').fill('DG1');
  await byTest('org-save').click();
  await poll(() => byTest('site-row').count()).toBe(1);
  await byTest('new-department').click();
  await byTest('org-name').fill('装配部');
  await byTest('org-code').fill('ZP');
  await byTest('org-save').click();
  await poll(() => byTest('department-row').count()).toBe(1);
  await byTest('new-department').click();
  await byTest('org-name').fill('品质部');
  await byTest('org-code').fill('zp'); // codes are unique regardless of case
  await byTest('org-save').click();
  await poll(() => page.getByText('编码已被「装配部」使用').isVisible()).toBe(true);
  await shot('02-org-code-taken');
  await byTest('org-code').fill('QA');
  await byTest('org-save').click();
  await poll(() => byTest('department-row').count()).toBe(2);
  await shot('03-org');

  // --- Create an employee, first tripping validation
  await byTest('nav-employees').click();
  await byTest('new-employee').click();
  await byTest('employee-save').click();
  await poll(() => page.getByText('必填').count()).toBeGreaterThanOrEqual(3); // 工号, 姓名, 部门
  await byTest('f-employeeNo').fill('A001');
  await byTest('f-name').fill('张三');
  await pickOption('f-department', '装配部（ZP）');
  await byTest('f-phone').fill('138 0013 8000');
  await byTest('f-hireDate').fill('2024/3/1');
  await byTest('f-idNumber').fill('110105194912310021'); // wrong check digit
  await byTest('add-emergencyContacts').click();
  await byTest('f-contact-0-name').fill('张父');
  await byTest('f-contact-0-phone').fill('12345');
  await byTest('add-certificates').click();
  await byTest('f-cert-0-kind').fill('特种作业操作证');
  const soon = addDays(localDateOf(Date.now()), 30);
  await byTest('f-cert-0-expires').fill(soon);
  await poll(() => byTest('cert-expiry').textContent()).toBe('30 天后到期');
  await byTest('employee-save').click();
  await poll(() => page.getByText('身份证号校验位不正确').isVisible()).toBe(true);
  await poll(() => page.getByText('不是有效的手机或座机号码').isVisible()).toBe(true);
  await shot('04-form-errors');
  await byTest('f-idNumber').fill('11010519491231002X');
  await byTest('f-contact-0-phone').fill('13900139000');
  await byTest('employee-save').click();
  await poll(() => byTest('detail-name').textContent()).toBe('张三');
  await poll(() => byTest('d-phone').textContent()).toBe('13800138000');
  await poll(() => byTest('d-idNumber').textContent()).toBe('110105********002X');
  await poll(() => byTest('history-item').count()).toBe(1);
  await poll(() => page.getByText('30 天后到期').isVisible()).toBe(true);
  await shot('05-detail-created');

  // --- Edit
  await byTest('edit-employee').click();
  await byTest('f-position').fill('班组长');
  await pickOption('f-status', '在职');
  await byTest('employee-save').click();
  await poll(() => byTest('d-position').textContent()).toBe('班组长');
  await poll(() => byTest('history-item').count()).toBe(2);
  await shot('06-detail-edited');

  // --- The downloadable template is a real .xlsx whose example row uses this company's units
  await byTest('nav-import').click();
  const templateDownload = page.waitForEvent('download');
  await byTest('download-template').click();
  const templateFile = join(tmp, 'template.xlsx');
  await (await templateDownload).saveAs(templateFile);
  const template = await readSheet(templateFile);
  expect(template[0]?.slice(0, 4)).toEqual(['工号*', '姓名*', '性别', '部门*']);
  expect(template[1]?.slice(3, 5)).toEqual(['品质部', '东莞一厂']);

  // --- Import: one bad row refuses the whole file
  const header = ['工号', '姓名', '部门', '厂区', '职位', '入职日期', '状态', '手机', '考勤号'];
  const bad = join(tmp, 'bad.csv');
  // Saved as GBK, as Excel on Chinese Windows writes CSV: the import must decode it.
  writeFileSync(
    bad,
    encodeGbk([header, ['B001', '李四', '装配部', 'DG1', '操作工', '2025-01-06', '在职', '13700137000', '2001'], ['B002', '王五', '财务部', 'DG1', '会计', '2025-01-06', '在职', '', '2002'], ['A001', '重复', 'QA', '', '', '2025-01-06', '', '', '']]
      .map((r) => r.join(','))
      .join('\n')),
  );
  await byTest('nav-import').click();
  await byTest('import-file').setInputFiles(bad);
  await poll(() => byTest('import-blocked').isVisible()).toBe(true);
  await poll(() => byTest('import-error').allTextContents()).toEqual(['3部门找不到部门「财务部」', '4工号工号「A001」已存在（张三）']);
  expect(await byTest('import-commit').isDisabled()).toBe(true);
  await shot('07-import-refused');
  await byTest('nav-employees').click();
  await poll(() => byTest('employee-count').textContent()).toBe('共 1 人');

  // --- Import: a valid .xlsx goes in whole
  const good = join(tmp, 'good.xlsx');
  await writeXlsxFile([
    header,
    ['B001', '李四', '装配部', 'DG1', '操作工', '2025-01-06', '在职', '13700137000', '2001'],
    ['B002', '王五', 'QA', '东莞一厂', '质检员', new Date(Date.UTC(2025, 0, 7)), '试用期', '', '2002'],
    ['B003', '赵六', 'ZP', '', '操作工', '2025/1/8', '', '13600136000', '2003'],
  ], { dateFormat: 'yyyy-mm-dd' }).toFile(good);
  await byTest('nav-import').click();
  await byTest('import-file').setInputFiles(good);
  await poll(() => byTest('import-ready').isVisible()).toBe(true);
  await shot('08-import-preview');
  await byTest('import-commit').click();
  await poll(() => byTest('import-done-count').textContent()).toBe('已导入 3 名员工');
  await shot('09-import-done');
  await byTest('import-view-directory').click();
  await poll(() => byTest('employee-count').textContent()).toBe('共 4 人');

  // --- Search by name, number, phone and device PIN
  const search = async (q: string) => {
    await byTest('employee-search').fill(q);
    await poll(async () => (await byTest('employee-count').textContent()) ?? '').toMatch(/^筛选出/);
  };
  await search('B00');
  await poll(() => byTest('employee-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-employee-no')))).toEqual(['B001', 'B002', 'B003']);
  await search('13600136000');
  await poll(() => byTest('employee-count').textContent()).toBe('筛选出 1 人 / 共 4 人');
  await search('2002');
  await poll(() => byTest('employee-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-employee-no')))).toEqual(['B002']);
  await search('张三');
  await poll(() => byTest('employee-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-employee-no')))).toEqual(['A001']);
  await shot('10-search');

  // --- Export what the directory shows (the search result) to .xlsx and read it back
  const download = page.waitForEvent('download');
  await byTest('export-xlsx').click();
  const file = join(tmp, 'export.xlsx');
  await (await download).saveAs(file);
  const exported = await readSheet(file);
  expect(exported[0]?.slice(0, 2)).toEqual(['工号', '姓名']);
  // Every exported column is one the import reads back, the shift or rotation (班次) included.
  expect(exported[0]!.map((h) => fieldOfHeader(String(h)))).toEqual(['employeeNo', 'name', 'gender', 'department', 'site', 'position', 'hireDate', 'status', 'phone', 'email', 'devicePin', 'schedule']);
  expect(exported.slice(1).map((r) => r.slice(0, 2))).toEqual([['A001', '张三']]);
  await byTest('employee-search').fill('');
  await pickOption('filter-status', '试用期');
  await poll(() => byTest('employee-count').textContent()).toBe('筛选出 1 人 / 共 4 人');
  await byTest('employee-row').first().click();
  await poll(() => byTest('detail-name').textContent()).toBe('王五');
  await poll(() => page.getByText('导入', { exact: true }).isVisible()).toBe(true); // history starts with the import
  await poll(() => byTest('history-summary').textContent()).toBe('从文件「good.xlsx」导入');

  // --- Back to the list: filters are as they were left; sort by hire date both ways
  const order = () => byTest('employee-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-employee-no')));
  await byTest('nav-employees').click();
  await poll(() => byTest('employee-count').textContent()).toBe('筛选出 1 人 / 共 4 人');
  await page.getByRole('button', { name: '清除筛选' }).first().click();
  await byTest('sort-hireDate').click();
  await poll(order).toEqual(['A001', 'B001', 'B002', 'B003']);
  await byTest('sort-hireDate').click();
  await poll(order).toEqual(['B003', 'B002', 'B001', 'A001']);

  // --- Org headcount links to the directory filtered to that department
  await byTest('nav-org').click();
  await poll(() => byTest('org-headcount').allTextContents()).toEqual(['4', '1', '3']); // site; departments by code: QA 品质部, ZP 装配部
  await byTest('org-headcount').nth(2).click();
  await poll(() => byTest('employee-count').textContent()).toBe('筛选出 3 人 / 共 4 人');

  // --- A new employee is offered the next number in the prevailing pattern; leaving asks only after edits
  await byTest('new-employee').click();
  await poll(() => byTest('f-employeeNo').inputValue()).toBe('B004');
  await byTest('employee-cancel').click();
  await poll(() => byTest('employee-count').isVisible()).toBe(true);
  await byTest('new-employee').click();
  await byTest('f-name').fill('未保存');
  await byTest('employee-cancel').click();
  await byTest('discard-confirm').click();
  await poll(() => byTest('employee-count').textContent()).toBe('筛选出 3 人 / 共 4 人');

  // --- Reload: the local database keeps everything; the language choice persists too
  await page.goto(`${host.url}/#/employees`);
  await page.reload();
  await poll(() => byTest('employee-count').textContent()).toBe('共 4 人');
  await page.getByText('English', { exact: true }).click();
  await poll(() => byTest('employee-count').textContent()).toBe('4 employees');
  await page.reload();
  await poll(() => byTest('employee-count').textContent()).toBe('4 employees');
  await shot('11-reloaded-english');
});
