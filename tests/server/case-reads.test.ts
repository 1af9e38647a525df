import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { caseReadOf, caseViewLog, SERVER_REPLICA_ID } from '#shared/audit/case-reads';
import { verifyAuditChain } from '#shared/audit/chain';
import { builtInTemplate } from '#shared/cases/builtin-templates';
import type { CaseDoc } from '#shared/cases/case-doc';
import { openCase, transition } from '#shared/cases/case-engine';
import { AuditEvent } from '#shared/schemas/audit';
import { ADMIN, Api, login, startTestServer, userApi } from './support/backends.ts';
import { employee, row } from './support/fixtures.ts';

// Story 4 on the real server wiring (buildApp over PGlite): reads of a restricted case's material through
// the server (its notices, a signed record, an evidence file) are written into the server's own audit chain
// with who, when, what and from where; refused attempts too; the chain replicates like any audit event and
// verifies; reads of an ordinary case are not audited.

const T0 = Date.UTC(2026, 2, 2, 1);
const SCAN = new TextEncoder().encode('约谈录音文字稿：B 承认在群里发帖。');
const SCAN_SHA = createHash('sha256').update(SCAN).digest('hex');
const TERMINAL = 'HR-PC-01 · 3f2a1b2c';
const UA = 'Mozilla/5.0 (Windows NT 10.0) RenshiTest/1.0';

let server: Awaited<ReturnType<typeof startTestServer>>;
let admin: Api;
let wang: Api; // on the case's access list
let li: Api; // HR, but not on it

function sensitiveCase(id: string): CaseDoc {
  const template = builtInTemplate('sensitive-event');
  const actor = { id: 'cr-wang', roles: ['hr' as const] };
  const opened = openCase(template, { id, subjectEmployeeId: 'emp-b', siteId: 'site-a', categoryCode: 'SE-INCITE' }, { now: T0, actor });
  if (!opened.ok) throw new Error(JSON.stringify(opened.reasons));
  const r = transition(opened.doc, template, { type: 'add_evidence', evidence: { id: 'ev-1', kind: 'interview', description: '约谈记录', document: { sha256: SCAN_SHA, ref: 'interview.txt' } } }, { now: T0 + 1000, actor });
  if (!r.ok) throw new Error(JSON.stringify(r.reasons));
  return r.doc;
}

const as = (_api: Api) => ({ 'x-renshi-replica': encodeURIComponent(TERMINAL), 'user-agent': UA });
async function serverEvents(): Promise<AuditEvent[]> {
  const pulled = await admin.pull('audit', 'limit=1000');
  expect(pulled.status).toBe(200);
  return (pulled.body.documents as Record<string, unknown>[])
    .map(({ _deleted: _, ...d }) => AuditEvent.parse(d))
    .filter((e) => e.replicaId === SERVER_REPLICA_ID);
}
async function getFile(api: Api) {
  const res = await fetch(`${server.url}/files/${SCAN_SHA}`, { headers: { authorization: `Bearer ${api.token}`, 'user-agent': UA }, signal: AbortSignal.timeout(10_000) });
  await res.arrayBuffer();
  return res.status;
}

beforeAll(async () => {
  server = await startTestServer('pglite');
  admin = await login(server.url, ADMIN.username, ADMIN.password);
  wang = await userApi(admin, { username: 'cr-wang', role: 'hr' });
  li = await userApi(admin, { username: 'cr-li', role: 'hr' });
  expect((await admin.push('employees', [row(employee('emp-b', { name: '员工B' }))])).body.rejections).toEqual([]);
  expect((await wang.push('cases', [row(sensitiveCase('se-1'))])).body.rejections).toEqual([]);
  const ordinary = openCase(builtInTemplate('offboarding'), { id: 'off-1', subjectEmployeeId: 'emp-b', siteId: 'site-a' }, { now: T0, actor: { id: 'cr-wang', roles: ['hr'] } });
  if (!ordinary.ok) throw new Error('offboarding did not open');
  expect((await wang.push('cases', [row(ordinary.doc)])).body.rejections).toEqual([]);
  const put = await fetch(`${server.url}/files/${SCAN_SHA}`, { method: 'PUT', headers: { authorization: `Bearer ${wang.token}`, 'content-type': 'application/octet-stream' }, body: SCAN as Uint8Array<ArrayBuffer> });
  expect(put.status).toBe(200);
  for (const [noticeId, caseId] of [['n-se', 'se-1'], ['n-off', 'off-1']]) {
    const sent = await wang.post('/delivery/notices', { noticeId, caseId, employeeId: 'emp-b', kind: 'interview-notice', title: '约谈通知', body: '请于周一到人事部。', channels: [] });
    expect(sent.status).toBe(200);
  }
}, 60_000);
afterAll(async () => {
  await server?.close();
});

