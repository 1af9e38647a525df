import type { FastifyInstance } from 'fastify';
import { EscalationDoc } from '#shared/escalation/escalation-doc';
import { withoutMeta } from '#shared/sync/conflicts';
import type { Database } from '../db/database.ts';
import type { SyncService } from '../sync/service.ts';
import { buildChannels, NotificationConfig, notificationConfigFromEnv } from '../notifications/config.ts';
import { migrateNotifications } from '../notifications/migrations.ts';
import { notifier as createNotifier } from '../notifications/notifier.ts';
import { replySecret } from '../notifications/reply-token.ts';
import { notificationRoutes } from '../notifications/routes.ts';
import { contactConfirmationRoutes } from './contact-confirmation.ts';
import { contactConfirmationReminders } from './contact-reminders.ts';
import { ReminderConfig, reminderConfigFromEnv } from './contact-schedule.ts';
import { migrateEscalation } from './migrations.ts';
import { escalationRoutes } from './routes.ts';
import { escalationRunner } from './runner.ts';

export type EscalationModuleOptions = {
  db: Database;
  /** Default: from the environment (see notificationConfigFromEnv). */
  config?: NotificationConfig;
  clock?: () => number;
  /** Overrides config.publicUrl when the address is known only after listening (tests, port 0). */
  publicUrl?: () => string;
  /** How often the runner ticks; 0 = never on its own (POST /escalation/tick still works). Default:
   *  RENSHI_ESCALATION_INTERVAL_MS, else one minute. */
  intervalMs?: number;
  /** When given, chains pushed by terminals (escalations collection) are merged into the runner's state. */
  sync?: SyncService;
  /** Emergency-contact re-confirmation period and reminders; what is not given comes from the environment. */
  contactConfirmation?: Partial<ReminderConfig>;
};

/**
 * The missed-punch early-warning chain on the server: its tables, the channels, the reply pages, the HR
 * endpoints and the timer. Registered from app.ts with one line; closing the app stops the timer after the
 * tick in progress.
 */
export async function registerEscalation(app: FastifyInstance, opts: EscalationModuleOptions) {
  const { db, clock = Date.now } = opts;
  const config = NotificationConfig.parse(opts.config ?? notificationConfigFromEnv(process.env));
  await migrateNotifications(db);
  await migrateEscalation(db);
  const { channels, close } = buildChannels(config, clock);
  const notifier = createNotifier({ db, channels, clock });
  const secret = await replySecret(db, config.replySecret);
  const runner = escalationRunner({
    db,
    notifier,
    secret,
    publicUrl: opts.publicUrl ?? (() => config.publicUrl),
    replyTtlMs: config.replyTtlHours * 3_600_000,
    clock,
    log: (message, err) => app.log.error({ err }, message),
  });
  await notificationRoutes(app, {
    notifier,
    secret,
    clock,
    smsReportToken: config.sms?.reportToken ?? null,
    onReply: async (message) => {
      const anomalyId = message.context.anomalyId;
      if (typeof anomalyId === 'string') await runner.applyReplies(anomalyId);
    },
  });
  await runner.repository.backfillMirror(clock());
  escalationRoutes(app, { runner, notifier });
  opts.sync?.onPush('escalations', {
    inTransaction: async (tx, docs) => {
      const corrected = [];
      for (const d of docs) {
        const merged = await runner.repository.mergeIn(tx, EscalationDoc.parse(withoutMeta(d)), clock());
        if (merged) corrected.push({ ...merged, _deleted: false });
      }
      return corrected;
    },
    // What a terminal did offline may have left commands for the server (an HR alert, a message): act now.
    afterCommit: (ids) => {
      void runner.processMany(ids).catch((err) => app.log.error({ err }, 'escalation after push failed'));
    },
  });
  const contactConfig = ReminderConfig.parse({ ...reminderConfigFromEnv(process.env), ...opts.contactConfirmation });
  const contactOptions = { db, notifier, secret, publicUrl: opts.publicUrl ?? (() => config.publicUrl), linkTtlMs: config.replyTtlHours * 3_600_000, clock, config: contactConfig };
  await contactConfirmationRoutes(app, contactOptions);

  const envInterval = Number(process.env.RENSHI_ESCALATION_INTERVAL_MS);
  const intervalMs = opts.intervalMs ?? (Number.isFinite(envInterval) && process.env.RENSHI_ESCALATION_INTERVAL_MS ? envInterval : 60_000);
  contactConfirmationReminders(app, { ...contactOptions, intervalMs, log: (message, err) => app.log.error({ err }, message) });
  app.addHook('onReady', async () => {
    if (intervalMs > 0) runner.start(intervalMs);
  });
  app.addHook('onClose', async () => {
    await runner.stop();
    close();
  });
  return { runner, notifier, config, secret };
}
