import { z } from 'zod';
import { RENSHI_ERROR_CODES } from '../errors.ts';

/**
 * The replication wire protocol between a local replica and the sync server, versioned as a whole.
 *
 * Order model: the server stamps every accepted write with `serverSeq`, a number from one database
 * sequence that only grows and whose values commit in order within a collection. A replica's checkpoint is
 * the `{id, serverSeq}` of the last document it has seen, so "what changed since" never depends on client
 * clocks (a terminal with a wrong clock cannot hide or reorder changes). `updatedAt` stays informational.
 *
 * Both ends parse with these schemas: the server every request, the client every response.
 */
export const SYNC_PROTOCOL_VERSION = 1;
/** Every /sync request carries this header; the server answers 426 when its version differs. */
export const SYNC_PROTOCOL_HEADER = 'x-renshi-protocol';
/** Which terminal a push comes from (URI-encoded, informational): conflict items name it next to the
 *  account, so HR can tell which computer's edit lost when one account works on several. */
export const REPLICA_HEADER = 'x-renshi-replica';

/** How a terminal names itself to the server (replication, and the reads the server audits): the computer's
 *  name and the start of its replica id. */
export function terminalLabel(host: string, replicaId: string): string {
  return `${host || 'terminal'} · ${replicaId.slice(0, 8)}`;
}

/** The terminal label a request carries, or null when absent or unusable (never trusted for access). */
export function replicaLabelOf(header: string | string[] | undefined): string | null {
  if (typeof header !== 'string' || !header || header.length > 300) return null;
  try {
    const label = decodeURIComponent(header).replace(/[\u0000-\u001f\u007f]/g, '').trim();
    return label ? label.slice(0, 100) : null;
  } catch {
    return null;
  }
}

export const MAX_PULL_LIMIT = 5_000;
export const MAX_PUSH_ROWS = 5_000;

export const SyncCheckpoint = z.object({
  id: z.string().min(1).max(100),
  serverSeq: z.number().int().nonnegative(),
});
export type SyncCheckpoint = z.infer<typeof SyncCheckpoint>;

/** Query string of `GET /sync/<collection>/pull`; no checkpoint means "from the beginning". */
export const PullQuery = z
  .object({
    id: z.string().min(1).max(100).optional(),
    serverSeq: z.coerce.number().int().nonnegative().optional(),
    limit: z.coerce.number().int().min(1).max(MAX_PULL_LIMIT).default(100),
  })
  .refine((q) => (q.id === undefined) === (q.serverSeq === undefined), { message: 'checkpoint needs both id and serverSeq' });
export type PullQuery = z.infer<typeof PullQuery>;

/**
 * A document as it travels: the collection's own fields (validated against the collection schema by the
 * server) plus `_deleted`. RxDB's own metadata (`_rev`, `_meta`, `_attachments`) never crosses the wire.
 */
export const WireDocument = z.looseObject({ id: z.string().min(1).max(100), _deleted: z.boolean().default(false) });
export type WireDocument = z.infer<typeof WireDocument>;

export const PullResponse = z.object({
  documents: z.array(WireDocument),
  checkpoint: SyncCheckpoint.nullable(),
});
export type PullResponse = z.infer<typeof PullResponse>;

/** RxDB's push row: the state the replica wants, and the master state it last saw (absent for new docs). */
export const PushRow = z.object({
  newDocumentState: WireDocument,
  assumedMasterState: WireDocument.nullish(),
});
export type PushRow = z.infer<typeof PushRow>;

export const PushRequest = z.array(PushRow).max(MAX_PUSH_ROWS, `at most ${MAX_PUSH_ROWS} rows per push`);
export type PushRequest = z.infer<typeof PushRequest>;

export const Issue = z.object({ path: z.array(z.union([z.string(), z.number()])), message: z.string() });
export type Issue = z.infer<typeof Issue>;

/** A pushed document the server refused; the other documents of the same push are unaffected. */
export const PushRejection = z.object({
  id: z.string(),
  code: z.enum(RENSHI_ERROR_CODES),
  message: z.string(),
  issues: z.array(Issue).optional(),
});
export type PushRejection = z.infer<typeof PushRejection>;

/** A break in a replica's audit hash chain found while accepting a push. */
export const AuditChainBreak = z.object({
  replicaId: z.string(),
  seq: z.number().int(),
  reason: z.enum(['hash-mismatch', 'prev-hash-mismatch', 'gap', 'replica-mismatch']),
});
export type AuditChainBreak = z.infer<typeof AuditChainBreak>;

export const PushResponse = z.object({
  /** Current master states of the rows that were not applied as sent; the replica adopts these. */
  conflicts: z.array(WireDocument),
  rejections: z.array(PushRejection),
  auditBreaks: z.array(AuditChainBreak).default([]),
});
export type PushResponse = z.infer<typeof PushResponse>;

/**
 * Server-Sent Events on `GET /sync/<collection>/pull-stream`: the SSE event name equals `type`, the data
 * line is the JSON of the whole event. `resync` is sent first on every connection: the replica re-pulls from
 * its checkpoint, which covers whatever it missed while disconnected.
 */
export const StreamEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('changes'), documents: z.array(WireDocument), checkpoint: SyncCheckpoint }),
  z.object({ type: z.literal('resync') }),
]);
export type StreamEvent = z.infer<typeof StreamEvent>;

/**
 * The multiplexed live stream (`GET /sync/pull-stream?collections=a,b`): one connection for every
 * collection, because browsers allow only ~6 HTTP/1.1 connections per server and six per-collection
 * streams would leave none for pushes. A RESYNC applies to every collection on the stream.
 */
export const MuxStreamEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('changes'), collection: z.string(), documents: z.array(WireDocument), checkpoint: SyncCheckpoint }),
  z.object({ type: z.literal('resync') }),
]);
export type MuxStreamEvent = z.infer<typeof MuxStreamEvent>;

/** Error body of every non-2xx answer. */
export const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** A conflicting edit kept for HR: the server's version stayed, `losingState` is the edit that lost. */
export const ConflictItem = z.object({
  id: z.string(),
  collection: z.string(),
  docId: z.string(),
  serverState: WireDocument,
  losingState: WireDocument,
  reportedBy: z.string(),
  createdAt: z.number().int(),
  status: z.enum(['open', 'resolved']),
  resolution: z.enum(['keep-server', 'take-losing', 'merged']).nullable(),
  resolvedBy: z.string().nullable(),
  resolvedAt: z.number().int().nullable(),
});
export type ConflictItem = z.infer<typeof ConflictItem>;

export const ResolveConflictRequest = z.discriminatedUnion('resolution', [
  z.object({ resolution: z.literal('keep-server') }),
  z.object({ resolution: z.literal('take-losing') }),
  z.object({ resolution: z.literal('merged'), document: WireDocument }),
]);
export type ResolveConflictRequest = z.infer<typeof ResolveConflictRequest>;
