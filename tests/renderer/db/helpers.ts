import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { AuditLog } from '../../../src-renderer/db/audit-log.ts';
import { openRenshiDatabase } from '../../../src-renderer/db/database.ts';

/** A fresh in-memory IndexedDB per test, so databases never leak between tests. */
export function freshIndexedDb() {
  const indexedDB = new IDBFactory();
  return { indexedDB, storage: getRxStorageDexie({ indexedDB, IDBKeyRange }) };
}

export async function openTestDb(opts: { name?: string; secret?: string; idb?: ReturnType<typeof freshIndexedDb> } = {}) {
  const idb = opts.idb ?? freshIndexedDb();
  const db = await openRenshiDatabase({ name: opts.name ?? 'test', secret: opts.secret ?? 'test-secret-0123456789', storage: idb.storage });
  const audit = new AuditLog(db, 'replica-test');
  return { db, audit, idb, ctx: { db, audit, actor: 'tester' } };
}
