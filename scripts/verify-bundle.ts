/**
 * Verifies an evidence bundle: `npm run verify-bundle -- <file.zip>`.
 * Prints one verdict per check (files, manifest hash, records, attachments, signatures, audit chains; WARN for
 * evidence files the bundle lists as missing) and exits 0 only
 * when every check passes; 1 when any fails; 2 when the file cannot be read at all.
 */
import { readFile } from 'node:fs/promises';
import { verifyBundle } from '#shared/evidence/verify-bundle';
import { readBundleZip } from '../src-main/evidence/bundle-writer.ts';

async function main(argv: string[]): Promise<number> {
  const path = argv.find((a) => !a.startsWith('-'));
  if (!path) {
    console.error('usage: npm run verify-bundle -- <evidence-bundle.zip>');
    return 2;
  }
  let files: Map<string, Uint8Array>;
  try {
    files = readBundleZip(new Uint8Array(await readFile(path)));
  } catch (err) {
    console.error(`cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`);
    return 2;
  }
  const result = await verifyBundle(files);
  console.log(`Evidence bundle ${path}${result.manifest ? ` — case ${result.manifest.caseId}, exported ${new Date(result.manifest.exportedAt).toISOString()} by ${result.manifest.exportedBy}` : ''}`);
  for (const c of result.checks) {
    console.log(`${!c.ok ? 'FAIL' : c.warning ? 'WARN' : 'PASS'}  ${c.label}`);
    for (const d of c.details) console.log(`        ${d}`);
  }
  const failed = result.checks.filter((c) => !c.ok).length;
  const missing = result.manifest?.missingAttachments?.length ?? 0;
  // Intact means nothing was changed; a file that was never in the bundle is said so, not hidden.
  const note = missing ? `; ${missing} evidence file(s) were not available at export and are listed as missing` : '';
  console.log(result.ok ? `VERDICT: INTACT (${result.checks.length} checks passed${note})` : `VERDICT: NOT INTACT (${failed} of ${result.checks.length} checks failed)`);
  return result.ok ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
