import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openDatabase, type Database } from '../../../src-server/db/database.ts';
import { ChannelError } from '../../../src-server/notifications/channel.ts';
import { emailChannel } from '../../../src-server/notifications/email.ts';
import { migrateNotifications } from '../../../src-server/notifications/migrations.ts';
import { notifier, type Delivery } from '../../../src-server/notifications/notifier.ts';
import { parseReplyToken, replyRef, signReplyToken, verifyReplyToken } from '../../../src-server/notifications/reply-token.ts';
import { smsGatewayChannel } from '../../../src-server/notifications/sms-gateway.ts';
import { wecomChannel } from '../../../src-server/notifications/wecom.ts';
import { SMS_AUTH, startHttpPeers, startSmtpPeer, WECOM, type HttpPeers } from './peers.ts';

let peers: HttpPeers;
let smtp: Awaited<ReturnType<typeof startSmtpPeer>>;
let db: Database;

beforeAll(async () => {
  [peers, smtp, db] = await Promise.all([startHttpPeers(), startSmtpPeer(), openDatabase({})]);
  await migrateNotifications(db);
  await migrateNotifications(db); // applying twice is harmless
});
afterAll(async () => {
  await Promise.all([peers?.close(), smtp?.close(), db?.close()]);
});

const message = (id: string, to: string, link: string | null = 'http://hr.example/reply/abc') => ({
  id,
  to,
  subject: '考勤提醒：2026-03-02 未查到您的上班打卡',
  text: '李明您好：系统未查到您今天的上班打卡。请点击链接告诉我们您的情况。',
  link,
  linkLabel: '回复',
});

describe('WeCom application messages', () => {
  test('fetches a token once, reuses it until it expires, and sends textcard/text in the documented shape', async () => {
    let now = 1_000_000;
    const channel = wecomChannel({ ...WECOM, baseUrl: peers.url }, () => now);
    const before = peers.state.tokenRequests.length;
    const first = await channel.send(message('m1', 'liming'));
    await channel.send(message('m2', 'zhangsan', null));
    expect(peers.state.tokenRequests.length - before).toBe(1);
    expect(peers.state.tokenRequests.at(-1)).toEqual({ corpid: WECOM.corpId, corpsecret: WECOM.corpSecret });
    expect(first).toEqual({ providerMessageId: expect.stringMatching(/^wecom-msg-/), status: 'sent' });
    const [card, text] = peers.state.wecom.slice(-2);
    expect(card).toMatchObject({ touser: 'liming', agentid: WECOM.agentId, msgtype: 'textcard', textcard: { url: 'http://hr.example/reply/abc', btntxt: '回复' }, enable_duplicate_check: 1 });
    expect(card!.textcard!.title).toContain('未查到您的上班打卡');
    expect(text).toMatchObject({ touser: 'zhangsan', msgtype: 'text', text: { content: expect.stringContaining('李明您好') } });

    now += 7200 * 1000; // past expires_in: a new token is fetched
    await channel.send(message('m3', 'liming'));
    expect(peers.state.tokenRequests.length - before).toBe(2);
  });

  test('a token WeCom declares expired is fetched again once and the send goes through', async () => {
    const channel = wecomChannel({ ...WECOM, baseUrl: peers.url });
    await channel.send(message('m4', 'liming'));
    const issued = peers.state.tokensIssued;
    peers.expireTokens();
    const sentBefore = peers.state.wecom.length;
    await channel.send(message('m5', 'liming'));
    expect(peers.state.tokensIssued).toBe(issued + 1);
    expect(peers.state.wecom.length).toBe(sentBefore + 1);
  });

  test('wrong credentials and unknown users are refused as not retryable', async () => {
    const wrong = wecomChannel({ ...WECOM, corpSecret: 'nope', baseUrl: peers.url });
    await expect(wrong.send(message('m6', 'liming'))).rejects.toMatchObject({ name: 'ChannelError', retryable: false, message: expect.stringContaining('40013') });
    peers.state.unknownWecomUsers.add('ghost');
    const channel = wecomChannel({ ...WECOM, baseUrl: peers.url });
    await expect(channel.send(message('m7', 'ghost'))).rejects.toMatchObject({ retryable: false, message: expect.stringContaining('ghost') });
    expect(peers.state.wecomRejected).toEqual([]);
  });

  test('an unreachable WeCom is a retryable error, bounded by the timeout', async () => {
    const channel = wecomChannel({ ...WECOM, baseUrl: 'http://127.0.0.1:1', timeoutMs: 2000 });
    await expect(channel.send(message('m8', 'liming'))).rejects.toMatchObject({ retryable: true });
  });
});

