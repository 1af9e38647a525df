import { describe, expect, it } from 'vitest';
import { transition, whatIsMissing, type CaseEventInput } from '#shared/cases/case-engine';
import { CaseTemplate } from '#shared/cases/case-template';
import { teacherStatusOf } from '#shared/cases/teacher-status';
import { at, clerk, complete, hr, open, refused, run, stateOf, teacherStatus, type Step } from './fixtures';

// Story 5: a leaving teacher's classes are reassigned before offboarding completes.

describe('who is a teacher (read from the employee record)', () => {
  const cert = (kind: string, expiresOn: string | null = null) => ({ kind, number: '', issuedOn: null, expiresOn });
  it.each<[string, string, ReturnType<typeof cert>[], boolean, string[]]>([
    ['教师资格证', '', [cert('高级中学教师资格证')], true, ['certificate: 高级中学教师资格证']],
    ['an expired 教师资格证 still makes a teacher (the classes are still there)', '职员', [cert('教师资格证', '2020-01-01')], true, ['certificate: 教师资格证']],
    ['a 职称 recorded as a teacher grade', '', [cert('中学一级教师')], true, ['certificate: 中学一级教师']],
    ['a teaching post', '数学教师', [], true, ['position: 数学教师']],
    ['a 班主任', '三年级班主任', [], true, ['position: 三年级班主任']],
    ['an English job title', 'English Teacher', [], true, ['position: English Teacher']],
    ['certificate and post both listed', '语文老师', [cert('教师资格证')], true, ['certificate: 教师资格证', 'position: 语文老师']],
    ['a factory worker with a forklift licence', '叉车司机', [cert('叉车操作证（特种设备作业人员证）')], false, []],
    ['nothing on file', '', [], false, []],
  ])('%s', (_n, position, certificates, teacher, basis) => {
    const s = teacherStatusOf({ position, certificates });
    expect(s.teacher).toBe(teacher);
    expect(s.basis.map((b) => `${b.field}: ${b.value}`)).toEqual(basis);
  });
});

