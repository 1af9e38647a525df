import { describe, expect, it } from 'vitest';
import { reviewEscalations } from '#shared/escalation/escalation-review';
import { startEscalation, transition, type EscalationEventInput, type EscalationState } from '#shared/escalation/missed-punch-escalation';
import { instantOf as at } from '#shared/time';

function chain(employeeId: string, steps: [string, EscalationEventInput][]): EscalationState {
  let s = startEscalation({
    anomaly: { id: `anomaly|${employeeId}|2026-03-02`, employeeId, siteId: 's1', date: '2026-03-02', detectedAt: at('2026-03-02 09:05'), escalationWindowMinutes: 120 },
    employeeChannels: ['sms'],
    emergencyChannels: ['sms'],
  });
  for (const [time, e] of steps) s = transition(s, e, at(`2026-03-${time}`)).state;
  return s;
}
const timer: EscalationEventInput = { type: 'timer' };
const toCase: [string, EscalationEventInput][] = [['02 09:05', timer], ['02 11:05', timer], ['02 13:05', timer]];

describe('escalation review', () => {
  it('counts outcomes, misjudged absences and time to first contact', () => {
    const states = [
      chain('a', [['02 09:05', timer], ['02 09:35', { type: 'punched', punchId: 'p', at: at('2026-03-02 09:34') }]]),
      chain('b', [['02 09:05', timer], ['02 10:05', { type: 'reply', from: 'employee', reason: 'sick', text: '' }]]),
      chain('c', [['02 09:05', timer], ['02 11:05', timer], ['02 12:05', { type: 'reply', from: 'emergency_contact', reason: 'late', text: '堵车' }]]),
      chain('d', [...toCase, ['03 10:00', { type: 'record_contact_attempt', by: 'hr', method: 'phone', reached: false }], ['05 10:00', { type: 'record_contact_attempt', by: 'hr', method: 'visit', reached: true }], ['05 11:00', { type: 'record_known_reason', by: 'hr', reason: '传销' }], ['31 10:00', { type: 'close_case', by: 'hr', outcome: 'returned' }]]),
      chain('e', toCase),
      chain('f', []),
    ];
    const r = reviewEscalations(states);
    expect(r).toMatchObject({
      anomalies: 6,
      resolvedBeforeCase: { employee: 1, emergency_contact: 1, punch: 1, hr: 0 },
      casesOpened: 2,
      casesOpen: 1,
      casesClosed: { returned: 1, reason_confirmed: 0, dismissal_started: 0, other: 0 },
      misjudged: 2,
    });
    // a 30 min, b 60 min, c 180 min, d: reached on the 5th at 10:00 = 3 days 55 min.
    expect(r.minutesToFirstContact).toEqual({ count: 4, median: 120, max: 3 * 1440 + 55 });
  });

  it('is empty for no escalations', () => {
    expect(reviewEscalations([])).toMatchObject({ anomalies: 0, minutesToFirstContact: { count: 0, median: null, max: null } });
  });
});
