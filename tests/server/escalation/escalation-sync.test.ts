import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { escalationDoc, EscalationDoc } from '#shared/escalation/escalation-doc';
import { startEscalation, transition, type EscalationEventInput, type EscalationState } from '#shared/escalation/missed-punch-escalation';
import { escalationRepository } from '../../../src-server/escalation/repository.ts';
import { ADMIN, Api, login, startTestServer } from '../support/backends.ts';
import { row } from '../support/fixtures.ts';

/**
 * Escalation chains as replicated documents: a site terminal that lost the server kept the chain going on
 * its own screen; once back, what it pushes is merged into the server's chain, and what the server still
 * owes (the HR alert of the case the terminal opened) is done once.
 */
const T0 = Date.UTC(2026, 10, 23, 1, 5); // 09:05 in Shanghai
const ANOMALY = { id: 'anomaly|emp-7|2026-11-23', employeeId: 'emp-7', siteId: 's1', date: '2026-11-23', detectedAt: T0, escalationWindowMinutes: 120 };
const H = 3_600_000;

function play(state: EscalationState, steps: [number, EscalationEventInput][]): EscalationState {
  for (const [at, event] of steps) state = transition(state, event, at).state;
  return state;
}
/** The terminal's offline run: its own screen is the only channel, every window passes, the case opens. */
function offlineRun(): EscalationState {
  const start = startEscalation({ anomaly: ANOMALY, employeeChannels: ['in_app'], emergencyChannels: ['in_app'] });
  return play(start, [
    [T0, { type: 'timer' }],
    [T0 + 2 * H, { type: 'timer' }],
    [T0 + 4 * H, { type: 'timer' }],
    [T0 + 4 * H + 60_000, { type: 'record_contact_attempt', by: 'site-admin', method: 'phone', reached: false, note: '关机' }],
  ]);
}

