import { createHmac, randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { addressKindOf, agreedAddressFor } from '#shared/cases/delivery-address';
import { NoticeView, PaperDeliveryBody, PaperOutcomeBody, paperDateProblems, SendNoticeBody, type DeliveryView } from '#shared/cases/notice-delivery';
import { RenshiError } from '#shared/errors';
import { documentContentHash, signDocument, verifySignature, type SignatureChange } from '#shared/signature/signed-document';
import type { CaseReads } from '../audit/case-reads.ts';
import { caseAccess } from '../cases/case-access.ts';
import { requireRole } from '../auth/routes.ts';
import type { Database } from '../db/database.ts';
import { employeeAddress } from '../escalation/messages.ts';
import { syncedRecords } from '../escalation/synced-records.ts';
import { parseInput } from '../http/errors.ts';
import { buildChannels, NotificationConfig, notificationConfigFromEnv } from '../notifications/config.ts';
import { escapeHtml } from '../notifications/email.ts';
import { migrateNotifications } from '../notifications/migrations.ts';
import { notifier as createNotifier, type Notifier } from '../notifications/notifier.ts';
import { parseReplyToken, replyRef, replySecret, signReplyToken, verifyReplyToken } from '../notifications/reply-token.ts';
import { migrateDelivery, noticeStore, type DeliveryRow, type NoticeRow } from './notice-store.ts';
import { signingPage } from './signing-page.ts';

export type DeliveryModuleOptions = {
  db: Database;
  /** Audits reads of a restricted case's notices. */
  reads: CaseReads;
  config?: NotificationConfig;
  clock?: () => number;
  publicUrl?: () => string;
  /** Use an existing notifier (tests); default: one over the configured channels. */
  notifier?: Notifier;
};

const SignBody = z.object({
  typedName: z.string().trim().min(1).max(100),
  /** The drawn signature as a PNG data URL (kept as sent; its hash goes into the signature record). */
  signatureImage: z.string().regex(/^data:image\/png;base64,[A-Za-z0-9+/=]+$/, 'a PNG data URL').max(2_000_000),
  acknowledged: z.literal(true),
});

/**
 * Electronic delivery of case notices and e-signature. HR sends a notice on several channels at once; each
 * electronic delivery carries a link of its own (`/delivery/sign/<token>`, HMAC-signed like the reply
 * links, with a key derived for this purpose so no other link type can be replayed here). Opening it stamps
 * `opened`; reading and signing (a drawn signature + the typed name, which must match the employee's name)
 * stamps `acknowledged` and stores the signature record (signDocument: document SHA-256, per-field hashes,
 * signer, time, IP, user agent, signature image hash). Single use: once a notice is signed its links show
 * that it was signed and sign nothing more. Paper / EMS deliveries are recorded by HR with the dates of the
 * tracking record (sent, 签收 / 拒收 / 退回), checked by paperDateProblems, next to who entered them and when.
 */
export async function registerDelivery(app: FastifyInstance, opts: DeliveryModuleOptions) {
  const { db, clock = Date.now } = opts;
  const config = NotificationConfig.parse(opts.config ?? notificationConfigFromEnv(process.env));
  await migrateNotifications(db);
  await migrateDelivery(db);
  const built = opts.notifier ? null : buildChannels(config, clock);
  const notifier = opts.notifier ?? createNotifier({ db, channels: built!.channels, clock });
  const key = createHmac('sha256', await replySecret(db, config.replySecret)).update('renshi notice signing links').digest();
  const publicUrl = opts.publicUrl ?? (() => config.publicUrl);
  const ttlMs = config.replyTtlHours * 3_600_000;
  const store = noticeStore(db);
  const records = syncedRecords(db);
  const access = caseAccess(db);

  async function view(n: NoticeRow): Promise<NoticeView> {
    const deliveries: DeliveryView[] = [];
    for (const d of await store.deliveriesOf(n.id)) {
      let failed: string | null = null;
      let deliveredAt = d.deliveredAt;
      if (d.recipient === '' && isElectronic(d.channel)) failed = notifier.configuredChannels().includes(d.channel as never) ? 'no address on the employee record' : 'channel not configured on this server';
      if (!isPaper(d.channel)) {
        // Provider receipts (SMS delivery reports, in-app) arrive through the notifier.
        const message = await notifier.get(d.id);
        if (message?.status === 'failed') failed = message.lastError;
        if (deliveredAt === null && message) {
          const hit = (await notifier.history(d.id)).find((h) => h.status === 'delivered' || h.status === 'opened' || h.status === 'replied');
          deliveredAt = hit?.at ?? d.openedAt;
        }
      }
      deliveries.push({ id: d.id, channel: d.channel, recipient: d.recipient, trackingNumber: d.trackingNumber, signedBy: d.signedBy, sentAt: d.sentAt, deliveredAt: deliveredAt ?? d.openedAt, openedAt: d.openedAt, acknowledgedAt: d.acknowledgedAt, failed, addressKind: d.addressKind,
        ...paperFacts(d) });
    }
    let signature: NoticeView['signature'] = null;
    if (n.signature) {
      const check = await verifySignature(n.document, n.signature, n.signatureImage);
      signature = {
        signerName: n.signature.signer.name,
        typedName: n.signature.signer.typedName,
        signedAt: n.signature.signedAt,
        ip: n.signature.ip,
        device: n.signature.device,
        status: check.status,
        changes: check.status === 'altered' ? check.changes.map(describeChange) : [],
        image: n.signatureImage,
      };
    }
    return { id: n.id, caseId: n.caseId, employeeId: n.employeeId, kind: n.kind, title: String(n.document.title ?? ''), documentHash: n.documentHash, createdAt: n.createdAt, createdBy: n.createdBy, deliveries, signature };
  }

  app.post('/delivery/notices', async (request) => {
    const principal = requireRole(request, 'admin', 'hr');
    const body = parseInput(SendNoticeBody, request.body, 'notice');
    await access.requireCase(principal, body.caseId);
    const employee = await records.employee(body.employeeId);
    if (!employee) throw new RenshiError('not-found', `no employee ${body.employeeId} on the server`);
    const existing = await store.notice(body.noticeId);
    if (existing) return view(existing); // a retried send changes nothing
    const now = clock();
    const document = { noticeId: body.noticeId, caseId: body.caseId, employeeId: employee.id, employeeName: employee.name, kind: body.kind, title: body.title, body: body.body, issuedAt: now, issuedBy: principal.name };
    await store.insertNotice({ id: body.noticeId, caseId: body.caseId, employeeId: employee.id, kind: body.kind, document, documentHash: await documentContentHash(document), createdBy: principal.name, createdAt: now });
    const agreed = employee.sensitive.agreedDeliveryAddresses;
    for (const channel of [...new Set(body.channels)]) {
      // HR's confirmed address first, then the one the employee agreed to, then the record's work contact.
      const recipient = channel === 'in_app' ? `employee:${employee.id}` : (body.addresses[channel] ?? agreedAddressFor(agreed, channel) ?? employeeAddress(employee, channel));
      const id = `${body.noticeId}|${channel}`;
      if (!recipient || !notifier.configuredChannels().includes(channel)) {
        await store.insertDelivery({ ...emptyDelivery(id, body.noticeId, channel, '', now) });
        continue;
      }
      const addressKind = channel === 'in_app' ? null : addressKindOf(agreed, channel, recipient);
      await store.insertDelivery({ ...emptyDelivery(id, body.noticeId, channel, recipient, now), linkRef: replyRef(id), addressKind });
      const sent = await notifier.deliver({
        id,
        logicalId: body.noticeId,
        channel,
        recipient,
        recipientKind: 'employee',
        siteId: employee.siteId,
        subject: body.title,
        text: `${employee.name}您好：公司向您发送《${body.title}》，请点击链接阅读并签收。`,
        link: `${publicUrl().replace(/\/$/, '')}/delivery/sign/${signReplyToken(key, id, now + ttlMs)}`,
        linkLabel: '阅读并签收',
        context: { caseNotice: body.noticeId, caseId: body.caseId },
      });
      if (sent.status === 'sent' || sent.status === 'delivered') await store.stamp(id, 'sent_at', clock());
      if (sent.status === 'delivered') await store.stamp(id, 'delivered_at', clock());
    }
    return view((await store.notice(body.noticeId))!);
  });

  app.post<{ Params: { id: string } }>('/delivery/notices/:id/paper', async (request) => {
    const principal = requireRole(request, 'admin', 'hr');
    const body = parseInput(PaperDeliveryBody, request.body, 'paper delivery');
    const notice = await store.notice(request.params.id);
    if (!notice) throw new RenshiError('not-found', `no notice ${request.params.id}`);
    await access.requireCase(principal, notice.caseId);
    const now = clock();
    const sentAt = body.sentAt ?? now;
    refuseBadDates({ sentAt, outcomeAt: body.outcome?.outcomeAt ?? null }, now);
    const employee = body.address ? await records.employee(notice.employeeId) : null;
    await store.insertDelivery({
      ...emptyDelivery(`${notice.id}|${body.channel}|${randomBytes(4).toString('hex')}`, notice.id, body.channel, body.address || body.trackingNumber, now),
      addressKind: body.channel === 'paper' ? null : addressKindOf(employee?.sensitive.agreedDeliveryAddresses ?? null, body.channel, body.address || null),
      trackingNumber: body.trackingNumber || null,
      signedBy: body.outcome?.signedBy || null,
      sentAt,
      deliveredAt: body.outcome?.outcome === 'delivered' ? body.outcome.outcomeAt : null,
      outcome: body.outcome?.outcome ?? null,
      outcomeAt: body.outcome?.outcomeAt ?? null,
      enteredBy: principal.name,
      enteredAt: now,
    });
    return view(notice);
  });

  /** The outcome of a letter entered later, when the tracking record shows it: once per letter. */
  app.post<{ Params: { id: string; deliveryId: string } }>('/delivery/notices/:id/paper/:deliveryId/outcome', async (request) => {
    const principal = requireRole(request, 'admin', 'hr');
    const body = parseInput(PaperOutcomeBody, request.body, 'paper delivery outcome');
    const notice = await store.notice(request.params.id);
    const delivery = await store.delivery(request.params.deliveryId);
    if (!notice || !delivery || delivery.noticeId !== notice.id || !isPaper(delivery.channel)) throw new RenshiError('not-found', `no paper delivery ${request.params.deliveryId} of notice ${request.params.id}`);
    await access.requireCase(principal, notice.caseId);
    const now = clock();
    refuseBadDates({ sentAt: delivery.sentAt ?? delivery.createdAt, outcomeAt: body.outcomeAt }, now);
    const recorded = await store.recordOutcome(delivery.id, { outcome: body.outcome, outcomeAt: body.outcomeAt, signedBy: body.signedBy || null, by: principal.name, at: now });
    if (!recorded) throw new RenshiError('conflict', 'this letter already has its outcome recorded');
    return view(notice);
  });

  app.get<{ Querystring: { caseId?: string } }>('/delivery/notices', async (request) => {
    const principal = requireRole(request, 'admin', 'hr');
    const caseId = parseInput(z.object({ caseId: z.string().min(1).max(100) }), request.query, 'query').caseId;
    await opts.reads.readCase(request, principal, caseId, 'notices');
    return { notices: await Promise.all((await store.noticesOfCase(caseId)).map(view)) };
  });

  /** The delivery and notice a signing link names, or why it is refused. */
  async function resolve(token: string): Promise<{ delivery: DeliveryRow; notice: NoticeRow } | { status: number; title: string; text: string }> {
    const parsed = parseReplyToken(token);
    const invalid = { status: 403, title: '链接无效', text: '此链接无效。请使用消息中的原始链接，或直接联系人事部门。' };
    if (!parsed) return invalid;
    let expired = false;
    for (const delivery of await store.deliveriesByRef(parsed.ref)) {
      const check = verifyReplyToken(key, parsed, delivery.id, clock());
      if (check.ok) {
        const notice = await store.notice(delivery.noticeId);
        return notice ? { delivery, notice } : invalid;
      }
      if (check.reason === 'expired') expired = true;
    }
    return expired ? { status: 410, title: '链接已过期', text: '此链接已过期。请联系人事部门重新发送。' } : invalid;
  }

  await app.register(async (scope) => {
    const html = (reply: FastifyReply, status: number, title: string, body: string, script = '') => {
      const nonce = randomBytes(16).toString('base64');
      return reply
        .code(status)
        .header('content-type', 'text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('referrer-policy', 'no-referrer')
        .header('content-security-policy', `default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'nonce-${nonce}'; connect-src 'self'; frame-ancestors 'none'`)
        .send(signingPage(title, body, script, nonce));
    };
    const refused = (reply: FastifyReply, f: { status: number; title: string; text: string }) => html(reply, f.status, f.title, `<h1>${f.title}</h1><p>${f.text}</p>`);

    scope.get<{ Params: { token: string } }>('/delivery/sign/:token', { config: { public: true } }, async (request, reply) => {
      const found = await resolve(request.params.token);
      if ('status' in found) return refused(reply, found);
      const { delivery, notice } = found;
      const now = clock();
      await store.stamp(delivery.id, 'opened_at', now);
      await store.stamp(delivery.id, 'delivered_at', now);
      if (delivery.channel !== 'in_app') await notifier.report(delivery.id, 'opened', 'notice link opened').catch(() => null);
      const doc = notice.document;
      const text = `<h1>${escapeHtml(String(doc.title))}</h1><p class="muted">${escapeHtml(String(doc.employeeName))} · SHA-256 ${notice.documentHash.slice(0, 16)}…</p><div class="doc">${escapeHtml(String(doc.body)).replace(/\n/g, '<br>')}</div>`;
      if (notice.signedAt !== null) return html(reply, 200, '已签收', `${text}<p class="ok" id="done">您已于 ${new Date(notice.signedAt).toISOString().slice(0, 16).replace('T', ' ')} (UTC) 签收此通知。</p>`);
      return html(
        reply,
        200,
        String(doc.title),
        `${text}
<label class="ack"><input type="checkbox" id="ack"> 我已阅读并知悉以上内容</label>
<p>请在下方手写签名：</p><canvas id="pad" width="600" height="220"></canvas><button type="button" id="clear" class="secondary">重写</button>
<p><input id="name" placeholder="请输入您的姓名" autocomplete="name"></p>
<button type="button" id="sign">签收</button><p id="msg" class="err"></p>`,
        SIGN_SCRIPT,
      );
    });

    scope.post<{ Params: { token: string } }>('/delivery/sign/:token', { config: { public: true }, bodyLimit: 3 * 1024 * 1024 }, async (request, reply) => {
      const found = await resolve(request.params.token);
      if ('status' in found) return reply.code(found.status).send({ error: { code: 'forbidden', message: found.title } });
      const parsed = SignBody.safeParse(request.body);
      if (!parsed.success) return reply.code(400).send({ error: { code: 'validation-failed', message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') } });
      const { delivery, notice } = found;
      if (notice.signedAt !== null) return reply.code(409).send({ error: { code: 'conflict', message: '此通知已签收' } });
      const now = clock();
      let record;
      try {
        record = await signDocument({
          id: `sig|${notice.id}`,
          document: notice.document,
          documentId: notice.id,
          signer: { employeeId: notice.employeeId, name: String(notice.document.employeeName), typedName: parsed.data.typedName },
          signedAt: now,
          ip: request.ip.slice(0, 64),
          device: String(request.headers['user-agent'] ?? '').slice(0, 200),
          authMethod: 'signed-link',
          signatureImage: parsed.data.signatureImage,
        });
      } catch {
        return reply.code(400).send({ error: { code: 'validation-failed', message: '姓名与通知对象不一致' } });
      }
      if (!(await store.sign(notice.id, record, parsed.data.signatureImage, now))) return reply.code(409).send({ error: { code: 'conflict', message: '此通知已签收' } });
      await store.stamp(delivery.id, 'acknowledged_at', now);
      if (delivery.channel !== 'in_app') await notifier.report(delivery.id, 'replied', 'notice signed').catch(() => null);
      return { ok: true, signedAt: now };
    });
  });

  app.addHook('onClose', async () => built?.close());
  return { notifier, store };
}

const isElectronic = (channel: string) => channel === 'in_app' || channel === 'sms' || channel === 'email' || channel === 'wecom';
const isPaper = (channel: string) => channel === 'ems' || channel === 'paper' || channel === 'registered-mail';

function refuseBadDates(d: { sentAt: number; outcomeAt: number | null }, now: number): void {
  const problems = paperDateProblems(d, now);
  if (problems.length) throw new RenshiError('validation-failed', problems.map((p) => p.message).join('; '), problems.map((p) => ({ path: [p.field], message: p.message })));
}

/** What the record says about a letter. Letters recorded before outcomes were kept: a signer and a delivery
 *  time meant 签收, and the row's creation was its entry (by whoever created the notice is not known). */
function paperFacts(d: DeliveryRow): Pick<DeliveryView, 'outcome' | 'outcomeAt' | 'enteredBy' | 'enteredAt' | 'outcomeEnteredBy' | 'outcomeEnteredAt'> {
  if (!isPaper(d.channel)) return { outcome: null, outcomeAt: null, enteredBy: null, enteredAt: null, outcomeEnteredBy: null, outcomeEnteredAt: null };
  const legacyReceipt = d.outcome === null && d.deliveredAt !== null;
  return {
    outcome: d.outcome ?? (legacyReceipt ? 'delivered' : null),
    outcomeAt: d.outcomeAt ?? (legacyReceipt ? d.deliveredAt : null),
    enteredBy: d.enteredBy,
    enteredAt: d.enteredAt ?? d.createdAt,
    outcomeEnteredBy: d.outcomeEnteredBy,
    outcomeEnteredAt: d.outcomeEnteredAt,
  };
}

function emptyDelivery(id: string, noticeId: string, channel: string, recipient: string, now: number): DeliveryRow {
  return {
    id, noticeId, channel, recipient, linkRef: null, trackingNumber: null, signedBy: null, sentAt: null, deliveredAt: null, openedAt: null, acknowledgedAt: null, createdAt: now, addressKind: null,
    outcome: null, outcomeAt: null, enteredBy: null, enteredAt: null, outcomeEnteredBy: null, outcomeEnteredAt: null,
  };
}

function describeChange(c: SignatureChange): string {
  switch (c.part) {
    case 'document':
      return `document changed: ${[...c.changedFields, ...c.addedFields, ...c.removedFields].join(', ')}`;
    case 'signature-image':
      return 'signature image changed';
    default:
      return c.message;
  }
}

/** The signing page's script: a drawing pad (pointer events, works with a finger) and the signing request. */
const SIGN_SCRIPT = `
const pad = document.getElementById('pad'), ctx = pad.getContext('2d');
ctx.lineWidth = 3; ctx.lineCap = 'round'; ctx.strokeStyle = '#111';
let drawing = false, drawn = false;
const pos = (e) => { const r = pad.getBoundingClientRect(); return [(e.clientX - r.left) * pad.width / r.width, (e.clientY - r.top) * pad.height / r.height]; };
pad.addEventListener('pointerdown', (e) => { drawing = true; const [x, y] = pos(e); ctx.beginPath(); ctx.moveTo(x, y); pad.setPointerCapture(e.pointerId); });
pad.addEventListener('pointermove', (e) => { if (!drawing) return; const [x, y] = pos(e); ctx.lineTo(x, y); ctx.stroke(); drawn = true; });
pad.addEventListener('pointerup', () => { drawing = false; });
document.getElementById('clear').addEventListener('click', () => { ctx.clearRect(0, 0, pad.width, pad.height); drawn = false; });
document.getElementById('sign').addEventListener('click', async () => {
  const msg = document.getElementById('msg');
  if (!document.getElementById('ack').checked) { msg.textContent = '请先勾选“我已阅读并知悉”'; return; }
  if (!drawn) { msg.textContent = '请先手写签名'; return; }
  const typedName = document.getElementById('name').value.trim();
  if (!typedName) { msg.textContent = '请输入姓名'; return; }
  const res = await fetch(location.pathname, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ typedName, signatureImage: pad.toDataURL('image/png'), acknowledged: true }) });
  const body = await res.json().catch(() => null);
  if (res.ok) { document.querySelector('main').innerHTML = '<h1>已签收</h1><p class="ok" id="done">谢谢，人事部门已收到您的签收。</p>'; }
  else { msg.textContent = (body && body.error && body.error.message) || ('签收失败 ' + res.status); }
});`;
