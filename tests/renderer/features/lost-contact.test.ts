import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { canStartAbsenteeismDismissal, startEscalation, transition, type EscalationEventInput, type EscalationState } from '#shared/escalation/missed-punch-escalation';
import { RenshiError } from '#shared/errors';
import { Employee } from '#shared/schemas/employee';
import { RequestDoc } from '#shared/schemas/leave';
import { instantOf } from '#shared/time';
import { escalationRepository } from '../../../src-server/escalation/repository.ts';
import { startServer, type RunningServer } from '../../../src-server/server.ts';
import { contactsDue } from '../../../src-renderer/features/alerts/contacts-due.ts';
import { escalationClient } from '../../../src-renderer/features/alerts/escalation-client.ts';
import { dismissalPreconditions } from '../../../src-renderer/features/cases/dismissal-preconditions.ts';
import { correctedAfterwards, reviewByMonth } from '../../../src-renderer/features/review/review-by-month.ts';

// The operator side of story 1 without a browser: the renderer's escalation client against a real server
// (in-memory PGlite), the dismissal checklist, the monthly review and the quarterly re-confirmation list.

/** An escalation of `employeeId` on `date`, driven through the real machine by the given events. */
function escalation(employeeId: string, date: string, steps: { event: EscalationEventInput; at: string }[] = []): EscalationState {
  const detectedAt = instantOf(`${date} 09:05`);
  let state = startEscalation({
    anomaly: { id: `anomaly|${employeeId}|${date}`, employeeId, siteId: 'site-1', date, detectedAt, escalationWindowMinutes: 120 },
    employeeChannels: ['sms'],
    emergencyChannels: ['sms'],
  });
  for (const { event, at } of steps) state = transition(state, event, instantOf(`${date} ${at}`)).state;
  return transition(state, { type: 'commands_done', ids: state.outbox.map((c) => c.id) }, instantOf(`${date} 23:00`)).state;
}
const toCase: { event: EscalationEventInput; at: string }[] = [
  { event: { type: 'timer' }, at: '09:05' },
  { event: { type: 'timer' }, at: '11:05' },
  { event: { type: 'timer' }, at: '13:05' },
];

