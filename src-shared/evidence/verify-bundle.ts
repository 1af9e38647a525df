import { verifyAuditChain } from '../audit/chain.ts';
import { CaseDoc } from '../cases/case-doc.ts';
import { isAttachedFile } from './bundle-contents.ts';
import { verifySignature, type SignatureChange } from '../signature/signed-document.ts';
import {
  AuditRun,
  BundledSignature,
  BundleManifest,
  MANIFEST_PATH,
  manifestHashOf,
  pngOfDataUrl,
  RecordFile,
  recordHash,
  recordLabel,
  sha256HexBytes,
  type RecordFileKind,
} from './bundle-manifest.ts';

/**
 * Verifies an evidence bundle from its files (path -> bytes, as unzipped). Every check is reported, not
 * just the first failure, so a reader sees exactly what holds and what changed:
 *  - the manifest parses and its hash matches its content;
 *  - every listed file is present with the listed SHA-256 and size, and nothing unlisted was added;
 *  - every record in a record file still hashes to its recorded SHA-256 (a failure names the record);
 *  - the case document is a valid case and matches the manifest's case id;
 *  - every attachment is the file its evidence item recorded (same SHA-256), and every evidence item with an
 *    attached file has its file in the bundle or is listed in the manifest as missing (a warning, not a
 *    failure: the bundle says honestly what it lacks);
 *  - every signature record verifies against its document (and image) with verifySignature, and each
 *    signatures/*.png is exactly the image its record hashed;
 *  - every audit run re-verifies with verifyAuditChain from its anchor, and holds the case events it lists.
 */
export type BundleCheck = { id: string; label: string; ok: boolean; details: string[]; warning?: boolean };
export type BundleVerification = { ok: boolean; checks: BundleCheck[]; manifest: BundleManifest | null };

const decoder = new TextDecoder('utf-8', { fatal: true });

function parseJson(bytes: Uint8Array): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(decoder.decode(bytes)) };
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
}

function describeSignatureChange(c: SignatureChange): string {
  switch (c.part) {
    case 'record-malformed':
      return `signature record malformed: ${c.message}`;
    case 'record':
      return c.message;
    case 'document': {
      const parts = [
        c.changedFields.length ? `changed fields: ${c.changedFields.join(', ')}` : '',
        c.addedFields.length ? `added fields: ${c.addedFields.join(', ')}` : '',
        c.removedFields.length ? `removed fields: ${c.removedFields.join(', ')}` : '',
      ].filter(Boolean);
      return `signed document altered (${parts.join('; ') || 'content differs'})`;
    }
    case 'signature-image':
      return 'the handwritten signature image differs from the one signed';
  }
}

