import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AttendanceDay } from '#shared/attendance/attendance-day';
import { monthRange } from '#shared/attendance/attendance-summary';
import { absencesOf, departmentTrends, monthDailyTrend, monthTrendPoint, trendMonths, type MonthTrendPoint, type TrendDay } from '#shared/attendance/attendance-trend';
import { scheduleLookup } from '#shared/attendance/work-schedule';
import { buildCalendar, HolidayYear, isWorkingDay } from '#shared/calendar/holiday-calendar';
import { demoFactory } from '#shared/demo/factory';
import type { Employee } from '#shared/schemas/employee';
import type { Punch } from '#shared/schemas/punch';
import { addDays, instantOf, localDateOf, localDateTimeOf } from '#shared/time';
import cn2025 from '../../resources/holidays/cn-2025.json';
import cn2026 from '../../resources/holidays/cn-2026.json';
import { startWebApp } from '../../src-main/host/web-app.ts';
import { computeRows, monthSummaries, type AttendanceSources } from '../../src-renderer/features/attendance/attendance-rows.ts';
import { makeUsers, seededRandom, ZkSimulator, type SimRecord } from '../simulators/zkteco/zk-simulator.ts';
import { launchChromium, newAppPage } from './browser.ts';

// The attendance trend in real Chromium against the real web host with the demo company (30 people): six
// months of punches, generated here, reach the local database the way real ones do (a ZKTeco simulator,
// pulled from the devices screen). One production line gets worse month by month. The trend tab must show,
// for the whole company and for one department, exactly what the shared functions compute from the same
// employees, shifts, calendar and punches, and the same again after a reload.

const SHOTS = join('test-results', 'screenshots');
const tmp = mkdtempSync(join(tmpdir(), 'renshi-e2e-trend-'));
const company = demoFactory({ employees: 30 });
const calendar = buildCalendar([HolidayYear.parse(cn2025), HolidayYear.parse(cn2026)]);
const scheduleOf = scheduleLookup(company.shifts, company.rotations);

const today = localDateOf(Date.now());
// The month looked at: last month, whose shifts have all ended, and the five before it.
const months = trendMonths(trendMonths(today.slice(0, 7), 2)[0]!);
const chosen = months.at(-1)!;
const WORSENING = 'dept-prod-a';

/** A month's punches as a device log holds them: in time order, nothing in the future. */
function generateLog(): SimRecord[] {
  const rnd = seededRandom(20261203);
  const minutes = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo));
  const out: { at: number; record: SimRecord }[] = [];
  const punch = (e: Employee, at: number, state: number) => out.push({ at, record: { pin: e.devicePin, localTime: localDateTimeOf(at), verifyMode: 1, punchState: state } });
  for (let date = monthRange(months[0]!).from; date < today; date = addDays(date, 1)) {
    // The worsening line: more late and absent people each month.
    const step = Math.max(0, months.indexOf(date.slice(0, 7)));
    for (const e of company.employees) {
      const schedule = scheduleOf(e.shiftId);
      if (!schedule || e.hireDate > date || !isWorkingDay(schedule.kindOn(calendar, date))) continue;
      const { shift } = schedule.planOn(date);
      const w = e.departmentId === WORSENING ? step : 0;
      const r = rnd();
      if (r < 0.02 + 0.02 * w) continue; // absent
      const start = instantOf(`${date} ${shift.start}`);
      let end = instantOf(`${date} ${shift.end}`);
      if (end <= start) end += 86_400_000;
      const late = r < 0.08 + 0.06 * w;
      punch(e, start + (late ? minutes(12, 45) : minutes(-25, 0)) * 60_000, 0);
      const s = rnd();
      if (s < 0.03) continue; // forgot to clock out
      punch(e, end + (s < 0.07 ? minutes(-60, -15) : minutes(1, 30)) * 60_000, 1);
    }
  }
  return out.filter((p) => p.at < Date.now() - 60_000).sort((a, b) => a.at - b.at).map((p) => p.record);
}

const log = generateLog();
/** The same punches as the terminal stores them (matched to employees by PIN). */
const punches: Punch[] = log.map((r, i) => {
  const at = instantOf(r.localTime);
  return { id: `p${i}`, deviceSerial: 'ZK-TREND', pin: r.pin, at, deviceLocalTime: r.localTime, verifyMode: 1, punchState: r.punchState, source: 'device-pull', employeeId: null, siteId: null, receivedAt: at, updatedAt: at };
});

