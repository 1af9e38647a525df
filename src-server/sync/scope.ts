import { COLLECTIONS, type CollectionName } from '#shared/collections';
import { SENSITIVE_EMPLOYEE_FIELDS } from '#shared/schemas/employee';
import { seesSensitiveFields } from '#shared/sync/auth';
import type { SyncDoc } from '#shared/sync/conflicts';
import type { Principal } from '../auth/principal.ts';

/**
 * What a principal sees of a document. Roles that may not read sensitive employee fields receive them
 * blanked (null, or [] for the contact list: still valid documents), and when such a role writes an
 * employee the server keeps the stored sensitive values instead of the blanks.
 */
const BLANK: Record<(typeof SENSITIVE_EMPLOYEE_FIELDS)[number], unknown> = {
  idNumber: null,
  emergencyContacts: [],
  monthlySalaryFen: null,
  bankAccount: null,
};

export function isMasked(principal: Principal, collection: CollectionName): boolean {
  return collection === 'employees' && !seesSensitiveFields(principal.role);
}

export function maskFor<D extends SyncDoc>(principal: Principal, collection: CollectionName, doc: D): D {
  if (!isMasked(principal, collection)) return doc;
  return { ...doc, ...BLANK };
}

/** The incoming write with the sensitive fields a masked writer cannot see taken from the stored version. */
export function keepHiddenFields<D extends SyncDoc>(incoming: D, stored: SyncDoc | null): D {
  const kept: Record<string, unknown> = {};
  for (const f of SENSITIVE_EMPLOYEE_FIELDS) kept[f] = stored && f in stored ? stored[f] : BLANK[f];
  return { ...incoming, ...kept };
}

export function siteOf(collection: CollectionName, doc: SyncDoc): string | null {
  const field = COLLECTIONS[collection].siteField;
  const value = field ? doc[field] : null;
  return typeof value === 'string' ? value : null;
}
