import { RenshiError } from '#shared/errors';
import { Punch } from '#shared/schemas/punch';
import type { WriteContext } from '../../db/records.ts';
import { enrichPunches } from './device-sync.ts';

/**
 * Commits a USB import preview, all or nothing: a file with any row error is refused as a whole (HR fixes
 * the export and imports again, so there is never a half-imported day), and every row is validated before
 * anything is written. Rows already stored (same deterministic id, e.g. the poller pulled them earlier)
 * are simply written again as the same document, so importing a file twice adds nothing.
 */
export async function commitPunchImport(
  ctx: WriteContext,
  preview: { rows: readonly (Punch & { line: number })[]; errors: readonly unknown[] },
  opts: { fileName: string; siteId: string | null; employeeByPin: ReadonlyMap<string, string> },
): Promise<{ stored: number; added: number }> {
  if (preview.errors.length > 0) throw new RenshiError('import-failed', `the file has ${preview.errors.length} bad rows; nothing was imported`);
  if (preview.rows.length === 0) throw new RenshiError('import-failed', 'the file holds no punches');
  const punches: Punch[] = [];
  for (const { line, ...row } of preview.rows) {
    const parsed = Punch.safeParse({ ...row, source: 'usb-import' });
    if (!parsed.success) throw new RenshiError('validation-failed', `row ${line}: ${parsed.error.issues[0]?.message ?? 'invalid'}`, parsed.error.issues);
    punches.push(parsed.data);
  }
  const enriched = enrichPunches(punches, { employeeByPin: opts.employeeByPin, siteId: opts.siteId });
  const existing = await ctx.db.punches.findByIds(enriched.map((p) => p.id)).exec();
  // Keep what is stored already (its source says how it first arrived); add only the new punches.
  const fresh = enriched.filter((p) => !existing.has(p.id));
  if (fresh.length > 0) {
    const result = await ctx.db.punches.bulkInsert(fresh);
    if (result.error.length > 0) throw new RenshiError('internal', `${result.error.length} punches could not be written`);
  }
  await ctx.audit.append({
    actor: ctx.actor,
    action: 'import',
    collection: 'punches',
    docId: `usb-import|${opts.fileName}`.slice(0, 100),
    before: null,
    after: { file: opts.fileName, rows: punches.length, added: fresh.length },
    summary: `U盘导入 ${opts.fileName}: ${fresh.length} 条新打卡`,
  });
  return { stored: punches.length, added: fresh.length };
}
