import { z } from 'zod';
import { Id, Stamped } from './common.ts';

/** A factory, office or school campus. Terminals and site admins are scoped to one site. */
export const Site = Stamped.extend({
  id: Id,
  kind: z.literal('site'),
  name: z.string().trim().min(1, 'name is required').max(100),
  code: z.string().trim().min(1).max(20),
  address: z.string().max(200).default(''),
  /** Minutes to wait for an employee's reply before the emergency contact is notified. */
  escalationWindowMinutes: z.number().int().min(5).max(24 * 60).default(120),
  /** The missed-punch rule runs for this site's people (off, e.g., for an office without terminals yet). */
  missedPunchAlerts: z.boolean().default(true),
  /**
   * Minutes after a shift's grace before a missing punch becomes an anomaly here: a big plant's gates queue
   * at shift change, and chasing people who are in the queue helps nobody. Lateness is still measured from
   * the shift's own grace.
   */
  alertDelayMinutes: z.number().int().min(0).max(240).default(0),
});
export type Site = z.infer<typeof Site>;

export const Department = Stamped.extend({
  id: Id,
  kind: z.literal('department'),
  name: z.string().trim().min(1, 'name is required').max(100),
  code: z.string().trim().min(1).max(20),
  siteId: Id.nullable().default(null),
  parentId: Id.nullable().default(null),
});
export type Department = z.infer<typeof Department>;

/** Sites and departments share one collection (`org`), told apart by `kind`. */
export const OrgUnit = z.discriminatedUnion('kind', [Site, Department]);
export type OrgUnit = z.infer<typeof OrgUnit>;
