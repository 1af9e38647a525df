import { useMemo } from 'react';
import { CaseTemplateSetting, findCaseTemplate, prepareTemplateImport, type ImportProblem } from '#shared/cases/custom-template';
import type { CaseTemplate } from '#shared/cases/case-template';
import { useRenshi } from '../../app/context.tsx';
import { useObservable } from '../../components/use-observable.ts';
import type { RenshiDatabase } from '../../db/database.ts';
import { saveRecord, stripMeta, type WriteContext } from '../../db/records.ts';

/**
 * HR's own case templates, stored in the replicated `settings` collection (kind `case_template`) so every
 * terminal has them. A document that does not parse (e.g. written by a newer program) is left out rather
 * than breaking the case screens.
 */
function parseAll(docs: { toMutableJSON(): unknown }[]): CaseTemplateSetting[] {
  const out: CaseTemplateSetting[] = [];
  for (const d of docs) {
    const r = CaseTemplateSetting.safeParse(stripMeta(d.toMutableJSON() as Record<string, unknown>));
    if (r.success) out.push(r.data);
  }
  return out;
}

export async function listCustomTemplates(db: RenshiDatabase): Promise<CaseTemplateSetting[]> {
  return parseAll(await db.settings.find({ selector: { kind: 'case_template' } }).exec());
}

/** Live list of every stored custom template version. */
export function useCustomTemplates(): CaseTemplateSetting[] | undefined {
  const { db } = useRenshi();
  const docs = useObservable(() => db.settings.find({ selector: { kind: 'case_template' } }).$, [db]);
  return useMemo(() => (docs ? parseAll(docs) : undefined), [docs]);
}

/** The template a stored case was opened with (built-in by id, custom by id and version); throws when unknown. */
export async function loadCaseTemplate(db: RenshiDatabase, ref: { templateId: string; templateVersion: number }): Promise<CaseTemplate> {
  const found = findCaseTemplate(await listCustomTemplates(db), ref.templateId, ref.templateVersion);
  if (!found) throw new RangeError(`no case template ${ref.templateId}@${ref.templateVersion} on this terminal`);
  return found;
}

export type TemplateImportResult = { ok: true; setting: CaseTemplateSetting } | { ok: false; problems: ImportProblem[] };

/**
 * Imports one JSON file as a new custom template version (validated, audited). Nothing is written when the
 * file has any problem.
 */
export async function importCaseTemplate(ctx: WriteContext, text: string, newId?: string | null): Promise<TemplateImportResult> {
  const now = (ctx.now ?? Date.now)();
  const prepared = prepareTemplateImport(text, { customs: await listCustomTemplates(ctx.db), actor: ctx.actor, now, newId });
  if (!prepared.ok) return prepared;
  const s = prepared.setting;
  if (await ctx.db.settings.findOne(s.id).exec()) return { ok: false, problems: [{ path: 'version', message: `${s.template.id} version ${s.template.version} was just stored; import again` }] };
  const from = s.derivedFrom ? ` from ${s.derivedFrom.id}@${s.derivedFrom.version}` : '';
  const saved = await saveRecord(ctx, 'settings', CaseTemplateSetting, s, `case template ${s.template.id}@${s.template.version} imported${from}`);
  return { ok: true, setting: saved };
}

/**
 * Withdraws a custom template from new cases (its newest version is marked, audited), or offers it again.
 * Cases already opened with it are untouched: they keep the id and version they were opened with.
 */
export async function setCaseTemplateRetired(ctx: WriteContext, templateId: string, retire: { reason: string } | null): Promise<CaseTemplateSetting> {
  const newest = (await listCustomTemplates(ctx.db)).filter((c) => c.template.id === templateId).sort((a, b) => b.template.version - a.template.version)[0];
  if (!newest) throw new RangeError(`no custom template ${templateId}`);
  const now = (ctx.now ?? Date.now)();
  const next: CaseTemplateSetting = { ...newest, updatedAt: now, retired: retire ? { at: now, by: ctx.actor, reason: retire.reason } : null };
  const summary = retire ? `case template ${templateId}@${newest.template.version} retired: ${retire.reason}` : `case template ${templateId}@${newest.template.version} offered again`;
  return saveRecord(ctx, 'settings', CaseTemplateSetting, next, summary.slice(0, 500));
}
