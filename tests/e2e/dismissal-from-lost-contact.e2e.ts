import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { shiftDayAt } from '#shared/attendance/shift-day';
import { calendarFrom, dayKind, HolidayYear, isWorkingDay } from '#shared/calendar/holiday-calendar';
import { Shift } from '#shared/schemas/attendance-setup';
import { Employee } from '#shared/schemas/employee';
import { Site } from '#shared/schemas/org';
import { localDateTimeOf } from '#shared/time';
import { startWebApp } from '../../src-main/host/web-app.ts';
import { SMS_AUTH, startHttpPeers, type HttpPeers } from '../server/notifications/peers.ts';
import { launchChromium, newAppPage } from './browser.ts';

// Stories 1 and 2 joined up in real Chromium: an employee who never punches and cannot be reached becomes a
// live lost-contact case on the embedded sync server (its chain run by POST /escalation/tick with this
// process's clock moved past the windows, as alerts.e2e does). A dismissal for absenteeism (旷工解除) is
// refused from the case until a contact attempt and a known reason are on file, and the screen lists what is
// missing; HR records both in the UI, then starts the dismissal from the case and lands on a new dismissal
// case that shows the lost-contact case it came from with the attempt and the reason as its evidence.
// Written against what the operator sees (test ids, labels), not how the screens load their data.

const SHOTS = join('test-results', 'screenshots');
const tmp = mkdtempSync(join(tmpdir(), 'renshi-e2e-dismissal-'));
const realNow = Date.now.bind(Date);
let offsetMs = 0;
let host: { url: string; close: () => Promise<void> };
let browser: Browser;
let page: Page;
let peers: HttpPeers;

const SITE_ID = 'site-e2e-dismissal';
const EMPLOYEE_ID = 'emp-e2e-wangdali';
const NAME = '王大力';
const ATTEMPT_NOTE = '哥哥说他上周回了老家，电话一直关机';
const REASON = '家属确认其已回老家另找工作，不再返岗';

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  process.env.RENSHI_ESCALATION_INTERVAL_MS = '0'; // ticks come from the test only
  peers = await startHttpPeers();
  process.env.RENSHI_SMS_URL = `${peers.url}/sms/send`;
  process.env.RENSHI_SMS_AUTH_HEADER = `${SMS_AUTH.name}: ${SMS_AUTH.value}`;
  Date.now = () => realNow() + offsetMs;
  host = await startWebApp({ port: 0, dataDir: join(tmp, 'data'), demoData: true, demoEmployees: 20 });
  browser = await launchChromium();
  page = await newAppPage(browser, { timeoutMs: 10_000 });
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
  await peers?.close();
  Date.now = realNow;
  for (const name of ['RENSHI_ESCALATION_INTERVAL_MS', 'RENSHI_SMS_URL', 'RENSHI_SMS_AUTH_HEADER']) delete process.env[name];
  rmSync(tmp, { recursive: true, force: true });
});

const shot = async (name: string, fullPage = false) => {
  await page.waitForTimeout(400); // modals and toasts finish their transitions
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
};
const byTest = (id: string) => page.getByTestId(id);

async function bridge<T>(name: string, input: object = {}): Promise<T> {
  const res = await fetch(`${host.url}/bridge/${name}`, { method: 'POST', body: JSON.stringify(input), headers: { 'content-type': 'application/json' } });
  const body = (await res.json()) as { ok: boolean; data: T };
  expect(body.ok).toBe(true);
  return body.data;
}

/** A shift that started 30 minutes ago on a working day (the clock moves to the next one if today is a holiday). */
function shiftStartedHalfAnHourAgo() {
  const dir = new URL('../../resources/holidays/', import.meta.url);
  const years = readdirSync(dir)
    .filter((n) => /^cn-\d{4}\.json$/.test(n))
    .map((n) => HolidayYear.parse(JSON.parse(readFileSync(new URL(n, dir), 'utf8'))));
  const calendar = calendarFrom(years, []);
  for (let days = 0; days < 14; days++) {
    const now = realNow() + days * 86_400_000;
    const hhmm = (at: number) => localDateTimeOf(at).slice(11, 16);
    const shift = Shift.parse({ id: 'shift-e2e-dismissal', kind: 'shift', name: '测试班', siteId: SITE_ID, start: hhmm(now - 30 * 60_000), end: hhmm(now + 7 * 3_600_000), graceMinutes: 5, workDays: [1, 2, 3, 4, 5, 6, 7], updatedAt: now });
    if (isWorkingDay(dayKind(calendar, shiftDayAt(shift, now).date, shift))) return { shift, offsetMs: days * 86_400_000 };
  }
  throw new Error('no working day in the next two weeks');
}

