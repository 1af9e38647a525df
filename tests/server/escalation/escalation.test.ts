import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openDatabase } from '../../../src-server/db/database.ts';
import { dropSchema, PG_URL, postgresAvailable, testSchema, type Backend } from '../support/backends.ts';
import { anomalyId } from '#shared/attendance/anomalies';
import { instantOf } from '#shared/time';
import { startHttpPeers, startSmtpPeer, type HttpPeers } from '../notifications/peers.ts';
import { DAY_SHIFT, employee, linkIn, postReply, punch, SITE, startHarness, type Harness } from './harness.ts';

/**
 * Story 1 end to end on the server (PGlite in memory, and real PostgreSQL when one answers), Monday 2026-03-02, day shift 09:00 + 5 min grace, 120 min window:
 * e1 answers the link, e2 never answers (emergency contact, then HR and a lost-contact case), e3 punched
 * on time, e4 punches late. Time moves only when the test sets `now`.
 */
const at = (hhmm: string) => instantOf(`2026-03-02 ${hhmm}`);
const DATE = '2026-03-02';
let now = at('08:00');

let peers: HttpPeers;
let smtp: Awaited<ReturnType<typeof startSmtpPeer>>;
let h: Harness;

const e1 = employee('e1', '1001');
const e2 = employee('e2', '1002');
const e3 = employee('e3', '1003');
const e4 = employee('e4', '1004', { email: null, workAccounts: [] });
const e6 = employee('e6', '1006');
const smsTo = (phone: string) => peers.state.sms.filter((s) => s.to === phone);
const wecomTo = (user: string) => peers.state.wecom.filter((m) => m.touser === user);
const mailTo = (address: string) => smtp.mails.filter((m) => m.to.includes(address));
const state = async (employeeId: string) => (await h.runner.repository.load(anomalyId(employeeId, DATE)))?.state;

const backends: Backend[] = ['pglite', ...((await postgresAvailable()) ? (['postgres'] as const) : [])];

