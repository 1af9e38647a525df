import { randomUUID } from 'node:crypto';
import { SERVER_REPLICA_ID } from '#shared/audit/case-reads';
import { COLLECTIONS, type CollectionName } from '#shared/collections';
import { RenshiError } from '#shared/errors';
import { accessFor } from '#shared/sync/auth';
import { contentOf, decidePush, type SyncDoc } from '#shared/sync/conflicts';
import type { AuditChainBreak, ConflictItem, PullResponse, PushRejection, PushRequest, PushResponse, SyncCheckpoint, WireDocument } from '#shared/sync/protocol';
import { checkAuditChains } from '../audit/chain-check.ts';
import type { Principal } from '../auth/principal.ts';
import { conflictRepository } from '../conflicts/repository.ts';
import type { Database, Queryable } from '../db/database.ts';
import type { ChangeFeed } from './feed.ts';
import type { DocWrite, StoredDoc, SyncRepository } from './repository.ts';
import { hasPerDocumentAccess, isMasked, keepHiddenFields, maskFor, mayRead, siteOf } from './scope.ts';
import { writeRefusal } from './write-rules.ts';

type Deps = { db: Database; repo: SyncRepository; feed: ChangeFeed; now?: () => number };

const withoutDeleted = ({ _deleted: _, ...data }: SyncDoc): Record<string, unknown> => data;

function issuesOf(error: { issues: { path: PropertyKey[]; message: string }[] }) {
  return error.issues.map((i) => ({ path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)), message: i.message }));
}

/**
 * A module's part in pushes to one collection: `inTransaction` sees the documents about to be committed (in
 * the push's transaction, collection lock held) and may return corrected versions to store instead;
 * `afterCommit` runs once they are committed (e.g. to act on them), never throwing into the push.
 */
export type PushHook = {
  inTransaction(tx: Queryable, docs: SyncDoc[]): Promise<SyncDoc[]>;
  afterCommit?(ids: string[]): void;
};

