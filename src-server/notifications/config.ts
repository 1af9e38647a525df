import { z } from 'zod';
import type { MessageChannel } from '#shared/escalation/missed-punch-escalation';
import type { NotificationChannel } from './channel.ts';
import { emailChannel, SmtpConfig } from './email.ts';
import { inAppChannel } from './in-app.ts';
import { smsGatewayChannel, SmsGatewayConfig } from './sms-gateway.ts';
import { wecomChannel, WecomConfig } from './wecom.ts';

/**
 * Which channels this server may use, and where reply links point. A channel left out is simply not
 * offered: the escalation falls back to the others, and records "no channel" when none is left.
 */
export const NotificationConfig = z.object({
  /** Base URL employees' phones can reach, for reply links (e.g. https://hr.example.com). */
  publicUrl: z.string().url().default('http://127.0.0.1:8787'),
  /** HMAC key for reply links; unset: generated once and kept in the database. */
  replySecret: z.string().min(16).max(500).nullable().default(null),
  replyTtlHours: z.number().int().min(1).max(24 * 30).default(7 * 24),
  wecom: WecomConfig.nullable().default(null),
  sms: SmsGatewayConfig.nullable().default(null),
  smtp: SmtpConfig.nullable().default(null),
});
export type NotificationConfig = z.input<typeof NotificationConfig>;

/**
 * From the environment: RENSHI_PUBLIC_URL, RENSHI_REPLY_SECRET; WeCom RENSHI_WECOM_CORP_ID, _SECRET,
 * _AGENT_ID, _BASE_URL; SMS RENSHI_SMS_URL, _AUTH_HEADER ("Name: value"), _BODY_TEMPLATE, _ID_FIELD,
 * _REPORT_TOKEN; email RENSHI_SMTP_HOST, _PORT, _SECURE (1), _USER, _PASSWORD, _FROM.
 */
export function notificationConfigFromEnv(env: Record<string, string | undefined>): z.infer<typeof NotificationConfig> {
  const v = (name: string) => env[name]?.trim() || undefined;
  const header = v('RENSHI_SMS_AUTH_HEADER');
  const colon = header ? header.indexOf(':') : -1;
  return NotificationConfig.parse({
    publicUrl: v('RENSHI_PUBLIC_URL'),
    replySecret: v('RENSHI_REPLY_SECRET') ?? null,
    wecom: v('RENSHI_WECOM_CORP_ID')
      ? { corpId: v('RENSHI_WECOM_CORP_ID'), corpSecret: v('RENSHI_WECOM_SECRET'), agentId: v('RENSHI_WECOM_AGENT_ID'), baseUrl: v('RENSHI_WECOM_BASE_URL') }
      : null,
    sms: v('RENSHI_SMS_URL')
      ? {
          url: v('RENSHI_SMS_URL'),
          authHeader: header && colon > 0 ? { name: header.slice(0, colon).trim(), value: header.slice(colon + 1).trim() } : null,
          bodyTemplate: v('RENSHI_SMS_BODY_TEMPLATE'),
          providerIdField: v('RENSHI_SMS_ID_FIELD'),
          reportToken: v('RENSHI_SMS_REPORT_TOKEN') ?? null,
        }
      : null,
    smtp: v('RENSHI_SMTP_HOST')
      ? { host: v('RENSHI_SMTP_HOST'), port: v('RENSHI_SMTP_PORT'), secure: v('RENSHI_SMTP_SECURE') === '1', user: v('RENSHI_SMTP_USER') ?? null, password: v('RENSHI_SMTP_PASSWORD') ?? null, from: v('RENSHI_SMTP_FROM') }
      : null,
  });
}

/** The channels a configuration enables; in-app is always there (it is our own table). */
export function buildChannels(config: z.infer<typeof NotificationConfig>, clock: () => number): { channels: Partial<Record<MessageChannel, NotificationChannel>>; close(): void } {
  const channels: Partial<Record<MessageChannel, NotificationChannel>> = { in_app: inAppChannel() };
  if (config.wecom) channels.wecom = wecomChannel(config.wecom, clock);
  if (config.sms) channels.sms = smsGatewayChannel(config.sms);
  const email = config.smtp ? emailChannel(config.smtp) : null;
  if (email) channels.email = email;
  return { channels, close: () => email?.close() };
}
