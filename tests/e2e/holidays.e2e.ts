import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { HolidayYear } from '#shared/calendar/holiday-calendar';
import { missingHolidayYears } from '#shared/calendar/holiday-years';
import { EMPTY_CALENDAR } from '#shared/calendar/holiday-calendar';
import { scheduleLookup } from '#shared/attendance/work-schedule';
import { demoFactory } from '#shared/demo/factory';
import { PullResponse, SYNC_PROTOCOL_HEADER, SYNC_PROTOCOL_VERSION } from '#shared/sync/protocol';
import { localDateOf } from '#shared/time';
import { startWebApp } from '../../src-main/host/web-app.ts';
import { launchChromium, newAppPage } from './browser.ts';

// The holidays tab of 排班 in real Chromium against the web host (embedded sync server, demo company of 20):
// the missing-year warning; a file with broken rows is refused row by row and nothing is stored; a good 2027
// file is previewed, saved, listed and reaches the server; an entry is added in the form; the attendance
// day view then shows 2027's holiday and 调休 make-up day for the demo employees, also after a reload; a
// bundled year is adapted by HR and the adaptation deleted again, falling back to the bundled year.

const SHOTS = join('test-results', 'screenshots');
const tmp = mkdtempSync(join(tmpdir(), 'renshi-e2e-holidays-'));
let host: { url: string; close: () => Promise<void> };
let browser: Browser;
let page: Page;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  host = await startWebApp({ port: 0, dataDir: join(tmp, 'data'), staticDir: process.env.RENSHI_E2E_STATIC_DIR, demoData: true, demoEmployees: 20 });
  browser = await launchChromium();
  page = await newAppPage(browser, { height: 1000 });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await host?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 20_000, interval: 100 });
const shot = (name: string) => page.screenshot({ path: join(SHOTS, `holidays-${name}.png`), fullPage: true });
const byTest = (id: string) => page.getByTestId(id);
const yearRow = (year: number) => page.locator(`[data-testid="hol-year-row"][data-year="${year}"]`);
const jsonFile = (name: string, value: unknown) => ({ name, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(value, null, 2)) });

async function bridge<T>(name: string, input: object = {}): Promise<T> {
  const res = await fetch(`${host.url}/bridge/${name}`, { method: 'POST', body: JSON.stringify(input), headers: { 'content-type': 'application/json' } });
  const body = (await res.json()) as { ok: boolean; data: T };
  expect(body.ok).toBe(true);
  return body.data;
}

/** The holiday years the embedded sync server holds (what the server's missed-punch rule reads). */
async function serverHolidayYears(): Promise<Map<string, { deleted: boolean; calendar: HolidayYear }>> {
  const session = await bridge<{ serverUrl: string; token: string }>('syncSession');
  const res = await fetch(`${session.serverUrl}/sync/settings/pull?limit=1000`, { headers: { authorization: `Bearer ${session.token}`, [SYNC_PROTOCOL_HEADER]: String(SYNC_PROTOCOL_VERSION) } });
  const docs = PullResponse.parse(await res.json()).documents.filter((d) => d.kind === 'holiday_year');
  return new Map(docs.map((d) => [d.id, { deleted: d._deleted === true, calendar: d.calendar as HolidayYear }]));
}

// A made-up 2027 for the test (the real notice is the State Council's): 元旦, 春节 with its four statutory
// days, and a Sunday worked as a 调休 make-up day (a rest day for every demo shift otherwise).
const y2027: HolidayYear = {
  region: 'CN',
  year: 2027,
  source: '测试用 2027 年节假日安排（非官方）',
  days: [
    { date: '2027-01-01', kind: 'public_holiday', name: '元旦', statutory: true },
    ...['05', '06', '07', '08', '09', '10', '11'].map((d, i) => ({ date: `2027-02-${d}`, kind: 'public_holiday' as const, name: '春节', statutory: i < 4 })),
    { date: '2027-02-21', kind: 'makeup_workday', name: '春节', statutory: false },
  ],
};

