import { afterEach, describe, expect, test } from 'vitest';
import { verifyAuditChain } from '#shared/audit/chain';
import { builtInTemplate } from '#shared/cases/builtin-templates';
import { whatIsMissing } from '#shared/cases/case-engine';
import { demoFactory } from '#shared/demo/factory';
import { AuditEvent } from '#shared/schemas/audit';
import { instantOf } from '#shared/time';
import { saveEmployee } from '../../../src-renderer/db/employees.ts';
import type { RenshiDatabase } from '../../../src-renderer/db/database.ts';
import { startEscalation, transition as escalate, type EscalationEventInput, type EscalationState } from '#shared/escalation/missed-punch-escalation';
import { applyCaseEvent, listCases, openCaseRecord, openDismissalFromEscalation, revokeWorkAccount, viewCase, type CaseWriteContext } from '../../../src-renderer/features/cases/case-repository.ts';
import { exportTemplateJson, prepareTemplateImport } from '#shared/cases/custom-template';
import { openTestDb } from '../db/helpers.ts';

const open: RenshiDatabase[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((db) => db.close()));
});

let clock = instantOf('2026-03-02 09:00');
async function setup(actor = 'hr-wang') {
  const t = await openTestDb();
  open.push(t.db);
  const ctx: CaseWriteContext = { ...t.ctx, actor, roles: ['hr', 'hr-manager'], now: () => clock };
  return { ...t, ctx };
}

async function auditOf(db: RenshiDatabase) {
  return (await db.audit.find().exec()).map((d) => AuditEvent.parse(d.toMutableJSON()));
}

