import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it, onTestFailed } from 'vitest';
import { shiftDayAt, shiftDayOf } from '#shared/attendance/shift-day';
import { dayKind, isWorkingDay } from '#shared/calendar/holiday-calendar';
import { reviewEscalations } from '#shared/escalation/escalation-review';
import { EscalationState, type EscalationState as State } from '#shared/escalation/missed-punch-escalation';
import { punchId } from '#shared/ids';
import type { RequestDoc } from '#shared/schemas/leave';
import { Employee } from '#shared/schemas/employee';
import { Department, Site } from '#shared/schemas/org';
import { Punch } from '#shared/schemas/punch';
import { Shift } from '#shared/schemas/attendance-setup';
import { LoginResponse } from '#shared/sync/auth';
import { PullResponse, SYNC_PROTOCOL_HEADER, SYNC_PROTOCOL_VERSION } from '#shared/sync/protocol';
import { addDays, localDateTimeOf } from '#shared/time';
import { startWebApp } from '../../src-main/host/web-app.ts';
import { reviewByMonth } from '../../src-renderer/features/review/review-by-month.ts';
import { launchChromiumProfile, newAppPage } from './browser.ts';
import { bundledCalendar, shiftStartedHalfAnHourAgo, startEscalationWorld, type EscalationWorld, type Session } from './escalation-world.ts';

// Story 1 from the first missed shift to the return, in real Chromium, where alerts.e2e and
// dismissal-from-lost-contact.e2e stop: Xiao Li misses his Monday shift, his phone (a phone-sized browser)
// shows the reply page but he cannot answer, nor does his father; the emergency contact is told, then HR,
// and a lost-contact case opens. The attendance screen reads his days 待联系, never 缺勤 or 旷工. HR (an
// HR account, not the admin) records the calls and the reason; a month later he punches in again, HR files
// one 说明缺勤原因 correction over the whole absence, cannot approve it herself, a colleague approves it at
// her own computer (a second terminal on the same server), the days read 已说明, and the case closes as 已返岗. The review (复盘统计) shows what the shared review
// functions compute from the server's copy of the same chains and requests, and everything is still there
// after a reload.
//
// Time: the process clock (which the embedded server reads) and the browser's clock (Playwright's clock,
// which the attendance screen reads) are moved together: to the next Monday that is a working day, by days,
// and by a month. The server's escalation runner is ticked through its endpoint. The test's own site and
// employees are pushed before the first page load, so the terminal pulls that company instead of seeding
// the demo one: nobody else's shift can interfere, whatever the hour.

let w: EscalationWorld;
let page: Page;

const DAY = 86_400_000;
const SITE_ID = 'site-e2e-story1';
const SITE_NAME = '东莞五厂';
const DEPT_ID = 'dept-e2e-story1';
const SHIFT_ID = 'shift-e2e-story1';
const EMPLOYEE_ID = 'emp-e2e-story1-xiaoli';
const NAME = '李小军';
const EMPLOYEE_NO = 'E9201';
const PHONE = '13800139201';
const FATHER_PHONE = '13900139201';
const COLLEAGUE_NO = 'E9202';
const DEVICE = 'ZK-STORY1';
const HR = { name: 'hr-li', password: 'story1-hr-li-pass' };
const HR2 = { name: 'hr-wang', password: 'story1-hr-wang-pass' };
const REASON = '家属告知其周五晚见网友后被骗入传销组织，手机被收走，已报警';
const EXCUSE = '被困传销组织，人身受限无法到岗，家属与派出所证明；返岗后面谈核实';
const SHOTS = join('test-results', 'screenshots');

// What the steps share: the clock, the shift and the server.
let mondayOffset = 0;
let shift: Shift;
let monday = '';
let returnDay = '';
let serverUrl = '';
let anomalyId = '';
const calendar = bundledCalendar();

beforeAll(async () => {
  w = await startEscalationWorld('story1');
});
afterAll(async () => {
  await terminal?.close();
  rmSync(profileDir, { recursive: true, force: true });
  await second?.host.close();
  await w?.close();
  if (second) rmSync(second.dir, { recursive: true, force: true });
});

let second: { host: Awaited<ReturnType<typeof startWebApp>>; dir: string } | null = null;

/**
 * A second HR computer: its own web host and local database, on the first terminal's server (remote mode,
 * signed in in its Settings), and the same moved clock in its browser.
 */