export async function verifyBundle(files: ReadonlyMap<string, Uint8Array>): Promise<BundleVerification> {
  const checks: BundleCheck[] = [];
  const fail = (id: string, label: string, details: string[]) => checks.push({ id, label, ok: false, details });
  const pass = (id: string, label: string, details: string[] = []) => checks.push({ id, label, ok: true, details });

  const manifestBytes = files.get(MANIFEST_PATH);
  if (!manifestBytes) {
    fail('manifest', 'manifest.json present and valid', ['manifest.json is missing from the bundle']);
    return { ok: false, checks, manifest: null };
  }
  const json = parseJson(manifestBytes);
  const parsed = json.ok ? BundleManifest.safeParse(json.value) : null;
  if (!parsed?.success) {
    const why = !json.ok ? [`not JSON: ${json.message}`] : parsed!.error!.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    fail('manifest', 'manifest.json present and valid', why);
    return { ok: false, checks, manifest: null };
  }
  const manifest = parsed.data;
  pass('manifest', 'manifest.json present and valid', [`case ${manifest.caseId}, ${manifest.files.length} files`]);

  const { manifestHash, ...body } = manifest;
  const recomputed = await manifestHashOf(body);
  if (recomputed === manifestHash) pass('manifest-hash', 'manifest hash', [manifestHash]);
  else fail('manifest-hash', 'manifest hash', [`recorded ${manifestHash}`, `computed ${recomputed}`, 'the manifest was edited after the bundle was sealed']);

  // Files as listed.
  const intact = new Map<string, Uint8Array>();
  for (const f of manifest.files) {
    const bytes = files.get(f.path);
    const id = `file:${f.path}`;
    if (!bytes) {
      fail(id, `file ${f.path}`, ['listed in the manifest but missing from the bundle']);
      continue;
    }
    const h = await sha256HexBytes(bytes);
    if (h !== f.sha256) fail(id, `file ${f.path}`, [`SHA-256 recorded ${f.sha256}`, `SHA-256 computed ${h}`, `size recorded ${f.bytes}, found ${bytes.length}`, `${f.path} was changed`]);
    else if (bytes.length !== f.bytes) fail(id, `file ${f.path}`, [`size recorded ${f.bytes}, found ${bytes.length}`]);
    else {
      pass(id, `file ${f.path}`, [h]);
      intact.set(f.path, bytes);
    }
  }
  const listed = new Set(manifest.files.map((f) => f.path));
  const extra = [...files.keys()].filter((p) => p !== MANIFEST_PATH && !listed.has(p) && !p.endsWith('/')).sort();
  if (extra.length) fail('unlisted-files', 'no unlisted files', extra.map((p) => `${p} is not in the manifest`));
  else pass('unlisted-files', 'no unlisted files');

  // Record files: read even when the file hash failed, so the report can name the record that changed.
  const recordFiles = new Map<RecordFileKind, RecordFile>();
  for (const f of manifest.files) {
    if (f.kind === 'report' || f.kind === 'attachment' || f.kind === 'signature-image') continue;
    const bytes = files.get(f.path);
    if (!bytes) continue;
    const id = `records:${f.path}`;
    const label = `records in ${f.path}`;
    const j = parseJson(bytes);
    const rf = j.ok ? RecordFile.safeParse(j.value) : null;
    if (!rf?.success) {
      fail(id, label, [!j.ok ? `not JSON: ${j.message}` : rf!.error!.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')]);
      continue;
    }
    const problems: string[] = [];
    if (rf.data.kind !== f.kind) problems.push(`holds ${rf.data.kind} records, the manifest says ${f.kind}`);
    if (rf.data.caseId !== manifest.caseId) problems.push(`belongs to case ${rf.data.caseId}, not ${manifest.caseId}`);
    for (const [i, r] of rf.data.records.entries()) {
      const h = await recordHash(r.record);
      if (h !== r.sha256) problems.push(`record ${recordLabel(r.record, i)} changed: SHA-256 recorded ${r.sha256}, computed ${h}`);
    }
    if (problems.length) fail(id, label, problems);
    else pass(id, label, [`${rf.data.records.length} records, each hash matches`]);
    recordFiles.set(f.kind, rf.data);
  }

  // The case itself.
  const caseRecord = recordFiles.get('case')?.records[0]?.record;
  const caseDoc = CaseDoc.safeParse(caseRecord);
  if (!caseDoc.success) fail('case', 'case document', ['records/case.json does not hold a valid case document']);
  else if (caseDoc.data.id !== manifest.caseId) fail('case', 'case document', [`case id ${caseDoc.data.id} differs from the manifest's ${manifest.caseId}`]);
  else pass('case', 'case document', [`${caseDoc.data.id} (${caseDoc.data.templateId}), status ${caseDoc.data.status}`]);

  // Attachments: each file must be the one whose SHA-256 the evidence item recorded when it was added.
  const evidenceById = new Map(caseDoc.success ? caseDoc.data.evidence.map((e) => [e.id, e]) : []);
  for (const f of manifest.files) {
    if (f.kind !== 'attachment') continue;
    const bytes = files.get(f.path);
    if (!bytes) continue; // already reported as missing
    const id = `attachment:${f.path}`;
    const label = `attachment ${f.path} matches its evidence item`;
    const item = f.evidenceId ? evidenceById.get(f.evidenceId) : undefined;
    if (!item) {
      fail(id, label, [`no evidence item ${f.evidenceId ?? '(none given)'} on the case`]);
      continue;
    }
    const h = await sha256HexBytes(bytes);
    if (!item.document?.sha256) pass(id, label, [`evidence ${item.id} recorded no hash; file SHA-256 ${h}`]);
    else if (item.document.sha256 === h) pass(id, label, [`evidence ${item.id}: SHA-256 ${h}`]);
    else fail(id, label, [`evidence ${item.id} recorded SHA-256 ${item.document.sha256}`, `the file hashes to ${h}`]);
  }

  // Every attached file is in the bundle or listed as missing: dropping one (and its manifest line) fails.
  if (caseDoc.success) {
    // Listed is enough here: whether each listed file is present and unchanged is checked above.
    const listedFiles = manifest.files.filter((f) => f.kind === 'attachment');
    const bundled = new Set([...listedFiles.map((f) => f.sha256), ...listedFiles.map((f) => f.evidenceId)]);
    const missing = new Map((manifest.missingAttachments ?? []).map((m) => [m.evidenceId, m]));
    const problems: string[] = [];
    const absent: string[] = [];
    let present = 0;
    for (const e of caseDoc.data.evidence.filter(isAttachedFile)) {
      const sha = e.document!.sha256!;
      const m = missing.get(e.id);
      if (bundled.has(sha) || bundled.has(e.id)) present++;
      else if (m && m.sha256 === sha) absent.push(`evidence ${e.id} (${e.document!.ref}, SHA-256 ${sha}) is not in the bundle: ${m.reason}`);
      else problems.push(`evidence ${e.id} (${e.document!.ref}, SHA-256 ${sha}) has no file in the bundle and is not listed as missing`);
    }
    for (const m of missing.values()) {
      const item = caseDoc.data.evidence.find((e) => e.id === m.evidenceId);
      if (!item || item.document?.sha256 !== m.sha256) problems.push(`the manifest lists a missing file for evidence ${m.evidenceId} that the case does not record`);
    }
    const label = 'every attached evidence file is in the bundle';
    if (problems.length) fail('attachments-complete', label, [...problems, ...absent]);
    else if (absent.length) checks.push({ id: 'attachments-complete', label, ok: true, warning: true, details: [`${present} in the bundle, ${absent.length} missing (listed in the manifest):`, ...absent] });
    else pass('attachments-complete', label, [`${present} attached files, all in the bundle`]);
  }

  // Signatures.
  const signatureEntries = new Map<string, BundledSignature>();
  for (const r of recordFiles.get('signatures')?.records ?? []) {
    const s = BundledSignature.safeParse(r.record);
    const id = s.success ? (s.data.record as { id?: unknown } | null)?.id : undefined;
    if (s.success && typeof id === 'string') signatureEntries.set(id, s.data);
  }
  const imageFiles = new Set<string>();
  for (const f of manifest.files) {
    if (f.kind !== 'signature-image') continue;
    if (f.signatureId) imageFiles.add(f.signatureId);
    const bytes = files.get(f.path);
    if (!bytes) continue; // already reported as missing
    const label = `signature image ${f.path} is the one signed`;
    const entry = f.signatureId ? signatureEntries.get(f.signatureId) : undefined;
    const png = entry ? pngOfDataUrl(entry.signatureImage) : null;
    if (!entry) fail(`signature-image:${f.path}`, label, [`no signature record ${f.signatureId ?? '(none given)'} in records/signatures.json`]);
    else if (!png || png.length !== bytes.length || png.some((b, i) => b !== bytes[i])) fail(`signature-image:${f.path}`, label, [`differs from the image in signature record ${f.signatureId}`]);
    else pass(`signature-image:${f.path}`, label, [`signature record ${f.signatureId}`]);
  }
  for (const [id, entry] of signatureEntries) {
    if (pngOfDataUrl(entry.signatureImage) && !imageFiles.has(id)) fail(`signature-image:${id}`, `signature image of ${id}`, ['the signature has a handwritten image but signatures/ holds no matching file']);
  }

  for (const [i, r] of (recordFiles.get('signatures')?.records ?? []).entries()) {
    const s = BundledSignature.safeParse(r.record);
    const id = `signature:${recordLabel(r.record, i)}`;
    if (!s.success) {
      fail(id, `signature ${recordLabel(r.record, i)}`, ['not a signature entry']);
      continue;
    }
    const v = await verifySignature(s.data.document, s.data.record, s.data.signatureImage);
    const label = `signature ${recordLabel(r.record, i)}${s.data.title ? ` (${s.data.title})` : ''}`;
    if (v.status === 'verified') pass(id, label, ['verified: record intact, document unchanged since signing']);
    else fail(id, label, v.changes.map(describeSignatureChange));
  }

  // Audit chains.
  for (const [i, r] of (recordFiles.get('audit')?.records ?? []).entries()) {
    const run = AuditRun.safeParse(r.record);
    if (!run.success) {
      fail(`audit:#${i + 1}`, `audit run #${i + 1}`, run.error.issues.slice(0, 5).map((x) => `${x.path.join('.')}: ${x.message}`));
      continue;
    }
    const { replicaId, anchor, events, caseEventIds } = run.data;
    const id = `audit:${replicaId}`;
    const label = `audit chain of replica ${replicaId}`;
    const problems: string[] = [];
    if (anchor && anchor.replicaId !== replicaId) problems.push(`anchor belongs to replica ${anchor.replicaId}`);
    const brk = await verifyAuditChain(events, anchor);
    if (brk) {
      const ev = events.find((e) => e.seq === brk.seq);
      problems.push(`chain breaks at seq ${brk.seq}${ev ? ` (event ${ev.id})` : ''}: ${brk.reason}`);
    }
    const have = new Set(events.map((e) => e.id));
    const missing = caseEventIds.filter((e) => !have.has(e));
    if (missing.length) problems.push(`case events missing from the run: ${missing.join(', ')}`);
    if (problems.length) fail(id, label, problems);
    else pass(id, label, [`${events.length} events from seq ${events[0]!.seq}${anchor ? ` after anchor seq ${anchor.seq}` : ' (chain start)'}, ${caseEventIds.length} about the case`]);
  }

  return { ok: checks.every((c) => c.ok), checks, manifest };
}
