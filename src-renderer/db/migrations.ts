import type { MigrationStrategies } from 'rxdb';
import type { CollectionName } from '#shared/collections';

/**
 * Per-collection migration strategies, keyed by the version they migrate TO. Every stored shape change
 * bumps the schema version in schemas.ts and adds a pure function here; RxDB runs them on open, so a
 * terminal that was offline for a release still opens its old data.
 */
export const MIGRATIONS: Record<CollectionName, MigrationStrategies> = {
  employees: {},
  // v1 adds the site's rule settings: a stored site gets the defaults (the rule on, no extra delay).
  org: { 1: (doc) => (doc.kind === 'site' ? { missedPunchAlerts: true, alertDelayMinutes: 0, ...doc } : doc) },
  // v1 only adds the case-template fields; stored shifts, devices and holiday years are unchanged.
  // Both add fields only case templates have; a stored template without `retired` reads as not retired.
  // v3 adds the fields of rotations, a new kind: nothing stored changes.
  // v4 adds the work-channel review's kinds (and encrypts fields only they have): nothing stored changes.
  settings: { 1: (doc) => doc, 2: (doc) => doc, 3: (doc) => doc, 4: (doc) => doc },
  punches: {},
  requests: {},
  audit: {},
  // v1 encrypts `facts` (they hold wages); the stored documents are unchanged, RxDB re-stores them encrypted
  // when it migrates.
  cases: { 1: (doc) => doc },
  escalations: {},
};
