import { z } from 'zod';
import { RenshiError } from '../errors.ts';
import { EpochMs, Id, LocalDate } from '../schemas/common.ts';
import { addDays, localDateOf } from '../time.ts';

/**
 * The missed-punch escalation chain (story 1) as one pure state machine; see missed-punch-escalation.md for
 * the diagram. Timers, message channels and storage wrap it:
 *
 *  - `startEscalation(anomaly)` creates the state; `transition(state, event, now)` returns the next state and
 *    the side-effect commands to perform; `due(state, now)` says when the timer should next deliver a `timer`
 *    event (null: nothing scheduled).
 *  - Restart safety: every command has a deterministic id derived from the anomaly (`<anomalyId>|employee|
 *    attempt1` …) and is kept in `state.outbox` until a `commands_done` event acknowledges it. The runner
 *    persists the state after each transition, performs the outbox, then acknowledges. A crash before the
 *    state was saved re-runs the same transition and yields the same ids (the channels drop a message id they
 *    already sent); a crash after saving finds the command still in the outbox. So nothing is sent twice and
 *    nothing is skipped. A timer firing late (the machine was off) moves one step only, and the next window
 *    runs from when the step really happened, so every recipient always gets a full window to reply.
 *  - A lost-contact case (失联) opens when HR is alerted. Absence days while it is open are "unexplained,
 *    contact pending", never absenteeism (旷工) by themselves. Dismissal for absenteeism can only be started
 *    by HR closing the case that way, and only once a contact attempt and a known reason are on file.
 */

export const MessageChannel = z.enum(['in_app', 'wecom', 'sms', 'email']);
export type MessageChannel = z.infer<typeof MessageChannel>;
export const ReplyReason = z.enum(['late', 'sick', 'on_leave', 'other']);
export type ReplyReason = z.infer<typeof ReplyReason>;
export const ContactMethod = z.enum(['phone', 'visit', 'sms', 'wecom', 'email', 'letter', 'other']);
export const CaseOutcome = z.enum(['returned', 'reason_confirmed', 'dismissal_started', 'other']);
export type CaseOutcome = z.infer<typeof CaseOutcome>;

export const EscalationPhase = z.enum(['anomaly_detected', 'employee_messaged', 'emergency_contact_notified', 'hr_alerted', 'resolved', 'closed']);
export type EscalationPhase = z.infer<typeof EscalationPhase>;

const Text = z.string().max(1000);
const Actor = z.string().trim().min(1).max(100);

export const EscalationCommand = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('send_message'),
    id: Id.max(200),
    to: z.enum(['employee', 'emergency_contact']),
    channels: z.array(MessageChannel).min(1),
    template: z.enum(['attendance_anomaly_employee', 'attendance_anomaly_emergency_contact']),
    anomalyId: Id,
    employeeId: Id,
    date: LocalDate,
    /** The answers the reply link offers. */
    replyOptions: z.array(ReplyReason),
  }),
  z.object({
    type: z.literal('alert_hr'),
    id: Id.max(200),
    reason: z.enum(['lost_contact_case_opened', 'reply_after_case_opened', 'punch_after_case_opened']),
    siteId: Id,
    anomalyId: Id,
    employeeId: Id,
    caseId: Id.max(200),
  }),
]);
export type EscalationCommand = z.infer<typeof EscalationCommand>;

export const TimelineEntry = z.discriminatedUnion('type', [
  z.object({ type: z.literal('anomaly_detected'), at: EpochMs }),
  z.object({ type: z.literal('message_sent'), at: EpochMs, to: z.enum(['employee', 'emergency_contact']), channels: z.array(MessageChannel), commandId: Id.max(200) }),
  z.object({ type: z.literal('no_channel'), at: EpochMs, to: z.enum(['employee', 'emergency_contact']) }),
  z.object({ type: z.literal('reply'), at: EpochMs, from: z.enum(['employee', 'emergency_contact']), reason: ReplyReason, text: Text }),
  z.object({ type: z.literal('punched'), at: EpochMs, punchId: Id, punchAt: EpochMs }),
  z.object({ type: z.literal('hr_alerted'), at: EpochMs, commandId: Id.max(200) }),
  z.object({ type: z.literal('case_opened'), at: EpochMs, caseId: Id.max(200) }),
  z.object({ type: z.literal('contact_attempt'), at: EpochMs, by: Actor, method: ContactMethod, reached: z.boolean(), note: Text }),
  z.object({ type: z.literal('known_reason'), at: EpochMs, by: Actor, reason: Text }),
  z.object({ type: z.literal('resolved'), at: EpochMs, by: z.enum(['employee', 'emergency_contact', 'punch', 'hr']), note: Text }),
  z.object({ type: z.literal('case_closed'), at: EpochMs, by: Actor, outcome: CaseOutcome, note: Text }),
]);
export type TimelineEntry = z.infer<typeof TimelineEntry>;

