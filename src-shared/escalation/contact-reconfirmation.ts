import type { Employee } from '../schemas/employee.ts';
import { addDays } from '../time.ts';

/**
 * When an employee's emergency contacts are due for re-confirmation (story 1: "every quarter, reminders
 * until done"). One rule for HR's list on the terminal and the server's automatic rounds.
 *
 * The period is rolling, counted from each employee's own last confirmation (default 90 days), not the
 * calendar quarter: a calendar quarter would message the whole company on the same morning (1 January is
 * a holiday too) and would ask someone who confirmed on 25 March again a week later. One company-wide
 * setting moves it (RENSHI_CONTACT_RECONFIRM_DAYS on the server, which tells the terminals).
 *
 * The last confirmation is the oldest `lastConfirmedOn` of the contacts on the record (one never confirmed
 * means never), or, when later, the day the employee confirmed through a link that HR has not written into
 * the record yet. Nobody on file cannot confirm anything: HR has to register a contact first, so such an
 * employee is listed for HR but never sent a request.
 */
export const DEFAULT_RECONFIRM_PERIOD_DAYS = 90;

export type ConfirmationStanding = { kind: 'none_on_file' } | { kind: 'never' } | { kind: 'confirmed'; on: string };

export function confirmationStanding(employee: Pick<Employee, 'sensitive'>, confirmedByLinkOn: string | null = null): ConfirmationStanding {
  const contacts = employee.sensitive.emergencyContacts;
  if (contacts.length === 0) return { kind: 'none_on_file' };
  const dates = contacts.map((c) => c.lastConfirmedOn);
  const onRecord = dates.includes(null) ? null : (dates as string[]).sort()[0]!;
  const latest = onRecord === null ? confirmedByLinkOn : confirmedByLinkOn !== null && confirmedByLinkOn > onRecord ? confirmedByLinkOn : onRecord;
  return latest === null ? { kind: 'never' } : { kind: 'confirmed', on: latest };
}

/** Due on `on` (YYYY-MM-DD): never confirmed, or the last confirmation more than `periodDays` days back. */
export function reconfirmationDue(standing: ConfirmationStanding, on: string, periodDays = DEFAULT_RECONFIRM_PERIOD_DAYS): boolean {
  if (standing.kind !== 'confirmed') return true;
  return standing.on < addDays(on, -periodDays);
}
