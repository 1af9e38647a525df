import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { dayKind, buildCalendar, HolidayYear } from '#shared/calendar/holiday-calendar';
import { demoFactory } from '#shared/demo/factory';
import type { Employee } from '#shared/schemas/employee';
import { addDays, localDateOf } from '#shared/time';
import cn2025 from '../../resources/holidays/cn-2025.json';
import cn2026 from '../../resources/holidays/cn-2026.json';
import { startWebApp } from '../../src-main/host/web-app.ts';
import { makeUsers, ZkSimulator, type SimRecord } from '../simulators/zkteco/zk-simulator.ts';
import { launchChromium, newAppPage } from './browser.ts';

// The device and attendance screens in real Chromium against the real web host, a fresh local database
// with the demo company (30 people), and a ZKTeco simulator on an ephemeral port: point the demo device at
// the simulator, test it, pull, see the punches in the live feed and the day computed on the attendance
// screen; pulling again adds nothing; clearing the log pulls first; a USB file with a bad row is refused
// whole; a 补卡 needs a reason and changes the day only once approved.

const SHOTS = join('test-results', 'screenshots');
const tmp = mkdtempSync(join(tmpdir(), 'renshi-e2e-dev-'));
const SERIAL = 'ZK-E2E-0001';
const company = demoFactory({ employees: 30 });
const calendar = buildCalendar([HolidayYear.parse(cn2025), HolidayYear.parse(cn2026)]);

// A recent past date every shift works (not a holiday, Monday–Friday), so statuses are settled.
const today = localDateOf(Date.now());
let D = addDays(today, -2);
while (company.shifts.some((s) => dayKind(calendar, D, s) !== 'workday')) D = addDays(D, -1);

const employed = company.employees.filter((e) => e.status === 'active' && e.hireDate < D);
const pickOn = (shiftId: string, skip: Employee[] = []) => employed.find((e) => e.shiftId === shiftId && !skip.includes(e))!;
const onTime = pickOn('shift-day'); // 08:00–17:00
const late = pickOn('shift-office'); // 09:00–18:00, grace 10
const halfDay = pickOn('shift-day', [onTime]);
const absent = pickOn('shift-office', [late]);
const records: SimRecord[] = [
  { pin: onTime.devicePin, localTime: `${D} 07:52:10`, verifyMode: 1, punchState: 0 },
  { pin: onTime.devicePin, localTime: `${D} 17:03:40`, verifyMode: 1, punchState: 1 },
  { pin: late.devicePin, localTime: `${D} 09:23:05`, verifyMode: 1, punchState: 0 },
  { pin: late.devicePin, localTime: `${D} 18:01:00`, verifyMode: 1, punchState: 1 },
  { pin: halfDay.devicePin, localTime: `${D} 07:58:00`, verifyMode: 1, punchState: 0 },
  { pin: 'E9999', localTime: `${D} 08:30:00`, verifyMode: 1, punchState: 0 }, // nobody has this PIN
];

let sim: ZkSimulator;
let host: { url: string; close: () => Promise<void> };
let browser: Browser;
let page: Page;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  sim = await new ZkSimulator({ host: '127.0.0.1', port: 0, serialNumber: SERIAL, users: makeUsers(30), records: [...records], udp: false, clockSkewMs: 125_000 }).start();
  host = await startWebApp({ port: 0, dataDir: join(tmp, 'data'), demoData: true, demoEmployees: 30 });
  browser = await launchChromium();
  page = await newAppPage(browser, { width: 1440 });
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
  await sim?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