describe('reads of a restricted case through the server are audited', () => {
  test('notices, the signed record and an evidence file: who, when, what and from where, in one verified chain', async () => {
    const before = Date.now();
    expect((await wang.get('/delivery/notices?caseId=se-1', as(wang))).status).toBe(200);
    expect((await wang.get('/delivery/notices/n-se/signed-record', as(wang))).status).toBe(200);
    expect(await getFile(wang)).toBe(200);

    const events = await serverEvents();
    expect(await verifyAuditChain(events, null)).toBeNull();
    const log = caseViewLog(events, 'se-1');
    expect(log.map((v) => [v.actor, v.read, v.ref, v.refused]).sort()).toEqual([
      ['cr-wang', 'file', SCAN_SHA, false],
      ['cr-wang', 'notices', null, false],
      ['cr-wang', 'signed-record', 'n-se', false],
    ]);
    for (const v of log) {
      expect(v.at).toBeGreaterThanOrEqual(before);
      expect(v.via).toBe('server');
      expect(v.ip).toMatch(/127\.0\.0\.1/);
      expect(v.device).toBe(UA);
    }
    // The terminal label is what the app sends with its calls (the file fetch here sent none).
    expect(log.find((v) => v.read === 'notices')?.terminal).toBe(TERMINAL);
    expect(log.find((v) => v.read === 'file')?.terminal).toBeNull();
    expect(events.every((e) => e.action === 'view' && e.collectionName === 'cases' && e.docId === 'se-1')).toBe(true);
  });

  test('a refused attempt by someone not on the case is audited too, and gets nothing', async () => {
    expect((await li.get('/delivery/notices?caseId=se-1', as(li))).status).toBe(403);
    expect((await li.get('/delivery/notices/n-se/signed-record')).status).toBe(403);
    expect(await getFile(li)).toBe(403);
    const refused = caseViewLog(await serverEvents(), 'se-1').filter((v) => v.actor === 'cr-li');
    expect(refused.map((v) => [v.read, v.refused]).sort()).toEqual([
      ['file', true],
      ['notices', true],
      ['signed-record', true],
    ]);
  });

  test('the case screen re-reading its notices is one look, not one event per poll; another place is another look', async () => {
    const count = async () => caseViewLog(await serverEvents(), 'se-1').filter((v) => v.actor === 'cr-wang' && v.read === 'notices').length;
    const first = await count();
    for (let i = 0; i < 3; i++) expect((await wang.get('/delivery/notices?caseId=se-1', as(wang))).status).toBe(200);
    expect(await count()).toBe(first);
    expect((await wang.get('/delivery/notices?caseId=se-1', { 'x-renshi-replica': encodeURIComponent('LAPTOP-7 · 99aa00bb'), 'user-agent': UA })).status).toBe(200);
    expect(await count()).toBe(first + 1);
  });

  test('reads of an ordinary case are not audited', async () => {
    const before = (await serverEvents()).length;
    expect((await wang.get('/delivery/notices?caseId=off-1', as(wang))).status).toBe(200);
    expect((await wang.get('/delivery/notices/n-off/signed-record', as(wang))).status).toBe(200);
    expect((await serverEvents()).length).toBe(before);
  });

  test("no one but the server writes the server's chain", async () => {
    const [last] = (await serverEvents()).slice(-1);
    const forged = { ...last!, id: `${SERVER_REPLICA_ID}:${last!.seq + 1}`, seq: last!.seq + 1, actor: 'cr-li', summary: 'viewed nothing' };
    const r = await admin.push('audit', [row(forged)]);
    expect(r.body.rejections).toEqual([expect.objectContaining({ id: forged.id, code: 'forbidden' })]);
    expect((await serverEvents()).some((e) => e.id === forged.id)).toBe(false);
  });

  test('reads at the same moment from several places still extend one unbroken chain', async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => wang.get('/delivery/notices?caseId=se-1', { 'x-renshi-replica': encodeURIComponent(`PC-${i} · 0000000${i}`), 'user-agent': UA })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(6).fill(200));
    const events = await serverEvents();
    expect(await verifyAuditChain(events, null)).toBeNull();
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
    const places = new Set(events.map((e) => caseReadOf(e.summary)?.from.terminal));
    for (let i = 0; i < 6; i++) expect(places.has(`PC-${i} · 0000000${i}`)).toBe(true);
  });
});
