import { useMemo } from 'react';
import { EscalationDoc, stateOf } from '#shared/escalation/escalation-doc';
import { contactPendingDates } from '#shared/escalation/missed-punch-escalation';
import { localDateOf } from '#shared/time';
import { useRenshi } from '../../app/context.tsx';
import { useObservable } from '../../components/use-observable.ts';
import { stripMeta } from '../../db/records.ts';

/**
 * Days on which an employee's absence is "unexplained, contact pending" (待联系) because a lost-contact
 * case is open: read live from the replicated escalation chains, so an offline terminal counts them too.
 * A role that does not replicate chains has none, and absences show as plain 缺勤.
 */
export function useContactPendingDates(): ReadonlyMap<string, ReadonlySet<string>> {
  const { db } = useRenshi();
  const docs = useObservable(() => db.escalations.find({ selector: { phase: 'hr_alerted' } }).$, [db]);
  return useMemo(() => {
    const states = (docs ?? []).map((d) => stateOf(EscalationDoc.parse(stripMeta(d.toMutableJSON() as Record<string, unknown>)))).filter((s) => s.case !== null);
    const today = localDateOf(Date.now());
    const byEmployee = new Map<string, ReadonlySet<string>>();
    for (const employeeId of new Set(states.map((s) => s.employeeId))) byEmployee.set(employeeId, contactPendingDates(states, employeeId, today));
    return byEmployee;
  }, [docs]);
}
