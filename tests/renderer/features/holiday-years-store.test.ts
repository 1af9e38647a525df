import { afterEach, describe, expect, test } from 'vitest';
import { calendarFrom, dayKind, HolidayYear, type HolidayYearSetting } from '#shared/calendar/holiday-calendar';
import { AuditEvent } from '#shared/schemas/audit';
import { SettingsDoc } from '#shared/schemas/settings';
import type { RenshiDatabase } from '../../../src-renderer/db/database.ts';
import { BUNDLED_YEARS } from '../../../src-renderer/features/attendance/use-attendance-data.ts';
import { deleteHolidayYear, listHolidayYears, saveHolidayYear } from '../../../src-renderer/features/schedules/holiday-years-store.ts';
import { freshIndexedDb, openTestDb } from '../db/helpers.ts';

const open: RenshiDatabase[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((db) => db.close().catch(() => undefined)));
});

let clock = Date.UTC(2026, 10, 20, 2);
async function openAt(idb: ReturnType<typeof freshIndexedDb>) {
  const t = await openTestDb({ idb, name: 'holidays' });
  open.push(t.db);
  return { ...t, ctx: { ...t.ctx, actor: 'hr-wang', now: () => clock } };
}

const y2027: HolidayYear = {
  region: 'CN',
  year: 2027,
  source: '国务院办公厅关于2027年部分节假日安排的通知（测试）',
  days: [
    { date: '2027-02-21', kind: 'makeup_workday', name: '春节', statutory: false },
    { date: '2027-01-01', kind: 'public_holiday', name: '元旦', statutory: true },
  ],
};
const weekdays = { workDays: [1, 2, 3, 4, 5] };
const calendarOf = (added: HolidayYearSetting[]) => calendarFrom(BUNDLED_YEARS, added.map((a) => a.calendar));
const trail = async (db: RenshiDatabase) => (await db.audit.find({ sort: [{ at: 'asc' }] }).exec()).map((d) => AuditEvent.parse(d.toMutableJSON()));

describe('HR holiday years on a real local database', () => {
  test('an added year survives a restart, is a valid settings document, and attendance uses it', async () => {
    const idb = freshIndexedDb();
    const first = await openAt(idb);
    const saved = await saveHolidayYear(first.ctx, y2027, 'imported from cn-2027.json');
    expect(saved.id).toBe('holidays|CN|2027');
    expect(saved.calendar.days.map((d) => d.date)).toEqual(['2027-01-01', '2027-02-21']); // date order
    await first.db.close();

    const second = await openAt(idb);
    const added = await listHolidayYears(second.db);
    expect(added.map((a) => a.calendar.year)).toEqual([2027]);
    // What replicates is what the server validates with the shared schema.
    const stored = (await second.db.settings.findOne('holidays|CN|2027').exec())!.toMutableJSON();
    expect(SettingsDoc.safeParse(stored).success).toBe(true);
    expect(dayKind(calendarOf(added), '2027-01-01', weekdays)).toBe('public_holiday');
    expect(dayKind(calendarOf(added), '2027-02-21', weekdays)).toBe('makeup_workday');
    expect(dayKind(calendarOf([]), '2027-01-01', weekdays)).toBe('workday');
    const events = await trail(second.db);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: 'create', actor: 'hr-wang', docId: 'holidays|CN|2027', collectionName: 'settings' });
    expect(events[0]!.summary).toContain('imported from cn-2027.json: 1 days off (1 statutory), 1 make-up workdays');
  });

  test('an override of a bundled year is edited, deleted (falling back to the bundled year) and added again, all audited', async () => {
    const { db, ctx } = await openAt(freshIndexedDb());
    const bundled2026 = BUNDLED_YEARS.find((y) => y.year === 2026)!;
    // HR's local variation: 2026-10-07 worked, not off.
    const local: HolidayYear = { ...bundled2026, source: '本厂调整', days: bundled2026.days.filter((d) => d.date !== '2026-10-07') };
    await saveHolidayYear(ctx, local, 'entered');
    expect(dayKind(calendarOf(await listHolidayYears(db)), '2026-10-07', weekdays)).toBe('workday');

    clock += 60_000;
    await saveHolidayYear(ctx, { ...local, source: '本厂调整（第二版）' }, 'edited');
    expect((await listHolidayYears(db))[0]!.calendar.source).toBe('本厂调整（第二版）');

    clock += 60_000;
    expect(await deleteHolidayYear(ctx, 2026)).toBe(true);
    expect(await listHolidayYears(db)).toEqual([]);
    expect(dayKind(calendarOf([]), '2026-10-07', weekdays)).toBe('public_holiday');
    expect(await deleteHolidayYear(ctx, 2026)).toBe(false); // nothing left to delete, nothing audited

    clock += 60_000;
    await saveHolidayYear(ctx, local, 'entered'); // the same id again, after its deletion
    expect((await listHolidayYears(db)).map((a) => a.calendar.source)).toEqual(['本厂调整']);
    const events = await trail(db);
    expect(events.map((e) => e.action)).toEqual(['create', 'update', 'delete', 'create']);
    expect(events[2]).toMatchObject({ afterHash: null, summary: 'holiday year 2026 deleted' });
    expect(events[2]!.beforeHash).toBe(events[1]!.afterHash);
  });

  test('nothing is stored when the calendar breaks a rule', async () => {
    const { db, ctx } = await openAt(freshIndexedDb());
    const bad: HolidayYear = { ...y2027, days: [...y2027.days, { date: '2026-12-31', kind: 'public_holiday', name: '元旦', statutory: false }] };
    await expect(saveHolidayYear(ctx, bad, 'entered')).rejects.toThrow();
    expect(await listHolidayYears(db)).toEqual([]);
    expect(await trail(db)).toEqual([]);
  });
});
