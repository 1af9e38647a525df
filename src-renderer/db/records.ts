import type { z } from 'zod';
import { RenshiError } from '#shared/errors';
import type { AuditLog } from './audit-log.ts';
import type { RenshiDatabase } from './database.ts';

/** Who is changing data, and where it is written and audited. Every UI write goes through one of these. */
export type WriteContext = { db: RenshiDatabase; audit: AuditLog; actor: string; now?: () => number };

type RecordCollection = 'employees' | 'org' | 'settings' | 'requests';

/**
 * Validates `input` with the collection's zod schema, stamps `updatedAt`, writes it and appends an audit
 * event with before/after hashes. Throws RenshiError('validation-failed') with zod's issues on bad input.
 */
export async function saveRecord<S extends z.ZodType>(
  ctx: WriteContext,
  collection: RecordCollection,
  schema: S,
  input: unknown,
  summary: string,
): Promise<z.infer<S>> {
  const now = (ctx.now ?? Date.now)();
  const parsed = schema.safeParse({ ...(input as object), updatedAt: now });
  if (!parsed.success) throw new RenshiError('validation-failed', `invalid ${collection} record`, parsed.error.issues);
  const doc = parsed.data as { id: string } & Record<string, unknown>;
  const coll = ctx.db[collection] as unknown as import('rxdb').RxCollection<Record<string, unknown>>;
  const existing = await coll.findOne(doc.id).exec();
  const before = existing ? (existing.toMutableJSON() as Record<string, unknown>) : null;
  await coll.upsert(doc);
  await ctx.audit.append({ actor: ctx.actor, action: before ? 'update' : 'create', collection, docId: doc.id, before, after: doc, summary });
  return parsed.data;
}

/**
 * Deletes a record and appends a `delete` audit event with its last state's hash. The deletion replicates
 * (RxDB keeps the document flagged deleted, and the server stores the flag), so every terminal drops it.
 * Returns false when there was nothing to delete.
 */
export async function removeRecord(ctx: WriteContext, collection: RecordCollection, id: string, summary: string): Promise<boolean> {
  const coll = ctx.db[collection] as unknown as import('rxdb').RxCollection<Record<string, unknown>>;
  const existing = await coll.findOne(id).exec();
  if (!existing) return false;
  const before = existing.toMutableJSON() as Record<string, unknown>;
  await existing.remove();
  await ctx.audit.append({ actor: ctx.actor, action: 'delete', collection, docId: id, before, after: null, summary });
  return true;
}

export function stripMeta<T extends Record<string, unknown>>(doc: T): T {
  return Object.fromEntries(Object.entries(doc).filter(([k]) => !k.startsWith('_'))) as T;
}
