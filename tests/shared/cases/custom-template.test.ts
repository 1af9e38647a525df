import { describe, expect, it } from 'vitest';
import { builtInTemplate } from '#shared/cases/builtin-templates';
import { CaseTemplateSetting, exportTemplateJson, findCaseTemplate, latestCustomTemplates, prepareTemplateImport, type CaseTemplateSetting as Setting } from '#shared/cases/custom-template';
import { SettingsDoc } from '#shared/schemas/settings';

const now = Date.UTC(2026, 2, 2, 1);
const exported = () => JSON.parse(exportTemplateJson(builtInTemplate('offboarding'))) as Record<string, any>;
const adapted = () => {
  const t = exported();
  t.name = { zh: '教师离职交接', en: 'Teacher offboarding' };
  t.steps = [...t.steps, { id: 'exit-interview', title: { zh: '离职面谈', en: 'Exit interview' }, after: ['termination-date'] }];
  return t;
};
function importOk(text: string, customs: Setting[] = [], newId?: string): Setting {
  const r = prepareTemplateImport(text, { customs, actor: 'hr-wang', now, newId });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.setting;
}

describe('HR importing an adapted template', () => {
  it('an exported built-in, adapted, becomes a custom copy with its own id, version 1, derived from the built-in', () => {
    const s = importOk(JSON.stringify(adapted()));
    expect(s).toMatchObject({ id: 'case-template|offboarding-custom|1', kind: 'case_template', importedBy: 'hr-wang', updatedAt: now, derivedFrom: { id: 'offboarding', version: 1 } });
    expect(s.template.id).toBe('offboarding-custom');
    expect(s.template.version).toBe(1);
    expect(s.template.steps.map((x) => x.id)).toContain('exit-interview');
    // It is a valid settings document, as the server will check it.
    expect(SettingsDoc.safeParse(s).success).toBe(true);
  });

  it('importing the same copy again adds the next version (never rewrites a stored one) and keeps its origin', () => {
    const v1 = importOk(JSON.stringify(adapted()));
    const again = { ...v1.template, version: 1, description: { zh: '第二版', en: 'second' } };
    const v2 = importOk(JSON.stringify(again), [v1]);
    expect(v2.id).toBe('case-template|offboarding-custom|2');
    expect(v2.derivedFrom).toEqual({ id: 'offboarding', version: 1 });
    // The file's own version number is not trusted.
    expect(importOk(JSON.stringify({ ...again, version: 99 }), [v1, v2]).template.version).toBe(3);
    // Cases find each version by id and version; the picker offers the newest.
    expect(findCaseTemplate([v1, v2], 'offboarding-custom', 1)?.description.zh).toBe(v1.template.description.zh);
    expect(findCaseTemplate([v1, v2], 'offboarding-custom', 2)?.description.zh).toBe('第二版');
    expect(findCaseTemplate([v1, v2], 'offboarding-custom', 3)).toBeUndefined();
    expect(latestCustomTemplates([v1, v2]).map((c) => c.template.version)).toEqual([2]);
  });

  it('HR may name the copy; naming it like a built-in is refused', () => {
    expect(importOk(JSON.stringify(adapted()), [], 'offboarding-teachers').id).toBe('case-template|offboarding-teachers|1');
    const r = prepareTemplateImport(JSON.stringify(adapted()), { customs: [], actor: 'hr', now, newId: 'loss-deduction' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems).toContainEqual({ path: 'id', message: 'loss-deduction is a built-in template id; a copy needs an id of its own' });
  });

  it('a bad file lists every problem with its field path, and yields nothing to store', () => {
    const t = adapted();
    t.steps[0].id = 'Final Wages';
    t.steps[1].after = ['nowhere'];
    delete t.name;
    t.steps[2].due = { days: -1, anchor: { from: 'opened' } };
    const r = prepareTemplateImport(JSON.stringify(t), { customs: [], actor: 'hr', now });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const paths = r.problems.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['name', 'steps.0.id', 'steps.2.due.days']));
    expect(r.problems.find((p) => p.path === 'steps.0.id')?.message).toContain('kebab-case');
  });

  it('a step citing an article the law knowledge base does not hold is refused at that field', () => {
    const t = adapted();
    t.steps[3].law = [...(t.steps[3].law ?? []), 'labor-contract-999'];
    t.law = ['labor-contract-39', 'made-up-rule'];
    const r = prepareTemplateImport(JSON.stringify(t), { customs: [], actor: 'hr', now });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toContainEqual({ path: 'law.1', message: 'law article made-up-rule is not in the law knowledge base' });
    expect(r.problems).toContainEqual({ path: `steps.3.law.${t.steps[3].law.length - 1}`, message: 'law article labor-contract-999 is not in the law knowledge base' });
  });

  it('not JSON, or not one object', () => {
    for (const text of ['{"id": ', '[1,2]', '"x"']) {
      const r = prepareTemplateImport(text, { customs: [], actor: 'hr', now });
      expect(r.ok).toBe(false);
    }
  });
});

describe('the stored document (what the server validates on push)', () => {
  const good = () => importOk(JSON.stringify(adapted()));
  it.each<[string, (s: Setting) => unknown, string, string]>([
    ['an unknown law article', (s) => ({ ...s, template: { ...s.template, law: [...s.template.law, 'labor-contract-999'] } }), 'template.law', 'labor-contract-999 is not in the law knowledge base'],
    ['a built-in id', (s) => ({ ...s, id: 'case-template|offboarding|1', template: { ...s.template, id: 'offboarding' } }), 'template.id', 'built-in template id'],
    ['an id not matching the template', (s) => ({ ...s, id: 'case-template|other|1' }), 'id', 'case-template|offboarding-custom|1'],
    ['derived from a template that is not built in', (s) => ({ ...s, derivedFrom: { id: 'nope', version: 1 } }), 'derivedFrom.id', 'not a built-in'],
  ])('refuses %s', (_n, edit, path, message) => {
    const r = SettingsDoc.safeParse(edit(good()));
    expect(r.success).toBe(false);
    const issue = r.error!.issues.find((i) => i.path.join('.').startsWith(path));
    expect(issue?.message).toContain(message);
    expect(CaseTemplateSetting.safeParse(edit(good())).success).toBe(false);
  });
});
