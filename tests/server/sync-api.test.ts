import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sealAuditEvent } from '#shared/audit/chain';
import type { AuditEvent } from '#shared/schemas/audit';
import { ADMIN, Api, login, postgresAvailable, startTestServer, userApi, type Backend } from './support/backends.ts';
import { employee, punch, row } from './support/fixtures.ts';
import { listen } from './support/stream.ts';

const backends: Backend[] = ['pglite', ...((await postgresAvailable()) ? (['postgres'] as const) : [])];

describe.each(backends)('sync server on %s', (backend) => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let admin: Api;

  beforeAll(async () => {
    server = await startTestServer(backend, { streamHeartbeatMs: 200 });
    admin = await login(server.url, ADMIN.username, ADMIN.password);
  });
  afterAll(async () => server?.close());

  test('push, then pull page by page with server checkpoints; an edit moves behind the checkpoint', async () => {
    const docs = ['p1', 'p2', 'p3', 'p4', 'p5'].map((id) => employee(id));
    const pushed = await admin.push('employees', docs.map((d) => row(d)));
    expect(pushed.status).toBe(200);
    expect(pushed.body).toEqual({ conflicts: [], rejections: [], auditBreaks: [] });

    const seen: string[] = [];
    let query = 'limit=2';
    let last: { id: string; serverSeq: number } | null = null;
    for (let page = 0; page < 5; page++) {
      const res = await admin.pull('employees', query);
      expect(res.status).toBe(200);
      if (!res.body.documents.length) break;
      seen.push(...res.body.documents.map((d: { id: string }) => d.id));
      if (last) expect(res.body.checkpoint.serverSeq).toBeGreaterThan(last.serverSeq);
      last = res.body.checkpoint;
      query = `limit=2&id=${encodeURIComponent(last!.id)}&serverSeq=${last!.serverSeq}`;
    }
    expect(seen.filter((id) => id.startsWith('p')).sort()).toEqual(['p1', 'p2', 'p3', 'p4', 'p5']);
    expect((await admin.pull('employees', query)).body.documents).toEqual([]);

    const edited = { ...docs[1]!, name: '改名', updatedAt: 2 };
    expect((await admin.push('employees', [row(edited, docs[1])])).body.conflicts).toEqual([]);
    const after = await admin.pull('employees', query);
    expect(after.body.documents).toEqual([{ ...edited, _deleted: false }]);
    expect(after.body.checkpoint.serverSeq).toBeGreaterThan(last!.serverSeq);
  });

  test('an invalid document is rejected with its reason while the valid ones land', async () => {
    const good = employee('v1');
    const bad = employee('v2', { hireDate: '2024-02-30' });
    const res = await admin.push('employees', [row(good), row(bad), row(employee('v3'))]);
    expect(res.status).toBe(200);
    expect(res.body.rejections).toHaveLength(1);
    expect(res.body.rejections[0]).toMatchObject({ id: 'v2', code: 'validation-failed', message: expect.stringContaining('hireDate') });
    const smuggled = await admin.push('employees', [row({ ...employee('v4'), salary: 5000 })]);
    expect(smuggled.body.rejections).toEqual([expect.objectContaining({ id: 'v4', code: 'validation-failed', message: 'unknown field: salary' })]);
    const ids = (await admin.pull('employees', 'limit=1000')).body.documents.map((d: { id: string }) => d.id);
    expect(ids).not.toContain('v4');
    expect(ids).toContain('v1');
    expect(ids).toContain('v3');
    expect(ids).not.toContain('v2');
  });

  test('malformed requests get 400 with a reason; wrong protocol 426; unknown collection 404', async () => {
    const notJson = await admin.post('/sync/employees/push', '{"newDocumentState":');
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.code).toBe('validation-failed');
    const notArray = await admin.post('/sync/employees/push', { rows: [] });
    expect(notArray.status).toBe(400);
    expect(notArray.body.error.message).toMatch(/push body/);
    const noId = await admin.push('employees', [{ newDocumentState: { name: 'x' } }]);
    expect(noId.status).toBe(400);
    expect(noId.body.error.message).toMatch(/0\.newDocumentState\.id/);
    expect((await admin.pull('employees', 'limit=abc')).status).toBe(400);
    expect((await admin.pull('employees', 'id=x')).status).toBe(400);
    const old = await admin.get('/sync/employees/pull', { 'x-renshi-protocol': '0' });
    expect(old.status).toBe(426);
    expect(old.body.error.code).toBe('protocol-mismatch');
    expect((await admin.pull('salaries')).status).toBe(404);
  });

  test('nothing answers without a valid token except login and health', async () => {
    const anon = new Api(server.url, null);
    expect((await anon.get('/health')).status).toBe(200);
    for (const path of ['/sync/employees/pull', '/sync/employees/pull-stream', '/conflicts', '/users', '/auth/me', '/audit/chain-breaks', '/nowhere']) {
      expect((await anon.get(path)).status, path).toBe(401);
    }
    expect((await anon.push('employees', [row(employee('x'))])).status).toBe(401);
    expect((await new Api(server.url, 'A'.repeat(43)).pull('employees')).status).toBe(401);
    expect((await anon.post('/auth/login', { username: 'admin', password: 'wrong-password' })).status).toBe(401);
    expect((await anon.post('/auth/login', { username: 'nobody', password: 'wrong-password' })).status).toBe(401);
  });

  test('password guessing locks the username for a while, without locking anyone else', async () => {
    await userApi(admin, { username: `target-${backend}`, role: 'viewer' });
    const anon = new Api(server.url, null);
    for (let i = 0; i < 10; i++) expect((await anon.post('/auth/login', { username: `target-${backend}`, password: `guess-${i}` })).status).toBe(401);
    const locked = await anon.post('/auth/login', { username: `target-${backend}`, password: `target-${backend}-password` });
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('rate-limited');
    expect(locked.body.error.message).toMatch(/too many failed logins/);
    expect((await anon.post('/auth/login', ADMIN)).status).toBe(200);
  });

  test('roles and sites: viewer is read-only, a site admin sees and writes only its site, never sensitive fields', async () => {
    const sensitive = { idNumber: '11010519491231002X', emergencyContacts: [{ name: '王芳', relation: '配偶', phone: '13800138000', lastConfirmedOn: null }], monthlySalaryFen: 880000, bankAccount: '6222020200112233445' };
    const secret = employee('s-a1', { siteId: 'site-a', sensitive });
    await admin.push('employees', [row(secret), row(employee('s-b1', { siteId: 'site-b' }))]);

    const viewer = await userApi(admin, { username: `viewer-${backend}`, role: 'viewer' });
    const viewerPush = await viewer.push('employees', [row(employee('w1'))]);
    expect(viewerPush.status).toBe(403);
    expect(viewerPush.body.error.code).toBe('forbidden');
    expect((await viewer.get('/users')).status).toBe(403);
    expect((await viewer.get('/conflicts')).status).toBe(403);

    const siteA = await userApi(admin, { username: `site-a-${backend}`, role: 'site_admin', siteId: 'site-a' });
    const seen = (await siteA.pull('employees', 'limit=1000')).body.documents;
    expect(seen.map((d: { siteId: string }) => d.siteId).every((s: string) => s === 'site-a')).toBe(true);
    const mine = seen.find((d: { id: string }) => d.id === 's-a1');
    expect(mine).toBeDefined();
    expect(mine).not.toHaveProperty('sensitive');
    expect(JSON.stringify(seen)).not.toMatch(/6222020200112233445|11010519491231002X|13800138000/);
    expect((await siteA.pull('requests')).status).toBe(403);

    // Writing another site's employee, or moving one there, is refused per document.
    const cross = await siteA.push('employees', [row(employee('s-b1', { siteId: 'site-a', name: 'stolen' })), row(employee('s-a2', { siteId: 'site-b' }))]);
    expect(cross.body.rejections.map((r: { id: string; code: string }) => [r.id, r.code]).sort()).toEqual([['s-a2', 'forbidden'], ['s-b1', 'forbidden']]);
    // An edit by the site admin keeps the sensitive values it could not see, whatever it sends.
    const renamed = await siteA.push('employees', [row({ ...mine, _deleted: undefined, name: '新名字', sensitive: { ...sensitive, monthlySalaryFen: 1 } }, mine)]);
    expect(renamed.body).toMatchObject({ conflicts: [], rejections: [] });
    const stored = (await admin.pull('employees', 'limit=1000')).body.documents.find((d: { id: string }) => d.id === 's-a1');
    expect(stored).toMatchObject({ name: '新名字', sensitive });
    expect((await admin.pull('employees', 'limit=1000')).body.documents.find((d: { id: string }) => d.id === 's-b1').name).not.toBe('stolen');
  });

  test('an employee transferred to another site leaves the old site as a deletion, live and on pull', async () => {
    const moving = employee('mv1', { siteId: 'site-a' });
    await admin.push('employees', [row(moving)]);
    const siteA = await userApi(admin, { username: `site-a2-${backend}`, role: 'site_admin', siteId: 'site-a' });
    const siteB = await userApi(admin, { username: `site-b2-${backend}`, role: 'site_admin', siteId: 'site-b' });
    const before = (await siteA.pull('employees', 'limit=1000')).body;
    expect(before.documents.map((d: { id: string }) => d.id)).toContain('mv1');
    const checkpointA = `limit=1000&id=${encodeURIComponent(before.checkpoint.id)}&serverSeq=${before.checkpoint.serverSeq}`;

    const stream = listen(`${server.url}/sync/employees/pull-stream`, siteA.token!);
    try {
      await stream.waitFor((e) => e.name === 'resync');
      const moved = { ...moving, siteId: 'site-b', updatedAt: 5 };
      expect((await admin.push('employees', [row(moved, moving)])).body.conflicts).toEqual([]);
      const ev = await stream.waitFor((e) => e.name === 'changes' && e.data.documents.some((d: { id: string }) => d.id === 'mv1'));
      expect(ev.data.documents).toEqual([expect.objectContaining({ id: 'mv1', siteId: 'site-a', _deleted: true })]);
    } finally {
      stream.close();
    }
    const afterA = (await siteA.pull('employees', checkpointA)).body.documents;
    expect(afterA).toEqual([expect.objectContaining({ id: 'mv1', siteId: 'site-a', _deleted: true })]);
    expect(afterA[0]).not.toHaveProperty('sensitive');
    const inB = (await siteB.pull('employees', 'limit=1000')).body.documents.find((d: { id: string }) => d.id === 'mv1');
    expect(inB).toMatchObject({ siteId: 'site-b', _deleted: false });
    // Unbound readers see only the document itself.
    const all = (await admin.pull('employees', 'limit=1000')).body.documents.filter((d: { id: string }) => d.id === 'mv1');
    expect(all).toEqual([expect.objectContaining({ siteId: 'site-b', _deleted: false })]);
  });

  test('a terminal registered for a site pushes its punches and cannot write another site', async () => {
    const reg = await admin.post('/terminals', { name: 'Gate 1', siteId: 'site-a' });
    expect(reg.status).toBe(201);
    const terminal = new Api(server.url, reg.body.token);
    const res = await terminal.push('punches', [row(punch('7', 1_000)), row(punch('8', 2_000, { siteId: 'site-b' }))]);
    expect(res.body.rejections).toEqual([expect.objectContaining({ id: 'DEV1|8|2000', code: 'forbidden' })]);
    expect((await terminal.push('employees', [row(employee('t1'))])).status).toBe(403);
    const me = await terminal.get('/auth/me');
    expect(me.body).toMatchObject({ kind: 'terminal', siteId: 'site-a', access: { punches: { read: true, write: true }, employees: { read: true, write: false } } });
    // Revoking the terminal ends its open live stream at the next heartbeat, and every later request.
    const live = await fetch(`${server.url}/sync/punches/pull-stream`, { headers: { authorization: `Bearer ${reg.body.token}`, 'x-renshi-protocol': '1' }, signal: AbortSignal.timeout(10_000) });
    expect(live.status).toBe(200);
    const ended = live.text();
    expect((await admin.call('DELETE', `/terminals/${reg.body.terminal.id}`)).status).toBe(200);
    expect(await ended).toMatch(/^event: resync/);
    expect((await terminal.pull('punches')).status).toBe(401);
  });

  test('a concurrent edit ends as a visible conflict item, and resolving it replicates the chosen version', async () => {
    const base = employee('c1', { name: '原名' });
    await admin.push('employees', [row(base)]);
    const hr = await userApi(admin, { username: `hr-${backend}`, role: 'hr' });
    const first = await admin.push('employees', [row({ ...base, name: '甲改', updatedAt: 2 }, base)]);
    expect(first.body.conflicts).toEqual([]);
    // The losing push names its computer (URI-encoded header): the conflict item says which one.
    const second = await hr.call('POST', '/sync/employees/push', [row({ ...base, name: '乙改', updatedAt: 3 }, base)], { 'x-renshi-replica': encodeURIComponent('前台电脑 · 1a2b3c4d') });
    expect(second.body.conflicts).toEqual([expect.objectContaining({ id: 'c1', name: '甲改' })]);

    const open = (await hr.get('/conflicts?status=open&collection=employees')).body.filter((c: { docId: string }) => c.docId === 'c1');
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ serverState: { name: '甲改' }, losingState: { name: '乙改' }, reportedBy: `user:hr-${backend} @ 前台电脑 · 1a2b3c4d` });

    const resolved = await hr.post(`/conflicts/${open[0].id}/resolve`, { resolution: 'take-losing' });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ status: 'resolved', resolution: 'take-losing' });
    const now = (await admin.pull('employees', 'limit=1000')).body.documents.find((d: { id: string }) => d.id === 'c1');
    expect(now.name).toBe('乙改');
    expect((await hr.post(`/conflicts/${open[0].id}/resolve`, { resolution: 'keep-server' })).status).toBe(409);
    expect((await hr.post(`/conflicts/${open[0].id}/resolve`, { resolution: 'merged' })).status).toBe(400);
  });

  test('append-only punches: the same fact twice is one document, never a conflict; no deletes', async () => {
    const p = punch('42', 1_700_000_123_000);
    expect((await admin.push('punches', [row(p)])).body.conflicts).toEqual([]);
    const again = await admin.push('punches', [row(p)]);
    expect(again.body).toMatchObject({ conflicts: [], rejections: [] });
    const del = await admin.push('punches', [{ newDocumentState: { ...p, _deleted: true }, assumedMasterState: { ...p, _deleted: false } }]);
    expect(del.body.rejections[0]).toMatchObject({ id: p.id, code: 'validation-failed' });
    const all = (await admin.pull('punches', 'limit=5000')).body.documents.filter((d: { id: string }) => d.id === p.id);
    expect(all).toHaveLength(1);
    expect(all[0]._deleted).toBe(false);
    expect((await admin.get('/conflicts')).body.filter((c: { docId: string }) => c.docId === p.id)).toEqual([]);
  });

  test('audit chains are verified on push and a break is flagged', async () => {
    const events: AuditEvent[] = [];
    for (let i = 0; i < 4; i++) {
      events.push(
        await sealAuditEvent(
          { replicaId: `rep-${backend}`, actor: 'hr', action: 'update', collectionName: 'employees', docId: 'e1', beforeHash: null, afterHash: null, summary: `edit ${i}`, at: 1_700_000_000_000 + i },
          events.at(-1) ?? null,
        ),
      );
    }
    expect((await admin.push('audit', events.slice(0, 2).map((e) => row(e)))).body.auditBreaks).toEqual([]);
    const tampered = { ...events[3]!, summary: 'nothing happened' };
    const res = await admin.push('audit', [row(events[2]!), row(tampered)]);
    expect(res.body.auditBreaks).toEqual([{ replicaId: `rep-${backend}`, seq: 3, reason: 'hash-mismatch' }]);
    const gap = await admin.push('audit', [row({ ...events[0]!, id: `gap-${backend}:5`, replicaId: `gap-${backend}`, seq: 5 })]);
    expect(gap.body.auditBreaks).toEqual([{ replicaId: `gap-${backend}`, seq: 5, reason: 'gap' }]);
    const flagged = (await admin.get('/audit/chain-breaks')).body.map((b: { replicaId: string; seq: number }) => `${b.replicaId}#${b.seq}`);
    expect(flagged).toEqual(expect.arrayContaining([`rep-${backend}#3`, `gap-${backend}#5`]));
  });

  test('one multiplexed stream carries several collections, each event naming its collection', async () => {
    const siteA = await userApi(admin, { username: `mux-a-${backend}`, role: 'site_admin', siteId: 'site-a' });
    expect((await siteA.get('/sync/pull-stream?collections=employees,requests')).status).toBe(403);
    expect((await siteA.get('/sync/pull-stream')).status).toBe(400);
    const stream = listen(`${server.url}/sync/pull-stream?collections=employees,punches`, siteA.token!);
    try {
      await stream.waitFor((e) => e.name === 'resync');
      await admin.push('punches', [row(punch('mux', 9_000))]);
      await admin.push('employees', [row(employee('mux-e'))]);
      const p = await stream.waitFor((e) => e.name === 'changes' && e.data.collection === 'punches');
      const e = await stream.waitFor((ev) => ev.name === 'changes' && ev.data.collection === 'employees');
      expect(p.data.documents.map((d: { id: string }) => d.id)).toEqual(['DEV1|mux|9000']);
      expect(e.data.documents.map((d: { id: string }) => d.id)).toEqual(['mux-e']);
    } finally {
      stream.close();
    }
  });

  test('the pull stream announces RESYNC on connect, then streams changes in scope', async () => {
    const siteB = await userApi(admin, { username: `site-b-${backend}`, role: 'site_admin', siteId: 'site-b' });
    const stream = listen(`${server.url}/sync/employees/pull-stream`, siteB.token!);
    try {
      await stream.waitFor((e) => e.name === 'resync');
      await admin.push('employees', [row(employee('live-a', { siteId: 'site-a' })), row(employee('live-b', { siteId: 'site-b', sensitive: { bankAccount: '6222020200112233445' } }))]);
      const ev = await stream.waitFor((e) => e.name === 'changes' && e.data.documents.some((d: { id: string }) => d.id === 'live-b'));
      expect(ev.data.documents.map((d: { id: string }) => d.id)).toEqual(['live-b']);
      expect(ev.data.documents[0]).not.toHaveProperty('sensitive');
      expect(ev.data.checkpoint.id).toBe('live-b');
    } finally {
      stream.close();
    }
  });
});