// The demo's 做二休二 team works by its own cycle, not by weekday or 调休: how many of them work a date.
const company = demoFactory({ employees: 20 });
const scheduleOf = scheduleLookup(company.shifts, company.rotations);
const rotationWorkersOn = (date: string) =>
  company.employees.filter((e) => e.status !== 'terminated' && e.hireDate <= date && scheduleOf(e.shiftId)?.kind === 'rotation' && scheduleOf(e.shiftId)!.kindOn(EMPTY_CALENDAR, date) === 'workday').length;

async function openHolidaysTab() {
  await page.goto(`${host.url}/#/schedules`);
  await byTest('tab-holidays').click();
  await poll(() => byTest('hol-year-row').count()).toBeGreaterThanOrEqual(2);
}

/** The attendance day view on `date`: the status counts shown above the table. */
async function attendanceCounts(date: string): Promise<Record<string, number>> {
  await page.goto(`${host.url}/#/attendance`);
  await byTest('att-date').fill(date);
  await poll(() => byTest('att-row').count()).toBeGreaterThan(0);
  await poll(() => byTest('att-date').inputValue()).toBe(date);
  const counts: Record<string, number> = {};
  for (const badge of await byTest('att-counts').locator('[data-testid^="att-count-"]').all()) {
    const label = (await badge.getAttribute('data-testid'))!.replace('att-count-', '');
    counts[label] = Number((await badge.innerText()).match(/(\d+)\s*$/)![1]);
  }
  return counts;
}

