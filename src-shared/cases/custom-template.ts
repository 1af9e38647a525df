import { z } from 'zod';
import { LAW_ARTICLES } from '../law/law-search.ts';
import { EpochMs, Id } from '../schemas/common.ts';
import { BUILT_IN_TEMPLATES } from './builtin-templates.ts';
import { CaseTemplate } from './case-template.ts';

/**
 * HR's own case templates: a built-in exported as JSON, adapted, and imported back. Each import is stored as
 * one `settings` document (kind `case_template`, the whole template in one field) so every terminal gets it
 * through sync, and the server validates it with this same schema.
 *
 * A stored version is never changed: importing again under the same id adds the next version, and a case
 * keeps the id and version it was opened with, so an open case never changes its steps under HR's feet.
 */
export const CaseTemplateRef = z.object({ id: z.string().min(1).max(80), version: z.number().int().positive() });
export type CaseTemplateRef = z.infer<typeof CaseTemplateRef>;

const BUILT_IN_IDS = new Set(BUILT_IN_TEMPLATES.map((t) => t.id));
const KNOWN_ARTICLES = new Set(LAW_ARTICLES.map((a) => a.id));

export function caseTemplateSettingId(id: string, version: number): string {
  return `case-template|${id}|${version}`;
}

/** Paths (as zod reports them) of every cited article the law knowledge base does not hold. */
export function unknownArticlePaths(t: Pick<CaseTemplate, 'law' | 'steps'>, known: ReadonlySet<string> = KNOWN_ARTICLES): { path: (string | number)[]; id: string }[] {
  const out: { path: (string | number)[]; id: string }[] = [];
  t.law.forEach((id, i) => !known.has(id) && out.push({ path: ['law', i], id }));
  t.steps.forEach((s, si) => s.law.forEach((id, i) => !known.has(id) && out.push({ path: ['steps', si, 'law', i], id })));
  return out;
}

export const CaseTemplateSetting = z
  .object({
    id: Id,
    kind: z.literal('case_template'),
    updatedAt: EpochMs,
    template: CaseTemplate,
    /** The built-in this copy was adapted from (null: written from scratch). */
    derivedFrom: CaseTemplateRef.nullable().default(null),
    importedBy: z.string().trim().min(1).max(100),
    /** HR withdrew this copy: it is no longer offered for new cases (cases opened with it keep it). Set on
     *  the newest version; importing a newer version offers the template again. */
    retired: z.object({ at: EpochMs, by: z.string().trim().min(1).max(100), reason: z.string().trim().min(1).max(500) }).nullable().default(null),
  })
  .superRefine((d, ctx) => {
    if (d.id !== caseTemplateSettingId(d.template.id, d.template.version)) {
      ctx.addIssue({ code: 'custom', path: ['id'], message: `id must be ${caseTemplateSettingId(d.template.id, d.template.version)}` });
    }
    if (BUILT_IN_IDS.has(d.template.id)) {
      ctx.addIssue({ code: 'custom', path: ['template', 'id'], message: `${d.template.id} is a built-in template id; a copy needs an id of its own` });
    }
    if (d.derivedFrom && !BUILT_IN_IDS.has(d.derivedFrom.id)) {
      ctx.addIssue({ code: 'custom', path: ['derivedFrom', 'id'], message: `${d.derivedFrom.id} is not a built-in template` });
    }
    for (const u of unknownArticlePaths(d.template)) {
      ctx.addIssue({ code: 'custom', path: ['template', ...u.path], message: `law article ${u.id} is not in the law knowledge base` });
    }
  });
export type CaseTemplateSetting = z.infer<typeof CaseTemplateSetting>;

/** The JSON HR downloads to adapt: the template alone, readable. */
export function exportTemplateJson(t: CaseTemplate): string {
  return `${JSON.stringify(t, null, 2)}\n`;
}

export type ImportProblem = { path: string; message: string };
export type ImportResult = { ok: true; setting: CaseTemplateSetting } | { ok: false; problems: ImportProblem[] };