describe('escalation client against a real server', () => {
  let server: RunningServer;
  let client: ReturnType<typeof escalationClient>;
  const previousInterval = process.env.RENSHI_ESCALATION_INTERVAL_MS;

  beforeAll(async () => {
    process.env.RENSHI_ESCALATION_INTERVAL_MS = '0';
    server = await startServer({ port: 0, admin: { username: 'hr-admin', password: 'admin-password-1' } });
    const login = await fetch(`${server.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'hr-admin', password: 'admin-password-1' }) });
    client = escalationClient({ serverUrl: server.url, token: ((await login.json()) as { token: string }).token });
    const state = escalation('e1', '2026-03-02', toCase);
    expect(state.phase).toBe('hr_alerted');
    await escalationRepository(server.db).insert(state, instantOf('2026-03-02 09:00'), Date.now());
  });
  afterAll(async () => {
    await server?.close();
    if (previousInterval === undefined) delete process.env.RENSHI_ESCALATION_INTERVAL_MS;
    else process.env.RENSHI_ESCALATION_INTERVAL_MS = previousInterval;
  });

  test('reads the case, records an attempt and a reason (by the signed-in user), and the checklist follows', async () => {
    const id = 'anomaly|e1|2026-03-02';
    const [listed] = await client.items('cases');
    expect(listed?.anomalyId).toBe(id);
    expect(dismissalPreconditions(listed!).map((p) => p.met)).toEqual([true, false, false]);

    // Dismissal before anything is on file: the server refuses it with a stable code.
    await expect(client.close(id, 'dismissal_started', '')).rejects.toMatchObject({ code: 'conflict' });

    const attempted = await client.recordAttempt(id, { method: 'phone', reached: true, note: '联系对象：父亲' });
    expect(attempted.case!.contactAttempts).toEqual([expect.objectContaining({ by: 'hr-admin', method: 'phone', reached: true, note: '联系对象：父亲' })]);
    expect(dismissalPreconditions(attempted).map((p) => p.met)).toEqual([true, true, false]);
    expect(canStartAbsenteeismDismissal(attempted.case)).toBe(false);

    const reasoned = await client.recordReason(id, '家属告知其被困传销组织');
    expect(dismissalPreconditions(reasoned).every((p) => p.met)).toBe(true);
    expect(canStartAbsenteeismDismissal(reasoned.case)).toBe(true);
    expect(reasoned.timeline.map((t) => t.type)).toEqual(expect.arrayContaining(['case_opened', 'contact_attempt', 'known_reason']));

    const closed = await client.close(id, 'reason_confirmed', '已报警，家属跟进');
    expect(closed.phase).toBe('closed');
    expect(dismissalPreconditions(closed)[0]!.met).toBe(false);
  });

  test('bad input and unknown ids come back as coded errors, not crashes', async () => {
    await expect(client.item('anomaly|nobody|2026-03-02')).rejects.toMatchObject({ code: 'not-found' });
    await expect(client.recordReason('anomaly|e1|2026-03-02', '   ')).rejects.toBeInstanceOf(RenshiError);
    await expect(client.acknowledge('no-such-alert')).rejects.toMatchObject({ code: 'not-found' });
    const offline = escalationClient({ serverUrl: 'http://127.0.0.1:9', token: 'x' });
    await expect(offline.alerts(true)).rejects.toMatchObject({ code: 'device-unreachable' });
  });
});

describe('monthly review', () => {
  test('counts cases, first contact and absences corrected later, per month of the absence', () => {
    const march = [
      escalation('a', '2026-03-02', [...toCase, { event: { type: 'record_contact_attempt', by: 'hr', method: 'phone', reached: true, note: '' }, at: '14:05' }]),
      escalation('b', '2026-03-03', [{ event: { type: 'timer' }, at: '09:05' }, { event: { type: 'reply', from: 'employee', reason: 'late', text: '堵车' }, at: '09:35' }]),
      escalation('c', '2026-03-04', [{ event: { type: 'timer' }, at: '09:05' }]),
    ];
    const april = [escalation('d', '2026-04-01', toCase)];
    const requests = [
      RequestDoc.parse({ id: 'r1', kind: 'punch_correction', employeeId: 'c', date: '2026-03-04', action: 'excuse_absence', reason: '出差未登记', requestedBy: 'hr', status: 'approved', updatedAt: 1 }),
      RequestDoc.parse({ id: 'r2', kind: 'punch_correction', employeeId: 'd', date: '2026-04-01', action: 'excuse_absence', reason: '待定', requestedBy: 'hr', status: 'pending', updatedAt: 1 }),
    ];
    const [apr, mar] = reviewByMonth([...march, ...april], requests);
    expect(mar).toMatchObject({ month: '2026-03', anomalies: 3, casesOpened: 1, misjudged: 1, correctedLater: 1 });
    expect(mar!.minutesToFirstContact).toEqual({ count: 2, median: Math.round((30 + 300) / 2), max: 300 });
    expect(apr).toMatchObject({ month: '2026-04', anomalies: 1, casesOpened: 1, casesOpen: 1, correctedLater: 0 });
    // A pending request does not count, nor another employee's, nor another day.
    expect(correctedAfterwards({ employeeId: 'd', date: '2026-04-01' }, requests)).toBe(false);
    expect(correctedAfterwards({ employeeId: 'c', date: '2026-03-05' }, requests)).toBe(false);
  });
});

describe('quarterly emergency-contact re-confirmation', () => {
  const person = (id: string, contacts: { lastConfirmedOn: string | null }[], status = 'active') =>
    Employee.parse({
      id,
      employeeNo: id.toUpperCase(),
      name: id,
      departmentId: 'd1',
      siteId: 'site-1',
      hireDate: '2024-01-01',
      status,
      sensitive: { emergencyContacts: contacts.map((c, i) => ({ name: `联系人${i}`, phone: '13900139000', ...c })) },
      updatedAt: 1,
    });

  test('lists nobody on file, never confirmed, and older than 90 days; leaves out former employees', () => {
    const due = contactsDue(
      [
        person('fresh', [{ lastConfirmedOn: '2026-02-01' }]),
        person('edge', [{ lastConfirmedOn: '2026-01-31' }]), // exactly 90 days before 2026-05-01: still current
        person('stale', [{ lastConfirmedOn: '2026-04-20' }, { lastConfirmedOn: '2026-01-30' }]),
        person('never', [{ lastConfirmedOn: '2026-04-20' }, { lastConfirmedOn: null }]),
        person('none', []),
        person('gone', [], 'terminated'),
      ],
      '2026-05-01',
    );
    expect(due.map((d) => [d.employee.id, d.reason, d.oldest])).toEqual([
      ['stale', 'stale', '2026-01-30'],
      ['never', 'never', null],
      ['none', 'none_on_file', null],
    ]);
  });
});
