import Papa from 'papaparse';
import { readSheet } from 'read-excel-file/browser';
import type { Cell } from '#shared/import/employees';

/** A chosen file's first sheet as rows of cells: .xlsx through read-excel-file, .csv through papaparse. */
export async function readSpreadsheet(file: File): Promise<Cell[][]> {
  const name = file.name.toLowerCase();
  if (name.endsWith('.xlsx')) return (await readSheet(file)) as Cell[][];
  if (name.endsWith('.csv') || name.endsWith('.txt')) {
    const text = await decodeText(file);
    const parsed = Papa.parse<string[]>(text, { skipEmptyLines: 'greedy' });
    return parsed.data;
  }
  throw new Error('unsupported file type (use .xlsx or .csv)');
}

/**
 * CSV files saved by Excel on Chinese Windows are often GBK, not UTF-8. Decode as UTF-8 (dropping a BOM)
 * and fall back to GB18030 when that produces replacement characters.
 */
async function decodeText(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const utf8 = new TextDecoder('utf-8').decode(bytes);
  if (!utf8.includes('\uFFFD')) return utf8.replace(/^\uFEFF/, '');
  return new TextDecoder('gb18030').decode(bytes);
}
