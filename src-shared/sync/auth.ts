import { z } from 'zod';
import { COLLECTIONS, COLLECTION_NAMES, type CollectionName } from '../collections.ts';

/**
 * Who may do what on the sync server. Users log in with a password; terminals (a site's attendance PC or
 * kiosk) get a long-lived token registered by an admin. Site-bound principals see only their site's
 * documents in site-scoped collections, and never the sensitive employee fields.
 */
export const Role = z.enum(['admin', 'hr', 'site_admin', 'viewer']);
export type Role = z.infer<typeof Role>;
export type PrincipalRole = Role | 'terminal';

export const LoginRequest = z.object({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

export const CollectionAccess = z.object({ read: z.boolean(), write: z.boolean() });
export type CollectionAccess = z.infer<typeof CollectionAccess>;

export const PrincipalInfo = z.object({
  kind: z.enum(['user', 'terminal']),
  id: z.string(),
  name: z.string(),
  role: z.union([Role, z.literal('terminal')]),
  siteId: z.string().nullable(),
  /** Per collection: may this token pull / push it (the client replicates accordingly). */
  access: z.record(z.string(), CollectionAccess),
  seesSensitive: z.boolean(),
});
export type PrincipalInfo = z.infer<typeof PrincipalInfo>;

export const LoginResponse = z.object({ token: z.string(), expiresAt: z.number().int().nullable(), principal: PrincipalInfo });
export type LoginResponse = z.infer<typeof LoginResponse>;

export const CreateUserRequest = z
  .object({
    username: z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9_.@-]+$/, 'username: letters, digits, _ . @ - only'),
    password: z.string().min(8, 'password must have at least 8 characters').max(256),
    role: Role,
    siteId: z.string().min(1).max(100).nullable().default(null),
  })
  .refine((u) => u.role !== 'site_admin' || u.siteId !== null, { message: 'a site admin needs a site', path: ['siteId'] });
export type CreateUserRequest = z.infer<typeof CreateUserRequest>;

export const UserInfo = z.object({ id: z.string(), username: z.string(), role: Role, siteId: z.string().nullable(), createdAt: z.number().int() });
export type UserInfo = z.infer<typeof UserInfo>;

export const RegisterTerminalRequest = z.object({
  name: z.string().trim().min(1).max(100),
  siteId: z.string().min(1).max(100),
});
export type RegisterTerminalRequest = z.infer<typeof RegisterTerminalRequest>;

export const TerminalInfo = z.object({ id: z.string(), name: z.string(), siteId: z.string(), createdAt: z.number().int() });
export type TerminalInfo = z.infer<typeof TerminalInfo>;

type Grant = 'rw' | 'r' | 'w' | '-';
/**
 * The permission table. Site-bound principals are further limited at query time: site-scoped collections
 * are filtered by site, and collections without a site field are readable only when marked here.
 */
const GRANTS: Record<PrincipalRole, Record<CollectionName, Grant>> = {
  admin: { employees: 'rw', org: 'rw', settings: 'rw', punches: 'rw', requests: 'rw', audit: 'rw', cases: 'rw', escalations: 'rw' },
  hr: { employees: 'rw', org: 'rw', settings: 'rw', punches: 'rw', requests: 'rw', audit: 'rw', cases: 'rw', escalations: 'rw' },
  // Site admins and site terminals keep their site's chains going when the server is unreachable and see
  // its lost-contact cases; chains hold replies, never contact numbers.
  site_admin: { employees: 'rw', org: 'r', settings: 'rw', punches: 'rw', requests: '-', audit: 'w', cases: '-', escalations: 'rw' },
  viewer: { employees: 'r', org: 'r', settings: 'r', punches: 'r', requests: 'r', audit: 'r', cases: '-', escalations: '-' },
  terminal: { employees: 'r', org: 'r', settings: 'r', punches: 'rw', requests: '-', audit: 'w', cases: '-', escalations: 'rw' },
};

/** Collections without a site field that a site-bound principal may still read (site names, departments). */
const READABLE_ACROSS_SITES: readonly CollectionName[] = ['org'];

export function accessFor(role: PrincipalRole, siteId: string | null, collection: CollectionName): CollectionAccess {
  const siteField: string | null = COLLECTIONS[collection].siteField;
  const grant = GRANTS[role][collection];
  let read = grant === 'rw' || grant === 'r';
  const write = grant === 'rw' || grant === 'w';
  if (siteId !== null && siteField === null && !READABLE_ACROSS_SITES.includes(collection)) read = false;
  return { read, write };
}

export function accessMap(role: PrincipalRole, siteId: string | null): Record<CollectionName, CollectionAccess> {
  return Object.fromEntries(COLLECTION_NAMES.map((c) => [c, accessFor(role, siteId, c)])) as Record<CollectionName, CollectionAccess>;
}

/** Only HR and admins read ID numbers, salaries, bank accounts and emergency contacts. */
export function seesSensitiveFields(role: PrincipalRole): boolean {
  return role === 'admin' || role === 'hr';
}
