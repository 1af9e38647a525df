import { RenshiError } from '#shared/errors';
import { newId } from '#shared/ids';
import { Department, Site } from '#shared/schemas/org';
import { saveRecord, stripMeta, type WriteContext } from '../../db/records.ts';

type SiteInput = { id?: string; name: string; code: string; address: string; escalationWindowMinutes: number; missedPunchAlerts?: boolean; alertDelayMinutes?: number };
type DepartmentInput = { id?: string; name: string; code: string; siteId: string | null; parentId: string | null };

/** Codes identify a site or department in imports and device mappings, so each is unique within its kind. */
async function assertCodeFree(ctx: WriteContext, kind: 'site' | 'department', code: string, id: string) {
  const docs = await ctx.db.org.find({ selector: { kind } }).exec();
  const clash = docs.map((d) => stripMeta(d.toMutableJSON())).find((u) => u.code.trim().toLowerCase() === code.trim().toLowerCase() && u.id !== id);
  if (clash) throw new RenshiError('validation-failed', `code ${code} already used by ${clash.name}`, [{ code: 'custom', path: ['code'], message: `code taken:${clash.name}` }]);
}

export async function saveSite(ctx: WriteContext, input: SiteInput): Promise<Site> {
  const id = input.id ?? newId();
  await assertCodeFree(ctx, 'site', input.code, id);
  return saveRecord(ctx, 'org', Site, { ...input, id, kind: 'site' }, input.id ? 'site updated' : 'site created');
}

export async function saveDepartment(ctx: WriteContext, input: DepartmentInput): Promise<Department> {
  const id = input.id ?? newId();
  if (input.parentId === id) throw new RenshiError('validation-failed', 'a department cannot be its own parent', [{ code: 'custom', path: ['parentId'], message: 'invalid' }]);
  await assertCodeFree(ctx, 'department', input.code, id);
  return saveRecord(ctx, 'org', Department, { ...input, id, kind: 'department' }, input.id ? 'department updated' : 'department created');
}
