import { afterEach, describe, expect, test } from 'vitest';
import { builtInTemplate } from '#shared/cases/builtin-templates';
import { exportTemplateJson, offeredCustomTemplates } from '#shared/cases/custom-template';
import { AuditEvent } from '#shared/schemas/audit';
import type { RenshiDatabase } from '../../../src-renderer/db/database.ts';
import { applyCaseEvent, openCaseRecord, viewCase, type CaseWriteContext } from '../../../src-renderer/features/cases/case-repository.ts';
import { importCaseTemplate, listCustomTemplates, loadCaseTemplate, setCaseTemplateRetired } from '../../../src-renderer/features/cases/case-templates-store.ts';
import { freshIndexedDb, openTestDb } from '../db/helpers.ts';

const open: RenshiDatabase[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((db) => db.close().catch(() => undefined)));
});

const clock = Date.UTC(2026, 2, 2, 1);
async function openAt(idb: ReturnType<typeof freshIndexedDb>) {
  const t = await openTestDb({ idb, name: 'tpl' });
  open.push(t.db);
  const ctx: CaseWriteContext = { ...t.ctx, actor: 'hr-wang', roles: ['hr', 'hr-manager'], now: () => clock };
  return { ...t, ctx };
}

/** Offboarding adapted for a school: an exit interview added first. */
function schoolCopy(extraStep: string) {
  const t = JSON.parse(exportTemplateJson(builtInTemplate('offboarding')));
  t.name = { zh: '教师离职交接', en: 'Teacher offboarding' };
  t.steps = [{ id: extraStep, title: { zh: '离职面谈', en: 'Exit interview' } }, ...t.steps];
  return JSON.stringify(t);
}