describe.each(backends)('missed-punch early warning on %s', (backend) => {
  const schema = testSchema();
  beforeAll(async () => {
    now = at('08:00');
    [peers, smtp] = await Promise.all([startHttpPeers(), startSmtpPeer()]);
    const db = backend === 'postgres' ? await openDatabase({ databaseUrl: PG_URL, schema }) : undefined;
    h = await startHarness({ peers, smtpPort: smtp.port, clock: () => now, db });
    await h.put('org', [SITE]);
    await h.put('settings', [DAY_SHIFT]);
    await h.put('employees', [e1, e2, e3, e4, e6]);
    await h.put('punches', [punch('e3', '1003', at('08:55'))]);
  });
  afterAll(async () => {
    await h?.close();
    await Promise.all([peers?.close(), smtp?.close()]);
    if (backend === 'postgres') await dropSchema(schema);
  });

  test('nothing starts before shift start + grace', async () => {
    now = at('09:04');
    const result = await h.runner.tick();
    expect(result).toEqual({ started: [], processed: [], failed: [] });
  });

  test('after the grace, each absent employee is messaged on every channel they have, once', async () => {
    now = at('09:06');
    const result = (await h.call('POST', '/escalation/tick')).body;
    expect(result.started.sort()).toEqual([anomalyId('e1', DATE), anomalyId('e2', DATE), anomalyId('e4', DATE), anomalyId('e6', DATE)]);
    expect(result.failed).toEqual([]);
    expect(wecomTo('wx-1001')).toHaveLength(1);
    expect(wecomTo('wx-1001')[0]).toMatchObject({ msgtype: 'textcard', textcard: { url: expect.stringContaining('/reply/') } });
    expect(smsTo(e1.phone!)).toHaveLength(1);
    expect(mailTo('e1001@factory.example')).toHaveLength(1);
    expect(mailTo('e1001@factory.example')[0]!.body).toContain('2026-03-02');
    // e4 has only a phone on file; e3 punched and gets nothing.
    expect(smsTo(e4.phone!)).toHaveLength(1);
    expect(wecomTo('wx-1004')).toHaveLength(0);
    expect(smsTo(e3.phone!)).toHaveLength(0);
    expect(await state('e3')).toBeUndefined();
    expect(await state('e1')).toMatchObject({ phase: 'employee_messaged', employeeChannels: ['wecom', 'sms', 'email'], emergencyChannels: ['sms'], outbox: [] });

    // Running again (another tick, another instance) starts and sends nothing new.
    const again = await h.runner.tick();
    expect(again.started).toEqual([]);
    expect(await h.runner.startEscalationsFromAnomalies({ now })).toEqual([]);
    expect(smsTo(e1.phone!)).toHaveLength(1);
    expect(wecomTo('wx-1001')).toHaveLength(1);
    expect(mailTo('e1001@factory.example')).toHaveLength(1);
  });

  test('the reply link shows the page, records one answer and stops the chain; reused or forged links are refused', async () => {
    now = at('09:20');
    const link = linkIn(smsTo(e1.phone!)[0]!.text);
    const page = await fetch(link, { signal: AbortSignal.timeout(5000) });
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    for (const label of ['我迟到了', '我生病了', '我在休假', '其他']) expect(html).toContain(label);
    expect(html).toContain('<textarea');
    const smsDelivery = (await h.notifier.byLogicalIds([`${anomalyId('e1', DATE)}|employee|attempt1`])).find((m) => m.channel === 'sms')!;
    expect((await h.notifier.get(smsDelivery.id))!.status).toBe('opened');

    const answered = await postReply(link, 'late', '堵车，10 点到');
    expect(answered.status).toBe(200);
    expect(answered.html).toContain('已收到您的回复');
    expect(await state('e1')).toMatchObject({ phase: 'resolved', resolution: { by: 'employee', reason: 'late', note: '堵车，10 点到' } });
    expect((await h.notifier.history(smsDelivery.id)).map((x) => x.status)).toEqual(['queued', 'sent', 'opened', 'replied']);

    const reused = await postReply(link, 'sick');
    expect(reused.status).toBe(409);
    expect(reused.html).toContain('此消息已回复');
    // The same message's email link is the same question: already answered too.
    const emailLink = linkIn(mailTo('e1001@factory.example')[0]!.body);
    expect((await postReply(emailLink, 'other', 'x')).status).toBe(409);
    expect((await fetch(emailLink, { signal: AbortSignal.timeout(5000) }).then((r) => r.text()))).toContain('此消息已回复');

    const forged = link.slice(0, -2) + (link.endsWith('AA') ? 'BB' : 'AA');
    expect((await postReply(forged, 'late')).status).toBe(403);
    expect((await fetch(forged, { signal: AbortSignal.timeout(5000) })).status).toBe(403);
    expect((await postReply(`${h.url}/reply/garbage`, 'late')).status).toBe(403);
    // A valid link with no reason picked is a clear 400 page, not a crash.
    const e2Link = linkIn(smsTo(e2.phone!)[0]!.text);
    expect((await postReply(e2Link, 'nonsense')).status).toBe(400);
    expect((await state('e1'))!.timeline.filter((t) => t.type === 'reply')).toHaveLength(1);
  });

  test('a late punch ends the chain', async () => {
    await h.put('punches', [punch('e4', '1004', at('09:40'))]);
    now = at('09:41');
    await h.runner.tick();
    expect(await state('e4')).toMatchObject({ phase: 'resolved', resolution: { by: 'punch' } });
  });

  test('no reply: the emergency contact after the window, then HR with a lost-contact case', async () => {
    now = at('11:05');
    await h.runner.tick();
    expect(smsTo(e2.sensitive.emergencyContacts[0]!.phone)).toHaveLength(0); // window not over (messaged 09:06)
    now = at('11:07');
    await h.runner.tick();
    const toContact = smsTo(e2.sensitive.emergencyContacts[0]!.phone);
    expect(toContact).toHaveLength(1);
    expect(toContact[0]!.text).toContain('紧急联系人');
    expect(toContact[0]!.text).toContain(e2.name);
    expect(await state('e2')).toMatchObject({ phase: 'emergency_contact_notified' });
    // Those who answered or punched are left alone.
    expect(smsTo(e1.sensitive.emergencyContacts[0]!.phone)).toHaveLength(0);
    expect(smsTo(e4.sensitive.emergencyContacts[0]!.phone)).toHaveLength(0);
    expect((await h.call('GET', '/escalation/alerts')).body.alerts).toEqual([]);

    // e6's emergency contact answers: the chain ends there, with the contact as the source.
    const contactLink = linkIn(smsTo(e6.sensitive.emergencyContacts[0]!.phone)[0]!.text);
    expect((await postReply(contactLink, 'sick', '他发烧在家')).status).toBe(200);
    expect(await state('e6')).toMatchObject({ phase: 'resolved', resolution: { by: 'emergency_contact', reason: 'sick', note: '他发烧在家' } });

    now = at('13:08');
    await h.runner.tick();
    await h.runner.tick();
    const s = await state('e2');
    expect(s).toMatchObject({ phase: 'hr_alerted', case: { id: `lost-contact|e2|${DATE}`, closedAt: null }, outbox: [] });
    const alerts = (await h.call('GET', '/escalation/alerts')).body.alerts;
    expect(alerts).toEqual([expect.objectContaining({ anomalyId: anomalyId('e2', DATE), reason: 'lost_contact_case_opened', siteId: 'site-1', acknowledgedAt: null })]);
    // The site's terminals see the alert (to raise a desktop notification); another site's do not.
    const terminal = async (siteId: string) => (await h.call('POST', '/terminals', { name: `前台-${siteId}`, siteId })).body.token as string;
    const [here, elsewhere] = [await terminal('site-1'), await terminal('site-2')];
    expect((await h.call('GET', '/escalation/alerts', undefined, {}, here)).body.alerts).toHaveLength(1);
    expect((await h.call('GET', '/escalation/alerts', undefined, {}, elsewhere)).body.alerts).toEqual([]);
    expect((await h.call('GET', '/notifications/in-app', undefined, {}, here)).body.messages).toHaveLength(1);
    expect((await h.call('GET', '/escalation/items', undefined, {}, here)).status).toBe(403);
    const inbox = (await h.call('GET', '/notifications/in-app')).body.messages;
    expect(inbox).toEqual([expect.objectContaining({ recipient: 'hr', status: 'delivered', subject: `失联案件：${e2.name}` })]);
    // Exactly one message per step went out for e2.
    expect(smsTo(e2.phone!)).toHaveLength(1);
    expect(smsTo(e2.sensitive.emergencyContacts[0]!.phone)).toHaveLength(1);
  });

  test('HR works the case: list with timeline and delivery status, contact attempts, known reason, close', async () => {
    expect((await fetch(`${h.url}/escalation/items`, { signal: AbortSignal.timeout(5000) })).status).toBe(401);
    const cases = (await h.call('GET', '/escalation/items?status=cases')).body.items;
    expect(cases.map((c: { anomalyId: string }) => c.anomalyId)).toEqual([anomalyId('e2', DATE)]);
    expect(cases[0].timeline.map((t: { type: string }) => t.type)).toEqual(['anomaly_detected', 'message_sent', 'message_sent', 'case_opened', 'hr_alerted']);
    expect(cases[0].messages.map((m: { channel: string; recipientKind: string; status: string }) => `${m.recipientKind}:${m.channel}:${m.status}`).sort()).toEqual([
      'emergency_contact:sms:sent',
      'employee:email:sent',
      'employee:sms:sent',
      'employee:wecom:sent',
      'hr:in_app:delivered',
    ]);

    const path = `/escalation/items/${encodeURIComponent(anomalyId('e2', DATE))}`;
    // He punches while the case is open: HR is alerted, the case stays open for HR to close.
    await h.put('punches', [punch('e2', '1002', at('14:00'))]);
    now = at('14:01');
    await h.runner.tick();
    await h.runner.tick();
    expect(await state('e2')).toMatchObject({ phase: 'hr_alerted', outbox: [] });
    expect((await h.call('GET', '/escalation/alerts')).body.alerts.map((a: { reason: string }) => a.reason)).toEqual(['punch_after_case_opened', 'lost_contact_case_opened']);

    const tooEarly = await h.call('POST', `${path}/close`, { outcome: 'dismissal_started' });
    expect(tooEarly.status).toBe(409);
    expect((await h.call('POST', `${path}/contact-attempts`, { method: 'carrier-pigeon', reached: false })).status).toBe(400);
    expect((await h.call('POST', `${path}/contact-attempts`, { method: 'phone', reached: true, note: '母亲接听' })).status).toBe(200);
    expect((await h.call('POST', `${path}/known-reason`, { reason: '被困传销组织，家属已报警' })).status).toBe(200);
    const closed = await h.call('POST', `${path}/close`, { outcome: 'reason_confirmed', note: '家属说明情况' });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ phase: 'closed', case: { outcome: 'reason_confirmed', contactAttempts: [expect.objectContaining({ by: 'hr-admin', method: 'phone' })] } });
    expect((await h.call('GET', `/escalation/items/${encodeURIComponent('anomaly|nobody|2026-03-02')}`)).status).toBe(404);

    for (const alert of (await h.call('GET', '/escalation/alerts')).body.alerts) {
      expect((await h.call('POST', `/escalation/alerts/${encodeURIComponent(alert.id)}/acknowledge`)).status).toBe(200);
    }
    expect((await h.call('POST', `/escalation/alerts/${encodeURIComponent('no-such-alert')}/acknowledge`)).status).toBe(404);
    expect((await h.call('GET', '/escalation/alerts')).body.alerts).toEqual([]);
  });

  test('SMS delivery reports mark the message delivered; a report without the token is refused', async () => {
    const id = `${anomalyId('e2', DATE)}|emergency|attempt1|sms|0`;
    const refused = await h.call('POST', '/notifications/sms/delivery-report', { reference: id, status: 'delivered' });
    expect(refused.status).toBe(401);
    const ok = await h.call('POST', '/notifications/sms/delivery-report', [{ reference: id, status: 'delivered' }, { providerMessageId: 'unknown', status: 'failed' }], {
      'x-renshi-report-token': 'report-token-0123456789',
    });
    expect(ok.body).toEqual({ matched: 1 });
    expect((await h.notifier.get(id))!.status).toBe('delivered');
    const bad = await h.call('POST', '/notifications/sms/delivery-report', { status: 'delivered' }, { 'x-renshi-report-token': 'report-token-0123456789' });
    expect(bad.status).toBe(400);
  });

  test('a link past its expiry is refused with its own page', async () => {
    const link = linkIn(smsTo(e4.phone!)[0]!.text);
    now = at('09:06') + 8 * 86_400_000; // links live 7 days
    const res = await fetch(link, { signal: AbortSignal.timeout(5000) });
    expect(res.status).toBe(410);
    expect(await res.text()).toContain('链接已过期');
    expect((await postReply(link, 'late')).status).toBe(410);
  });
});
