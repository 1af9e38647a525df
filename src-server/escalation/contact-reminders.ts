import type { FastifyInstance } from 'fastify';
import { confirmationStanding, reconfirmationDue } from '#shared/escalation/contact-reconfirmation';
import type { Employee } from '#shared/schemas/employee';
import { localDateOf, localDateTimeOf } from '#shared/time';
import { requireRole } from '../auth/routes.ts';
import { confirmationLinkKey, sendConfirmationMessage, type ContactConfirmationOptions } from './contact-confirmation.ts';
import { escalationRepository } from './repository.ts';
import { employeeChannels } from './messages.ts';
import { syncedRecords } from './synced-records.ts';

/**
 * The server's own pass over emergency-contact re-confirmation, so that it happens every quarter without HR
 * (story 1: "re-confirmed every quarter by each employee, reminders until done"). Each pass, in order:
 *
 *  1. start: every current employee whose last confirmation is older than the period (or who never
 *     confirmed), with contacts on file, a channel to reach them and no request still waiting, gets an
 *     automatic request `contact-confirm|<employee>|auto|<day>`. Only from 09:00 to 20:00 Shanghai time (a
 *     request at 00:01 would text a factory at night) and at most MAX_STARTS_PER_PASS per pass (the first
 *     pass after installing would otherwise message everybody in one go);
 *  2. announce: send the first message of automatic requests that has not been final on every channel yet;
 *  3. remind: the latest request still waiting is reminded about every `everyDays` for the first
 *     `maxReminders`, then every `laterEveryDays`, until the employee confirms (contact-schedule.ts);
 *  4. alert: once the first `maxReminders` went unanswered, HR gets one alert (the HR alert inbox, as the
 *     missed-punch chain's, reason `contact_confirmation_overdue`) and an in-app message.
 *
 * A request stops being chased once the employee confirms through any of their links, or the record shows
 * every contact confirmed on or after the request day (HR checked in person), or the employee left; HR
 * asking again replaces it with a new request and series.
 *
 * Exactly once across restarts and several server instances: ids are deterministic (two instances starting
 * the same day's request insert one row; reminder `n` is the logical message `<request id>|reminder|<n>`,
 * deliveries `...|<n>|<channel>`; the alert is `<request id>|overdue`), and every step records that it is
 * done only after the notifier reports each delivery final, so a crash in between makes the next pass ask
 * the notifier for the same ids, and it sends nothing already sent. Sending steps claim the request with a
 * short lease first, so two instances passing at once do not split one message's channels between them;
 * the notifier's own claim per delivery stays the guarantee that nothing is sent twice.
 */

export { ReminderConfig, reminderConfigFromEnv } from './contact-schedule.ts';

export type ContactRemindersOptions = ContactConfirmationOptions & {
  /** How often the pass runs on its own; 0 = only `POST /escalation/contact-confirmations/remind`. */
  intervalMs: number;
  log?: (message: string, err: unknown) => void;
};

export type PassResult = { started: number; announced: number; reminded: number; alerted: number };

const DAY_MS = 86_400_000;
const LEASE_MS = 5 * 60_000;
const MAX_STARTS_PER_PASS = 200;
const ROUND_HOURS = { from: 9, to: 20 };

type OpenRow = { id: string; employee_id: string; requested_at: string; reminders_sent: number; last_reminder_at: string | null; announced_at: string | null };

/** The employee's latest request, still waiting: nobody confirmed since it, and the record did not settle it. */
const LATEST_OPEN = `r.confirmed_at IS NULL AND r.closed_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM contact_confirmation_requests n WHERE n.employee_id = r.employee_id AND (n.requested_at > r.requested_at OR (n.requested_at = r.requested_at AND n.id > r.id)))
  AND NOT EXISTS (SELECT 1 FROM contact_confirmation_requests c WHERE c.employee_id = r.employee_id AND c.confirmed_at >= r.requested_at)`;
const OPEN_COLUMNS = `r.id, r.employee_id, r.requested_at, r.reminders_sent, r.last_reminder_at, r.announced_at`;

