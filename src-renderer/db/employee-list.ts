import type { RxStorageInstance } from 'rxdb';
import { decryptString } from 'rxdb/plugins/encryption-crypto-js';
import { fromDexieToStorage } from 'rxdb/plugins/storage-dexie';
import { Observable, ReplaySubject, share, timer } from 'rxjs';
import type { Employee } from '#shared/schemas/employee';
import { stripMeta } from './records.ts';
import type { RenshiDatabase } from './database.ts';

/**
 * Every employee, live, sorted by employee number, WITHOUT decrypting anyone's `sensitive` group up front.
 *
 * Why: RxDB's encryption wrapper decrypts the encrypted field of every document a query returns (crypto-js
 * AES with a per-record key derivation, plus a deep clone). A profile of the directory's first render with
 * 10,000 employees showed that as ~60% of the time, for a screen that never shows a sensitive value.
 *
 * How: the list is read from the storage under the encryption wrapper (the records as stored, `sensitive`
 * still ciphertext) and each record's `sensitive` is an enumerable getter that decrypts on first read and
 * keeps the result. Screens that read it (contact re-confirmation, a save that spreads the record) get the
 * same plaintext as before; the directory never pays for it. Nothing changes on disk: ciphertext stays
 * ciphertext, and plaintext exists only in memory, only for records whose sensitive values are read.
 * Live updates come from the collection's change events (already decrypted by RxDB for the changed
 * records only), applied to the list instead of re-reading everything.
 *
 * One subscription per database is shared by every screen, and kept for a short while after the last
 * screen leaves (a screen that mounts later gets the current list at once), so going from the directory to a detail page and back does not read 10,000 records again.
 */
export function watchEmployees(db: RenshiDatabase): Observable<Employee[]> {
  let shared = SHARED.get(db);
  if (!shared) {
    shared = liveEmployees(db).pipe(share({ connector: () => new ReplaySubject<Employee[]>(1), resetOnRefCountZero: () => timer(KEEP_WARM_MS), resetOnError: true, resetOnComplete: true }));
    SHARED.set(db, shared);
  }
  return shared;
}

const KEEP_WARM_MS = 30_000;
const SHARED = new WeakMap<RenshiDatabase, Observable<Employee[]>>();

type StoredEmployee = Record<string, unknown> & { id: string; employeeNo: string; _meta?: { lwt?: number }; _deleted?: boolean };

function liveEmployees(db: RenshiDatabase): Observable<Employee[]> {
  return new Observable<Employee[]>((subscriber) => {
    const password = (db as unknown as { password?: unknown }).password;
    const byId = new Map<string, { employee: Employee; lwt: number }>();
    let ready = false;
    // Writes that land while the first read is running are kept and applied after it, newest wins.
    let pending: StoredEmployee[][] = [];
    const emit = () => subscriber.next([...byId.values()].map((v) => v.employee).sort(byEmployeeNo));
    const apply = (docs: StoredEmployee[]) => {
      for (const doc of docs) {
        const lwt = doc._meta?.lwt ?? 0;
        const known = byId.get(doc.id);
        if (known && known.lwt > lwt) continue;
        if (doc._deleted) byId.delete(doc.id);
        else byId.set(doc.id, { employee: toEmployee(doc, password), lwt });
      }
    };
    const changes = db.employees.eventBulks$.subscribe((bulk) => {
      const docs = bulk.events.map((e) => (e.operation === 'DELETE' ? { ...(e.documentData ?? e.previousDocumentData), id: e.documentId, _deleted: true } : e.documentData) as StoredEmployee);
      if (!ready) return void pending.push(docs);
      apply(docs);
      emit();
    });
    readAll(db).then(
      (docs) => {
        if (subscriber.closed) return;
        apply(docs);
        for (const p of pending) apply(p);
        pending = [];
        ready = true;
        emit();
      },
      (err: unknown) => subscriber.error(err),
    );
    return () => changes.unsubscribe();
  });
}

