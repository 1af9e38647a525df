import { beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '#shared/audit/chain';
import { auditRunsForCase, buildRecordFiles, EvidenceBundleInput } from '#shared/evidence/bundle-contents';
import { attachmentPath, MANIFEST_PATH, recordHash, REPORT_PATH, sealManifest, sha256HexBytes, type BundleManifest, type ManifestFile, type RecordFile } from '#shared/evidence/bundle-manifest';
import { verifyBundle, type BundleVerification } from '#shared/evidence/verify-bundle';
import { buildFixture, type BundleFixture } from './bundle-fixture';

/**
 * The verifier on bundles assembled in memory (the PDF is stood in for by fixed bytes here; the real zip and
 * PDF are tested in tests/main/evidence). Tampering is done two ways: naively (edit bytes, hashes now
 * differ) and as a forger would (edit a record and recompute every hash up to the manifest), which only the
 * inner checks (signatures, audit chain) can catch.
 */
const enc = new TextEncoder();
const dec = new TextDecoder();
let fixture: BundleFixture;

async function assemble(input = fixture.input): Promise<Map<string, Uint8Array>> {
  const parsed = EvidenceBundleInput.parse(input);
  const recordFiles = await buildRecordFiles(parsed);
  const files = new Map<string, Uint8Array>([[REPORT_PATH, enc.encode('%PDF-1.7 stand-in report')]]);
  for (const f of recordFiles) files.set(f.path, enc.encode(f.text));
  for (const a of parsed.attachments) files.set(attachmentPath(a.evidenceId, a.fileName), new Uint8Array(Buffer.from(a.contentBase64, 'base64')));
  await reseal(files, parsed.caseDoc.id);
  return files;
}

/** Recomputes every file hash and the manifest hash, as a forger covering their tracks would. */
async function reseal(files: Map<string, Uint8Array>, caseId = fixture.caseDoc.id): Promise<void> {
  const list: ManifestFile[] = [];
  for (const [path, bytes] of files) {
    if (path === MANIFEST_PATH) continue;
    const attachment = path.startsWith('attachments/');
    const kind = path === REPORT_PATH ? 'report' : attachment ? 'attachment' : (JSON.parse(dec.decode(bytes)) as RecordFile).kind;
    list.push({ path, sha256: await sha256HexBytes(bytes), bytes: bytes.length, kind, description: path, ...(attachment ? { evidenceId: path.split('/')[1] } : {}) });
  }
  const manifest = await sealManifest({ caseId, templateId: 'dismissal-absenteeism', exportedAt: 1, exportedBy: 'hr-wang', files: list });
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
    const path = 'attachments/e5/file.txt';
    expect([...files.keys()]).toContain(path);
    files.set(path, enc.encode('工会意见：反对解除。'));
    await reseal(files);
    expect(failed(await verifyBundle(files))).toEqual([{ id: `attachment:${path}`, details: expect.stringContaining('evidence e5 recorded SHA-256') }]);
  });

  it('refuses to bundle an attachment of an evidence item the case does not have', () => {
    const r = EvidenceBundleInput.safeParse({ ...fixture.input, attachments: [{ evidenceId: 'nope', fileName: 'a.txt', contentBase64: '' }] });
    expect(r.error?.issues.map((i) => i.message)).toEqual(['no evidence item nope on the case']);
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
  it.each<[string, string, string]>([
    ['e5', '工会回函.txt', 'attachments/e5/file.txt'],
    ['EV-1', 'Chat Screenshot (1).PNG', 'attachments/ev-1/chat_screenshot_1.png'],
    ['ev:2', '../../etc/passwd', 'attachments/ev_2/passwd'],
    ['ev3', 'C:\\scans\\letter.pdf', 'attachments/ev3/letter.pdf'],
    ['x', '.hidden', 'attachments/x/hidden'],
  ])('%s + %s -> %s', (id, name, path) => {
    expect(attachmentPath(id, name)).toBe(path);
    expect(path).toMatch(/^[a-z0-9][a-z0-9/._-]*$/);
  });
});
