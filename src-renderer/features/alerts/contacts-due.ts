import { confirmationStanding, DEFAULT_RECONFIRM_PERIOD_DAYS, reconfirmationDue } from '#shared/escalation/contact-reconfirmation';
import type { Employee } from '#shared/schemas/employee';

/** Used while the server has not said otherwise (offline, or a server older than the setting). */
export const RECONFIRM_AFTER_DAYS = DEFAULT_RECONFIRM_PERIOD_DAYS;

export type ContactDue = { employee: Employee; reason: 'none_on_file' | 'never' | 'stale'; oldest: string | null };

/**
 * Who must re-confirm their emergency contacts as of `on`, by the record: nobody on file, a contact never
 * confirmed, or the oldest confirmation more than `periodDays` back (#shared/escalation/contact-reconfirmation).
 * Former employees are left out.
 */
export function contactsDue(employees: readonly Employee[], on: string, periodDays = RECONFIRM_AFTER_DAYS): ContactDue[] {
  const due: ContactDue[] = [];
  for (const employee of employees) {
    if (employee.status === 'terminated') continue;
    const standing = confirmationStanding(employee);
    if (!reconfirmationDue(standing, on, periodDays)) continue;
    if (standing.kind === 'confirmed') due.push({ employee, reason: 'stale', oldest: standing.on });
    else due.push({ employee, reason: standing.kind, oldest: null });
  }
  return due;
}