export const ContactAttempt = z.object({ at: EpochMs, by: Actor, method: ContactMethod, reached: z.boolean(), note: Text });

export const LostContactCase = z.object({
  id: Id.max(200),
  employeeId: Id,
  /** The first day of the unexplained absence. */
  openedOn: LocalDate,
  openedAt: EpochMs,
  contactAttempts: z.array(ContactAttempt),
  knownReason: z.object({ at: EpochMs, by: Actor, reason: Text.min(1) }).nullable(),
  closedAt: EpochMs.nullable(),
  outcome: CaseOutcome.nullable(),
});
export type LostContactCase = z.infer<typeof LostContactCase>;

export const EscalationState = z.object({
  anomalyId: Id,
  employeeId: Id,
  siteId: Id,
  date: LocalDate,
  windowMinutes: z.number().int().min(1).max(24 * 60),
  /** Channels configured for the employee, and for their emergency contact (empty: none on file). */
  employeeChannels: z.array(MessageChannel),
  emergencyChannels: z.array(MessageChannel),
  phase: EscalationPhase,
  /** When the current phase began: the windows are measured from here. */
  phaseSince: EpochMs,
  case: LostContactCase.nullable(),
  resolution: z.object({ at: EpochMs, by: z.enum(['employee', 'emergency_contact', 'punch', 'hr']), reason: ReplyReason.nullable(), note: Text }).nullable(),
  timeline: z.array(TimelineEntry),
  /** Commands issued and not yet acknowledged as performed. */
  outbox: z.array(EscalationCommand),
  /** Every command id ever issued: a transition never issues one twice. */
  issuedCommandIds: z.array(Id.max(200)),
});
export type EscalationState = z.infer<typeof EscalationState>;

export const EscalationEvent = z.discriminatedUnion('type', [
  /** The timer fired: moves on if `due(state)` has passed, does nothing otherwise. */
  z.object({ type: z.literal('timer') }),
  z.object({ type: z.literal('commands_done'), ids: z.array(Id.max(200)) }),
  z.object({ type: z.literal('reply'), from: z.enum(['employee', 'emergency_contact']), reason: ReplyReason, text: Text.default('') }),
  z.object({ type: z.literal('punched'), punchId: Id, at: EpochMs }),
  /** HR settles the anomaly before a case exists (e.g. a business trip nobody recorded). */
  z.object({ type: z.literal('hr_resolve'), by: Actor, note: Text.min(1) }),
  z.object({ type: z.literal('record_contact_attempt'), by: Actor, method: ContactMethod, reached: z.boolean(), note: Text.default('') }),
  z.object({ type: z.literal('record_known_reason'), by: Actor, reason: Text.min(1) }),
  z.object({ type: z.literal('close_case'), by: Actor, outcome: CaseOutcome, note: Text.default('') }),
]);
export type EscalationEvent = z.infer<typeof EscalationEvent>;
export type EscalationEventInput = z.input<typeof EscalationEvent>;

export interface EscalationStart {
  anomaly: { id: string; employeeId: string; siteId: string; date: string; detectedAt: number; escalationWindowMinutes: number };
  employeeChannels: MessageChannel[];
  emergencyChannels: MessageChannel[];
}

export function startEscalation({ anomaly, employeeChannels, emergencyChannels }: EscalationStart): EscalationState {
  return EscalationState.parse({
    anomalyId: anomaly.id,
    employeeId: anomaly.employeeId,
    siteId: anomaly.siteId,
    date: anomaly.date,
    windowMinutes: anomaly.escalationWindowMinutes,
    employeeChannels: dedupe(employeeChannels),
    emergencyChannels: dedupe(emergencyChannels),
    phase: 'anomaly_detected',
    phaseSince: anomaly.detectedAt,
    case: null,
    resolution: null,
    timeline: [{ type: 'anomaly_detected', at: anomaly.detectedAt }],
    outbox: [],
    issuedCommandIds: [],
  });
}

export function lostContactCaseId(employeeId: string, date: string): string {
  return `lost-contact|${employeeId}|${date}`;
}

/**
 * When the timer should next deliver a `timer` event, or null when the chain waits only for people. Never
 * earlier than `now`: a step that fell due while the machine was off fires at once.
 */
export function due(state: EscalationState, now: number): number | null {
  const at = dueAt(state);
  return at === null ? null : Math.max(at, now);
}