async function secondTerminal(): Promise<Page> {
  const dir = mkdtempSync(join(tmpdir(), 'renshi-e2e-story1-desk-'));
  const host = await startWebApp({ port: 0, dataDir: dir, demoData: false });
  second = { host, dir };
  // Not the default embedded server: this computer uses the one HR's terminal runs.
  const res = await fetch(`${host.url}/bridge/settingsSet`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ serverMode: 'offline' }) });
  expect(res.ok).toBe(true);
  const desk = await newAppPage(w.page.context().browser()!, { timeoutMs: 20_000, label: 'desk2' });
  await desk.context().clock.install({ time: Date.now() });
  await desk.goto(host.url);
  await poll(() => desk.getByTestId('nav-alerts').getAttribute('data-disabled')).toBe(null);
  return desk;
}

const byTest = (id: string) => page.getByTestId(id);
/** A short pause lets modals and toasts finish their transitions before the picture. */
async function shot(file: string, fullPage = false, p: Page = page) {
  await p.waitForTimeout(400);
  await p.screenshot({ path: join(SHOTS, `story1-${file}.png`), fullPage });
}
const poll = <T>(fn: () => Promise<T>, timeout = 30_000) => expect.poll(fn, { timeout, interval: 250 });
const go = (hash: string) => page.evaluate((h) => void (location.hash = h), hash);
const failureShot = () => onTestFailed(async () => void (await shot('failed', true).catch(() => {})));

let terminal: BrowserContext | null = null;
const profileDir = mkdtempSync(join(tmpdir(), 'renshi-e2e-story1-profile-'));

/**
 * HR's terminal is switched on (each morning of the walk): a browser profile kept on disk, so its local
 * database survives, with the browser's clock set to the process clock. A fresh start per day rather than
 * moving a running page's fake clock by weeks, which left that page's timers stalled in trials.
 */
async function openTerminal() {
  await terminal?.close();
  terminal = await launchChromiumProfile(profileDir);
  terminal.setDefaultTimeout(20_000);
  await terminal.clock.install({ time: Date.now() });
  page = terminal.pages()[0] ?? (await terminal.newPage());
  page.on('pageerror', (e) => console.error('[pageerror]', e.stack ?? e.message));
  await page.goto(w.host.url);
  await poll(() => byTest('nav-alerts').getAttribute('data-disabled')).toBe(null);
}

async function login(user: { name: string; password: string }): Promise<Session> {
  const res = await fetch(`${serverUrl}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: user.name, password: user.password }) });
  expect(res.status).toBe(200);
  return { serverUrl, token: LoginResponse.parse(await res.json()).token };
}

async function serverStates(session: Session): Promise<State[]> {
  const res = await fetch(`${serverUrl}/escalation/items?status=all&limit=1000`, { headers: { authorization: `Bearer ${session.token}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: unknown[] }).items.map((i) => EscalationState.parse(i)).filter((s) => s.siteId === SITE_ID);
}

async function serverRequests(session: Session): Promise<RequestDoc[]> {
  const res = await fetch(`${serverUrl}/sync/requests/pull?limit=1000`, { headers: { authorization: `Bearer ${session.token}`, [SYNC_PROTOCOL_HEADER]: String(SYNC_PROTOCOL_VERSION) } });
  expect(res.status).toBe(200);
  return PullResponse.parse(await res.json()).documents as unknown as RequestDoc[];
}

/** The link in the last SMS to `phone`, pointed at the embedded server (its public URL is not configured here). */
function replyLink(phone: string): string {
  const text = w.peers.state.sms.filter((m) => m.to === phone).at(-1)?.text ?? '';
  const m = /https?:\/\/[^/\s]+(\/reply\/[A-Za-z0-9_.-]+)/.exec(text);
  if (!m) throw new Error(`no reply link in SMS to ${phone}: ${text}`);
  return serverUrl + m[1]!;
}

/** How his attendance must read on `date`: `absence` on a working day, the calendar's word otherwise. */
function onDay(date: string, absence: string): string {
  const kind = dayKind(calendar, date, shift);
  return kind === 'public_holiday' ? 'holiday' : kind === 'rest_day' ? 'rest' : absence;
}

/** Working days of `month` from `from` to `to` whose shift has ended by now: what a month summary counts. */
function endedWorkingDays(month: string, from: string, to: string): number {
  let n = 0;
  for (let d = from; d <= to; d = addDays(d, 1)) if (d.startsWith(month) && isWorkingDay(dayKind(calendar, d, shift)) && shiftDayOf(shift, d).end <= Date.now()) n++;
  return n;
}