it('HR imports the next year from a file (a broken one is refused row by row), adapts it in the form, and attendance follows it', async () => {
  // Before: 2027 is an ordinary week. 1 January is a working Friday, 21 February a Sunday off.
  const before = await attendanceCounts('2027-01-01');
  expect(before.holiday ?? 0).toBe(0);
  expect(before.not_yet).toBeGreaterThan(0);
  const sunday = await attendanceCounts('2027-02-21');
  expect(Object.keys(sunday).filter((l) => l !== 'not_yet')).toEqual(['rest']);
  expect(sunday.not_yet ?? 0).toBe(rotationWorkersOn('2027-02-21'));

  await openHolidaysTab();
  expect(await byTest('hol-year-row').evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-year'), r.getAttribute('data-origin')]))).toEqual([
    ['2026', 'bundled'],
    ['2025', 'bundled'],
  ]);
  // The warning names exactly the years attendance needs and lacks today (from November, next year too).
  const today = localDateOf(Date.now());
  const expectedMissing = missingHolidayYears([2025, 2026], today);
  await poll(async () => (await byTest('hol-missing').evaluateAll((as) => as.map((a) => Number(a.getAttribute('data-year')))))).toEqual(expectedMissing);
  if (expectedMissing.length) expect(await byTest('hol-missing').first().innerText()).toContain('缺卡预警');
  // The current year's entries are shown, with weekdays.
  await poll(() => byTest('hol-entries').getAttribute('data-year')).toBe(today.slice(0, 4));
  await shot('01-on-file');

  // A broken file: every broken row is named, nothing is stored and no preview opens.
  const broken = structuredClone(y2027) as unknown as { days: Record<string, unknown>[] };
  broken.days[1]!.date = '2026-02-05'; // row 2: not in 2027
  broken.days[3]!.date = '2027-01-01'; // row 4: 1 January again
  broken.days[5]!.kind = 'holiday'; // row 6: no such kind
  broken.days[8]!.statutory = true; // row 9: a statutory make-up day
  broken.days[2]!.name = ''; // row 3: no name
  await byTest('hol-import-file').setInputFiles(jsonFile('cn-2027-broken.json', broken));
  await poll(() => byTest('hol-import-problems').isVisible()).toBe(true);
  const problems = await byTest('hol-problem').evaluateAll((rs) => rs.map((r) => [r.getAttribute('data-row'), r.getAttribute('data-field'), r.getAttribute('data-code')]));
  expect(problems).toEqual([
    ['2', 'date', 'not_in_year'],
    ['3', 'name', 'required'],
    ['4', 'date', 'listed_twice'],
    ['6', 'kind', 'invalidChoice'],
    ['9', 'statutory', 'makeup_statutory'],
  ]);
  const refusedText = await byTest('hol-import-problems').innerText();
  expect(refusedText).toContain('「cn-2027-broken.json」未导入：5 处问题，没有保存任何内容');
  expect(refusedText).toContain('日期不在 2027 年内');
  expect(refusedText).toContain('调休上班日不能标为法定节假日');
  await shot('02-refused');
  expect(await byTest('hol-editor').count()).toBe(0);
  expect(await yearRow(2027).count()).toBe(0);

  // The good file: previewed first, stored only on save.
  await byTest('hol-import-file').setInputFiles(jsonFile('cn-2027.json', y2027));
  await poll(() => byTest('hol-editor-row').count()).toBe(y2027.days.length);
  expect(await byTest('hol-import-problems').count()).toBe(0);
  expect(await byTest('hol-editor-source').inputValue()).toBe(y2027.source);
  await shot('03-preview');
  expect(await yearRow(2027).count()).toBe(0);
  await byTest('hol-editor-save').click();
  await poll(() => yearRow(2027).getAttribute('data-origin')).toBe('added');
  expect(await yearRow(2027).getByTestId('hol-year-counts').innerText()).toBe('放假 8 天（法定 5 天）· 调休上班 1 天');
  expect(await yearRow(2027).getByTestId('hol-year-replaces').count()).toBe(0); // no bundled 2027 to replace
  await poll(async () => (await byTest('hol-missing').evaluateAll((as) => as.map((a) => Number(a.getAttribute('data-year')))))).toEqual(expectedMissing.filter((y) => y !== 2027));

  // HR adds 国庆节 in the form; a date in the wrong year is refused at its row first.
  await yearRow(2027).getByTestId('hol-year-edit').click();
  await poll(() => byTest('hol-editor-row').count()).toBe(y2027.days.length);
  await byTest('hol-editor-add').click();
  const added = byTest('hol-editor-row').last();
  await added.getByTestId('hol-editor-date').fill('2026-10-01');
  await added.getByTestId('hol-editor-name').fill('国庆节');
  await added.getByTestId('hol-editor-statutory').check();
  await byTest('hol-editor-save').click();
  await poll(() => byTest('hol-editor-problems').isVisible()).toBe(true);
  expect(await byTest('hol-editor-problems').locator('[data-testid="hol-problem"]').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-row')))).toEqual([String(y2027.days.length + 1)]);
  expect(await added.innerText()).toContain('日期不在 2027 年内');
  await shot('04-form-problem');
  await added.getByTestId('hol-editor-date').fill('2027-10-01');
  expect(await added.innerText()).toContain('周五');
  await byTest('hol-editor-save').click();
  await poll(() => byTest('hol-editor').count()).toBe(0);
  await poll(() => yearRow(2027).getByTestId('hol-year-counts').innerText()).toBe('放假 9 天（法定 6 天）· 调休上班 1 天');
  await yearRow(2027).getByTestId('hol-year-view').click();
  await poll(() => byTest('hol-entries').getAttribute('data-year')).toBe('2027');
  expect(await byTest('hol-entries').locator('[data-testid="hol-entry"][data-date="2027-10-01"]').innerText()).toContain('国庆节');
  await shot('05-listed');

  // It synced: the server holds HR's 2027 (what its missed-punch rule reads), entries in date order.
  await poll(async () => (await serverHolidayYears()).get('holidays|CN|2027')?.calendar.days.length).toBe(y2027.days.length + 1);
  const onServer = (await serverHolidayYears()).get('holidays|CN|2027')!;
  expect(onServer.calendar.days.at(-1)).toEqual({ date: '2027-10-01', kind: 'public_holiday', name: '国庆节', statutory: true });

  // Attendance: 1 January is the holiday for everyone on a shift; the make-up Sunday is worked.
  const newYear = await attendanceCounts('2027-01-01');
  expect(newYear.holiday).toBeGreaterThan(0);
  expect(Object.keys(newYear).filter((l) => l !== 'holiday' && l !== 'no_shift')).toEqual([]);
  expect(await byTest('att-status').first().getAttribute('data-status')).toBe('holiday');
  await shot('06-attendance-holiday');
  const makeup = await attendanceCounts('2027-02-21');
  expect(makeup.rest ?? 0).toBe(0); // everyone on a fixed shift works the make-up day, and the team's cycle has it worked too
  expect(makeup.not_yet).toBeGreaterThan(rotationWorkersOn('2027-02-21'));

  // A reload keeps all of it.
  await page.reload();
  await poll(() => byTest('att-row').count()).toBeGreaterThan(0);
  expect((await attendanceCounts('2027-01-01')).holiday).toBe(newYear.holiday);
  await openHolidaysTab();
  await poll(() => yearRow(2027).getAttribute('data-origin')).toBe('added');
  expect(await yearRow(2027).getByTestId('hol-year-source').innerText()).toBe(y2027.source);
});

