import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { verifyBundle } from '#shared/evidence/verify-bundle';
import { Employee } from '#shared/schemas/employee';
import { readBundleZip } from '../../src-main/evidence/bundle-writer.ts';
import { Site } from '#shared/schemas/org';
import { shiftStartedHalfAnHourAgo, startEscalationWorld, type EscalationWorld, type Session } from './escalation-world.ts';

// Story 1 from the operator's side, in real Chromium against the web host and its embedded sync server:
// an employee who never punches and cannot be reached becomes an HR alert (shown in the page as a
// notification by the terminal's alert watcher, and in the inbox with an unread badge) and a lost-contact
// case. HR acknowledges the alert, opens the case, records a contact attempt and a known reason, and the
// dismissal preconditions become satisfied.
//
// Time: the escalation window is at least 5 minutes. This process's clock (which the embedded server's
// escalation runner reads) is moved forward past the window instead of waiting; the chain itself runs
// unchanged through POST /escalation/tick.

let w: EscalationWorld;
let page: Page;
let host: EscalationWorld['host'];
let peers: EscalationWorld['peers'];

const SITE_ID = 'site-e2e-alerts';
const EMPLOYEE_ID = 'emp-e2e-xiaoli';
const SHIFT_ID = 'shift-e2e-alerts';

beforeAll(async () => {
  w = await startEscalationWorld('alerts');
  ({ page, host, peers } = w);
});
afterAll(async () => w?.close());

const byTest = (id: string) => w.byTest(id);
const shot = (file: string, fullPage = false) => w.shot(file, fullPage);
const bridge = <T>(call: string, input: object = {}) => w.bridge<T>(call, input);
const push = (session: Session, collection: string, docs: object[]) => w.push(session, collection, docs);
const tick = (session: Session) => w.tick(session);

/** The link in the last SMS to `phone`, pointed at the embedded server (its public URL is not configured here). */
function smsLink(phone: string, path: 'reply' | 'confirm-contacts', serverUrl: string): string {
  const text = peers.state.sms.filter((m) => m.to === phone).at(-1)?.text ?? '';
  const m = new RegExp(`https?://[^/\\s]+(/${path}/[A-Za-z0-9_.-]+)`).exec(text);
  if (!m) throw new Error(`no ${path} link in SMS to ${phone}: ${text}`);
  return serverUrl + m[1]!;
}

