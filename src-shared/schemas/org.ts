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
