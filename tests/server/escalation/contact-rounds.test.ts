import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { instantOf } from '#shared/time';
import { startHttpPeers, startSmtpPeer, type HttpPeers } from '../notifications/peers.ts';
import { employee, SITE, startHarness, type Harness } from './harness.ts';

// Quarterly re-confirmation without HR: the server's pass asks every employee whose last confirmation is more
// than 90 days old (or who never confirmed) on its own, in office hours, once, whatever restarts or second
// instances happen; employees with nobody on file, without a channel, or gone are not asked. Real local
// WeCom/SMS/SMTP peers and a PGlite folder that survives restarts; time moves only when the test moves it.

const DAY = 86_400_000;
let now = instantOf('2026-04-01 08:00');
let peers: HttpPeers;
let smtp: Awaited<ReturnType<typeof startSmtpPeer>>;
let dir: string;
let h: Harness;

const confirmedOn = (pin: string, on: string | null) => [{ name: `家属${pin}`, relation: '母亲', phone: `1390013${pin}`, lastConfirmedOn: on }];
const stale = employee('stale', '2001', { sensitive: { emergencyContacts: confirmedOn('2001', '2025-12-01') } });
const fresh = employee('fresh', '2002', { sensitive: { emergencyContacts: confirmedOn('2002', '2026-03-01') } });
const never = employee('never', '2003');
const nobody = employee('nobody', '2004', { sensitive: { emergencyContacts: [] } });
const gone = employee('gone', '2005', { status: 'terminated', sensitive: { emergencyContacts: confirmedOn('2005', '2025-12-01') } });
const unreachable = employee('unreachable', '2006', { phone: null, email: null, workAccounts: [] });

const start = () => startHarness({ peers, smtpPort: smtp.port, clock: () => now, dataDir: dir });
const pass = async (on: Harness = h) => {
  const r = await on.call('POST', '/escalation/contact-confirmations/remind', {});
  expect(r.status).toBe(200);
  return r.body as { started: number; announced: number; reminded: number; alerted: number };
};
const smsTo = (e: typeof stale) => peers.state.sms.filter((s) => s.to === e.phone);
const overview = async () => {
  const body = (await h.call('GET', '/escalation/contact-confirmations')).body as {
    periodDays: number;
    employees: { employeeId: string; requestedAt: number; requestedBy: string; automatic: boolean; nextReminderAt: number | null; closedAt: number | null; confirmedAt: number | null }[];
  };
  return new Map(body.employees.map((r) => [r.employeeId, r]));
};
const confirmLinkIn = (text: string) => /(http:\/\/127\.0\.0\.1:\d+\/confirm-contacts\/[A-Za-z0-9_.-]+)/.exec(text)![1]!;
const waitForMail = async (count: number) => {
  for (let i = 0; i < 100 && smtp.mails.length < count; i++) await new Promise((r) => setTimeout(r, 20));
};

