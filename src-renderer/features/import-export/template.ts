import writeXlsxFile from 'write-excel-file/browser';
import { importTemplate } from '#shared/import/employees';

/** The import template as an .xlsx download: Chinese headers (required ones marked *) and one example row. */
export async function downloadImportTemplate(org: { department?: string; site?: string; schedule?: string }): Promise<void> {
  const { headers, example } = importTemplate(org);
  await writeXlsxFile([headers.map((h) => ({ value: h, fontWeight: 'bold' as const, backgroundColor: '#E7F1FF' })), example], {
    sheet: '员工导入',
    columns: headers.map((h) => ({ width: Math.max(10, h.length * 2 + 4) })),
    stickyRowsCount: 1,
  }).toFile('员工导入模板.xlsx');
}
