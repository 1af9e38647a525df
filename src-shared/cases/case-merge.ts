import { DECIDED, latestAccess, type CaseDoc, type CaseNotice, type CaseStep, type ChecklistEntry } from './case-doc.ts';
import type { CaseTemplate } from './case-template.ts';
import { refreshSteps } from './case-engine.ts';

/**
 * Conflict resolution for the `cases` collection: two replicas changed the same case offline. Workflow
 * documents merge item by item instead of one version winning whole:
 *
 *  - evidence, approvals, overrides, facts, timeline: union by id (each is an immutable record of something
 *    that happened, so both sides' records are kept). Overrides are never lost.
 *  - notices: union by id; delivery and acknowledgment times merge to the earliest known (a receipt seen on
 *    either side counts).
 *  - participants: union by person + role.
 *  - checklist entries: per entry the latest change (by `at`) wins.
 *  - access: per user the latest grant/revoke wins; at the same instant a revoke wins (fail closed).
 *  - steps: per step the latest decision wins (a decision beats no decision; later `decidedAt` beats
 *    earlier); the losing decision's override, if any, stays in `overrides`.
 *  - status: a closed or cancelled case stays closed (the later closing wins when both closed).
 *  - other fields come from the version changed last.
 *
 * Ties break on content so that mergeCases(a, b) and mergeCases(b, a) are identical and merging is
 * idempotent; every list comes out in a stable order (time, then id). Give the template (and `now`) to
 * re-derive pending / blocked / ready after the merge.
 */
export function mergeCases(a: CaseDoc, b: CaseDoc, opts?: { template: CaseTemplate; now: number }): CaseDoc {
  if (a.id !== b.id) throw new RangeError(`cannot merge different cases ${a.id} and ${b.id}`);
  const [base, other] = a.updatedAt > b.updatedAt || (a.updatedAt === b.updatedAt && stable(a) >= stable(b)) ? [a, b] : [b, a];

  const steps: CaseStep[] = base.steps.map((s) => {
    const o = other.steps.find((x) => x.id === s.id);
    return o ? laterDecision(s, o) : s;
  });
  for (const o of other.steps) if (!steps.some((s) => s.id === o.id)) steps.push(o);

  const closed = pickStatus(base, other);
  const merged: CaseDoc = {
    ...base,
    status: closed.status,
    outcome: closed.outcome,
    closedAt: closed.closedAt,
    closedBy: closed.closedBy,
    participants: unionBy([...base.participants, ...other.participants], (p) => `${p.personId}|${p.role}`).sort((x, y) => cmp(`${x.role}|${x.personId}`, `${y.role}|${y.personId}`)),
    steps,
    evidence: byTime(unionBy([...base.evidence, ...other.evidence], (e) => e.id), (e) => e.addedAt),
    notices: byTime(mergeNotices(base.notices, other.notices), (n) => n.sentAt),
    approvals: byTime(unionBy([...base.approvals, ...other.approvals], (x) => x.id), (x) => x.at),
    overrides: byTime(unionBy([...base.overrides, ...other.overrides], (x) => x.id), (x) => x.at),
    facts: byTime(unionBy([...base.facts, ...other.facts], (x) => x.id), (x) => x.at),
    checklist: mergeChecklist(base.checklist, other.checklist),
    timeline: byTime(unionBy([...base.timeline, ...other.timeline], (x) => x.id), (x) => x.at),
    access: [...latestAccess([...base.access, ...other.access]).values()].sort((x, y) => cmp(x.userId, y.userId)),
    restricted: base.restricted || other.restricted,
    createdAt: Math.min(base.createdAt, other.createdAt),
    updatedAt: Math.max(base.updatedAt, other.updatedAt),
  };
  return opts ? refreshSteps(merged, opts.template, opts.now) : merged;
}

/** The conflict handler shape replication uses: the server's master and the replica's version. */
export function resolveCaseConflict(input: { master: CaseDoc; incoming: CaseDoc }): CaseDoc {
  return mergeCases(input.master, input.incoming);
}

function laterDecision(x: CaseStep, y: CaseStep): CaseStep {
  const xd = DECIDED.has(x.state);
  const yd = DECIDED.has(y.state);
  if (xd !== yd) return xd ? x : y;
  if (!xd) return x; // both undecided: derived states, the base's view (re-derived when a template is given)
  if (x.decidedAt !== y.decidedAt) return (x.decidedAt ?? 0) > (y.decidedAt ?? 0) ? x : y;
  return stable(x) >= stable(y) ? x : y;
}

function pickStatus(base: CaseDoc, other: CaseDoc): Pick<CaseDoc, 'status' | 'outcome' | 'closedAt' | 'closedBy'> {
  const pick = (d: CaseDoc) => ({ status: d.status, outcome: d.outcome, closedAt: d.closedAt, closedBy: d.closedBy });
  if (base.status === 'open' && other.status !== 'open') return pick(other);
  if (base.status !== 'open' && other.status !== 'open') {
    if ((other.closedAt ?? 0) !== (base.closedAt ?? 0)) return (other.closedAt ?? 0) > (base.closedAt ?? 0) ? pick(other) : pick(base);
    return stable(pick(base)) >= stable(pick(other)) ? pick(base) : pick(other);
  }
  return pick(base);
}

function mergeNotices(xs: CaseNotice[], ys: CaseNotice[]): CaseNotice[] {
  const byId = new Map<string, CaseNotice>();
  for (const n of [...xs, ...ys]) {
    const cur = byId.get(n.id);
    byId.set(n.id, cur ? { ...cur, deliveredAt: earliest(cur.deliveredAt, n.deliveredAt), acknowledgedAt: earliest(cur.acknowledgedAt, n.acknowledgedAt) } : n);
  }
  return [...byId.values()];
}

function mergeChecklist(xs: ChecklistEntry[], ys: ChecklistEntry[]): ChecklistEntry[] {
  const byId = new Map<string, ChecklistEntry>();
  for (const e of [...xs, ...ys]) {
    const cur = byId.get(e.id);
    if (!cur || e.at > cur.at || (e.at === cur.at && stable(e) > stable(cur))) byId.set(e.id, e);
  }
  return [...byId.values()].sort((p, q) => cmp(p.id, q.id));
}

function earliest(p: number | null, q: number | null): number | null {
  if (p === null) return q;
  if (q === null) return p;
  return Math.min(p, q);
}

/** Keeps the first of each key; with differing copies of one id (should not happen) the larger content wins. */
function unionBy<T>(items: T[], key: (t: T) => string): T[] {
  const m = new Map<string, T>();
  for (const it of items) {
    const k = key(it);
    const cur = m.get(k);
    if (cur === undefined || stable(it) > stable(cur)) m.set(k, it);
  }
  return [...m.values()];
}

function byTime<T extends { id: string }>(items: T[], time: (t: T) => number): T[] {
  return items.sort((x, y) => time(x) - time(y) || cmp(x.id, y.id));
}

function cmp(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A content key for deterministic tie-breaks (key order is fixed by construction). */
function stable(v: unknown): string {
  return JSON.stringify(v, (_k, val) => (val && typeof val === 'object' && !Array.isArray(val) ? Object.fromEntries(Object.entries(val).sort(([p], [q]) => cmp(p, q))) : val));
}