async function until<T>(what: () => Promise<T>, ok: (v: T) => boolean, ms = 8000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await what();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('escalation chains through the sync server', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let admin: Api;
  let terminal: Api;
  let otherSite: Api;
  beforeAll(async () => {
    server = await startTestServer('pglite');
    admin = await login(server.url, ADMIN.username, ADMIN.password);
    const reg = await admin.post('/terminals', { name: '一号门岗', siteId: 's1' });
    terminal = new Api(server.url, reg.body.token);
    otherSite = new Api(server.url, (await admin.post('/terminals', { name: '二厂门岗', siteId: 's2' })).body.token);
  });
  afterAll(async () => server?.close());

  test('an offline terminal run is merged into the server chain; the HR alert it left is raised once', async () => {
    const offline = offlineRun();
    expect(offline.phase).toBe('hr_alerted');
    expect(offline.outbox.map((c) => c.type).sort()).toEqual(['alert_hr', 'send_message', 'send_message']);
    const pushed = await terminal.push('escalations', [row(escalationDoc(offline, T0 - 10 * 60_000, T0 + 4 * H + 60_000))]);
    expect(pushed.status).toBe(200);
    expect(pushed.body.rejections).toEqual([]);

    // The server's own chain now holds the case and the terminal's call.
    const item = await admin.get(`/escalation/items/${encodeURIComponent(ANOMALY.id)}`);
    expect(item.body.phase).toBe('hr_alerted');
    expect(item.body.case.contactAttempts).toMatchObject([{ by: 'site-admin', note: '关机' }]);

    // The alert HR was owed is raised by the server (in its inbox), and only once.
    const alerts = await until(
      async () => (await admin.get('/escalation/alerts?open=1')).body.alerts as { anomalyId: string; reason: string }[],
      (a) => a.some((x) => x.anomalyId === ANOMALY.id),
    );
    expect(alerts.filter((a) => a.anomalyId === ANOMALY.id).map((a) => a.reason)).toEqual(['lost_contact_case_opened']);

    // The synced copy converges on the server's: every command performed, nothing owed any more.
    const pulled = await until(
      async () => (await terminal.pull('escalations')).body.documents as EscalationDoc[],
      (docs) => docs.some((d) => d.id === ANOMALY.id && d.outbox.length === 0),
    );
    const doc = EscalationDoc.parse(Object.fromEntries(Object.entries(pulled.find((d) => d.id === ANOMALY.id)!).filter(([k]) => !k.startsWith('_'))));
    expect(doc.outbox).toEqual([]);

    // Pushing the same old run again changes nothing and raises nothing again.
    await terminal.push('escalations', [row(escalationDoc(offline, T0 - 10 * 60_000, T0 + 4 * H + 60_000))]);
    await new Promise((r) => setTimeout(r, 300));
    const again = (await admin.get('/escalation/alerts?open=0')).body.alerts as { anomalyId: string }[];
    expect(again.filter((a) => a.anomalyId === ANOMALY.id)).toHaveLength(1);
  });

  test('what HR records on the server reaches the terminals, and a stale terminal edit is merged, not lost', async () => {
    const recorded = await admin.post(`/escalation/items/${encodeURIComponent(ANOMALY.id)}/known-reason`, { reason: '家属告知：住院' });
    expect(recorded.status).toBe(200);
    const docs = (await terminal.pull('escalations')).body.documents as EscalationDoc[];
    const synced = docs.find((d) => d.id === ANOMALY.id)!;
    expect(synced.case?.knownReason?.reason).toBe('家属告知：住院');

    // A terminal that had not seen that yet records a second call on its old copy.
    const stale = play(offlineRun(), [[T0 + 5 * H, { type: 'record_contact_attempt', by: 'site-admin', method: 'visit', reached: true, note: '家访' }]]);
    const res = await terminal.push('escalations', [row(escalationDoc(stale, T0 - 10 * 60_000, T0 + 5 * H))]);
    expect(res.body.rejections).toEqual([]);
    const item = await admin.get(`/escalation/items/${encodeURIComponent(ANOMALY.id)}`);
    expect(item.body.case.contactAttempts.map((a: { note: string }) => a.note)).toEqual(['关机', '家访']);
    expect(item.body.case.knownReason.reason).toBe('家属告知：住院');
  });

  test("a terminal of another site neither sees nor writes this site's chains", async () => {
    const docs = (await otherSite.pull('escalations')).body.documents as EscalationDoc[];
    expect(docs.filter((d) => d.id === ANOMALY.id)).toEqual([]);
    const res = await otherSite.push('escalations', [row(escalationDoc(offlineRun(), T0, T0))]);
    expect(res.body.rejections).toMatchObject([{ code: 'forbidden' }]);
  });

  test('chains stored before chains replicated get their sync documents on the next start', async () => {
    const old = startEscalation({ anomaly: { ...ANOMALY, id: 'anomaly|emp-8|2026-11-20', employeeId: 'emp-8', date: '2026-11-20' }, employeeChannels: ['sms'], emergencyChannels: [] });
    await server.db.query(
      `INSERT INTO escalations (anomaly_id, employee_id, site_id, date, expected_at, phase, state, next_due_at, pending_commands, version, created_at, updated_at)
       VALUES ($1, 'emp-8', 's1', '2026-11-20', $2, $3, $4, NULL, 0, 1, $2, $2)`,
      [old.anomalyId, T0, old.phase, JSON.stringify(old)],
    );
    const has = async () => ((await terminal.pull('escalations', 'limit=1000')).body.documents as EscalationDoc[]).some((d) => d.id === old.anomalyId);
    expect(await has()).toBe(false);
    expect(await escalationRepository(server.db).backfillMirror(Date.now())).toBe(1);
    expect(await has()).toBe(true);
    expect(await escalationRepository(server.db).backfillMirror(Date.now())).toBe(0);
  });

  test('a document that is not a valid chain is refused with the reason', async () => {
    const bad = { ...escalationDoc(offlineRun(), T0, T0), phase: 'dismissed' };
    const res = await terminal.push('escalations', [row(bad)]);
    expect(res.body.rejections).toMatchObject([{ code: 'validation-failed' }]);
    expect(res.body.rejections[0].message).toMatch(/phase/);
  });
});