beforeAll(async () => {
  [peers, smtp] = await Promise.all([startHttpPeers(), startSmtpPeer()]);
  dir = mkdtempSync(join(tmpdir(), 'renshi-contact-rounds-'));
  h = await start();
  await h.put('org', [SITE]);
  await h.put('employees', [stale, fresh, never, nobody, gone, unreachable]);
});
afterAll(async () => {
  await h?.close();
  await Promise.all([peers?.close(), smtp?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('automatic emergency-contact re-confirmation', () => {
  test('before 09:00 nothing starts; at 09:00 the overdue employees are asked on every channel, by the server', async () => {
    expect(await pass()).toEqual({ started: 0, announced: 0, reminded: 0, alerted: 0 });
    expect(peers.state.sms).toHaveLength(0);

    now = instantOf('2026-04-01 09:00');
    expect(await pass()).toMatchObject({ started: 2, announced: 2 });
    await waitForMail(2);
    expect(smsTo(stale)).toHaveLength(1);
    expect(smsTo(never)).toHaveLength(1);
    expect(smsTo(stale)[0]!.text).toContain('公司每季度请员工确认紧急联系人');
    expect(peers.state.sms).toHaveLength(2); // fresh, nobody on file, gone and unreachable are not asked
    expect(peers.state.wecom.map((m) => m.touser).sort()).toEqual(['wx-2001', 'wx-2003']);
    expect(smtp.mails).toHaveLength(2);

    const o = await overview();
    expect([...o.keys()].sort()).toEqual(['never', 'stale']);
    expect(o.get('stale')).toMatchObject({ requestedAt: now, requestedBy: 'system', automatic: true, nextReminderAt: now + 3 * DAY });
    const ids = (await h.notifier.byLogicalIds(['contact-confirm|stale|auto|2026-04-01'])).map((m) => m.channel).sort();
    expect(ids).toEqual(['email', 'sms', 'wecom']);
  });

  test('passing again, after a restart, on a second instance, or after a crash before the send was counted, sends nothing twice', async () => {
    now = instantOf('2026-04-01 09:30');
    expect(await pass()).toEqual({ started: 0, announced: 0, reminded: 0, alerted: 0 });
    await h.close();
    h = await start();
    const second = await startHarness({ peers, smtpPort: smtp.port, clock: () => now, db: h.db });
    try {
      const [a, b] = await Promise.all([pass(h), pass(second)]);
      expect(a.started + b.started + a.announced + b.announced).toBe(0);
    } finally {
      await second.close({ keepDb: true });
    }
    // What a crash after sending the first message but before recording it leaves behind.
    await h.db.query(`UPDATE contact_confirmation_requests SET announced_at = NULL WHERE employee_id = 'stale'`);
    await h.close();
    h = await start();
    expect(await pass()).toMatchObject({ started: 0, announced: 1 }); // recorded now...
    expect(smsTo(stale)).toHaveLength(1); // ...but not sent again
    expect(peers.state.sms).toHaveLength(2);
  });

  test('reminders follow; one confirmation by link, the other by HR on the record, and both stop', async () => {
    now = instantOf('2026-04-04 10:00'); // three days after each first message
    expect(await pass()).toMatchObject({ started: 0, reminded: 2 });
    expect(smsTo(stale).at(-1)!.text).toContain('您还没有确认紧急联系人');

    now = instantOf('2026-04-05 10:00');
    const res = await fetch(confirmLinkIn(smsTo(stale).at(-1)!.text), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '', signal: AbortSignal.timeout(10_000) });
    expect(res.status).toBe(200);
    // HR met the other one and recorded it ("HR 已核实" writes every contact's lastConfirmedOn).
    await h.put('employees', [{ ...never, sensitive: { ...never.sensitive, emergencyContacts: confirmedOn('2003', '2026-04-05') }, updatedAt: 2 }]);

    now = instantOf('2026-04-07 10:00');
    expect(await pass()).toEqual({ started: 0, announced: 0, reminded: 0, alerted: 0 });
    expect(smsTo(stale)).toHaveLength(2);
    expect(smsTo(never)).toHaveLength(2);
    const o = await overview();
    expect(o.get('stale')).toMatchObject({ confirmedAt: instantOf('2026-04-05 10:00'), nextReminderAt: null });
    expect(o.get('never')).toMatchObject({ closedAt: now, nextReminderAt: null });
  });

  test('each is asked again once their own confirmation is more than 90 days old', async () => {
    // fresh confirmed 2026-03-01: due from 2026-05-31. never (HR, 2026-04-05) and stale (link, 2026-04-05): from 2026-07-05.
    now = instantOf('2026-05-30 10:00');
    expect((await pass()).started).toBe(0);
    now = instantOf('2026-05-31 10:00');
    expect((await pass()).started).toBe(1);
    expect(smsTo(fresh)).toHaveLength(1);
    expect((await overview()).get('fresh')).toMatchObject({ automatic: true, requestedAt: now });

    now = instantOf('2026-07-04 10:00');
    expect((await pass()).started).toBe(0);
    now = instantOf('2026-07-05 19:59');
    expect((await pass()).started).toBe(2);
    expect((await h.notifier.byLogicalIds(['contact-confirm|stale|auto|2026-07-05', 'contact-confirm|never|auto|2026-07-05'])).filter((m) => m.channel === 'sms')).toHaveLength(2);
    expect(smsTo(nobody).length + smsTo(gone).length).toBe(0);
  });

  test('HR can still start a round by hand, which replaces the automatic one', async () => {
    now = instantOf('2026-07-06 11:00');
    const asked = await h.call('POST', '/escalation/contact-confirmations', { employeeIds: ['stale'] });
    expect(asked.body.sent).toHaveLength(1);
    expect((await overview()).get('stale')).toMatchObject({ automatic: false, requestedBy: 'hr-admin', requestedAt: now });
    expect((await pass()).started).toBe(0);
  });

  test('the period is one company-wide setting, reported to HR\'s screen', async () => {
    const monthly = await startHarness({ peers, smtpPort: smtp.port, clock: () => now, db: h.db, contactConfirmation: { periodDays: 30 } });
    try {
      expect((await monthly.call('GET', '/escalation/contact-confirmations')).body.periodDays).toBe(30);
    } finally {
      await monthly.close({ keepDb: true });
    }
    expect((await overview()).size).toBeGreaterThan(0);
    expect((await h.call('GET', '/escalation/contact-confirmations')).body.periodDays).toBe(90);
  });
});