/**
 * Turns an uploaded JSON file into the settings document to store, or every problem with its field path
 * (nothing is stored then). The id: a file still carrying a built-in id (HR adapted an export) becomes
 * `<id>-custom` unless HR names it; an id HR already imported gets its next version; the file's own version
 * number is not trusted (two terminals importing "version 2" must not both claim it: a clash is a conflict
 * item, not a silent overwrite, because settings are keep-both).
 */
export function prepareTemplateImport(
  text: string,
  opts: { customs: readonly CaseTemplateSetting[]; actor: string; now: number; newId?: string | null },
): ImportResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, problems: [{ path: '', message: `not valid JSON: ${err instanceof Error ? err.message : String(err)}` }] };
  }
  // The id and version are assigned below, so a file may leave them out or keep the exported ones.
  const body = json && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : null;
  if (!body) return { ok: false, problems: [{ path: '', message: 'the file must hold one template (a JSON object)' }] };
  const parsed = CaseTemplate.safeParse({ ...body, id: typeof body.id === 'string' ? body.id : 'x', version: 1 });
  const problems: ImportProblem[] = [];
  if (typeof body.id !== 'string') problems.push({ path: 'id', message: 'id is required' });
  if (!parsed.success) problems.push(...parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })));
  if (parsed.success) {
    for (const u of unknownArticlePaths(parsed.data)) problems.push({ path: u.path.join('.'), message: `law article ${u.id} is not in the law knowledge base` });
  }
  if (problems.length || !parsed.success) return { ok: false, problems };

  const fileId = parsed.data.id;
  const wanted = opts.newId?.trim() || null;
  const priorOfFile = opts.customs.filter((c) => c.template.id === fileId);
  const derivedFrom: CaseTemplateRef | null = BUILT_IN_IDS.has(fileId)
    ? { id: fileId, version: BUILT_IN_TEMPLATES.find((t) => t.id === fileId)!.version }
    : (latest(priorOfFile)?.derivedFrom ?? null);
  const id = wanted ?? (BUILT_IN_IDS.has(fileId) ? `${fileId}-custom` : fileId);
  const version = Math.max(0, ...opts.customs.filter((c) => c.template.id === id).map((c) => c.template.version)) + 1;
  const candidate = { id: caseTemplateSettingId(id, version), kind: 'case_template', updatedAt: opts.now, template: { ...parsed.data, id, version }, derivedFrom, importedBy: opts.actor };
  const setting = CaseTemplateSetting.safeParse(candidate);
  if (!setting.success) return { ok: false, problems: setting.error.issues.map((i) => ({ path: i.path.map(String).join('.').replace(/^template\./, ''), message: i.message })) };
  return { ok: true, setting: setting.data };
}

function latest(list: readonly CaseTemplateSetting[]): CaseTemplateSetting | undefined {
  return [...list].sort((a, b) => b.template.version - a.template.version)[0];
}

/**
 * The template a case was opened with: built-ins by id (they ship with the program), HR's copies by id and
 * version. Undefined when this terminal does not know it (not synced yet, or a newer program's built-in).
 */
export function findCaseTemplate(customs: readonly CaseTemplateSetting[], id: string, version: number): CaseTemplate | undefined {
  const builtIn = BUILT_IN_TEMPLATES.find((t) => t.id === id);
  if (builtIn) return builtIn;
  return customs.find((c) => c.template.id === id && c.template.version === version)?.template;
}

/** The newest version of each custom template, retired ones included (the templates screen lists them). */
export function latestCustomTemplates(customs: readonly CaseTemplateSetting[]): CaseTemplateSetting[] {
  const byId = new Map<string, CaseTemplateSetting>();
  for (const c of customs) {
    const prev = byId.get(c.template.id);
    if (!prev || prev.template.version < c.template.version) byId.set(c.template.id, c);
  }
  return [...byId.values()].sort((a, b) => a.template.id.localeCompare(b.template.id));
}

/** The custom templates new cases may use: the newest version of each, unless HR retired it. */
export function offeredCustomTemplates(customs: readonly CaseTemplateSetting[]): CaseTemplateSetting[] {
  return latestCustomTemplates(customs).filter((c) => c.retired === null);
}
