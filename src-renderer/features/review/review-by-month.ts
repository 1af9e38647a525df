import { reviewEscalations, type EscalationReview } from '#shared/escalation/escalation-review';
import type { EscalationState } from '#shared/escalation/missed-punch-escalation';
import type { RequestDoc } from '#shared/schemas/leave';

export type MonthReview = EscalationReview & {
  month: string;
  /** Anomalies whose day HR later corrected in attendance: an approved added punch, excused absence or leave. */
  correctedLater: number;
};

/** True when an approved request settles the employee's attendance on that day after the fact. */
export function correctedAfterwards(state: Pick<EscalationState, 'employeeId' | 'date'>, requests: readonly RequestDoc[]): boolean {
  return requests.some((r) => {
    if (r.employeeId !== state.employeeId || r.status !== 'approved') return false;
    if (r.kind === 'leave') return r.startDate <= state.date && state.date <= r.endDate;
    if (r.action === 'void_punch') return false;
    return r.endDate === undefined ? r.date === state.date : r.date <= state.date && state.date <= r.endDate;
  });
}

/** Escalations grouped by the month of the absence, newest month first, each folded by reviewEscalations. */
export function reviewByMonth(items: readonly EscalationState[], requests: readonly RequestDoc[] = []): MonthReview[] {
  const months = new Map<string, EscalationState[]>();
  for (const i of items) {
    const month = i.date.slice(0, 7);
    months.set(month, [...(months.get(month) ?? []), i]);
  }
  return [...months.entries()]
    .sort(([a], [b]) => b.localeCompare(a))
    .map(([month, states]) => ({ month, ...reviewEscalations(states), correctedLater: states.filter((s) => correctedAfterwards(s, requests)).length }));
}
