import { afterEach, describe, expect, test } from 'vitest';
import { documentHash, verifyAuditChain } from '#shared/audit/chain';
import { escalationDoc } from '#shared/escalation/escalation-doc';
import { startEscalation, transition, type EscalationState } from '#shared/escalation/missed-punch-escalation';
import { RenshiError } from '#shared/errors';
import type { AuditEvent } from '#shared/schemas/audit';
import { instantOf } from '#shared/time';
import { applyEscalationEvent, loadEscalation } from '../../../src-renderer/features/alerts/escalation-repository.ts';
import { openTestDb } from '../db/helpers.ts';

const ID = 'anomaly|e1|2026-11-23';
function caseOpened(): EscalationState {
  let s = startEscalation({
    anomaly: { id: ID, employeeId: 'e1', siteId: 's1', date: '2026-11-23', detectedAt: instantOf('2026-11-23 08:10'), escalationWindowMinutes: 120 },
    employeeChannels: ['sms'],
    emergencyChannels: [],
  });
  for (const at of ['08:10', '10:10']) s = transition(s, { type: 'timer' }, instantOf(`2026-11-23 ${at}`)).state;
  return s;
}

let opened: Awaited<ReturnType<typeof openTestDb>> | null = null;
afterEach(async () => {
  await opened?.db.remove();
  opened = null;
});

describe("HR's actions on a lost-contact case, on the terminal", () => {
  test('are applied by the machine, stored in the replicated chain and sealed into the audit chain', async () => {
    opened = await openTestDb();
    const { db, ctx } = opened;
    await db.escalations.insert(escalationDoc(caseOpened(), instantOf('2026-11-23 08:00'), 1));
    const now = instantOf('2026-11-23 11:00');
    const after = await applyEscalationEvent({ ...ctx, actor: 'hr-wang', now: () => now }, ID, { type: 'record_contact_attempt', by: 'someone-else', method: 'phone', reached: false, note: '关机' });
    // The operator is who acted, whatever the caller wrote.
    expect(after.case?.contactAttempts).toEqual([{ at: now, by: 'hr-wang', method: 'phone', reached: false, note: '关机' }]);
    expect((await loadEscalation(db, ID))?.case?.contactAttempts).toHaveLength(1);

    await applyEscalationEvent({ ...ctx, actor: 'hr-wang', now: () => now + 60_000 }, ID, { type: 'record_known_reason', by: 'hr-wang', reason: '住院' });
    const events = (await db.audit.find({ selector: { docId: ID }, sort: [{ at: 'asc' }] }).exec()).map((d) => d.toMutableJSON() as AuditEvent);
    expect(events.map((e) => [e.actor, e.collectionName, e.action])).toEqual([
      ['hr-wang', 'escalations', 'update'],
      ['hr-wang', 'escalations', 'update'],
    ]);
    expect(events[0]!.summary).toContain('关机');
    expect(events[1]!.summary).toContain('住院');
    expect(events[1]!.afterHash).toBe(await documentHash(await loadEscalation(db, ID)));
    const all = (await db.audit.find({ sort: [{ seq: 'asc' }] }).exec()).map((d) => d.toMutableJSON() as AuditEvent);
    expect(await verifyAuditChain(all, null)).toBeNull();
  });

  test('a 旷工 dismissal without a contact attempt and a known reason is refused, and nothing is stored or audited', async () => {
    opened = await openTestDb();
    const { db, ctx } = opened;
    const stored = escalationDoc(caseOpened(), instantOf('2026-11-23 08:00'), 1);
    await db.escalations.insert(stored);
    await expect(applyEscalationEvent(ctx, ID, { type: 'close_case', by: 'x', outcome: 'dismissal_started', note: '' })).rejects.toThrow(RenshiError);
    expect((await loadEscalation(db, ID))?.phase).toBe('hr_alerted');
    expect(await db.audit.count().exec()).toBe(0);
  });

  test('an unknown chain is a clear error', async () => {
    opened = await openTestDb();
    await expect(applyEscalationEvent(opened.ctx, 'anomaly|nobody|2026-11-23', { type: 'record_known_reason', by: 'x', reason: 'y' })).rejects.toThrow(/no escalation/);
  });
});
