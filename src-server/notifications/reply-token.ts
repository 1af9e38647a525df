import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Database } from '../db/database.ts';

/**
 * Reply links carry no login: the token itself is the permission to answer one message. It is
 * `base64url(messageId) . expiry(ms, base 36) . base64url(HMAC-SHA256(secret, messageId \n expiry))`.
 * Nobody without the server secret can make one for another message or stretch its expiry; the MAC is
 * compared in constant time. Single use is not in the token but in the store (one reply per message).
 */
export type TokenCheck = { ok: true; messageId: string; expiresAt: number } | { ok: false; reason: 'malformed' | 'forged' | 'expired' };

export function signReplyToken(secret: Buffer, messageId: string, expiresAt: number): string {
  const expiry = expiresAt.toString(36);
  return `${Buffer.from(messageId, 'utf8').toString('base64url')}.${expiry}.${mac(secret, messageId, expiry).toString('base64url')}`;
}

export function verifyReplyToken(secret: Buffer, token: string, now: number): TokenCheck {
  const parts = token.split('.');
  if (parts.length !== 3 || token.length > 1000) return { ok: false, reason: 'malformed' };
  const [idPart, expiry, macPart] = parts as [string, string, string];
  if (!/^[A-Za-z0-9_-]+$/.test(idPart) || !/^[0-9a-z]{1,12}$/.test(expiry) || !/^[A-Za-z0-9_-]{43}$/.test(macPart)) return { ok: false, reason: 'malformed' };
  const messageId = Buffer.from(idPart, 'base64url').toString('utf8');
  const given = Buffer.from(macPart, 'base64url');
  const expected = mac(secret, messageId, expiry);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'forged' };
  const expiresAt = parseInt(expiry, 36);
  if (!(expiresAt > now)) return { ok: false, reason: 'expired' };
  return { ok: true, messageId, expiresAt };
}

function mac(secret: Buffer, messageId: string, expiry: string): Buffer {
  return createHmac('sha256', secret).update(`${messageId}\n${expiry}`, 'utf8').digest();
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
