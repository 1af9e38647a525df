import { createRxDatabase, type RxStorage } from 'rxdb';
import { wrappedKeyEncryptionCryptoJsStorage } from 'rxdb/plugins/encryption-crypto-js';
import { expect, test } from 'vitest';
import { builtInTemplate } from '#shared/cases/builtin-templates';
import { CaseDoc } from '#shared/cases/case-doc';
import { openCase, transition } from '#shared/cases/case-engine';
import { CaseTemplateSetting, exportTemplateJson, offeredCustomTemplates, prepareTemplateImport } from '#shared/cases/custom-template';
import { demoFactory } from '#shared/demo/factory';
import { agreedAddressesOf } from '#shared/cases/delivery-address';
import { Employee } from '#shared/schemas/employee';
import { SettingsDoc } from '#shared/schemas/settings';
import { Rotation } from '#shared/schemas/attendance-setup';
import { chatDecisionSetting, chatReviewSetting, keywordListSetting } from '#shared/review/review-records';
import { decideFinding, reviewChatLog } from '#shared/review/work-chat-review';
import { listEmployees, saveEmployee } from '../../../src-renderer/db/employees.ts';
import { stripMeta } from '../../../src-renderer/db/records.ts';
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

// settings v0 -> v1 (case templates): shifts, devices and holiday years a terminal stored under v0 open
// unchanged under the current schema, and a case template can be stored next to them.
test('settings stored under v0 open under the current schema, unchanged', async () => {
  const idb = freshIndexedDb();
  const { template: _t, derivedFrom: _d, importedBy: _i, retired: _r, anchorDate: _a, pattern: _p, observesPublicHolidays: _o, ...v0Props } = STORAGE_SCHEMAS.settings.properties;
  const v0 = await createRxDatabase({
    name: 'mig-settings',
    storage: wrappedKeyEncryptionCryptoJsStorage({ storage: idb.storage as RxStorage<any, any> }),
    password: 'test-secret-0123456789',
    multiInstance: false,
  });
  await v0.addCollections({ settings: { schema: { ...STORAGE_SCHEMAS.settings, version: 0, properties: v0Props } } });
  const company = demoFactory({ employees: 1 });
  await v0.settings!.bulkInsert([...company.shifts, ...company.devices]);
  await v0.close();

  expect(STORAGE_SCHEMAS.settings.version).toBe(4);
  const { db } = await openTestDb({ idb, name: 'mig-settings' });
  const back = (await db.settings.find().exec()).map((d) => stripMeta(d.toMutableJSON() as Record<string, unknown>));
  expect(back.map((d) => SettingsDoc.parse(d))).toEqual(expect.arrayContaining([...company.shifts, ...company.devices].map((d) => SettingsDoc.parse(d))));
  expect(back).toHaveLength(company.shifts.length + company.devices.length);
  const setting = prepareTemplateImport(exportTemplateJson(builtInTemplate('loss-deduction')), { customs: [], actor: 'hr', now: 1 });
  if (!setting.ok) throw new Error('import failed');
  await db.settings.insert(setting.setting);
  expect(SettingsDoc.parse(stripMeta((await db.settings.findOne(setting.setting.id).exec())!.toMutableJSON() as Record<string, unknown>))).toEqual(setting.setting);
  await db.close();
});

// settings v1 -> v2 (a custom template can be retired): a template stored under v1 reads as not retired,
// is offered for new cases, and can then be retired.
test('a case template stored under v1 opens under v2 as not retired', async () => {
  const idb = freshIndexedDb();
  const { retired: _r, anchorDate: _a, pattern: _p, observesPublicHolidays: _o, ...v1Props } = STORAGE_SCHEMAS.settings.properties;
  const v1 = await createRxDatabase({
    name: 'mig-settings-v1',
    storage: wrappedKeyEncryptionCryptoJsStorage({ storage: idb.storage as RxStorage<any, any> }),
    password: 'test-secret-0123456789',
    multiInstance: false,
  });
  await v1.addCollections({ settings: { schema: { ...STORAGE_SCHEMAS.settings, version: 1, properties: v1Props }, migrationStrategies: { 1: (d: unknown) => d } } });
  const prepared = prepareTemplateImport(exportTemplateJson(builtInTemplate('loss-deduction')), { customs: [], actor: 'hr', now: 1 });
  if (!prepared.ok) throw new Error('import failed');
  const { retired: _x, ...storedUnderV1 } = prepared.setting;
  await v1.settings!.insert(storedUnderV1);
  await v1.close();

  const { db } = await openTestDb({ idb, name: 'mig-settings-v1' });
  const back = CaseTemplateSetting.parse(stripMeta((await db.settings.findOne(prepared.setting.id).exec())!.toMutableJSON() as Record<string, unknown>));
  expect(back.retired).toBeNull();
  expect(offeredCustomTemplates([back]).map((c) => c.id)).toEqual([prepared.setting.id]);
  await db.close();
});

