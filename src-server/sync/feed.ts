import type { CollectionName } from '#shared/collections';
import { COLLECTION_NAMES } from '#shared/collections';
import type { Database } from '../db/database.ts';
import type { StoredDoc, SyncRepository } from './repository.ts';

/**
 * Live fan-out. Every committed push sends NOTIFY <channel> '<collection>' (delivered on commit, by
 * PostgreSQL to every listening server instance; PGlite delivers it inside the one process). On a notify,
 * each instance reads what is new in that collection since the last sequence number it broadcast and
 * hands the documents to its stream subscribers. Nothing lives only in one instance's memory: a subscriber
 * that misses events re-pulls from its checkpoint (RESYNC on every connect).
 */
type Listener = (docs: StoredDoc[]) => void;
type Channel = { lastSeq: number; ready: Promise<void>; listeners: Set<Listener>; draining: boolean; dirty: boolean };

const BATCH = 1_000;

/** The NOTIFY channel of one database schema's change feed (every server instance on it listens there). */
export const feedChannelOf = (db: Pick<Database, 'schema'>): string => `renshi_sync_${db.schema}`;

export class ChangeFeed {
  private readonly channels = new Map<CollectionName, Channel>();
  private unlisten: (() => Promise<void>) | null = null;

  constructor(
    private readonly db: Database,
    private readonly repo: SyncRepository,
    readonly channel: string,
  ) {}

  async start(): Promise<void> {
    this.unlisten = await this.db.listen(this.channel, (payload) => {
      // An empty payload means the listener reconnected and may have missed notifications.
      const targets = payload ? [payload as CollectionName] : COLLECTION_NAMES;
      for (const c of targets) this.poke(c);
    });
  }

  async stop(): Promise<void> {
    await this.unlisten?.();
    this.channels.clear();
  }

  async subscribe(collection: CollectionName, listener: Listener): Promise<() => void> {
    let ch = this.channels.get(collection);
    if (!ch) {
      const created: Channel = { lastSeq: 0, ready: Promise.resolve(), listeners: new Set(), draining: false, dirty: false };
      created.ready = this.repo.maxSeq(this.db, collection).then((m) => {
        created.lastSeq = Math.max(created.lastSeq, m);
      });
      this.channels.set(collection, created);
      ch = created;
    }
    await ch.ready;
    ch.listeners.add(listener);
    const channel = ch;
    return () => {
      channel.listeners.delete(listener);
      if (channel.listeners.size === 0 && this.channels.get(collection) === channel) this.channels.delete(collection);
    };
  }

  private poke(collection: CollectionName): void {
    const ch = this.channels.get(collection);
    if (!ch) return;
    ch.dirty = true;
    if (!ch.draining) void this.drain(collection, ch);
  }

  private async drain(collection: CollectionName, ch: Channel): Promise<void> {
    ch.draining = true;
    try {
      await ch.ready;
      while (ch.dirty) {
        ch.dirty = false;
        for (;;) {
          const read = await this.repo.since(this.db, collection, ch.lastSeq, BATCH, null);
          if (!read.length) break;
          const upTo = read[read.length - 1]!.serverSeq;
          const exits = await this.repo.exitsBetween(this.db, collection, ch.lastSeq, upTo);
          const docs = exits.length ? [...read, ...exits].sort((a, b) => a.serverSeq - b.serverSeq) : read;
          ch.lastSeq = upTo;
          for (const l of ch.listeners) {
            try {
              l(docs);
            } catch (err) {
              console.error('[feed] listener failed', err);
            }
          }
          if (read.length < BATCH) break;
        }
      }
    } catch (err) {
      console.error('[feed] read failed', err);
      ch.dirty = true;
      setTimeout(() => this.poke(collection), 1_000).unref();
    } finally {
      ch.draining = false;
    }
  }
}
