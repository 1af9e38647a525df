import type { AttendanceAnomaly } from '../attendance/anomalies.ts';
import { escalationDoc, stateOf, type EscalationDoc } from './escalation-doc.ts';
import { due, LIVE_PHASES, punchForChain, startEscalation, transition, type EscalationCommand, type EscalationState, type MessageChannel } from './missed-punch-escalation.ts';

/**
 * The missed-punch chain run on a site terminal while the sync server is out of reach (story 1: "timers run
 * on the server when it is reachable and on the terminal when offline").
 *
 * The terminal cannot reach WeCom, the SMS gateway or mail, but it has the site's people: its one channel is
 * `in_app`, this terminal's own screen and OS notifications, where each message becomes a task for the site
 * admin ("phone Zhang San now"). Chains use the same deterministic ids as the server's, so when the
 * terminal's copies replicate, the server merges them into its own run (mergeEscalationStates) and nothing
 * is started or sent twice.
 *
 * The terminal never acknowledges a command: showing it locally does not deliver it to anyone off site, so it
 * stays in the outbox for the server, which performs what it can (an HR alert in HR's inbox; a message on a
 * channel it has) and acknowledges. Locally each command is shown once (the caller remembers what it showed).
 */
export const TERMINAL_CHANNELS: readonly MessageChannel[] = ['in_app'];

/** How long the server must have been unreachable before the terminal runs the chains itself. */
export const DEFAULT_TAKEOVER_MS = 10 * 60_000;

export type PunchSeen = { id: string; at: number };

export type TerminalStepInput = {
  now: number;
  /** Anomalies the rule finds on this terminal's data right now (findAnomalies, skipping employees with an open case). */
  anomalies: readonly AttendanceAnomaly[];
  /** The chains this terminal holds (its own and those replicated from the server). */
  chains: readonly EscalationDoc[];
  /** Punches per employee since two hours before the earliest expected start of a running chain. */
  punchesOf: (employeeId: string) => readonly PunchSeen[];
};

export type TerminalStepResult = {
  /** New or changed chains to store. */
  changed: EscalationDoc[];
  /** Commands waiting in the outbox of any running chain, to show on this terminal (each once). */
  toShow: { chain: EscalationDoc; command: EscalationCommand }[];
};


export function terminalEscalationStep({ now, anomalies, chains, punchesOf }: TerminalStepInput): TerminalStepResult {
  const byId = new Map(chains.map((c) => [c.id, c]));
  const changed = new Map<string, EscalationDoc>();
  for (const a of anomalies) {
    if (byId.has(a.id)) continue;
    const state = startEscalation({ anomaly: a, employeeChannels: [...TERMINAL_CHANNELS], emergencyChannels: [...TERMINAL_CHANNELS] });
    const doc = escalationDoc(state, a.expectedAt, now);
    byId.set(doc.id, doc);
    changed.set(doc.id, doc);
  }
  for (const doc of byId.values()) {
    let state: EscalationState = stateOf(doc);
    const before = state;
    if ((LIVE_PHASES as readonly string[]).includes(state.phase)) state = applyPunch(state, doc.expectedAt, punchesOf(state.employeeId), now);
    const at = due(state, now);
    if (at !== null && at <= now) state = transition(state, { type: 'timer' }, now).state;
    if (state !== before) changed.set(doc.id, escalationDoc(state, doc.expectedAt, now));
  }
  const toShow = [...byId.values()].map((d) => changed.get(d.id) ?? d).flatMap((chain) => chain.outbox.map((command) => ({ chain, command })));
  return { changed: [...changed.values()], toShow };
}

/** As on the server (punchForChain), over the punches this terminal holds up to now. */
function applyPunch(state: EscalationState, expectedAt: number, punches: readonly PunchSeen[], now: number): EscalationState {
  const inOrder = punches.filter((p) => p.at <= now).sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
  const punch = punchForChain(state, expectedAt, inOrder);
  return punch ? transition(state, { type: 'punched', punchId: punch.id, at: punch.at }, now).state : state;
}
