import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { anomalyId } from '#shared/attendance/anomalies';
import type { EscalationState } from '#shared/escalation/missed-punch-escalation';
import { instantOf } from '#shared/time';
import { startHttpPeers, startSmtpPeer, type HttpPeers } from '../notifications/peers.ts';
import { DAY_SHIFT, employee, SITE, startHarness, type Harness } from './harness.ts';

/**
 * Restart safety on a PGlite data folder that survives closing the server. The crash points are
 * reproduced by what they leave in the database: the server stops with a command still in the outbox;
 * the state is put back to before a transition whose messages already went out; a performed command is put
 * back in the outbox (a crash before `commands_done`). After each, the chain resends nothing and skips
 * nothing.
 */
const at = (hhmm: string) => instantOf(`2026-03-02 ${hhmm}`);
const ID = anomalyId('e5', '2026-03-02');
let now = at('09:06');
let peers: HttpPeers;
let smtp: Awaited<ReturnType<typeof startSmtpPeer>>;
let dir: string;
let h: Harness;
const e5 = employee('e5', '1005');
const contactPhone = e5.sensitive.emergencyContacts[0]!.phone;

const sent = () => ({
  employeeSms: peers.state.sms.filter((s) => s.to === e5.phone).length,
  wecom: peers.state.wecom.filter((m) => m.touser === 'wx-1005').length,
  email: smtp.mails.filter((m) => m.to.includes(e5.email!)).length,
  contactSms: peers.state.sms.filter((s) => s.to === contactPhone).length,
});
const start = () => startHarness({ peers, smtpPort: smtp.port, clock: () => now, dataDir: dir });
const load = async () => (await h.runner.repository.load(ID))!;
/** What a crash at some earlier point would have left in the row. */
const putBack = async (state: EscalationState) => {
  const current = await load();
  expect(await h.runner.repository.save(state, current.version, now)).toBe(true);
};

beforeAll(async () => {
  [peers, smtp] = await Promise.all([startHttpPeers(), startSmtpPeer()]);
  dir = mkdtempSync(join(tmpdir(), 'renshi-escalation-'));
  h = await start();
  await h.put('org', [SITE]);
  await h.put('settings', [DAY_SHIFT]);
  await h.put('employees', [e5]);
});
afterAll(async () => {
  await h?.close();
  await Promise.all([peers?.close(), smtp?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

test('a restart in the middle of the chain resends nothing and skips nothing', async () => {
  await h.runner.tick();
  expect(sent()).toEqual({ employeeSms: 1, wecom: 1, email: 1, contactSms: 0 });
  const beforeEmergency = (await load()).state;
  expect(beforeEmergency.phase).toBe('employee_messaged');

  // The window passes; the SMS gateway is down, so the emergency message stays in the outbox. Then the
  // server stops.
  now = at('11:07');
  peers.state.smsFailures = 1;
  await h.runner.tick();
  const pending = (await load()).state;
  expect(pending.phase).toBe('emergency_contact_notified');
  expect(pending.outbox.map((c) => c.id)).toEqual([`${ID}|emergency|attempt1`]);
  expect(sent().contactSms).toBe(0);
  await h.close();

  // Back up: the pending message goes out once; nothing sent before goes again.
  now = at('11:09');
  h = await start();
  await h.runner.tick();
  await h.runner.tick();
  expect(sent()).toEqual({ employeeSms: 1, wecom: 1, email: 1, contactSms: 1 });
  const afterRestart = (await load()).state;
  expect(afterRestart.outbox).toEqual([]);

  // Crash before the timer transition was saved (its message had gone out): the same transition runs
  // again with the same command id, and the notifier knows it was sent.
  await putBack(beforeEmergency);
  await h.close();
  h = await start();
  await h.runner.tick();
  expect(sent()).toEqual({ employeeSms: 1, wecom: 1, email: 1, contactSms: 1 });
  const replayed = (await load()).state;
  expect(replayed.phase).toBe('emergency_contact_notified');
  expect(replayed.outbox).toEqual([]);
  expect(replayed.issuedCommandIds).toEqual(afterRestart.issuedCommandIds);

  // Crash after sending, before `commands_done`: the command is found in the outbox, acknowledged, not resent.
  await putBack({ ...replayed, outbox: pending.outbox });
  await h.runner.tick();
  expect(sent().contactSms).toBe(1);
  expect((await load()).state.outbox).toEqual([]);

  // Nothing skipped: a full window after the emergency step, HR is alerted, exactly once.
  now = replayed.phaseSince + 120 * 60_000;
  await h.runner.tick();
  await h.close();
  h = await start();
  await h.runner.tick();
  const final = (await load()).state;
  expect(final.phase).toBe('hr_alerted');
  expect(final.outbox).toEqual([]);
  const alerts = (await h.call('GET', '/escalation/alerts')).body.alerts;
  expect(alerts).toHaveLength(1);
  expect((await h.call('GET', '/notifications/in-app')).body.messages).toHaveLength(1);
  expect(sent()).toEqual({ employeeSms: 1, wecom: 1, email: 1, contactSms: 1 });
});
