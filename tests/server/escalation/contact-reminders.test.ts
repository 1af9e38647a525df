import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { instantOf } from '#shared/time';
import { reminderConfigFromEnv } from '../../../src-server/escalation/contact-schedule.ts';
import { startHttpPeers, startSmtpPeer, type HttpPeers } from '../notifications/peers.ts';
import { employee, SITE, startHarness, type Harness } from './harness.ts';

// Automatic reminders for emergency-contact re-confirmation: every 3 days (default) after the request or the
// last reminder for the first 5, then HR is alerted once and they go on weekly, on every channel the employee
// has, until they confirm. Delivered through the real local WeCom/SMS/SMTP peers on a PGlite folder that
// survives restarts; time moves only when the test moves it.

const DAY = 86_400_000;
const T0 = instantOf('2026-04-01 10:00');
let now = T0;
let peers: HttpPeers;
let smtp: Awaited<ReturnType<typeof startSmtpPeer>>;
let dir: string;
let h: Harness;

const e1 = employee('e1', '1001');
const e2 = employee('e2', '1002');
const start = () => startHarness({ peers, smtpPort: smtp.port, clock: () => now, dataDir: dir });
const remind = async (on: Harness = h) => {
  const r = await on.call('POST', '/escalation/contact-confirmations/remind', {});
  expect(r.status).toBe(200);
  return r.body.reminded as number;
};
/** Messages each employee received on each channel so far. */
const received = (e: typeof e1) => ({
  sms: peers.state.sms.filter((s) => s.to === e.phone).length,
  wecom: peers.state.wecom.filter((m) => m.touser === e.workAccounts[0]!.account).length,
  email: smtp.mails.filter((m) => m.to.includes(e.email!)).length,
});
const lastSms = (e: typeof e1) => peers.state.sms.filter((s) => s.to === e.phone).at(-1)!.text;
const confirmLinkIn = (text: string) => {
  const m = /(http:\/\/127\.0\.0\.1:\d+\/confirm-contacts\/[A-Za-z0-9_.-]+)/.exec(text);
  if (!m) throw new Error(`no confirmation link in: ${text}`);
  return m[1]!;
};
const overview = async () => {
  const list = (await h.call('GET', '/escalation/contact-confirmations')).body.employees as {
    employeeId: string;
    remindersSent: number;
    lastReminderAt: number | null;
    nextReminderAt: number | null;
    confirmedAt: number | null;
    overdue: boolean;
    hrAlertedAt: number | null;
  }[];
  return new Map(list.map((r) => [r.employeeId, r]));
};
const waitForMail = async (count: number) => {
  for (let i = 0; i < 100 && smtp.mails.length < count; i++) await new Promise((r) => setTimeout(r, 20));
};