function dueAt(state: EscalationState): number | null {
  switch (state.phase) {
    case 'anomaly_detected':
      return state.phaseSince;
    case 'employee_messaged':
    case 'emergency_contact_notified':
      return state.phaseSince + state.windowMinutes * 60_000;
    default:
      return null;
  }
}

export interface TransitionResult {
  state: EscalationState;
  /** Commands newly issued by this transition (also added to `state.outbox`). */
  commands: EscalationCommand[];
}

/** The chain is running: a timer or a reply moves it on. */
export const OPEN_PHASES = ['anomaly_detected', 'employee_messaged', 'emergency_contact_notified'] as const satisfies readonly EscalationPhase[];
/** Phases in which replies and punches still matter (the chain is running, or a case is open). */
export const LIVE_PHASES = [...OPEN_PHASES, 'hr_alerted'] as const satisfies readonly EscalationPhase[];
const isOpen = (p: EscalationPhase) => (OPEN_PHASES as readonly EscalationPhase[]).includes(p);

export function transition(state: EscalationState, input: EscalationEventInput, now: number): TransitionResult {
  const event = EscalationEvent.parse(input);
  const s: EscalationState = structuredClone(state);
  const issued: EscalationCommand[] = [];
  const issue = (c: EscalationCommand) => {
    if (s.issuedCommandIds.includes(c.id)) return;
    s.issuedCommandIds.push(c.id);
    s.outbox.push(c);
    issued.push(c);
  };
  const enter = (phase: EscalationPhase) => {
    s.phase = phase;
    s.phaseSince = now;
  };

  switch (event.type) {
    case 'timer': {
      const at = dueAt(s);
      if (at === null || now < at) break;
      if (s.phase === 'anomaly_detected') {
        enter('employee_messaged');
        sendMessage(s, 'employee', now, issue);
      } else if (s.phase === 'employee_messaged') {
        if (s.emergencyChannels.length > 0) {
          enter('emergency_contact_notified');
          sendMessage(s, 'emergency_contact', now, issue);
        } else {
          // No emergency contact on file: say so on the timeline and go straight to HR.
          s.timeline.push({ type: 'no_channel', at: now, to: 'emergency_contact' });
          openCase(s, now, enter, issue);
        }
      } else if (s.phase === 'emergency_contact_notified') {
        openCase(s, now, enter, issue);
      }
      break;
    }
    case 'commands_done':
      s.outbox = s.outbox.filter((c) => !event.ids.includes(c.id));
      break;
    case 'reply':
      s.timeline.push({ type: 'reply', at: now, from: event.from, reason: event.reason, text: event.text });
      if (isOpen(s.phase)) {
        enter('resolved');
        s.resolution = { at: now, by: event.from, reason: event.reason, note: event.text };
        s.timeline.push({ type: 'resolved', at: now, by: event.from, note: event.text });
      } else if (s.phase === 'hr_alerted') {
        // The case stays open: HR decides what the reply means and closes it.
        issue(hrAlert(s, 'reply_after_case_opened', countOf(s, 'reply')));
      }
      break;
    case 'punched':
      s.timeline.push({ type: 'punched', at: now, punchId: event.punchId, punchAt: event.at });
      if (isOpen(s.phase)) {
        enter('resolved');
        s.resolution = { at: now, by: 'punch', reason: 'late', note: '' };
        s.timeline.push({ type: 'resolved', at: now, by: 'punch', note: '' });
      } else if (s.phase === 'hr_alerted') {
        issue(hrAlert(s, 'punch_after_case_opened', countOf(s, 'punched')));
      }
      break;
    case 'hr_resolve':
      if (!isOpen(s.phase)) throw new RenshiError('conflict', `escalation ${s.anomalyId} is ${s.phase}: close the case instead`);
      enter('resolved');
      s.resolution = { at: now, by: 'hr', reason: null, note: event.note };
      s.timeline.push({ type: 'resolved', at: now, by: 'hr', note: `${event.by}: ${event.note}` });
      break;
    case 'record_contact_attempt': {
      const c = openCaseOf(s);
      const attempt = { at: now, by: event.by, method: event.method, reached: event.reached, note: event.note };
      c.contactAttempts.push(attempt);
      s.timeline.push({ type: 'contact_attempt', ...attempt });
      break;
    }
    case 'record_known_reason': {
      const c = openCaseOf(s);
      c.knownReason = { at: now, by: event.by, reason: event.reason };
      s.timeline.push({ type: 'known_reason', at: now, by: event.by, reason: event.reason });
      break;
    }
    case 'close_case': {
      const c = openCaseOf(s);
      if (event.outcome === 'dismissal_started' && !canStartAbsenteeismDismissal(c)) {
        throw new RenshiError('conflict', 'dismissal for absenteeism needs at least one recorded contact attempt and a known reason');
      }
      c.closedAt = now;
      c.outcome = event.outcome;
      enter('closed');
      s.timeline.push({ type: 'case_closed', at: now, by: event.by, outcome: event.outcome, note: event.note });
      break;
    }
  }
  return { state: s, commands: issued };
}

