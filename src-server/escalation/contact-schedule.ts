import { z } from 'zod';
import { DEFAULT_RECONFIRM_PERIOD_DAYS } from '#shared/escalation/contact-reconfirmation';

/**
 * The company-wide timing of emergency-contact re-confirmation: how long a confirmation holds before the
 * server asks again on its own (the rule itself: #shared/escalation/contact-reconfirmation), and the
 * reminder backoff for a request nobody answered: every `everyDays` for the first `maxReminders`, then HR
 * is alerted once and the reminders go on every `laterEveryDays` until the employee confirms. They never
 * stop on their own: story 1 says "reminders until done".
 */
export const ReminderConfig = z.object({
  periodDays: z.number().int().min(7).max(366).default(DEFAULT_RECONFIRM_PERIOD_DAYS),
  everyDays: z.number().int().min(1).max(90).default(3),
  maxReminders: z.number().int().min(1).max(50).default(5),
  laterEveryDays: z.number().int().min(1).max(90).default(7),
});
export type ReminderConfig = z.infer<typeof ReminderConfig>;

/**
 * RENSHI_CONTACT_RECONFIRM_DAYS (default 90), RENSHI_CONTACT_REMINDER_DAYS (3), RENSHI_CONTACT_REMINDER_MAX (5),
 * RENSHI_CONTACT_REMINDER_LATER_DAYS (7). Nonsense stops the server at start rather than chasing people oddly.
 */
export function reminderConfigFromEnv(env: Record<string, string | undefined>): ReminderConfig {
  const n = (name: string) => (env[name]?.trim() ? Number(env[name]) : undefined);
  const parsed = ReminderConfig.safeParse({
    periodDays: n('RENSHI_CONTACT_RECONFIRM_DAYS'),
    everyDays: n('RENSHI_CONTACT_REMINDER_DAYS'),
    maxReminders: n('RENSHI_CONTACT_REMINDER_MAX'),
    laterEveryDays: n('RENSHI_CONTACT_REMINDER_LATER_DAYS'),
  });
  if (!parsed.success) throw new Error(`RENSHI_CONTACT_RECONFIRM_DAYS / RENSHI_CONTACT_REMINDER_*: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

const DAY_MS = 86_400_000;

/** When reminder `remindersSent + 1` of a request is due: counted from the previous reminder, else from the
 *  moment the request went out. The reminder pass selects with the same arithmetic in SQL. */
export function nextReminderAt(r: { requestedAt: number; announcedAt: number | null; lastReminderAt: number | null; remindersSent: number }, config: ReminderConfig): number {
  const from = r.lastReminderAt ?? r.announcedAt ?? r.requestedAt;
  return from + (r.remindersSent < config.maxReminders ? config.everyDays : config.laterEveryDays) * DAY_MS;
}