async function push(session: { serverUrl: string; token: string }, collection: string, docs: object[]) {
  const res = await fetch(`${session.serverUrl}/sync/${collection}/push`, {
    method: 'POST',
    headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json', 'x-renshi-protocol': '1' },
    body: JSON.stringify(docs.map((d) => ({ newDocumentState: { ...d, _deleted: false } }))),
  });
  expect(res.status).toBe(200);
  expect(((await res.json()) as { rejections: unknown[] }).rejections).toEqual([]);
}

async function tick(session: { serverUrl: string; token: string }) {
  const res = await fetch(`${session.serverUrl}/escalation/tick`, { method: 'POST', headers: { authorization: `Bearer ${session.token}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as { started: string[]; processed: string[]; failed: unknown[] };
}

it('a 旷工 dismissal starts from a live lost-contact case only once a contact attempt and a known reason are recorded', async () => {
  await page.goto(host.url);
  await expect.poll(() => byTest('nav-alerts').getAttribute('data-disabled'), { timeout: 20_000 }).toBe(null);
  const session = await bridge<{ serverUrl: string; token: string }>('syncSession');

  // The employee, a shift that started half an hour ago and a 5-minute escalation window.
  const { shift, offsetMs: toWorkingDay } = shiftStartedHalfAnHourAgo();
  offsetMs = toWorkingDay;
  const now = Date.now();
  await push(session, 'org', [Site.parse({ id: SITE_ID, kind: 'site', name: '惠州二厂', code: 'HZ2', escalationWindowMinutes: 5, updatedAt: now })]);
  await push(session, 'settings', [shift]);
  await push(session, 'employees', [
    Employee.parse({
      id: EMPLOYEE_ID,
      employeeNo: 'E9101',
      name: NAME,
      departmentId: 'dept-e2e',
      siteId: SITE_ID,
      hireDate: '2023-06-01',
      devicePin: '9101',
      phone: '13800139101',
      shiftId: shift.id,
      sensitive: { emergencyContacts: [{ name: '王大山', relation: '哥哥', phone: '13900139101' }] },
      updatedAt: now,
    }),
  ]);

  // No punch, no reply: employee messaged, then the emergency contact, then HR and a lost-contact case.
  const first = await tick(session);
  const anomalyId = first.started.find((id) => id.includes(EMPLOYEE_ID));
  expect(anomalyId).toBeDefined();
  offsetMs += 6 * 60_000;
  expect((await tick(session)).processed).toContain(anomalyId);
  offsetMs += 6 * 60_000;
  const third = await tick(session);
  expect(third.failed).toEqual([]);
  expect(third.processed).toContain(anomalyId);
  expect(peers.state.sms.filter((m) => m.to === '13900139101')).toHaveLength(1); // the brother was told

  // The lost-contact case, as HR finds it under 预警 → 失联案件.
  await page.reload();
  await byTest('nav-alerts').click();
  await byTest('tab-cases').click();
  const row = () => byTest('case-row').filter({ hasText: NAME });
  await expect.poll(() => row().count(), { timeout: 30_000 }).toBe(1);
  await row().click();
  await expect.poll(() => byTest('case-employee').textContent(), { timeout: 20_000 }).toContain(NAME);

  // Blocked: the start button is disabled, both missing preconditions are listed, no link to the workflow.
  await expect.poll(() => byTest('pre-caseOpen').getAttribute('data-met')).toBe('yes');
  await expect.poll(() => byTest('pre-attempt').getAttribute('data-met')).toBe('no');
  await expect.poll(() => byTest('pre-reason').getAttribute('data-met')).toBe('no');
  expect(await byTest('case-start-dismissal').isDisabled()).toBe(true);
  const missing = await byTest('dismissal-missing').textContent();
  expect(missing).toContain('至少记录一次联系尝试');
  expect(missing).toContain('已记录缺勤的已知原因');
  expect(await byTest('case-open-dismissal-workflow').count()).toBe(0);
  await shot('dismissal-01-blocked');

  // A contact attempt: still blocked, now only on the reason.
  await byTest('case-record-attempt').click();
  await byTest('attempt-contacted').fill('王大山');
  await byTest('attempt-reached').check();
  await byTest('attempt-note').fill(ATTEMPT_NOTE);
  await byTest('attempt-save').click();
  await expect.poll(() => byTest('pre-attempt').getAttribute('data-met'), { timeout: 15_000 }).toBe('yes');
  expect(await byTest('case-start-dismissal').isDisabled()).toBe(true);
  await expect.poll(() => byTest('dismissal-missing').textContent()).not.toContain('至少记录一次联系尝试');
  expect(await byTest('dismissal-missing').textContent()).toContain('已记录缺勤的已知原因');
  expect(await byTest('case-open-dismissal-workflow').count()).toBe(0);
  await shot('dismissal-02-attempt-recorded');

  // The known reason: every precondition met, the workflow link appears.
  await byTest('case-record-reason').click();
  await byTest('reason-text').fill(REASON);
  await byTest('reason-save').click();
  await expect.poll(() => byTest('pre-reason').getAttribute('data-met'), { timeout: 15_000 }).toBe('yes');
  await expect.poll(() => byTest('case-start-dismissal').isDisabled()).toBe(false);
  await expect.poll(() => byTest('dismissal-missing').count()).toBe(0);
  await expect.poll(() => byTest('case-open-dismissal-workflow').count()).toBe(1);
  await shot('dismissal-03-ready', true);

  // Start the dismissal from the case: the new-case form comes with the 旷工解除 template and the employee fixed.
  await byTest('case-open-dismissal-workflow').click();
  await expect.poll(() => page.url()).toContain('#/cases/new?from=');
  await expect.poll(() => byTest('new-case-template').inputValue()).toBe('旷工解除');
  await expect.poll(() => byTest('new-case-employee').inputValue(), { timeout: 15_000 }).toContain(NAME);
  expect(await byTest('new-case-employee').isDisabled()).toBe(true);
  await shot('dismissal-04-new-case');
  await byTest('new-case-open').click();

  // The dismissal case is open, and shows the lost-contact case it came from with the attempt and the reason.
  await expect.poll(() => page.url(), { timeout: 15_000 }).toMatch(/#\/cases\/(?!new)[^/?]+$/);
  expect(await byTest('new-case-problems').count()).toBe(0);
  await expect.poll(() => byTest('case-detail').textContent(), { timeout: 15_000 }).toContain('旷工解除');
  expect(await byTest('case-detail').textContent()).toContain(NAME);
  const origin = byTest('case-origin');
  await expect.poll(() => origin.getByTestId('origin-evidence-row').count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
  const attempt = origin.getByTestId('origin-evidence-row').filter({ hasText: ATTEMPT_NOTE });
  expect(await attempt.count()).toBe(1);
  expect(await attempt.getAttribute('data-kind')).toBe('contact-attempt');
  const reason = origin.getByTestId('origin-evidence-row').filter({ hasText: REASON });
  expect(await reason.count()).toBe(1);
  expect(await reason.getAttribute('data-kind')).toBe('known-reason');
  // Its timeline names the case it was opened from.
  await expect.poll(() => byTest('case-timeline').textContent()).toContain('from ');
  await shot('dismissal-05-opened', true);

  // The cases list holds both: the dismissal and the lost-contact case it came from.
  const dismissalUrl = page.url();
  await byTest('case-origin-link').click();
  await expect.poll(() => page.url()).not.toBe(dismissalUrl);
  await expect.poll(() => byTest('case-detail').textContent(), { timeout: 15_000 }).toContain(ATTEMPT_NOTE);
  await page.goto(`${host.url}/#/cases`);
  await expect.poll(() => byTest('case-row').filter({ hasText: NAME }).count(), { timeout: 15_000 }).toBe(2);
  await shot('dismissal-06-cases-list');
});
