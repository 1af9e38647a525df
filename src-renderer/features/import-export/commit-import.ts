import { RenshiError } from '#shared/errors';
import type { Employee } from '#shared/schemas/employee';
import type { WriteContext } from '../../db/records.ts';

/**
 * Writes an import's validated employees all-or-nothing: one bulk insert, and if the storage refuses any
 * document (e.g. another terminal created the same id meanwhile) the ones that did go in are removed again.
 * Employee numbers are re-checked against the database right before writing, since the preview may be old.
 * Each imported record gets its own `import` audit event so its history starts with where it came from.
 */
export async function commitEmployeeImport(ctx: WriteContext, records: Employee[], fileName: string, onProgress?: (done: number, total: number) => void): Promise<number> {
  if (records.length === 0) return 0;
  const numbers = records.map((r) => r.employeeNo);
  const taken = await ctx.db.employees.find({ selector: { employeeNo: { $in: numbers } } }).exec();
  if (taken.length > 0) {
    throw new RenshiError('import-failed', `employee numbers already exist: ${taken.map((d) => d.employeeNo).join(', ')}`);
  }
  const now = (ctx.now ?? Date.now)();
  const docs = records.map((r) => ({ ...r, updatedAt: now }));
  const result = await ctx.db.employees.bulkInsert(docs);
  if (result.error.length > 0) {
    await ctx.db.employees.bulkRemove(result.success.map((d) => d.id));
    throw new RenshiError('import-failed', `${result.error.length} records could not be written; nothing was imported`);
  }
  onProgress?.(0, docs.length);
  const CHUNK = 500;
  for (let i = 0; i < docs.length; i += CHUNK) {
    onProgress?.(i, docs.length);
    await ctx.audit.appendMany(
      docs.slice(i, i + CHUNK).map((doc) => ({ actor: ctx.actor, action: 'import' as const, collection: 'employees', docId: doc.id, before: null, after: doc, summary: `imported from ${fileName}`.slice(0, 500) })),
    );
  }
  return docs.length;
}
