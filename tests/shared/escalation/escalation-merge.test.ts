import { describe, expect, it } from 'vitest';
import { canonicalJson } from '#shared/audit/chain';
import { EscalationDoc, escalationDoc, mergeEscalationDocs, mergeEscalationStates } from '#shared/escalation/escalation-doc';
import { startEscalation, transition, type EscalationEventInput, type EscalationState, type MessageChannel } from '#shared/escalation/missed-punch-escalation';
import { decidePush } from '#shared/sync/conflicts';
import { instantOf as at } from '#shared/time';

const ANOMALY = { id: 'anomaly|e1|2026-03-02', employeeId: 'e1', siteId: 's1', date: '2026-03-02', detectedAt: at('2026-03-02 09:05'), escalationWindowMinutes: 120 };

function start(employeeChannels: MessageChannel[], emergencyChannels: MessageChannel[]) {
  return startEscalation({ anomaly: ANOMALY, employeeChannels, emergencyChannels });
}
function play(state: EscalationState, steps: [string, EscalationEventInput][]): EscalationState {
  for (const [time, event] of steps) state = transition(state, event, at(time)).state;
  return state;
}
const performAll = (s: EscalationState, time: string) => play(s, [[time, { type: 'commands_done', ids: s.outbox.map((c) => c.id) }]]);

describe('merging two runs of one escalation chain', () => {
  // The server messaged the employee on WeCom, then lost its network; the site terminal, cut off, ran the
  // chain on its own screen and opened the case; HR on the terminal recorded a call.
  const server = performAll(play(start(['wecom'], ['sms']), [['2026-03-02 09:05', { type: 'timer' }]]), '2026-03-02 09:06');
  const terminal = play(performAll(play(start(['in_app'], ['in_app']), [['2026-03-02 09:20', { type: 'timer' }], ['2026-03-02 11:20', { type: 'timer' }], ['2026-03-02 13:20', { type: 'timer' }]]), '2026-03-02 13:21'), [
    ['2026-03-02 13:40', { type: 'record_contact_attempt', by: 'site-admin', method: 'phone', reached: false, note: '关机' }],
  ]);

  it('keeps everything either side recorded and the further phase', () => {
    const merged = mergeEscalationStates(server, terminal);
    expect(merged.phase).toBe('hr_alerted');
    expect(merged.phaseSince).toBe(terminal.phaseSince);
    expect(merged.case?.contactAttempts.map((a) => a.note)).toEqual(['关机']);
    expect(merged.employeeChannels).toEqual(['in_app', 'wecom']);
    const sent = merged.timeline.filter((t) => t.type === 'message_sent');
    expect(sent.map((t) => (t.type === 'message_sent' ? t.channels.join() : ''))).toEqual(['wecom', 'in_app', 'in_app']);
    expect(merged.timeline.map((t) => t.at)).toEqual([...merged.timeline.map((t) => t.at)].sort((x, y) => x - y));
    // Performed on one side = performed: nothing is sent again after the merge.
    expect(merged.outbox).toEqual([]);
    expect(new Set(merged.issuedCommandIds)).toEqual(new Set([...server.issuedCommandIds, ...terminal.issuedCommandIds]));
  });

  it('is symmetric and idempotent, so replicas converge whatever order pushes arrive in', () => {
    const ab = mergeEscalationStates(server, terminal);
    const ba = mergeEscalationStates(terminal, server);
    expect(canonicalJson(ab)).toBe(canonicalJson(ba));
    expect(canonicalJson(mergeEscalationStates(ab, ab))).toBe(canonicalJson(ab));
    expect(canonicalJson(mergeEscalationStates(ab, server))).toBe(canonicalJson(ab));
  });

  it('keeps a command waiting on one side in the outbox unless the other side performed it', () => {
    const issuedOnly = play(start(['wecom'], ['sms']), [['2026-03-02 09:05', { type: 'timer' }]]);
    expect(issuedOnly.outbox).toHaveLength(1);
    const fresh = start(['wecom'], ['sms']);
    expect(mergeEscalationStates(issuedOnly, fresh).outbox.map((c) => c.id)).toEqual(['anomaly|e1|2026-03-02|employee|attempt1']);
    expect(mergeEscalationStates(issuedOnly, server).outbox).toEqual([]);
  });

  it('never undoes an opened case: a reply on one side and a case on the other leave the case open for HR', () => {
    const replied = play(server, [['2026-03-02 10:00', { type: 'reply', from: 'employee', reason: 'sick', text: '发烧' }]]);
    expect(replied.phase).toBe('resolved');
    const merged = mergeEscalationStates(replied, terminal);
    expect(merged.phase).toBe('hr_alerted');
    expect(merged.case).not.toBeNull();
    expect(merged.timeline.some((t) => t.type === 'reply' && t.text === '发烧')).toBe(true);
  });

  it('keeps a closing from either side, and the later known reason', () => {
    const a = play(terminal, [['2026-03-02 14:00', { type: 'record_known_reason', by: 'hr', reason: '住院' }]]);
    const b = play(terminal, [
      ['2026-03-02 15:00', { type: 'record_known_reason', by: 'hr2', reason: '住院，家属已确认' }],
      ['2026-03-02 15:10', { type: 'close_case', by: 'hr2', outcome: 'reason_confirmed', note: '' }],
    ]);
    const merged = mergeEscalationStates(a, b);
    expect(merged.phase).toBe('closed');
    expect(merged.case?.outcome).toBe('reason_confirmed');
    expect(merged.case?.knownReason?.reason).toBe('住院，家属已确认');
    expect(merged.timeline.filter((t) => t.type === 'known_reason')).toHaveLength(2);
  });

  it('refuses to merge different chains', () => {
    const other = startEscalation({ anomaly: { ...ANOMALY, id: 'anomaly|e2|2026-03-02', employeeId: 'e2' }, employeeChannels: [], emergencyChannels: [] });
    expect(() => mergeEscalationStates(server, other)).toThrow(RangeError);
  });
});

