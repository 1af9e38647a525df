import { DECIDED, currentFact, type CaseDoc } from './case-doc.ts';
import type { CaseTemplate } from './case-template.ts';
import { localDateOf } from '../time.ts';
import { wageHoldWarning, type OffboardingMoney } from './termination-pay.ts';

/**
 * What an offboarding screen shows about money: final wages are due on the termination date whatever else is
 * open (and overdue after it); economic compensation becomes releasable only when every step it waits for
 * (the handover) is done, skipped or overridden. Read from the template's `finalWages` and
 * `releasesCompensation` steps, so an adapted template keeps working. The computed figures (final wage,
 * compensation) are the latest ones recorded for the termination date now on file.
 */
export function offboardingMoney(doc: CaseDoc, template: CaseTemplate, now: number): OffboardingMoney {
  const date = currentFact(doc, 'termination-date');
  const stateOf = (id: string) => doc.steps.find((s) => s.id === id)?.state;
  const wagesStep = template.steps.find((s) => s.finalWages);
  const paid = wagesStep ? stateOf(wagesStep.id) === 'done' : false;
  // Due by the end of the termination date, Shanghai time: overdue from the next local day.
  const overdue = !paid && date !== null && localDateOf(now) > date;
  const compStep = template.steps.find((s) => s.releasesCompensation);
  const waitingFor = compStep ? compStep.after.filter((id) => !DECIDED.has(stateOf(id) ?? 'pending')) : [];
  const compState = compStep ? stateOf(compStep.id) : undefined;
  // A figure computed for an earlier termination date is not what is owed now.
  const wage = currentFact(doc, 'final-wage');
  const comp = currentFact(doc, 'compensation');
  return {
    finalWages: { dueDate: date, paid, overdue, warning: date ? wageHoldWarning(date) : null, computed: wage && wage.terminationDate === date ? wage : null },
    compensation: {
      released: compState === 'done' || compState === 'overridden',
      skipped: compState === 'skipped',
      releasable: compStep !== undefined && waitingFor.length === 0,
      waitingFor,
      computed: comp && comp.terminationDate === date ? comp : null,
    },
  };
}

