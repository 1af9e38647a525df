import { createHmac } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { MessageChannel } from '#shared/escalation/missed-punch-escalation';
import type { Employee } from '#shared/schemas/employee';
import { localDateOf } from '#shared/time';
import { requireRole } from '../auth/routes.ts';
import type { Database } from '../db/database.ts';
import { parseInput } from '../http/errors.ts';
import { escapeHtml } from '../notifications/email.ts';
import type { Notifier, StoredMessage } from '../notifications/notifier.ts';
import { parseReplyToken, signReplyToken, verifyReplyToken } from '../notifications/reply-token.ts';
import { nextReminderAt, type ReminderConfig } from './contact-schedule.ts';
import { employeeAddress, employeeChannels } from './messages.ts';
import { syncedRecords } from './synced-records.ts';

/**
 * Quarterly re-confirmation of emergency contacts (story 1): employees are asked to confirm that their
 * emergency contacts are still right; each employee gets a message on their configured channels with a
 * link to a small page listing their contacts and one button. The server stores the confirmation; HR's
 * terminal writes it into the employee record (an ordinary, audited, synced edit), so the server never
 * edits synced documents behind the replicas' backs. HR asking again starts a new request (and reminder
 * series); each request has its own links.
 *
 * Links are signed like the reply links but with a key derived for this purpose, so a confirmation link
 * is never accepted as an attendance reply, nor the other way round. Besides HR's requests, the server
 * starts a request on its own when an employee's confirmation is older than the period, and reminds the
 * employee until they confirm (`contact-reminders.ts`); each reminder carries a fresh link to the same request.
 */

const STATEMENTS = [
  `CREATE TABLE IF NOT EXISTS contact_confirmation_requests (
    id text PRIMARY KEY,
    employee_id text NOT NULL,
    requested_by text NOT NULL,
    requested_at bigint NOT NULL,
    channels jsonb NOT NULL,
    confirmed_at bigint
  )`,
  `CREATE INDEX IF NOT EXISTS contact_confirmation_requests_by_employee ON contact_confirmation_requests (employee_id, requested_at)`,
  // Reminders (contact-reminders.ts): how many went out for the request and when the last one did.
  `ALTER TABLE contact_confirmation_requests ADD COLUMN IF NOT EXISTS reminders_sent integer NOT NULL DEFAULT 0`,
  `ALTER TABLE contact_confirmation_requests ADD COLUMN IF NOT EXISTS last_reminder_at bigint`,
  `ALTER TABLE contact_confirmation_requests ADD COLUMN IF NOT EXISTS reminder_claimed_until bigint`,
  // Automatic rounds (contact-reminders.ts): started by the server's pass rather than by HR; `announced_at` is
  // when their first message was final on every channel (HR's requests are sent while HR waits).
  `ALTER TABLE contact_confirmation_requests ADD COLUMN IF NOT EXISTS automatic boolean NOT NULL DEFAULT false`,
  `ALTER TABLE contact_confirmation_requests ADD COLUMN IF NOT EXISTS announced_at bigint`,
  // No more reminders although nobody used a link: the record shows the contacts confirmed since the request
  // (HR checked in person, or wrote a confirmation), or the employee left.
  `ALTER TABLE contact_confirmation_requests ADD COLUMN IF NOT EXISTS closed_at bigint`,
  // When HR was alerted that the frequent reminders ran out unanswered (once per request).
  `ALTER TABLE contact_confirmation_requests ADD COLUMN IF NOT EXISTS hr_alerted_at bigint`,
];

/** Links are signed with a key of their own, derived from the server's reply secret. */
export const confirmationLinkKey = (secret: Buffer): Buffer => createHmac('sha256', secret).update('renshi contact confirmation links').digest();

export type ConfirmationMessage = {
  /** Delivery ids are `<logicalId>|<channel>`. */
  logicalId: string;
  requestId: string;
  employee: Employee;
  channels: readonly MessageChannel[];
  reminder: number | null;
};

/**
 * Sends the request (or reminder `n`) on each channel with its own signed link; the notifier stores every
 * delivery once under its deterministic id, so asking again for the same id sends nothing new. True when
 * every delivery reached a final state (sent or failed for good), false while one waits for a retry.
 */
export async function sendConfirmationMessage(
  m: ConfirmationMessage,
  deps: { notifier: Notifier; key: Buffer; publicUrl: () => string; linkTtlMs: number; now: number },
): Promise<boolean> {
  let final = true;
  for (const channel of m.channels) {
    const id = `${m.logicalId}|${channel}`;
    const r = await deps.notifier.deliver({
      id,
      logicalId: m.logicalId,
      channel,
      recipient: employeeAddress(m.employee, channel)!,
      recipientKind: 'employee',
      siteId: m.employee.siteId,
      subject: m.reminder === null ? '请确认您的紧急联系人' : '提醒：请确认您的紧急联系人',
      text:
        m.reminder === null
          ? `${m.employee.name}您好：公司每季度请员工确认紧急联系人是否仍然有效，以便在紧急情况下联系到您的家人。请点击链接查看并确认。`
          : `${m.employee.name}您好：您还没有确认紧急联系人。公司每季度请员工确认紧急联系人是否仍然有效，以便在紧急情况下联系到您的家人。请点击链接查看并确认；如有变化，请联系人事部门。`,
      link: `${deps.publicUrl().replace(/\/$/, '')}/confirm-contacts/${signReplyToken(deps.key, id, deps.now + deps.linkTtlMs)}`,
      linkLabel: '确认',
      context: { contactConfirmation: m.requestId, employeeId: m.employee.id, ...(m.reminder === null ? {} : { reminder: m.reminder }) },
    });
    if (!r.final) final = false;
  }
  return final;
}