it('HR starts a year from a copy of another, which needs its notice; adapts a bundled year, and deleting the adaptation falls back to the bundled year', async () => {
  await openHolidaysTab();
  // A new year copied from 2027: the same month-days in the new year; no notice named, nothing saved.
  await byTest('hol-add').click();
  const next = Number(await byTest('hol-editor-year').inputValue());
  expect(next).toBeGreaterThan(2027);
  await byTest('hol-editor-copy').click();
  await page.getByRole('option', { name: '2027' }).click();
  await poll(() => byTest('hol-editor-row').count()).toBe(y2027.days.length + 1);
  expect(await byTest('hol-editor-date').first().inputValue()).toBe(`${next}-01-01`);
  await byTest('hol-editor-save').click();
  await poll(() => byTest('hol-editor-problems').isVisible()).toBe(true);
  expect(await byTest('hol-editor-problems').locator('[data-testid="hol-problem"]').evaluateAll((rs) => rs.map((r) => [r.getAttribute('data-field'), r.getAttribute('data-code')]))).toEqual([['source', 'required']]);
  await page.getByRole('dialog').getByRole('button', { name: '取消' }).click();
  await poll(() => byTest('hol-editor').count()).toBe(0);
  expect(await yearRow(next).count()).toBe(0);

  const bundledCounts = await yearRow(2026).getByTestId('hol-year-counts').innerText();
  await yearRow(2026).getByTestId('hol-year-override').click();
  await poll(() => byTest('hol-editor-row').count()).toBeGreaterThan(20);
  expect(await byTest('hol-editor-overrides').innerText()).toContain('替代内置的 2026 年安排');
  const rowsBefore = await byTest('hol-editor-row').count();
  // The factory works 2026-10-07 (the last 国庆 day off).
  const oct7 = byTest('hol-editor-row').filter({ has: page.locator('input[value="2026-10-07"]') });
  await oct7.getByTestId('hol-editor-remove').click();
  const notice = await byTest('hol-editor-source').inputValue();
  await byTest('hol-editor-source').fill(`${notice}；本厂 10 月 7 日照常上班`);
  expect(await byTest('hol-editor-row').count()).toBe(rowsBefore - 1);
  await shot('07-adapt-bundled');
  await byTest('hol-editor-save').click();
  await poll(() => yearRow(2026).getAttribute('data-origin')).toBe('added');
  expect(await yearRow(2026).getByTestId('hol-year-replaces').isVisible()).toBe(true);
  expect(await yearRow(2026).innerText()).toContain('本厂 10 月 7 日照常上班');
  await page.waitForTimeout(300); // the editor finishes closing before the picture
  await shot('08-adapted');
  await poll(async () => (await serverHolidayYears()).get('holidays|CN|2026')?.deleted).toBe(false);

  await yearRow(2026).getByTestId('hol-year-delete').click();
  expect(await page.getByRole('dialog').innerText()).toContain('删除后考勤改用内置的 2026 年安排');
  await byTest('hol-delete-confirm').click();
  await poll(() => yearRow(2026).getAttribute('data-origin')).toBe('bundled');
  expect(await yearRow(2026).getByTestId('hol-year-counts').innerText()).toBe(bundledCounts);
  // The deletion replicates too.
  await poll(async () => (await serverHolidayYears()).get('holidays|CN|2026')?.deleted).toBe(true);
  expect((await serverHolidayYears()).get('holidays|CN|2027')?.deleted).toBe(false);
});
