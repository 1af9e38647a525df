import { beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '#shared/audit/chain';
import { attachmentRefsOf, auditRunsForCase, buildRecordFiles, EvidenceBundleInput } from '#shared/evidence/bundle-contents';
import {
  attachmentPath,
  MANIFEST_PATH,
  pngOfDataUrl,
  recordHash,
  REPORT_PATH,
  sealManifest,
  sha256HexBytes,
  signatureImagePath,
  type BundleManifest,
  type ManifestFile,
  type MissingAttachment,
  type RecordFile,
} from '#shared/evidence/bundle-manifest';
import { verifyBundle, type BundleVerification } from '#shared/evidence/verify-bundle';
import { buildFixture, signaturePng, type BundleFixture } from './bundle-fixture';

/**
 * The verifier on bundles assembled in memory (the PDF is stood in for by fixed bytes here; the real zip and
 * PDF are tested in tests/main/evidence). Tampering is done two ways: naively (edit bytes, hashes now
 * differ) and as a forger would (edit a record and recompute every hash up to the manifest), which only the
 * inner checks (signatures, attachments, audit chain) can catch.
 */
const enc = new TextEncoder();
const dec = new TextDecoder();
let fixture: BundleFixture;
const UNION_PATH = () => attachmentPath(fixture.caseDoc.evidence.find((e) => e.id === 'e5')!.document!.sha256!, '工会回函.txt');

async function assemble(input = fixture.input, loadFile = fixture.loadFile): Promise<Map<string, Uint8Array>> {
  const parsed = EvidenceBundleInput.parse(input);
  const recordFiles = await buildRecordFiles(parsed);
  const files = new Map<string, Uint8Array>([[REPORT_PATH, enc.encode('%PDF-1.7 stand-in report')]]);
  const meta = new Map<string, Partial<ManifestFile>>();
  for (const f of recordFiles) files.set(f.path, enc.encode(f.text));
  const missing: MissingAttachment[] = [];
  for (const ref of attachmentRefsOf(parsed.caseDoc)) {
    const bytes = await loadFile(ref.sha256);
    if (!bytes) {
      missing.push({ ...ref, reason: 'not on this terminal' });
      continue;
    }
    const path = attachmentPath(ref.sha256, ref.fileName);
    files.set(path, bytes);
    meta.set(path, { kind: 'attachment', evidenceId: ref.evidenceId });
  }
  for (const sig of parsed.signatures) {
    const png = pngOfDataUrl(sig.signatureImage);
    const id = (sig.record as { id: string }).id;
    if (!png) continue;
    files.set(signatureImagePath(id), png);
    meta.set(signatureImagePath(id), { kind: 'signature-image', signatureId: id });
  }
  await reseal(files, parsed.caseDoc.id, meta, missing);
  return files;
}

/** Recomputes every file hash and the manifest hash, as a forger covering their tracks would; what each
 *  file is (kind, evidence item) is kept from the manifest being replaced. */
async function reseal(files: Map<string, Uint8Array>, caseId = fixture.caseDoc.id, meta?: Map<string, Partial<ManifestFile>>, missing?: MissingAttachment[]): Promise<void> {
  const old = files.has(MANIFEST_PATH) ? (JSON.parse(dec.decode(files.get(MANIFEST_PATH)!)) as BundleManifest) : null;
  const list: ManifestFile[] = [];
  for (const [path, bytes] of files) {
    if (path === MANIFEST_PATH) continue;
    const { evidenceId, signatureId, kind } = meta?.get(path) ?? old?.files.find((f) => f.path === path) ?? {};
    list.push({
      path,
      sha256: await sha256HexBytes(bytes),
      bytes: bytes.length,
      kind: path === REPORT_PATH ? 'report' : (kind ?? (JSON.parse(dec.decode(bytes)) as RecordFile).kind),
      description: path,
      ...(evidenceId ? { evidenceId } : {}),
      ...(signatureId ? { signatureId } : {}),
    });
  }
  const manifest = await sealManifest({ caseId, templateId: 'dismissal-absenteeism', exportedAt: 1, exportedBy: 'hr-wang', files: list, missingAttachments: missing ?? old?.missingAttachments ?? [] });
  files.set(MANIFEST_PATH, enc.encode(JSON.stringify(manifest)));
}

function editRecordFile(files: Map<string, Uint8Array>, path: string, edit: (file: RecordFile) => void): void {
  const file = JSON.parse(dec.decode(files.get(path)!)) as RecordFile;
  edit(file);
  files.set(path, enc.encode(JSON.stringify(file, null, 2)));
}

async function rehashRecords(files: Map<string, Uint8Array>, path: string): Promise<void> {
  const file = JSON.parse(dec.decode(files.get(path)!)) as RecordFile;
  for (const r of file.records) r.sha256 = await recordHash(r.record);
  files.set(path, enc.encode(JSON.stringify(file, null, 2)));
}

const failed = (v: BundleVerification) => v.checks.filter((c) => !c.ok).map((c) => ({ id: c.id, details: c.details.join(' | ') }));

beforeAll(async () => {
  fixture = await buildFixture();
});

describe('verifyBundle', () => {
  it('passes an intact bundle, with a verdict for every file, signature and audit chain', async () => {
    const v = await verifyBundle(await assemble());
    expect(failed(v)).toEqual([]);
    expect(v.ok).toBe(true);
    expect(v.checks.map((c) => c.id)).toEqual(
      expect.arrayContaining(['manifest', 'manifest-hash', 'file:report.pdf', 'file:records/case.json', 'records:records/punches.json', 'case', 'signature:sig-li-handbook', 'audit:term-a']),
    );
  });

  it('one changed byte in a record: the file hash fails and the record is named', async () => {
    const files = await assemble();
    const text = dec.decode(files.get('records/punches.json')!);
    expect(text).toContain('"pin": "1007"');
    files.set('records/punches.json', enc.encode(text.replace('"pin": "1007"', '"pin": "1008"')));
    const v = await verifyBundle(files);
    expect(v.ok).toBe(false);
    const f = failed(v);
    expect(f.map((x) => x.id)).toEqual(['file:records/punches.json', 'records:records/punches.json']);
    expect(f[1]!.details).toMatch(/record ZK01-1007-1 changed/);
  });

  it('one changed byte of the report: report.pdf is named', async () => {
    const files = await assemble();
    const pdf = Uint8Array.from(files.get(REPORT_PATH)!);
    pdf[5] = pdf[5]! ^ 0x01;
    files.set(REPORT_PATH, pdf);
    expect(failed(await verifyBundle(files))).toEqual([{ id: 'file:report.pdf', details: expect.stringContaining('report.pdf was changed') }]);
  });

  it('a forged signature record (all outer hashes recomputed) still fails its own verification', async () => {
    const files = await assemble();
    editRecordFile(files, 'records/signatures.json', (f) => {
      ((f.records[0]!.record as { record: { signedAt: number } }).record).signedAt += 86_400_000;
    });
    await rehashRecords(files, 'records/signatures.json');
    await reseal(files);
    const f = failed(await verifyBundle(files));
    expect(f).toEqual([{ id: 'signature:sig-li-handbook', details: 'the signature record was changed after signing' }]);
  });

  it('a changed signed document is named by field', async () => {
    const files = await assemble();
    editRecordFile(files, 'records/signatures.json', (f) => {
      ((f.records[0]!.record as { document: { clause: string } }).document).clause = '连续旷工超过1日的，公司可解除劳动合同';
    });
    await rehashRecords(files, 'records/signatures.json');
    await reseal(files);
    expect(failed(await verifyBundle(files))).toEqual([{ id: 'signature:sig-li-handbook', details: 'signed document altered (changed fields: clause)' }]);
  });

  it('a forged audit event (summary edited, outer hashes recomputed) breaks the chain at that event', async () => {
    const files = await assemble();
    let seq = -1;
    editRecordFile(files, 'records/audit-events.json', (f) => {
      const run = f.records[0]!.record as { events: { seq: number; summary: string; action: string }[] };
      const target = run.events.find((e) => e.action === 'override')!;
      seq = target.seq;
      target.summary = 'nothing special';
    });
    await rehashRecords(files, 'records/audit-events.json');
    await reseal(files);
    const f = failed(await verifyBundle(files));
    expect(f).toEqual([{ id: 'audit:term-a', details: expect.stringContaining(`chain breaks at seq ${seq} (event term-a:${seq}): hash-mismatch`) }]);
  });

  it('an audit event removed from the run shows as a gap', async () => {
    const files = await assemble();
    editRecordFile(files, 'records/audit-events.json', (f) => {
      const run = f.records[0]!.record as { events: unknown[] };
      run.events.splice(3, 1);
    });
    await rehashRecords(files, 'records/audit-events.json');
    await reseal(files);
    expect(failed(await verifyBundle(files))[0]?.details).toMatch(/gap/);
  });

  it('an attachment swapped for another file (outer hashes recomputed) no longer matches its evidence item', async () => {
    const files = await assemble();
    const path = UNION_PATH();
    expect([...files.keys()]).toContain(path);
    files.set(path, enc.encode('工会意见：反对解除。'));
    await reseal(files);
    expect(failed(await verifyBundle(files))).toEqual([{ id: `attachment:${path}`, details: expect.stringContaining('evidence e5 recorded SHA-256') }]);
  });

  it('the attached file and the signature image are in the bundle and verified', async () => {
    const files = await assemble();
    expect(files.get(UNION_PATH())).toEqual(fixture.files.values().next().value);
    expect(files.get('signatures/sig-li-handbook.png')).toEqual(signaturePng());
    const v = await verifyBundle(files);
    expect(v.checks.filter((c) => c.ok && !c.warning).map((c) => c.id)).toEqual(
      expect.arrayContaining([`attachment:${UNION_PATH()}`, 'attachments-complete', 'signature-image:signatures/sig-li-handbook.png', 'signature:sig-li-handbook']),
    );
  });

  it('one changed byte of an attachment: its file check and its evidence item both fail', async () => {
    const files = await assemble();
    const bytes = Uint8Array.from(files.get(UNION_PATH())!);
    bytes[0] = bytes[0]! ^ 0x01;
    files.set(UNION_PATH(), bytes);
    const f = failed(await verifyBundle(files));
    expect(f.map((x) => x.id)).toEqual([`file:${UNION_PATH()}`, `attachment:${UNION_PATH()}`]);
  });

  it('one changed byte of the signature record file: the file and the record fail, and the signature no longer verifies', async () => {
    const files = await assemble();
    const text = dec.decode(files.get('records/signatures.json')!);
    expect(text).toContain('"ip": "10.0.0.23"');
    files.set('records/signatures.json', enc.encode(text.replace('"ip": "10.0.0.23"', '"ip": "10.0.0.24"')));
    const f = failed(await verifyBundle(files));
    expect(f.map((x) => x.id)).toEqual(['file:records/signatures.json', 'records:records/signatures.json', 'signature:sig-li-handbook']);
    expect(f[2]!.details).toBe('the signature record was changed after signing');
  });

  it('a swapped signature image (outer hashes recomputed) no longer matches the image signed', async () => {
    const files = await assemble();
    files.set('signatures/sig-li-handbook.png', signaturePng(160, 50));
    await reseal(files);
    expect(failed(await verifyBundle(files))).toEqual([{ id: 'signature-image:signatures/sig-li-handbook.png', details: 'differs from the image in signature record sig-li-handbook' }]);
  });

  it('an attachment dropped from the zip and the manifest (resealed) is caught: its evidence item has no file', async () => {
    const files = await assemble();
    files.delete(UNION_PATH());
    const m = JSON.parse(dec.decode(files.get(MANIFEST_PATH)!)) as BundleManifest;
    m.files = m.files.filter((f) => f.path !== UNION_PATH());
    files.set(MANIFEST_PATH, enc.encode(JSON.stringify(m)));
    await reseal(files);
    expect(failed(await verifyBundle(files))).toEqual([{ id: 'attachments-complete', details: expect.stringMatching(/^evidence e5 \(工会回函\.txt, SHA-256 [0-9a-f]{64}\) has no file in the bundle and is not listed as missing$/) }]);
  });

  it('a file not available at export is listed as missing: the bundle is intact, with a warning naming it', async () => {
    const files = await assemble(fixture.input, async () => null);
    expect([...files.keys()].some((p) => p.startsWith('attachments/'))).toBe(false);
    const v = await verifyBundle(files);
    expect(failed(v)).toEqual([]);
    expect(v.manifest?.missingAttachments).toEqual([expect.objectContaining({ evidenceId: 'e5', fileName: '工会回函.txt', reason: 'not on this terminal' })]);
    const check = v.checks.find((c) => c.id === 'attachments-complete')!;
    expect(check).toMatchObject({ ok: true, warning: true });
    expect(check.details.join(' | ')).toMatch(/1 missing .*evidence e5 \(工会回函\.txt/);
  });

  it('a missing-file entry for evidence the case does not record fails', async () => {
    const files = await assemble();
    const m = JSON.parse(dec.decode(files.get(MANIFEST_PATH)!)) as BundleManifest;
    await reseal(files, fixture.caseDoc.id, undefined, [...(m.missingAttachments ?? []), { evidenceId: 'nope', sha256: 'c'.repeat(64), fileName: 'x.pdf', reason: 'gone' }]);
    expect(failed(await verifyBundle(files))).toEqual([{ id: 'attachments-complete', details: 'the manifest lists a missing file for evidence nope that the case does not record' }]);
  });

  it('an edited manifest fails the manifest hash', async () => {
    const files = await assemble();
    const m = JSON.parse(dec.decode(files.get(MANIFEST_PATH)!)) as BundleManifest;
    m.exportedBy = 'someone-else';
    files.set(MANIFEST_PATH, enc.encode(JSON.stringify(m)));
    expect(failed(await verifyBundle(files)).map((x) => x.id)).toEqual(['manifest-hash']);
  });

  it.each<[string, (files: Map<string, Uint8Array>) => void, string[]]>([
    ['a missing record file', (files) => files.delete('records/deliveries.json'), ['file:records/deliveries.json']],
    ['an added file', (files) => files.set('records/extra.json', enc.encode('{}')), ['unlisted-files']],
    ['no manifest', (files) => files.delete(MANIFEST_PATH), ['manifest']],
    ['a manifest that is not JSON', (files) => files.set(MANIFEST_PATH, enc.encode('{oops')), ['manifest']],
  ])('%s fails', async (_name, tamper, ids) => {
    const files = await assemble();
    tamper(files);
    const v = await verifyBundle(files);
    expect(v.ok).toBe(false);
    expect(failed(v).map((x) => x.id)).toEqual(ids);
  });
});

describe('auditRunsForCase', () => {
  it('takes the contiguous run from the first to the last case event, anchored on the event before', () => {
    const runs = auditRunsForCase(fixture.allEvents, new Set(['dis-li', 'lc-li']));
    expect(runs).toHaveLength(1);
    const run = runs[0]!;
    expect(run.anchor).toEqual({ replicaId: 'term-a', seq: 1, hash: fixture.allEvents[1]!.hash });
    expect(run.events[0]!.seq).toBe(2);
    expect(run.events.at(-1)!.docId).toBe('dis-li');
    // Unrelated events inside the span are kept (for the chain), the ones after it are not.
    expect(run.events.filter((e) => e.collectionName === 'employees')).toHaveLength(2);
    expect(run.caseEventIds).toHaveLength(run.events.length - 2);
    expect(fixture.allEvents.length).toBe(run.events.length + 3);
  });

  it('a case with no audit events yields no runs; a run from seq 0 has no anchor', () => {
    expect(auditRunsForCase(fixture.allEvents, new Set(['nothing']))).toEqual([]);
    const first = auditRunsForCase(fixture.allEvents, new Set(['emp-zhang']))[0]!;
    expect(first.anchor).toBeNull();
    expect(first.events[0]!.seq).toBe(0);
  });

  it('records hash over canonical JSON, so formatting does not matter', async () => {
    const r = { b: 1, a: [1, { y: 2, x: 'é' }] };
    expect(await recordHash(r)).toBe(await recordHash(JSON.parse(JSON.stringify(r, null, 4))));
    expect(canonicalJson(r)).toBe('{"a":[1,{"x":"é","y":2}],"b":1}');
  });
});

describe('attachmentPath', () => {
  const sha = 'a1'.repeat(32);
  it.each<[string, string]>([
    ['工会回函.txt', `attachments/${sha}-file.txt`],
    ['Chat Screenshot (1).PNG', `attachments/${sha}-chat_screenshot_1.png`],
    ['../../etc/passwd', `attachments/${sha}-passwd`],
    ['C:\\scans\\letter.pdf', `attachments/${sha}-letter.pdf`],
    ['.hidden', `attachments/${sha}-hidden`],
  ])('%s -> %s', (name, path) => {
    expect(attachmentPath(sha, name)).toBe(path);
    expect(path).toMatch(/^[a-z0-9][a-z0-9/._-]*$/);
  });

  it('only evidence recorded with a file name (no scheme: ref) is an attached file', () => {
    const item = (ref: string | null, sha256: string | null = sha) => ({ id: 'x', document: { sha256, ref } });
    expect(attachmentRefsOf({ evidence: [item('scan.pdf'), item('chat-log:abc#row-3'), item('doc:e1'), item(null), item('memo.txt', null)] as never })).toEqual([{ evidenceId: 'x', sha256: sha, fileName: 'scan.pdf' }]);
  });
});
