import Fastify, { type FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { NoticeView } from '#shared/cases/notice-delivery';
import { SignedNoticeRecord } from '#shared/evidence/bundle-manifest';
import { verifySignature } from '#shared/signature/signed-document';
import { authRoutes, registerAuthGuard } from '../../src-server/auth/routes.ts';
import { authService } from '../../src-server/auth/service.ts';
import { openDatabase, type Database } from '../../src-server/db/database.ts';
import { migrate } from '../../src-server/db/migrations.ts';
import { registerDelivery } from '../../src-server/delivery/module.ts';
import { registerSignedRecords } from '../../src-server/delivery/signed-record.ts';
import { registerErrorHandler } from '../../src-server/http/errors.ts';
import { caseReads, migrateCaseReads } from '../../src-server/audit/case-reads.ts';
import { ChangeFeed, feedChannelOf } from '../../src-server/sync/feed.ts';
import { syncRepository } from '../../src-server/sync/repository.ts';
import { syncService } from '../../src-server/sync/service.ts';
import { SMS_AUTH, WECOM, startHttpPeers, startSmtpPeer, type HttpPeers } from './notifications/peers.ts';
import { employee } from './support/fixtures.ts';

// Electronic delivery of a case notice over real sockets: WeCom and the SMS gateway are local HTTP peers,
// email goes to a local SMTP server. The employee opens the link, signs, and the signature verifies; a
// changed document reads as altered; links are single use and cannot be forged.

const PNG = `data:image/png;base64,${Buffer.from('fake-png-bytes-of-a-drawn-signature').toString('base64')}`;
let peers: HttpPeers;
let smtp: Awaited<ReturnType<typeof startSmtpPeer>>;
let db: Database;
let app: FastifyInstance;
let url = '';
let token = '';
let now = Date.UTC(2026, 2, 6, 2);

const call = async (method: string, path: string, body?: unknown, auth = true) => {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { ...(auth ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json', 'user-agent': 'PhoneBrowser/1.0' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  return { status: res.status, body: text.startsWith('{') ? JSON.parse(text) : text };
};

beforeAll(async () => {
  [peers, smtp] = await Promise.all([startHttpPeers(), startSmtpPeer()]);
  db = await openDatabase({});
  await migrate(db);
  app = Fastify({ logger: false, forceCloseConnections: true });
  const auth = authService({ db });
  registerErrorHandler(app);
  registerAuthGuard(app, auth);
  authRoutes(app, auth);
  const syncRepo = syncRepository();
  await migrateCaseReads(db);
  const reads = caseReads({ db, sync: syncService({ db, repo: syncRepo, feed: new ChangeFeed(db, syncRepo, feedChannelOf(db)) }), clock: () => now });
  await registerDelivery(app, {
    db,
    reads,
    clock: () => now,
    publicUrl: () => url,
    config: {
      wecom: { ...WECOM, baseUrl: peers.url },
      sms: { url: `${peers.url}/sms/send`, authHeader: SMS_AUTH, reportToken: 'report-token-0123456789' },
      smtp: { host: '127.0.0.1', port: smtp.port, from: 'hr@factory.example' },
    },
  });
  registerSignedRecords(app, { db, reads });
  await auth.ensureAdmin({ username: 'hr-admin', password: 'hr-admin-password', now: Date.now() });
  await app.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  token = (await auth.login({ username: 'hr-admin', password: 'hr-admin-password', now: Date.now() })).token;
  const repo = syncRepository();
  const li = employee('emp-li', { name: '李伟', phone: '13800138000', email: 'li.wei@example.com', workAccounts: [{ kind: 'wecom', account: 'liwei', revokedAt: null, revokedBy: null }] });
  // 张敏 signed a 送达地址确认书: her agreed mobile differs from the work phone on her record.
  const zhang = employee('emp-zhang', {
    name: '张敏', phone: '13900139000', email: 'zhang.min@factory.example', workAccounts: [{ kind: 'wecom', account: 'zhangmin', revokedAt: null, revokedBy: null }],
    sensitive: { idNumber: null, emergencyContacts: [], monthlySalaryFen: null, bankAccount: null, agreedDeliveryAddresses: { postal: '广东省东莞市松山湖大道 8 号 3 栋 201', email: 'zhangmin@home.example', phone: '13700137000', wecom: 'zhangmin', confirmedOn: '2025-09-01', evidenceSha256: null } },
  });
  await db.transaction(async (tx) => {
    await repo.lockCollection(tx, 'employees');
    await repo.upsert(tx, 'employees', [li, zhang].map((e) => ({ id: e.id, data: e, deleted: false, siteId: e.siteId })));
  });
});
afterAll(async () => {
  await app?.close();
  await db?.close();
  await Promise.all([peers?.close(), smtp?.close()]);
});

const linkOf = (text: string) => /https?:\/\/\S+\/delivery\/sign\/[A-Za-z0-9_.-]+/.exec(text)?.[0] ?? null;

describe('electronic delivery and e-signature', () => {
  test('one notice on four channels, opened and signed through a single-use link; the signature verifies', async () => {
    const sent = await call('POST', '/delivery/notices', {
      noticeId: 'n-1', caseId: 'case-1', employeeId: 'emp-li', kind: 'termination-notice',
      title: '解除劳动合同通知书', body: '李伟：因您自2026年3月2日起未到岗……\n特此通知。', channels: ['in_app', 'sms', 'email', 'wecom'],
    });
    expect(sent.status).toBe(200);
    const view = NoticeView.parse(sent.body);
    expect(view.deliveries.map((d) => d.channel).sort()).toEqual(['email', 'in_app', 'sms', 'wecom']);
    for (const d of view.deliveries) expect(d.sentAt).toBe(now);
    expect(view.documentHash).toMatch(/^[0-9a-f]{64}$/);

    // Each provider got a message with its own link.
    expect(peers.state.sms).toHaveLength(1);
    expect(peers.state.sms[0]!.to).toBe('13800138000');
    expect(peers.state.wecom).toHaveLength(1);
    await expect.poll(() => smtp.mails.filter((m) => m.to.includes('li.wei@example.com')).length, { timeout: 5_000 }).toBe(1);
    const smsLink = linkOf(peers.state.sms[0]!.text);
    const mailLink = linkOf(smtp.mails.find((m) => m.to.includes('li.wei@example.com'))!.body);
    expect(smsLink).not.toBeNull();
    expect(mailLink).not.toBeNull();
    expect(smsLink).not.toBe(mailLink);

    // Opening stamps opened (and delivered) on that channel only.
    now += 60_000;
    const page = await call('GET', new URL(smsLink!).pathname, undefined, false);
    expect(page.status).toBe(200);
    expect(page.body).toContain('解除劳动合同通知书');
    expect(page.body).toContain('<canvas');
    let notices = (await call('GET', '/delivery/notices?caseId=case-1')).body.notices.map((n: unknown) => NoticeView.parse(n));
    const sms = notices[0].deliveries.find((d: { channel: string }) => d.channel === 'sms');
    expect(sms.openedAt).toBe(now);
    expect(notices[0].deliveries.find((d: { channel: string }) => d.channel === 'email').openedAt).toBeNull();

    // A wrong name, a missing acknowledgement and a forged link are refused.
    const path = new URL(smsLink!).pathname;
    expect((await call('POST', path, { typedName: '王五', signatureImage: PNG, acknowledged: true }, false)).status).toBe(400);
    expect((await call('POST', path, { typedName: '李伟', signatureImage: PNG }, false)).status).toBe(400);
    const forged = path.slice(0, -3) + (path.endsWith('AAA') ? 'BBB' : 'AAA');
    expect((await call('POST', forged, { typedName: '李伟', signatureImage: PNG, acknowledged: true }, false)).status).toBe(403);

    now += 60_000;
    const signed = await call('POST', path, { typedName: '李伟', signatureImage: PNG, acknowledged: true }, false);
    expect(signed.status).toBe(200);
    // Single use: neither this link nor another channel's signs again.
    expect((await call('POST', path, { typedName: '李伟', signatureImage: PNG, acknowledged: true }, false)).status).toBe(409);
    expect((await call('POST', new URL(mailLink!).pathname, { typedName: '李伟', signatureImage: PNG, acknowledged: true }, false)).status).toBe(409);

    notices = (await call('GET', '/delivery/notices?caseId=case-1')).body.notices.map((n: unknown) => NoticeView.parse(n));
    const n = notices[0];
    expect(n.signature).toMatchObject({ signerName: '李伟', typedName: '李伟', signedAt: now, status: 'verified', device: 'PhoneBrowser/1.0', image: PNG });
    expect(n.deliveries.find((d: { channel: string }) => d.channel === 'sms').acknowledgedAt).toBe(now);

    // Someone edits the stored notice afterwards: the signature reads as altered, naming the field.
    await db.query(`UPDATE case_notices SET document = jsonb_set(document, '{body}', '"另一份内容"') WHERE id = 'n-1'`);
    const after = NoticeView.parse((await call('GET', '/delivery/notices?caseId=case-1')).body.notices[0]);
    expect(after.signature?.status).toBe('altered');
    expect(after.signature?.changes.join(' ')).toContain('body');
  });

  test('the signed record for the evidence bundle: document, signature record (signer, time, IP, user agent, typed name) and image, verifying again off the server', async () => {
    await call('POST', '/delivery/notices', { noticeId: 'n-sig', caseId: 'case-sig', employeeId: 'emp-li', kind: 'return-to-work-notice', title: '返岗通知书', body: '请于三日内返岗。', channels: ['sms'] });
    const unsigned = SignedNoticeRecord.parse((await call('GET', '/delivery/notices/n-sig/signed-record')).body);
    expect(unsigned).toMatchObject({ noticeId: 'n-sig', caseId: 'case-sig', title: '返岗通知书', signature: null, signatureImage: null, signedAt: null, verdict: null });
    const link = linkOf(peers.state.sms.at(-1)!.text)!;
    now += 60_000;
    expect((await call('POST', new URL(link).pathname, { typedName: '李伟', signatureImage: PNG, acknowledged: true }, false)).status).toBe(200);

    const r = await call('GET', '/delivery/notices/n-sig/signed-record');
    expect(r.status).toBe(200);
    const rec = SignedNoticeRecord.parse(r.body);
    expect(rec).toMatchObject({ noticeId: 'n-sig', title: '返岗通知书', signatureImage: PNG, signedAt: now, verdict: 'verified', document: { body: '请于三日内返岗。', employeeName: '李伟' } });
    expect(rec.signature).toMatchObject({
      id: 'sig|n-sig', documentId: 'n-sig', documentHash: rec.documentHash, signedAt: now, ip: '127.0.0.1', device: 'PhoneBrowser/1.0', authMethod: 'signed-link',
      signer: { employeeId: 'emp-li', name: '李伟', typedName: '李伟' },
    });
    expect(await verifySignature(rec.document, rec.signature, rec.signatureImage)).toEqual({ status: 'verified' });
    // One character of the signed document or of the record changed: no longer verifies.
    expect((await verifySignature({ ...rec.document, body: '请于五日内返岗。' }, rec.signature, rec.signatureImage)).status).toBe('altered');
    expect((await verifySignature(rec.document, { ...(rec.signature as object), ip: '127.0.0.2' }, rec.signatureImage)).status).toBe('altered');
    expect((await verifySignature(rec.document, rec.signature, PNG.replace(/.$/, PNG.endsWith('A') ? 'B' : 'A'))).status).toBe('altered');
  });

  test('paper / EMS delivery keeps the dates of the tracking record, next to who entered them and when', async () => {
    await call('POST', '/delivery/notices', { noticeId: 'n-2', caseId: 'case-2', employeeId: 'emp-li', kind: 'return-to-work-notice', title: '返岗通知书', body: '请于三日内返岗。', channels: [] });
    const posted = now - 3 * 86_400_000; // EMS took it three days ago
    const signed = now - 86_400_000 - 3_600_000; // the tracking record: signed for yesterday
    const r = await call('POST', '/delivery/notices/n-2/paper', { channel: 'ems', trackingNumber: 'EA123456789CN', sentAt: posted, outcome: { outcome: 'delivered', outcomeAt: signed, signedBy: '李母' } });
    expect(r.status).toBe(200);
    const d = NoticeView.parse(r.body).deliveries[0]!;
    expect(d).toMatchObject({ channel: 'ems', trackingNumber: 'EA123456789CN', signedBy: '李母', sentAt: posted, deliveredAt: signed, outcome: 'delivered', outcomeAt: signed, enteredBy: 'hr-admin', enteredAt: now });

    // A letter posted now whose outcome is not known yet; it comes back refused two days later.
    const pending = NoticeView.parse((await call('POST', '/delivery/notices/n-2/paper', { channel: 'registered-mail', trackingNumber: 'XA100' })).body).deliveries.find((x) => x.trackingNumber === 'XA100')!;
    expect(pending).toMatchObject({ sentAt: now, deliveredAt: null, outcome: null, enteredAt: now });
    const entered = now;
    now += 2 * 86_400_000;
    const refusedAt = now - 3_600_000;
    const outcomePath = `/delivery/notices/n-2/paper/${encodeURIComponent(pending.id)}/outcome`;
    const refused = await call('POST', outcomePath, { outcome: 'refused', outcomeAt: refusedAt });
    expect(refused.status).toBe(200);
    // Refused is recorded with its date and is not a delivery; who entered it and when are kept apart from the letter's entry.
    expect(NoticeView.parse(refused.body).deliveries.find((x) => x.id === pending.id)).toMatchObject({ outcome: 'refused', outcomeAt: refusedAt, deliveredAt: null, enteredAt: entered, outcomeEnteredBy: 'hr-admin', outcomeEnteredAt: now });
    // The first outcome stands.
    expect((await call('POST', outcomePath, { outcome: 'delivered', outcomeAt: now, signedBy: '李伟' })).status).toBe(409);
  });

  test('paper delivery dates in the future or before the letter went out are refused', async () => {
    await call('POST', '/delivery/notices', { noticeId: 'n-dates', caseId: 'case-2', employeeId: 'emp-li', kind: 'return-to-work-notice', title: '返岗通知书', body: '请于三日内返岗。', channels: [] });
    const cases = [
      { sentAt: now + 86_400_000 }, // posted tomorrow
      { sentAt: now - 86_400_000, outcome: { outcome: 'delivered', outcomeAt: now + 3_600_000, signedBy: '李伟' } }, // signed for in an hour
      { sentAt: now - 86_400_000, outcome: { outcome: 'returned', outcomeAt: now - 2 * 86_400_000 } }, // returned before it was posted
      { sentAt: now - 86_400_000, outcome: { outcome: 'delivered', outcomeAt: now - 3_600_000 } }, // signed for, by nobody
    ];
    for (const body of cases) {
      const r = await call('POST', '/delivery/notices/n-dates/paper', { channel: 'ems', trackingNumber: 'EA9', ...body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code).toBe('validation-failed');
    }
    const listed = NoticeView.parse((await call('GET', '/delivery/notices?caseId=case-2')).body.notices.find((n: { id: string }) => n.id === 'n-dates'));
    expect(listed.deliveries).toEqual([]);
    // Within the clock skew a terminal's "now" is accepted.
    expect((await call('POST', '/delivery/notices/n-dates/paper', { channel: 'paper', sentAt: now + 60_000, outcome: { outcome: 'delivered', outcomeAt: now + 60_000, signedBy: '李伟' } })).status).toBe(200);
  });

  test('deliveries go to the agreed addresses by default and say whether each went to an agreed address', async () => {
    const smsBefore = peers.state.sms.length;
    const sent = await call('POST', '/delivery/notices', {
      noticeId: 'n-agreed', caseId: 'case-z', employeeId: 'emp-zhang', kind: 'return-to-work-notice', title: '返岗通知书', body: '请于三日内返岗。',
      channels: ['in_app', 'sms', 'email', 'wecom'], addresses: { email: 'zhang.min@factory.example' },
    });
    expect(sent.status).toBe(200);
    const by = Object.fromEntries(NoticeView.parse(sent.body).deliveries.map((d) => [d.channel, d]));
    // No address given for SMS: the agreed mobile, not the record's work phone.
    expect(by.sms).toMatchObject({ recipient: '13700137000', addressKind: 'agreed' });
    expect(peers.state.sms[smsBefore]!.to).toBe('13700137000');
    expect(by.wecom).toMatchObject({ recipient: 'zhangmin', addressKind: 'agreed' });
    // HR chose the work email instead of the agreed personal one: delivered, but marked as another address.
    expect(by.email).toMatchObject({ recipient: 'zhang.min@factory.example', addressKind: 'other' });
    expect(by.in_app!.addressKind).toBeNull();

    // EMS to the agreed postal address (written differently) counts as agreed; to another address does not.
    const ems = NoticeView.parse((await call('POST', '/delivery/notices/n-agreed/paper', { channel: 'ems', trackingNumber: 'EA1', address: '广东省东莞市松山湖大道8号 3栋 201' })).body);
    expect(ems.deliveries.find((d) => d.trackingNumber === 'EA1')).toMatchObject({ addressKind: 'agreed', recipient: '广东省东莞市松山湖大道8号 3栋 201' });
    const other = NoticeView.parse((await call('POST', '/delivery/notices/n-agreed/paper', { channel: 'registered-mail', trackingNumber: 'XA2', address: '湖南省衡阳市某村' })).body);
    expect(other.deliveries.find((d) => d.trackingNumber === 'XA2')?.addressKind).toBe('other');

    // Someone without a confirmation on file: every address is "other".
    const li = NoticeView.parse((await call('POST', '/delivery/notices', { noticeId: 'n-li', caseId: 'case-l', employeeId: 'emp-li', kind: 'k', title: 't', body: 'b', channels: ['sms'] })).body);
    expect(li.deliveries[0]).toMatchObject({ recipient: '13800138000', addressKind: 'other' });
  });

  test('bad input and missing login are refused with reasons', async () => {
    expect((await call('POST', '/delivery/notices', { noticeId: 'n-3', caseId: 'c', employeeId: 'emp-li', kind: 'Bad Kind', title: 't', body: 'b' })).status).toBe(400);
    expect((await call('POST', '/delivery/notices', { noticeId: 'n-3', caseId: 'c', employeeId: 'nobody', kind: 'k', title: 't', body: 'b' })).status).toBe(404);
    expect((await call('GET', '/delivery/notices?caseId=case-1', undefined, false)).status).toBe(401);
    expect((await call('GET', '/delivery/sign/garbage', undefined, false)).status).toBe(403);
  });
});
