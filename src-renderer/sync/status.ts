import { BehaviorSubject, type Observable } from 'rxjs';
import type { CollectionName } from '#shared/collections';

/** What the sync status indicator shows. */
export type SyncIssue = { collection: CollectionName; code: string; message: string; docId?: string; at: number };
export type SyncStatus = {
  /** The server answered the last request and the live streams are connected. */
  online: boolean;
  /** A pull or push is running right now. */
  active: boolean;
  /** Local changes the server has not accepted yet (documents in failed or running pushes). */
  pendingChanges: number;
  /** Last time a pull or push succeeded (ms). */
  lastSyncAt: number | null;
  /** Most recent problems, newest first: failed requests and documents the server rejected. */
  errors: SyncIssue[];
  /** The server speaks another protocol version: this app must be updated before it can sync. */
  upgradeRequired: boolean;
};

const MAX_ISSUES = 50;

/** Collects events from the replication handlers into one observable status. */
export class SyncStatusTracker {
  private readonly subject: BehaviorSubject<SyncStatus>;
  private readonly pending = new Map<CollectionName, Set<string>>();
  private streamDown = false;
  private requestFailing = false;
  private readonly activeBy = new Map<string, boolean>();

  constructor(private readonly now: () => number) {
    this.subject = new BehaviorSubject<SyncStatus>({ online: false, active: false, pendingChanges: 0, lastSyncAt: null, errors: [], upgradeRequired: false });
  }

  get status$(): Observable<SyncStatus> {
    return this.subject.asObservable();
  }
  get current(): SyncStatus {
    return this.subject.value;
  }

  private emit(patch: Partial<SyncStatus>): void {
    const pendingChanges = [...this.pending.values()].reduce((n, s) => n + s.size, 0);
    const online = !this.requestFailing && !this.streamDown;
    this.subject.next({ ...this.subject.value, ...patch, pendingChanges, online });
  }

  succeeded(): void {
    this.requestFailing = false;
    this.emit({ lastSyncAt: this.now() });
  }
  failed(collection: CollectionName, code: string, message: string, offline: boolean): void {
    if (offline) this.requestFailing = true;
    this.issue({ collection, code, message, at: this.now() });
  }
  upgradeRequired(): void {
    if (!this.subject.value.upgradeRequired) this.emit({ upgradeRequired: true });
  }
  issue(issue: SyncIssue): void {
    this.emit({ errors: [issue, ...this.subject.value.errors].slice(0, MAX_ISSUES) });
  }
  pushing(collection: CollectionName, ids: string[]): void {
    const set = this.pending.get(collection) ?? new Set();
    for (const id of ids) set.add(id);
    this.pending.set(collection, set);
    this.emit({});
  }
  pushed(collection: CollectionName, ids: string[]): void {
    const set = this.pending.get(collection);
    for (const id of ids) set?.delete(id);
    this.emit({});
  }
  stream(up: boolean): void {
    this.streamDown = !up;
    this.emit({});
  }
  setActive(key: string, active: boolean): void {
    this.activeBy.set(key, active);
    this.emit({ active: [...this.activeBy.values()].some(Boolean) });
  }
  complete(): void {
    this.subject.complete();
  }
}