/**
 * The operator signs a terminal in to the sync server in Settings: HR's sign-in when it has expired, or a
 * new terminal's first. (Always the account its database was synced under, or a fresh one: an account
 * switch on one terminal is its own walk in sync.e2e.)
 */
async function signIn(p: Page, user: { name: string; password: string }) {
  const t = (id: string) => p.getByTestId(id);
  await p.evaluate(() => void (location.hash = '#/settings'));
  await t('settings-page').waitFor();
  if (!(await t('sync-mode-remote').isChecked())) await t('sync-mode-remote').click();
  await t('sync-login-form').waitFor();
  await t('sync-url').fill(serverUrl);
  await t('sync-username').fill(user.name);
  await t('sync-password').fill(user.password);
  await t('sync-login').click();
  await poll(() => t('sync-principal-name').textContent(), 60_000).toBe(user.name);
  await poll(() => t('sync-state').getAttribute('data-state'), 60_000).toBe('teal');
}

async function pickSite(p: Page, testId: string) {
  await p.getByTestId(testId).click();
  await p.getByRole('option', { name: SITE_NAME, exact: true }).click();
}

async function openAttendance(p: Page = page) {
  await p.evaluate(() => void (location.hash = '#/attendance'));
  await p.getByTestId('att-site').waitFor();
  await pickSite(p, 'att-site');
}

const attRow = (employeeNo: string, p: Page = page) => p.locator(`[data-testid="att-row"][data-employee-no="${employeeNo}"]`);

/** The day view's status of `employeeNo` on `date` (data-status of the badge). */
async function statusOn(date: string, employeeNo = EMPLOYEE_NO, p: Page = page): Promise<string | null> {
  if ((await p.getByTestId('att-date').inputValue()) !== date) await p.getByTestId('att-date').fill(date);
  await poll(() => attRow(employeeNo, p).count()).toBe(1);
  return attRow(employeeNo, p).getByTestId('att-status').getAttribute('data-status');
}

/** One cell of his row in the monthly summary, by the column's heading. */
async function monthCell(heading: string, p: Page = page): Promise<string> {
  const headings = await p.getByTestId('att-month-table').locator('thead th').allTextContents();
  const index = headings.indexOf(heading);
  expect(index, `column ${heading} in ${headings.join('|')}`).toBeGreaterThan(0);
  const row = p.getByTestId('att-month-row').filter({ hasText: NAME });
  await poll(() => row.count()).toBe(1);
  return (await row.locator('td').nth(index).textContent()) ?? '';
}
const count = (n: number) => (n === 0 ? '—' : String(n));