export function syncService({ db, repo, feed, now = Date.now }: Deps) {
  const conflicts = conflictRepository();
  const hooks = new Map<CollectionName, PushHook>();

  function requireAccess(principal: Principal, collection: CollectionName, mode: 'read' | 'write'): void {
    if (!accessFor(principal.role, principal.siteId, collection)[mode]) {
      throw new RenshiError('forbidden', `${principal.role} may not ${mode} ${collection}${principal.siteId ? ` (bound to site ${principal.siteId})` : ''}`);
    }
  }
  /** Site filter for reads: only site-bound principals on site-scoped collections are filtered. */
  const siteFilter = (principal: Principal, collection: CollectionName) => (COLLECTIONS[collection].siteField ? principal.siteId : null);

  /** Validates a document against its collection schema; returns a rejection or null. */
  function validate(collection: CollectionName, doc: SyncDoc): PushRejection | null {
    const data = withoutDeleted(doc);
    const result = COLLECTIONS[collection].schema.safeParse(data);
    if (result.success) {
      // Documents are stored as sent, so nothing the schema does not know may ride along (zod would
      // silently drop it from the parsed copy; here it is refused instead).
      const known = result.data as Record<string, unknown>;
      const unknown = Object.keys(data).filter((k) => !(k in known));
      if (!unknown.length) return null;
      return { id: doc.id, code: 'validation-failed', message: `unknown field${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`, issues: unknown.map((k) => ({ path: [k], message: 'unknown field' })) };
    }
    const issues = issuesOf(result.error);
    const first = issues[0]!;
    return { id: doc.id, code: 'validation-failed', message: `${first.path.join('.') || 'document'}: ${first.message}`, issues };
  }

  async function write(tx: Queryable, collection: CollectionName, docs: SyncDoc[]): Promise<void> {
    const writes: DocWrite[] = docs.map((d) => ({ id: d.id, data: withoutDeleted(d), deleted: d._deleted === true, siteId: siteOf(collection, d) }));
    await repo.upsert(tx, collection, writes);
    await repo.notifyChanged(tx, feed.channel, collection);
  }

  return {
    /** A pull page as the JSON text of a PullResponse. */
    async pull({ principal, collection, checkpoint, limit }: { principal: Principal; collection: CollectionName; checkpoint: SyncCheckpoint | null; limit: number }): Promise<string> {
      requireAccess(principal, collection, 'read');
      const after = checkpoint?.serverSeq ?? 0;
      const site = siteFilter(principal, collection);
      if (isMasked(principal, collection) || hasPerDocumentAccess(collection)) {
        const docs = await repo.since(db, collection, after, limit, site);
        const last = docs[docs.length - 1];
        const page: PullResponse = {
          documents: docs.filter((d) => mayRead(principal, collection, d.doc)).map((d) => maskFor(principal, collection, d.doc)),
          checkpoint: last ? { id: last.doc.id, serverSeq: last.serverSeq } : checkpoint,
        };
        return JSON.stringify(page);
      }
      const { docs, last } = await repo.sinceAsJson(db, collection, after, limit, site);
      return `{"documents":[${docs.join(',')}],"checkpoint":${JSON.stringify(last ?? checkpoint)}}`;
    },

    async push({ principal, collection, rows, replica = null }: { principal: Principal; collection: CollectionName; rows: PushRequest; replica?: string | null }): Promise<PushResponse> {
      requireAccess(principal, collection, 'write');
      const spec = COLLECTIONS[collection];
      const masked = isMasked(principal, collection);
      const rejections: PushRejection[] = [];
      const candidates: { incoming: SyncDoc; assumed: SyncDoc | null }[] = [];
      const revert: string[] = []; // rejected ids: answer with the master state so the replica converges
      const seen = new Set<string>();
      for (const row of rows) {
        const incoming = contentOf(row.newDocumentState);
        if (seen.has(incoming.id)) {
          rejections.push({ id: incoming.id, code: 'validation-failed', message: 'the same document appears twice in one push' });
          continue;
        }
        seen.add(incoming.id);
        const invalid = validate(collection, incoming);
        if (invalid) {
          rejections.push(invalid);
          revert.push(incoming.id);
          continue;
        }
        if (collection === 'audit' && incoming.replicaId === SERVER_REPLICA_ID) {
          rejections.push({ id: incoming.id, code: 'forbidden', message: "the server's own audit chain is written by the server only" });
          continue;
        }
        if (principal.siteId && spec.siteField && incoming[spec.siteField] !== principal.siteId) {
          rejections.push({ id: incoming.id, code: 'forbidden', message: `${spec.siteField} must be ${principal.siteId} for this token` });
          continue;
        }
        candidates.push({ incoming, assumed: row.assumedMasterState ? contentOf(row.assumedMasterState) : null });
      }
      if (!candidates.length && !revert.length) return { conflicts: [], rejections, auditBreaks: [] };

      const at = now();
      const hook = hooks.get(collection);
      let committed: string[] = [];
      const response = await db.transaction(async (tx) => {
        await repo.lockCollection(tx, collection);
        const masters = await repo.byIds(tx, collection, [...candidates.map((c) => c.incoming.id), ...revert]);
        const visible = (m: StoredDoc | undefined): WireDocument | null => {
          if (!m) return null;
          if (principal.siteId && spec.siteField && m.siteId !== principal.siteId) return null;
          if (!mayRead(principal, collection, m.doc)) return null;
          return maskFor(principal, collection, m.doc);
        };
        const toWrite: SyncDoc[] = [];
        const conflictDocs: WireDocument[] = [];
        const items: ConflictItem[] = [];
        for (const id of revert) {
          const m = visible(masters.get(id));
          if (m) conflictDocs.push(m);
        }
        for (const { incoming, assumed } of candidates) {
          const stored = masters.get(incoming.id);
          const master = visible(stored);
          if (stored && !mayRead(principal, collection, stored.doc)) {
            rejections.push({ id: incoming.id, code: 'forbidden', message: collection === 'cases' ? 'this case is restricted to the people on its access list' : 'only HR and admins may read or change this document' });
            continue;
          }
          if (stored && !master) {
            rejections.push({ id: incoming.id, code: 'forbidden', message: 'the document belongs to another site' });
            continue;
          }
          // A masked writer is judged on what it can see: sensitive values it sends are ignored anyway.
          const decision = decidePush(collection, { master, assumed, incoming: maskFor(principal, collection, incoming) });
          const full = masked ? keepHiddenFields(incoming, stored?.doc ?? null) : incoming;
          switch (decision.kind) {
            case 'write': {
              const refused = writeRefusal(principal, collection, stored?.doc ?? null, full);
              if (refused) {
                rejections.push({ id: incoming.id, ...refused });
                if (master) conflictDocs.push(master); // the replica goes back to the stored version
                break;
              }
              toWrite.push(full);
              break;
            }
            case 'unchanged':
              break;
            case 'merge': // both versions kept item by item; the replica adopts the merge it is answered with
              toWrite.push(decision.doc);
              conflictDocs.push(decision.doc as WireDocument);
              break;
            case 'reject':
              rejections.push({ id: incoming.id, code: 'validation-failed', message: decision.message });
              if (master) conflictDocs.push(master);
              break;
            case 'conflict':
              conflictDocs.push(master!);
              if (decision.recordLosingVersion) {
                items.push({
                  id: randomUUID(), collection, docId: incoming.id, serverState: stored!.doc, losingState: full as WireDocument,
                  reportedBy: `${principal.kind}:${principal.name}${replica ? ` @ ${replica}` : ''}`, createdAt: at, status: 'open', resolution: null, resolvedBy: null, resolvedAt: null,
                });
              }
              break;
          }
        }
        let auditBreaks: AuditChainBreak[] = [];
        if (collection === 'audit' && toWrite.length) auditBreaks = await checkAuditChains(tx, toWrite, `${principal.kind}:${principal.name}`, at);
        if (toWrite.length) await write(tx, collection, toWrite);
        if (hook && toWrite.length) {
          const corrected = await hook.inTransaction(tx, toWrite);
          if (corrected.length) await write(tx, collection, corrected);
          committed = toWrite.map((d) => d.id);
        }
        await conflicts.insert(tx, items);
        return { conflicts: conflictDocs, rejections, auditBreaks };
      });
      if (hook?.afterCommit && committed.length) hook.afterCommit(committed);
      return response;
    },

    /** Registers what a module does with pushes to one collection (one hook per collection). */
    onPush(collection: CollectionName, hook: PushHook): void {
      if (hooks.has(collection)) throw new Error(`a push hook for ${collection} is already registered`);
      hooks.set(collection, hook);
    },

    /** Writes documents as the server itself (conflict resolution), validated, with new sequence numbers. */
    async serverWrite(tx: Queryable, collection: CollectionName, docs: SyncDoc[]): Promise<void> {
      for (const d of docs) {
        const invalid = validate(collection, d);
        if (invalid) throw new RenshiError('validation-failed', invalid.message, invalid.issues);
      }
      await repo.lockCollection(tx, collection);
      await write(tx, collection, docs.map(contentOf));
    },

    /** Live changes a principal may see; resolves once subscribed, so a pull after it misses nothing. */
    async subscribe(principal: Principal, collection: CollectionName, onChanges: (docs: WireDocument[], checkpoint: SyncCheckpoint) => void): Promise<() => void> {
      requireAccess(principal, collection, 'read');
      const site = siteFilter(principal, collection);
      return feed.subscribe(collection, (stored) => {
        // Site exits concern only readers bound to the site that was left.
        const inSite = site === null ? stored.filter((d) => !d.exit) : stored.filter((d) => d.siteId === site);
        const mine = inSite.filter((d) => mayRead(principal, collection, d.doc));
        const last = mine[mine.length - 1];
        if (last) onChanges(mine.map((d) => maskFor(principal, collection, d.doc)), { id: last.doc.id, serverSeq: last.serverSeq });
      });
    },
  };
}
export type SyncService = ReturnType<typeof syncService>;
