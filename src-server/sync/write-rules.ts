import type { CollectionName } from '#shared/collections';
import { DECISION_REFUSAL_TEXT, requestWriteRefusal } from '#shared/attendance/request-decision';
import type { RenshiErrorCode } from '#shared/errors';
import { RequestDoc } from '#shared/schemas/leave';
import type { SyncDoc } from '#shared/sync/conflicts';
import type { Principal } from '../auth/principal.ts';

/**
 * Rules about who may write what into a document, beyond collection access and sites: a write the push
 * would otherwise apply is judged against the stored version (never the replica's assumed one). Today the
 * only such rule: approving or rejecting leave and punch corrections (#shared/attendance/request-decision).
 */
export function writeRefusal(principal: Principal, collection: CollectionName, stored: SyncDoc | null, next: SyncDoc): { code: RenshiErrorCode; message: string } | null {
  if (collection !== 'requests' || next._deleted === true) return null;
  const parsedNext = RequestDoc.safeParse(withoutDeleted(next));
  if (!parsedNext.success) return null; // already validated by the push; nothing to judge
  const parsedStored = stored && stored._deleted !== true ? RequestDoc.safeParse(withoutDeleted(stored)) : null;
  const refusal = requestWriteRefusal({ name: principal.name, role: principal.role }, parsedStored?.success ? parsedStored.data : null, parsedNext.data);
  return refusal ? { code: 'decision-not-allowed', message: `${DECISION_REFUSAL_TEXT[refusal]} (${refusal})` } : null;
}

const withoutDeleted = ({ _deleted: _, ...data }: SyncDoc): Record<string, unknown> => data;