it('an unreachable employee becomes an HR alert and a lost-contact case that HR works to the dismissal preconditions', async () => {
  // Offline state first is not reachable here (embedded mode signs in by itself); the page boots and syncs.
  await page.goto(host.url);
  await expect.poll(() => byTest('nav-alerts').getAttribute('data-disabled'), { timeout: 20_000 }).toBe(null);
  const session = await bridge<{ serverUrl: string; token: string; principal: { role: string } }>('syncSession');
  expect(session.principal.role).toBe('admin');

  const { shift, offsetMs: toWorkingDay } = shiftStartedHalfAnHourAgo(SHIFT_ID, SITE_ID, w.realNow);
  w.setOffset(toWorkingDay);
  const now = Date.now();
  await push(session, 'org', [Site.parse({ id: SITE_ID, kind: 'site', name: '东莞三厂', code: 'DG3', escalationWindowMinutes: 5, updatedAt: now })]);
  await push(session, 'settings', [shift]);
  await push(session, 'employees', [
    Employee.parse({
      id: EMPLOYEE_ID,
      employeeNo: 'E9001',
      name: '李小明',
      departmentId: 'dept-e2e',
      siteId: SITE_ID,
      hireDate: '2024-01-01',
      devicePin: '9001',
      phone: '13800139001',
      shiftId: shift.id,
      sensitive: { emergencyContacts: [{ name: '李父', relation: '父亲', phone: '13900139001' }] },
      updatedAt: now,
    }),
  ]);

  // First tick: the anomaly starts and the employee gets an SMS with a reply link.
  const first = await tick(session);
  const anomalyId = first.started.find((id) => id.includes(EMPLOYEE_ID));
  expect(anomalyId).toBeDefined();
  expect(peers.state.sms.filter((m) => m.to === '13800139001')).toHaveLength(1);
  // The window passes without a reply: the emergency contact is told; another window: HR and a case.
  w.advance(6 * 60_000);
  expect((await tick(session)).processed).toContain(anomalyId);
  expect(peers.state.sms.filter((m) => m.to === '13900139001')).toHaveLength(1);
  w.advance(6 * 60_000);
  const third = await tick(session);
  expect(third.failed).toEqual([]);
  expect(third.processed).toContain(anomalyId);

  // The terminal's alert watcher raises the notification; in the browser it is shown inside the page.
  await expect.poll(() => page.getByText('失联预警：已开启失联案件').first().isVisible(), { timeout: 25_000 }).toBe(true);
  await expect.poll(() => page.getByText('李小明').first().isVisible()).toBe(true);
  await shot('alerts-01-notification');

  // Inbox: the new alert with the unread badge; acknowledge it.
  await page.reload();
  await byTest('nav-alerts').click();
  await expect.poll(() => byTest('alerts-unread').textContent(), { timeout: 20_000 }).toBe('1');
  const row = byTest('alert-row').filter({ hasText: '李小明' });
  await expect.poll(() => row.count()).toBe(1);
  await expect.poll(() => row.getByText('失联案件已开启').isVisible()).toBe(true);
  await shot('alerts-02-inbox');
  await row.getByTestId('alert-ack').click();
  await expect.poll(() => byTest('alerts-unread').count()).toBe(0);
  await expect.poll(() => byTest('alert-row').filter({ hasText: '李小明' }).count()).toBe(0); // "new" filter
  await page.getByText('已确认', { exact: true }).first().click();
  await expect.poll(() => byTest('alert-row').filter({ hasText: '李小明' }).getByTestId('alert-status').textContent()).toContain('admin');

  // The case: contact pending (never 旷工), dismissal blocked until attempts and a reason are on file.
  await byTest('alert-row').filter({ hasText: '李小明' }).getByTestId('alert-open-case').click();
  await expect.poll(() => byTest('case-employee').textContent()).toContain('李小明');
  await expect.poll(() => byTest('case-pending').textContent()).toContain('待联系');
  expect(await byTest('case-detail').textContent()).not.toContain('旷工（');
  await expect.poll(() => byTest('pre-attempt').getAttribute('data-met')).toBe('no');
  await expect.poll(() => byTest('pre-reason').getAttribute('data-met')).toBe('no');
  expect(await byTest('case-start-dismissal').isDisabled()).toBe(true);
  await expect.poll(() => byTest('dismissal-missing').textContent()).toContain('至少记录一次联系尝试');
  const types = await byTest('timeline-entry').evaluateAll((els) => els.map((e) => e.getAttribute('data-type')));
  expect(types).toEqual(expect.arrayContaining(['anomaly_detected', 'message_sent', 'case_opened', 'hr_alerted']));
  // Each message with its channel, recipient and when it was sent.
  const deliveries = byTest('deliveries');
  await expect.poll(() => deliveries.count()).toBeGreaterThanOrEqual(2);
  expect(await deliveries.first().textContent()).toContain('13800139001');
  expect(await deliveries.nth(1).textContent()).toContain('13900139001');
  await shot('alerts-03-case-blocked');

  await byTest('case-record-attempt').click();
  await byTest('attempt-contacted').fill('李父');
  await byTest('attempt-reached').check();
  await byTest('attempt-note').fill('父亲说周五晚上见网友后就联系不上');
  await byTest('attempt-save').click();
  await expect.poll(() => byTest('pre-attempt').getAttribute('data-met')).toBe('yes');
  expect(await byTest('case-start-dismissal').isDisabled()).toBe(true); // a reason is still missing
  await expect.poll(() => byTest('timeline-entry').filter({ hasText: '父亲说周五晚上见网友后就联系不上' }).count()).toBe(1);

  // Xiao Li answers the first message late, from wherever he is: the case stays open, HR is alerted again,
  // and his words are on the timeline.
  const reply = await fetch(smsLink('13800139001', 'reply', session.serverUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ reason: 'other', text: '我在外地，手机被收走了' }).toString(),
  });
  expect(reply.status).toBe(200);
  await page.reload();
  await expect.poll(() => byTest('reply-text').first().textContent(), { timeout: 15_000 }).toContain('我在外地，手机被收走了');
  await expect.poll(() => byTest('case-status').textContent()).toBe('待联系');
  await expect.poll(() => byTest('alerts-unread').textContent(), { timeout: 20_000 }).toBe('1');

  await byTest('case-record-reason').click();
  await byTest('reason-text').fill('家属告知其被困传销组织，已报警');
  await byTest('reason-save').click();
  await expect.poll(() => byTest('pre-reason').getAttribute('data-met')).toBe('yes');
  await expect.poll(() => byTest('case-start-dismissal').isDisabled()).toBe(false);
  await expect.poll(() => byTest('dismissal-missing').count()).toBe(0);
  await shot('alerts-04-case-ready', true);

  // The lost-contact case as evidence: one bundle with the chain (every message, reply, call and reason),
  // HR's audited actions on it, and a manifest the verifier finds intact.
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), byTest('lc-export').click()]);
  const files = readBundleZip(new Uint8Array(await readFile((await download.path())!)));
  const verification = await verifyBundle(files);
  expect(verification.ok, JSON.stringify(verification.checks.filter((c) => !c.ok))).toBe(true);
  const chains = JSON.parse(new TextDecoder().decode(files.get('records/escalations.json'))) as { records: { record: { id: string; case: { contactAttempts: { note: string }[]; knownReason: { reason: string } } } }[] };
  expect(chains.records.map((r) => r.record.id)).toEqual([anomalyId]);
  expect(chains.records[0]!.record.case.knownReason.reason).toBe('家属告知其被困传销组织，已报警');
  const audited = JSON.parse(new TextDecoder().decode(files.get('records/audit-events.json'))) as { records: { record: { events: { collectionName: string; docId: string }[] } }[] };
  expect(audited.records.flatMap((r) => r.record.events).filter((e) => e.collectionName === 'escalations' && e.docId === anomalyId).length).toBeGreaterThanOrEqual(2);

  // The cases list and the review count it.
  await byTest('tab-cases').click();
  await expect.poll(() => byTest('case-row').filter({ hasText: '李小明' }).count()).toBe(1);
  await byTest('tab-review').click();
  await expect.poll(async () => Number(await byTest('review-cases').first().textContent()), { timeout: 20_000 }).toBeGreaterThanOrEqual(1);
  await shot('alerts-05-review');

  // The alert about his reply is still new: acknowledge everything shown at once.
  await byTest('tab-inbox').click();
  await page.getByText('开案后收到回复', { exact: true }).first().waitFor();
  await byTest('alerts-pick-all').check();
  await expect.poll(() => byTest('alerts-ack-selected').textContent()).toBe('确认所选（1）');
  await byTest('alerts-ack-selected').click();
  await expect.poll(() => byTest('alerts-unread').count()).toBe(0);

  // Quarterly re-confirmation: the contact was never confirmed. HR sends the request, Xiao Li confirms by
  // link, HR writes it into his record; another employee is confirmed by HR in person.
  await byTest('tab-contacts').click();
  const due = () => byTest('contact-due-row').filter({ hasText: '李小明' });
  await expect.poll(() => due().count()).toBe(1);
  const others = await byTest('contact-due-row').count();
  await byTest('contacts-ask').click();
  await expect.poll(() => due().getByTestId('contact-request-state').textContent()).toContain('已由 admin 发送确认请求');
  const confirmLink = smsLink('13800139001', 'confirm-contacts', session.serverUrl);
  const confirmPage = await (await fetch(confirmLink)).text();
  expect(confirmPage).toContain('李父');
  expect(confirmPage).toContain('139****9001');
  expect((await fetch(confirmLink, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' })).status).toBe(200);
  await byTest('tab-review').click();
  await byTest('tab-contacts').click();
  await expect.poll(() => due().getByTestId('contact-request-state').textContent()).toContain('通过链接确认');
  await shot('alerts-06-contacts');
  await due().getByTestId('contact-write').click();
  await expect.poll(() => due().count()).toBe(0);
  if (others > 1) {
    await byTest('contact-confirm').first().click();
    await expect.poll(() => byTest('contact-due-row').count()).toBe(others - 2);
  }

  // English.
  await page.getByText('English').click();
  await byTest('tab-inbox').click();
  await expect.poll(() => page.getByText('Alert inbox').isVisible()).toBe(true);
  await page.getByText('中文').click();

  // A terminal with no sync server: the inbox (server alerts) says so plainly instead of failing, but the
  // lost-contact cases are a local copy, so HR can keep working them; what is recorded offline reaches the
  // server once the terminal is back.
  // Wang Wu, on the same shift, has not punched either; the server's runner does not tick again before the
  // terminal loses it, so the terminal takes the chain over (takeover time 0 here, 10 minutes by default).
  await push(session, 'employees', [
    Employee.parse({ id: 'emp-e2e-wangwu', employeeNo: 'E9002', name: '王五', departmentId: 'dept-e2e', siteId: SITE_ID, hireDate: '2024-01-01', devicePin: '9002', phone: '13800139002', shiftId: shift.id, updatedAt: Date.now() }),
  ]);
  await page.evaluate(() => (location.hash = '#/employees'));
  // The exact row, by employee number.
  await expect.poll(() => byTest('employee-row').filter({ hasText: 'E9002' }).count(), { timeout: 20_000 }).toBe(1);
  // This terminal is the site's own (terminal setting): it runs its site's chains, not those of the demo
  // company's people, whose shifts may or may not have started at the hour the test runs.
  await bridge('settingsSet', { serverMode: 'offline', offlineTakeoverMinutes: 0, siteId: SITE_ID });
  await page.evaluate(() => (location.hash = '#/alerts'));
  await page.reload();
  await expect.poll(() => byTest('needs-server').textContent(), { timeout: 15_000 }).toBe('此功能需要连接同步服务器');
  // The renderer's clock is the real one: the shift started half an hour ago, on a working day unless the
  // test had to move the server's clock past a holiday (then the terminal's rule rightly stays quiet).
  const terminalRuleApplies = toWorkingDay === 0;
  if (terminalRuleApplies) {
    await expect.poll(() => page.getByText('缺卡预警：请联系 王五（E9002）').first().isVisible(), { timeout: 40_000 }).toBe(true);
    // The inbox lists this terminal's own chains while it cannot show the server's alerts.
    await expect.poll(() => byTest('local-chain-row').filter({ hasText: '王五（E9002）' }).count()).toBe(1);
    expect(await byTest('local-chain-row').filter({ hasText: '王五（E9002）' }).innerText()).toContain('已通知本人');
    await shot('alerts-08-offline-takeover');
  }
  expect(await byTest('alerts-unread').count()).toBe(0);
  await byTest('tab-cases').click();
  await byTest('case-row').filter({ hasText: '李小明' }).first().click();
  await expect.poll(() => byTest('case-employee').textContent()).toContain('李小明');
  await expect.poll(() => byTest('timeline-entry').filter({ hasText: '我在外地，手机被收走了' }).count()).toBe(1);
  await byTest('case-record-attempt').click();
  await byTest('attempt-contacted').fill('李母');
  await byTest('attempt-note').fill('离线时电话联系，未接通');
  await byTest('attempt-save').click();
  await expect.poll(() => byTest('timeline-entry').filter({ hasText: '离线时电话联系，未接通' }).count()).toBe(1);
  await shot('alerts-07-offline');
  await bridge('settingsSet', { serverMode: 'embedded' });
  await page.reload();
  const onServer = async () => {
    const res = await fetch(`${session.serverUrl}/escalation/items/${encodeURIComponent(anomalyId!)}`, { headers: { authorization: `Bearer ${session.token}` } });
    return ((await res.json()) as { case: { contactAttempts: { note: string }[] } }).case.contactAttempts.map((a) => a.note).join('\n');
  };
  await expect.poll(onServer, { timeout: 20_000 }).toContain('离线时电话联系，未接通');
  expect(await onServer()).toContain('父亲说周五晚上见网友后就联系不上');
  if (terminalRuleApplies) {
    // The chain the terminal ran is now the server's too: one chain, the terminal's screen as its channel so far.
    const wangWu = async () => {
      const res = await fetch(`${session.serverUrl}/escalation/items?status=all`, { headers: { authorization: `Bearer ${session.token}` } });
      return ((await res.json()) as { items: { employeeId: string; employeeChannels: string[]; timeline: { type: string; channels?: string[] }[] }[] }).items.filter((i) => i.employeeId === 'emp-e2e-wangwu');
    };
    await expect.poll(async () => (await wangWu()).length, { timeout: 20_000 }).toBe(1);
    const [chain] = await wangWu();
    expect(chain!.employeeChannels).toEqual(['in_app']);
    // The task shown to the site admin is on the record (the server's clock runs ahead in this test, so it
    // may have moved the chain on since).
    expect(chain!.timeline.find((t) => t.type === 'message_sent')?.channels).toEqual(['in_app']);
  }
});
