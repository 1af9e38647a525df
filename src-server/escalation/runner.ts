import { findAnomalies } from '#shared/attendance/anomalies';
import {
  due,
  EARLY_PUNCH_MS,
  LIVE_PHASES,
  OPEN_PHASES,
  punchForChain,
  startEscalation,
  transition,
  type EscalationCommand,
  type EscalationEventInput,
  type EscalationState,
} from '#shared/escalation/missed-punch-escalation';
import { addDays, localDateOf } from '#shared/time';
import { RenshiError } from '#shared/errors';
import type { Database } from '../db/database.ts';
import type { Notifier } from '../notifications/notifier.ts';
import { signReplyToken } from '../notifications/reply-token.ts';
import { addressesFor, alertText, emergencyChannels, employeeChannels, messageText } from './messages.ts';
import { escalationRepository } from './repository.ts';
import { syncedRecords } from './synced-records.ts';

/**
 * The timer and I/O around the pure escalation machine (src-shared/escalation). Each escalation's state is
 * one JSON row; every step is "load, transition, save if nobody saved since" (a version check, retried),
 * and no network call ever happens inside a transaction.
 *
 * One tick: start escalations for new anomalies; feed in replies and punches that arrived; then for each
 * escalation with a timer due or commands waiting: apply `timer` and save (the commands are now in the
 * persisted outbox), perform every outbox command through the notifier (idempotent per deterministic
 * delivery id), and acknowledge the performed ones with `commands_done`. A crash before the first save
 * re-runs the same transition with the same ids; a crash after it finds the commands in the outbox; a crash
 * after sending finds the deliveries already sent. So nothing is sent twice and nothing is skipped.
 */
export type RunnerOptions = {
  db: Database;
  notifier: Notifier;
  secret: Buffer;
  publicUrl: () => string;
  replyTtlMs: number;
  clock?: () => number;
  log?: (message: string, err?: unknown) => void;
};

export type TickResult = { started: string[]; processed: string[]; failed: { anomalyId: string; error: string }[] };

const MAX_SAVE_ATTEMPTS = 8;