/** Starts the pass's timer with the server and stops it (after the pass in progress) when it closes. */
export function contactConfirmationReminders(app: FastifyInstance, opts: ContactRemindersOptions) {
  const { db, notifier, clock, config } = opts;
  const records = syncedRecords(db);
  const alerts = escalationRepository(db);
  const key = confirmationLinkKey(opts.secret);
  const send = { notifier, key, publicUrl: opts.publicUrl, linkTtlMs: opts.linkTtlMs };

  /** True (and the request closed) when there is nobody left to chase for it. */
  const settled = async (row: OpenRow, employee: Employee | null, now: number): Promise<boolean> => {
    const standing = employee ? confirmationStanding(employee) : null;
    const done = !employee || employee.status === 'terminated' || (standing?.kind === 'confirmed' && standing.on >= localDateOf(Number(row.requested_at)));
    if (done) await db.query(`UPDATE contact_confirmation_requests SET closed_at = $2 WHERE id = $1 AND closed_at IS NULL`, [row.id, now]);
    return done;
  };

  /** Claims the request for one sending step, or false when another pass has it. */
  const claim = async (id: string, now: number, condition: string, params: unknown[]): Promise<boolean> => {
    const rows = await db.query(
      `UPDATE contact_confirmation_requests SET reminder_claimed_until = $2
        WHERE id = $1 AND confirmed_at IS NULL AND closed_at IS NULL AND (reminder_claimed_until IS NULL OR reminder_claimed_until <= $3) AND ${condition} RETURNING id`,
      [id, now + LEASE_MS, now, ...params],
    );
    return rows.length > 0;
  };
  const release = (id: string) => db.query(`UPDATE contact_confirmation_requests SET reminder_claimed_until = NULL WHERE id = $1`, [id]);

  const start = async (now: number): Promise<number> => {
    const hour = Number(localDateTimeOf(now).slice(11, 13));
    if (hour < ROUND_HOURS.from || hour >= ROUND_HOURS.to) return 0;
    const today = localDateOf(now);
    const [employees, confirmations, open] = await Promise.all([
      records.employees(),
      db.query<{ employee_id: string; confirmed_at: string }>(`SELECT employee_id, max(confirmed_at) AS confirmed_at FROM contact_confirmation_requests WHERE confirmed_at IS NOT NULL GROUP BY employee_id`),
      db.query<{ employee_id: string }>(`SELECT r.employee_id FROM contact_confirmation_requests r WHERE ${LATEST_OPEN}`),
    ]);
    const byLink = new Map(confirmations.map((c) => [c.employee_id, localDateOf(Number(c.confirmed_at))]));
    const waiting = new Set(open.map((o) => o.employee_id));
    const configured = notifier.configuredChannels();
    let started = 0;
    for (const employee of employees) {
      if (started >= MAX_STARTS_PER_PASS) break;
      if (employee.status === 'terminated' || waiting.has(employee.id)) continue;
      const standing = confirmationStanding(employee, byLink.get(employee.id) ?? null);
      if (standing.kind === 'none_on_file' || !reconfirmationDue(standing, today, config.periodDays)) continue;
      const channels = employeeChannels(employee, configured);
      if (!channels.length) continue; // HR's list shows them; there is no way to ask
      const inserted = await db.query(
        `INSERT INTO contact_confirmation_requests (id, employee_id, requested_by, requested_at, channels, automatic) VALUES ($1, $2, 'system', $3, $4, true) ON CONFLICT (id) DO NOTHING RETURNING id`,
        [`contact-confirm|${employee.id}|auto|${today}`, employee.id, now, JSON.stringify(channels)],
      );
      if (inserted.length) started++;
    }
    return started;
  };

  const announce = async (now: number): Promise<number> => {
    const due = await db.query<OpenRow>(`SELECT ${OPEN_COLUMNS} FROM contact_confirmation_requests r WHERE r.automatic AND r.announced_at IS NULL AND ${LATEST_OPEN} ORDER BY r.requested_at, r.id`);
    let count = 0;
    for (const row of due) {
      const employee = await records.employee(row.employee_id);
      if (await settled(row, employee, now)) continue;
      const channels = employeeChannels(employee!, notifier.configuredChannels());
      if (!channels.length || !(await claim(row.id, now, 'announced_at IS NULL', []))) continue;
      const final = await sendConfirmationMessage({ logicalId: row.id, requestId: row.id, employee: employee!, channels, reminder: null }, { ...send, now });
      if (!final) {
        await release(row.id); // a delivery waits for its retry; the next pass asks again under the same ids
        continue;
      }
      await db.query(`UPDATE contact_confirmation_requests SET announced_at = $2, reminder_claimed_until = NULL WHERE id = $1`, [row.id, now]);
      count++;
    }
    return count;
  };

  const remind = async (now: number): Promise<number> => {
    const due = await db.query<OpenRow>(
      `SELECT ${OPEN_COLUMNS} FROM contact_confirmation_requests r
        WHERE ${LATEST_OPEN}
          AND (NOT r.automatic OR r.announced_at IS NOT NULL)
          AND coalesce(r.last_reminder_at, r.announced_at, r.requested_at) + CASE WHEN r.reminders_sent < $1 THEN $2::bigint ELSE $3::bigint END <= $4
        ORDER BY r.requested_at, r.id`,
      [config.maxReminders, config.everyDays * DAY_MS, config.laterEveryDays * DAY_MS, now],
    );
    let count = 0;
    for (const row of due) {
      const employee = await records.employee(row.employee_id);
      if (await settled(row, employee, now)) continue;
      const channels = employeeChannels(employee!, notifier.configuredChannels());
      const n = Number(row.reminders_sent) + 1;
      if (!channels.length || !(await claim(row.id, now, 'reminders_sent = $4', [n - 1]))) continue;
      const final = await sendConfirmationMessage({ logicalId: `${row.id}|reminder|${n}`, requestId: row.id, employee: employee!, channels, reminder: n }, { ...send, now });
      if (!final) {
        await release(row.id);
        continue;
      }
      const moved = await db.query(
        `UPDATE contact_confirmation_requests SET reminders_sent = $2, last_reminder_at = $3, reminder_claimed_until = NULL WHERE id = $1 AND reminders_sent = $4 RETURNING id`,
        [row.id, n, now, n - 1],
      );
      if (moved.length) count++;
    }
    return count;
  };

  const alert = async (now: number): Promise<number> => {
    const due = await db.query<OpenRow>(`SELECT ${OPEN_COLUMNS} FROM contact_confirmation_requests r WHERE ${LATEST_OPEN} AND r.reminders_sent >= $1 AND r.hr_alerted_at IS NULL ORDER BY r.requested_at, r.id`, [
      config.maxReminders,
    ]);
    let count = 0;
    for (const row of due) {
      const employee = await records.employee(row.employee_id);
      if (await settled(row, employee, now)) continue;
      const id = `${row.id}|overdue`;
      const e = employee!;
      await alerts.insertAlert({ id, anomalyId: row.id, caseId: '', employeeId: e.id, siteId: e.siteId, reason: 'contact_confirmation_overdue', now });
      const outcome = await notifier.deliver({
        id: `${id}|in_app`,
        logicalId: id,
        channel: 'in_app',
        recipient: 'hr',
        recipientKind: 'hr',
        siteId: e.siteId,
        subject: `紧急联系人逾期未确认：${e.name}`,
        text: `${e.name}（${e.employeeNo}）自 ${localDateOf(Number(row.requested_at))} 起已收到确认请求和 ${row.reminders_sent} 次提醒，仍未确认紧急联系人。提醒改为每 ${config.laterEveryDays} 天一次，直到确认。请当面或电话与本人核实，并在「预警 → 紧急联系人确认」中记录。`,
        link: null,
        linkLabel: '',
        context: { overdueContactConfirmation: row.id, employeeId: e.id, reason: 'contact_confirmation_overdue' },
      });
      if (!outcome.final) continue;
      const marked = await db.query(`UPDATE contact_confirmation_requests SET hr_alerted_at = $2 WHERE id = $1 AND hr_alerted_at IS NULL RETURNING id`, [row.id, now]);
      if (marked.length) count++;
    }
    return count;
  };

  /** One pass; returns how many requests started, first messages, reminders and HR alerts went out. */
  const runPass = async (): Promise<PassResult> => {
    const now = clock();
    const started = await start(now);
    const announced = await announce(now);
    const reminded = await remind(now);
    const alerted = await alert(now);
    return { started, announced, reminded, alerted };
  };

  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> = Promise.resolve();
  let busy = false;
  const pass = () => {
    if (busy) return running;
    busy = true;
    running = runPass()
      .catch((err) => opts.log?.('contact confirmation pass failed', err))
      .finally(() => {
        busy = false;
      });
    return running;
  };

  app.post('/escalation/contact-confirmations/remind', async (request) => {
    requireRole(request, 'admin', 'hr');
    await running;
    return runPass();
  });
  app.addHook('onReady', async () => {
    if (opts.intervalMs > 0) timer = setInterval(() => void pass(), opts.intervalMs);
  });
  app.addHook('onClose', async () => {
    if (timer) clearInterval(timer);
    timer = null;
    await running;
  });
  return { pass: runPass, config };
}
