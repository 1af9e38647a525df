import absentWithoutLeave from '../../resources/case-templates/absent-without-leave.json' with { type: 'json' };
import dismissalAbsenteeism from '../../resources/case-templates/dismissal-absenteeism.json' with { type: 'json' };
import dismissalSeriousViolation from '../../resources/case-templates/dismissal-serious-violation.json' with { type: 'json' };
import lossDeduction from '../../resources/case-templates/loss-deduction.json' with { type: 'json' };
import lostContact from '../../resources/case-templates/lost-contact.json' with { type: 'json' };
import offboarding from '../../resources/case-templates/offboarding.json' with { type: 'json' };
import sensitiveEvent from '../../resources/case-templates/sensitive-event.json' with { type: 'json' };
import { LAW_ARTICLES } from '../law/law-search.ts';
import { loadCaseTemplates, type CaseTemplate } from './case-template.ts';

/**
 * The templates shipped in resources/case-templates, validated at import (a broken built-in file is a bug,
 * so it throws). HR's own copies are imported from JSON into the replicated settings (custom-template.ts),
 * where every problem is reported instead of thrown.
 */
const files = { absentWithoutLeave, dismissalAbsenteeism, dismissalSeriousViolation, lossDeduction, lostContact, offboarding, sensitiveEvent };
const loaded = loadCaseTemplates(
  Object.entries(files).map(([name, json]) => ({ name, text: JSON.stringify(json) })),
  new Set(LAW_ARTICLES.map((a) => a.id)),
);
if (loaded.problems.length) throw new Error(`built-in case templates are invalid: ${JSON.stringify(loaded.problems)}`);

export const BUILT_IN_TEMPLATES: readonly CaseTemplate[] = loaded.templates;

export function builtInTemplate(id: string): CaseTemplate {
  const t = BUILT_IN_TEMPLATES.find((x) => x.id === id);
  if (!t) throw new RangeError(`no built-in case template ${id}`);
  return t;
}
