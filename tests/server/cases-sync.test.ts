import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { builtInTemplate } from '#shared/cases/builtin-templates';
import { CaseDoc } from '#shared/cases/case-doc';
import { openCase, transition, type CaseEventInput } from '#shared/cases/case-engine';
import { decidePush } from '#shared/sync/conflicts';
import { accessFor } from '#shared/sync/auth';
import { ADMIN, Api, login, startTestServer, userApi } from './support/backends.ts';
import { row } from './support/fixtures.ts';

const template = builtInTemplate('offboarding');
const hr = { id: 'hr-wang', roles: ['hr' as const] };
const T0 = Date.UTC(2026, 2, 2, 1);

function opened(id: string): CaseDoc {
  const r = openCase(template, { id, subjectEmployeeId: 'emp-1', siteId: 's1' }, { now: T0, actor: hr });
  if (!r.ok) throw new Error(JSON.stringify(r.reasons));
  return r.doc;
}
function apply(doc: CaseDoc, event: CaseEventInput, at: number, actor = hr): CaseDoc {
  const r = transition(doc, template, event, { now: at, actor });
  if (!r.ok) throw new Error(JSON.stringify(r.reasons));
  return r.doc;
}
const ev = (id: string): CaseEventInput => ({ type: 'add_evidence', evidence: { id, kind: 'note', description: id } });

describe('cases: the merge conflict rule', () => {
  test('a stale edit merges item by item instead of conflicting', () => {
    const base = opened('c1');
    const a = apply(base, ev('from-a'), T0 + 1000);
    const b = apply(base, ev('from-b'), T0 + 2000, { id: 'hr-li', roles: ['hr'] });
    const d = decidePush('cases', { master: a, assumed: base, incoming: b });
    expect(d.kind).toBe('merge');
    if (d.kind === 'merge') expect((d.doc.evidence as { id: string }[]).map((e) => e.id).sort()).toEqual(['from-a', 'from-b']);
    // Nothing new on the incoming side: the replica is told the master, nothing is recorded.
    expect(decidePush('cases', { master: a, assumed: null, incoming: base })).toEqual({ kind: 'conflict', recordLosingVersion: false });
    expect(decidePush('cases', { master: a, assumed: a, incoming: { ...a, _deleted: true } }).kind).toBe('reject');
  });

  test('only HR and admins replicate cases', () => {
    expect(accessFor('hr', null, 'cases')).toEqual({ read: true, write: true });
    expect(accessFor('terminal', 's1', 'cases')).toEqual({ read: false, write: false });
    expect(accessFor('site_admin', 's1', 'cases')).toEqual({ read: false, write: false });
  });
});

