import type { Employee, EmployeeStatus } from '#shared/schemas/employee';

export type DirectoryFilter = { query: string; departmentId: string | null; siteId: string | null; status: EmployeeStatus | null };

/**
 * The directory search: every word of the query must match one of name, employee number, phone or
 * device PIN (case-insensitive substring; phone ignores spaces and dashes), and each chosen filter must match.
 */
export function filterEmployees(all: Employee[], f: DirectoryFilter): Employee[] {
  const words = f.query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  return all.filter((e) => {
    if (f.departmentId && e.departmentId !== f.departmentId) return false;
    if (f.siteId && e.siteId !== f.siteId) return false;
    if (f.status && e.status !== f.status) return false;
    if (words.length === 0) return true;
    const hay = `${e.name}\u0000${e.employeeNo}\u0000${e.phone ?? ''}\u0000${e.devicePin}`.toLowerCase();
    return words.every((w) => hay.includes(w.replace(/-/g, '')) || hay.includes(w));
  });
}
