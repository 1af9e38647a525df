import { strToU8, unzipSync, zipSync, type Zippable } from 'fflate';
import { buildRecordFiles, EvidenceBundleInput, type EvidenceBundleInputRaw } from '#shared/evidence/bundle-contents';
import { attachmentPath, MANIFEST_PATH, REPORT_PATH, sealManifest, sha256HexBytes, type BundleManifest, type ManifestFile } from '#shared/evidence/bundle-manifest';
import { buildReportContent } from '#shared/evidence/report-content';
import { localDateOf } from '#shared/time';
import { renderReportPdf } from './report-pdf.ts';

/**
 * Writes a case's evidence bundle: ONE zip with report.pdf, records/*.json, attachments/<evidence id>/*
 * (the files behind evidence items) and manifest.json (see
 * src-shared/evidence/bundle-manifest.ts for the integrity model). Entries carry the export time as their
 * modification time, so the zip says when it was made rather than when it was copied.
 */
export type WrittenBundle = { fileName: string; bytes: Uint8Array; manifest: BundleManifest };

export async function writeEvidenceBundle(raw: EvidenceBundleInputRaw): Promise<WrittenBundle> {
  const input = EvidenceBundleInput.parse(raw);
  const recordFiles = await buildRecordFiles(input);
  const pdf = await renderReportPdf(await buildReportContent(input, recordFiles), input.exportedAt);

  const entries = new Map<string, Uint8Array>([[REPORT_PATH, pdf]]);
  for (const f of recordFiles) entries.set(f.path, strToU8(f.text));

  const files: ManifestFile[] = [
    { path: REPORT_PATH, sha256: await sha256HexBytes(pdf), bytes: pdf.length, kind: 'report', description: '证据包报告（PDF，简体中文）/ report' },
  ];
  for (const f of recordFiles) {
    const bytes = entries.get(f.path)!;
    files.push({ path: f.path, sha256: await sha256HexBytes(bytes), bytes: bytes.length, kind: f.kind, description: f.description });
  }
  for (const a of input.attachments) {
    const path = attachmentPath(a.evidenceId, a.fileName);
    const bytes = new Uint8Array(Buffer.from(a.contentBase64, 'base64'));
    entries.set(path, bytes);
    files.push({ path, sha256: await sha256HexBytes(bytes), bytes: bytes.length, kind: 'attachment', description: `证据 ${a.evidenceId} 的附件：${a.fileName}`.slice(0, 500), evidenceId: a.evidenceId });
  }
  const manifest = await sealManifest({ caseId: input.caseDoc.id, templateId: input.caseDoc.templateId, exportedAt: input.exportedAt, exportedBy: input.exportedBy, files });
  entries.set(MANIFEST_PATH, strToU8(`${JSON.stringify(manifest, null, 2)}\n`));

  const mtime = new Date(input.exportedAt);
  const zippable: Zippable = {};
  for (const [path, bytes] of entries) zippable[path] = [bytes, { mtime, level: path.endsWith('.pdf') ? 0 : 6 }];
  const safeId = input.caseDoc.id.replace(/[^A-Za-z0-9_-]/g, '_');
  return { fileName: `evidence-${safeId}-${localDateOf(input.exportedAt)}.zip`, bytes: zipSync(zippable), manifest };
}

/** Reads a bundle zip into path -> bytes. Throws a RangeError for bytes that are not a readable zip, or that
 *  would unpack to more than `maxBytes` (a zip bomb must not exhaust memory). */
export function readBundleZip(bytes: Uint8Array, maxBytes = 1024 * 1024 * 1024): Map<string, Uint8Array> {
  let files: Record<string, Uint8Array>;
  let total = 0;
  try {
    files = unzipSync(bytes, {
      filter: (f) => {
        total += f.originalSize;
        if (total > maxBytes) throw new RangeError(`unpacks to more than ${maxBytes} bytes`);
        return true;
      },
    });
  } catch (err) {
    throw new RangeError(`not a readable zip file: ${err instanceof Error ? err.message : String(err)}`);
  }
  return new Map(Object.entries(files).filter(([p]) => !p.endsWith('/')));
}
