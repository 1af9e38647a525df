import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { instantOf } from '#shared/time';
import { startHttpPeers, startSmtpPeer, type HttpPeers } from '../notifications/peers.ts';
import { employee, SITE, startHarness, type Harness } from './harness.ts';

// Quarterly emergency-contact re-confirmation on the server: HR asks, each employee gets a link on their
// channels, the page lists their contacts (phones masked) with one button, the confirmation is stored once,
// and the link is not an attendance reply link (nor can it be forged or used after it expires).

let now = instantOf('2026-04-01 10:00');
let peers: HttpPeers;
let smtp: Awaited<ReturnType<typeof startSmtpPeer>>;
let h: Harness;

const e1 = employee('e1', '1001');
const e5 = employee('e5', '1005', { phone: null, email: null, workAccounts: [] });
const confirmLinkIn = (text: string) => {
  const m = /(http:\/\/127\.0\.0\.1:\d+\/confirm-contacts\/[A-Za-z0-9_.-]+)/.exec(text);
  if (!m) throw new Error(`no confirmation link in: ${text}`);
  return m[1]!;
};
const get = async (url: string) => {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return { status: res.status, html: await res.text() };
};
const post = async (url: string) => {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '', signal: AbortSignal.timeout(10_000) });
  return { status: res.status, html: await res.text() };
};

beforeAll(async () => {
  [peers, smtp] = await Promise.all([startHttpPeers(), startSmtpPeer()]);
  h = await startHarness({ peers, smtpPort: smtp.port, clock: () => now });
  await h.put('org', [SITE]);
  await h.put('employees', [e1, e5]);
});
afterAll(async () => {
  await h?.close();
  await Promise.all([peers?.close(), smtp?.close()]);
});

describe('emergency-contact re-confirmation', () => {
  let link = '';

  test('HR asks: employees with a channel get a link on each, the others are reported', async () => {
    const r = await h.call('POST', '/escalation/contact-confirmations', { employeeIds: ['e1', 'e5', 'ghost', 'e1'] });
    expect(r.status).toBe(200);
    expect(r.body.sent).toEqual([expect.objectContaining({ employeeId: 'e1', channels: ['wecom', 'sms', 'email'] })]);
    expect(r.body.skipped).toEqual([
      { employeeId: 'e5', reason: 'no_channel' },
      { employeeId: 'ghost', reason: 'not_found' },
    ]);
    const sms = peers.state.sms.filter((s) => s.to === e1.phone);
    expect(sms).toHaveLength(1);
    link = confirmLinkIn(sms[0]!.text);
    // Nobody confirmed yet.
    const overview = (await h.call('GET', '/escalation/contact-confirmations')).body;
    expect(overview).toMatchObject({ periodDays: 90, everyDays: 3, maxReminders: 5, laterEveryDays: 7 });
    expect(overview.employees).toEqual([
      {
        employeeId: 'e1', requestedAt: now, requestedBy: 'hr-admin', automatic: false, confirmedAt: null, confirmedOn: null,
        remindersSent: 0, lastReminderAt: null, nextReminderAt: now + 3 * 86_400_000, overdue: false, hrAlertedAt: null, closedAt: null,
      },
    ]);
  });

  test('the page lists the contacts with masked phones; it is not an attendance reply link', async () => {
    const page = await get(link);
    expect(page.status).toBe(200);
    expect(page.html).toContain('家属1001');
    expect(page.html).toContain('139****1001');
    expect(page.html).not.toContain('13900131001');
    expect((await get(link.replace('/confirm-contacts/', '/reply/'))).status).toBe(403);
    const forged = link.slice(0, -3) + (link.endsWith('AAA') ? 'BBB' : 'AAA');
    expect((await get(forged)).status).toBe(403);
    expect((await get(link.replace(/\/confirm-contacts\/.*/, '/confirm-contacts/not-a-token'))).status).toBe(403);
  });

  test('confirming stores the day once; the delivery shows it was answered', async () => {
    now = instantOf('2026-04-01 19:30');
    expect((await post(link)).status).toBe(200);
    now = instantOf('2026-04-02 08:00');
    expect((await post(link)).status).toBe(200); // a second tap changes nothing
    const [row] = (await h.call('GET', '/escalation/contact-confirmations')).body.employees;
    expect(row).toMatchObject({ employeeId: 'e1', confirmedAt: instantOf('2026-04-01 19:30'), confirmedOn: '2026-04-01' });
    const sms = (await h.notifier.byLogicalIds([row.requestedAt ? `contact-confirm|e1|${row.requestedAt.toString(36)}` : ''])).find((m) => m.channel === 'sms');
    expect(sms?.status).toBe('replied');
  });

  test('the link expires; HR-only endpoints refuse other roles', async () => {
    now = instantOf('2026-05-01 10:00');
    expect((await get(link)).status).toBe(410);
    expect((await post(link)).status).toBe(410);
    const terminal = await h.call('POST', '/terminals', { name: '门卫', siteId: 'site-1' });
    const asTerminal = terminal.body.token as string;
    expect((await h.call('POST', '/escalation/contact-confirmations', { employeeIds: ['e1'] }, {}, asTerminal)).status).toBe(403);
    expect((await h.call('GET', '/escalation/contact-confirmations', undefined, {}, asTerminal)).status).toBe(403);
    expect((await h.call('POST', '/escalation/contact-confirmations', { employeeIds: [] })).status).toBe(400);
  });
});
