import { describe, expect, it } from 'vitest';
import { builtInTemplate } from '#shared/cases/builtin-templates';
import { openCase } from '#shared/cases/case-engine';
import { syncLostContactCase } from '#shared/cases/lost-contact-bridge';
import { startEscalation, transition as escalate, type EscalationEventInput, type EscalationState } from '#shared/escalation/missed-punch-escalation';
import { at, hr } from './fixtures';

function chain(steps: [string, EscalationEventInput][]): EscalationState {
  let s = startEscalation({
    anomaly: { id: 'anomaly|emp-li|2026-03-02', employeeId: 'emp-li', siteId: 's1', date: '2026-03-02', detectedAt: at('2026-03-02 09:05'), escalationWindowMinutes: 120 },
    employeeChannels: ['sms'],
    emergencyChannels: ['sms'],
  });
  for (const [when, e] of steps) s = escalate(s, e, at(when)).state;
  return s;
}

describe('lost-contact case from the escalation chain', () => {
  const timer: EscalationEventInput = { type: 'timer' };
  const toCase: [string, EscalationEventInput][] = [['2026-03-02 09:05', timer], ['2026-03-02 11:05', timer], ['2026-03-02 13:05', timer]];

  it('messages and HR attempts become contact attempts; the known reason unlocks dismissal for absenteeism', () => {
    const template = builtInTemplate('lost-contact');
    const noReason = chain([...toCase, ['2026-03-03 10:00', { type: 'record_contact_attempt', by: 'hr', method: 'phone', reached: false }]]);
    const first = syncLostContactCase(template, noReason, { now: at('2026-03-03 10:01'), actor: hr });
    if (!first.ok) throw new Error(JSON.stringify(first.reasons));
    expect(first.doc.evidence.map((e) => e.kind)).toEqual(['contact-attempt', 'contact-attempt', 'contact-attempt']);
    const dismissal = builtInTemplate('dismissal-absenteeism');
    const input = { id: 'd1', subjectEmployeeId: 'emp-li', siteId: 's1' };
    expect(openCase(dismissal, input, { now: at('2026-03-03 11:00'), actor: hr }, first.doc).ok).toBe(false);

    const withReason = chain([...toCase, ['2026-03-03 10:00', { type: 'record_contact_attempt', by: 'hr', method: 'phone', reached: false }], ['2026-03-05 11:00', { type: 'record_known_reason', by: 'hr', reason: '家属告知被困传销' }]]);
    const second = syncLostContactCase(template, withReason, { now: at('2026-03-05 11:01'), actor: hr }, first.doc);
    if (!second.ok) throw new Error(JSON.stringify(second.reasons));
    expect(second.doc.evidence.map((e) => e.kind)).toEqual(['contact-attempt', 'contact-attempt', 'contact-attempt', 'known-reason']);
    // Syncing again adds nothing.
    const again = syncLostContactCase(template, withReason, { now: at('2026-03-05 12:00'), actor: hr }, second.doc);
    expect(again.ok && again.doc.evidence).toHaveLength(4);
    expect(openCase(dismissal, input, { now: at('2026-03-05 12:00'), actor: hr }, second.doc).ok).toBe(true);
  });

  it('no case yet: refused', () => {
    const r = syncLostContactCase(builtInTemplate('lost-contact'), chain([]), { now: at('2026-03-02 09:00'), actor: hr });
    expect(r.ok).toBe(false);
  });
});
