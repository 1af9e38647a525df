import type { MessageChannel } from '#shared/escalation/missed-punch-escalation';
import type { Database } from '../db/database.ts';
import { ChannelError, type NotificationChannel } from './channel.ts';
import { replyRef } from './reply-token.ts';

/**
 * Stores every message and performs it through its channel, exactly once per delivery id as far as this
 * side can tell:
 *  - A delivery is inserted as `queued` under its deterministic id (ON CONFLICT DO NOTHING), so asking to
 *    deliver the same id again finds the stored row and, once sent, sends nothing.
 *  - Before sending, a worker claims the row with a short lease (one UPDATE ... WHERE unclaimed), so two
 *    server instances or two overlapping ticks never both send it. A worker that died mid-send leaves a
 *    lease that expires, and the delivery is tried again; the id travels with it (WeCom duplicate check,
 *    the SMS gateway reference, the email Message-ID) so the provider can drop that rare repeat.
 *  - Failures the provider may get over (timeouts, 5xx) are retried on later calls, with growing waits,
 *    up to `maxAttempts`; others fail at once. Either way the outcome is final and the caller may acknowledge the command.
 * Status only moves forward (queued → sent → delivered → opened → replied), while the history keeps every
 * report with its time, including late or out-of-order ones.
 */
export const DELIVERY_STATUSES = ['queued', 'retrying', 'sent', 'delivered', 'opened', 'replied', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
const RANK: Record<DeliveryStatus, number> = { queued: 0, retrying: 0, failed: 1, sent: 1, delivered: 2, opened: 3, replied: 4 };
const FINAL: readonly DeliveryStatus[] = ['sent', 'delivered', 'opened', 'replied', 'failed'];

export type RecipientKind = 'employee' | 'emergency_contact' | 'hr';

export type Delivery = {
  id: string;
  logicalId: string;
  channel: MessageChannel;
  recipient: string;
  recipientKind: RecipientKind;
  siteId: string | null;
  subject: string;
  text: string;
  link: string | null;
  linkLabel: string;
  /** What the message is about, for whoever handles its reply (e.g. `{anomalyId, from}`). */
  context: Record<string, unknown>;
};

export type StoredMessage = Omit<Delivery, 'linkLabel'> & {
  status: DeliveryStatus;
  providerMessageId: string | null;
  attempts: number;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
};

export type StatusEntry = { status: string; at: number; detail: string };

type Row = {
  id: string;
  logical_id: string;
  channel: MessageChannel;
  recipient: string;
  recipient_kind: RecipientKind;
  site_id: string | null;
  subject: string;
  body: string;
  link: string | null;
  context: Record<string, unknown>;
  status: DeliveryStatus;
  provider_message_id: string | null;
  attempts: number;
  last_error: string | null;
  created_at: string | number;
  updated_at: string | number;
};
const toMessage = (r: Row): StoredMessage => ({
  id: r.id,
  logicalId: r.logical_id,
  channel: r.channel,
  recipient: r.recipient,
  recipientKind: r.recipient_kind,
  siteId: r.site_id,
  subject: r.subject,
  text: r.body,
  link: r.link,
  context: r.context,
  status: r.status,
  providerMessageId: r.provider_message_id,
  attempts: Number(r.attempts),
  lastError: r.last_error,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

export type NotifierOptions = {
  db: Database;
  channels: Partial<Record<MessageChannel, NotificationChannel>>;
  clock?: () => number;
  maxAttempts?: number;
  /** How long a claimed send may take before another worker may try it again. */
  leaseMs?: number;
  /** Wait before the first retry; each later one waits four times longer. */
  retryBaseMs?: number;
};

export function notifier({ db, channels, clock = Date.now, maxAttempts = 5, leaseMs = 5 * 60_000, retryBaseMs = 60_000 }: NotifierOptions) {
  const history = async (messageId: string, status: string, at: number, detail = '') => {
    await db.query(`INSERT INTO notification_status_history (message_id, status, at, detail) VALUES ($1, $2, $3, $4)`, [messageId, status, at, detail.slice(0, 1000)]);
  };
  const get = async (id: string): Promise<StoredMessage | null> => {
    const rows = await db.query<Row>(`SELECT * FROM notification_messages WHERE id = $1`, [id]);
    return rows[0] ? toMessage(rows[0]) : null;
  };

  return {
    configuredChannels(): MessageChannel[] {
      return Object.keys(channels) as MessageChannel[];
    },

    get,

    /** Stores the delivery (once) and sends it unless it already went out. */
    async deliver(d: Delivery): Promise<{ status: DeliveryStatus; final: boolean }> {
      const now = clock();
      const inserted = await db.query(
        `INSERT INTO notification_messages (id, logical_id, channel, recipient, recipient_kind, site_id, subject, body, link, reply_ref, context, status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'queued', $12, $12) ON CONFLICT (id) DO NOTHING RETURNING id`,
        [d.id, d.logicalId, d.channel, d.recipient, d.recipientKind, d.siteId, d.subject, d.text, d.link, replyRef(d.id), JSON.stringify(d.context), now],
      );
      if (inserted.length) await history(d.id, 'queued', now);

      const claimed = await db.query<Row>(
        `UPDATE notification_messages SET claimed_until = $2, attempts = attempts + 1, updated_at = $3
          WHERE id = $1 AND status IN ('queued', 'retrying') AND (claimed_until IS NULL OR claimed_until <= $3) RETURNING *`,
        [d.id, now + leaseMs, now],
      );
      const row = claimed[0];
      if (!row) {
        const stored = await get(d.id);
        return { status: stored!.status, final: FINAL.includes(stored!.status) };
      }
      const message = toMessage(row);
      const channel = channels[message.channel];
      try {
        if (!channel) throw new ChannelError(message.channel, 'channel is not configured on this server', false);
        const result = await channel.send({ id: message.id, to: message.recipient, subject: message.subject, text: message.text, link: message.link, linkLabel: d.linkLabel });
        const at = clock();
        await db.query(
          `UPDATE notification_messages SET status = $2, provider_message_id = $3, claimed_until = NULL, last_error = NULL, updated_at = $4 WHERE id = $1`,
          [message.id, result.status, result.providerMessageId, at],
        );
        await history(message.id, result.status, at, result.providerMessageId ? `provider id ${result.providerMessageId}` : '');
        return { status: result.status, final: true };
      } catch (err) {
        const at = clock();
        const retryable = !(err instanceof ChannelError) || err.retryable;
        const status: DeliveryStatus = retryable && message.attempts < maxAttempts ? 'retrying' : 'failed';
        const detail = `attempt ${message.attempts}: ${(err as Error).message}`;
        // A retry waits (1, 4, 16, 64 min): a gateway outage of a few minutes does not use up the attempts.
        const notBefore = status === 'retrying' ? at + retryBaseMs * 4 ** (message.attempts - 1) : null;
        await db.query(`UPDATE notification_messages SET status = $2, last_error = $3, claimed_until = $5, updated_at = $4 WHERE id = $1`, [
          message.id,
          status,
          detail.slice(0, 1000),
          at,
          notBefore,
        ]);
        await history(message.id, status, at, detail);
        return { status, final: status === 'failed' };
      }
    },

    /** Records a later report (delivery receipt, link opened, reply); the current status never moves back. */
    async report(messageId: string, status: 'delivered' | 'opened' | 'replied' | 'failed', detail = ''): Promise<StoredMessage | null> {
      const stored = await get(messageId);
      if (!stored) return null;
      const at = clock();
      await history(messageId, status, at, detail);
      const forward = status === 'failed' ? RANK[stored.status] <= RANK.sent : RANK[status] > RANK[stored.status];
      if (forward) await db.query(`UPDATE notification_messages SET status = $2, updated_at = $3 WHERE id = $1`, [messageId, status, at]);
      return get(messageId);
    },

    /** Messages whose id hashes to a reply link's ref (normally one; a hash collision would show as several). */
    async byReplyRef(ref: string): Promise<StoredMessage[]> {
      const rows = await db.query<Row>(`SELECT * FROM notification_messages WHERE reply_ref = $1`, [ref]);
      return rows.map(toMessage);
    },

    async byProviderId(channel: MessageChannel, providerMessageId: string): Promise<StoredMessage | null> {
      const rows = await db.query<Row>(`SELECT * FROM notification_messages WHERE channel = $1 AND provider_message_id = $2 LIMIT 1`, [channel, providerMessageId]);
      return rows[0] ? toMessage(rows[0]) : null;
    },

    async byLogicalIds(logicalIds: string[]): Promise<StoredMessage[]> {
      if (!logicalIds.length) return [];
      const rows = await db.query<Row>(`SELECT * FROM notification_messages WHERE logical_id = ANY($1) ORDER BY created_at, id`, [logicalIds]);
      return rows.map(toMessage);
    },

    async history(messageId: string): Promise<StatusEntry[]> {
      const rows = await db.query<{ status: string; at: string | number; detail: string }>(
        `SELECT status, at, detail FROM notification_status_history WHERE message_id = $1 ORDER BY id`,
        [messageId],
      );
      return rows.map((r) => ({ status: r.status, at: Number(r.at), detail: r.detail }));
    },

    /** In-app messages addressed to an inbox (e.g. `hr`), newest first; `siteId` limits them to one site's. */
    async inbox(recipient: string, siteId: string | null, limit: number): Promise<StoredMessage[]> {
      const rows =
        siteId === null
          ? await db.query<Row>(`SELECT * FROM notification_messages WHERE channel = 'in_app' AND recipient = $1 ORDER BY created_at DESC, id LIMIT $2`, [recipient, limit])
          : await db.query<Row>(`SELECT * FROM notification_messages WHERE channel = 'in_app' AND recipient = $1 AND site_id = $3 ORDER BY created_at DESC, id LIMIT $2`, [
              recipient,
              limit,
              siteId,
            ]);
      return rows.map(toMessage);
    },

    /** Stores the answer to a logical message; false when it was already answered (the link is single-use). */
    async recordReply(r: { logicalId: string; messageId: string; reason: string; text: string }): Promise<boolean> {
      const rows = await db.query(
        `INSERT INTO notification_replies (logical_id, message_id, reason, text, at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (logical_id) DO NOTHING RETURNING logical_id`,
        [r.logicalId, r.messageId, r.reason, r.text, clock()],
      );
      return rows.length > 0;
    },

    async replyTo(logicalId: string): Promise<{ messageId: string; reason: string; text: string; at: number } | null> {
      const rows = await db.query<{ message_id: string; reason: string; text: string; at: string | number }>(`SELECT * FROM notification_replies WHERE logical_id = $1`, [logicalId]);
      const r = rows[0];
      return r ? { messageId: r.message_id, reason: r.reason, text: r.text, at: Number(r.at) } : null;
    },
  };
}
export type Notifier = ReturnType<typeof notifier>;
