import { useMemo } from 'react';
import type { Employee } from '#shared/schemas/employee';
import { useRenshi } from '../../app/context.tsx';
import { watchEmployees } from '../../db/employee-list.ts';
import { stripMeta } from '../../db/records.ts';
import { useObservable } from '../../components/use-observable.ts';

/**
 * All employees, live, sorted by employee number. The directory filters in memory: with ~10k people a full
 * scan per keystroke is a few milliseconds, simpler and faster than an indexed query per filter combination.
 * Each record's `sensitive` group is decrypted only when a screen reads it (see db/employee-list.ts).
 */
export function useEmployees(): { loaded: boolean; employees: Employee[] } {
  const { db } = useRenshi();
  const employees = useObservable(() => watchEmployees(db), [db]);
  return useMemo(() => ({ loaded: employees !== undefined, employees: employees ?? [] }), [employees]);
}

export function useEmployee(id: string): { loaded: boolean; employee: Employee | null } {
  const { db } = useRenshi();
  const doc = useObservable(() => db.employees.findOne(id).$, [db, id]);
  return useMemo(() => ({ loaded: doc !== undefined, employee: doc ? (stripMeta(doc.toMutableJSON()) as Employee) : null }), [doc]);
}