beforeAll(async () => {
  [peers, smtp] = await Promise.all([startHttpPeers(), startSmtpPeer()]);
  dir = mkdtempSync(join(tmpdir(), 'renshi-contact-reminders-'));
  h = await start();
  await h.put('org', [SITE]);
  await h.put('employees', [e1, e2]);
  const asked = await h.call('POST', '/escalation/contact-confirmations', { employeeIds: ['e1', 'e2'] });
  expect(asked.body.sent).toHaveLength(2);
});
afterAll(async () => {
  await h?.close();
  await Promise.all([peers?.close(), smtp?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('emergency-contact confirmation reminders', () => {
  test('nothing before 3 days; at 3 days one reminder on every channel, with a working link, shown to HR', async () => {
    now = T0 + 3 * DAY - 60_000;
    expect(await remind()).toBe(0);
    expect(received(e1)).toEqual({ sms: 1, wecom: 1, email: 1 });

    now = T0 + 3 * DAY;
    expect(await remind()).toBe(2);
    await waitForMail(4);
    expect(received(e1)).toEqual({ sms: 2, wecom: 2, email: 2 });
    expect(received(e2)).toEqual({ sms: 2, wecom: 2, email: 2 });
    expect(lastSms(e1)).toContain('您还没有确认紧急联系人');
    const reminderIds = (await h.notifier.byLogicalIds([`contact-confirm|e1|${T0.toString(36)}|reminder|1`])).map((m) => m.id).sort();
    expect(reminderIds).toEqual(['email', 'sms', 'wecom'].map((c) => `contact-confirm|e1|${T0.toString(36)}|reminder|1|${c}`));

    const o = await overview();
    expect(o.get('e1')).toMatchObject({ remindersSent: 1, lastReminderAt: now, confirmedAt: null });
    expect(o.get('e2')).toMatchObject({ remindersSent: 1, lastReminderAt: now });
    // Asking again at the same moment sends nothing.
    expect(await remind()).toBe(0);
    expect(received(e1).sms).toBe(2);
  });

  test('an employee who confirms (through the reminder link) is not reminded again', async () => {
    now = T0 + 4 * DAY;
    const res = await fetch(confirmLinkIn(lastSms(e2)), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '', signal: AbortSignal.timeout(10_000) });
    expect(res.status).toBe(200);
    expect((await overview()).get('e2')?.confirmedAt).toBe(now);

    now = T0 + 6 * DAY;
    expect(await remind()).toBe(1);
    expect(received(e1).sms).toBe(3);
    expect(received(e2).sms).toBe(2);
    expect((await overview()).get('e1')).toMatchObject({ remindersSent: 2, lastReminderAt: now });
  });

  test('after a restart, and after a crash between sending and counting, nothing goes out twice', async () => {
    await h.close();
    h = await start();
    expect(await remind()).toBe(0);
    expect(received(e1)).toEqual({ sms: 3, wecom: 3, email: 3 });

    // What a crash after sending reminder 2 but before counting it leaves: the count one behind.
    await h.db.query(`UPDATE contact_confirmation_requests SET reminders_sent = 1, last_reminder_at = $1 WHERE employee_id = 'e1'`, [T0 + 3 * DAY]);
    await h.close();
    h = await start();
    expect(await remind()).toBe(1); // reminder 2 is counted again...
    expect(received(e1)).toEqual({ sms: 3, wecom: 3, email: 3 }); // ...but not sent again
    expect((await overview()).get('e1')?.remindersSent).toBe(2);
  });

  test('two server instances on one database send reminder 3 once', async () => {
    const second = await startHarness({ peers, smtpPort: smtp.port, clock: () => now, db: h.db });
    try {
      now = T0 + 9 * DAY;
      const counts = await Promise.all([remind(h), remind(second)]);
      expect(counts[0]! + counts[1]!).toBe(1);
      await waitForMail(smtp.mails.length + 1);
      expect(received(e1)).toEqual({ sms: 4, wecom: 4, email: 4 });
    } finally {
      await second.close({ keepDb: true });
    }
  });

  test('after the first 5 (every 3 days) HR is alerted once, and the reminders go on weekly', async () => {
    const pass = async () => (await h.call('POST', '/escalation/contact-confirmations/remind', {})).body as { reminded: number; alerted: number };
    const hrAlerts = async () => ((await h.call('GET', '/escalation/alerts?open=1')).body.alerts as { id: string; reason: string; employeeId: string; anomalyId: string }[]).filter((a) => a.reason === 'contact_confirmation_overdue');
    const requestId = `contact-confirm|e1|${T0.toString(36)}`;

    now = T0 + 12 * DAY;
    expect(await pass()).toMatchObject({ reminded: 1, alerted: 0 });
    expect((await overview()).get('e1')).toMatchObject({ remindersSent: 4, overdue: false, nextReminderAt: T0 + 15 * DAY });
    expect(await hrAlerts()).toEqual([]);

    now = T0 + 15 * DAY;
    expect(await pass()).toMatchObject({ reminded: 1, alerted: 1 });
    expect(await hrAlerts()).toEqual([expect.objectContaining({ id: `${requestId}|overdue`, employeeId: 'e1', anomalyId: requestId })]);
    const inbox = (await h.call('GET', '/notifications/in-app')).body.messages as { logicalId: string; subject: string; text: string }[];
    expect(inbox.find((m) => m.logicalId === `${requestId}|overdue`)).toMatchObject({ subject: '紧急联系人逾期未确认：员工1001', text: expect.stringContaining('每 7 天') });
    expect((await overview()).get('e1')).toMatchObject({ remindersSent: 5, overdue: true, hrAlertedAt: now, nextReminderAt: T0 + 22 * DAY });

    now = T0 + 18 * DAY; // three days on: no longer due, and HR is not alerted again
    expect(await pass()).toMatchObject({ reminded: 0, alerted: 0 });
    now = T0 + 22 * DAY - 60_000;
    expect((await pass()).reminded).toBe(0);
    now = T0 + 22 * DAY;
    expect((await pass()).reminded).toBe(1);
    await h.close();
    h = await start();
    now = T0 + 29 * DAY;
    expect(await pass()).toMatchObject({ reminded: 1, alerted: 0 });
    await waitForMail(8 * 2);
    expect(received(e1)).toEqual({ sms: 8, wecom: 8, email: 8 }); // the request and 7 reminders
    expect(await hrAlerts()).toHaveLength(1);
    expect(received(e2).sms).toBe(2);
  });

  test('HR asking again starts a new series; only the new request is reminded about', async () => {
    now = T0 + 40 * DAY;
    expect((await h.call('POST', '/escalation/contact-confirmations', { employeeIds: ['e1'] })).body.sent).toHaveLength(1);
    expect((await overview()).get('e1')).toMatchObject({ remindersSent: 0, lastReminderAt: null });
    now = T0 + 43 * DAY;
    expect(await remind()).toBe(1);
    expect(received(e1).sms).toBe(10);
    expect((await overview()).get('e1')).toMatchObject({ remindersSent: 1, lastReminderAt: now, overdue: false });
  });

  test('HR recording the confirmation on the record (checked in person) stops the reminders', async () => {
    await h.put('employees', [{ ...e1, sensitive: { ...e1.sensitive, emergencyContacts: e1.sensitive.emergencyContacts.map((c) => ({ ...c, lastConfirmedOn: '2026-05-14' })) }, updatedAt: 2 }]);
    now = T0 + 46 * DAY;
    expect(await remind()).toBe(0);
    expect(received(e1).sms).toBe(10);
    expect((await overview()).get('e1')).toMatchObject({ nextReminderAt: null, overdue: false });
  });

  test('the interval and the cap come from the environment; nonsense is refused', () => {
    expect(reminderConfigFromEnv({})).toEqual({ periodDays: 90, everyDays: 3, maxReminders: 5, laterEveryDays: 7 });
    expect(reminderConfigFromEnv({ RENSHI_CONTACT_RECONFIRM_DAYS: '120', RENSHI_CONTACT_REMINDER_DAYS: '7', RENSHI_CONTACT_REMINDER_MAX: '2', RENSHI_CONTACT_REMINDER_LATER_DAYS: '14' })).toEqual({
      periodDays: 120,
      everyDays: 7,
      maxReminders: 2,
      laterEveryDays: 14,
    });
    expect(() => reminderConfigFromEnv({ RENSHI_CONTACT_REMINDER_DAYS: 'often' })).toThrow(/RENSHI_CONTACT_REMINDER/);
    expect(() => reminderConfigFromEnv({ RENSHI_CONTACT_REMINDER_DAYS: '0' })).toThrow(/everyDays/);
    expect(() => reminderConfigFromEnv({ RENSHI_CONTACT_RECONFIRM_DAYS: '3' })).toThrow(/periodDays/);
  });

  test('other roles cannot trigger a reminder pass', async () => {
    const terminal = await h.call('POST', '/terminals', { name: '门卫', siteId: 'site-1' });
    expect((await h.call('POST', '/escalation/contact-confirmations/remind', {}, {}, terminal.body.token as string)).status).toBe(403);
  });
});
