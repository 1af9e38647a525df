import { strToU8, unzipSync, zipSync, type Zippable } from 'fflate';
import { attachmentRefsOf, buildRecordFiles, EvidenceBundleInput, type EvidenceBundleInputRaw } from '#shared/evidence/bundle-contents';
import {
  attachmentPath,
  MANIFEST_PATH,
  pngOfDataUrl,
  REPORT_PATH,
  sealManifest,
  sha256HexBytes,
  signatureImagePath,
  type BundleManifest,
  type ManifestFile,
  type MissingAttachment,
} from '#shared/evidence/bundle-manifest';
import { buildReportContent, type ReportAttachments } from '#shared/evidence/report-content';
import { localDateOf } from '#shared/time';
import { renderReportPdf } from './report-pdf.ts';

/**
 * Writes a case's evidence bundle: ONE zip with report.pdf, records/*.json, attachments/<sha256>-<name>
 * (the files behind evidence items), signatures/*.png (handwritten signatures) and manifest.json (see
 * src-shared/evidence/bundle-manifest.ts for the integrity model). Entries carry the export time as their
 * modification time, so the zip says when it was made rather than when it was copied.
 */
export type WrittenBundle = { fileName: string; bytes: Uint8Array; manifest: BundleManifest };

/** Reads an evidence file by its SHA-256 (main's content-addressed store, then the sync server); null when
 *  neither has it. */
export type EvidenceFileLoader = (sha256: string) => Promise<Uint8Array | null>;

export async function writeEvidenceBundle(raw: EvidenceBundleInputRaw, loadFile: EvidenceFileLoader = async () => null): Promise<WrittenBundle> {
  const input = EvidenceBundleInput.parse(raw);
  const recordFiles = await buildRecordFiles(input);

  // Every attached file of the case: in the zip, or listed as missing with the reason, never left out.
  const files: ReportAttachments = { attached: [], missing: [] };
  const attachmentBytes = new Map<string, Uint8Array>();
  for (const ref of attachmentRefsOf(input.caseDoc)) {
    let bytes: Uint8Array | null = null;
    let reason = '本终端与同步服务器均无此文件 / on neither this terminal nor the sync server';
    try {
      bytes = await loadFile(ref.sha256);
    } catch (err) {
      reason = `读取失败 / could not be read: ${err instanceof Error ? err.message : String(err)}`.slice(0, 300);
    }
    if (bytes && (await sha256HexBytes(bytes)) !== ref.sha256) {
      bytes = null;
      reason = '存储的文件与其SHA-256不符 / the stored file does not match its SHA-256';
    }
    if (!bytes) {
      files.missing.push({ evidenceId: ref.evidenceId, sha256: ref.sha256, fileName: ref.fileName, reason });
      continue;
    }
    const path = attachmentPath(ref.sha256, ref.fileName);
    if (!attachmentBytes.has(path)) attachmentBytes.set(path, bytes);
    files.attached.push({ path, evidenceId: ref.evidenceId, fileName: ref.fileName, sha256: ref.sha256 });
  }

  const pdf = await renderReportPdf(await buildReportContent(input, recordFiles, files), input.exportedAt);

  const entries = new Map<string, Uint8Array>([[REPORT_PATH, pdf]]);
  for (const f of recordFiles) entries.set(f.path, strToU8(f.text));

  const listed: ManifestFile[] = [
    { path: REPORT_PATH, sha256: await sha256HexBytes(pdf), bytes: pdf.length, kind: 'report', description: '证据包报告（PDF，简体中文）/ report' },
  ];
  for (const f of recordFiles) {
    const bytes = entries.get(f.path)!;
    listed.push({ path: f.path, sha256: await sha256HexBytes(bytes), bytes: bytes.length, kind: f.kind, description: f.description });
  }
  for (const a of files.attached) {
    if (entries.has(a.path)) continue; // the same file behind two evidence items is stored once
    const bytes = attachmentBytes.get(a.path)!;
    entries.set(a.path, bytes);
    listed.push({ path: a.path, sha256: a.sha256, bytes: bytes.length, kind: 'attachment', description: `证据 ${a.evidenceId} 的附件：${a.fileName}`.slice(0, 500), evidenceId: a.evidenceId });
  }
  // Handwritten signatures also as plain PNG files, for a reader without a JSON tool; the verifier checks
  // each equals the image its signature record hashed.
  for (const [i, sig] of input.signatures.entries()) {
    const png = pngOfDataUrl(sig.signatureImage);
    if (!png) continue;
    const recordId = (sig.record as { id?: unknown } | null)?.id;
    const signatureId = typeof recordId === 'string' && recordId ? recordId : `signature-${i + 1}`;
    let path = signatureImagePath(signatureId);
    if (entries.has(path)) path = path.replace(/\.png$/, `-${i + 1}.png`);
    entries.set(path, png);
    listed.push({ path, sha256: await sha256HexBytes(png), bytes: png.length, kind: 'signature-image', description: `手写签名图像：${sig.title || signatureId}`.slice(0, 500), signatureId });
  }
  const missingAttachments: MissingAttachment[] = files.missing;
  const manifest = await sealManifest({ caseId: input.caseDoc.id, templateId: input.caseDoc.templateId, exportedAt: input.exportedAt, exportedBy: input.exportedBy, files: listed, missingAttachments });
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
