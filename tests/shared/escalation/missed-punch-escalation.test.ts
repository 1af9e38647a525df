import { describe, expect, it } from 'vitest';
import { computeAttendanceRange } from '#shared/attendance/daily-attendance';
import { RenshiError } from '#shared/errors';
import {
  canStartAbsenteeismDismissal,
  contactPendingDates,
  due,
  EscalationState,
  startEscalation,
  transition,
  type EscalationCommand,
  type EscalationEventInput,
  type MessageChannel,
} from '#shared/escalation/missed-punch-escalation';
import { instantOf as at } from '#shared/time';
import { calendar, daySchedule, dayShift } from '../attendance/fixtures.ts';

const ANOMALY = { id: 'anomaly|e1|2026-03-02', employeeId: 'e1', siteId: 's1', date: '2026-03-02', detectedAt: at('2026-03-02 09:05'), escalationWindowMinutes: 120 };
const IDS = {
  employee: 'anomaly|e1|2026-03-02|employee|attempt1',
  emergency: 'anomaly|e1|2026-03-02|emergency|attempt1',
  hr: 'anomaly|e1|2026-03-02|hr|lost_contact_case_opened1',
};

function start(emergencyChannels: MessageChannel[] = ['sms']) {
  return startEscalation({ anomaly: ANOMALY, employeeChannels: ['wecom', 'sms', 'sms'], emergencyChannels });
}

/** Applies events in order, each at its own frozen instant; returns the final state and all commands. */
function play(state: EscalationState, steps: [string, EscalationEventInput][]) {
  const commands: EscalationCommand[] = [];
  for (const [time, event] of steps) {
    const r = transition(state, event, at(time));
    commands.push(...r.commands);
    state = r.state;
  }
  return { state, commands };
}

