import { canonicalJson } from '../audit/chain.ts';
import { CaseDoc } from '../cases/case-doc.ts';
import { resolveCaseConflict } from '../cases/case-merge.ts';
import type { CollectionName } from '../collections.ts';
import { COLLECTIONS } from '../collections.ts';
import { EscalationDoc, mergeEscalationDocs } from '../escalation/escalation-doc.ts';

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
 *  - 'merge' collections (cases, escalation chains): when the replica's assumption is stale, the server merges the two versions
 *    item by item (resolveCaseConflict: evidence, notices, approvals and overrides are unions, the latest
 *    decision per step wins, a closed case stays closed), stores the merge and answers with it, so the
 *    replica adopts the merged case. Cases are never deleted (cancel_case closes them).
 *
 * Documents compare by content: canonical JSON without RxDB metadata (`_rev`, `_meta`, ...), with
 * `_deleted` included and defaulting to false.
 */
export type PushDecision =
  | { kind: 'write' }
  | { kind: 'unchanged' }
  | { kind: 'conflict'; recordLosingVersion: boolean }
  /** Store `doc` (both versions merged) and answer the replica with it. */
  | { kind: 'merge'; doc: SyncDoc }
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
  if (COLLECTIONS[collection].conflict === 'merge' && incoming._deleted) return { kind: 'reject', message: `${collection} cannot be deleted: cancel or close them instead` };
  if (!master) return { kind: 'write' };
  if (sameContent(master, incoming)) return { kind: 'unchanged' };
  if (assumed && sameContent(master, assumed)) return { kind: 'write' };
  if (COLLECTIONS[collection].conflict === 'merge') return collection === 'escalations' ? mergeEscalationDecision(master, incoming) : mergeDecision(master, incoming);
  return { kind: 'conflict', recordLosingVersion: true };
}

/** Merges two versions of a case; a master that is not a valid case (never written by this server) keeps
 *  the keep-both rule rather than being guessed at. */
function mergeDecision(master: SyncDoc, incoming: SyncDoc): PushDecision {
  const m = CaseDoc.safeParse(withoutMeta(master));
  const i = CaseDoc.safeParse(withoutMeta(incoming));
  if (!m.success || !i.success) return { kind: 'conflict', recordLosingVersion: true };
  const merged = resolveCaseConflict({ master: m.data, incoming: i.data });
  const doc: SyncDoc = { ...merged, _deleted: false };
  // Merging puts lists in a canonical order, so "nothing new from the replica" is judged against the
  // master merged with itself (merging is idempotent), not the master as stored.
  const masterCanonical: SyncDoc = { ...resolveCaseConflict({ master: m.data, incoming: m.data }), _deleted: false };
  return sameContent(doc, masterCanonical) ? { kind: 'conflict', recordLosingVersion: false } : { kind: 'merge', doc };
}

/** Merges two versions of an escalation chain (mergeEscalationStates); same shape as the case rule. */
function mergeEscalationDecision(master: SyncDoc, incoming: SyncDoc): PushDecision {
  const m = EscalationDoc.safeParse(withoutMeta(master));
  const i = EscalationDoc.safeParse(withoutMeta(incoming));
  if (!m.success || !i.success) return { kind: 'conflict', recordLosingVersion: true };
  const doc: SyncDoc = { ...mergeEscalationDocs(m.data, i.data), _deleted: false };
  const masterCanonical: SyncDoc = { ...mergeEscalationDocs(m.data, m.data), _deleted: false };
  return sameContent(doc, masterCanonical) ? { kind: 'conflict', recordLosingVersion: false } : { kind: 'merge', doc };
}

/** The document's own fields: replication metadata (`_deleted`, `_rev`, `_meta`, ...) left out. */
export function withoutMeta(doc: SyncDoc): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) if (!k.startsWith('_')) out[k] = v;
  return out;
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
