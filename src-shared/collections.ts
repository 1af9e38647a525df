import type { z } from 'zod';
import { CaseDoc } from './cases/case-doc.ts';
import { EscalationDoc } from './escalation/escalation-doc.ts';
import { AuditEvent } from './schemas/audit.ts';
import { Employee } from './schemas/employee.ts';
import { RequestDoc } from './schemas/leave.ts';
import { OrgUnit } from './schemas/org.ts';
import { Punch } from './schemas/punch.ts';
import { SettingsDoc } from './schemas/settings.ts';

/**
 * The replicated collections, shared by the local database, the sync server and the conflict rules.
 * Kept few and grouped by lifecycle (open-source RxDB allows at most 13 open collections per process).
 *
 * conflict:
 *  - 'append-only': documents are immutable once written (punches, audit events); a second write of the
 *    same id is the same fact and never conflicts.
 *  - 'keep-both': a concurrent edit is never silently dropped: the server keeps its version, the losing
 *    version is stored as a conflict item HR resolves in the UI.
 *  - 'merge': workflow documents (cases, escalation chains) merge item by item on the server (`mergeDocs`), so nothing either
 *    side recorded offline is lost and no HR decision is needed.
 * siteField: the field that scopes a document to a site for site-restricted tokens (null = not site-scoped).
 */
export const COLLECTIONS = {
  employees: { schema: Employee, conflict: 'keep-both', siteField: 'siteId' },
  org: { schema: OrgUnit, conflict: 'keep-both', siteField: null },
  settings: { schema: SettingsDoc, conflict: 'keep-both', siteField: 'siteId' },
  punches: { schema: Punch, conflict: 'append-only', siteField: 'siteId' },
  requests: { schema: RequestDoc, conflict: 'keep-both', siteField: null },
  audit: { schema: AuditEvent, conflict: 'append-only', siteField: null },
  cases: { schema: CaseDoc, conflict: 'merge', siteField: 'siteId' },
  /** Missed-punch escalation chains (story 1), one per anomaly: merged by mergeEscalationStates. */
  escalations: { schema: EscalationDoc, conflict: 'merge', siteField: 'siteId' },
} as const satisfies Record<string, { schema: z.ZodType; conflict: 'append-only' | 'keep-both' | 'merge'; siteField: string | null }>;

export type CollectionName = keyof typeof COLLECTIONS;
export const COLLECTION_NAMES = Object.keys(COLLECTIONS) as CollectionName[];