const SendBody = z.object({ employeeIds: z.array(z.string().min(1).max(100)).min(1).max(500) });

export type ContactConfirmationOptions = {
  db: Database;
  notifier: Notifier;
  secret: Buffer;
  publicUrl: () => string;
  linkTtlMs: number;
  clock: () => number;
  /** The period and the reminder backoff, reported to HR's screen with each employee's state. */
  config: ReminderConfig;
};

export async function contactConfirmationRoutes(app: FastifyInstance, opts: ContactConfirmationOptions): Promise<void> {
  const { db, notifier, clock } = opts;
  await db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`renshi-contact-confirmation-migrate:${db.schema}`]);
    for (const sql of STATEMENTS) await tx.query(sql);
  });
  const records = syncedRecords(db);
  const key = confirmationLinkKey(opts.secret);

  /** The request a link names, or the reason the link is refused. */
  const resolve = async (token: string): Promise<{ message: StoredMessage; requestId: string } | { status: number; title: string; text: string }> => {
    const parsed = parseReplyToken(token);
    const invalid = { status: 403, title: '链接无效', text: '此链接无效。请使用消息中的原始链接，或直接联系人事部门。' };
    if (!parsed) return invalid;
    let expired = false;
    for (const message of await notifier.byReplyRef(parsed.ref)) {
      const check = verifyReplyToken(key, parsed, message.id, clock());
      const requestId = message.context.contactConfirmation;
      if (check.ok && typeof requestId === 'string') return { message, requestId };
      if (!check.ok && check.reason === 'expired') expired = true;
    }
    return expired ? { status: 410, title: '链接已过期', text: '此链接已过期。请联系人事部门重新发送。' } : invalid;
  };

  app.post('/escalation/contact-confirmations', async (request) => {
    const principal = requireRole(request, 'admin', 'hr');
    const { employeeIds } = parseInput(SendBody, request.body, 'contact confirmation request');
    const configured = notifier.configuredChannels();
    const sent: { employeeId: string; requestId: string; channels: string[] }[] = [];
    const skipped: { employeeId: string; reason: 'not_found' | 'no_channel' }[] = [];
    for (const employeeId of [...new Set(employeeIds)]) {
      const employee = await records.employee(employeeId);
      if (!employee) {
        skipped.push({ employeeId, reason: 'not_found' });
        continue;
      }
      const channels = employeeChannels(employee, configured);
      if (!channels.length) {
        skipped.push({ employeeId, reason: 'no_channel' });
        continue;
      }
      const now = clock();
      const requestId = `contact-confirm|${employeeId}|${now.toString(36)}`;
      await db.query(`INSERT INTO contact_confirmation_requests (id, employee_id, requested_by, requested_at, channels) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING`, [
        requestId,
        employeeId,
        principal.name,
        now,
        JSON.stringify(channels),
      ]);
      await sendConfirmationMessage({ logicalId: requestId, requestId, employee, channels, reminder: null }, { notifier, key, publicUrl: opts.publicUrl, linkTtlMs: opts.linkTtlMs, now });
      sent.push({ employeeId, requestId, channels });
    }
    return { sent, skipped };
  });

  app.get('/escalation/contact-confirmations', async (request) => {
    requireRole(request, 'admin', 'hr');
    // The latest request per employee with its reminders, and the latest confirmation (which may answer an
    // earlier request).
    type Row = {
      employee_id: string; requested_at: string; requested_by: string; confirmed_at: string | null; reminders_sent: number; last_reminder_at: string | null;
      automatic: boolean; announced_at: string | null; closed_at: string | null; hr_alerted_at: string | null;
    };
    const rows = await db.query<Row>(
      `SELECT r.employee_id, max(r.requested_at) AS requested_at,
              (array_agg(r.requested_by ORDER BY r.requested_at DESC, r.id DESC))[1] AS requested_by,
              max(r.confirmed_at) AS confirmed_at,
              (array_agg(r.reminders_sent ORDER BY r.requested_at DESC, r.id DESC))[1] AS reminders_sent,
              (array_agg(r.last_reminder_at ORDER BY r.requested_at DESC, r.id DESC))[1] AS last_reminder_at,
              (array_agg(r.automatic ORDER BY r.requested_at DESC, r.id DESC))[1] AS automatic,
              (array_agg(r.announced_at ORDER BY r.requested_at DESC, r.id DESC))[1] AS announced_at,
              (array_agg(r.closed_at ORDER BY r.requested_at DESC, r.id DESC))[1] AS closed_at,
              (array_agg(r.hr_alerted_at ORDER BY r.requested_at DESC, r.id DESC))[1] AS hr_alerted_at
         FROM contact_confirmation_requests r GROUP BY r.employee_id ORDER BY r.employee_id`,
    );
    const num = (v: string | null) => (v === null ? null : Number(v));
    const { config } = opts;
    return {
      periodDays: config.periodDays,
      everyDays: config.everyDays,
      maxReminders: config.maxReminders,
      laterEveryDays: config.laterEveryDays,
      employees: rows.map((r) => {
        const requestedAt = Number(r.requested_at);
        const confirmedAt = num(r.confirmed_at);
        const announcedAt = num(r.announced_at);
        const remindersSent = Number(r.reminders_sent);
        const lastReminderAt = num(r.last_reminder_at);
        // Still waiting for the employee: nobody confirmed since this request and the record did not settle it.
        const open = (confirmedAt === null || confirmedAt < requestedAt) && r.closed_at === null;
        const sent = !r.automatic || announcedAt !== null;
        return {
          employeeId: r.employee_id,
          requestedAt,
          requestedBy: r.requested_by,
          automatic: r.automatic,
          confirmedAt,
          confirmedOn: confirmedAt === null ? null : localDateOf(confirmedAt),
          remindersSent,
          lastReminderAt,
          nextReminderAt: open && sent ? nextReminderAt({ requestedAt, announcedAt, lastReminderAt, remindersSent }, config) : null,
          overdue: open && remindersSent >= config.maxReminders,
          hrAlertedAt: num(r.hr_alerted_at),
          closedAt: num(r.closed_at),
        };
      }),
    };
  });

  await app.register(async (scope) => {
    // The page's form posts an empty urlencoded body; nothing in it is read.
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 1024 }, (_req, _body, done) => done(null, {}));
    const html = (reply: FastifyReply, status: number, title: string, body: string) =>
      reply
        .code(status)
        .header('content-type', 'text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('referrer-policy', 'no-referrer')
        .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
        .send(page(title, body));

    scope.get<{ Params: { token: string } }>('/confirm-contacts/:token', { config: { public: true } }, async (request, reply) => {
      const found = await resolve(request.params.token);
      if ('status' in found) return html(reply, found.status, found.title, `<h1>${found.title}</h1><p>${found.text}</p>`);
      const employee = await records.employee(String(found.message.context.employeeId));
      if (!employee) return html(reply, 404, '链接无效', '<h1>链接无效</h1><p>请直接联系人事部门。</p>');
      if (found.message.status !== 'opened' && found.message.status !== 'replied') await notifier.report(found.message.id, 'opened', 'confirmation link visited');
      const contacts = employee.sensitive.emergencyContacts;
      const list = contacts.length
        ? `<ul>${contacts.map((c) => `<li>${escapeHtml(c.name)}${c.relation ? `（${escapeHtml(c.relation)}）` : ''} ${escapeHtml(maskPhone(c.phone))}</li>`).join('')}</ul>`
        : '<p>您还没有登记紧急联系人，请联系人事部门登记。</p>';
      const button = contacts.length ? `<form method="post"><button type="submit">以上信息无误，确认</button></form>` : '';
      return html(
        reply,
        200,
        '确认紧急联系人',
        `<h1>${escapeHtml(employee.name)}，请确认您的紧急联系人</h1>${list}${button}<p class="muted">如有变化，请不要点击确认，直接联系人事部门更新。</p>`,
      );
    });

    scope.post<{ Params: { token: string } }>('/confirm-contacts/:token', { config: { public: true } }, async (request, reply) => {
      const found = await resolve(request.params.token);
      if ('status' in found) return html(reply, found.status, found.title, `<h1>${found.title}</h1><p>${found.text}</p>`);
      const now = clock();
      const rows = await db.query(`UPDATE contact_confirmation_requests SET confirmed_at = $2 WHERE id = $1 AND confirmed_at IS NULL RETURNING id`, [found.requestId, now]);
      if (rows.length) await notifier.report(found.message.id, 'replied', 'emergency contacts confirmed');
      return html(reply, 200, '已确认', `<h1>已确认，谢谢</h1><p>人事部门已收到您的确认（${localDateOf(now)}）。</p>`);
    });
  });
}

/** 13900139001 -> 139****9001: the page may be opened on a shared phone. */
function maskPhone(phone: string): string {
  return phone.length > 7 ? `${phone.slice(0, 3)}${'*'.repeat(phone.length - 7)}${phone.slice(-4)}` : phone;
}

const STYLE = `body{font-family:-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;padding:16px;background:#f5f6f8;color:#1f2328;font-size:17px;line-height:1.5}
main{max-width:480px;margin:0 auto;background:#fff;border-radius:12px;padding:20px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
h1{font-size:20px;margin:0 0 12px}p{margin:0 0 16px}ul{padding-left:20px}
button{font-size:18px;padding:14px;border-radius:10px;border:1px solid #1c7ed6;background:#1c7ed6;color:#fff;width:100%}
.muted{color:#868e96;font-size:14px}`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main>${body}</main></body></html>`;
}