/** How long before the expected start a punch still counts (someone who came early is not missing). */
export const EARLY_PUNCH_MS = 2 * 3_600_000;

/**
 * The punch that the chain should hear about next, of `punches` in time order: while it runs, the first one
 * from two hours before the expected start on ends it; once a case is open, the first one after the case
 * opened goes on the timeline (and alerts HR). Null when there is none it has not seen.
 */
export function punchForChain<P extends { id: string; at: number }>(state: EscalationState, expectedAt: number, punches: readonly P[]): P | null {
  const seen = new Set(state.timeline.flatMap((t) => (t.type === 'punched' ? [t.punchId] : [])));
  const caseOpenedAt = state.case?.openedAt ?? null;
  return punches.find((p) => !seen.has(p.id) && p.at >= expectedAt - EARLY_PUNCH_MS && (caseOpenedAt === null || (p.at >= caseOpenedAt && seen.size === 0))) ?? null;
}

/**
 * True only when HR may start a dismissal for absenteeism from this case: it is open, at least one contact
 * attempt is recorded and the reason for the absence is known. The machine never acts on this by itself.
 */
export function canStartAbsenteeismDismissal(c: LostContactCase | null): boolean {
  return c !== null && c.closedAt === null && c.contactAttempts.length > 0 && c.knownReason !== null;
}

/**
 * The dates on which the employee's absence counts as "contact pending" for attendance: from the first
 * day of each lost-contact case up to the day it closed, or up to `until` while still open.
 */
export function contactPendingDates(states: readonly EscalationState[], employeeId: string, until: string): Set<string> {
  const dates = new Set<string>();
  for (const s of states) {
    const c = s.case;
    if (!c || c.employeeId !== employeeId) continue;
    const last = c.closedAt !== null ? localDateOf(c.closedAt) : until;
    for (let d = c.openedOn; d <= last; d = addDays(d, 1)) dates.add(d);
  }
  return dates;
}

function sendMessage(s: EscalationState, to: 'employee' | 'emergency_contact', now: number, issue: (c: EscalationCommand) => void): void {
  const channels = to === 'employee' ? s.employeeChannels : s.emergencyChannels;
  if (channels.length === 0) {
    s.timeline.push({ type: 'no_channel', at: now, to });
    return;
  }
  const id = `${s.anomalyId}|${to === 'employee' ? 'employee' : 'emergency'}|attempt1`;
  issue({
    type: 'send_message',
    id,
    to,
    channels,
    template: to === 'employee' ? 'attendance_anomaly_employee' : 'attendance_anomaly_emergency_contact',
    anomalyId: s.anomalyId,
    employeeId: s.employeeId,
    date: s.date,
    replyOptions: ReplyReason.options,
  });
  s.timeline.push({ type: 'message_sent', at: now, to, channels, commandId: id });
}

function openCase(s: EscalationState, now: number, enter: (p: EscalationPhase) => void, issue: (c: EscalationCommand) => void): void {
  enter('hr_alerted');
  s.case = { id: lostContactCaseId(s.employeeId, s.date), employeeId: s.employeeId, openedOn: s.date, openedAt: now, contactAttempts: [], knownReason: null, closedAt: null, outcome: null };
  s.timeline.push({ type: 'case_opened', at: now, caseId: s.case.id });
  const alert = hrAlert(s, 'lost_contact_case_opened', 1);
  issue(alert);
  s.timeline.push({ type: 'hr_alerted', at: now, commandId: alert.id });
}

function hrAlert(s: EscalationState, reason: 'lost_contact_case_opened' | 'reply_after_case_opened' | 'punch_after_case_opened', n: number): EscalationCommand {
  return { type: 'alert_hr', id: `${s.anomalyId}|hr|${reason}${n}`, reason, siteId: s.siteId, anomalyId: s.anomalyId, employeeId: s.employeeId, caseId: s.case!.id };
}

function countOf(s: EscalationState, type: TimelineEntry['type']): number {
  return s.timeline.filter((t) => t.type === type).length;
}

function openCaseOf(s: EscalationState): LostContactCase {
  if (!s.case || s.case.closedAt !== null) throw new RenshiError('conflict', `escalation ${s.anomalyId} has no open lost-contact case`);
  return s.case;
}

function dedupe<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}
