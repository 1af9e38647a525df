import { firstValueFrom, filter } from 'rxjs';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { demoFactory } from '#shared/demo/factory';
import type { Employee } from '#shared/schemas/employee';
import { storageBelowEncryption, watchEmployees } from '../../../src-renderer/db/employee-list.ts';
import { listEmployees, saveEmployee } from '../../../src-renderer/db/employees.ts';
import type { RenshiDatabase } from '../../../src-renderer/db/database.ts';
import { openTestDb } from './helpers.ts';

const open: RenshiDatabase[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((db) => db.close()));
});
async function seeded(n: number) {
  const t = await openTestDb();
  open.push(t.db);
  const company = demoFactory({ employees: n });
  await t.db.employees.bulkInsert(company.employees);
  return { ...t, company };
}
const until = (db: RenshiDatabase, ok: (list: Employee[]) => boolean) => firstValueFrom(watchEmployees(db).pipe(filter(ok)));
const isLazy = (e: Employee) => typeof Object.getOwnPropertyDescriptor(e, 'sensitive')?.get === 'function';

describe('employee list without up-front decryption', () => {
  test('lists the same employees, in the same order and with the same values, as the decrypting query', async () => {
    const { db, ctx } = await seeded(25);
    // One whole-table read, not a cursor stepping through every record.
    const internals = (await storageBelowEncryption(db.employees.storageInstance as never)!.internals) as { dexieTable: { toArray(): Promise<unknown[]> } };
    const wholeTable = vi.spyOn(internals.dexieTable, 'toArray');
    const list = await until(db, () => true);
    expect(wholeTable).toHaveBeenCalledTimes(1);
    const expected = await listEmployees(ctx);
    expect(list.map((e) => e.employeeNo)).toEqual(expected.map((e) => e.employeeNo));
    // Nothing is decrypted by reading the list…
    expect(list.every(isLazy)).toBe(true);
    // …and reading `sensitive` (or copying the record, as a save does) gives the decrypted values.
    expect(list.map((e) => ({ ...e }))).toEqual(expected);
    expect(list.some((e) => e.sensitive.idNumber !== null || e.sensitive.emergencyContacts.length > 0)).toBe(true);
    expect(isLazy(list[0]!)).toBe(false); // decrypted once, then kept
    expect(Object.keys(list[0]!).some((k) => k.startsWith('_'))).toBe(false);
  });

  test('leaves out deleted records (RxDB keeps them for replication)', async () => {
    const { db, company } = await seeded(4);
    await db.employees.findOne(company.employees[1]!.id).exec().then((d) => d!.remove());
    const list = await until(db, () => true);
    expect(list.map((e) => e.id).sort()).toEqual(company.employees.filter((_, i) => i !== 1).map((e) => e.id).sort());
  });

  test('reads the stored records under the encryption wrapper, where `sensitive` is ciphertext', async () => {
    const { db, company } = await seeded(2);
    const raw = storageBelowEncryption(db.employees.storageInstance as never);
    expect(raw).not.toBeNull();
    const stored = (await raw!.query(db.employees.find().getPreparedQuery())).documents as unknown as { id: string; sensitive: unknown }[];
    expect(stored).toHaveLength(2);
    for (const doc of stored) {
      expect(typeof doc.sensitive).toBe('string');
      const plain = company.employees.find((e) => e.id === doc.id)!;
      if (plain.sensitive.idNumber) expect(doc.sensitive).not.toContain(plain.sensitive.idNumber);
    }
  });

  test('stays live: creates, edits (sensitive too) and deletions show up without a reload', async () => {
    const { db, ctx, company } = await seeded(5);
    await until(db, (l) => l.length === 5);
    const { id: _id, updatedAt: _u, ...input } = company.employees[0]!;
    const created = await saveEmployee(ctx, { ...input, employeeNo: 'A0001', name: '新员工', devicePin: '9001' });
    let list = await until(db, (l) => l.some((e) => e.id === created.id));
    expect(list[0]!.employeeNo).toBe('A0001'); // kept in employee-number order

    const first = list.find((e) => e.id === company.employees[1]!.id)!;
    await saveEmployee(ctx, { ...first, name: '改名', sensitive: { ...first.sensitive, bankAccount: '6222020200112233445' } });
    list = await until(db, (l) => l.find((e) => e.id === first.id)?.name === '改名');
    expect(list.find((e) => e.id === first.id)!.sensitive.bankAccount).toBe('6222020200112233445');

    await db.employees.findOne(company.employees[2]!.id).exec().then((d) => d!.remove());
    list = await until(db, (l) => !l.some((e) => e.id === company.employees[2]!.id));
    expect(list).toHaveLength(5);
  });

  test('a write that lands during the first read is not lost', async () => {
    const { db, company } = await seeded(50);
    const extra = { ...demoFactory({ employees: 1 }).employees[0]!, id: 'late-1', employeeNo: 'Z9999' };
    const seen = until(db, (l) => l.some((e) => e.id === 'late-1'));
    await db.employees.insert(extra);
    const list = await seen;
    expect(list).toHaveLength(company.employees.length + 1);
    expect(list.at(-1)!.id).toBe('late-1');
  });
});
