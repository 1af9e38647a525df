import nodemailer from 'nodemailer';
import { z } from 'zod';
import { ChannelError, type ChannelSendResult, type NotificationChannel, type OutgoingMessage } from './channel.ts';

/**
 * Email over SMTP (nodemailer). The Message-ID header is derived from our delivery id, so a resend after a
 * crash carries the same Message-ID and mail clients thread or drop it as the same message. SMTP 4xx
 * answers and connection failures are retryable; 5xx (mailbox unknown, relay refused) are not.
 */
export const SmtpConfig = z.object({
  host: z.string().trim().min(1).max(255),
  port: z.coerce.number().int().min(1).max(65535).default(587),
  /** true: TLS from the first byte (port 465); false: STARTTLS when the server offers it. */
  secure: z.boolean().default(false),
  user: z.string().max(255).nullable().default(null),
  password: z.string().max(255).nullable().default(null),
  from: z.string().trim().min(3).max(255),
  timeoutMs: z.number().int().positive().default(15_000),
});
export type SmtpConfig = z.input<typeof SmtpConfig>;

export function emailChannel(input: SmtpConfig): NotificationChannel & { close(): void } {
  const config = SmtpConfig.parse(input);
  const transport = nodemailer.createTransport({
    host: config.host,
    port: config.port,
    secure: config.secure,
    auth: config.user ? { user: config.user, pass: config.password ?? '' } : undefined,
    connectionTimeout: config.timeoutMs,
    greetingTimeout: config.timeoutMs,
    socketTimeout: config.timeoutMs,
  });
  const domain = config.from.includes('@') ? config.from.split('@').pop()!.replace(/[>\s]/g, '') : 'renshi.local';
  return {
    name: 'email',
    async send(message: OutgoingMessage): Promise<ChannelSendResult> {
      const messageId = `<${Buffer.from(message.id).toString('base64url')}@${domain}>`;
      const text = message.link ? `${message.text}\n\n${message.linkLabel}: ${message.link}` : message.text;
      const html = `<p>${escapeHtml(message.text).replace(/\n/g, '<br>')}</p>${message.link ? `<p><a href="${escapeHtml(message.link)}">${escapeHtml(message.linkLabel)}</a></p>` : ''}`;
      try {
        const info = await transport.sendMail({ from: config.from, to: message.to, subject: message.subject, text, html, messageId });
        return { providerMessageId: info.messageId ?? messageId, status: 'sent' };
      } catch (err) {
        const code = (err as { responseCode?: number }).responseCode;
        throw new ChannelError('email', (err as Error).message, code === undefined || code < 500);
      }
    },
    close: () => transport.close(),
  };
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
