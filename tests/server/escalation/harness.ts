import Fastify from 'fastify';
import type { AddressInfo } from 'node:net';
import { Shift } from '#shared/schemas/attendance-setup';
import { Employee, type EmployeeInput } from '#shared/schemas/employee';
import { Site } from '#shared/schemas/org';
import { Punch } from '#shared/schemas/punch';
import type { CollectionName } from '#shared/collections';
import { authRoutes, registerAuthGuard } from '../../../src-server/auth/routes.ts';
import { authService } from '../../../src-server/auth/service.ts';
import { openDatabase, type Database } from '../../../src-server/db/database.ts';
import { migrate } from '../../../src-server/db/migrations.ts';
import type { ReminderConfig } from '../../../src-server/escalation/contact-schedule.ts';
import { registerEscalation } from '../../../src-server/escalation/module.ts';
import { registerErrorHandler } from '../../../src-server/http/errors.ts';
import { syncRepository } from '../../../src-server/sync/repository.ts';
import { SMS_AUTH, WECOM, type HttpPeers } from '../notifications/peers.ts';

/**
 * A server with the escalation module wired as app.ts wires it (error handler, auth guard, auth routes,
 * module), but with the clock and the channel addresses injected: WeCom and the SMS gateway are the local
 * peers, email goes to the local SMTP server. Time only moves when the test moves it.
 */
export const ADMIN = { username: 'hr-admin', password: 'hr-admin-password' };

export type Harness = Awaited<ReturnType<typeof startHarness>>;

export async function startHarness({
  peers,
  smtpPort,
  clock,
  dataDir,
  db: given,
  contactConfirmation,
}: {
  peers: HttpPeers;
  smtpPort: number;
  clock: () => number;
  dataDir?: string;
  db?: Database;
  contactConfirmation?: Partial<ReminderConfig>;
}) {
  const db = given ?? (await openDatabase({ dataDir }));
  await migrate(db);
  const app = Fastify({ logger: false, forceCloseConnections: true });
  const auth = authService({ db });
  registerErrorHandler(app);
  registerAuthGuard(app, auth);
  authRoutes(app, auth);
  let url = '';
  const module = await registerEscalation(app, {
    db,
    clock,
    intervalMs: 0,
    publicUrl: () => url,
    contactConfirmation,
    config: {
      wecom: { ...WECOM, baseUrl: peers.url },
      sms: { url: `${peers.url}/sms/send`, authHeader: SMS_AUTH, reportToken: 'report-token-0123456789' },
      smtp: { host: '127.0.0.1', port: smtpPort, from: 'hr@factory.example' },
    },
  });
  await auth.ensureAdmin({ username: ADMIN.username, password: ADMIN.password, now: Date.now() });
  await app.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const { token } = await auth.login({ ...ADMIN, now: Date.now() });

  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}, as = token) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${as}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    return { status: res.status, body: text.startsWith('{') ? JSON.parse(text) : text };
  };

  return {
    db,
    app,
    url,
    runner: module.runner,
    notifier: module.notifier,
    call,
    /** Writes replicated documents as the sync server stores them after a push. */
    async put(collection: CollectionName, docs: ({ id: string } & Record<string, unknown>)[]) {
      const repo = syncRepository();
      await db.transaction(async (tx) => {
        await repo.lockCollection(tx, collection);
        await repo.upsert(tx, collection, docs.map((d) => ({ id: d.id, data: d, deleted: false, siteId: (d.siteId as string | null) ?? null })));
      });
    },
    async close({ keepDb = false } = {}) {
      await app.close();
      if (!keepDb) await db.close();
    },
  };
}

export const SITE = Site.parse({ id: 'site-1', kind: 'site', name: '一厂', code: 'F1', escalationWindowMinutes: 120, updatedAt: 1 });
export const DAY_SHIFT = Shift.parse({ id: 'shift-day', kind: 'shift', name: '白班', siteId: 'site-1', start: '09:00', end: '18:00', graceMinutes: 5, workDays: [1, 2, 3, 4, 5], updatedAt: 1 });

export function employee(id: string, pin: string, overrides: Partial<EmployeeInput> = {}): Employee {
  return Employee.parse({
    id,
    employeeNo: `E${pin}`,
    name: `员工${pin}`,
    departmentId: 'dept-1',
    siteId: 'site-1',
    hireDate: '2024-01-01',
    phone: `1380013${pin.padStart(4, '0')}`,
    email: `e${pin}@factory.example`,
    devicePin: pin,
    shiftId: 'shift-day',
    workAccounts: [{ kind: 'wecom', account: `wx-${pin}` }],
    sensitive: { emergencyContacts: [{ name: `家属${pin}`, relation: '父亲', phone: `1390013${pin.padStart(4, '0')}` }] },
    updatedAt: 1,
    ...overrides,
  });
}

export function punch(employeeId: string, pin: string, at: number): Punch {
  return Punch.parse({ id: `DEV1|${pin}|${at}`, deviceSerial: 'DEV1', pin, at, deviceLocalTime: '', source: 'device-pull', employeeId, siteId: 'site-1', receivedAt: at, updatedAt: at });
}

/** The reply link in the last SMS to `phone`. */
export function linkIn(text: string): string {
  const m = /(http:\/\/127\.0\.0\.1:\d+\/reply\/[A-Za-z0-9_.-]+)/.exec(text);
  if (!m) throw new Error(`no reply link in: ${text}`);
  return m[1]!;
}

export async function postReply(link: string, reason: string, text = ''): Promise<{ status: number; html: string }> {
  const res = await fetch(link, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ reason, text }).toString(),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, html: await res.text() };
}