/** What the shared functions say for the employees of a scope. */
function expected(inScope: (e: Employee) => boolean) {
  const src: AttendanceSources = { employees: company.employees.filter(inScope), shifts: company.shifts, rotations: company.rotations, punches, requests: [], calendar, now: Date.now() };
  const perMonth = months.map((m) => monthSummaries(src, m).departments);
  const { from, to } = monthRange(chosen);
  const days = computeRows(src, from, to).flatMap((r): AttendanceDay[] => (r.day ? [r.day] : []));
  return {
    points: months.map((m, i) => monthTrendPoint(m, perMonth[i]!)),
    daily: monthDailyTrend(days, chosen, src.now),
    departments: departmentTrends(months, perMonth.flat()),
  };
}

let sim: ZkSimulator;
let host: { url: string; close: () => Promise<void> };
let browser: Browser;
let page: Page;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  sim = await new ZkSimulator({ host: '127.0.0.1', port: 0, serialNumber: 'ZK-TREND', users: makeUsers(30), records: [...log], udp: false }).start();
  host = await startWebApp({ port: 0, dataDir: join(tmp, 'data'), demoData: true, demoEmployees: 30 });
  browser = await launchChromium();
  page = await newAppPage(browser, { width: 1440, height: 1000 });
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
  await sim?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const poll = <T>(read: () => T | Promise<T>, timeout = 30_000) => expect.poll(read, { timeout, interval: 250 });
const byTest = (id: string) => page.getByTestId(id);
const deviceRow = (id: string) => page.locator(`[data-testid="device-row"][data-device-id="${id}"]`);
const shot = async (name: string, testId?: string) => {
  if (testId) await byTest(testId).evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
};

const rate = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);
const count = (n: number) => (n === 0 ? '—' : String(n));

/** The months table as the page shows it. */
const shownMonths = () =>
  byTest('trend-month-row').evaluateAll((rows) =>
    rows.map((r) => ({ month: r.getAttribute('data-month'), ready: r.getAttribute('data-ready'), ...Object.fromEntries([...r.querySelectorAll('[data-field]')].map((c) => [c.getAttribute('data-field'), c.textContent])) })),
  );
const wantMonths = (points: MonthTrendPoint[]) =>
  points.map((p) => ({
    month: p.month,
    ready: 'true',
    employees: String(p.employees),
    dueDays: String(p.dueDays),
    attendedDays: String(p.attendedDays),
    rate: rate(p.rate),
    late: count(p.counts.late),
    lateMinutes: count(p.lateMinutes),
    absences: count(absencesOf(p)),
    absent: count(p.counts.absent),
    absent_contact_pending: count(p.counts.absent_contact_pending),
    early_leave: count(p.counts.early_leave),
    missing_punch: count(p.counts.missing_punch),
    on_leave: count(p.counts.on_leave),
  }));
const ignoreChange = (rows: Record<string, unknown>[]) => rows.map(({ rateChange: _, ...rest }) => rest);

/** The daily table: status -> date -> text. */
const shownDaily = () =>
  byTest('trend-day-row').evaluateAll((rows) =>
    Object.fromEntries(rows.map((r) => [r.getAttribute('data-status'), Object.fromEntries([...r.querySelectorAll('[data-date]')].map((c) => [c.getAttribute('data-date'), c.textContent]))])),
  );
function wantDaily(days: TrendDay[]) {
  const rows: Record<string, (d: TrendDay) => number> = {
    scheduled: (d) => d.scheduled,
    absent: (d) => d.counts.absent,
    absent_contact_pending: (d) => d.counts.absent_contact_pending,
    missing_punch: (d) => d.counts.missing_punch,
    late: (d) => d.counts.late,
    early_leave: (d) => d.counts.early_leave,
    on_leave: (d) => d.counts.on_leave,
  };
  return Object.fromEntries(Object.entries(rows).map(([k, get]) => [k, { ...Object.fromEntries(days.map((d) => [d.date, count(get(d))])), total: String(days.reduce((n, d) => n + get(d), 0)) }]));
}

