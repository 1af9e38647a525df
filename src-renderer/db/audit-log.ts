import { documentHash, sealAuditEvent } from '#shared/audit/chain';
import type { AuditEvent } from '#shared/schemas/audit';
import type { RenshiDatabase } from './database.ts';

export type AuditEntry = {
  actor: string;
  action: AuditEvent['action'];
  collection: string;
  docId: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  summary?: string;
};

/**
 * Appends hash-chained audit events for this replica. Appends are serialised so two changes made at the
 * same moment still get consecutive sequence numbers (a gap or a fork would read as tampering).
 */
export class AuditLog {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: RenshiDatabase,
    readonly replicaId: string,
    private readonly now: () => number = Date.now,
  ) {}

  append(entry: AuditEntry): Promise<AuditEvent> {
    return this.appendMany([entry]).then((events) => events[0]!);
  }

  /** Appends several events as one write (an import of thousands of records stays one chained batch). */
  appendMany(entries: AuditEntry[]): Promise<AuditEvent[]> {
    const next = this.tail.then(() => this.write(entries));
    this.tail = next.catch(() => undefined);
    return next;
  }

  private async write(entries: AuditEntry[]): Promise<AuditEvent[]> {
    const last = await this.db.audit
      .findOne({ selector: { replicaId: this.replicaId }, sort: [{ replicaId: 'desc' }, { seq: 'desc' }] })
      .exec();
    let previous: Pick<AuditEvent, 'seq' | 'hash'> | null = last ? { seq: last.seq, hash: last.hash } : null;
    const events: AuditEvent[] = [];
    for (const entry of entries) {
      const event = await sealAuditEvent(
        {
          replicaId: this.replicaId,
          actor: entry.actor,
          action: entry.action,
          collectionName: entry.collection,
          docId: entry.docId,
          beforeHash: await documentHash(entry.before),
          afterHash: await documentHash(entry.after),
          summary: entry.summary ?? '',
          at: this.now(),
        },
        previous,
      );
      events.push(event);
      previous = event;
    }
    const result = await this.db.audit.bulkInsert(events);
    if (result.error.length) throw new Error(`audit events not stored: ${result.error.length} of ${events.length}`);
    return events;
  }

  /** The trail of one record, oldest first. */
  async historyOf(docId: string): Promise<AuditEvent[]> {
    const docs = await this.db.audit.find({ selector: { docId }, sort: [{ at: 'asc' }] }).exec();
    return docs.map((d) => d.toMutableJSON() as AuditEvent);
  }
}
