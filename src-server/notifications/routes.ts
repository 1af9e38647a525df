import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { ReplyReason } from '#shared/escalation/missed-punch-escalation';
import { RenshiError } from '#shared/errors';
import { requireRole } from '../auth/routes.ts';
import { parseInput } from '../http/errors.ts';
import type { Notifier, StoredMessage } from './notifier.ts';
import { alreadyAnsweredPage, badReplyPage, invalidLinkPage, repliedPage, replyFormPage } from './reply-pages.ts';
import { parseReplyToken, verifyReplyToken } from './reply-token.ts';
import { SmsDeliveryReport } from './sms-gateway.ts';

export type ReplyHandler = (message: StoredMessage, reply: { reason: ReplyReason; text: string }) => Promise<void>;

export type NotificationRoutesOptions = {
  notifier: Notifier;
  secret: Buffer;
  clock: () => number;
  /** Called after a reply is stored; a failure here is logged, the reply stays stored for the next sweep. */
  onReply: ReplyHandler;
  smsReportToken: string | null;
};

const ReplyForm = z.object({ reason: ReplyReason, text: z.string().max(500).default('') });
const InboxQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) });

/**
 * Public reply pages (`/reply/:token`), the SMS delivery-report webhook and the HR in-app inbox. Registered
 * in their own scope so the form body parser they need does not change how the rest of the server parses.
 */
export async function notificationRoutes(app: FastifyInstance, opts: NotificationRoutesOptions): Promise<void> {
  const { notifier, secret, clock, onReply } = opts;
  await app.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });

    const html = (reply: FastifyReply, status: number, body: string) =>
      reply
        .code(status)
        .header('content-type', 'text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('referrer-policy', 'no-referrer')
        .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
        .send(body);

    /** The message a token names, or the page to answer with instead. */
    const resolve = async (token: string): Promise<{ message: StoredMessage } | { status: number; page: string }> => {
      const parsed = parseReplyToken(token);
      if (!parsed) return { status: 403, page: invalidLinkPage('malformed') };
      let refusal: 'forged' | 'expired' = 'forged';
      for (const message of await notifier.byReplyRef(parsed.ref)) {
        const check = verifyReplyToken(secret, parsed, message.id, clock());
        if (check.ok) return { message };
        if (check.reason === 'expired') refusal = 'expired';
      }
      return { status: refusal === 'expired' ? 410 : 403, page: invalidLinkPage(refusal) };
    };

    scope.get<{ Params: { token: string } }>('/reply/:token', { config: { public: true } }, async (request, reply) => {
      const found = await resolve(request.params.token);
      if ('page' in found) return html(reply, found.status, found.page);
      const { message } = found;
      if (await notifier.replyTo(message.logicalId)) return html(reply, 200, alreadyAnsweredPage());
      if (message.status !== 'opened') await notifier.report(message.id, 'opened', 'reply link visited');
      const options = ReplyReason.options;
      return html(reply, 200, replyFormPage({ heading: message.subject, text: message.text, options }));
    });

    scope.post<{ Params: { token: string } }>('/reply/:token', { config: { public: true } }, async (request, reply) => {
      const found = await resolve(request.params.token);
      if ('page' in found) return html(reply, found.status, found.page);
      const { message } = found;
      const form = ReplyForm.safeParse(request.body ?? {});
      if (!form.success) return html(reply, 400, badReplyPage());
      const text = form.data.text.trim();
      const stored = await notifier.recordReply({ logicalId: message.logicalId, messageId: message.id, reason: form.data.reason, text });
      if (!stored) return html(reply, 409, alreadyAnsweredPage());
      await notifier.report(message.id, 'replied', `${form.data.reason}${text ? `: ${text}` : ''}`);
      try {
        await onReply(message, { reason: form.data.reason, text });
      } catch (err) {
        request.log.error({ err, messageId: message.id }, 'reply stored but not yet applied');
      }
      return html(reply, 200, repliedPage(form.data.reason));
    });

    scope.post('/notifications/sms/delivery-report', { config: { public: true } }, async (request) => {
      if (!opts.smsReportToken || !sameSecret(request.headers['x-renshi-report-token'], opts.smsReportToken)) {
        throw new RenshiError('unauthorized', 'delivery reports need the configured report token');
      }
      const reports = parseInput(z.union([SmsDeliveryReport, z.array(SmsDeliveryReport).max(1000)]), request.body, 'delivery report');
      let matched = 0;
      for (const r of Array.isArray(reports) ? reports : [reports]) {
        const message = r.reference ? await notifier.get(r.reference) : await notifier.byProviderId('sms', r.providerMessageId!);
        if (!message || message.channel !== 'sms') continue;
        await notifier.report(message.id, r.status, r.detail ?? 'delivery report');
        matched++;
      }
      return { matched };
    });

    scope.get('/notifications/in-app', async (request) => {
      const principal = requireRole(request, 'admin', 'hr', 'site_admin', 'terminal');
      const { limit } = parseInput(InboxQuery, request.query, 'query');
      const siteBound = principal.role === 'site_admin' || principal.role === 'terminal';
      const messages = await notifier.inbox('hr', siteBound ? principal.siteId : null, limit);
      return { messages };
    });

    scope.get<{ Params: { id: string } }>('/notifications/messages/:id/history', async (request) => {
      requireRole(request, 'admin', 'hr');
      const message = await notifier.get(request.params.id);
      if (!message) throw new RenshiError('not-found', `no message ${request.params.id}`);
      return { message, history: await notifier.history(message.id) };
    });
  });
}

/** Constant-time comparison of a presented secret (hashing first makes the lengths equal). */
function sameSecret(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
