import { RenshiError } from '#shared/errors';
import { newId } from '#shared/ids';
import { Employee, type EmployeeInput } from '#shared/schemas/employee';
import { saveRecord, stripMeta, type WriteContext } from './records.ts';

export async function listEmployees(ctx: Pick<WriteContext, 'db'>): Promise<Employee[]> {
  const docs = await ctx.db.employees.find({ sort: [{ employeeNo: 'asc' }] }).exec();
  return docs.map((d) => stripMeta(d.toMutableJSON()) as Employee);
}

/** Creates or updates an employee. Employee numbers are unique across the company. */
export async function saveEmployee(ctx: WriteContext, input: Omit<EmployeeInput, 'id' | 'updatedAt'> & { id?: string }): Promise<Employee> {
  const id = input.id ?? newId();
  const clash = await ctx.db.employees.findOne({ selector: { employeeNo: String(input.employeeNo ?? '').trim() } }).exec();
  if (clash && clash.id !== id) {
    throw new RenshiError('validation-failed', `employee number ${input.employeeNo} is already used by ${clash.name}`, [
      { path: ['employeeNo'], message: 'employee number already in use' },
    ]);
  }
  return saveRecord(ctx, 'employees', Employee, { ...input, id }, input.id ? 'employee updated' : 'employee created');
}
