import { z } from 'zod';
import { ChannelError, fetchWithTimeout, readJson, type ChannelSendResult, type NotificationChannel, type OutgoingMessage } from './channel.ts';

/**
 * WeCom (企业微信) application messages, as the public server API documents them:
 *  - `GET /cgi-bin/gettoken?corpid=&corpsecret=` -> `{errcode, errmsg, access_token, expires_in}`. The token
 *    is per application, valid `expires_in` seconds (7200), and the API rate-limits fetching it, so it is
 *    cached until shortly before it expires and shared by concurrent sends.
 *  - `POST /cgi-bin/message/send?access_token=` with `{touser, msgtype, agentid, text|textcard, ...}` ->
 *    `{errcode, errmsg, invaliduser, msgid}`. A message with a reply link goes out as a `textcard` (title,
 *    description, url, btntxt), otherwise as `text`. `enable_duplicate_check` makes WeCom drop an identical
 *    request within 30 minutes, which covers a crash between the send and our record of it.
 * A token WeCom reports as expired or invalid (42001, 40014, 40001) is fetched again once.
 */
export const WecomConfig = z.object({
  corpId: z.string().trim().min(1).max(64),
  corpSecret: z.string().trim().min(1).max(256),
  agentId: z.coerce.number().int().nonnegative(),
  baseUrl: z.string().url().default('https://qyapi.weixin.qq.com'),
  timeoutMs: z.number().int().positive().default(10_000),
});
export type WecomConfig = z.input<typeof WecomConfig>;

const TokenAnswer = z.object({ errcode: z.number(), errmsg: z.string().optional(), access_token: z.string().optional(), expires_in: z.number().optional() });
const SendAnswer = z.object({ errcode: z.number(), errmsg: z.string().optional(), invaliduser: z.string().optional(), msgid: z.string().optional() });

const TOKEN_ERRORS = new Set([40001, 40014, 42001]);
/** Refresh this long before WeCom's stated expiry, so a token never dies between check and use. */
const EXPIRY_MARGIN_MS = 5 * 60_000;

export function wecomChannel(input: WecomConfig, clock: () => number = Date.now): NotificationChannel {
  const config = WecomConfig.parse(input);
  let cached: { token: string; expiresAt: number } | null = null;
  let pending: Promise<string> | null = null;

  const fetchToken = async (): Promise<string> => {
    const url = new URL('/cgi-bin/gettoken', config.baseUrl);
    url.searchParams.set('corpid', config.corpId);
    url.searchParams.set('corpsecret', config.corpSecret);
    const res = await fetchWithTimeout('wecom', url.toString(), { method: 'GET' }, config.timeoutMs);
    const answer = TokenAnswer.safeParse(await readJson('wecom', res));
    if (!answer.success) throw new ChannelError('wecom', `gettoken answered an unexpected shape (HTTP ${res.status})`, res.status >= 500);
    if (answer.data.errcode !== 0 || !answer.data.access_token) {
      throw new ChannelError('wecom', `gettoken refused: ${answer.data.errcode} ${answer.data.errmsg ?? ''}`.trim(), answer.data.errcode === -1);
    }
    cached = { token: answer.data.access_token, expiresAt: clock() + (answer.data.expires_in ?? 7200) * 1000 - EXPIRY_MARGIN_MS };
    return cached.token;
  };

  const token = async (): Promise<string> => {
    if (cached && clock() < cached.expiresAt) return cached.token;
    pending ??= fetchToken().finally(() => (pending = null));
    return pending;
  };

  const post = async (accessToken: string, body: unknown) => {
    const url = new URL('/cgi-bin/message/send', config.baseUrl);
    url.searchParams.set('access_token', accessToken);
    const res = await fetchWithTimeout('wecom', url.toString(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }, config.timeoutMs);
    const answer = SendAnswer.safeParse(await readJson('wecom', res));
    if (!answer.success) throw new ChannelError('wecom', `message/send answered an unexpected shape (HTTP ${res.status})`, res.status >= 500);
    return answer.data;
  };

  return {
    name: 'wecom',
    async send(message: OutgoingMessage): Promise<ChannelSendResult> {
      const body = {
        touser: message.to,
        agentid: config.agentId,
        ...(message.link
          ? {
              msgtype: 'textcard',
              textcard: { title: truncateBytes(message.subject, 128), description: truncateBytes(message.text, 512), url: message.link, btntxt: message.linkLabel.slice(0, 4) },
            }
          : { msgtype: 'text', text: { content: truncateBytes(message.text, 2048) } }),
        safe: 0,
        enable_duplicate_check: 1,
        duplicate_check_interval: 1800,
      };
      let answer = await post(await token(), body);
      if (TOKEN_ERRORS.has(answer.errcode)) {
        cached = null;
        answer = await post(await token(), body);
      }
      if (answer.errcode !== 0) throw new ChannelError('wecom', `message/send refused: ${answer.errcode} ${answer.errmsg ?? ''}`.trim(), answer.errcode === -1);
      // WeCom answers 0 but lists recipients it could not reach (unknown userid, left the company).
      if (answer.invaliduser && answer.invaliduser.split('|').includes(message.to)) {
        throw new ChannelError('wecom', `WeCom does not know user ${message.to}`, false);
      }
      return { providerMessageId: answer.msgid ?? null, status: 'sent' };
    },
  };
}

/** WeCom limits fields in UTF-8 bytes, and a Chinese character takes three. */
function truncateBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  let out = '';
  for (const ch of text) {
    if (Buffer.byteLength(out + ch + '…', 'utf8') > maxBytes) break;
    out += ch;
  }
  return out + '…';
}
