import { canAccessCase } from '#shared/cases/case-doc';
import { COLLECTIONS, type CollectionName } from '#shared/collections';
import { SENSITIVE_EMPLOYEE_FIELDS } from '#shared/schemas/employee';
import { seesSensitiveFields } from '#shared/sync/auth';
import type { SyncDoc } from '#shared/sync/conflicts';
import type { Principal } from '../auth/principal.ts';

/**
 * What a principal sees of a document. Roles that may not read sensitive employee fields receive employees
 * with those fields removed (still valid documents: the schema defaults them), and when such a role writes
 * an employee the server keeps the stored sensitive values rather than anything the writer sent.
 */
export function isMasked(principal: Principal, collection: CollectionName): boolean {
  return collection === 'employees' && !seesSensitiveFields(principal.role);
}

export function maskFor<D extends SyncDoc>(principal: Principal, collection: CollectionName, doc: D): D {
  if (!isMasked(principal, collection)) return doc;
  const visible: SyncDoc = { ...doc };
  for (const f of SENSITIVE_EMPLOYEE_FIELDS) delete visible[f];
  return visible as D;
}

/** The incoming write with the sensitive fields a masked writer cannot see taken from the stored version. */
export function keepHiddenFields<D extends SyncDoc>(incoming: D, stored: SyncDoc | null): D {
  const merged: SyncDoc = { ...incoming };
  for (const f of SENSITIVE_EMPLOYEE_FIELDS) {
    if (stored && f in stored) merged[f] = stored[f];
    else delete merged[f];
  }
  return merged as D;
}

export function siteOf(collection: CollectionName, doc: SyncDoc): string | null {
  const field = COLLECTIONS[collection].siteField;
  const value = field ? doc[field] : null;
  return typeof value === 'string' ? value : null;
}

/** Work-chat reviews and HR's decisions on their findings hold employees' messages and HR's notes about
 *  them (PIPL 第51条: access control): only HR and admins receive them, though settings reach every role. */
export const HR_ONLY_SETTINGS: ReadonlySet<string> = new Set(['chat_review', 'chat_decision']);

/**
 * Whether a principal may read this document at all. Restricted cases (sensitive events) reach only the
 * users on their access list (by user name), whatever the role; work-chat reviews only HR and admins;
 * everything else is decided by role and site.
 */
export function mayRead(principal: Principal, collection: CollectionName, doc: SyncDoc): boolean {
  if (collection === 'settings') return !HR_ONLY_SETTINGS.has(String(doc.kind)) || seesSensitiveFields(principal.role);
  if (collection !== 'cases' || doc.restricted !== true) return true;
  return Array.isArray(doc.access) && canAccessCase({ restricted: true, access: doc.access as never }, principal.name);
}

/** Collections where some documents are hidden from some readers (pull filters them one by one). */
export const hasPerDocumentAccess = (collection: CollectionName) => collection === 'cases' || collection === 'settings';
