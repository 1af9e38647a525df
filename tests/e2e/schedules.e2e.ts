import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { rotationSchedule } from '#shared/attendance/work-schedule';
import { demoFactory } from '#shared/demo/factory';
import { Rotation, Shift } from '#shared/schemas/attendance-setup';
import { PullResponse, SYNC_PROTOCOL_HEADER, SYNC_PROTOCOL_VERSION } from '#shared/sync/protocol';
import { addDays, localDateOf } from '#shared/time';
import { startWebApp } from '../../src-main/host/web-app.ts';
import { launchChromium, newAppPage } from './browser.ts';

// Setting up attendance from the schedules screen, in real Chromium against the web host with its embedded
// sync server and the demo company: HR adds an overnight shift (a shift without work days is refused), builds
// a rotation from it with a preview of the coming days, puts two people on it, and the attendance screen
// judges their days by the rotation; the shift cannot be deleted while the rotation uses it; everything is on
// the sync server and survives a reload.

const SHOTS = join('test-results', 'screenshots');
const tmp = mkdtempSync(join(tmpdir(), 'renshi-e2e-sched-'));
const company = demoFactory({ employees: 30 });
const today = localDateOf(Date.now());
const people = company.employees.filter((e) => e.status !== 'terminated' && e.hireDate < addDays(today, -3)).slice(0, 2);

