import { describe, expect, it } from 'vitest';
import { anomalyId, type AttendanceAnomaly } from '#shared/attendance/anomalies';
import { mergeEscalationStates, stateOf, type EscalationDoc } from '#shared/escalation/escalation-doc';
import { startEscalation, transition } from '#shared/escalation/missed-punch-escalation';
import { terminalEscalationStep, type PunchSeen } from '#shared/escalation/terminal-escalation';
import { instantOf as at } from '#shared/time';

const anomaly = (employeeId: string): AttendanceAnomaly => ({
  id: anomalyId(employeeId, '2026-11-23'),
  employeeId,
  siteId: 's1',
  shiftId: 'day',
  date: '2026-11-23',
  expectedAt: at('2026-11-23 08:00'),
  detectedAt: at('2026-11-23 08:10'),
  escalationWindowMinutes: 120,
});

/** Runs the terminal step at each time, storing what it changed, like the renderer does. */
function run(times: string[], opts: { anomalies?: AttendanceAnomaly[]; punches?: Record<string, PunchSeen[]>; chains?: EscalationDoc[] } = {}) {
  let chains = opts.chains ?? [];
  const shown: string[] = [];
  for (const time of times) {
    const r = terminalEscalationStep({ now: at(time), anomalies: opts.anomalies ?? [], chains, punchesOf: (id) => opts.punches?.[id] ?? [] });
    const changed = new Map(r.changed.map((d) => [d.id, d]));
    chains = [...chains.map((c) => changed.get(c.id) ?? c), ...r.changed.filter((d) => !chains.some((c) => c.id === d.id))];
    for (const s of r.toShow) if (!shown.includes(s.command.id)) shown.push(s.command.id);
  }
  return { chains, shown };
}

describe('the chain on a terminal cut off from the server', () => {
  it('asks the site admin to contact the employee, then the emergency contact, then opens the case', () => {
    const { chains, shown } = run(['2026-11-23 08:11', '2026-11-23 09:00', '2026-11-23 10:11', '2026-11-23 12:11'], { anomalies: [anomaly('e1')] });
    expect(chains).toHaveLength(1);
    const c = chains[0]!;
    expect(c.phase).toBe('hr_alerted');
    expect(c.employeeChannels).toEqual(['in_app']);
    expect(shown).toEqual(['anomaly|e1|2026-11-23|employee|attempt1', 'anomaly|e1|2026-11-23|emergency|attempt1', 'anomaly|e1|2026-11-23|hr|lost_contact_case_opened1']);
    // Nothing is acknowledged on the terminal: the server still performs what it can when it merges.
    expect(c.outbox.map((x) => x.id)).toEqual(shown);
    // A full window each time, from when each step really happened.
    expect(c.timeline.filter((t) => t.type === 'message_sent').map((t) => t.at)).toEqual([at('2026-11-23 08:11'), at('2026-11-23 10:11')]);
  });

  it('does not start a chain twice, nor one the server already started', () => {
    const serverRun = startEscalation({ anomaly: anomaly('e1'), employeeChannels: ['sms'], emergencyChannels: ['sms'] });
    const serverDoc = { ...serverRun, id: serverRun.anomalyId, expectedAt: at('2026-11-23 08:00'), updatedAt: 1 };
    const r = terminalEscalationStep({ now: at('2026-11-23 08:11'), anomalies: [anomaly('e1')], chains: [serverDoc], punchesOf: () => [] });
    expect(r.changed).toHaveLength(1);
    expect(r.changed[0]!.employeeChannels).toEqual(['sms']); // the server's chain moved on, not a second one
  });

  it('a punch ends a running chain and nothing more is shown', () => {
    const { chains, shown } = run(['2026-11-23 08:11', '2026-11-23 09:00', '2026-11-23 12:00'], {
      anomalies: [anomaly('e1')],
      punches: { e1: [{ id: 'p1', at: at('2026-11-23 08:40') }] },
    });
    expect(chains[0]!.phase).toBe('resolved');
    expect(shown).toEqual(['anomaly|e1|2026-11-23|employee|attempt1']);
  });

  it('a quiet tick changes nothing', () => {
    const first = run(['2026-11-23 08:11'], { anomalies: [anomaly('e1')] });
    const r = terminalEscalationStep({ now: at('2026-11-23 08:30'), anomalies: [anomaly('e1')], chains: first.chains, punchesOf: () => [] });
    expect(r.changed).toEqual([]);
  });

  it("the terminal's run merges into the server's without sending anything twice", () => {
    const offline = run(['2026-11-23 08:11', '2026-11-23 10:11', '2026-11-23 12:11'], { anomalies: [anomaly('e1')] }).chains[0]!;
    let server = startEscalation({ anomaly: anomaly('e1'), employeeChannels: ['sms'], emergencyChannels: ['sms'] });
    server = transition(server, { type: 'timer' }, at('2026-11-23 08:10')).state;
    server = transition(server, { type: 'commands_done', ids: server.outbox.map((c) => c.id) }, at('2026-11-23 08:10')).state;
    const merged = mergeEscalationStates(server, stateOf(offline));
    expect(merged.phase).toBe('hr_alerted');
    // The employee message was performed by the server: it is not owed again; the rest waits for the server.
    expect(merged.outbox.map((c) => c.id)).toEqual(['anomaly|e1|2026-11-23|emergency|attempt1', 'anomaly|e1|2026-11-23|hr|lost_contact_case_opened1']);
  });
});
