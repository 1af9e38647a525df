import { useMemo } from 'react';
import type { Employee } from '#shared/schemas/employee';
import { useRenshi } from '../../app/context.tsx';
import { stripMeta } from '../../db/records.ts';
import { useObservable } from '../../components/use-observable.ts';

/**
 * All employees, live. The directory filters in memory: with ~10k people a full scan per keystroke is
 * a few milliseconds, simpler and faster than an indexed query per filter combination.
 */
export function useEmployees(): { loaded: boolean; employees: Employee[] } {
  const { db } = useRenshi();
  const docs = useObservable(() => db.employees.find({ sort: [{ employeeNo: 'asc' }] }).$, [db]);
  return useMemo(
    () => ({ loaded: docs !== undefined, employees: (docs ?? []).map((d) => stripMeta(d.toMutableJSON()) as Employee) }),
    [docs],
  );
}

export function useEmployee(id: string): { loaded: boolean; employee: Employee | null } {
  const { db } = useRenshi();
  const doc = useObservable(() => db.employees.findOne(id).$, [db, id]);
  return useMemo(() => ({ loaded: doc !== undefined, employee: doc ? (stripMeta(doc.toMutableJSON()) as Employee) : null }), [doc]);
}
