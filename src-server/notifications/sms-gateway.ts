import { z } from 'zod';
import { ChannelError, fetchWithTimeout, readJson, type ChannelSendResult, type NotificationChannel, type OutgoingMessage } from './channel.ts';

/**
 * SMS through whatever HTTP gateway the company contracts (a carrier's, or an aggregator in front of
 * Aliyun / Tencent Cloud SMS). Gateways differ only in the JSON they take, so the body is a template with
 * `{{to}}`, `{{text}}` and `{{id}}` placeholders, each filled as a JSON string value; the gateway's id for the
 * message is read from `providerIdField` of its answer. `{{id}}` gives the gateway our deterministic id as
 * its reference, so delivery reports can name it and a gateway that de-duplicates references never sends
 * the same message twice. Any 2xx answer is success; 5xx and 429 are worth retrying, other 4xx are not.
 */
export const SmsGatewayConfig = z.object({
  url: z.string().url(),
  /** e.g. {name: 'authorization', value: 'Bearer …'} */
  authHeader: z.object({ name: z.string().min(1).max(100), value: z.string().min(1).max(1000) }).nullable().default(null),
  bodyTemplate: z.string().min(2).max(4000).default('{"to":"{{to}}","text":"{{text}}","reference":"{{id}}"}'),
  providerIdField: z.string().min(1).max(100).default('messageId'),
  /** Shared secret the gateway presents when it posts delivery reports back. */
  reportToken: z.string().min(16).max(200).nullable().default(null),
  timeoutMs: z.number().int().positive().default(10_000),
});
export type SmsGatewayConfig = z.input<typeof SmsGatewayConfig>;

export function smsGatewayChannel(input: SmsGatewayConfig): NotificationChannel & { readonly config: z.infer<typeof SmsGatewayConfig> } {
  const config = SmsGatewayConfig.parse(input);
  renderBody(config.bodyTemplate, { to: '+8613800000000', text: '测试 "x"', id: 'id|1' }); // a broken template fails at start, not at 9 a.m. Monday
  return {
    name: 'sms',
    config,
    async send(message: OutgoingMessage): Promise<ChannelSendResult> {
      const text = message.link ? `${message.text} ${message.link}` : message.text;
      const body = renderBody(config.bodyTemplate, { to: message.to, text, id: message.id });
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (config.authHeader) headers[config.authHeader.name] = config.authHeader.value;
      const res = await fetchWithTimeout('sms', config.url, { method: 'POST', headers, body }, config.timeoutMs);
      const answer = await readJson('sms', res);
      if (!res.ok) throw new ChannelError('sms', `gateway answered HTTP ${res.status}: ${JSON.stringify(answer)?.slice(0, 200)}`, res.status >= 500 || res.status === 429);
      const providerId = answer && typeof answer === 'object' ? (answer as Record<string, unknown>)[config.providerIdField] : undefined;
      return { providerMessageId: typeof providerId === 'string' || typeof providerId === 'number' ? String(providerId) : null, status: 'sent' };
    },
  };
}

export function renderBody(template: string, values: Record<'to' | 'text' | 'id', string>): string {
  const body = template.replace(/\{\{(to|text|id)\}\}/g, (_, key: 'to' | 'text' | 'id') => JSON.stringify(values[key]).slice(1, -1));
  try {
    JSON.parse(body);
  } catch {
    throw new ChannelError('sms', 'the SMS body template does not produce JSON (placeholders go inside quotes)', false);
  }
  return body;
}

/** What a gateway posts back about one message; it may name it by our reference or by its own id. */
export const SmsDeliveryReport = z
  .object({
    reference: z.string().min(1).max(300).optional(),
    providerMessageId: z.string().min(1).max(300).optional(),
    status: z.enum(['delivered', 'failed']),
    detail: z.string().max(500).optional(),
  })
  .refine((r) => r.reference !== undefined || r.providerMessageId !== undefined, { message: 'name the message by reference or providerMessageId' });
export type SmsDeliveryReport = z.infer<typeof SmsDeliveryReport>;