describe('case repository on a real local database', () => {
  test('offboarding: blocked by the open checklist, then completed; every write audited in one chain', async () => {
    const { ctx, db } = await setup();
    const template = builtInTemplate('offboarding');
    const opened = await openCaseRecord(ctx, template, { id: 'case-1', subjectEmployeeId: 'emp-1', siteId: 's1' });
    expect(opened.ok).toBe(true);
    expect((await applyCaseEvent(ctx, 'case-1', { type: 'record_termination_date', id: 'f1', date: '2026-03-02' })).ok).toBe(true);
    expect((await applyCaseEvent(ctx, 'case-1', { type: 'complete_step', stepId: 'termination-date' })).ok).toBe(true);

    const refused = await applyCaseEvent(ctx, 'case-1', { type: 'complete_step', stepId: 'handover-documents' });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.reasons).toContainEqual({ code: 'checklist-open', stepId: 'handover-documents', itemIds: ['work-files', 'contracts-originals'] });

    for (const itemId of ['work-files', 'contracts-originals']) {
      expect((await applyCaseEvent(ctx, 'case-1', { type: 'check_item', stepId: 'handover-documents', itemId, done: true })).ok).toBe(true);
    }
    const done = await applyCaseEvent(ctx, 'case-1', { type: 'complete_step', stepId: 'handover-documents' });
    expect(done.ok).toBe(true);

    // The stored document is what the engine returned, and survives a re-read.
    const stored = await viewCase(ctx, 'case-1');
    expect(stored?.steps.find((s) => s.id === 'handover-documents')?.state).toBe('done');
    expect(whatIsMissing(stored!, template, clock).some((m) => m.stepId === 'handover-documents')).toBe(false);

    const audit = await auditOf(db);
    // open, termination date, step, 2 checks, step: six writes (the refusal wrote nothing)
    expect(audit.filter((e) => e.docId === 'case-1').map((e) => e.action)).toEqual(['create', 'update', 'update', 'update', 'update', 'update']);
    expect(await verifyAuditChain(audit, null)).toBeNull();
  });

  test('an HR override is stored with its reason and audited as a flagged override', async () => {
    const { ctx, db } = await setup();
    await openCaseRecord(ctx, builtInTemplate('offboarding'), { id: 'case-2', subjectEmployeeId: 'emp-1', siteId: 's1' });
    const noReason = await applyCaseEvent(ctx, 'case-2', { type: 'override_step', stepId: 'termination-date', reason: '  ' });
    expect(noReason.ok).toBe(false);
    const r = await applyCaseEvent(ctx, 'case-2', { type: 'override_step', stepId: 'termination-date', reason: '员工已书面确认' });
    expect(r.ok).toBe(true);
    const doc = await viewCase(ctx, 'case-2');
    expect(doc?.overrides).toHaveLength(1);
    expect(doc?.overrides[0]?.reason).toBe('员工已书面确认');
    expect((await auditOf(db)).some((e) => e.docId === 'case-2' && e.action === 'override')).toBe(true);
  });

  test('holding final wages is refused with the wage-hold warning; the case is unchanged and the attempt is audited', async () => {
    const { ctx, db } = await setup();
    await openCaseRecord(ctx, builtInTemplate('offboarding'), { id: 'case-3', subjectEmployeeId: 'emp-1', siteId: 's1' });
    await applyCaseEvent(ctx, 'case-3', { type: 'record_termination_date', id: 'f1', date: '2026-03-02' });
    const stored = await viewCase(ctx, 'case-3');
    const before = (await auditOf(db)).length;
    const r = await applyCaseEvent(ctx, 'case-3', { type: 'hold_final_wages', reason: '交接未完成' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reasons[0]).toMatchObject({ code: 'final-wages-never-held', warning: { dueDate: '2026-03-02', severity: 'error' } });
    // Skipping the final-wages step is the same attempt by another route.
    expect((await applyCaseEvent({ ...ctx, actor: 'hr-zhao' }, 'case-3', { type: 'skip_step', stepId: 'final-wages', reason: '客户投诉' })).ok).toBe(false);
    expect(await viewCase(ctx, 'case-3')).toEqual(stored);

    const audit = await auditOf(db);
    const refused = audit.slice(before).filter((e) => e.action === 'refused');
    expect(refused.map((e) => [e.actor, e.docId, e.collectionName])).toEqual([
      ['hr-wang', 'case-3', 'cases'],
      ['hr-zhao', 'case-3', 'cases'],
    ]);
    expect(refused[0]!.summary).toContain('hold_final_wages');
    expect(refused[0]!.summary).toContain('交接未完成');
    expect(refused[1]!.summary).toContain('skip_step of step final-wages');
    expect(refused[0]!.afterHash).toBeNull();
    expect(refused[0]!.beforeHash).not.toBeNull();
    expect(await verifyAuditChain(audit, null)).toBeNull();
  });

  test('restricted cases: refused without access, every view audited', async () => {
    const { ctx, db } = await setup('hr-wang');
    const opened = await openCaseRecord(ctx, builtInTemplate('sensitive-event'), { id: 'case-4', subjectEmployeeId: 'emp-1', siteId: 's1', categoryCode: builtInTemplate('sensitive-event').categories[0]!.code });
    expect(opened.ok).toBe(true);
    await viewCase(ctx, 'case-4');
    await viewCase(ctx, 'case-4');
    const other = { ...ctx, actor: 'hr-li' };
    await expect(viewCase(other, 'case-4')).rejects.toMatchObject({ code: 'forbidden' });
    expect((await listCases(other)).map((c) => c.id)).toEqual([]);
    expect((await listCases(ctx)).map((c) => c.id)).toEqual(['case-4']);
    const views = (await auditOf(db)).filter((e) => e.docId === 'case-4' && e.action === 'view');
    expect(views.map((e) => e.actor)).toEqual(['hr-wang', 'hr-wang']);
    // A user without access cannot change it either.
    const r = await applyCaseEvent(other, 'case-4', { type: 'add_evidence', evidence: { id: 'e1', kind: 'interview', description: '谈话' } });
    expect(r.ok).toBe(false);
  });

  test('revoking a work account checks the item and marks the employee account with who and when', async () => {
    const { ctx, db } = await setup();
    const company = demoFactory({ employees: 1 });
    const { id: _i, updatedAt: _u, ...input } = company.employees[0]!;
    const emp = await saveEmployee(ctx, { ...input, workAccounts: [{ kind: 'wecom', account: 'li.wei', revokedAt: null, revokedBy: null }, { kind: 'email', account: 'li@x.cn', revokedAt: null, revokedBy: null }] });
    await openCaseRecord(ctx, builtInTemplate('offboarding'), { id: 'case-5', subjectEmployeeId: emp.id, siteId: emp.siteId });
    clock += 60_000;
    const r = await revokeWorkAccount(ctx, 'case-5', { stepId: 'revoke-accounts', itemId: 'wecom', kind: 'wecom' });
    expect(r.ok).toBe(true);
    const item = (await viewCase(ctx, 'case-5'))!.checklist.find((c) => c.id === 'revoke-accounts/wecom');
    expect(item).toMatchObject({ done: true, by: 'hr-wang', at: clock });
    const after = (await db.employees.findOne(emp.id).exec())!.toMutableJSON();
    expect(after.workAccounts).toEqual([
      { kind: 'wecom', account: 'li.wei', revokedAt: clock, revokedBy: 'hr-wang' },
      { kind: 'email', account: 'li@x.cn', revokedAt: null, revokedBy: null },
    ]);
  });

  test('concurrent events on one case are all kept', async () => {
    const { ctx } = await setup();
    await openCaseRecord(ctx, builtInTemplate('offboarding'), { id: 'case-6', subjectEmployeeId: 'emp-1', siteId: 's1' });
    const results = await Promise.all(
      ['a', 'b', 'c', 'd'].map((k) => applyCaseEvent(ctx, 'case-6', { type: 'add_evidence', evidence: { id: `ev-${k}`, kind: 'note', description: k } })),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    expect((await viewCase(ctx, 'case-6'))!.evidence.map((e) => e.id).sort()).toEqual(['ev-a', 'ev-b', 'ev-c', 'ev-d']);
  });

  test('旷工解除 opens only from a lost-contact chain with a contact attempt and a known reason', async () => {
    const { ctx } = await setup();
    const chain = (steps: [number, EscalationEventInput][]): EscalationState => {
      let s = startEscalation({
        anomaly: { id: 'anomaly|emp-li|2026-03-02', employeeId: 'emp-li', siteId: 's1', date: '2026-03-02', detectedAt: instantOf('2026-03-02 09:05'), escalationWindowMinutes: 120 },
        employeeChannels: ['sms'],
        emergencyChannels: ['sms'],
      });
      for (const [when, e] of steps) s = escalate(s, e, when).state;
      return s;
    };
    const t0 = instantOf('2026-03-02 09:05');
    const toCase: [number, EscalationEventInput][] = [[t0, { type: 'timer' }], [t0 + 7_200_000, { type: 'timer' }], [t0 + 14_400_000, { type: 'timer' }]];
    const attempt: [number, EscalationEventInput] = [t0 + 86_400_000, { type: 'record_contact_attempt', by: 'hr', method: 'phone', reached: false }];
    const refused = await openDismissalFromEscalation(ctx, chain([...toCase, attempt]), { id: 'dis-1' });
    expect(refused.ok).toBe(false);
    expect(await ctx.db.cases.count().exec()).toBe(0);

    const ready = chain([...toCase, attempt, [t0 + 3 * 86_400_000, { type: 'record_known_reason', by: 'hr', reason: '家属告知被困传销' }]]);
    const opened = await openDismissalFromEscalation(ctx, ready, { id: 'dis-1' });
    if (!opened.ok) throw new Error(JSON.stringify(opened.reasons));
    expect(opened.doc.templateId).toBe('dismissal-absenteeism');
    const origin = await viewCase(ctx, opened.doc.originCaseId!);
    expect(origin?.templateId).toBe('lost-contact');
    expect(origin?.evidence.map((e) => e.kind)).toContain('known-reason');

    // HR's own copy of 旷工解除 (it starts from a lost-contact case too) opens from the same chain; a
    // template that does not start from a lost-contact case is refused.
    const copy = prepareTemplateImport(exportTemplateJson(builtInTemplate('dismissal-absenteeism')), { customs: [], actor: 'hr-wang', now: clock });
    if (!copy.ok) throw new Error(JSON.stringify(copy.problems));
    const fromCopy = await openDismissalFromEscalation(ctx, ready, { id: 'dis-2', template: copy.setting.template });
    if (!fromCopy.ok) throw new Error(JSON.stringify(fromCopy.reasons));
    expect(fromCopy.doc).toMatchObject({ templateId: 'dismissal-absenteeism-custom', templateVersion: 1, originCaseId: opened.doc.originCaseId });
    const wrong = await openDismissalFromEscalation(ctx, ready, { id: 'dis-3', template: builtInTemplate('offboarding') });
    expect(wrong.ok).toBe(false);
    expect(await ctx.db.cases.findOne('dis-3').exec()).toBeNull();
  });

  test('opening an absent-without-leave case sets the internal status on the employee record, audited', async () => {
    const { ctx, audit } = await setup();
    const company = demoFactory({ employees: 1 });
    const { id: _i, updatedAt: _u, ...input } = company.employees[0]!;
    const emp = await saveEmployee(ctx, { ...input, status: 'active' });
    const r = await openCaseRecord(ctx, builtInTemplate('absent-without-leave'), { id: 'awol-1', subjectEmployeeId: emp.id, siteId: emp.siteId });
    expect(r.ok).toBe(true);
    expect((await ctx.db.employees.findOne(emp.id).exec())!.status).toBe('absent_without_leave');
    expect((await audit.historyOf(emp.id)).at(-1)?.summary).toContain('absent without leave');
  });
});