/** The stored records, from the storage under the encryption wrapper when there is one. */
async function readAll(db: RenshiDatabase): Promise<StoredEmployee[]> {
  const raw = storageBelowEncryption(db.employees.storageInstance as unknown as RxStorageInstance<unknown, unknown, unknown>);
  const prepared = db.employees.find({ selector: {}, sort: [{ employeeNo: 'asc' }] }).getPreparedQuery();
  if (raw) return (await readAllAtOnce(raw)) ?? ((await raw.query(prepared)).documents as unknown as StoredEmployee[]);
  // Any other storage stack: the ordinary (decrypting) query, same result.
  return (await db.employees.find({ selector: {}, sort: [{ employeeNo: 'asc' }] }).exec()).map((d) => d.toJSON(true) as unknown as StoredEmployee);
}

/**
 * The Dexie storage answers a query with an IndexedDB cursor, one callback per record (~10,000 round trips
 * for the directory). A whole-table read is one getAll request; deleted records (kept by RxDB for
 * replication) are dropped and the order is restored here. Falls back (null) when the storage is not
 * RxDB's Dexie storage as this version lays it out.
 */
async function readAllAtOnce(raw: RxStorageInstance<unknown, unknown, unknown>): Promise<StoredEmployee[] | null> {
  const state = (await (raw.internals as Promise<unknown> | undefined)?.catch(() => null)) as DexieInternals | null | undefined;
  if (!state || typeof state.dexieTable?.toArray !== 'function' || !Array.isArray(state.booleanIndexes)) return null;
  const rows = await state.dexieTable.toArray();
  const docs: StoredEmployee[] = [];
  for (const row of rows) {
    const doc = fromDexieToStorage(state.booleanIndexes, row) as StoredEmployee;
    if (!doc._deleted) docs.push(doc);
  }
  return docs.sort(byEmployeeNo);
}
type DexieInternals = { dexieTable?: { toArray(): Promise<unknown[]> }; booleanIndexes?: string[] };

/**
 * RxDB wraps the collection's storage (encryption, then its own bookkeeping), each wrapper keeping the one
 * below as `originalStorageInstance`. The innermost one holds the records as stored. Used only when it is
 * a plain stored shape: no encrypted-field list left in its schema and no key compression.
 */
export function storageBelowEncryption(instance: RxStorageInstance<unknown, unknown, unknown>): RxStorageInstance<unknown, unknown, unknown> | null {
  let inst = instance as RxStorageInstance<unknown, unknown, unknown> & { originalStorageInstance?: RxStorageInstance<unknown, unknown, unknown> };
  while (inst.originalStorageInstance) inst = inst.originalStorageInstance as typeof inst;
  if (inst === instance) return null;
  const schema = inst.schema as { encrypted?: unknown; keyCompression?: boolean };
  return schema.encrypted || schema.keyCompression ? null : inst;
}

/** RxDB's order for this query: employee number, then primary key, compared as stored strings. */
const byEmployeeNo = (a: { employeeNo: string; id: string }, b: { employeeNo: string; id: string }) => (a.employeeNo < b.employeeNo ? -1 : a.employeeNo > b.employeeNo ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** A stored record as the app's Employee; a ciphertext `sensitive` is decrypted on first read. */
function toEmployee(doc: StoredEmployee, password: unknown): Employee {
  const { sensitive, ...rest } = doc;
  const employee = stripMeta(rest) as Record<string, unknown>;
  if (typeof sensitive !== 'string') {
    if (sensitive !== undefined) employee.sensitive = sensitive;
    return employee as Employee;
  }
  Object.defineProperty(employee, 'sensitive', {
    enumerable: true,
    configurable: true,
    get() {
      if (typeof password !== 'string') throw new Error('employee list: no database secret to decrypt sensitive fields');
      const value = JSON.parse(decryptString(sensitive, password)) as unknown;
      Object.defineProperty(employee, 'sensitive', { value, enumerable: true, configurable: true, writable: true });
      return value;
    },
  });
  return employee as Employee;
}
