import { canonicalJson } from '../audit/chain.ts';
import type { CollectionName } from '../collections.ts';
import { COLLECTIONS } from '../collections.ts';

/**
 * What the server does with one pushed row. RxDB's protocol sends the state a replica wants
 * (`incoming`) with the master state it last saw (`assumed`); the server compares that with its current
 * `master`:
 *
 *  - 'append-only' collections (punches, audit events) hold facts whose id is derived from the fact
 *    itself, so a second write of an id is the same fact arriving again. The first write wins and nothing
 *    is ever a conflict: an identical copy is a no-op, a differing copy is answered with the stored fact so
 *    the replica converges to it. Facts are never deleted.
 *  - 'keep-both' collections: when the replica's assumption matches the master (or there is no master
 *    yet) the write applies. Otherwise someone else changed the document meanwhile: the master stays,
 *    the replica is told the master state, and the losing edit is recorded as a conflict item for HR, so an
 *    edit is never silently lost. A write that equals the master already is a no-op, not a conflict.
 *
 * Documents compare by content: canonical JSON without RxDB metadata (`_rev`, `_meta`, ...), with
 * `_deleted` included and defaulting to false.
 */
export type PushDecision =
  | { kind: 'write' }
  | { kind: 'unchanged' }
  | { kind: 'conflict'; recordLosingVersion: boolean }
  | { kind: 'reject'; message: string };

export type SyncDoc = { id: string; _deleted?: boolean; [field: string]: unknown };

export function decidePush(
  collection: CollectionName,
  row: { master: SyncDoc | null; assumed: SyncDoc | null | undefined; incoming: SyncDoc },
): PushDecision {
  const { master, assumed, incoming } = row;
  if (COLLECTIONS[collection].conflict === 'append-only') {
    if (incoming._deleted) return { kind: 'reject', message: `${collection} are append-only: documents cannot be deleted` };
    if (!master) return { kind: 'write' };
    return sameContent(master, incoming) ? { kind: 'unchanged' } : { kind: 'conflict', recordLosingVersion: false };
  }
  if (!master) return { kind: 'write' };
  if (sameContent(master, incoming)) return { kind: 'unchanged' };
  if (assumed && sameContent(master, assumed)) return { kind: 'write' };
  return { kind: 'conflict', recordLosingVersion: true };
}

/** The document without replication metadata, `_deleted` made explicit. */
export function contentOf(doc: SyncDoc): SyncDoc {
  const content: SyncDoc = { id: doc.id };
  for (const [k, v] of Object.entries(doc)) if (!k.startsWith('_')) content[k] = v;
  content._deleted = doc._deleted === true;
  return content;
}

export function sameContent(a: SyncDoc, b: SyncDoc): boolean {
  return canonicalJson(contentOf(a)) === canonicalJson(contentOf(b));
}