// The agreed delivery addresses live inside the encrypted `sensitive` object, so the storage schema did not
// change: a record stored before them reads as "no confirmation on file", and one with them keeps them.
test('an employee stored before agreed delivery addresses existed reads with none; new ones are kept encrypted', async () => {
  const { db, ctx, idb } = await openTestDb({ name: 'adr' });
  const { id: _id, updatedAt: _u, ...input } = demoFactory({ employees: 1 }).employees[0]!;
  const { agreedDeliveryAddresses: _a, ...oldSensitive } = input.sensitive;
  await db.employees.insert({ ...input, id: 'old-1', sensitive: oldSensitive, updatedAt: 1 } as never);
  const [old] = await listEmployees(ctx);
  expect(old?.sensitive.agreedDeliveryAddresses).toBeUndefined(); // stored as it was: no local migration …
  expect(agreedAddressesOf(old)).toBeNull(); // … readers see "none on file"
  expect(Employee.parse(old).sensitive.agreedDeliveryAddresses).toBeNull(); // and so does validation (sync, server)

  const agreed = { postal: '广东省东莞市松山湖宿舍 3 栋 201', email: 'li.lei@example.cn', phone: '138 0013 8000', wecom: 'lilei', confirmedOn: '2026-01-05', evidenceSha256: 'AB'.repeat(32) };
  const saved = await saveEmployee(ctx, { ...input, employeeNo: 'N1', sensitive: { ...input.sensitive, agreedDeliveryAddresses: agreed } });
  expect(saved.sensitive.agreedDeliveryAddresses).toEqual({ ...agreed, phone: '13800138000', evidenceSha256: 'ab'.repeat(32) });
  await db.close();
  const raw = JSON.stringify(await rawRows(idb));
  expect(raw).toContain('N1');
  expect(raw).not.toContain('松山湖');
  expect(raw).not.toContain('li.lei@example.cn');
});

// cases v0 -> v1 (facts encrypted: they hold wages, a deduction's monthly wage and the final wage): a case
// stored under v0 opens unchanged, and its facts are no longer readable in the raw IndexedDB rows.
test('a case stored under v0 opens under v1 unchanged, its facts encrypted at rest', async () => {
  const idb = freshIndexedDb();
  const v0 = await createRxDatabase({
    name: 'mig-cases',
    storage: wrappedKeyEncryptionCryptoJsStorage({ storage: idb.storage as RxStorage<any, any> }),
    password: 'test-secret-0123456789',
    multiInstance: false,
  });
  await v0.addCollections({ cases: { schema: { ...STORAGE_SCHEMAS.cases, version: 0, encrypted: ['evidence', 'timeline'] } } });
  const template = builtInTemplate('loss-deduction');
  const hr = { id: 'hr', roles: ['hr' as const] };
  const opened = openCase(template, { id: 'case-old', subjectEmployeeId: 'emp-1', siteId: 's1' }, { now: 1_774_000_000_000, actor: hr });
  if (!opened.ok) throw new Error('open refused');
  const deducted = transition(opened.doc, template, { type: 'record_deduction', id: 'd1', deduction: { month: '2026-03', monthlyWageFen: 987_654, localMinimumWageFen: 269_000, amountFen: 100 } }, { now: 1_774_000_100_000, actor: hr });
  if (!deducted.ok) throw new Error('refused');
  await v0.cases!.insert(deducted.doc);
  await v0.close();
  expect(JSON.stringify(await rawRows(idb))).toContain('987654');

  expect(STORAGE_SCHEMAS.cases.version).toBe(1);
  const { db } = await openTestDb({ idb, name: 'mig-cases' });
  const back = CaseDoc.parse(stripMeta((await db.cases.findOne('case-old').exec())!.toMutableJSON() as Record<string, unknown>));
  expect(back).toEqual(deducted.doc);
  await db.close();
  expect(JSON.stringify(await rawRows(idb))).not.toContain('987654');
});

