import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startWebApp } from '../../src-main/host/web-app.ts';
import { SMS_AUTH, startHttpPeers, type HttpPeers } from '../server/notifications/peers.ts';
import { launchChromium, newAppPage } from './browser.ts';

// Emergency-contact re-confirmation reminders from HR's side: HR asks the overdue employees to confirm; a day
// later (RENSHI_CONTACT_REMINDER_DAYS=1 here, the shortest allowed) the server's reminder pass texts each of
// them again, and the 紧急联系人确认 table shows how many reminders went out and when. The process clock
// (which the embedded server reads) is moved forward instead of waiting; the pass runs through its endpoint.

const SHOTS = join('test-results', 'screenshots');
const tmp = mkdtempSync(join(tmpdir(), 'renshi-e2e-reminders-'));
const realNow = Date.now.bind(Date);
let offsetMs = 0;
let host: { url: string; close: () => Promise<void> };
let browser: Browser;
let page: Page;
let peers: HttpPeers;
const ENV = ['RENSHI_ESCALATION_INTERVAL_MS', 'RENSHI_SMS_URL', 'RENSHI_SMS_AUTH_HEADER', 'RENSHI_CONTACT_REMINDER_DAYS'];

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  process.env.RENSHI_ESCALATION_INTERVAL_MS = '0'; // no timers: passes come from the test
  process.env.RENSHI_CONTACT_REMINDER_DAYS = '1';
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
  for (const name of ENV) delete process.env[name];
  rmSync(tmp, { recursive: true, force: true });
});

const byTest = (id: string) => page.getByTestId(id);

it('HR sees the reminders the server sent to employees who have not confirmed', async () => {
  await page.goto(host.url);
  await expect.poll(() => byTest('nav-alerts').getAttribute('data-disabled'), { timeout: 20_000 }).toBe(null);
  const res = await fetch(`${host.url}/bridge/syncSession`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
  const session = ((await res.json()) as { data: { serverUrl: string; token: string } }).data;

  await byTest('nav-alerts').click();
  await byTest('tab-contacts').click();
  await expect.poll(() => byTest('contact-due-row').count(), { timeout: 20_000 }).toBeGreaterThan(0);
  await byTest('contacts-ask').click();
  const rows = byTest('contact-due-row').filter({ has: page.getByTestId('contact-request-state') });
  await expect.poll(() => rows.count(), { timeout: 15_000 }).toBeGreaterThan(0);
  const asked = await rows.count();
  const first = rows.first();
  await expect.poll(() => first.getByTestId('contact-reminders').textContent()).toBe('尚未提醒');
  const smsBefore = peers.state.sms.length;

  const remind = async () => {
    const r = await fetch(`${session.serverUrl}/escalation/contact-confirmations/remind`, { method: 'POST', headers: { authorization: `Bearer ${session.token}` } });
    expect(r.status).toBe(200);
    return ((await r.json()) as { reminded: number }).reminded;
  };
  expect(await remind()).toBe(0); // not a day yet
  offsetMs += 86_400_000 + 60_000;
  const reminded = await remind();
  expect(reminded).toBeGreaterThan(0);
  expect(reminded).toBeLessThanOrEqual(asked);
  const reminders = peers.state.sms.slice(smsBefore);
  expect(reminders.length).toBe(reminded); // demo employees are reached by SMS only here
  expect(reminders.every((m) => m.text.includes('您还没有确认紧急联系人'))).toBe(true);

  await byTest('tab-review').click();
  await byTest('tab-contacts').click();
  await expect.poll(() => byTest('contact-reminders').filter({ hasText: '已提醒 1 次' }).count(), { timeout: 15_000 }).toBe(reminded);
  expect(await first.getByTestId('contact-reminders').textContent()).toMatch(/已提醒 1 次最近 \d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
  await page.waitForTimeout(400);
  await page.screenshot({ path: join(SHOTS, 'contacts-reminders.png') });
});
