import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { requireRole } from '../auth/routes.ts';
import { confirmationLinkKey, sendConfirmationMessage, type ContactConfirmationOptions } from './contact-confirmation.ts';
import { employeeChannels } from './messages.ts';
import { syncedRecords } from './synced-records.ts';

/**
 * Reminders for emergency-contact re-confirmation requests nobody has answered: every `everyDays` after the
 * request (or after the previous reminder), at most `maxReminders`, on the channels the employee can be
 * reached on at that moment, each with a fresh link to the same request.
 *
 * Only the employee's latest request is reminded about (HR asking again replaces the earlier request), and it
 * stops once the employee confirmed, through any of their links, at or after the request.
 *
 * Exactly once across restarts and several server instances: reminder `n` is the logical message
 * `<request id>|reminder|<n>` (deliveries `...|<n>|<channel>`), and `n` is one more than the count stored on
 * the request. The count moves only after every delivery of reminder `n` is final, so a crash in between
 * makes the next pass ask the notifier for the same ids, and it sends nothing already sent. A pass claims
 * the request with a short lease before sending, so two instances passing at once do not split one
 * reminder's channels between them (each would then see the other's delivery unfinished and count nothing);
 * the notifier's own claim per delivery stays the guarantee that nothing is sent twice.
 */

export const ReminderConfig = z.object({
  everyDays: z.number().int().min(1).max(90).default(3),
  maxReminders: z.number().int().min(0).max(50).default(5),
});
export type ReminderConfig = z.infer<typeof ReminderConfig>;

/** RENSHI_CONTACT_REMINDER_DAYS (default 3), RENSHI_CONTACT_REMINDER_MAX (default 5; 0 = no reminders). */
export function reminderConfigFromEnv(env: Record<string, string | undefined>): ReminderConfig {
  const n = (name: string) => (env[name]?.trim() ? Number(env[name]) : undefined);
  const parsed = ReminderConfig.safeParse({ everyDays: n('RENSHI_CONTACT_REMINDER_DAYS'), maxReminders: n('RENSHI_CONTACT_REMINDER_MAX') });
  if (!parsed.success) throw new Error(`RENSHI_CONTACT_REMINDER_DAYS / RENSHI_CONTACT_REMINDER_MAX: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

export type ContactRemindersOptions = ContactConfirmationOptions & {
  /** How often the reminder pass runs on its own; 0 = only `POST /escalation/contact-confirmations/remind`. */
  intervalMs: number;
  /** Default: from the environment (reminderConfigFromEnv). */
  config?: Partial<ReminderConfig>;
  log?: (message: string, err: unknown) => void;
};

const DAY_MS = 86_400_000;
const LEASE_MS = 5 * 60_000;

type DueRow = { id: string; employee_id: string; requested_at: string; reminders_sent: number; last_reminder_at: string | null };

/** Starts the reminder timer with the server and stops it (after the pass in progress) when it closes. */
export function contactConfirmationReminders(app: FastifyInstance, opts: ContactRemindersOptions) {
  const { db, notifier, clock } = opts;
  const config = ReminderConfig.parse({ ...reminderConfigFromEnv(process.env), ...opts.config });
  const records = syncedRecords(db);
  const key = confirmationLinkKey(opts.secret);
  const everyMs = config.everyDays * DAY_MS;

  /** One pass over the requests due a reminder; returns how many reminders went out (or were completed). */
  const remind = async (): Promise<number> => {
    if (config.maxReminders === 0) return 0;
    const now = clock();
    const due = await db.query<DueRow>(
      `SELECT r.id, r.employee_id, r.requested_at, r.reminders_sent, r.last_reminder_at
         FROM contact_confirmation_requests r
        WHERE r.confirmed_at IS NULL
          AND r.reminders_sent < $1
          AND coalesce(r.last_reminder_at, r.requested_at) + $2 <= $3
          AND NOT EXISTS (SELECT 1 FROM contact_confirmation_requests n WHERE n.employee_id = r.employee_id AND (n.requested_at > r.requested_at OR (n.requested_at = r.requested_at AND n.id > r.id)))
          AND NOT EXISTS (SELECT 1 FROM contact_confirmation_requests c WHERE c.employee_id = r.employee_id AND c.confirmed_at >= r.requested_at)
        ORDER BY r.requested_at, r.id`,
      [config.maxReminders, everyMs, now],
    );
    let count = 0;
    for (const row of due) {
      const employee = await records.employee(row.employee_id);
      // A former employee, or one deleted since, is not chased.
      if (!employee || employee.status === 'terminated') continue;
      const channels = employeeChannels(employee, notifier.configuredChannels());
      if (!channels.length) continue;
      const n = Number(row.reminders_sent) + 1;
      const claimed = await db.query(
        `UPDATE contact_confirmation_requests SET reminder_claimed_until = $3
          WHERE id = $1 AND reminders_sent = $2 AND confirmed_at IS NULL AND (reminder_claimed_until IS NULL OR reminder_claimed_until <= $4) RETURNING id`,
        [row.id, n - 1, now + LEASE_MS, now],
      );
      if (!claimed.length) continue; // another pass has it, or it moved on since the query above
      const final = await sendConfirmationMessage(
        { logicalId: `${row.id}|reminder|${n}`, requestId: row.id, employee, channels, reminder: n },
        { notifier, key, publicUrl: opts.publicUrl, linkTtlMs: opts.linkTtlMs, now },
      );
      if (!final) {
        // A delivery waits for its retry; the next pass asks again under the same ids.
        await db.query(`UPDATE contact_confirmation_requests SET reminder_claimed_until = NULL WHERE id = $1`, [row.id]);
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

  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> = Promise.resolve();
  let busy = false;
  const pass = () => {
    if (busy) return running;
    busy = true;
    running = remind()
      .catch((err) => opts.log?.('contact confirmation reminders failed', err))
      .finally(() => {
        busy = false;
      });
    return running;
  };

  app.post('/escalation/contact-confirmations/remind', async (request) => {
    requireRole(request, 'admin', 'hr');
    await running;
    return { reminded: await remind() };
  });
  app.addHook('onReady', async () => {
    if (opts.intervalMs > 0) timer = setInterval(() => void pass(), opts.intervalMs);
  });
  app.addHook('onClose', async () => {
    if (timer) clearInterval(timer);
    timer = null;
    await running;
  });
  return { remind, config };
}
