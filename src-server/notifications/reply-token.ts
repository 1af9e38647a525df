import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Database } from '../db/database.ts';

/**
 * Reply links carry no login: the token itself is the permission to answer one message. It is
 * `ref . expiry . mac`: `ref` names the message (the first 96 bits of SHA-256 of its id, so the link
 * stays short enough for one SMS and for URL path limits), `expiry` is the deadline in ms (base 36) and
 * `mac` is HMAC-SHA256(secret, messageId \n expiry) cut to 128 bits. Nobody without the server secret can
 * make one for another message or stretch its expiry; the MAC is compared in constant time. Single use is
 * not in the token but in the store (one reply per message).
 */
export type ParsedToken = { ref: string; expiry: string; mac: Buffer };
export type TokenCheck = { ok: true; expiresAt: number } | { ok: false; reason: 'malformed' | 'forged' | 'expired' };

const MAC_BYTES = 16;

export function replyRef(messageId: string): string {
  return createHash('sha256').update(messageId, 'utf8').digest().subarray(0, 12).toString('base64url');
}

export function signReplyToken(secret: Buffer, messageId: string, expiresAt: number): string {
  const expiry = expiresAt.toString(36);
  return `${replyRef(messageId)}.${expiry}.${mac(secret, messageId, expiry).toString('base64url')}`;
}

export function parseReplyToken(token: string): ParsedToken | null {
  const m = /^([A-Za-z0-9_-]{16})\.([0-9a-z]{1,12})\.([A-Za-z0-9_-]{22})$/.exec(token);
  return m ? { ref: m[1]!, expiry: m[2]!, mac: Buffer.from(m[3]!, 'base64url') } : null;
}

/** Checks a parsed token against the message its ref points to. */
export function verifyReplyToken(secret: Buffer, token: ParsedToken, messageId: string, now: number): TokenCheck {
  const expected = mac(secret, messageId, token.expiry);
  if (replyRef(messageId) !== token.ref || token.mac.length !== expected.length || !timingSafeEqual(token.mac, expected)) return { ok: false, reason: 'forged' };
  const expiresAt = parseInt(token.expiry, 36);
  if (!(expiresAt > now)) return { ok: false, reason: 'expired' };
  return { ok: true, expiresAt };
}

function mac(secret: Buffer, messageId: string, expiry: string): Buffer {
  return createHmac('sha256', secret).update(`${messageId}\n${expiry}`, 'utf8').digest().subarray(0, MAC_BYTES);
}

/**
 * The signing secret: the configured one, or one generated on first start and kept in the database so
 * every server instance (and the next start) signs and checks with the same key.
 */
export async function replySecret(db: Database, configured: string | null): Promise<Buffer> {
  if (configured) return Buffer.from(configured, 'utf8');
  await db.query(`INSERT INTO notification_settings (key, value) VALUES ('reply_secret', $1) ON CONFLICT (key) DO NOTHING`, [randomBytes(32).toString('base64')]);
  const rows = await db.query<{ value: string }>(`SELECT value FROM notification_settings WHERE key = 'reply_secret'`);
  return Buffer.from(rows[0]!.value, 'base64');
}
