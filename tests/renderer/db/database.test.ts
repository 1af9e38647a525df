import { afterEach, describe, expect, test } from 'vitest';
import { z } from 'zod';
import { verifyAuditChain } from '#shared/audit/chain';
import { COLLECTIONS, COLLECTION_NAMES } from '#shared/collections';
import { demoFactory } from '#shared/demo/factory';
import { AuditEvent } from '#shared/schemas/audit';
import { Employee } from '#shared/schemas/employee';
import { listEmployees, saveEmployee } from '../../../src-renderer/db/employees.ts';
import { seedDemoIfEmpty } from '../../../src-renderer/db/demo-seed.ts';
import { STORAGE_SCHEMAS } from '../../../src-renderer/db/schemas.ts';
import type { RenshiDatabase } from '../../../src-renderer/db/database.ts';
import { freshIndexedDb, openTestDb } from './helpers.ts';

const open: RenshiDatabase[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((db) => db.close()));
});
async function track<T extends { db: RenshiDatabase }>(p: Promise<T>): Promise<T> {
  const r = await p;
  open.push(r.db);
  return r;
}

/** Every field name a zod object or union of objects can hold. */
function zodKeys(schema: z.ZodType): string[] {
  const def = (schema as unknown as { def: { type: string; options?: z.ZodType[]; shape?: Record<string, unknown> } }).def;
  if (def.type === 'union') return [...new Set(def.options!.flatMap(zodKeys))];
  if (def.type === 'object') return Object.keys((schema as z.ZodObject).shape);
  if (def.type === 'pipe') return zodKeys((def as unknown as { in: z.ZodType }).in);
  throw new Error(`unexpected zod type ${def.type}`);
}

const sample = () => {
  const company = demoFactory({ employees: 3 });
  const { id: _id, updatedAt: _u, ...input } = company.employees[0]!;
  return { company, input };
};

describe('local database', () => {
  test.each(COLLECTION_NAMES)('storage schema of %s lists exactly the zod schema fields', (name) => {
    const storage = Object.keys(STORAGE_SCHEMAS[name].properties).sort();
    expect(storage).toEqual(zodKeys(COLLECTIONS[name].schema).sort());
  });

  test('sensitive fields are encrypted at rest, readable through the database', async () => {
    const { ctx, idb } = await track(openTestDb());
    const { input } = sample();
    const saved = await saveEmployee(ctx, { ...input, sensitive: { ...input.sensitive, idNumber: '11010519491231002X', bankAccount: '6222020200112233445' } });
    // Read every raw row IndexedDB holds: the ID number and bank account must not appear in clear text.
    const dbs = await idb.indexedDB.databases();
    let raw = '';
    for (const info of dbs) {
      const conn = await new Promise<IDBDatabase>((ok, fail) => {
        const req = idb.indexedDB.open(info.name!);
        req.onsuccess = () => ok(req.result);
        req.onerror = () => fail(req.error);
      });
      for (const store of Array.from(conn.objectStoreNames)) {
        const rows = await new Promise<unknown[]>((ok) => {
          const req = conn.transaction(store).objectStore(store).getAll();
          req.onsuccess = () => ok(req.result);
        });
        raw += JSON.stringify(rows);
      }
      conn.close();
    }
    expect(raw).toContain(saved.employeeNo); // the row is there…
    expect(raw).not.toContain('11010519491231002X'); // …but not its secrets
    expect(raw).not.toContain('6222020200112233445');
    const [back] = await listEmployees(ctx);
    expect(back?.sensitive.idNumber).toBe('11010519491231002X');
    expect(back?.sensitive.bankAccount).toBe('6222020200112233445');
  });

  test('data survives closing and reopening; a wrong secret is refused', async () => {
    const idb = freshIndexedDb();
    const first = await openTestDb({ idb, name: 'persist' });
    const { input } = sample();
    await saveEmployee(first.ctx, input);
    await first.db.close();
    const again = await track(openTestDb({ idb, name: 'persist' }));
    expect((await listEmployees(again.ctx)).map((e) => e.employeeNo)).toEqual([input.employeeNo]);
    await again.db.close();
    open.pop();
    await expect(openTestDb({ idb, name: 'persist', secret: 'another-secret-9876543210' })).rejects.toThrow();
  });

  test('invalid input and duplicate employee numbers are refused with field-level reasons', async () => {
    const { ctx } = await track(openTestDb());
    const { input } = sample();
    await expect(saveEmployee(ctx, { ...input, phone: '12345' })).rejects.toMatchObject({ code: 'validation-failed' });
    await saveEmployee(ctx, input);
    await expect(saveEmployee(ctx, { ...input, name: '另一个人' })).rejects.toMatchObject({
      code: 'validation-failed',
      details: [{ path: ['employeeNo'] }],
    });
    expect(await listEmployees(ctx)).toHaveLength(1);
  });

  test('every change writes a hash-chained audit event with before/after hashes', async () => {
    const { ctx, db, audit } = await track(openTestDb());
    const { input } = sample();
    const created = await saveEmployee(ctx, input);
    await saveEmployee(ctx, { ...created, position: '组长' });
    await saveEmployee(ctx, { ...created, position: '主管' });
    const history = await audit.historyOf(created.id);
    expect(history.map((e) => e.action)).toEqual(['create', 'update', 'update']);
    expect(history[0]!.beforeHash).toBeNull();
    expect(history[1]!.beforeHash).toBe(history[0]!.afterHash);
    const all = (await db.audit.find().exec()).map((d) => AuditEvent.parse(d.toMutableJSON()));
    expect(await verifyAuditChain(all, null)).toBeNull();
  });

  test('concurrent saves still produce one unbroken chain', async () => {
    const { ctx, db } = await track(openTestDb());
    const { company } = sample();
    await Promise.all(company.employees.map(({ id: _i, updatedAt: _u, ...e }) => saveEmployee(ctx, e)));
    const all = (await db.audit.find().exec()).map((d) => AuditEvent.parse(d.toMutableJSON()));
    expect(all.map((e) => e.seq).sort()).toEqual([0, 1, 2]);
    expect(await verifyAuditChain(all, null)).toBeNull();
  });

  test('demo seed fills an empty database once, with valid records', async () => {
    const { ctx } = await track(openTestDb());
    expect(await seedDemoIfEmpty(ctx, { employees: 50 })).toBe(true);
    expect(await seedDemoIfEmpty(ctx, { employees: 50 })).toBe(false);
    const employees = await listEmployees(ctx);
    expect(employees).toHaveLength(50);
    for (const e of employees) expect(() => Employee.parse(e)).not.toThrow();
  });
});

test('a batch of audit events continues the chain in one write', async () => {
  const { ctx, db, audit } = await openTestDb();
  const { company } = sample();
  await saveEmployee(ctx, (({ id: _i, updatedAt: _u, ...e }) => e)(company.employees[0]!));
  const batch = await audit.appendMany(
    company.employees.slice(1).map((e) => ({ actor: 'tester', action: 'import' as const, collection: 'employees', docId: e.id, before: null, after: e })),
  );
  expect(batch.map((e) => e.seq)).toEqual([1, 2]);
  const all = (await db.audit.find().exec()).map((d) => AuditEvent.parse(d.toMutableJSON()));
  expect(await verifyAuditChain(all, null)).toBeNull();
  await db.close();
});