it('shows six months of trend that agree with the shared computation, per company and per department', async () => {
  // Point the demo ZKTeco terminal at the simulator (the Hanvon one is not running here) and pull.
  await page.goto(`${host.url}/#/devices`);
  await poll(() => byTest('device-row').count()).toBe(2);
  await deviceRow('device-hz2-gate').getByTestId('device-edit').click();
  await page.getByRole('switch').click();
  await byTest('device-save').click();
  await poll(() => deviceRow('device-hz2-gate').getByTestId('device-state').textContent()).toBe('已停用');
  await deviceRow('device-dg1-gate').getByTestId('device-edit').click();
  await byTest('device-host').fill('127.0.0.1');
  await page.getByLabel('端口').fill(String(sim.address.port));
  await byTest('device-save').click();
  await poll(() => deviceRow('device-dg1-gate').textContent()).toContain(`${sim.address.port}`);
  const pull = deviceRow('device-dg1-gate').getByTestId('device-pull');
  await pull.click();
  await poll(() => pull.getAttribute('data-loading'), 60_000).toBeNull();
  await poll(() => deviceRow('device-dg1-gate').textContent(), 60_000).toMatch(/读取 \d+ 条/);

  // The trend tab of last month, whole company.
  await byTest('nav-attendance').click();
  await byTest('tab-trend').click();
  await byTest('trend-month').fill(chosen);
  const all = expected(() => true);
  expect(all.points.every((p) => p.dueDays > 0)).toBe(true); // the data covers every month
  await poll(async () => ignoreChange(await shownMonths()), 60_000).toEqual(ignoreChange(wantMonths(all.points)));
  expect(await shownDaily()).toEqual(wantDaily(all.daily));
  // Change against the month before: the rate difference in points, with its sign.
  const changes = (await shownMonths()).map((r) => r.rateChange);
  expect(changes[0]).toBe('—');
  const [a, b] = [all.points.at(-2)!.rate!, all.points.at(-1)!.rate!];
  expect(changes.at(-1)).toBe(`${b - a > 0 ? '+' : ''}${((b - a) * 100).toFixed(1)}`);

  // Departments side by side, the one getting worse first and flagged.
  const deptRows = () => byTest('trend-dept-row').evaluateAll((rows) => rows.map((r) => ({ id: r.getAttribute('data-department-id'), worse: r.querySelector('[data-field="change"] .mantine-Badge-root') !== null, rates: [...r.querySelectorAll('[data-field="rate"]')].map((c) => c.textContent) })));
  expect(await deptRows()).toEqual(all.departments.map((d) => ({ id: d.departmentId, worse: d.worse, rates: d.points.map((p) => rate(p?.rate ?? null)) })));
  expect(all.departments[0]!.departmentId).toBe(WORSENING);
  expect(all.departments[0]!.worse).toBe(true);

  await poll(() => page.locator('.mantine-Notification-root').count()).toBe(0); // the pull's toast, off the screenshots
  await shot('attendance-trend-01-daily');
  await shot('attendance-trend-02-months', 'trend-months-section');
  await shot('attendance-trend-03-departments', 'trend-departments');

  // Hovering a day of the chart gives its exact numbers.
  await byTest('trend-daily-chart').scrollIntoViewIfNeeded();
  const busiest = all.daily.reduce((best, d, i) => (d.counts.late + d.counts.absent > all.daily[best]!.counts.late + all.daily[best]!.counts.absent ? i : best), 0);
  await byTest('trend-day-hit').nth(busiest).hover();
  const tooltip = byTest('trend-tooltip');
  await poll(() => tooltip.textContent()).toContain(all.daily[busiest]!.date);
  expect(await tooltip.textContent()).toContain(`迟到${all.daily[busiest]!.counts.late}`);
  await shot('attendance-trend-04-tooltip');

  // One department of one site: the page's scope picker.
  await byTest('att-site').click();
  await page.getByRole('option', { name: '东莞一厂' }).click();
  await byTest('att-department').click();
  await page.getByRole('option', { name: '生产一部（装配线）' }).click();
  const line = expected((e) => e.siteId === 'site-dg1' && e.departmentId === WORSENING);
  await poll(async () => ignoreChange(await shownMonths())).toEqual(ignoreChange(wantMonths(line.points)));
  expect(await shownDaily()).toEqual(wantDaily(line.daily));
  expect(await byTest('trend-departments').count()).toBe(0); // one department: nothing to set side by side
  expect(line.points.at(-1)!.rate!).toBeLessThan(line.points[0]!.rate!);
  await byTest('trend-months-section').evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await byTest('trend-month-hit').nth(months.length - 1).hover(); // the rate chart's last month
  await poll(() => tooltip.textContent()).toContain(rate(line.points.at(-1)!.rate));
  await shot('attendance-trend-05-department');

  // After a reload (nothing kept in memory) the same numbers come back from the local database.
  await page.reload();
  await byTest('tab-trend').click();
  await byTest('trend-month').fill(chosen);
  await poll(async () => ignoreChange(await shownMonths()), 60_000).toEqual(ignoreChange(wantMonths(all.points)));

  // English.
  await byTest('language-switch').getByText('English').click();
  await poll(() => byTest('tab-trend').textContent()).toBe('Trend');
  expect(await byTest('trend-months-table').textContent()).toContain('Attendance rate');
  await shot('attendance-trend-06-en');
  await shot('attendance-trend-07-en-months', 'trend-months-section');
});
