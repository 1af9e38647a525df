import { RenshiError } from '#shared/errors';
import { newId } from '#shared/ids';
import { Rotation, Shift } from '#shared/schemas/attendance-setup';
import { Employee } from '#shared/schemas/employee';
import { removeRecord, saveRecord, stripMeta, type WriteContext } from '../../db/records.ts';

/**
 * Writes of the schedules screen. Shifts and rotations are `settings` documents (they replicate to every
 * terminal and the server, which runs the anomaly rule on them); assigning people changes each employee's
 * `shiftId`. Every write goes through saveRecord/removeRecord, so each is validated and audited.
 */

export type ShiftInput = Omit<Shift, 'id' | 'kind' | 'updatedAt'> & { id?: string };
export type RotationInput = Omit<Rotation, 'id' | 'kind' | 'updatedAt'> & { id?: string };

export type ScheduleUse = { employees: number; rotations: Rotation[] };

/** Who depends on each shift or rotation: people assigned to it (not counting leavers), rotations naming it. */
export function scheduleUsage(employees: readonly Pick<Employee, 'shiftId' | 'status'>[], rotations: readonly Rotation[]): (id: string) => ScheduleUse {
  const people = new Map<string, number>();
  for (const e of employees) if (e.shiftId && e.status !== 'terminated') people.set(e.shiftId, (people.get(e.shiftId) ?? 0) + 1);
  return (id) => ({ employees: people.get(id) ?? 0, rotations: rotations.filter((r) => r.pattern.includes(id)) });
}

export async function saveShift(ctx: WriteContext, input: ShiftInput): Promise<Shift> {
  const id = input.id ?? newId();
  return saveRecord(ctx, 'settings', Shift, { ...input, id, kind: 'shift' }, input.id ? `shift updated: ${input.name}` : `shift created: ${input.name}`);
}

/** A rotation may only name shifts that exist (otherwise nobody on it could be judged). */
export async function saveRotation(ctx: WriteContext, input: RotationInput): Promise<Rotation> {
  const id = input.id ?? newId();
  const shiftIds = new Set((await ctx.db.settings.find({ selector: { kind: 'shift' } }).exec()).map((d) => d.id));
  const issues = input.pattern.flatMap((slot, i) => (slot !== null && !shiftIds.has(slot) ? [{ code: 'custom', path: ['pattern', i], message: 'unknown shift' }] : []));
  if (issues.length) throw new RenshiError('validation-failed', 'the rotation names a shift that does not exist', issues);
  return saveRecord(ctx, 'settings', Rotation, { ...input, id, kind: 'rotation' }, input.id ? `rotation updated: ${input.name}` : `rotation created: ${input.name}`);
}

/** Refused while anyone is assigned to it or a rotation names it: their days would no longer be judged. */
export async function removeSchedule(ctx: WriteContext, id: string): Promise<void> {
  const [assigned, rotations] = await Promise.all([
    ctx.db.employees.find({ selector: { shiftId: id, status: { $ne: 'terminated' } } }).exec(),
    ctx.db.settings.find({ selector: { kind: 'rotation' } }).exec(),
  ]);
  const naming = rotations.map((d) => stripMeta(d.toMutableJSON()) as Rotation).filter((r) => r.pattern.includes(id));
  if (assigned.length || naming.length) {
    throw new RenshiError('validation-failed', `still used by ${assigned.length} employees and ${naming.length} rotations`, [
      { code: 'custom', path: ['id'], message: `in use:${assigned.length}:${naming.map((r) => r.name).join('、')}` },
    ]);
  }
  const doc = await ctx.db.settings.findOne(id).exec();
  await removeRecord(ctx, 'settings', id, `${doc?.kind ?? 'schedule'} deleted: ${(doc?.toMutableJSON() as { name?: string } | undefined)?.name ?? id}`);
}

/**
 * Puts these employees on the shift or rotation `scheduleId`. Each record is read back from the database
 * (with its encrypted fields) and saved whole with the new assignment, one audit event per person.
 * Returns how many changed; people already on it are left alone.
 */
export async function assignSchedule(ctx: WriteContext, scheduleId: string, employeeIds: readonly string[]): Promise<number> {
  const schedule = await ctx.db.settings.findOne(scheduleId).exec();
  if (!schedule || (schedule.kind !== 'shift' && schedule.kind !== 'rotation')) throw new RenshiError('not-found', `no shift or rotation ${scheduleId}`);
  const name = (schedule.toMutableJSON() as { name: string }).name;
  let changed = 0;
  for (const id of employeeIds) {
    const doc = await ctx.db.employees.findOne(id).exec();
    if (!doc || doc.shiftId === scheduleId) continue;
    const employee = stripMeta(doc.toMutableJSON()) as Employee;
    await saveRecord(ctx, 'employees', Employee, { ...employee, shiftId: scheduleId }, `schedule assigned: ${employee.name} → ${name}`);
    changed++;
  }
  return changed;
}
