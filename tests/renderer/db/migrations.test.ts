import { createRxDatabase, type RxStorage } from 'rxdb';
import { wrappedKeyEncryptionCryptoJsStorage } from 'rxdb/plugins/encryption-crypto-js';
import { expect, test } from 'vitest';
import { demoFactory } from '#shared/demo/factory';
import { saveEmployee } from '../../../src-renderer/db/employees.ts';
import { MIGRATIONS } from '../../../src-renderer/db/migrations.ts';
import { STORAGE_SCHEMAS } from '../../../src-renderer/db/schemas.ts';
import { freshIndexedDb, openTestDb } from './helpers.ts';

// What the next schema change will do: bump the version, add a strategy, and data a terminal stored under
// the old version (encrypted fields included) opens migrated.
test('a stored employee migrates to the next schema version, encrypted fields intact', async () => {
  const idb = freshIndexedDb();
  const v0 = await openTestDb({ idb, name: 'mig' });
  const { id: _id, updatedAt: _u, ...input } = demoFactory({ employees: 1 }).employees[0]!;
  const saved = await saveEmployee(v0.ctx, { ...input, position: '普工' });
  await v0.db.close();

  const v1Schema = { ...STORAGE_SCHEMAS.employees, version: 1, properties: { ...STORAGE_SCHEMAS.employees.properties, positionLevel: { type: 'string' } } };
  const db = await createRxDatabase({
    name: 'mig',
    storage: wrappedKeyEncryptionCryptoJsStorage({ storage: idb.storage as RxStorage<any, any> }),
    password: 'test-secret-0123456789',
    multiInstance: false,
  });
  await db.addCollections({
    employees: {
      schema: v1Schema,
      migrationStrategies: { ...MIGRATIONS.employees, 1: (doc: Record<string, unknown>) => ({ ...doc, positionLevel: doc.position === '普工' ? 'L1' : 'L2' }) },
    },
  });
  const migrated = (await db.employees!.findOne(saved.id).exec())!.toJSON() as Record<string, any>;
  expect(migrated.positionLevel).toBe('L1');
  expect(migrated.sensitive.idNumber).toBe(saved.sensitive.idNumber);
  await db.close();
});
