import type { RequestDoc } from '../schemas/leave.ts';
import type { PrincipalRole } from '../sync/auth.ts';

/**
 * Who may approve or reject a leave request or a punch correction (补卡). Both change how a day reads, and a
 * day read as absent can end in a dismissal where the employer bears the burden of proof (劳动争议司法解释(一)
 * 第44条), so a decision must come from someone entitled to make it, and not be the filer's own word:
 *
 *  - only HR and admins decide; site admins, viewers and terminals never do;
 *  - nobody decides a request they filed themselves (accounts compared by name);
 *  - admins are exempt from the second rule: the default single-computer setup signs in as `admin`, and a
 *    one-person HR office has nobody else to ask. The record keeps the same name as filer and decider, so a
 *    review sees it;
 *  - a terminal in local-only mode has no accounts that could tell two people apart: it counts as an admin.
 *
 * A filer of '' is unknown (leave filed before the filer was recorded); then only the role rule applies.
 * Once decided, a request's content is final: changing the dates of an approved leave would be a second
 * decision nobody made. Set it back to pending (or cancel it) and have it decided again instead.
 *
 * The screen disables its buttons with the reason; the sync server refuses a push that breaks these rules,
 * judged against its stored version (the filer is read from there, never from what the pusher sent).
 */
export type RequestDecider = { name: string; role: PrincipalRole | 'local' };

export type DecisionRefusal = 'not-hr' | 'own-request';
export type RequestWriteRefusal = DecisionRefusal | 'decided-is-final';

export const DECISION_REFUSAL_TEXT: Record<RequestWriteRefusal, string> = {
  'not-hr': 'only HR and admins may approve or reject requests',
  'own-request': 'this request was filed from the same account: another HR user or an admin must decide it',
  'decided-is-final': 'a decided request cannot be changed; set it back to pending to have it decided again',
};

const DECIDED: readonly string[] = ['approved', 'rejected'];
/** Fields that are part of the decision itself rather than of what was asked for. */
const DECISION_FIELDS = new Set(['status', 'decidedBy', 'decidedAt', 'updatedAt']);

/** Whether `decider` may approve or reject `request` (null), or why not. */
export function decisionRefusal(decider: RequestDecider, request: Pick<RequestDoc, 'requestedBy'>): DecisionRefusal | null {
  if (decider.role === 'local' || decider.role === 'admin') return null;
  if (decider.role !== 'hr') return 'not-hr';
  if (request.requestedBy !== '' && request.requestedBy === decider.name) return 'own-request';
  return null;
}

/**
 * Whether writing `next` over `stored` (null: a new document) is allowed for `decider`. Only writes that
 * decide (move the status to approved or rejected) or edit a decided request are judged; filing, and
 * everything else about pending requests, is not this rule's business.
 */
export function requestWriteRefusal(decider: RequestDecider, stored: RequestDoc | null, next: RequestDoc): RequestWriteRefusal | null {
  const decides = DECIDED.includes(next.status) && stored?.status !== next.status;
  if (decides) return decisionRefusal(decider, stored ?? next);
  if (stored && DECIDED.includes(stored.status) && DECIDED.includes(next.status)) {
    const before = stored as Record<string, unknown>;
    const after = next as Record<string, unknown>;
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    for (const k of keys) if (!DECISION_FIELDS.has(k) && JSON.stringify(before[k]) !== JSON.stringify(after[k])) return 'decided-is-final';
  }
  return null;
}
