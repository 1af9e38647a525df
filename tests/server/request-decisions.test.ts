import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { writeRefusal } from '../../src-server/sync/write-rules.ts';
import { ADMIN, login, postgresAvailable, startTestServer, userApi, type Api, type Backend } from './support/backends.ts';
import { row } from './support/fixtures.ts';

// Approving and rejecting leave and punch corrections through the sync push: only HR and admins decide, an
// HR user never decides a request filed from their own account (admins may), and a decided request's
// content is final. Judged against the server's stored version: what the pusher claims about the filer, or
// about the state it started from, changes nothing.

const backends: Backend[] = ['pglite', ...((await postgresAvailable()) ? (['postgres'] as const) : [])];

const correction = (id: string, requestedBy: string, over: Record<string, unknown> = {}) => ({
  id,
  kind: 'punch_correction',
  employeeId: 'e1',
  date: '2026-03-02',
  action: 'excuse_absence',
  at: null,
  punchId: null,
  reason: '被限制人身自由，已报警',
  requestedBy,
  status: 'pending',
  decidedBy: null,
  decidedAt: null,
  updatedAt: 1_000,
  ...over,
});
const leave = (id: string, requestedBy: string, over: Record<string, unknown> = {}) => ({
  id,
  kind: 'leave',
  employeeId: 'e1',
  type: 'sick',
  startDate: '2026-03-02',
  endDate: '2026-03-03',
  startHalf: 'full',
  endHalf: 'full',
  reason: '发烧',
  requestedBy,
  status: 'pending',
  decidedBy: null,
  decidedAt: null,
  updatedAt: 1_000,
  ...over,
});
type Doc = Record<string, unknown> & { id: string };
const decided = (doc: Doc, by: string, status = 'approved'): Doc => ({ ...doc, status, decidedBy: by, decidedAt: 2_000, updatedAt: 2_000 });

describe.each(backends)('request decisions on %s', (backend) => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let admin: Api;
  let li: Api;
  let wang: Api;
  const stored = async (id: string) => ((await admin.pull('requests', 'limit=1000')).body.documents as { id: string; status: string; decidedBy: string | null; endDate?: string }[]).find((d) => d.id === id);

  beforeAll(async () => {
    server = await startTestServer(backend);
    admin = await login(server.url, ADMIN.username, ADMIN.password);
    li = await userApi(admin, { username: 'hr-li', role: 'hr' });
    wang = await userApi(admin, { username: 'hr-wang', role: 'hr' });
  });
  afterAll(async () => server?.close());

  test('an HR user cannot approve a correction they filed; the replica is answered with the stored version', async () => {
    const filed = correction('c-own', 'hr-li');
    expect((await li.push('requests', [row(filed)])).body.rejections).toEqual([]);
    const res = await li.push('requests', [row(decided(filed, 'hr-li'), filed)]);
    expect(res.status).toBe(200);
    expect(res.body.rejections).toEqual([{ id: 'c-own', code: 'decision-not-allowed', message: expect.stringContaining('(own-request)') }]);
    expect(res.body.conflicts).toEqual([expect.objectContaining({ id: 'c-own', status: 'pending' })]);
    expect((await stored('c-own'))?.status).toBe('pending');

    // Claiming someone else filed it does not help: the filer is read from the stored version.
    const disguised = await li.push('requests', [row({ ...decided(filed, 'hr-li'), requestedBy: 'hr-wang' }, filed)]);
    expect(disguised.body.rejections).toEqual([expect.objectContaining({ id: 'c-own', code: 'decision-not-allowed' })]);
    expect((await stored('c-own'))?.status).toBe('pending');

    const other = await wang.push('requests', [row(decided(filed, 'hr-wang', 'rejected'), filed)]);
    expect(other.body).toEqual({ conflicts: [], rejections: [], auditBreaks: [] });
    expect(await stored('c-own')).toMatchObject({ status: 'rejected', decidedBy: 'hr-wang' });
  });

  test('filing and approving in one push (made offline) is still the filer deciding', async () => {
    const res = await li.push('requests', [row(decided(leave('l-offline', 'hr-li'), 'hr-li'))]);
    expect(res.body.rejections).toEqual([expect.objectContaining({ id: 'l-offline', code: 'decision-not-allowed' })]);
    expect(await stored('l-offline')).toBeUndefined();
    // Other rows of the same push are unaffected.
    const mixed = await li.push('requests', [row(decided(leave('l-mixed-own', 'hr-li'), 'hr-li')), row(leave('l-mixed-filed', 'hr-li'))]);
    expect(mixed.body.rejections.map((r: { id: string }) => r.id)).toEqual(['l-mixed-own']);
    expect((await stored('l-mixed-filed'))?.status).toBe('pending');
  });

  test('an admin may decide their own request; legacy leave without a filer is judged by role alone', async () => {
    const own = leave('l-admin', 'admin');
    await admin.push('requests', [row(own)]);
    expect((await admin.push('requests', [row(decided(own, 'admin'), own)])).body.rejections).toEqual([]);
    expect((await stored('l-admin'))?.status).toBe('approved');

    const legacy = leave('l-legacy', '');
    await admin.push('requests', [row(legacy)]);
    expect((await li.push('requests', [row(decided(legacy, 'hr-li'), legacy)])).body.rejections).toEqual([]);
  });

  test('a decided request cannot be edited, by anyone; setting it back to pending can', async () => {
    const filed = leave('l-final', 'hr-li');
    await li.push('requests', [row(filed)]);
    const approved = decided(filed, 'hr-wang');
    await wang.push('requests', [row(approved, filed)]);
    const longer = { ...approved, endDate: '2026-03-30', updatedAt: 3_000 };
    for (const who of [li, wang, admin]) {
      const res = await who.push('requests', [row(longer, approved)]);
      expect(res.body.rejections).toEqual([expect.objectContaining({ id: 'l-final', code: 'decision-not-allowed', message: expect.stringContaining('(decided-is-final)') })]);
    }
    expect((await stored('l-final'))?.endDate).toBe('2026-03-03');
    const reopened = { ...longer, status: 'pending', decidedBy: null, decidedAt: null };
    expect((await li.push('requests', [row(reopened, approved)])).body.rejections).toEqual([]);
    expect((await li.push('requests', [row(decided(reopened, 'hr-li'), reopened)])).body.rejections).toEqual([expect.objectContaining({ code: 'decision-not-allowed' })]);
  });

  test('roles that may not decide: the rule refuses them even where collection access would let them write', () => {
    const stored = { ...correction('c-role', 'hr-li'), _deleted: false };
    const next = { ...decided(stored, 'zhang'), _deleted: false };
    const principal = (role: 'site_admin' | 'viewer' | 'terminal' | 'hr') => ({ kind: 'user' as const, id: 'u', name: 'zhang', role, siteId: null });
    for (const role of ['site_admin', 'viewer', 'terminal'] as const) expect(writeRefusal(principal(role), 'requests', stored, next)).toMatchObject({ code: 'decision-not-allowed', message: expect.stringContaining('(not-hr)') });
    expect(writeRefusal(principal('hr'), 'requests', stored, next)).toBeNull();
    expect(writeRefusal(principal('viewer'), 'employees', stored, next)).toBeNull();
  });
});
