import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { z } from 'zod';

/**
 * Protocol peers the notification tests talk to over real sockets: a stand-in for WeCom's server API and
 * for an SMS gateway (one HTTP server, two path prefixes) that check every request's shape the way the real
 * services document it, and an SMTP server that keeps what it receives.
 */

const WecomSendBody = z
  .object({
    touser: z.string().min(1),
    agentid: z.number().int(),
    msgtype: z.enum(['text', 'textcard']),
    text: z.object({ content: z.string().min(1) }).strict().optional(),
    textcard: z.object({ title: z.string().min(1), description: z.string().min(1), url: z.string().url(), btntxt: z.string().max(4) }).strict().optional(),
    safe: z.number().int().optional(),
    enable_duplicate_check: z.number().int().optional(),
    duplicate_check_interval: z.number().int().optional(),
  })
  .strict()
  .refine((b) => (b.msgtype === 'text' ? b.text !== undefined : b.textcard !== undefined), 'the field named by msgtype is required');
export type WecomSent = z.infer<typeof WecomSendBody>;

const SmsBody = z.object({ to: z.string().regex(/^1\d{10}$/), text: z.string().min(1), reference: z.string().min(1) }).strict();
export type SmsSent = z.infer<typeof SmsBody>;

export const WECOM = { corpId: 'ww-test-corp', corpSecret: 'test-corp-secret', agentId: 1000002 };
export const SMS_AUTH = { name: 'authorization', value: 'Bearer sms-gateway-key' };

export type HttpPeers = Awaited<ReturnType<typeof startHttpPeers>>;

export async function startHttpPeers() {
  const state = {
    tokensIssued: 0,
    validTokens: new Set<string>(),
    tokenRequests: [] as { corpid: string | null; corpsecret: string | null }[],
    wecom: [] as WecomSent[],
    wecomRejected: [] as string[],
    sms: [] as SmsSent[],
    smsRejected: [] as string[],
    /** Answer the next n SMS requests with HTTP 500. */
    smsFailures: 0,
    /** Users WeCom reports as invalid. */
    unknownWecomUsers: new Set<string>(),
  };
  const readBody = (req: IncomingMessage) =>
    new Promise<string>((resolve, reject) => {
      let data = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (data += c));
      req.on('end', () => resolve(data));
      req.on('error', reject);
    });

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://peer');
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const body = await readBody(req);
    if (req.method === 'GET' && url.pathname === '/cgi-bin/gettoken') {
      const corpid = url.searchParams.get('corpid');
      const corpsecret = url.searchParams.get('corpsecret');
      state.tokenRequests.push({ corpid, corpsecret });
      if (corpid !== WECOM.corpId || corpsecret !== WECOM.corpSecret) return json(200, { errcode: 40013, errmsg: 'invalid corpid' });
      const token = `token-${++state.tokensIssued}`;
      state.validTokens.add(token);
      return json(200, { errcode: 0, errmsg: 'ok', access_token: token, expires_in: 7200 });
    }
    if (req.method === 'POST' && url.pathname === '/cgi-bin/message/send') {
      if (!state.validTokens.has(url.searchParams.get('access_token') ?? '')) return json(200, { errcode: 42001, errmsg: 'access_token expired' });
      const parsed = WecomSendBody.safeParse(JSON.parse(body));
      if (!parsed.success || req.headers['content-type'] !== 'application/json') {
        state.wecomRejected.push(body);
        return json(200, { errcode: 40008, errmsg: 'invalid message type' });
      }
      if (parsed.data.agentid !== WECOM.agentId) return json(200, { errcode: 40056, errmsg: 'invalid agentid' });
      if (state.unknownWecomUsers.has(parsed.data.touser)) return json(200, { errcode: 0, errmsg: 'ok', invaliduser: parsed.data.touser, msgid: '' });
      state.wecom.push(parsed.data);
      return json(200, { errcode: 0, errmsg: 'ok', invaliduser: '', msgid: `wecom-msg-${state.wecom.length}` });
    }
    if (req.method === 'POST' && url.pathname === '/sms/send') {
      if (req.headers[SMS_AUTH.name] !== SMS_AUTH.value) return json(401, { error: 'bad key' });
      if (state.smsFailures > 0) {
        state.smsFailures--;
        return json(500, { error: 'gateway busy' });
      }
      const parsed = SmsBody.safeParse(JSON.parse(body));
      if (!parsed.success) {
        state.smsRejected.push(body);
        return json(400, { error: 'bad body' });
      }
      state.sms.push(parsed.data);
      return json(200, { messageId: `gw-${state.sms.length}` });
    }
    json(404, { error: 'no route' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    state,
    /** WeCom invalidates every token it issued (as when another process fetched a new one). */
    expireTokens: () => state.validTokens.clear(),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type ReceivedMail = { from: string; to: string[]; raw: string; subject: string; messageId: string; body: string };

export async function startSmtpPeer() {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          subject: decodeWords(header(raw, 'subject')),
          messageId: header(raw, 'message-id'),
          body: decodeBodies(raw),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return { port, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** An unfolded header value from a raw message. */
function header(raw: string, name: string): string {
  const head = raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
  const line = head.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name}:`));
  return line ? line.slice(name.length + 1).trim() : '';
}

/** RFC 2047 encoded words (=?UTF-8?B?...?= / ?Q?) to text. */
function decodeWords(value: string): string {
  return value.replace(/=\?utf-8\?([bq])\?([^?]*)\?=\s*/gi, (_, enc: string, data: string) =>
    enc.toLowerCase() === 'b' ? Buffer.from(data, 'base64').toString('utf8') : decodeQp(data.replace(/_/g, ' ')),
  );
}

function decodeQp(s: string): string {
  const bytes: number[] = [];
  const text = s.replace(/=\r?\n/g, '');
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '=' && /^[0-9A-F]{2}$/i.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(text[i]!, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Every leaf part's body, decoded from base64 or quoted-printable, joined (enough to assert on text). */
function decodeBodies(raw: string): string {
  const out: string[] = [];
  for (const part of raw.split(/\r?\n--[^\r\n]+\r?\n/)) {
    const split = part.search(/\r?\n\r?\n/);
    if (split < 0) continue;
    const head = part.slice(0, split).toLowerCase();
    const body = part.slice(split).trim().replace(/\r?\n--[^\r\n]+--\s*$/, '');
    if (head.includes('content-transfer-encoding: base64')) out.push(Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8'));
    else if (head.includes('content-transfer-encoding: quoted-printable')) out.push(decodeQp(body));
    else if (head.includes('content-type: text')) out.push(body);
  }
  return out.join('\n');
}
