import type { CollectionName } from '#shared/collections';
import { DECISION_REFUSAL_TEXT, requestWriteRefusal } from '#shared/attendance/request-decision';
import type { RenshiErrorCode } from '#shared/errors';
import { RequestDoc } from '#shared/schemas/leave';
import { canonicalJson } from '#shared/audit/chain';
import { seesSensitiveFields } from '#shared/sync/auth';
import type { SyncDoc } from '#shared/sync/conflicts';
import type { Principal } from '../auth/principal.ts';

/**
 * Rules about who may write what into a document, beyond collection access and sites: a write the push
 * would otherwise apply is judged against the stored version (never the replica's assumed one). The rules:
 * approving or rejecting leave and punch corrections (#shared/attendance/request-decision), and the
 * work-channel review's documents (below).
 */
export function writeRefusal(principal: Principal, collection: CollectionName, stored: SyncDoc | null, next: SyncDoc): { code: RenshiErrorCode; message: string } | null {
  if (collection === 'settings') return chatReviewWriteRefusal(principal, stored, next);
  if (collection !== 'requests' || next._deleted === true) return null;
  const parsedNext = RequestDoc.safeParse(withoutDeleted(next));
  if (!parsedNext.success) return null; // already validated by the push; nothing to judge
  const parsedStored = stored && stored._deleted !== true ? RequestDoc.safeParse(withoutDeleted(stored)) : null;
  const refusal = requestWriteRefusal({ name: principal.name, role: principal.role }, parsedStored?.success ? parsedStored.data : null, parsedNext.data);
  return refusal ? { code: 'decision-not-allowed', message: `${DECISION_REFUSAL_TEXT[refusal]} (${refusal})` } : null;
}

const withoutDeleted = ({ _deleted: _, ...data }: SyncDoc): Record<string, unknown> => data;

const CHAT_REVIEW_KINDS: ReadonlySet<string> = new Set(['keyword_list', 'chat_review', 'chat_decision']);

/**
 * Keyword lists, work-chat reviews and decisions on their findings are HR's (site admins may write other
 * settings: shifts, devices). A stored review is evidence (the file's hash, the original messages): its
 * content never changes; HR may delete it (retention), and a scan with other lists is a review of its own.
 */
function chatReviewWriteRefusal(principal: Principal, stored: SyncDoc | null, next: SyncDoc): { code: RenshiErrorCode; message: string } | null {
  const kind = String(next.kind ?? stored?.kind ?? '');
  const storedKind = stored ? String(stored.kind ?? '') : null;
  if (!CHAT_REVIEW_KINDS.has(kind) && !(storedKind && CHAT_REVIEW_KINDS.has(storedKind))) return null;
  if (!seesSensitiveFields(principal.role)) return { code: 'forbidden', message: 'only HR and admins keep keyword lists and work-chat reviews' };
  if (storedKind === 'chat_review' && stored!._deleted !== true && next._deleted !== true) {
    const content = (d: SyncDoc) => canonicalJson({ kind: d.kind, siteId: d.siteId, review: d.review, findings: d.findings });
    if (content(stored!) !== content(next)) return { code: 'forbidden', message: 'a work-chat review is evidence: its file, messages and findings cannot change once stored' };
  }
  return null;
}