export function escalationRunner({ db, notifier, secret, publicUrl, replyTtlMs, clock = Date.now, log = () => undefined }: RunnerOptions) {
  const repo = escalationRepository(db);
  const records = syncedRecords(db);

  /** Applies events to the stored state until the save sticks; null when there is no such escalation. */
  const update = async (anomalyId: string, events: (state: EscalationState) => { event: EscalationEventInput; at?: number }[]): Promise<EscalationState | null> => {
    for (let attempt = 0; attempt < MAX_SAVE_ATTEMPTS; attempt++) {
      const stored = await repo.load(anomalyId);
      if (!stored) return null;
      const todo = events(stored.state);
      if (!todo.length) return stored.state;
      let state = stored.state;
      for (const { event, at } of todo) state = transition(state, event, at ?? clock()).state;
      if (await repo.save(state, stored.version, clock())) return state;
    }
    throw new RenshiError('conflict', `escalation ${anomalyId} kept changing under us; try again`);
  };

  const link = (deliveryId: string) => `${publicUrl().replace(/\/$/, '')}/reply/${signReplyToken(secret, deliveryId, clock() + replyTtlMs)}`;

  /** Performs one command; true once every delivery of it has a final outcome (sent, or failed for good). */
  const perform = async (state: EscalationState, command: EscalationCommand): Promise<boolean> => {
    const employee = await records.employee(command.employeeId);
    const name = employee?.name ?? command.employeeId;
    if (command.type === 'alert_hr') {
      await repo.insertAlert({ id: command.id, anomalyId: command.anomalyId, caseId: command.caseId, employeeId: command.employeeId, siteId: command.siteId, reason: command.reason, now: clock() });
      const { subject, text } = alertText(command, name, state.date);
      const outcome = await notifier.deliver({
        id: `${command.id}|in_app`,
        logicalId: command.id,
        channel: 'in_app',
        recipient: 'hr',
        recipientKind: 'hr',
        siteId: command.siteId,
        subject,
        text,
        link: null,
        linkLabel: '',
        context: { anomalyId: command.anomalyId, caseId: command.caseId, reason: command.reason },
      });
      return outcome.final;
    }
    // The employee record is gone (deleted since): nobody to message; the timeline already shows the attempt.
    if (!employee) return true;
    let allFinal = true;
    for (const address of addressesFor(command, employee)) {
      const id = `${command.id}|${address.suffix}`;
      const { subject, text } = messageText(command, employee, address.greeting);
      const outcome = await notifier.deliver({
        id,
        logicalId: command.id,
        channel: address.channel,
        recipient: address.to,
        recipientKind: command.to,
        siteId: state.siteId,
        subject,
        text,
        link: link(id),
        linkLabel: '回复',
        context: { anomalyId: command.anomalyId, from: command.to },
      });
      allFinal &&= outcome.final;
    }
    return allFinal;
  };

  /** Timer, outbox, acknowledgement for one escalation. */
  const processOne = async (anomalyId: string): Promise<void> => {
    const now = clock();
    const state = await update(anomalyId, (s) => {
      const at = due(s, now);
      return at !== null && at <= now ? [{ event: { type: 'timer' } }] : [];
    });
    if (!state || !state.outbox.length) return;
    const done: string[] = [];
    for (const command of state.outbox) {
      try {
        if (await perform(state, command)) done.push(command.id);
      } catch (err) {
        log(`escalation ${anomalyId}: command ${command.id} failed, will retry`, err);
      }
    }
    if (done.length) await update(anomalyId, () => [{ event: { type: 'commands_done', ids: done } }]);
  };

  /** Replies stored by the reply pages that the machine has not seen yet (the page applies them at once; this catches up after a failure). */
  const replyEvents = async (state: EscalationState): Promise<{ event: EscalationEventInput; at: number }[]> => {
    const events: { event: EscalationEventInput; at: number }[] = [];
    for (const entry of state.timeline) {
      if (entry.type !== 'message_sent') continue;
      if (state.timeline.some((t) => t.type === 'reply' && t.from === entry.to)) continue;
      const reply = await notifier.replyTo(entry.commandId);
      if (reply) events.push({ event: { type: 'reply', from: entry.to, reason: reply.reason as 'other', text: reply.text }, at: Math.max(reply.at, state.phaseSince) });
    }
    return events;
  };

  const applyReplies = async (anomalyId: string): Promise<void> => {
    const stored = await repo.load(anomalyId);
    if (!stored || !(LIVE_PHASES as readonly string[]).includes(stored.state.phase)) return;
    const pending = await replyEvents(stored.state);
    if (!pending.length) return;
    await update(anomalyId, (s) => unseenReplies(s, pending));
    await processOne(anomalyId);
  };

  /**
   * A punch from the expected start on (two hours early counts: someone who came early and forgot nothing
   * else is not missing) ends a running chain; once a case is open, the first punch after it alerts HR.
   */
  const sweepPunches = async (): Promise<string[]> => {
    const live = await repo.live();
    if (!live.length) return [];
    const employees = await Promise.all([...new Set(live.map((l) => l.state.employeeId))].map((id) => records.employee(id)));
    const since = Math.min(...live.map((l) => l.expectedAt)) - EARLY_PUNCH_MS;
    const byEmployee = await records.punchesOf(employees.filter((e) => e !== null), since);
    const touched: string[] = [];
    for (const { state, expectedAt } of live) {
      const punch = punchForChain(state, expectedAt, byEmployee.get(state.employeeId) ?? []);
      if (!punch) continue;
      await update(state.anomalyId, (s) => (s.timeline.some((t) => t.type === 'punched' && t.punchId === punch.id) ? [] : [{ event: { type: 'punched', punchId: punch.id, at: punch.at } }]));
      touched.push(state.anomalyId);
    }
    return touched;
  };

  const startEscalationsFromAnomalies = async ({ now }: { now: number }): Promise<string[]> => {
    const inputs = await records.attendanceInputs(now, addDays(localDateOf(now), -1));
    const anomalies = findAnomalies({ ...inputs, skipEmployeeIds: await repo.employeesWithOpenCase(), now });
    const configured = notifier.configuredChannels();
    const byId = new Map(inputs.employees.map((e) => [e.id, e]));
    const started: string[] = [];
    for (const anomaly of anomalies) {
      const employee = byId.get(anomaly.employeeId)!;
      const state = startEscalation({ anomaly, employeeChannels: employeeChannels(employee, configured), emergencyChannels: emergencyChannels(employee, configured) });
      if (await repo.insert(state, anomaly.expectedAt, now)) started.push(anomaly.id);
    }
    return started;
  };

  let running: Promise<TickResult> | null = null;
  const runTick = async (): Promise<TickResult> => {
    const now = clock();
    const started = await startEscalationsFromAnomalies({ now });
    for (const { state } of await repo.live()) {
      const pending = await replyEvents(state);
      if (pending.length) await update(state.anomalyId, (s) => unseenReplies(s, pending));
    }
    await sweepPunches();
    const processed: string[] = [];
    const failed: TickResult['failed'] = [];
    for (const id of await repo.needingWork(clock())) {
      try {
        await processOne(id);
        processed.push(id);
      } catch (err) {
        failed.push({ anomalyId: id, error: (err as Error).message });
        log(`escalation ${id} failed this tick`, err);
      }
    }
    return { started, processed, failed };
  };

  /** Runs one tick now; a tick already running finishes first, then this one runs. */
  const tick = async (): Promise<TickResult> => {
    while (running) await running.catch(() => undefined);
    const current = runTick().finally(() => (running = null));
    running = current;
    return current;
  };

  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  return {
    startEscalationsFromAnomalies,
    tick,

    /** Ticks now and every `intervalMs`; errors are logged, never thrown out of the timer. */
    start(intervalMs: number): void {
      stopped = false;
      const loop = () => {
        if (stopped) return;
        tick()
          .catch((err) => log('escalation tick failed', err))
          .finally(() => {
            if (!stopped) timer = setTimeout(loop, intervalMs).unref();
          });
      };
      timer = setTimeout(loop, 0).unref();
    },

    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => undefined);
    },

    /** HR actions and replies: apply, save, then perform whatever the machine issued. */
    async apply(anomalyId: string, event: EscalationEventInput): Promise<EscalationState> {
      const state = await update(anomalyId, () => [{ event }]);
      if (!state) throw new RenshiError('not-found', `no escalation ${anomalyId}`);
      await processOne(anomalyId);
      return (await repo.load(anomalyId))!.state;
    },

    applyReplies,
    /** Performs what is due or waiting for these chains now (after a terminal pushed them). */
    async processMany(anomalyIds: string[]): Promise<void> {
      for (const id of anomalyIds) await processOne(id);
    },
    repository: repo,
    isOpen: (state: EscalationState) => (OPEN_PHASES as readonly string[]).includes(state.phase),
  };
}
/** Replies not yet on the timeline (re-checked against the freshly loaded state on every save attempt). */
function unseenReplies(s: EscalationState, pending: { event: EscalationEventInput; at: number }[]) {
  return pending.filter(({ event }) => event.type === 'reply' && !s.timeline.some((t) => t.type === 'reply' && t.from === event.from));
}

export type EscalationRunner = ReturnType<typeof escalationRunner>;
