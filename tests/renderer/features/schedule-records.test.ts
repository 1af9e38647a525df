import { afterEach, describe, expect, it } from 'vitest';
import { Employee } from '#shared/schemas/employee';
import { employeeInputOf, formValuesOf } from '../../../src-renderer/features/employees/employee-form-values.ts';
import { assignSchedule, removeSchedule, saveRotation, saveShift, scheduleUsage } from '../../../src-renderer/features/schedules/schedule-records.ts';
import { stripMeta } from '../../../src-renderer/db/records.ts';
import { openTestDb } from '../db/helpers.ts';

// The schedules screen's writes against a real local database: validated, audited, and never losing an
// employee's other data when people are put on a shift or rotation.

const opened: { db: { close(): Promise<unknown> } }[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((o) => o.db.close()));
});
async function setup() {
  const t = await openTestDb();
  opened.push(t);
  return t;
}

const worker = (id: string, over: Partial<Employee> = {}) =>
  Employee.parse({
    id, employeeNo: id.toUpperCase(), name: `工人${id}`, departmentId: 'd1', siteId: 's1', hireDate: '2024-01-01', devicePin: id, shiftId: null, updatedAt: 1,
    sensitive: { idNumber: null, monthlySalaryFen: 520_000, bankAccount: '6222020200112233445', emergencyContacts: [{ name: '王母', relation: '母亲', phone: '13900139000', lastConfirmedOn: null }] },
    ...over,
  });

describe('shifts and rotations', () => {
  it('saves a shift and a rotation over it, each audited; refuses what cannot be judged', async () => {
    const { ctx, db } = await setup();
    await expect(saveShift(ctx, { name: '白班', siteId: null, start: '08:00', end: '17:00', graceMinutes: 5, workDays: [] })).rejects.toMatchObject({ code: 'validation-failed' });
    await expect(saveShift(ctx, { name: '白班', siteId: null, start: '8点', end: '17:00', graceMinutes: 5, workDays: [1] })).rejects.toMatchObject({ code: 'validation-failed' });
    const day = await saveShift(ctx, { name: '白班', siteId: null, start: '08:00', end: '20:00', graceMinutes: 5, workDays: [1, 2, 3, 4, 5] });
    const night = await saveShift(ctx, { name: '夜班', siteId: null, start: '20:00', end: '08:00', graceMinutes: 10, workDays: [1, 2, 3, 4, 5] });

    const unknown = saveRotation(ctx, { name: '做二休二', siteId: null, anchorDate: '2026-03-02', pattern: [day.id, 'gone', null], observesPublicHolidays: true });
    await expect(unknown).rejects.toMatchObject({ code: 'validation-failed', details: [{ path: ['pattern', 1], message: 'unknown shift' }] });
    await expect(saveRotation(ctx, { name: '全休', siteId: null, anchorDate: '2026-03-02', pattern: [null, null], observesPublicHolidays: true })).rejects.toMatchObject({ code: 'validation-failed' });
    const rotation = await saveRotation(ctx, { name: '做二休二', siteId: null, anchorDate: '2026-03-02', pattern: [day.id, day.id, night.id, night.id, null, null], observesPublicHolidays: true });
    expect((await db.settings.findOne(rotation.id).exec())?.toMutableJSON()).toMatchObject({ kind: 'rotation', pattern: [day.id, day.id, night.id, night.id, null, null] });
    const audited = await db.audit.find({ selector: { collectionName: 'settings' } }).exec();
    expect(audited.map((a) => a.docId).sort()).toEqual([day.id, night.id, rotation.id].sort());
  });
});

describe('assigning people', () => {
  it('puts people on a rotation one audited change each, keeping their encrypted fields, and only once', async () => {
    const { ctx, db } = await setup();
    const day = await saveShift(ctx, { name: '白班', siteId: null, start: '08:00', end: '17:00', graceMinutes: 5, workDays: [1, 2, 3, 4, 5] });
    const rotation = await saveRotation(ctx, { name: '做一休一', siteId: null, anchorDate: '2026-03-02', pattern: [day.id, null], observesPublicHolidays: true });
    await db.employees.bulkInsert([worker('a'), worker('b'), worker('c', { shiftId: day.id })]);

    expect(await assignSchedule(ctx, rotation.id, ['a', 'b', 'missing'])).toBe(2);
    expect(await assignSchedule(ctx, rotation.id, ['a'])).toBe(0); // already on it: nothing written
    const a = stripMeta((await db.employees.findOne('a').exec())!.toMutableJSON()) as Employee;
    expect(a.shiftId).toBe(rotation.id);
    expect(a.sensitive).toEqual(worker('a').sensitive);
    const events = await db.audit.find({ selector: { collectionName: 'employees' } }).exec();
    expect(events.map((e) => e.docId).sort()).toEqual(['a', 'b']);
    expect(events[0]!.summary).toContain('做一休一');
    await expect(assignSchedule(ctx, 'nope', ['a'])).rejects.toMatchObject({ code: 'not-found' });

    const usage = scheduleUsage((await db.employees.find().exec()).map((d) => d.toMutableJSON() as Employee), [rotation]);
    expect(usage(rotation.id)).toEqual({ employees: 2, rotations: [] });
    expect(usage(day.id)).toEqual({ employees: 1, rotations: [rotation] });
  });

  it('refuses to delete a shift or rotation while it is in use, and deletes it (audited) once it is not', async () => {
    const { ctx, db } = await setup();
    const day = await saveShift(ctx, { name: '白班', siteId: null, start: '08:00', end: '17:00', graceMinutes: 5, workDays: [1, 2, 3, 4, 5] });
    const rotation = await saveRotation(ctx, { name: '做一休一', siteId: null, anchorDate: '2026-03-02', pattern: [day.id, null], observesPublicHolidays: true });
    await db.employees.insert(worker('a', { shiftId: rotation.id }));
    await db.employees.insert(worker('gone', { shiftId: rotation.id, status: 'terminated' }));

    await expect(removeSchedule(ctx, day.id)).rejects.toMatchObject({ code: 'validation-failed' }); // the rotation names it
    await expect(removeSchedule(ctx, rotation.id)).rejects.toMatchObject({ code: 'validation-failed' }); // a is on it
    await assignSchedule(ctx, day.id, ['a']);
    await removeSchedule(ctx, rotation.id); // only a leaver still points at it
    await expect(removeSchedule(ctx, day.id)).rejects.toMatchObject({ code: 'validation-failed' }); // a is on it now
    expect(await db.settings.findOne(rotation.id).exec()).toBeNull();
    expect((await db.audit.find({ selector: { collectionName: 'settings', docId: rotation.id } }).exec()).map((e) => e.action)).toEqual(['create', 'delete']);
  });

  it('the employee form keeps the assignment when a record is edited and saved', () => {
    const e = worker('a', { shiftId: 'rot-1' });
    const input = employeeInputOf(formValuesOf(e), { actor: 'hr', now: 2 });
    expect(Employee.parse({ ...input, id: 'a', updatedAt: 2 }).shiftId).toBe('rot-1');
  });
});
