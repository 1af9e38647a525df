import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startEscalationWorld, type EscalationWorld } from './escalation-world.ts';

// Emergency-contact re-confirmation reminders from HR's side: HR asks the overdue employees to confirm; a day
// later (RENSHI_CONTACT_REMINDER_DAYS=1 here, the shortest allowed) the server's reminder pass texts each of
// them again, and the 紧急联系人确认 table shows how many reminders went out and when. The process clock
// (which the embedded server reads) is moved forward instead of waiting; the pass runs through its endpoint.

let w: EscalationWorld;
let page: Page;
let host: EscalationWorld['host'];
let peers: EscalationWorld['peers'];

beforeAll(async () => {
  w = await startEscalationWorld('reminders', { RENSHI_CONTACT_REMINDER_DAYS: '1' });
  ({ page, host, peers } = w);
});
afterAll(async () => w?.close());

const byTest = (id: string) => w.byTest(id);
const shot = (file: string, fullPage = false) => w.shot(file, fullPage);

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
  w.advance(86_400_000 + 60_000);
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
  await shot('contacts-reminders');
});
