import type { Employee } from '#shared/schemas/employee';

/** What the attendance page's site/department picker has chosen; null is "all". */
export type Scope = { siteId: string | null; departmentId: string | null };

export function inScope(e: Employee, scope: Scope): boolean {
  return (!scope.siteId || e.siteId === scope.siteId) && (!scope.departmentId || e.departmentId === scope.departmentId);
}
