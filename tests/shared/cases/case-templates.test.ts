import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUILT_IN_TEMPLATES } from '#shared/cases/builtin-templates';
import { loadCaseTemplates } from '#shared/cases/case-template';
import { LAW_ARTICLES } from '#shared/law/law-search';

const dir = 'resources/case-templates';
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).map((name) => ({ name, text: readFileSync(`${dir}/${name}`, 'utf8') }));
const known = new Set(LAW_ARTICLES.map((a) => a.id));
const offboarding = files.find((f) => f.name === 'offboarding.json')!;

describe('case templates as data', () => {
  it('every file in resources/case-templates loads, and all are built in', () => {
    const r = loadCaseTemplates(files, known);
    expect(r.problems).toEqual([]);
    expect(r.templates.map((t) => t.id).sort()).toEqual(BUILT_IN_TEMPLATES.map((t) => t.id).sort());
    expect(r.templates.map((t) => t.id).sort()).toEqual(['absent-without-leave', 'dismissal-absenteeism', 'dismissal-serious-violation', 'loss-deduction', 'lost-contact', 'offboarding', 'sensitive-event']);
  });

  it('a template HR copied and adapted loads next to the original', () => {
    const copy = { ...JSON.parse(offboarding.text), id: 'offboarding-teachers', name: { zh: '教师离职交接', en: 'Teacher offboarding' } };
    const r = loadCaseTemplates([offboarding, { name: 'mine.json', text: JSON.stringify(copy) }], known);
    expect(r.problems).toEqual([]);
    expect(r.templates).toHaveLength(2);
  });

  const broken = (edit: (t: Record<string, unknown>) => unknown) => JSON.stringify(edit(JSON.parse(offboarding.text)));
  it.each<[string, string, string, string]>([
    ['not JSON', '{ "id": ', '', 'not valid JSON'],
    ['a step after an unknown step', broken((t) => ({ ...t, steps: [...(t.steps as object[]), { id: 'x', title: { zh: 'x', en: 'x' }, after: ['nope'] }] })), 'steps.10.after', 'unknown or later step nope'],
    ['duplicate step ids', broken((t) => ({ ...t, steps: [...(t.steps as object[]), { id: 'final-wages', title: { zh: 'x', en: 'x' } }] })), 'steps.10.id', 'duplicate step id'],
    ['final wages waiting for the handover', broken((t) => ({ ...t, steps: (t.steps as { id: string }[]).map((s) => (s.id === 'final-wages' ? { ...s, after: ['termination-date'] } : s)) })), 'steps.1', 'may not wait'],
    ['an unknown article', broken((t) => ({ ...t, law: ['labor-contract-999'] })), 'law', 'labor-contract-999'],
    ['a missing name', broken(({ name: _n, ...t }) => t), 'name', ''],
    ['a bad step id', broken((t) => ({ ...t, steps: [{ id: 'Final Wages', title: { zh: 'x', en: 'x' } }] })), 'steps.0.id', 'kebab-case'],
  ])('reports %s with its path, and still loads the good files', (_n, text, path, message) => {
    const r = loadCaseTemplates([{ name: 'bad.json', text }, files.find((f) => f.name === 'lost-contact.json')!], known);
    expect(r.templates.map((t) => t.id)).toEqual(['lost-contact']);
    expect(r.problems.length).toBeGreaterThan(0);
    expect(r.problems[0]).toMatchObject({ file: 'bad.json', path });
    expect(r.problems.map((p) => p.message).join('\n')).toContain(message);
  });

  it('reports a second definition of the same id and version', () => {
    const r = loadCaseTemplates([offboarding, { ...offboarding, name: 'copy.json' }], known);
    expect(r.templates).toHaveLength(1);
    expect(r.problems).toEqual([{ file: 'copy.json', path: 'id', message: 'template offboarding@1 is also defined in offboarding.json' }]);
  });

  it('each template cites law and every required step has something to check', () => {
    for (const t of BUILT_IN_TEMPLATES) {
      expect(t.law.length, t.id).toBeGreaterThan(0);
      expect(t.name.zh.length).toBeGreaterThan(0);
    }
  });
});
