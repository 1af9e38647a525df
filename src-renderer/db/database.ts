import { addRxPlugin, createRxDatabase, type RxCollection, type RxDatabase, type RxStorage } from 'rxdb';
import { wrappedKeyEncryptionCryptoJsStorage } from 'rxdb/plugins/encryption-crypto-js';
import { RxDBMigrationSchemaPlugin } from 'rxdb/plugins/migration-schema';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import type { CaseDoc } from '#shared/cases/case-doc';
import type { EscalationDoc } from '#shared/escalation/escalation-doc';
import type { AuditEvent } from '#shared/schemas/audit';
import type { Employee } from '#shared/schemas/employee';
import type { RequestDoc } from '#shared/schemas/leave';
import type { OrgUnit } from '#shared/schemas/org';
import type { Punch } from '#shared/schemas/punch';
import type { SettingsDoc } from '#shared/schemas/settings';
import { MIGRATIONS } from './migrations.ts';
import { STORAGE_SCHEMAS } from './schemas.ts';

addRxPlugin(RxDBMigrationSchemaPlugin);

export type RenshiCollections = {
  employees: RxCollection<Employee>;
  org: RxCollection<OrgUnit>;
  settings: RxCollection<SettingsDoc>;
  punches: RxCollection<Punch>;
  requests: RxCollection<RequestDoc>;
  audit: RxCollection<AuditEvent>;
  cases: RxCollection<CaseDoc>;
  escalations: RxCollection<EscalationDoc>;
};
export type RenshiDatabase = RxDatabase<RenshiCollections>;

export type OpenDatabaseOptions = {
  /** IndexedDB database name; one per terminal profile. */
  name?: string;
  /** Secret for field encryption (sensitive employee fields). From the OS keychain on desktop. */
  secret: string;
  /** Defaults to Dexie over the browser's IndexedDB; tests pass Dexie over fake-indexeddb. */
  storage?: RxStorage<unknown, unknown>;
};

export async function openRenshiDatabase(opts: OpenDatabaseOptions): Promise<RenshiDatabase> {
  const base = opts.storage ?? getRxStorageDexie();
  const db = await createRxDatabase<RenshiCollections>({
    name: opts.name ?? 'renshi',
    storage: wrappedKeyEncryptionCryptoJsStorage({ storage: base as RxStorage<any, any> }),
    password: opts.secret,
    multiInstance: false,
    eventReduce: true,
    closeDuplicates: true,
  });
  await db.addCollections({
    employees: { schema: STORAGE_SCHEMAS.employees, migrationStrategies: MIGRATIONS.employees },
    org: { schema: STORAGE_SCHEMAS.org, migrationStrategies: MIGRATIONS.org },
    settings: { schema: STORAGE_SCHEMAS.settings, migrationStrategies: MIGRATIONS.settings },
    punches: { schema: STORAGE_SCHEMAS.punches, migrationStrategies: MIGRATIONS.punches },
    requests: { schema: STORAGE_SCHEMAS.requests, migrationStrategies: MIGRATIONS.requests },
    audit: { schema: STORAGE_SCHEMAS.audit, migrationStrategies: MIGRATIONS.audit },
    cases: { schema: STORAGE_SCHEMAS.cases, migrationStrategies: MIGRATIONS.cases },
    escalations: { schema: STORAGE_SCHEMAS.escalations, migrationStrategies: MIGRATIONS.escalations },
  });
  return db;
}
