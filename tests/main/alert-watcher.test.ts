import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { escalationRepository } from '../../src-server/escalation/repository.ts';
import { startServer, type RunningServer } from '../../src-server/server.ts';
import { createAlertWatcher } from '../../src-main/services/alert-watcher.ts';

// The terminal-side watcher against a real sync server (in-memory PGlite, port 0): a site terminal is
// notified of its own site's HR alerts only, once each, across a restart of the terminal, and an alert
// nobody could see is shown again on the next poll.

let server: RunningServer;
let adminToken: string;
let terminalToken: string;
let dataDir: string;
let n = 0;

const post = async (path: string, body: unknown, token?: string) => {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

/** An alert as the escalation runner stores it when a lost-contact case opens (plus its in-app copy). */
async function raiseAlert(siteId: string, employeeId = `emp${++n}`) {
  const id = `anomaly|${employeeId}|2026-03-02|hr|lost_contact_case_opened1`;
  await escalationRepository(server.db).insertAlert({ id, anomalyId: `anomaly|${employeeId}|2026-03-02`, caseId: `lost-contact|${employeeId}|2026-03-02`, employeeId, siteId, reason: 'lost_contact_case_opened', now: Date.now() });
  await server.db.query(
    `INSERT INTO notification_messages (id, logical_id, channel, recipient, recipient_kind, site_id, subject, body, link, reply_ref, context, status, created_at, updated_at)
     VALUES ($1, $2, 'in_app', 'hr', 'hr', $3, $4, $5, NULL, $6, '{}'::jsonb, 'delivered', $7, $7)`,
    [`${id}|in_app`, id, siteId, `失联：${employeeId} 2026-03-02 未到岗`, `${employeeId} 本人和紧急联系人均未回复`, `ref-${n}`, Date.now()],
  );
  return id;
}

beforeAll(async () => {
  server = await startServer({ port: 0, admin: { username: 'admin', password: 'admin-password-1' } });
  adminToken = (await post('/auth/login', { username: 'admin', password: 'admin-password-1' })).body.token as string;
  terminalToken = (await post('/terminals', { name: '一厂门卫', siteId: 'site-a' }, adminToken)).body.token as string;
});
afterAll(async () => {
  await server?.close();
});
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'renshi-alert-watcher-'));
  return () => rmSync(dataDir, { recursive: true, force: true });
});

function watcher(opts: { token?: string | null; audience?: () => boolean } = {}) {
  const shown: { title: string; body: string; siteId: string | null }[] = [];
  const w = createAlertWatcher({
    dataDir,
    session: async () => (opts.token === null ? null : { serverUrl: server.url, token: opts.token ?? terminalToken }),
    notify: async (note) => {
      const seen = opts.audience?.() ?? true;
      if (seen) shown.push(note);
      return seen;
    },
    log: () => undefined,
  });
  return { w, shown };
}

describe('alert watcher', () => {
  test("notifies a site terminal of its own site's alerts, once each, and not again after a restart", async () => {
    const mine = await raiseAlert('site-a');
    await raiseAlert('site-b'); // another site's alert: this terminal may not even read it
    const first = watcher();
    expect(await first.w.check()).toEqual([mine]);
    expect(first.shown).toHaveLength(1);
    expect(first.shown[0]).toMatchObject({ title: '失联预警：已开启失联案件', siteId: 'site-a' });
    expect(first.shown[0]!.body).toContain('未到岗');
    expect(await first.w.check()).toEqual([]);

    // The terminal restarts: same data folder, nothing shown again; a new alert still is.
    const again = watcher();
    expect(await again.w.check()).toEqual([]);
    const later = await raiseAlert('site-a');
    expect(await again.w.check()).toEqual([later]);
    expect(again.shown.map((s) => s.siteId)).toEqual(['site-a']);
    expect(JSON.parse(readFileSync(join(dataDir, 'notified-alerts.json'), 'utf8')).notified).toEqual([mine, later]);
  });

  test('an acknowledged alert is no longer notified', async () => {
    const id = await raiseAlert('site-a');
    expect((await post(`/escalation/alerts/${encodeURIComponent(id)}/acknowledge`, {}, adminToken)).status).toBe(200);
    const { w, shown } = watcher();
    const done = await w.check();
    expect(done).not.toContain(id);
    expect(shown.some((s) => s.body.includes(id.split('|')[1]!))).toBe(false);
  });

  test('an alert nobody could see is shown on the next poll that has an audience', async () => {
    let audience = false;
    const { w, shown } = watcher({ audience: () => audience });
    expect(await w.check()).toEqual([]); // nobody listening: nothing is remembered as shown
    const id = await raiseAlert('site-a');
    expect(await w.check()).toEqual([]);
    audience = true;
    expect(await w.check()).toContain(id);
    expect(shown.length).toBeGreaterThan(0);
  });

  test('no session, a refused token or a corrupt memory file: nothing thrown, nothing shown', async () => {
    expect(await watcher({ token: null }).w.check()).toEqual([]);
    const refused = watcher({ token: 'not-a-token' });
    expect(await refused.w.check()).toEqual([]);
    expect(refused.shown).toEqual([]);
    writeFileSync(join(dataDir, 'notified-alerts.json'), '{"notified": 5}');
    const fresh = watcher();
    expect((await fresh.w.check()).length).toBeGreaterThan(0); // starts over rather than failing to start
  });

  test('many new alerts at once become one notification naming each, and all are remembered', async () => {
    const first = watcher();
    await first.w.check(); // what earlier tests left is shown and remembered
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await raiseAlert('site-a', `burst${i}`));
    const burst = watcher();
    expect((await burst.w.check()).sort()).toEqual([...ids].sort());
    expect(burst.shown).toHaveLength(1);
    expect(burst.shown[0]).toMatchObject({ title: 'HR 预警：5 条新预警', siteId: 'site-a' });
    expect(burst.shown[0]!.body.split('\n').filter((l) => l.includes('失联预警：已开启失联案件'))).toHaveLength(5);
    expect(await watcher().w.check()).toEqual([]);
  });

  test('an admin session (HR terminal) sees every site', async () => {
    const b = await raiseAlert('site-b');
    const { w } = watcher({ token: adminToken });
    expect(await w.check()).toContain(b);
  });
});