let host: Awaited<ReturnType<typeof startWebApp>>;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  host = await startWebApp({ port: 0, dataDir: join(tmp, 'data'), demoData: true, demoEmployees: 30 });
  browser = await launchChromium();
  page = await newAppPage(browser, { width: 1440 });
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 15_000, interval: 100 });
const byTest = (id: string) => page.getByTestId(id);
const shot = async (name: string) => {
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
};
/** Picks an option of a Mantine Select. */
async function choose(select: ReturnType<Page['getByTestId']>, option: string) {
  await select.click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

async function serverSettings() {
  const session = (await (await fetch(`${host.url}/bridge/syncSession`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()).data as { serverUrl: string; token: string };
  const res = await fetch(`${session.serverUrl}/sync/settings/pull?limit=5000`, { headers: { authorization: `Bearer ${session.token}`, [SYNC_PROTOCOL_HEADER]: String(SYNC_PROTOCOL_VERSION) } });
  return PullResponse.parse(await res.json()).documents;
}

it('HR sets up an overnight shift and a rotation, assigns people, and attendance follows the rotation', async () => {
  await page.goto(`${host.url}/#/schedules`);
  await poll(() => byTest('shift-row').count()).toBe(company.shifts.length);
  await shot('schedules-01-shifts');

  // A new overnight shift. Without a work day it is refused on the form.
  await byTest('shift-new').click();
  await byTest('shift-name').fill('中班');
  await byTest('shift-start').fill('16:00');
  await byTest('shift-end').fill('00:30');
  await poll(() => byTest('shift-overnight').isVisible()).toBe(true);
  for (const d of [1, 2, 3, 4, 5]) await byTest(`shift-wd-${d}`).click(); // untick the default Monday–Friday
  await byTest('shift-save').click();
  await poll(() => page.getByText('至少选一个工作日').isVisible()).toBe(true);
  for (const d of [1, 2, 3, 4, 5, 6]) await byTest(`shift-wd-${d}`).click();
  await byTest('shift-save').click();
  await poll(() => byTest('shift-row').count()).toBe(company.shifts.length + 1);
  expect(await byTest('shift-row').filter({ hasText: '中班' }).getByTestId('shift-hours').innerText()).toContain('跨天');

  // A rotation from yesterday: 白班, 中班, a day off, repeating.
  await byTest('tab-rotations').click();
  await poll(() => byTest('rotation-row').count()).toBe(company.rotations.length);
  await byTest('rotation-new').click();
  await byTest('rotation-name').fill('三班（乙班）');
  await byTest('rotation-anchor').fill(addDays(today, -1));
  await byTest('rotation-remove-day').click(); // the form starts with four days
  await choose(byTest('rotation-slot').nth(0), '白班 08:00–17:00');
  await choose(byTest('rotation-slot').nth(1), '中班 16:00–00:30');
  await choose(byTest('rotation-slot').nth(2), '休');
  await poll(() => byTest('rotation-preview-day').count()).toBe(14);
  // The preview's first day (today) is the cycle's second slot.
  expect(await byTest('rotation-preview-day').first().innerText()).toContain('中班');
  await shot('schedules-02-rotation-form');
  await byTest('rotation-save').click();
  await poll(() => byTest('rotation-row').count()).toBe(company.rotations.length + 1);
  const row = byTest('rotation-row').filter({ hasText: '三班（乙班）' });
  expect(await row.getByTestId('rotation-pattern').innerText()).toMatch(/白\s*中\s*休/);

  // Two people onto it.
  await row.getByTestId('schedule-assign').click();
  for (const e of people) {
    await byTest('assign-search').fill(e.employeeNo);
    await poll(() => byTest('assign-row').count()).toBe(1);
    await byTest('assign-pick').first().check();
  }
  await poll(() => byTest('assign-count').innerText()).toBe('已选 2 人');
  await byTest('assign-save').click();
  await poll(() => row.getByTestId('rotation-people').innerText()).toBe('2 人');
  await shot('schedules-03-rotations');

  // The shift cannot go while the rotation names it.
  await byTest('tab-shifts').click();
  await byTest('shift-row').filter({ hasText: '中班' }).getByTestId('schedule-remove').click();
  await poll(() => byTest('schedule-remove-blocked').isVisible()).toBe(true);
  expect(await byTest('schedule-remove-confirm').isDisabled()).toBe(true);
  await page.keyboard.press('Escape');

  // The sync server has both, and the day each person works is the rotation's.
  await poll(async () => (await serverSettings()).some((d) => d.kind === 'rotation' && d.name === '三班（乙班）')).toBe(true);
  const settings = await serverSettings();
  const rotation = Rotation.parse(settings.find((d) => d.kind === 'rotation' && d.name === '三班（乙班）'));
  const shifts = new Map(settings.filter((d) => d.kind === 'shift').map((d) => [d.id as string, Shift.parse(d)]));
  const plan = rotationSchedule(rotation, shifts)!;
  expect(plan.planOn(today).shift.name).toBe('中班');

  await page.goto(`${host.url}/#/attendance`);
  for (const e of people) {
    const attRow = page.locator(`[data-testid="att-row"][data-employee-no="${e.employeeNo}"]`);
    await poll(() => attRow.getByTestId('att-rotation').innerText()).toContain('三班（乙班）');
    expect(await attRow.getByTestId('att-shift').innerText()).toContain(`${plan.planOn(today).shift.name} ${plan.planOn(today).shift.start}–${plan.planOn(today).shift.end}`);
  }
  await shot('schedules-04-attendance');
  // Tomorrow is their day off.
  expect(plan.planOn(addDays(today, 1)).works).toBe(false);
  await byTest('att-date').fill(addDays(today, 1));
  const first = page.locator(`[data-testid="att-row"][data-employee-no="${people[0]!.employeeNo}"]`);
  await poll(() => first.innerText()).toContain('休息');

  // A reload keeps everything, and the employee form shows the assignment.
  await page.reload();
  await page.goto(`${host.url}/#/employees/${encodeURIComponent(people[0]!.id)}/edit`);
  await poll(() => byTest('f-schedule').inputValue()).toBe('三班（乙班）（3 天一轮）');

  // The missed-punch rule per site: the first plant waits 15 minutes more for its gate queue, the second
  // switches the rule off; the server's copy (which runs the rule) has both.
  await page.goto(`${host.url}/#/org`);
  const sites = byTest('site-row');
  await poll(() => sites.count()).toBe(company.sites.length);
  await sites.nth(0).getByTestId('edit-org').click();
  await byTest('site-alert-delay').fill('15');
  await byTest('org-save').click();
  await poll(() => sites.nth(0).getByTestId('site-rule').innerText()).toContain('再等 15 分钟');
  await sites.nth(1).getByTestId('edit-org').click();
  await byTest('site-alerts').click();
  await byTest('org-save').click();
  await poll(() => sites.nth(1).getByTestId('site-rule').innerText()).toBe('已关闭');
  await shot('schedules-05-site-rules');
  const session = (await (await fetch(`${host.url}/bridge/syncSession`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()).data as { serverUrl: string; token: string };
  const onServer = async () => {
    const res = await fetch(`${session.serverUrl}/sync/org/pull?limit=5000`, { headers: { authorization: `Bearer ${session.token}`, [SYNC_PROTOCOL_HEADER]: String(SYNC_PROTOCOL_VERSION) } });
    return PullResponse.parse(await res.json()).documents.filter((d) => d.kind === 'site').map((d) => [d.name, d.alertDelayMinutes, d.missedPunchAlerts]).sort();
  };
  const [plantA, plantB] = company.sites;
  await poll(onServer).toEqual([[plantA!.name, 15, true], [plantB!.name, 0, false]].sort());
});
