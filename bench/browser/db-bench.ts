import Dexie from 'dexie';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { demoFactory } from '#shared/demo/factory';
import { firstValueFrom } from 'rxjs';
import { openRenshiDatabase } from '../../src-renderer/db/database.ts';
import { watchEmployees } from '../../src-renderer/db/employee-list.ts';

// Runs in real Chromium against real IndexedDB: the local database's bulk insert of N employees (with
// field encryption, as the app runs it) next to Dexie's raw bulkPut of the same records, the storage's limit.
async function run() {
  const n = Number(new URLSearchParams(location.search).get('n') ?? 10_000);
  const employees = demoFactory({ employees: n }).employees;

  const raw = new Dexie(`raw-${Date.now()}`);
  raw.version(1).stores({ docs: 'id, employeeNo, departmentId, siteId, status, updatedAt' });
  let t = performance.now();
  await raw.table('docs').bulkPut(employees);
  const rawMs = performance.now() - t;
  raw.close();

  const db = await openRenshiDatabase({ name: `bench-${Date.now()}`, secret: 'bench-secret-0123456789', storage: getRxStorageDexie() });
  t = performance.now();
  const res = await db.employees.bulkInsert(employees);
  const rxMs = performance.now() - t;
  if (res.error.length) throw new Error(`bulkInsert errors: ${res.error.length}`);
  t = performance.now();
  const all = await db.employees.find().exec();
  const readMs = performance.now() - t;
  // The directory's read path: the stored records, each sensitive group left encrypted until read.
  t = performance.now();
  const list = await firstValueFrom(watchEmployees(db));
  const listMs = performance.now() - t;
  await db.close();
  if (list.length !== all.length) throw new Error(`list read ${list.length} of ${all.length} employees`);
  return { n, rawMs, rxMs, readMs, listMs, readCount: all.length };
}

run().then(
  (r) => ((window as unknown as { __bench: unknown }).__bench = r),
  (e: unknown) => ((window as unknown as { __bench: unknown }).__bench = { error: String(e) }),
);
