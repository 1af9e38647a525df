import writeXlsxFile from 'write-excel-file/browser';
import type { Employee } from '#shared/schemas/employee';
import type { RenshiContext } from '../../app/context.tsx';
import { today } from '../../components/format.ts';
import type { Translate } from '../../i18n/i18n.tsx';
import type { OrgData } from '../org/use-org.ts';

/**
 * Writes the rows the directory currently shows to an .xlsx download. Sensitive fields (ID number, salary,
 * bank account, emergency contacts) are deliberately left out: a spreadsheet leaves the encrypted store.
 * The export itself is recorded in the audit trail (who exported how many, with which filter result).
 */
/** `scheduleNames`: shift and rotation names by id, so the 班次 column reads as the import expects it. */
export async function exportEmployeesXlsx(ctx: Pick<RenshiContext, 'audit' | 'actor'>, rows: Employee[], org: OrgData, t: Translate, scheduleNames: ReadonlyMap<string, string> = new Map()): Promise<void> {
  const nameOf = (id: string) => org.byId.get(id)?.name ?? '';
  const header = (['emp.employeeNo', 'emp.name', 'emp.gender', 'emp.department', 'emp.site', 'emp.position', 'emp.hireDate', 'emp.status', 'emp.phone', 'emp.email', 'emp.devicePin', 'att.shift'] as const).map(
    (k) => ({ value: t(k), fontWeight: 'bold' as const }),
  );
  const data = [
    header,
    ...rows.map((e) => [e.employeeNo, e.name, t(`gender.${e.gender}`), nameOf(e.departmentId), nameOf(e.siteId), e.position, e.hireDate, t(`status.${e.status}`), e.phone ?? '', e.email ?? '', e.devicePin, e.shiftId ? (scheduleNames.get(e.shiftId) ?? '') : '']),
  ];
  await writeXlsxFile(data, {
    sheet: t('emp.title'),
    columns: [{ width: 12 }, { width: 12 }, { width: 8 }, { width: 16 }, { width: 12 }, { width: 16 }, { width: 12 }, { width: 18 }, { width: 15 }, { width: 24 }, { width: 10 }, { width: 18 }],
    stickyRowsCount: 1,
  }).toFile(`${t('emp.title')}-${today()}.xlsx`);
  await ctx.audit.append({ actor: ctx.actor, action: 'export', collection: 'employees', docId: 'directory', before: null, after: null, summary: `exported ${rows.length} employees to xlsx` });
}