describe('custom case templates on a real local database', () => {
  test('an imported copy opens a case that still works after a restart, found by id and version', async () => {
    const idb = freshIndexedDb();
    const first = await openAt(idb);
    const imported = await importCaseTemplate(first.ctx, schoolCopy('exit-interview'));
    expect(imported.ok).toBe(true);
    if (!imported.ok) return;
    expect(imported.setting.template).toMatchObject({ id: 'offboarding-custom', version: 1 });
    const opened = await openCaseRecord(first.ctx, imported.setting.template, { id: 'case-t1', subjectEmployeeId: 'emp-1', siteId: 's1' });
    expect(opened.ok).toBe(true);
    if (opened.ok) expect(opened.doc).toMatchObject({ templateId: 'offboarding-custom', templateVersion: 1 });
    // The import is audited like every other settings write.
    const audit = (await first.db.audit.find().exec()).map((d) => AuditEvent.parse(d.toMutableJSON()));
    expect(audit.find((e) => e.docId === 'case-template|offboarding-custom|1')?.summary).toContain('from offboarding@1');
    await first.db.close();

    // Restart: the template is read back from settings, the case's next step goes through the engine.
    const second = await openAt(idb);
    expect((await listCustomTemplates(second.db)).map((c) => c.id)).toEqual(['case-template|offboarding-custom|1']);
    const done = await applyCaseEvent(second.ctx, 'case-t1', { type: 'complete_step', stepId: 'exit-interview' });
    expect(done.ok).toBe(true);
    const stored = await viewCase(second.ctx, 'case-t1');
    expect(stored?.steps.find((s) => s.id === 'exit-interview')?.state).toBe('done');
    expect(stored?.steps.map((s) => s.id)).toEqual(['exit-interview', ...builtInTemplate('offboarding').steps.map((s) => s.id)]);

    // A second version does not change the case opened under the first.
    const v2 = await importCaseTemplate(second.ctx, schoolCopy('farewell-meeting'));
    expect(v2.ok && v2.setting.template.version).toBe(2);
    expect((await loadCaseTemplate(second.db, stored!)).steps[0]!.id).toBe('exit-interview');
    expect((await applyCaseEvent(second.ctx, 'case-t1', { type: 'complete_step', stepId: 'farewell-meeting' })).ok).toBe(false); // a v2 step: not this case's
    expect((await applyCaseEvent(second.ctx, 'case-t1', { type: 'record_termination_date', id: 'd1', date: '2026-03-02' })).ok).toBe(true);
  });

  test('a case whose template is not on this terminal is refused with a reason, not a crash', async () => {
    const { ctx, db } = await openAt(freshIndexedDb());
    const imported = await importCaseTemplate(ctx, schoolCopy('exit-interview'));
    if (!imported.ok) throw new Error('import failed');
    await openCaseRecord(ctx, imported.setting.template, { id: 'case-t2', subjectEmployeeId: 'emp-1', siteId: 's1' });
    await db.settings.findOne(imported.setting.id).remove();
    const r = await applyCaseEvent(ctx, 'case-t2', { type: 'complete_step', stepId: 'exit-interview' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reasons[0]).toMatchObject({ code: 'invalid', message: expect.stringContaining('offboarding-custom@1') });
  });

  test('a bad file stores nothing and lists its problems', async () => {
    const { ctx, db } = await openAt(freshIndexedDb());
    const bad = JSON.parse(schoolCopy('exit-interview'));
    bad.steps[1].law = ['labor-contract-999'];
    bad.steps[2].approvals = ['boss'];
    const r = await importCaseTemplate(ctx, JSON.stringify(bad));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.map((p) => p.path)).toContain('steps.2.approvals.0');
    const unknownLaw = await importCaseTemplate(ctx, JSON.stringify({ ...bad, steps: bad.steps.map((s: { approvals?: string[] }, i: number) => (i === 2 ? { ...s, approvals: [] } : s)) }));
    expect(unknownLaw.ok).toBe(false);
    if (!unknownLaw.ok) expect(unknownLaw.problems).toEqual([{ path: 'steps.1.law.0', message: 'law article labor-contract-999 is not in the law knowledge base' }]);
    expect(await db.settings.find({ selector: { kind: 'case_template' } }).exec()).toEqual([]);
    expect(await db.audit.find().exec()).toEqual([]);
  });

  test('a retired copy is no longer offered for new cases, its open cases keep working, and it can be offered again', async () => {
    const t = await openAt(freshIndexedDb());
    const imported = await importCaseTemplate(t.ctx, schoolCopy('exit-interview'));
    if (!imported.ok) throw new Error('import failed');
    expect((await openCaseRecord(t.ctx, imported.setting.template, { id: 'case-r1', subjectEmployeeId: 'emp-1', siteId: 's1' })).ok).toBe(true);

    const retired = await setCaseTemplateRetired(t.ctx, 'offboarding-custom', { reason: '改用 v2 之后的学校版' });
    expect(retired.retired).toEqual({ at: clock, by: 'hr-wang', reason: '改用 v2 之后的学校版' });
    expect(offeredCustomTemplates(await listCustomTemplates(t.db))).toEqual([]);
    // The case opened with it still finds its template and moves on.
    expect((await applyCaseEvent(t.ctx, 'case-r1', { type: 'complete_step', stepId: 'exit-interview' })).ok).toBe(true);
    const audit = (await t.db.audit.find({ selector: { docId: 'case-template|offboarding-custom|1' } }).exec()).map((d) => AuditEvent.parse(d.toMutableJSON()));
    expect(audit.map((e) => e.summary)).toContainEqual(expect.stringContaining('retired: 改用 v2 之后的学校版'));

    await setCaseTemplateRetired(t.ctx, 'offboarding-custom', null);
    expect(offeredCustomTemplates(await listCustomTemplates(t.db)).map((c) => c.id)).toEqual(['case-template|offboarding-custom|1']);
    await expect(setCaseTemplateRetired(t.ctx, 'no-such-template', { reason: 'x' })).rejects.toThrow(/no custom template/);
  });
});
