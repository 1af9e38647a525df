import { z } from 'zod';
import { EpochMs, Id } from './common.ts';

/**
 * One change to an HR record. Events are hash-chained per replica: `hash` = SHA-256 over the canonical
 * JSON of every other field, including `prevHash` (the previous event of the same replica), so removing,
 * reordering or editing an event breaks the chain and the server flags it.
 */
export const AuditEvent = z.object({
  id: Id, // `${replicaId}:${seq}` — deterministic, so re-pushing an event cannot duplicate it
  replicaId: z.string().min(1).max(64),
  seq: z.number().int().nonnegative(),
  actor: z.string().min(1).max(100),
  // 'refused': an attempt the rules never allow (holding final wages), kept so the attempt is provable.
  action: z.enum(['create', 'update', 'delete', 'import', 'view', 'override', 'export', 'refused']),
  // Not `collection`: RxDB documents reserve that property name.
  collectionName: z.string().min(1).max(40),
  docId: Id,
  beforeHash: z.string().max(64).nullable(),
  afterHash: z.string().max(64).nullable(),
  summary: z.string().max(500).default(''),
  at: EpochMs,
  prevHash: z.string().max(64).nullable(),
  hash: z.string().length(64),
  updatedAt: EpochMs,
});
export type AuditEvent = z.infer<typeof AuditEvent>;