describe('offboarding: reassigning classes (课程重新安排)', () => {
  const { doc: fresh, template } = open('offboarding', { now: '2026-06-20 09:00' });
  const doc = run(fresh, template, [
    ['2026-06-20 09:01', hr, { type: 'record_termination_date', id: 'td', date: '2026-06-30' }],
    ['2026-06-20 09:02', hr, complete('termination-date')],
  ]);
  const addClass = (itemId: string, name: string, weeklyHours: number | null = 6): CaseEventInput => ({
    type: 'add_checklist_item', stepId: 'reassign-classes', itemId, label: { zh: name, en: name }, classDetails: { term: '2025-2026学年第二学期', weeklyHours },
  });
  const assign = (itemId: string, successorId: string | null, successor: string | null = '王老师'): CaseEventInput => ({ type: 'check_item', stepId: 'reassign-classes', itemId, done: true, successor, successorId });
  const teacher = run(doc, template, [['2026-06-20 09:03', hr, teacherStatus('ts', true)]]);
  const t = (d: typeof doc, e: CaseEventInput, actor = hr) => transition(d, template, e, { now: at('2026-06-21 10:00'), actor });
  const blockers = (d: typeof doc) => whatIsMissing(d, template, at('2026-06-21 10:00')).find((m) => m.stepId === 'reassign-classes')!.blockers;

  it.each<[string, Step[], string, unknown[]]>([
    ['not known yet whether the leaver teaches', [], 'blocked', [{ code: 'precondition-unmet', stepId: 'reassign-classes', rule: 'teacher-status-known', message: expect.any(String) }]],
    ['a teacher with no class listed', [['2026-06-20 09:03', hr, teacherStatus('ts', true)]], 'blocked', [{ code: 'precondition-unmet', stepId: 'reassign-classes', rule: 'classes-listed', message: expect.any(String) }]],
    ['a teacher with a class that has no successor', [['2026-06-20 09:03', hr, teacherStatus('ts', true)], ['2026-06-20 09:04', hr, addClass('c-3-2-math', '三(2)班数学')]], 'blocked', [{ code: 'checklist-open', stepId: 'reassign-classes', itemIds: ['c-3-2-math'] }]],
    ['not a teacher: nothing to reassign', [['2026-06-20 09:03', hr, teacherStatus('ts', false)]], 'ready', []],
    ['every class has its successor', [['2026-06-20 09:03', hr, teacherStatus('ts', true)], ['2026-06-20 09:04', hr, addClass('c-3-2-math', '三(2)班数学')], ['2026-06-20 09:05', hr, assign('c-3-2-math', 'emp-wang')]], 'ready', []],
  ])('%s', (_n, steps, state, expected) => {
    const d = run(doc, template, steps);
    expect(stateOf(d, 'reassign-classes')).toBe(state);
    expect(blockers(d)).toEqual(expected);
  });

  it('a class needs a successor who is an employee, and not the leaver', () => {
    const listed = run(teacher, template, [['2026-06-20 09:04', hr, addClass('c-3-2-math', '三(2)班数学')]]);
    expect(listed.checklist.find((c) => c.itemId === 'c-3-2-math')).toMatchObject({ needsSuccessor: true, classDetails: { term: '2025-2026学年第二学期', weeklyHours: 6 }, successorId: null });
    expect(refused(t(listed, assign('c-3-2-math', null)))[0]).toMatchObject({ code: 'invalid', message: expect.stringContaining('an employee') });
    expect(refused(t(listed, assign('c-3-2-math', 'emp-li')))[0]).toMatchObject({ code: 'invalid', message: expect.stringContaining('own successor') });
    const done = run(listed, template, [['2026-06-21 10:00', hr, assign('c-3-2-math', 'emp-wang', '王芳')]]);
    expect(done.checklist.find((c) => c.itemId === 'c-3-2-math')).toMatchObject({ done: true, successor: '王芳', successorId: 'emp-wang' });
  });

  it.each<[string, () => ReturnType<typeof t>, string]>([
    ['classes for someone the record does not show as a teacher', () => t(run(doc, template, [['2026-06-20 09:03', hr, teacherStatus('ts', false)]]), addClass('c1', '三(2)班数学')), 'precondition-unmet'],
    ['classes before it is known whether the leaver teaches', () => t(doc, addClass('c1', '三(2)班数学')), 'precondition-unmet'],
    ['a class without its term', () => t(teacher, { type: 'add_checklist_item', stepId: 'reassign-classes', itemId: 'c1', label: { zh: '三(2)班数学', en: 'Class 3-2 maths' } }), 'invalid'],
    ['class details on another step', () => t(teacher, { ...addClass('c1', '三(2)班数学'), stepId: 'handover-documents' } as CaseEventInput), 'invalid'],
    ['skipping the step (only an override, with a reason, lets a teacher go without)', () => t(teacher, { type: 'skip_step', stepId: 'reassign-classes', reason: '暑假期间' }), 'not-optional'],
    ['an override by someone who is not HR', () => t(teacher, { type: 'override_step', stepId: 'reassign-classes', reason: '本学期无课' }, clerk), 'forbidden'],
  ])('refused: %s', (_n, attempt, code) => {
    expect(refused(attempt()).map((r) => r.code)).toEqual([code]);
  });

  it('HR may override with a reason: recorded and flagged, and compensation no longer waits for it', () => {
    const r = t(teacher, { type: 'override_step', stepId: 'reassign-classes', reason: '本学期未排课，教务处证明已归档' });
    if (!r.ok) throw new Error(JSON.stringify(r.reasons));
    expect(stateOf(r.doc, 'reassign-classes')).toBe('overridden');
    expect(r.audit).toEqual([{ action: 'override', flagged: true, summary: expect.stringContaining('precondition-unmet') }]);
    expect(whatIsMissing(r.doc, template).find((m) => m.stepId === 'release-compensation')?.blockers[0]).toMatchObject({ waitingFor: ['handover-documents', 'handover-customers', 'return-equipment', 'revoke-accounts'] });
  });

  it('the record changing later is followed: the latest status counts', () => {
    const d = run(teacher, template, [['2026-06-21 09:00', hr, teacherStatus('ts2', false)]]);
    expect(stateOf(d, 'reassign-classes')).toBe('ready');
  });

  it('a template may not make a class step optional', () => {
    const bad = { ...template, steps: template.steps.map((s) => (s.reassignsClasses ? { ...s, optional: true } : s)) };
    expect(CaseTemplate.safeParse(bad).error?.issues[0]?.message).toContain('cannot be optional');
  });
});