// Generous waits: the machine is shared, and a loaded CPU must slow this test down, not fail it.
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 15_000, interval: 100 });
const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`) });
const byTest = (id: string) => page.getByTestId(id);
const deviceRow = (id: string) => page.locator(`[data-testid="device-row"][data-device-id="${id}"]`);
const attRow = (e: Employee) => page.locator(`[data-testid="att-row"][data-employee-no="${e.employeeNo}"]`);
const feedRows = () => byTest('feed-row');

it('points a device at the simulator, pulls without duplicates, and shows the computed day', async () => {
  await page.goto(`${host.url}/#/devices`);
  await poll(() => byTest('device-row').count()).toBe(2);

  // The demo's Hanvon terminal is not running here: switch its polling off.
  await deviceRow('device-hz2-gate').getByTestId('device-edit').click();
  await page.getByRole('switch').click();
  await byTest('device-save').click();
  await poll(() => deviceRow('device-hz2-gate').getByTestId('device-state').textContent()).toBe('已停用');

  // Point the ZKTeco terminal at the simulator and test it from the form.
  await deviceRow('device-dg1-gate').getByTestId('device-edit').click();
  await byTest('device-host').fill('127.0.0.1');
  await page.getByLabel('端口').fill(String(sim.address.port));
  await byTest('device-form-test').click();
  await poll(() => byTest('test-result').textContent()).toContain(SERIAL);
  await shot('devices-01-form-tested');
  await byTest('device-save').click();
  await poll(() => deviceRow('device-dg1-gate').textContent()).toContain(`${sim.address.port}`);

  // Test from the list: serial, firmware, counts, skew and latency.
  await deviceRow('device-dg1-gate').getByTestId('device-test').click();
  const result = byTest('test-result');
  await poll(() => result.textContent()).toContain(SERIAL);
  expect(await result.textContent()).toMatch(/打卡记录数\s*6/);
  await page.keyboard.press('Escape');

  // Pull now (saving the device already scheduled a first pull): punches reach the feed with employee
  // names; the unknown PIN is stored but unmatched.
  const pullAndWait = async () => {
    const button = deviceRow('device-dg1-gate').getByTestId('device-pull');
    await button.click();
    await poll(() => page.getByText(/读取 6 条/).count()).toBeGreaterThan(0);
    await poll(() => button.getAttribute('data-loading')).toBeNull();
  };
  await pullAndWait();
  await poll(() => feedRows().count()).toBe(6);
  const feed = await byTest('punch-feed').textContent();
  for (const e of [onTime, late, halfDay]) expect(feed).toContain(e.name);
  expect(feed).toContain('未匹配 · 考勤号 E9999');
  await poll(() => deviceRow('device-dg1-gate').getByTestId('device-unmatched').textContent()).toBe('1');
  await poll(() => deviceRow('device-dg1-gate').getByTestId('device-state').textContent()).toBe('正常');
  // The terminal's clock runs 2 min 5 s fast: warned about, and fixed from the menu.
  // (device clocks tick in whole seconds, so the reading is 2 min 4 s or 2 min 5 s)
  await poll(async () => (await byTest('device-alert').allTextContents()).join('|')).toMatch(/「东莞一厂 大门考勤机」时钟偏差 \+2 min [45] s，超过 1 分钟/);
  await shot('devices-02-pulled');
  await deviceRow('device-dg1-gate').getByTestId('device-more').click();
  await byTest('device-set-time').click();
  await poll(() => Math.abs(sim.clockSkewMs)).toBeLessThan(2_000);

  // Pulling again re-reads the overlap window but stores nothing twice (and sees the corrected clock).
  await pullAndWait();
  await poll(() => byTest('device-alert').count()).toBe(0);
  await poll(() => page.getByText(/新增 0 条/).count()).toBeGreaterThan(0);
  expect(await feedRows().count()).toBe(6);

  // Clearing the device log asks first, says it pulls first, and keeps every punch already stored.
  await deviceRow('device-dg1-gate').getByTestId('device-more').click();
  await byTest('device-clear').click();
  await poll(() => page.getByText('系统会先完整拉取一次').count()).toBe(1);
  await shot('devices-03-clear-confirm');
  await byTest('device-clear-confirm').click();
  await poll(() => sim.records.length).toBe(0);
  expect(await feedRows().count()).toBe(6);

  // USB import: a file with a bad row is refused whole; the fixed file adds only the new punch.
  const usbFile = (name: string, lines: string[]) => {
    const path = join(tmp, name);
    writeFileSync(path, lines.join('\r\n'));
    return path;
  };
  const halfDayOut = `${D} 15:01:00`;
  await byTest('usb-import-open').click();
  await byTest('import-device').click();
  await page.getByRole('option', { name: '东莞一厂 大门考勤机' }).click();
  await page.locator('[data-testid="usb-import"] input[type="file"]').setInputFiles(
    usbFile('bad_attlog.dat', [`${onTime.devicePin}\t${D} 07:52:10\t1\t0\t0\t0`, `${halfDay.devicePin}\t${D} 25:01:00\t1\t1\t0\t0`]),
  );
  await byTest('import-preview').click();
  await poll(() => byTest('import-error-count').textContent()).toBe('1 行有错误');
  expect(await byTest('import-commit').isDisabled()).toBe(true);
  await shot('devices-04-usb-refused');
  await page.locator('[data-testid="usb-import"] input[type="file"]').setInputFiles(
    usbFile('attlog.dat', [`${onTime.devicePin}\t${D} 07:52:10\t1\t0\t0\t0`, `${halfDay.devicePin}\t${halfDayOut}\t1\t1\t0\t0`]),
  );
  await byTest('import-preview').click();
  await poll(() => byTest('import-row-count').textContent()).toBe('2 条打卡');
  await byTest('import-commit').click();
  await poll(() => page.getByText('新增 1 条（文件共 2 条，其余已存在）').count()).toBe(1);
  await poll(() => feedRows().count()).toBe(7);

  // Attendance for the day: statuses computed from the stored punches.
  await byTest('nav-attendance').click();
  await byTest('att-date').fill(D);
  await poll(() => attRow(onTime).getByTestId('att-status').getAttribute('data-status')).toBe('present');
  expect(await attRow(late).getByTestId('att-status').getAttribute('data-status')).toBe('late');
  expect(await attRow(late).locator('td').nth(7).textContent()).toBe('24'); // 09:23:05 against 09:00: any started minute counts
  expect(await attRow(halfDay).getByTestId('att-status').getAttribute('data-status')).toBe('early_leave'); // out 15:01, from the USB file
  expect(await attRow(absent).getByTestId('att-status').textContent()).toBe('缺勤（未打卡）');
  expect(await page.locator('body').textContent()).not.toContain('旷工');
  expect(await attRow(onTime).getByTestId('att-in').textContent()).toBe('07:52');
  await shot('attendance-01-day');

  // 补卡 for the absent employee: refused without a reason, pending until approved, then counted.
  await attRow(absent).getByTestId('att-row-menu').click();
  await byTest('att-correct').click();
  await byTest('correction-time').fill('08:58');
  await byTest('correction-save').click();
  await poll(() => page.getByText('请填写原因').count()).toBe(1);
  await byTest('correction-reason').fill('考勤机故障，主管确认 8:58 到岗');
  await shot('attendance-02-correction');
  await byTest('correction-save').click();
  await poll(() => attRow(absent).textContent()).toContain('有待审批');
  expect(await attRow(absent).getByTestId('att-status').getAttribute('data-status')).toBe('absent');
  await byTest('tab-requests').click();
  await poll(() => byTest('request-row').count()).toBe(1);
  await shot('attendance-03-requests');
  await byTest('request-approve').click();
  await poll(() => byTest('request-row').count()).toBe(0);
  await byTest('tab-day').click();
  expect(await byTest('att-date').inputValue()).toBe(D); // the day stays picked across tabs
  // Only the clock-in was added, so the day now reads 缺卡 (no clock-out) rather than an absence.
  await poll(() => attRow(absent).getByTestId('att-status').getAttribute('data-status')).toBe('missing_punch');

  await byTest('tab-month').click();
  await byTest('att-month').fill(D.slice(0, 7));
  await poll(() => byTest('att-month-row').count()).toBeGreaterThan(5);
  await shot('attendance-04-month');
});