it('1. Monday: no punch, no reply from his phone or his father: the emergency contact is told, then HR, and a lost-contact case opens', async () => {
  failureShot();
  // The next Monday that is a working day, half an hour into his shift.
  const picked = shiftStartedHalfAnHourAgo(SHIFT_ID, SITE_ID, w.realNow, { weekday: 1 });
  // A five-day week: the weekend after his Monday reads 休息 either way.
  shift = Shift.parse({ ...picked.shift, workDays: [1, 2, 3, 4, 5] });
  mondayOffset = picked.offsetMs;
  w.setOffset(mondayOffset);
  monday = shiftDayAt(shift, Date.now()).date;
  const admin = await w.bridge<Session & { principal: { role: string } }>('syncSession');
  expect(admin.principal.role).toBe('admin');
  serverUrl = admin.serverUrl;

  // Setup as an administrator would: two HR accounts, the site (5-minute escalation window), the shift, Xiao
  // Li with his father as emergency contact, and a colleague who punched in this morning.
  for (const u of [HR, HR2]) {
    const res = await fetch(`${serverUrl}/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ username: u.name, password: u.password, role: 'hr', siteId: null }),
    });
    expect(res.status).toBeLessThan(300);
  }
  const now = Date.now();
  await w.push(admin, 'org', [
    Site.parse({ id: SITE_ID, kind: 'site', name: SITE_NAME, code: 'DG5', escalationWindowMinutes: 5, updatedAt: now }),
    Department.parse({ id: DEPT_ID, kind: 'department', name: '注塑车间', code: 'ZS', siteId: SITE_ID, updatedAt: now }),
  ]);
  await w.push(admin, 'settings', [shift]);
  const person = (id: string, name: string, no: string, extra: object) =>
    Employee.parse({ id, employeeNo: no, name, departmentId: DEPT_ID, siteId: SITE_ID, hireDate: '2024-03-01', devicePin: no.slice(1), shiftId: shift.id, updatedAt: now, ...extra });
  await w.push(admin, 'employees', [
    person(EMPLOYEE_ID, NAME, EMPLOYEE_NO, { phone: PHONE, sensitive: { emergencyContacts: [{ name: '李父', relation: '父亲', phone: FATHER_PHONE }] } }),
    person('emp-e2e-story1-zhangwei', '张伟', COLLEAGUE_NO, { phone: '13800139202' }),
  ]);
  // Both worked normally until the Friday before (the month's summary has nothing else to count), and the
  // colleague punched in this morning.
  const monthStart = `${monday.slice(0, 8)}01`;
  const before = [...workedDays(EMPLOYEE_NO, monthStart, addDays(monday, -1)), ...workedDays(COLLEAGUE_NO, monthStart, addDays(monday, -1))];
  await pushPunches(admin, [...before, [COLLEAGUE_NO, shiftDayOf(shift, monday).start - 8 * 60_000]]);

  // HR's terminal at the site, signed in with her own account (set up before she opens it, so the terminal
  // pulls this company instead of seeding the demo one); she marks the terminal as the site's.
  await w.bridge('syncLogin', { serverUrl, username: HR.name, password: HR.password });
  await openTerminal();
  await go('#/settings');
  await poll(() => byTest('sync-principal-name').textContent()).toBe(HR.name);
  await pickSite(page, 'terminal-site');
  await poll(() => byTest('terminal-site').inputValue()).toBe(SITE_NAME);
  // Choosing the site changes nothing else: still on the company's server, still signed in as her.
  await page.reload();
  await poll(() => byTest('terminal-site').inputValue()).toBe(SITE_NAME);
  expect(await byTest('sync-mode-remote').isChecked()).toBe(true);
  await poll(() => byTest('sync-principal-name').textContent()).toBe(HR.name);

  // The shift's grace is over: the chain messages him, with a reply link.
  const first = await w.tick(admin);
  anomalyId = first.started.find((id) => id.includes(EMPLOYEE_ID)) ?? '';
  expect(anomalyId).not.toBe('');
  expect(first.started.filter((id) => !id.includes(EMPLOYEE_ID))).toEqual([]); // the colleague punched
  expect(w.peers.state.sms.filter((m) => m.to === PHONE)).toHaveLength(1);

  // The link opened on a phone (whoever holds his phone now): the reply page, sized for it. Nobody answers.
  const phone = await w.page.context().browser()!.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    userAgent: 'Mozilla/5.0 (Linux; Android 13; M2102J2SC) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36',
  });
  const handset = await phone.newPage();
  await handset.goto(replyLink(PHONE));
  for (const label of ['我迟到了', '我生病了', '我在休假', '其他']) expect(await handset.getByRole('button', { name: label, exact: true }).isVisible()).toBe(true);
  expect(await handset.locator('h1').textContent()).not.toBe('');
  expect(await handset.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await handset.waitForTimeout(300);
  await handset.screenshot({ path: join(SHOTS, 'story1-01-reply-page-phone.png'), fullPage: true });
  await phone.close();

  // The window passes without a reply: his father is told; another window: HR is alerted and a case opens.
  w.advance(6 * 60_000);
  expect((await w.tick(admin)).processed).toContain(anomalyId);
  expect(w.peers.state.sms.filter((m) => m.to === FATHER_PHONE)).toHaveLength(1);
  w.advance(6 * 60_000);
  const third = await w.tick(admin);
  expect(third.failed).toEqual([]);
  expect(third.processed).toContain(anomalyId);

  // On the site's terminal: the notification, the alert in the inbox, and the open case.
  await go('#/alerts');
  await poll(() => page.getByText('失联预警：已开启失联案件').first().isVisible(), 60_000).toBe(true);
  const alert = byTest('alert-row').filter({ hasText: NAME });
  await poll(() => alert.count(), 30_000).toBe(1);
  expect(await alert.textContent()).toContain('失联案件已开启');
  await shot('02-alert');
  await alert.getByTestId('alert-open-case').click();
  await poll(() => byTest('case-employee').textContent()).toContain(NAME);
  await poll(() => byTest('case-pending').textContent()).toContain('待联系');
  const types = await byTest('timeline-entry').evaluateAll((els) => els.map((e) => e.getAttribute('data-type')));
  expect(types).toEqual(expect.arrayContaining(['anomaly_detected', 'message_sent', 'case_opened', 'hr_alerted']));
  expect(types).not.toContain('reply');
  // His message was opened (the phone above), his father's was not; neither was answered.
  const deliveries = byTest('deliveries');
  await poll(() => deliveries.count(), 30_000).toBeGreaterThanOrEqual(2);
  const openedCell = (table: number) => deliveries.nth(table).locator('tbody tr').first().locator('td').nth(4).textContent();
  expect(await deliveries.first().textContent()).toContain(PHONE);
  await poll(() => openedCell(0), 30_000).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
  expect(await deliveries.nth(1).textContent()).toContain(FATHER_PHONE);
  expect(await openedCell(1)).toBe('—');
  await shot('03-case-opened', true);
}, 300_000);

it('2. his Monday and the days after read 待联系 on the attendance screen, never 缺勤 or 旷工, and the month counts them so', async () => {
  failureShot();
  // Thursday, the same hour: three of his shifts have ended, the fourth is under way.
  w.setOffset(mondayOffset + 3 * DAY);
  const thursday = addDays(monday, 3);
  // The terminal's device pulls bring the colleague's punches since: he works as usual.
  await pushPunches(await login(HR), [
    [COLLEAGUE_NO, shiftDayOf(shift, monday).end + 3 * 60_000],
    ...workedDays(COLLEAGUE_NO, addDays(monday, 1), addDays(monday, 2)),
    [COLLEAGUE_NO, shiftDayOf(shift, thursday).start - 6 * 60_000],
  ]);
  await openTerminal();
  // HR's sign-in from Monday has expired (a session lasts 36 h): she signs in again.
  await signIn(page, HR);
  await openAttendance();
  for (const date of [monday, addDays(monday, 1), addDays(monday, 2), thursday]) {
    await poll(() => statusOn(date), 20_000).toBe(onDay(date, 'absent_contact_pending'));
  }
  // Monday is a working day (the shift was picked so): its badge, in words.
  await poll(() => statusOn(monday)).toBe('absent_contact_pending');
  expect(await attRow(EMPLOYEE_NO).getByTestId('att-status').textContent()).toBe('待联系');
  expect(await statusOn(monday, COLLEAGUE_NO)).toBe('present');
  expect(await page.locator('body').textContent()).not.toContain('旷工');
  expect(await attRow(EMPLOYEE_NO).textContent()).not.toContain('缺勤');
  await shot('04-attendance-contact-pending');
  expect(await statusOn(addDays(monday, 1), COLLEAGUE_NO)).toBe(onDay(addDays(monday, 1), 'present'));

  // The monthly summary counts his ended days as 待联系 and none as absent.
  const month = monday.slice(0, 7);
  await byTest('tab-month').click();
  await byTest('att-month').fill(month);
  const pending = endedWorkingDays(month, monday, thursday);
  expect(pending).toBeGreaterThan(0);
  await poll(() => monthCell('待联系')).toBe(count(pending));
  expect(await monthCell('缺勤（未打卡）')).toBe('—');
  await shot('05-month-contact-pending');

  // HR works the case: his own phone is off; his father calls back with the reason.
  await go(`#/alerts/cases/${encodeURIComponent(anomalyId)}`);
  await poll(() => byTest('case-employee').textContent()).toContain(NAME);
  await byTest('case-record-attempt').click();
  await byTest('attempt-contacted').fill(NAME);
  await byTest('attempt-note').fill('拨打本人手机，关机');
  await byTest('attempt-save').click();
  await poll(() => byTest('timeline-entry').filter({ hasText: '拨打本人手机，关机' }).count()).toBe(1);
  await byTest('case-record-attempt').click();
  await byTest('attempt-contacted').fill('李父');
  await byTest('attempt-reached').check();
  await byTest('attempt-note').fill('父亲来电：周五晚上去见网友后就联系不上');
  await byTest('attempt-save').click();
  await poll(() => byTest('timeline-entry').filter({ hasText: '父亲来电：周五晚上去见网友后就联系不上' }).count()).toBe(1);
  await byTest('case-record-reason').click();
  await byTest('reason-text').fill(REASON);
  await byTest('reason-save').click();
  await poll(() => byTest('pre-reason').getAttribute('data-met')).toBe('yes');
  expect(await byTest('pre-attempt').getAttribute('data-met')).toBe('yes');
  // A dismissal could now be started from the case; HR does not.
  expect(await byTest('case-start-dismissal').isDisabled()).toBe(false);
  await byTest('timeline-entry').last().scrollIntoViewIfNeeded();
  await shot('06-case-worked');
  // Recorded on the terminal, under her name, and synced to the server.
  const onServer = async () => (await serverStates(await login(HR))).find((s) => s.anomalyId === anomalyId)?.case;
  await poll(async () => (await onServer())?.contactAttempts.length, 30_000).toBe(2);
  const c = (await onServer())!;
  expect(c.contactAttempts.map((a) => a.by)).toEqual([HR.name, HR.name]);
  expect(c.knownReason?.reason).toBe(REASON);
}, 300_000);

it('3. a month later he punches in again; HR excuses the whole absence, another HR account approves it, the days read 已说明 and the case closes as 已返岗', async () => {
  failureShot();
  w.setOffset(mondayOffset + 30 * DAY);
  returnDay = addDays(monday, 30);
  const lastAbsent = addDays(returnDay, -1);
  // Back at the plant: he and his colleague punch in at the start of the shift; the server hears of it.
  const hr = await login(HR);
  const thursday = addDays(monday, 3);
  await pushPunches(hr, [
    [COLLEAGUE_NO, shiftDayOf(shift, thursday).end + 3 * 60_000],
    ...workedDays(COLLEAGUE_NO, addDays(thursday, 1), lastAbsent),
    [EMPLOYEE_NO, shiftDayOf(shift, returnDay).start + 2 * 60_000],
    [COLLEAGUE_NO, shiftDayOf(shift, returnDay).start - 5 * 60_000],
  ]);
  const tick = await w.tick(hr);
  expect(tick.failed).toEqual([]);
  expect(tick.started).toEqual([]);
  expect(tick.processed).toContain(anomalyId);

  await openTerminal();
  await signIn(page, HR);
  // The inbox says he punched while the case is open.
  await go('#/alerts');
  await byTest('tab-inbox').click();
  await poll(() => byTest('alert-row').filter({ hasText: NAME }).filter({ hasText: '开案后有打卡' }).count(), 60_000).toBe(1);

  // Attendance: today he is on duty; the month behind him is still 待联系 until HR explains it.
  await openAttendance();
  await poll(() => statusOn(returnDay), 20_000).toBe('on_duty');
  await poll(() => statusOn(lastAbsent)).toBe(onDay(lastAbsent, 'absent_contact_pending'));
  await poll(() => statusOn(monday)).toBe(onDay(monday, 'absent_contact_pending'));

  // One correction over the whole absence, from his Monday to the day before he came back, with the reason.
  // (The row's menu is opened again should a re-render of the busy page swallow the first click.)
  await poll(async () => {
    if (!(await byTest('att-correct').isVisible())) await attRow(EMPLOYEE_NO).getByTestId('att-row-menu').click();
    return byTest('att-correct').isVisible();
  }).toBe(true);
  await byTest('att-correct').click();
  await byTest('correction-action').getByText('说明缺勤原因').click();
  await byTest('correction-end-date').fill(lastAbsent);
  await byTest('correction-reason').fill(EXCUSE);
  await shot('07-excuse-absence');
  await byTest('correction-save').click();
  await poll(() => attRow(EMPLOYEE_NO).textContent()).toContain('有待审批');
  expect(await statusOn(monday)).toBe(onDay(monday, 'absent_contact_pending')); // pending changes nothing yet

  // She filed it, so she cannot approve it: the screen says why.
  await byTest('tab-requests').click();
  const request = byTest('request-row').filter({ hasText: NAME });
  await poll(() => request.count()).toBe(1);
  expect(await request.textContent()).toContain(`${monday} – ${lastAbsent}`);
  expect(await request.getByTestId('request-filed-by').textContent()).toContain(HR.name);
  await poll(() => request.getByTestId('request-decision-blocked').textContent(), 20_000).toBe('本人提交的申请，需由其他 HR 或管理员审批');
  expect(await request.getByTestId('request-approve').isDisabled()).toBe(true);
  await shot('08-own-request-blocked');
  await poll(async () => (await serverRequests(hr)).filter((r) => r.employeeId === EMPLOYEE_ID && r.status === 'pending').length, 30_000).toBe(1);

  // Her colleague approves it at her own computer: a second terminal on the same server, signed in as her.
  const desk = await secondTerminal();
  await signIn(desk, HR2);
  await desk.evaluate(() => void (location.hash = '#/attendance'));
  await desk.getByTestId('tab-requests').click();
  const theirs = desk.getByTestId('request-row').filter({ hasText: NAME });
  await poll(() => theirs.count(), 30_000).toBe(1);
  await poll(() => theirs.getByTestId('request-approve').isDisabled()).toBe(false);
  expect(await theirs.getByTestId('request-decision-blocked').count()).toBe(0);
  await theirs.getByTestId('request-approve').click();
  await poll(() => theirs.count()).toBe(0); // the pending list empties
  await desk.getByText('全部', { exact: true }).click();
  await poll(() => theirs.getByTestId('request-status').textContent()).toBe('已批准');
  expect(await theirs.textContent()).toContain(HR2.name);
  await desk.waitForTimeout(400);
  await desk.screenshot({ path: join(SHOTS, 'story1-09-approved-by-colleague.png') });
  await poll(async () => (await serverRequests(hr)).find((r) => r.employeeId === EMPLOYEE_ID)?.status, 30_000).toBe('approved');

  // At HR's terminal the decision arrives: every day of the absence now reads 已说明; the day he came back
  // is his own.
  await poll(() => request.count(), 30_000).toBe(0); // no longer pending
  await page.getByText('全部', { exact: true }).click();
  await poll(() => request.getByTestId('request-status').textContent()).toBe('已批准');
  expect(await request.textContent()).toContain(HR2.name);
  await byTest('tab-day').click();
  for (const date of [monday, addDays(monday, 1), addDays(monday, 2), addDays(monday, 3), lastAbsent]) await poll(() => statusOn(date), 20_000).toBe(onDay(date, 'excused'));
  await poll(() => statusOn(monday)).toBe('excused');
  expect(await attRow(EMPLOYEE_NO).getByTestId('att-status').textContent()).toBe('已说明');
  expect(await attRow(EMPLOYEE_NO).textContent()).not.toContain('有待审批');
  await shot('10-attendance-excused');
  expect(await statusOn(returnDay)).toBe('on_duty');
  const month = monday.slice(0, 7);
  await byTest('tab-month').click();
  await byTest('att-month').fill(month);
  await poll(() => monthCell('已说明')).toBe(count(endedWorkingDays(month, monday, lastAbsent)));
  expect(await monthCell('待联系')).toBe('—');
  expect(await monthCell('缺勤（未打卡）')).toBe('—');
  await shot('11-month-excused');

  // The case closes: he is back.
  await go(`#/alerts/cases/${encodeURIComponent(anomalyId)}`);
  await poll(() => byTest('case-employee').textContent(), 30_000).toContain(NAME);
  await byTest('case-close').click();
  await poll(() => byTest('close-outcome').inputValue()).toBe('已返岗');
  await page.getByRole('dialog').locator('textarea').fill('本人已返岗，面谈确认情况属实');
  await byTest('close-save').click();
  await poll(() => byTest('case-status').textContent(), 20_000).toBe('已结案 · 已返岗');
  await byTest('timeline-entry').last().scrollIntoViewIfNeeded();
  await shot('12-case-closed');
  const closed = async () => (await serverStates(hr)).find((s) => s.anomalyId === anomalyId);
  await poll(async () => (await closed())?.case?.outcome, 30_000).toBe('returned');
  expect((await closed())!.timeline.find((t) => t.type === 'case_closed')).toMatchObject({ by: HR.name, outcome: 'returned' });
}, 400_000);

it('4. the review counts the case, the time to first contact and the corrected absence as the shared review functions do; 5. all of it survives a reload', async () => {
  failureShot();
  const hr2 = await login(HR2);
  const states = await serverStates(hr2);
  const requests = await serverRequests(hr2);
  const month = monday.slice(0, 7);
  const expected = reviewByMonth(states, requests).find((r) => r.month === month)!;
  const total = reviewEscalations(states);
  // What the shared functions make of this story: one case, closed as returned, its absence corrected, first
  // contact when his father was reached on Thursday.
  expect(expected).toMatchObject({ anomalies: 1, casesOpened: 1, casesOpen: 0, correctedLater: 1, misjudged: 0 });
  expect(expected.casesClosed.returned).toBe(1);
  const reached = states[0]!.timeline.find((t) => t.type === 'contact_attempt' && t.reached)!.at;
  expect(expected.minutesToFirstContact.median).toBe(Math.round((reached - states[0]!.timeline[0]!.at) / 60_000));
  const minutes = (m: number | null) => (m === null ? '—' : m < 120 ? `${m} min` : `${(m / 60).toFixed(1)} h`);

  const checkReview = async () => {
    await go('#/alerts');
    await byTest('tab-review').click();
    await pickSite(page, 'review-site');
    const row = page.locator(`[data-testid="review-row"][data-month="${month}"]`);
    await poll(() => row.getByTestId('review-corrected-later').textContent(), 30_000).toBe(String(expected.correctedLater));
    expect(await row.getByTestId('review-anomalies').textContent()).toBe(String(expected.anomalies));
    expect(await row.getByTestId('review-cases').textContent()).toBe(String(expected.casesOpened));
    expect(await row.getByTestId('review-cases-open').textContent()).toBe(String(expected.casesOpen));
    expect(await row.getByTestId('review-returned').textContent()).toBe(String(expected.casesClosed.returned));
    expect(await row.getByTestId('review-misjudged').textContent()).toBe(String(expected.misjudged));
    expect(await row.getByTestId('review-median-first-contact').textContent()).toBe(minutes(expected.minutesToFirstContact.median));
    expect(await row.getByTestId('review-max-first-contact').textContent()).toBe(minutes(expected.minutesToFirstContact.max));
    const tile = (key: string) => page.locator(`[data-testid="review-tile"][data-tile="${key}"]`).textContent();
    expect(await tile('casesOpened')).toBe(String(total.casesOpened));
    expect(await tile('casesOpen')).toBe(String(total.casesOpen));
    expect(await tile('medianFirstContact')).toBe(minutes(total.minutesToFirstContact.median));
    expect(await tile('correctedLater')).toBe(String(expected.correctedLater));
  };
  await checkReview();
  await shot('13-review');

  // 5. A reload (the terminal's local database, the server's copy): the same case, days and numbers.
  await page.reload();
  await poll(() => byTest('nav-alerts').getAttribute('data-disabled')).toBe(null);
  await checkReview();
  await go(`#/alerts/cases/${encodeURIComponent(anomalyId)}`);
  await poll(() => byTest('case-status').textContent(), 30_000).toBe('已结案 · 已返岗');
  expect(await byTest('timeline-entry').filter({ hasText: '父亲来电：周五晚上去见网友后就联系不上' }).count()).toBe(1);
  expect(await byTest('case-detail').textContent()).toContain(REASON);
  await openAttendance();
  await poll(() => statusOn(monday), 30_000).toBe(onDay(monday, 'excused'));
  expect(await statusOn(addDays(returnDay, -1))).toBe(onDay(addDays(returnDay, -1), 'excused'));
  await byTest('tab-requests').click();
  await page.getByText('全部', { exact: true }).click();
  await poll(() => byTest('request-row').filter({ hasText: NAME }).getByTestId('request-status').textContent()).toBe('已批准');
  await shot('14-after-reload');
}, 300_000);

/** A normal working day's punches (in a few minutes early, out a few minutes late) for each working day from..to. */
function workedDays(employeeNo: string, from: string, to: string): [string, number][] {
  const punches: [string, number][] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) {
    if (!isWorkingDay(dayKind(calendar, d, shift))) continue;
    const { start, end } = shiftDayOf(shift, d);
    punches.push([employeeNo, start - 4 * 60_000], [employeeNo, end + 3 * 60_000]);
  }
  return punches;
}

/** Punches as the site's terminal pulls them from its device: [employee number, instant]. */
async function pushPunches(session: Session, punches: [string, number][]) {
  const ids: Record<string, string> = { [EMPLOYEE_NO]: EMPLOYEE_ID, [COLLEAGUE_NO]: 'emp-e2e-story1-zhangwei' };
  await w.push(
    session,
    'punches',
    punches.map(([no, at]) => {
      const pin = no.slice(1);
      return Punch.parse({ id: punchId(DEVICE, pin, at), deviceSerial: DEVICE, pin, at, deviceLocalTime: localDateTimeOf(at), source: 'device-pull', employeeId: ids[no], siteId: SITE_ID, receivedAt: at, updatedAt: at });
    }),
  );
}