describe('cases through the sync server (PGlite)', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let admin: Api;
  beforeAll(async () => {
    server = await startTestServer('pglite');
    admin = await login(server.url, ADMIN.username, ADMIN.password);
  });
  afterAll(async () => server?.close());

  test('two offline edits of one case both survive; the second writer is answered with the merge', async () => {
    const base = opened('c-sync');
    expect((await admin.push('cases', [row(base)])).body).toEqual({ conflicts: [], rejections: [], auditBreaks: [] });
    const a = apply(base, { type: 'record_termination_date', id: 'f1', date: '2026-03-02' }, T0 + 1000);
    const b = apply(apply(base, ev('ev-b'), T0 + 2000), { type: 'check_item', stepId: 'return-equipment', itemId: 'laptop', done: true }, T0 + 3000);
    expect((await admin.push('cases', [row(a, base)])).body.conflicts).toEqual([]);
    const second = await admin.push('cases', [row(b, base)]);
    expect(second.status).toBe(200);
    expect(second.body.rejections).toEqual([]);
    expect(second.body.conflicts).toHaveLength(1);
    const answered = CaseDoc.parse(Object.fromEntries(Object.entries(second.body.conflicts[0]).filter(([k]) => !k.startsWith('_'))));
    expect(answered.facts.map((f) => f.id)).toEqual(['f1']);
    expect(answered.evidence.map((e) => e.id)).toEqual(['ev-b']);
    expect(answered.checklist.find((c) => c.id === 'return-equipment/laptop')?.done).toBe(true);

    const pulled = (await admin.pull('cases', 'limit=100')).body.documents.find((d: { id: string }) => d.id === 'c-sync');
    expect(pulled.facts).toHaveLength(1);
    expect(pulled.evidence).toHaveLength(1);
    // No conflict item for HR: the merge needs no decision.
    const conflicts = await admin.get('/conflicts?status=open');
    if (conflicts.status === 200) expect(JSON.stringify(conflicts.body)).not.toContain('c-sync');
  });

  test("a teacher's classes with their successors and the final wage reach the server and come back as stored", async () => {
    let doc = opened('c-teacher');
    const steps: CaseEventInput[] = [
      { type: 'record_termination_date', id: 'td', date: '2026-03-20' },
      { type: 'record_teacher_status', id: 'ts', status: { teacher: true, basis: [{ field: 'certificate', value: '教师资格证' }] } },
      { type: 'add_checklist_item', stepId: 'reassign-classes', itemId: 'c1', label: { zh: '三(2)班数学', en: 'Class 3(2) maths' }, classDetails: { term: '2025-2026学年第二学期', weeklyHours: 6 } },
      { type: 'check_item', stepId: 'reassign-classes', itemId: 'c1', done: true, successor: '王芳', successorId: 'emp-2' },
      { type: 'record_final_wage', id: 'fw', periodStart: '2026-03-01', monthlySalaryFen: { value: 600_000, fromRecords: 600_000 }, paidDays: { value: 13, fromRecords: 15, reason: '两天事假' } },
    ];
    steps.forEach((e, i) => (doc = apply(doc, e, T0 + 1000 * (i + 1))));
    expect((await admin.push('cases', [row(doc)])).body).toEqual({ conflicts: [], rejections: [], auditBreaks: [] });
    const pulled = (await admin.pull('cases', 'limit=100')).body.documents.find((d: { id: string }) => d.id === 'c-teacher');
    const back = CaseDoc.parse(Object.fromEntries(Object.entries(pulled).filter(([k]) => !k.startsWith('_'))));
    expect(back.checklist.find((c) => c.itemId === 'c1')).toMatchObject({ successorId: 'emp-2', classDetails: { term: '2025-2026学年第二学期', weeklyHours: 6 } });
    expect(back.facts.map((f) => f.key)).toEqual(['termination-date', 'subject-teacher', 'final-wage']);
    expect(back).toEqual(doc);
  });

  test('an invalid case is rejected with its reason', async () => {
    const bad = { ...opened('c-bad'), status: 'half-done' };
    const res = await admin.push('cases', [row(bad)]);
    expect(res.body.rejections).toEqual([expect.objectContaining({ id: 'c-bad', code: 'validation-failed' })]);
  });

  test('a restricted case reaches only the users on its access list, on pull and on push', async () => {
    const se = builtInTemplate('sensitive-event');
    const r = openCase(se, { id: 'c-secret', subjectEmployeeId: 'emp-1', siteId: 's1', categoryCode: se.categories[0]!.code, access: ['hr-li'] }, { now: T0, actor: { id: ADMIN.username, roles: ['hr'] } });
    if (!r.ok) throw new Error(JSON.stringify(r.reasons));
    expect((await admin.push('cases', [row(r.doc)])).body.rejections).toEqual([]);
    const li = await userApi(admin, { username: 'hr-li', role: 'hr' });
    const wu = await userApi(admin, { username: 'hr-wu', role: 'hr' });
    const ids = async (api: Api) => (await api.pull('cases', 'limit=100')).body.documents.map((d: { id: string }) => d.id);
    expect(await ids(admin)).toContain('c-secret');
    expect(await ids(li)).toContain('c-secret');
    expect(await ids(wu)).not.toContain('c-secret');
    expect(await ids(wu)).toContain('c-sync'); // unrestricted cases stay visible
    const tampered = { ...r.doc, outcome: 'changed by someone without access', updatedAt: T0 + 5 };
    const res = await wu.push('cases', [row(tampered, r.doc)]);
    expect(res.body.rejections).toEqual([expect.objectContaining({ id: 'c-secret', code: 'forbidden' })]);
    expect(res.body.conflicts).toEqual([]); // the stored case is not revealed either

    // What hangs off the case outside the collection follows the same list: its evidence files and notices.
    const bytes = new TextEncoder().encode('访谈记录（扫描件）');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const withFile = transition(r.doc, se, { type: 'add_evidence', evidence: { id: 'ev-scan', kind: 'interview', description: '访谈记录', document: { sha256, ref: 'interview.pdf' } } }, { now: T0 + 10, actor: { id: 'hr-li', roles: ['hr'] } });
    if (!withFile.ok) throw new Error(JSON.stringify(withFile.reasons));
    expect((await li.push('cases', [row(withFile.doc, r.doc)])).body.rejections).toEqual([]);
    const upload = await fetch(`${server.url}/files/${sha256}`, { method: 'PUT', headers: { authorization: `Bearer ${li.token}`, 'content-type': 'application/octet-stream' }, body: Buffer.from(bytes) });
    expect(upload.status).toBe(200);
    const fetchAs = async (api: Api) => (await fetch(`${server.url}/files/${sha256}`, { headers: { authorization: `Bearer ${api.token}` } })).status;
    expect(await fetchAs(li)).toBe(200);
    expect(await fetchAs(wu)).toBe(403);
    expect((await li.get('/delivery/notices?caseId=c-secret')).status).toBe(200);
    expect((await wu.get('/delivery/notices?caseId=c-secret')).status).toBe(403);
    expect((await wu.get('/delivery/notices?caseId=c-sync')).status).toBe(200);
  });
});