async function rawRows(idb: ReturnType<typeof freshIndexedDb>): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const info of await idb.indexedDB.databases()) {
    const conn = await new Promise<IDBDatabase>((ok, fail) => {
      const req = idb.indexedDB.open(info.name!);
      req.onsuccess = () => ok(req.result);
      req.onerror = () => fail(req.error);
    });
    for (const store of Array.from(conn.objectStoreNames)) {
      out.push(await new Promise<unknown[]>((ok) => {
        const req = conn.transaction(store).objectStore(store).getAll();
        req.onsuccess = () => ok(req.result);
      }));
    }
    conn.close();
  }
  return out;
}

// settings v2 -> v3 (rotations): what a terminal stored under v2 opens unchanged, and a rotation can then be
// stored beside the shifts it names.
test('settings stored under v2 open under v3, and a rotation is stored next to them', async () => {
  const idb = freshIndexedDb();
  const { anchorDate: _a, pattern: _p, observesPublicHolidays: _o, ...v2Props } = STORAGE_SCHEMAS.settings.properties;
  const v2 = await createRxDatabase({
    name: 'mig-settings-v2',
    storage: wrappedKeyEncryptionCryptoJsStorage({ storage: idb.storage as RxStorage<any, any> }),
    password: 'test-secret-0123456789',
    multiInstance: false,
  });
  await v2.addCollections({ settings: { schema: { ...STORAGE_SCHEMAS.settings, version: 2, properties: v2Props }, migrationStrategies: { 1: (d: unknown) => d, 2: (d: unknown) => d } } });
  const company = demoFactory({ employees: 1 });
  await v2.settings!.bulkInsert(company.shifts);
  await v2.close();

  const { db } = await openTestDb({ idb, name: 'mig-settings-v2' });
  const back = (await db.settings.find().exec()).map((d) => SettingsDoc.parse(stripMeta(d.toMutableJSON() as Record<string, unknown>)));
  expect(back).toEqual(expect.arrayContaining(company.shifts.map((d) => SettingsDoc.parse(d))));
  const rotation = Rotation.parse({ id: 'rot-1', kind: 'rotation', name: '做二休二', anchorDate: '2026-03-02', pattern: [company.shifts[0]!.id, company.shifts[0]!.id, null, null], updatedAt: 2 });
  await db.settings.insert(rotation);
  expect(SettingsDoc.parse(stripMeta((await db.settings.findOne('rot-1').exec())!.toMutableJSON() as Record<string, unknown>))).toEqual(rotation);
  await db.close();
});

// org v0 -> v1 (the site's missed-punch rule): a site stored before opens with the rule on and no delay.
test('a site stored under org v0 opens under v1 with the default rule settings', async () => {
  const idb = freshIndexedDb();
  const { missedPunchAlerts: _m, alertDelayMinutes: _a, ...v0Props } = STORAGE_SCHEMAS.org.properties;
  const v0 = await createRxDatabase({
    name: 'mig-org',
    storage: wrappedKeyEncryptionCryptoJsStorage({ storage: idb.storage as RxStorage<any, any> }),
    password: 'test-secret-0123456789',
    multiInstance: false,
  });
  await v0.addCollections({ org: { schema: { ...STORAGE_SCHEMAS.org, version: 0, properties: v0Props } } });
  const { missedPunchAlerts: _x, alertDelayMinutes: _y, ...stored } = demoFactory({ employees: 1 }).sites[0]!;
  await v0.org!.insert(stored);
  await v0.org!.insert(demoFactory({ employees: 1 }).departments[0]!);
  await v0.close();

  expect(STORAGE_SCHEMAS.org.version).toBe(1);
  const { db } = await openTestDb({ idb, name: 'mig-org' });
  const site = stripMeta((await db.org.findOne(stored.id).exec())!.toMutableJSON() as Record<string, unknown>);
  expect(site).toEqual({ ...stored, missedPunchAlerts: true, alertDelayMinutes: 0 });
  const department = stripMeta((await db.org.findOne(demoFactory({ employees: 1 }).departments[0]!.id).exec())!.toMutableJSON() as Record<string, unknown>);
  expect(department).not.toHaveProperty('missedPunchAlerts');
  await db.close();
});