describe('SMS gateway', () => {
  test('fills the JSON body template, sends the auth header, and reads the gateway id', async () => {
    const channel = smsGatewayChannel({ url: `${peers.url}/sms/send`, authHeader: SMS_AUTH });
    const result = await channel.send(message('sms-1', '13800138000'));
    expect(result).toEqual({ providerMessageId: expect.stringMatching(/^gw-/), status: 'sent' });
    expect(peers.state.sms.at(-1)).toEqual({ to: '13800138000', text: expect.stringContaining('http://hr.example/reply/abc'), reference: 'sms-1' });
    // Quotes and newlines in the text stay valid JSON.
    await channel.send({ ...message('sms-2', '13800138000'), text: 'a "quoted"\nline' });
    expect(peers.state.sms.at(-1)!.text.startsWith('a "quoted"\nline')).toBe(true);
    expect(peers.state.smsRejected).toEqual([]);
  });

  test('5xx is retryable, 401 is not, and a template that cannot make JSON fails at construction', async () => {
    const channel = smsGatewayChannel({ url: `${peers.url}/sms/send`, authHeader: SMS_AUTH });
    peers.state.smsFailures = 1;
    await expect(channel.send(message('sms-3', '13800138000'))).rejects.toMatchObject({ retryable: true });
    const unauthorised = smsGatewayChannel({ url: `${peers.url}/sms/send`, authHeader: { name: 'authorization', value: 'wrong' } });
    await expect(unauthorised.send(message('sms-4', '13800138000'))).rejects.toMatchObject({ retryable: false });
    expect(() => smsGatewayChannel({ url: `${peers.url}/sms/send`, bodyTemplate: '{"to":{{to}}}' })).toThrow(ChannelError);
  });
});

describe('email over SMTP', () => {
  test('the SMTP server receives the message with subject, link and a Message-ID derived from the delivery id', async () => {
    const channel = emailChannel({ host: '127.0.0.1', port: smtp.port, from: 'hr@factory.example' });
    try {
      const result = await channel.send(message('mail-1', 'liming@factory.example'));
      expect(result.status).toBe('sent');
      const mail = smtp.mails.at(-1)!;
      expect(mail.to).toEqual(['liming@factory.example']);
      expect(mail.from).toBe('hr@factory.example');
      expect(mail.subject).toBe('考勤提醒：2026-03-02 未查到您的上班打卡');
      expect(mail.body).toContain('李明您好');
      expect(mail.body).toContain('http://hr.example/reply/abc');
      expect(mail.messageId).toBe(`<${Buffer.from('mail-1').toString('base64url')}@factory.example>`);
    } finally {
      channel.close();
    }
  });
});