describe('escalation documents on the sync server', () => {
  const base = startEscalation({ anomaly: ANOMALY, employeeChannels: ['wecom'], emergencyChannels: ['sms'] });
  const doc = (s: EscalationState, updatedAt: number) => ({ ...escalationDoc(s, at('2026-03-02 09:00'), updatedAt), _deleted: false });

  it('validates the id against the anomaly id', () => {
    expect(EscalationDoc.safeParse(escalationDoc(base, 1, 2)).success).toBe(true);
    expect(EscalationDoc.safeParse({ ...escalationDoc(base, 1, 2), id: 'other' }).success).toBe(false);
  });

  it('merges a stale push instead of dropping either side', () => {
    const masterState = performAll(play(base, [['2026-03-02 09:05', { type: 'timer' }]]), '2026-03-02 09:06');
    const offline = play(startEscalation({ anomaly: ANOMALY, employeeChannels: ['in_app'], emergencyChannels: [] }), [['2026-03-02 09:30', { type: 'timer' }]]);
    const decision = decidePush('escalations', { master: doc(masterState, 10), assumed: null, incoming: doc(offline, 20) });
    expect(decision.kind).toBe('merge');
    if (decision.kind !== 'merge') return;
    const merged = EscalationDoc.parse({ ...decision.doc, _deleted: undefined });
    expect(merged.updatedAt).toBe(20);
    expect(merged.timeline.filter((t) => t.type === 'message_sent')).toHaveLength(2);
    // Pushing what the master already holds changes nothing and is no conflict item for HR.
    expect(decidePush('escalations', { master: doc(masterState, 10), assumed: null, incoming: doc(base, 5) })).toEqual({ kind: 'conflict', recordLosingVersion: false });
  });

  it('refuses deletion', () => {
    expect(decidePush('escalations', { master: null, assumed: null, incoming: { ...doc(base, 1), _deleted: true } }).kind).toBe('reject');
  });

  it('merges documents keeping the earliest expected time', () => {
    const a = escalationDoc(base, 100, 5);
    const b = escalationDoc(base, 90, 7);
    expect(mergeEscalationDocs(a, b)).toMatchObject({ expectedAt: 90, updatedAt: 7 });
  });
});