// settings v3 -> v4 (work-channel review: keyword lists, reviews, decisions; review fields encrypted at rest):
// what a terminal stored under v3 opens unchanged, and the review's documents are then stored beside it,
// their chat messages and HR's notes unreadable in the raw IndexedDB rows.
test('settings stored under v3 open under v4; keyword lists, reviews and decisions are stored, reviews encrypted', async () => {
  const idb = freshIndexedDb();
  const { list: _l, copiedFrom: _c, savedBy: _s, review: _r, findings: _f, findingId: _fi, reviewId: _ri, decision: _d, ...v3Props } = STORAGE_SCHEMAS.settings.properties;
  const { encrypted: _e, ...v4Rest } = STORAGE_SCHEMAS.settings;
  const v3 = await createRxDatabase({
    name: 'mig-settings-v3',
    storage: wrappedKeyEncryptionCryptoJsStorage({ storage: idb.storage as RxStorage<any, any> }),
    password: 'test-secret-0123456789',
    multiInstance: false,
  });
  await v3.addCollections({ settings: { schema: { ...v4Rest, version: 3, properties: v3Props }, migrationStrategies: { 1: (d: unknown) => d, 2: (d: unknown) => d, 3: (d: unknown) => d } } });
  const company = demoFactory({ employees: 1 });
  const rotation = Rotation.parse({ id: 'rot-1', kind: 'rotation', name: '做二休二', anchorDate: '2026-03-02', pattern: [company.shifts[0]!.id, null], updatedAt: 2 });
  await v3.settings!.bulkInsert([...company.shifts, rotation]);
  await v3.close();

  const { db } = await openTestDb({ idb, name: 'mig-settings-v3' });
  const back = (await db.settings.find().exec()).map((d) => SettingsDoc.parse(stripMeta(d.toMutableJSON() as Record<string, unknown>)));
  expect(back).toEqual(expect.arrayContaining([...company.shifts, rotation].map((d) => SettingsDoc.parse(d))));
  expect(back).toHaveLength(company.shifts.length + 1);

  const li = { id: 'emp-li', name: '李小明', siteId: 'site-1', workAccounts: [{ kind: 'wecom' as const, account: 'wx-li', revokedAt: null, revokedBy: null }] };
  const scanned = await reviewChatLog({ fileName: 'li.txt', bytes: new TextEncoder().encode('2026-03-01 10:00 wx-li: 我们那个垃圾领导\n'), format: 'txt', employee: li, account: li.workAccounts[0]!, roles: [] });
  if (!scanned.ok) throw new Error('refused');
  const review = chatReviewSetting(scanned.outcome, { employee: li, account: li.workAccounts[0]!, fileName: 'li.txt', roles: [], importedBy: 'hr-wang', importedAt: 3 });
  const decision = chatDecisionSetting(review.findings[0]!, review, decideFinding({ status: 'dismissed', by: 'hr-wang', at: 4, note: '引用客户的话，并非本人意见' }));
  const list = keywordListSetting({ id: 'leak-salary', role: 'manager', category: 'leak', severity: 'medium', label: { zh: '泄露薪资', en: 'Leaking pay' }, keywords: ['工资条发你'] }, { savedBy: 'hr-wang', now: 5 });
  await db.settings.bulkInsert([review, decision, list]);
  for (const doc of [review, decision, list]) expect(SettingsDoc.parse(stripMeta((await db.settings.findOne(doc.id).exec())!.toMutableJSON() as Record<string, unknown>))).toEqual(doc);
  await db.close();
  const raw = JSON.stringify(await rawRows(idb));
  expect(raw).toContain(review.id);
  expect(raw).not.toContain('垃圾领导');
  expect(raw).not.toContain('引用客户的话');
  expect(raw).toContain('工资条发你'); // keyword lists are configuration, not personal information
});