describe('stored, idempotent deliveries', () => {
  const delivery = (id: string, overrides: Partial<Delivery> = {}): Delivery => ({
    id,
    logicalId: `logical-${id}`,
    channel: 'sms',
    recipient: '13900139000',
    recipientKind: 'employee',
    siteId: 'site-1',
    subject: 's',
    text: '请回复',
    link: null,
    linkLabel: '回复',
    context: {},
    ...overrides,
  });

  test('delivering the same id twice sends once and keeps a status history', async () => {
    const n = notifier({ db, channels: { sms: smsGatewayChannel({ url: `${peers.url}/sms/send`, authHeader: SMS_AUTH }) } });
    const before = peers.state.sms.filter((s) => s.reference === 'd-1').length;
    expect(await n.deliver(delivery('d-1'))).toEqual({ status: 'sent', final: true });
    expect(await n.deliver(delivery('d-1'))).toEqual({ status: 'sent', final: true });
    expect(peers.state.sms.filter((s) => s.reference === 'd-1').length - before).toBe(1);
    const stored = await n.get('d-1');
    expect(stored).toMatchObject({ status: 'sent', providerMessageId: expect.stringMatching(/^gw-/), attempts: 1 });
    expect((await n.history('d-1')).map((h) => h.status)).toEqual(['queued', 'sent']);

    // Later reports move it forward only; a late "delivered" after "opened" stays in the history.
    await n.report('d-1', 'opened');
    await n.report('d-1', 'delivered');
    expect((await n.get('d-1'))!.status).toBe('opened');
    expect((await n.history('d-1')).map((h) => h.status)).toEqual(['queued', 'sent', 'opened', 'delivered']);
  });

  test('two concurrent deliveries of one id send it once', async () => {
    const n = notifier({ db, channels: { sms: smsGatewayChannel({ url: `${peers.url}/sms/send`, authHeader: SMS_AUTH }) } });
    await Promise.all([n.deliver(delivery('d-race')), n.deliver(delivery('d-race')), n.deliver(delivery('d-race'))]);
    expect(peers.state.sms.filter((s) => s.reference === 'd-race')).toHaveLength(1);
  });

  test('a provider failure is retried after a growing wait, up to the limit, then final', async () => {
    let now = 5_000_000;
    const n = notifier({ db, channels: { sms: smsGatewayChannel({ url: `${peers.url}/sms/send`, authHeader: SMS_AUTH }) }, maxAttempts: 3, retryBaseMs: 60_000, clock: () => now });
    peers.state.smsFailures = 1;
    expect(await n.deliver(delivery('d-2'))).toEqual({ status: 'retrying', final: false });
    expect(await n.deliver(delivery('d-2'))).toEqual({ status: 'retrying', final: false }); // too early: not tried
    expect(peers.state.smsFailures).toBe(0);
    now += 61_000;
    expect(await n.deliver(delivery('d-2'))).toEqual({ status: 'sent', final: true });
    peers.state.smsFailures = 5;
    expect(await n.deliver(delivery('d-3'))).toEqual({ status: 'retrying', final: false });
    now += 61_000;
    expect(await n.deliver(delivery('d-3'))).toEqual({ status: 'retrying', final: false });
    now += 3 * 60_000; // second wait is 4 min
    expect(await n.deliver(delivery('d-3'))).toEqual({ status: 'retrying', final: false });
    expect(peers.state.smsFailures).toBe(3);
    now += 60_000;
    expect(await n.deliver(delivery('d-3'))).toEqual({ status: 'failed', final: true });
    now += 60 * 60_000;
    expect(await n.deliver(delivery('d-3'))).toEqual({ status: 'failed', final: true });
    expect(peers.state.smsFailures).toBe(2);
    peers.state.smsFailures = 0;
    expect((await n.history('d-3')).map((h) => h.status)).toEqual(['queued', 'retrying', 'retrying', 'failed']);
    // A channel this server does not have fails at once, without crashing.
    expect(await n.deliver(delivery('d-4', { channel: 'wecom' }))).toEqual({ status: 'failed', final: true });
  });
});

describe('reply tokens', () => {
  const secret = Buffer.from('a-test-secret-of-enough-length');
  test('verifies its own token and refuses forged, tampered, expired and malformed ones', () => {
    const id = 'anomaly|e1|2026-03-02|employee|attempt1|sms';
    const token = signReplyToken(secret, id, 2_000);
    expect(token.length).toBeLessThan(60); // fits an SMS and Fastify's 100-character path parameter
    const parsed = parseReplyToken(token)!;
    expect(parsed.ref).toBe(replyRef(id));
    expect(verifyReplyToken(secret, parsed, id, 1_000)).toEqual({ ok: true, expiresAt: 2_000 });
    expect(verifyReplyToken(secret, parsed, id, 2_000)).toEqual({ ok: false, reason: 'expired' });
    expect(verifyReplyToken(Buffer.from('another-secret-of-enough-length'), parsed, id, 1_000)).toEqual({ ok: false, reason: 'forged' });
    // The same MAC presented for another message, or with a stretched expiry, does not verify.
    expect(verifyReplyToken(secret, parsed, 'anomaly|e2|2026-03-02|employee|attempt1|sms', 1_000)).toEqual({ ok: false, reason: 'forged' });
    expect(verifyReplyToken(secret, { ...parsed, expiry: (9_999_999).toString(36) }, id, 1_000)).toEqual({ ok: false, reason: 'forged' });
    const flipped = Buffer.from(parsed.mac);
    flipped[0] = flipped[0]! ^ 1;
    expect(verifyReplyToken(secret, { ...parsed, mac: flipped }, id, 1_000)).toEqual({ ok: false, reason: 'forged' });
    expect(parseReplyToken('not-a-token')).toBeNull();
    expect(parseReplyToken(`${parsed.ref}.${parsed.expiry}.short`)).toBeNull();
  });
});
