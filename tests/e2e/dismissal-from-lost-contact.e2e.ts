import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Employee } from '#shared/schemas/employee';
import { Site } from '#shared/schemas/org';
import { shiftStartedHalfAnHourAgo, startEscalationWorld, type EscalationWorld, type Session } from './escalation-world.ts';

// Stories 1 and 2 joined up in real Chromium: an employee who never punches and cannot be reached becomes a
// live lost-contact case on the embedded sync server (its chain run by POST /escalation/tick with this
// process's clock moved past the windows, as alerts.e2e does). A dismissal for absenteeism (旷工解除) is
// refused from the case until a contact attempt and a known reason are on file, and the screen lists what is
// missing; HR records both in the UI, then starts the dismissal from the case and lands on a new dismissal
// case that shows the lost-contact case it came from with the attempt and the reason as its evidence.
// Written against what the operator sees (test ids, labels), not how the screens load their data.

let w: EscalationWorld;
let page: Page;
let host: EscalationWorld['host'];
let peers: EscalationWorld['peers'];

const SITE_ID = 'site-e2e-dismissal';
const EMPLOYEE_ID = 'emp-e2e-wangdali';
const SHIFT_ID = 'shift-e2e-dismissal';
const NAME = '王大力';
const ATTEMPT_NOTE = '哥哥说他上周回了老家，电话一直关机';
const REASON = '家属确认其已回老家另找工作，不再返岗';

beforeAll(async () => {
  w = await startEscalationWorld('dismissal');
  ({ page, host, peers } = w);
});
afterAll(async () => w?.close());

const byTest = (id: string) => w.byTest(id);
const shot = (file: string, fullPage = false) => w.shot(file, fullPage);
const bridge = <T>(call: string, input: object = {}) => w.bridge<T>(call, input);
const push = (session: Session, collection: string, docs: object[]) => w.push(session, collection, docs);
const tick = (session: Session) => w.tick(session);

it('a 旷工 dismissal starts from a live lost-contact case only once a contact attempt and a known reason are recorded', async () => {
  await page.goto(host.url);
  await expect.poll(() => byTest('nav-alerts').getAttribute('data-disabled'), { timeout: 20_000 }).toBe(null);
  const session = await bridge<{ serverUrl: string; token: string }>('syncSession');

  // The employee, a shift that started half an hour ago and a 5-minute escalation window.
  const { shift, offsetMs: toWorkingDay } = shiftStartedHalfAnHourAgo(SHIFT_ID, SITE_ID, w.realNow);
  w.setOffset(toWorkingDay);
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
  w.advance(6 * 60_000);
  expect((await tick(session)).processed).toContain(anomalyId);
  w.advance(6 * 60_000);
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