describe('missed-punch escalation', () => {
  it('runs the whole chain when nobody answers', () => {
    let s = start();
    expect(s.phase).toBe('anomaly_detected');
    expect(due(s, at('2026-03-02 09:05'))).toBe(at('2026-03-02 09:05'));
    // Fell due while the machine was off: fires at once.
    expect(due(s, at('2026-03-02 09:30'))).toBe(at('2026-03-02 09:30'));

    let r = transition(s, { type: 'timer' }, at('2026-03-02 09:05'));
    expect(r.state.phase).toBe('employee_messaged');
    expect(r.commands).toEqual([expect.objectContaining({ type: 'send_message', id: IDS.employee, to: 'employee', channels: ['wecom', 'sms'], replyOptions: ['late', 'sick', 'on_leave', 'other'] })]);
    s = r.state;
    expect(due(s, at('2026-03-02 09:05'))).toBe(at('2026-03-02 11:05'));

    // A timer before the window is over changes nothing.
    r = transition(s, { type: 'timer' }, at('2026-03-02 11:04:59'));
    expect(r.commands).toEqual([]);
    expect(r.state).toEqual(s);

    r = transition(s, { type: 'timer' }, at('2026-03-02 11:05'));
    expect(r.state.phase).toBe('emergency_contact_notified');
    expect(r.commands.map((c) => c.id)).toEqual([IDS.emergency]);
    s = r.state;

    r = transition(s, { type: 'timer' }, at('2026-03-02 13:05'));
    expect(r.state.phase).toBe('hr_alerted');
    expect(r.commands).toEqual([expect.objectContaining({ type: 'alert_hr', id: IDS.hr, reason: 'lost_contact_case_opened', siteId: 's1', caseId: 'lost-contact|e1|2026-03-02' })]);
    expect(r.state.case).toMatchObject({ openedOn: '2026-03-02', openedAt: at('2026-03-02 13:05'), contactAttempts: [], knownReason: null });
    expect(due(r.state, at('2026-03-02 13:05'))).toBeNull();
    expect(r.state.timeline.map((t) => t.type)).toEqual(['anomaly_detected', 'message_sent', 'message_sent', 'case_opened', 'hr_alerted']);
    expect(r.state.outbox.map((c) => c.id)).toEqual([IDS.employee, IDS.emergency, IDS.hr]);
  });

  it.each([
    // the events after the anomaly, the phase reached, who resolved it
    ['employee replies "sick" within the window', [['09:05', { type: 'timer' }], ['09:40', { type: 'reply', from: 'employee', reason: 'sick', text: '发烧了' }]], 'resolved', 'employee'],
    ['emergency contact replies', [['09:05', { type: 'timer' }], ['11:05', { type: 'timer' }], ['12:00', { type: 'reply', from: 'emergency_contact', reason: 'other', text: '在医院' }]], 'resolved', 'emergency_contact'],
    ['employee punches in late', [['09:05', { type: 'timer' }], ['09:50', { type: 'punched', punchId: 'p1', at: at('2026-03-02 09:49') }]], 'resolved', 'punch'],
    ['HR knows of a business trip', [['09:05', { type: 'timer' }], ['10:00', { type: 'hr_resolve', by: 'hr1', note: '出差' }]], 'resolved', 'hr'],
  ] as [string, [string, EscalationEventInput][], string, string][])('%s', (_name, steps, phase, by) => {
    const { state, commands } = play(start(), steps.map(([t, e]) => [`2026-03-02 ${t}`, e]));
    expect(state.phase).toBe(phase);
    expect(state.resolution?.by).toBe(by);
    expect(state.case).toBeNull();
    expect(due(state, at('2026-03-02 12:00'))).toBeNull();
    // Later timers do nothing once resolved.
    const later = transition(state, { type: 'timer' }, at('2026-03-03 09:00'));
    expect(later.commands).toEqual([]);
    expect(commands.some((c) => c.type === 'alert_hr')).toBe(false);
  });

  it('without an emergency contact on file, goes from the employee straight to HR', () => {
    const { state, commands } = play(start([]), [['2026-03-02 09:05', { type: 'timer' }], ['2026-03-02 11:05', { type: 'timer' }]]);
    expect(state.phase).toBe('hr_alerted');
    expect(commands.map((c) => c.id)).toEqual([IDS.employee, IDS.hr]);
    expect(state.timeline).toContainEqual({ type: 'no_channel', at: at('2026-03-02 11:05'), to: 'emergency_contact' });
  });

  it('a timer firing late after downtime moves one step and gives the next window in full', () => {
    const r = transition(start(), { type: 'timer' }, at('2026-03-02 15:00'));
    expect(r.state.phase).toBe('employee_messaged');
    expect(due(r.state, at('2026-03-02 15:00'))).toBe(at('2026-03-02 17:00'));
  });

  it('a reply after the case opened keeps the case open and alerts HR each time', () => {
    const opened = play(start(), [['2026-03-02 09:05', { type: 'timer' }], ['2026-03-02 11:05', { type: 'timer' }], ['2026-03-02 13:05', { type: 'timer' }]]).state;
    const { state, commands } = play(opened, [
      ['2026-03-05 10:00', { type: 'reply', from: 'emergency_contact', reason: 'other', text: '联系不上他' }],
      ['2026-03-06 10:00', { type: 'reply', from: 'emergency_contact', reason: 'other', text: '还是联系不上' }],
    ]);
    expect(state.phase).toBe('hr_alerted');
    expect(commands.map((c) => c.id)).toEqual(['anomaly|e1|2026-03-02|hr|reply_after_case_opened1', 'anomaly|e1|2026-03-02|hr|reply_after_case_opened2']);
    expect(state.timeline.filter((t) => t.type === 'reply')).toHaveLength(2);
  });

  describe('the lost-contact case', () => {
    const opened = () => play(start(), [['2026-03-02 09:05', { type: 'timer' }], ['2026-03-02 11:05', { type: 'timer' }], ['2026-03-02 13:05', { type: 'timer' }]]).state;
    const attempt: EscalationEventInput = { type: 'record_contact_attempt', by: 'hr1', method: 'phone', reached: false, note: '关机' };
    const reason: EscalationEventInput = { type: 'record_known_reason', by: 'hr1', reason: '家属称被困传销组织' };

    it.each([
      ['nothing recorded', [], false],
      ['a contact attempt only', [attempt], false],
      ['a known reason only', [reason], false],
      ['a contact attempt and a known reason', [attempt, reason], true],
      ['a known reason then a contact attempt', [reason, attempt], true],
    ] as [string, EscalationEventInput[], boolean][])('dismissal may start after %s: %s', (_n, events, allowed) => {
      const { state } = play(opened(), events.map((e, i) => [`2026-03-0${3 + i} 10:00`, e]));
      expect(canStartAbsenteeismDismissal(state.case)).toBe(allowed);
      const close = () => transition(state, { type: 'close_case', by: 'hr1', outcome: 'dismissal_started' }, at('2026-03-10 10:00'));
      if (allowed) expect(close().state).toMatchObject({ phase: 'closed', case: { outcome: 'dismissal_started' } });
      else expect(close).toThrow(RenshiError);
    });

    it('never moves towards dismissal by itself, however long time runs', () => {
      let s = opened();
      for (let day = 3; day <= 31; day++) s = transition(s, { type: 'timer' }, at(`2026-03-${String(day).padStart(2, '0')} 10:00`)).state;
      expect(s.phase).toBe('hr_alerted');
      expect(s.case).toMatchObject({ closedAt: null, outcome: null });
      expect(canStartAbsenteeismDismissal(s.case)).toBe(false);
    });

    it('keeps every attempt and reason on the timeline', () => {
      const { state } = play(opened(), [['2026-03-03 10:00', attempt], ['2026-03-04 10:00', { ...attempt, method: 'visit', note: '上门未见' } as EscalationEventInput], ['2026-04-01 09:00', reason], ['2026-04-02 09:00', { type: 'close_case', by: 'hr1', outcome: 'returned', note: '本人返岗' }]]);
      expect(state.case?.contactAttempts.map((a) => a.method)).toEqual(['phone', 'visit']);
      expect(state.timeline.slice(-4).map((t) => t.type)).toEqual(['contact_attempt', 'contact_attempt', 'known_reason', 'case_closed']);
      expect(canStartAbsenteeismDismissal(state.case)).toBe(false);
    });

    it('refuses case actions when no case is open, and bad events', () => {
      expect(() => transition(start(), attempt, at('2026-03-02 10:00'))).toThrow(/no open lost-contact case/);
      const closed = transition(opened(), { type: 'close_case', by: 'hr1', outcome: 'returned' }, at('2026-03-20 10:00')).state;
      expect(() => transition(closed, reason, at('2026-03-21 10:00'))).toThrow(RenshiError);
      expect(() => transition(opened(), { type: 'hr_resolve', by: 'hr1', note: 'x' }, at('2026-03-03 10:00'))).toThrow(/close the case/);
      expect(() => transition(start(), { type: 'reply', from: 'boss', reason: 'late' } as unknown as EscalationEventInput, at('2026-03-02 10:00'))).toThrow();
      expect(() => transition(opened(), { type: 'record_known_reason', by: 'hr1', reason: '' }, at('2026-03-03 10:00'))).toThrow();
    });

    it('absence days while the case is open are contact pending, not absenteeism', () => {
      const s = opened();
      expect([...contactPendingDates([s], 'e1', '2026-03-05')]).toEqual(['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05']);
      expect(contactPendingDates([s], 'e2', '2026-03-05').size).toBe(0);
      const closed = transition(s, { type: 'close_case', by: 'hr1', outcome: 'returned' }, at('2026-03-04 16:00')).state;
      const pending = contactPendingDates([closed], 'e1', '2026-03-31');
      expect([...pending]).toEqual(['2026-03-02', '2026-03-03', '2026-03-04']);
      const days = computeAttendanceRange({ employeeId: 'e1', schedule: daySchedule, calendar, punches: [], leaves: [], corrections: [], contactPendingDates: pending, now: at('2026-03-31 23:00') }, '2026-03-02', '2026-03-06');
      expect(days.map((d) => d.status)).toEqual(['absent_contact_pending', 'absent_contact_pending', 'absent_contact_pending', 'absent', 'absent']);
    });
  });
});

