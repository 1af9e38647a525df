import type { Employee, EmployeeStatus } from '#shared/schemas/employee';
import { expiryOf } from './expiry.ts';

export type DirectoryFilter = {
  query: string;
  departmentId: string | null;
  siteId: string | null;
  status: EmployeeStatus | null;
  /** Only people with a certificate expired or expiring within the warning window (as of `today`). */
  expiringOn?: string | null;
};

export function hasExpiringCertificate(e: Employee, today: string): boolean {
  return e.certificates.some((c) => expiryOf(c.expiresOn, today).state !== 'ok');
}

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
    if (f.expiringOn && !hasExpiringCertificate(e, f.expiringOn)) return false;
    if (words.length === 0) return true;
    const hay = `${e.name}\u0000${e.employeeNo}\u0000${e.phone ?? ''}\u0000${e.devicePin}`.toLowerCase();
    return words.every((w) => hay.includes(w.replace(/-/g, '')) || hay.includes(w));
  });
}

export type SortKey = 'employeeNo' | 'name' | 'department' | 'site' | 'position' | 'status' | 'hireDate';
export type Sort = { key: SortKey; desc: boolean };

const STATUS_RANK: Record<EmployeeStatus, number> = { probation: 0, active: 1, on_leave: 2, suspended: 3, absent_without_leave: 4, terminated: 5 };
// Chinese names sort by pinyin, as HR expects from Excel; numbers inside employee numbers sort numerically.
const collator = new Intl.Collator('zh-CN', { numeric: true, sensitivity: 'base' });

export function sortEmployees(rows: Employee[], sort: Sort, nameOf: (id: string) => string): Employee[] {
  const value = (e: Employee): string | number => {
    switch (sort.key) {
      case 'department':
        return nameOf(e.departmentId);
      case 'site':
        return nameOf(e.siteId);
      case 'status':
        return STATUS_RANK[e.status];
      default:
        return e[sort.key];
    }
  };
  const sign = sort.desc ? -1 : 1;
  return rows
    .map((e) => [value(e), e] as const)
    .sort(([a, ea], [b, eb]) => sign * (typeof a === 'number' && typeof b === 'number' ? a - b : collator.compare(String(a), String(b))) || collator.compare(ea.employeeNo, eb.employeeNo))
    .map(([, e]) => e);
}
