import { z } from 'zod';
import { canonicalJson } from '../audit/chain.ts';
import { EpochMs, Id } from '../schemas/common.ts';
import { EscalationState, type EscalationPhase, type LostContactCase, type TimelineEntry } from './missed-punch-escalation.ts';

/**
 * An escalation chain as a replicated document (`escalations` collection): the machine's whole state plus
 * the document id (the anomaly id) and the two times replication and the runners need. Replicating it lets
 * an offline terminal see lost-contact cases, keep the chain going when the server is unreachable, and let
 * HR record contact attempts offline; the server merges what arrives into its own runner's state.
 */
export const EscalationDoc = EscalationState.extend({
  id: Id,
  /** When the employee was expected (shift start, or the midpoint after a morning half-day leave): punches
   *  from two hours before this end a running chain. */
  expectedAt: EpochMs,
  updatedAt: EpochMs,
}).refine((d) => d.id === d.anomalyId, { message: 'id must equal anomalyId', path: ['id'] });
export type EscalationDoc = z.infer<typeof EscalationDoc>;

export function escalationDoc(state: EscalationState, expectedAt: number, updatedAt: number): EscalationDoc {
  return { ...state, id: state.anomalyId, expectedAt, updatedAt };
}

export function stateOf(doc: EscalationDoc): EscalationState {
  const { id: _id, expectedAt: _e, updatedAt: _u, ...state } = doc;
  return EscalationState.parse(state);
}

/**
 * How far a chain has gone. A lost-contact case, once opened anywhere, is never undone by a merge: it is the
 * state that protects the employee (absence counts as "contact pending", not 旷工) and makes HR look.
 */
const PHASE_RANK: Record<EscalationPhase, number> = {
  anomaly_detected: 0,
  employee_messaged: 1,
  emergency_contact_notified: 2,
  resolved: 3,
  hr_alerted: 4,
  closed: 5,
};

/**
 * Merges two versions of the same chain that ran apart (the server and an offline terminal, or two terminals).
 * Both started from the same deterministic start, so everything either side recorded is kept:
 *  - timeline: union of entries (same entry = same content), in time order;
 *  - commands: an id issued on either side is issued; one performed on either side (issued and no longer in
 *    its outbox) is done and never performed again; the rest stay in the outbox;
 *  - phase: the further one (closed > case open > resolved > emergency contact > employee > detected), with
 *    that side's phaseSince, so its windows keep running from when the step really happened;
 *  - case: contact attempts are a union; the later known reason wins; a closing on either side stands (the
 *    earlier one when both closed);
 *  - channels: a union (a channel either side could reach).
 * Symmetric, idempotent and associative up to list order, so replicas converge whatever order pushes arrive in.
 */
export function mergeEscalationStates(a: EscalationState, b: EscalationState): EscalationState {
  if (a.anomalyId !== b.anomalyId) throw new RangeError(`cannot merge escalations ${a.anomalyId} and ${b.anomalyId}`);
  const [lead, other] = leadOf(a, b);
  const issued = sortedUnion(a.issuedCommandIds, b.issuedCommandIds);
  const done = new Set([...performed(a), ...performed(b)]);
  const outbox = [...new Map([...a.outbox, ...b.outbox].filter((c) => !done.has(c.id)).map((c) => [c.id, c])).values()].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  return EscalationState.parse({
    ...lead,
    employeeChannels: sortedUnion(a.employeeChannels, b.employeeChannels),
    emergencyChannels: sortedUnion(a.emergencyChannels, b.emergencyChannels),
    windowMinutes: Math.min(a.windowMinutes, b.windowMinutes),
    case: mergeCase(lead.case, other.case),
    resolution: lead.resolution ?? other.resolution,
    timeline: mergeTimeline(a.timeline, b.timeline),
    outbox,
    issuedCommandIds: issued,
  });
}

export function mergeEscalationDocs(a: EscalationDoc, b: EscalationDoc): EscalationDoc {
  return escalationDoc(mergeEscalationStates(stateOf(a), stateOf(b)), Math.min(a.expectedAt, b.expectedAt), Math.max(a.updatedAt, b.updatedAt));
}

function leadOf(a: EscalationState, b: EscalationState): [EscalationState, EscalationState] {
  const ra = PHASE_RANK[a.phase];
  const rb = PHASE_RANK[b.phase];
  if (ra !== rb) return ra > rb ? [a, b] : [b, a];
  if (a.phaseSince !== b.phaseSince) return a.phaseSince < b.phaseSince ? [a, b] : [b, a];
  return canonicalJson(a) <= canonicalJson(b) ? [a, b] : [b, a];
}

function performed(s: EscalationState): string[] {
  const waiting = new Set(s.outbox.map((c) => c.id));
  return s.issuedCommandIds.filter((id) => !waiting.has(id));
}

function mergeCase(lead: LostContactCase | null, other: LostContactCase | null): LostContactCase | null {
  if (!lead || !other) return lead ?? other;
  const attempts = new Map([...lead.contactAttempts, ...other.contactAttempts].map((x) => [canonicalJson(x), x]));
  const reasons = [lead.knownReason, other.knownReason].filter((r) => r !== null).sort((x, y) => x.at - y.at || (canonicalJson(x) < canonicalJson(y) ? -1 : 1));
  const closings = [lead, other].filter((c) => c.closedAt !== null).sort((x, y) => x.closedAt! - y.closedAt!);
  return {
    ...lead,
    openedAt: Math.min(lead.openedAt, other.openedAt),
    contactAttempts: [...attempts.values()].sort((x, y) => x.at - y.at || (canonicalJson(x) < canonicalJson(y) ? -1 : 1)),
    knownReason: reasons[reasons.length - 1] ?? null,
    closedAt: closings[0]?.closedAt ?? null,
    outcome: closings[0]?.outcome ?? null,
  };
}

function mergeTimeline(a: TimelineEntry[], b: TimelineEntry[]): TimelineEntry[] {
  const keyed = (side: TimelineEntry[]) => side.map((t) => [canonicalJson(t), t] as const);
  const ka = keyed(a);
  const kb = keyed(b);
  const byContent = new Map<string, TimelineEntry>([...ka, ...kb]);
  // Same-instant entries keep the order a side recorded them in (case_opened before hr_alerted), then content.
  const position = (side: (readonly [string, TimelineEntry])[]) => new Map(side.map(([k], i) => [k, i]));
  const pa = position(ka);
  const pb = position(kb);
  const sameSide = (x: string, y: string) => {
    for (const p of [pa, pb]) if (p.has(x) && p.has(y)) return p.get(x)! - p.get(y)!;
    return 0;
  };
  return [...byContent.entries()]
    .sort(([x, tx], [y, ty]) => tx.at - ty.at || sameSide(x, y) || (x < y ? -1 : x > y ? 1 : 0))
    .map(([, t]) => t);
}

function sortedUnion<T extends string>(a: readonly T[], b: readonly T[]): T[] {
  return [...new Set([...a, ...b])].sort();
}
