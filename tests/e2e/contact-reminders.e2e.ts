import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { instantOf, localDateOf, localDateTimeOf } from '#shared/time';
import { startEscalationWorld, type EscalationWorld } from './escalation-world.ts';

// Quarterly emergency-contact re-confirmation from HR's side: the server's pass asks the overdue employees on
// its own (in office hours, so the process clock is moved to 10:00 Shanghai time), HR can still ask at once,
// the reminders follow (RENSHI_CONTACT_REMINDER_DAYS=1 here, the shortest allowed), and after the fifth HR
// is alerted and the 紧急联系人确认 table's filter shows who is overdue. The process clock (which the
// embedded server reads) is moved forward instead of waiting; the pass runs through its endpoint.

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
const DAY = 86_400_000;

it('the server asks and reminds by itself; HR sees who is overdue and is alerted', async () => {
  // The next 10:00 in Shanghai: automatic rounds start only in office hours.
  const real = w.realNow();
  let ten = instantOf(`${localDateOf(real)} 10:00`);
  if (ten <= real) ten += DAY;
  w.setOffset(ten - real);
  expect(localDateTimeOf(Date.now()).slice(11, 13)).toBe('10');

  await page.goto(host.url);
  await expect.poll(() => byTest('nav-alerts').getAttribute('data-disabled'), { timeout: 20_000 }).toBe(null);
  // A user session lasts 36 h and the clock moves by days: ask for the (renewed) session before each pass.
  const session = async () => {
    const res = await fetch(`${host.url}/bridge/syncSession`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    return ((await res.json()) as { data: { serverUrl: string; token: string } }).data;
  };
  const pass = async () => {
    const { serverUrl, token } = await session();
    const r = await fetch(`${serverUrl}/escalation/contact-confirmations/remind`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(r.status).toBe(200);
    return (await r.json()) as { started: number; announced: number; reminded: number; alerted: number };
  };
  const reopen = async () => {
    await byTest('tab-review').click();
    await byTest('tab-contacts').click();
  };
  const rowsIn = (state: string) => page.locator(`[data-testid="contact-due-row"][data-state="${state}"]`);

  await byTest('nav-alerts').click();
  await byTest('tab-contacts').click();
  await expect.poll(() => byTest('contact-due-row').count(), { timeout: 20_000 }).toBeGreaterThan(0);
  const due = await byTest('contact-due-row').count();
  expect(await rowsIn('not_asked').count()).toBe(due);

  // Nobody pressed anything: the server's pass asks every listed employee (demo employees are reached by SMS).
  const smsBefore = peers.state.sms.length;
  const first = await pass();
  expect(first.started).toBeGreaterThanOrEqual(due);
  expect(first.announced).toBe(first.started);
  expect(peers.state.sms.length - smsBefore).toBe(first.started);
  await reopen();
  await expect.poll(() => rowsIn('waiting').count(), { timeout: 15_000 }).toBe(due);
  const row = byTest('contact-due-row').first();
  expect(await row.getByTestId('contact-request-state').textContent()).toContain('系统自动发送确认请求');
  expect(await row.getByTestId('contact-reminders').textContent()).toMatch(/^尚未提醒下次 \d{4}-\d{2}-\d{2} 10:\d{2}$/);
  await shot('contacts-automatic');

  // HR can still ask at once, which starts a new series under HR's name.
  await byTest('contacts-ask').click();
  await expect.poll(() => row.getByTestId('contact-request-state').textContent(), { timeout: 15_000 }).toMatch(/已由 admin 发送确认请求/);

  // Five daily reminders go unanswered: HR is alerted once for each.
  for (let n = 1; n <= 5; n++) {
    w.advance(DAY + 60_000);
    const r = await pass();
    expect(r.reminded, `reminder ${n}`).toBeGreaterThanOrEqual(due);
    expect(r.alerted, `alerts after reminder ${n}`).toBe(n === 5 ? r.alerted : 0);
    if (n === 5) expect(r.alerted).toBeGreaterThanOrEqual(due);
  }
  expect((await pass()).alerted).toBe(0);

  // Days went by: HR opens the app again (its earlier sign-in has expired by now).
  await page.goto(host.url);
  await expect.poll(() => byTest('nav-alerts').getAttribute('data-disabled'), { timeout: 20_000 }).toBe(null);
  await byTest('nav-alerts').click();
  await byTest('tab-contacts').click();
  await expect.poll(() => rowsIn('overdue').count(), { timeout: 15_000 }).toBe(due);
  await page.getByText(/^逾期未确认（\d+）$/).click();
  expect(await byTest('contact-due-row').count()).toBe(due);
  expect(await byTest('contact-overdue').count()).toBe(due);
  expect(await row.getByTestId('contact-reminders').textContent()).toMatch(/已提醒 5 次最近 .*下次 /);
  await shot('contacts-overdue');

  // The alert inbox lists them and leads back to the overdue list.
  await byTest('tab-inbox').click();
  const alerts = byTest('alert-row').filter({ hasText: '紧急联系人逾期未确认' });
  await expect.poll(() => alerts.count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(due);
  await shot('alerts-contacts-overdue');
  await alerts.first().getByTestId('alert-open-contacts').click();
  await expect.poll(() => byTest('contact-due-row').count(), { timeout: 15_000 }).toBe(due);
  expect(await rowsIn('overdue').count()).toBe(due);
});