/**
 * Restart safety: a runner that persists the state as JSON, performs the outbox on channels that drop a
 * message id they already delivered, then acknowledges. A crash is injected at every point of every step;
 * after the restart the runner performs the persisted outbox and the timer goes on. Whatever the crash,
 * each message is delivered exactly once and none is skipped.
 */
describe('escalation restart safety', () => {
  type Crash = 'before_save' | 'after_save' | 'after_send' | null;
  const TIMERS = ['2026-03-02 09:05', '2026-03-02 11:05', '2026-03-02 13:05', '2026-03-02 15:05'];

  class Channels {
    readonly delivered: string[] = [];
    send(c: EscalationCommand) {
      if (!this.delivered.includes(c.id)) this.delivered.push(c.id);
    }
  }

  function run(crashAt: number, crash: Crash) {
    const channels = new Channels();
    let saved = JSON.stringify(start());
    const load = () => EscalationState.parse(JSON.parse(saved));
    const issuedFromSaved: string[] = [];

    const step = (time: string, inject: Crash) => {
      const before = load();
      const { state, commands } = transition(before, { type: 'timer' }, at(time));
      // Never issues a command id the persisted state already issued.
      for (const c of commands) expect(before.issuedCommandIds).not.toContain(c.id);
      issuedFromSaved.push(...commands.map((c) => c.id));
      if (inject === 'before_save') return;
      saved = JSON.stringify(state);
      if (inject === 'after_save') return;
      for (const c of state.outbox) channels.send(c);
      if (inject === 'after_send') return;
      saved = JSON.stringify(transition(state, { type: 'commands_done', ids: state.outbox.map((c) => c.id) }, at(time)).state);
    };
    const restart = (time: string) => {
      const s = load();
      for (const c of s.outbox) channels.send(c);
      saved = JSON.stringify(transition(s, { type: 'commands_done', ids: s.outbox.map((c) => c.id) }, at(time)).state);
    };

    // The timer fires at the due times; after the crash the process restarts a minute later, and from
    // then on each timer fires when `due` says.
    let now = at(TIMERS[0]!);
    for (let i = 0; i < 6; i++) {
      const time = new Date(now + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
      step(time, i === crashAt ? crash : null);
      if (i === crashAt) restart(time);
      const next = due(load(), now + 60_000);
      if (next === null) break;
      now = next;
    }
    return { state: load(), delivered: channels.delivered, issuedFromSaved };
  }

  const reference = run(-1, null);
  it('the reference run delivers the three messages in order', () => {
    expect(reference.delivered).toEqual([IDS.employee, IDS.emergency, IDS.hr]);
    expect(reference.state).toMatchObject({ phase: 'hr_alerted', outbox: [] });
  });

  const crashes: [number, Crash][] = [];
  for (let i = 0; i < 3; i++) for (const c of ['before_save', 'after_save', 'after_send'] as const) crashes.push([i, c]);
  it.each(crashes)('crash at step %i (%s): no message twice, none skipped', (i, crash) => {
    const r = run(i, crash);
    expect(r.delivered).toEqual(reference.delivered);
    expect(r.state.phase).toBe('hr_alerted');
    expect(r.state.outbox).toEqual([]);
    expect(r.state.issuedCommandIds).toEqual([IDS.employee, IDS.emergency, IDS.hr]);
    // Only a crash before saving makes the machine derive a command again, and then with the same id.
    const reissued = r.issuedFromSaved.length - new Set(r.issuedFromSaved).size;
    expect(reissued).toBe(crash === 'before_save' ? 1 : 0);
  });
});
