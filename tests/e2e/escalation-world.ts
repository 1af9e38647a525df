import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { shiftDayAt } from '#shared/attendance/shift-day';
import { calendarFrom, dayKind, HolidayYear, isWorkingDay } from '#shared/calendar/holiday-calendar';
import { Shift } from '#shared/schemas/attendance-setup';
import { isoWeekday, localDateTimeOf } from '#shared/time';
import { startWebApp } from '../../src-main/host/web-app.ts';
import { SMS_AUTH, startHttpPeers, type HttpPeers } from '../server/notifications/peers.ts';
import { launchChromium, newAppPage } from './browser.ts';

/**
 * What the escalation walks share: the web host with its embedded sync server, a local SMS gateway, Chromium,
 * and this process's clock (which the embedded server reads) moved forward instead of waiting for windows.
 * The server's timers are off (RENSHI_ESCALATION_INTERVAL_MS=0): the walks tick it through its endpoint.
 */
export type Session = { serverUrl: string; token: string };
export type EscalationWorld = Awaited<ReturnType<typeof startEscalationWorld>>;

const SHOTS = join('test-results', 'screenshots');

export async function startEscalationWorld(name: string, env: Record<string, string> = {}) {
  mkdirSync(SHOTS, { recursive: true });
  const tmp = mkdtempSync(join(tmpdir(), `renshi-e2e-${name}-`));
  const realNow = Date.now.bind(Date);
  let offsetMs = 0;
  const peers: HttpPeers = await startHttpPeers();
  const vars: Record<string, string> = {
    RENSHI_ESCALATION_INTERVAL_MS: '0',
    RENSHI_SMS_URL: `${peers.url}/sms/send`,
    RENSHI_SMS_AUTH_HEADER: `${SMS_AUTH.name}: ${SMS_AUTH.value}`,
    ...env,
  };
  Object.assign(process.env, vars);
  Date.now = () => realNow() + offsetMs;
  const host = await startWebApp({ port: 0, dataDir: join(tmp, 'data'), demoData: true, demoEmployees: 20 });
  const browser: Browser = await launchChromium();
  const page: Page = await newAppPage(browser, { timeoutMs: 10_000 });

  const bridge = async <T>(call: string, input: object = {}): Promise<T> => {
    const res = await fetch(`${host.url}/bridge/${call}`, { method: 'POST', body: JSON.stringify(input), headers: { 'content-type': 'application/json' } });
    const body = (await res.json()) as { ok: boolean; data: T };
    expect(body.ok).toBe(true);
    return body.data;
  };

  return {
    host,
    page,
    peers,
    realNow,
    bridge,
    /** Moves the process clock to `ms` ahead of real time (or by `ms` more with `advance`). */
    setOffset: (ms: number) => void (offsetMs = ms),
    advance: (ms: number) => void (offsetMs += ms),
    get offsetMs() {
      return offsetMs;
    },
    byTest: (id: string) => page.getByTestId(id),
    /** A short pause lets modals and toasts finish their transitions before the picture. */
    shot: async (file: string, fullPage = false) => {
      await page.waitForTimeout(400);
      await page.screenshot({ path: join(SHOTS, `${file}.png`), fullPage });
    },
    /** Writes documents to the sync server as a terminal would push them; every one must be accepted. */
    push: async (session: Session, collection: string, docs: object[]) => {
      const res = await fetch(`${session.serverUrl}/sync/${collection}/push`, {
        method: 'POST',
        headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json', 'x-renshi-protocol': '1' },
        body: JSON.stringify(docs.map((d) => ({ newDocumentState: { ...d, _deleted: false } }))),
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { rejections: unknown[] }).rejections).toEqual([]);
    },
    /** One pass of the server's escalation runner at the (moved) process clock. */
    tick: async (session: Session) => {
      const res = await fetch(`${session.serverUrl}/escalation/tick`, { method: 'POST', headers: { authorization: `Bearer ${session.token}` } });
      expect(res.status).toBe(200);
      return (await res.json()) as { started: string[]; processed: string[]; failed: unknown[] };
    },
    async close() {
      await browser?.close();
      await host?.close();
      await peers?.close();
      Date.now = realNow;
      for (const key of Object.keys(vars)) delete process.env[key];
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/** The China holiday calendar bundled in resources/holidays/, as the app and the server read it. */
export function bundledCalendar() {
  const dir = new URL('../../resources/holidays/', import.meta.url);
  const years = readdirSync(dir)
    .filter((n) => /^cn-\d{4}\.json$/.test(n))
    .map((n) => HolidayYear.parse(JSON.parse(readFileSync(new URL(n, dir), 'utf8'))));
  return calendarFrom(years, []);
}

/**
 * A shift that started 30 minutes ago on a working day, so the anomaly rule fires now. On a public holiday the
 * rule rightly stays quiet, so the clock then moves to the next working day: `offsetMs` says how far.
 * `weekday` (1 = Monday … 7 = Sunday) moves it on to the next working day that is that day of the week.
 */
export function shiftStartedHalfAnHourAgo(id: string, siteId: string, realNow: () => number, opts: { weekday?: number } = {}) {
  const calendar = bundledCalendar();
  for (let days = 0; days < 21; days++) {
    const now = realNow() + days * 86_400_000;
    const hhmm = (at: number) => localDateTimeOf(at).slice(11, 16);
    const shift = Shift.parse({ id, kind: 'shift', name: '测试班', siteId, start: hhmm(now - 30 * 60_000), end: hhmm(now + 7 * 3_600_000), graceMinutes: 5, workDays: [1, 2, 3, 4, 5, 6, 7], updatedAt: now });
    const date = shiftDayAt(shift, now).date;
    if (opts.weekday !== undefined && isoWeekday(date) !== opts.weekday) continue;
    if (isWorkingDay(dayKind(calendar, date, shift))) return { shift, offsetMs: days * 86_400_000 };
  }
  throw new Error('no such working day in the next three weeks');
}
