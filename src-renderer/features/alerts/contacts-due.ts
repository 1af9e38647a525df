import type { Employee } from '#shared/schemas/employee';
import { daysBetween } from '../../components/format.ts';

/** Emergency contacts are re-confirmed every quarter; older than this (or never) is overdue. */
export const RECONFIRM_AFTER_DAYS = 90;

export type ContactDue = { employee: Employee; reason: 'none_on_file' | 'never' | 'stale'; oldest: string | null };

/**
 * Who must re-confirm their emergency contacts as of `on`: nobody on file, a contact never confirmed, or the
 * oldest confirmation more than 90 days back. Former employees are left out.
 */
export function contactsDue(employees: readonly Employee[], on: string): ContactDue[] {
  const due: ContactDue[] = [];
  for (const employee of employees) {
    if (employee.status === 'terminated') continue;
    const contacts = employee.sensitive.emergencyContacts;
    if (contacts.length === 0) {
      due.push({ employee, reason: 'none_on_file', oldest: null });
      continue;
    }
    if (contacts.some((c) => c.lastConfirmedOn === null)) {
      due.push({ employee, reason: 'never', oldest: null });
      continue;
    }
    const oldest = contacts.map((c) => c.lastConfirmedOn!).sort()[0]!;
    if (daysBetween(oldest, on) > RECONFIRM_AFTER_DAYS) due.push({ employee, reason: 'stale', oldest });
  }
  return due;
}
