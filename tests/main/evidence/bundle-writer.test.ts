import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRecordFiles, EvidenceBundleInput } from '#shared/evidence/bundle-contents';
import { buildReportContent } from '#shared/evidence/report-content';
import { verifyBundle } from '#shared/evidence/verify-bundle';
import { readBundleZip, writeEvidenceBundle, type WrittenBundle } from '../../../src-main/evidence/bundle-writer.ts';
import { REPORT_FONT_PATH } from '../../../src-main/evidence/report-pdf.ts';
import { buildFixture, signaturePng, UNION_REPLY, type BundleFixture } from '../../shared/evidence/bundle-fixture';

/**
 * The real bundle: zip + PDF written by src-main, read back, rendered with poppler (pdftoppm / pdftotext,
 * installed by scripts/install-system-deps.sh), and checked by the command-line verifier in a child process.
 */
const run = promisify(execFile);
const root = join(import.meta.dirname, '../../..');
let dir: string;
let fixture: BundleFixture;
let bundle: WrittenBundle;
let zipPath: string;

async function verifyCli(path: string): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/verify-bundle.ts', path], { cwd: root, timeout: 60_000 });
    return { code: 0, out: stdout };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

function rezip(files: Map<string, Uint8Array>): Uint8Array {
  return zipSync(Object.fromEntries(files));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'renshi-evidence-'));
  fixture = await buildFixture();
  bundle = await writeEvidenceBundle(fixture.input, fixture.loadFile);
  zipPath = join(dir, bundle.fileName);
  await writeFile(zipPath, bundle.bytes);
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeEvidenceBundle', () => {
  it('writes one zip with the report, the record files, the attached file, the signature image and the manifest, all verifying', async () => {
    expect(bundle.fileName).toBe('evidence-dis-li-2026-03-08.zip');
    const files = readBundleZip(bundle.bytes);
    const union = `attachments/${[...fixture.files.keys()][0]}-file.txt`;
    expect([...files.keys()].sort()).toEqual([
      union, 'manifest.json', 'records/audit-events.json', 'records/case.json', 'records/deliveries.json', 'records/escalations.json', 'records/evidence.json',
      'records/punches.json', 'records/signatures.json', 'records/template.json', 'report.pdf', 'signatures/sig-li-handbook.png',
    ]);
    expect(new TextDecoder().decode(files.get('report.pdf')!.slice(0, 5))).toBe('%PDF-');
    expect(files.get(union)).toEqual(UNION_REPLY);
    expect(files.get('signatures/sig-li-handbook.png')).toEqual(signaturePng());
    expect(bundle.manifest.files.find((f) => f.path === union)).toMatchObject({ kind: 'attachment', evidenceId: 'e5', description: '证据 e5 的附件：工会回函.txt' });
    expect(bundle.manifest.missingAttachments).toEqual([]);
    // The signature record as the server stored it: signer, time, IP, device, hashes, and the signed document.
    const sigs = JSON.parse(new TextDecoder().decode(files.get('records/signatures.json')!)) as { records: { record: { noticeId: string; document: object; record: { ip: string; documentHash: string } } }[] };
    expect(sigs.records[0]!.record).toMatchObject({ noticeId: 'n-handbook-li', record: { ip: '10.0.0.23' } });
    const v = await verifyBundle(files);
    expect(v.checks.filter((c) => !c.ok || c.warning)).toEqual([]);
    expect(v.manifest?.manifestHash).toBe(bundle.manifest.manifestHash);
  });

  it('a file on neither this terminal nor the server is listed as missing, in the manifest and the report', async () => {
    const b = await writeEvidenceBundle(fixture.input, async () => null);
    const files = readBundleZip(b.bytes);
    expect([...files.keys()].filter((p) => p.startsWith('attachments/'))).toEqual([]);
    expect(b.manifest.missingAttachments).toEqual([{ evidenceId: 'e5', sha256: [...fixture.files.keys()][0], fileName: '工会回函.txt', reason: '本终端与同步服务器均无此文件 / on neither this terminal nor the sync server' }]);
    const v = await verifyBundle(files);
    expect(v.ok).toBe(true);
    expect(v.checks.find((c) => c.id === 'attachments-complete')).toMatchObject({ ok: true, warning: true });
  }, 60_000);

  it('a stored file that no longer matches its SHA-256 is not bundled as if it were the evidence', async () => {
    const b = await writeEvidenceBundle(fixture.input, async () => new TextEncoder().encode('something else'));
    expect(b.manifest.missingAttachments?.map((m) => m.reason)).toEqual(['存储的文件与其SHA-256不符 / the stored file does not match its SHA-256']);
  }, 60_000);

  it('refuses to unpack more than the size limit', () => {
    expect(() => readBundleZip(bundle.bytes, 1000)).toThrow(/not a readable zip file: unpacks to more than 1000 bytes/);
  });

  it('rejects input that is not a case', async () => {
    await expect(writeEvidenceBundle({ ...fixture.input, caseDoc: { id: 'x' } as never })).rejects.toThrow();
  });
});

describe('the PDF report', () => {
  it('first page renders to a non-trivial PNG (pdftoppm)', async () => {
    const pdfPath = join(dir, 'report.pdf');
    await writeFile(pdfPath, readBundleZip(bundle.bytes).get('report.pdf')!);
    await run('pdftoppm', ['-f', '1', '-l', '1', '-r', '80', '-png', pdfPath, join(dir, 'page')], { timeout: 30_000 });
    const png = join(dir, 'page-1.png');
    const bytes = await readFile(png);
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    // A blank A4 page at 80 dpi compresses to a few KB; a page full of text is far larger.
    expect((await stat(png)).size).toBeGreaterThan(40_000);
  }, 60_000);

  it('the signature section shows signer, time, IP, hashes, verdict and the handwritten image (rendered with pdftoppm)', async () => {
    const pdfPath = join(dir, 'report.pdf');
    await writeFile(pdfPath, readBundleZip(bundle.bytes).get('report.pdf')!);
    const { stdout: text } = await run('pdftotext', ['-layout', pdfPath, '-'], { timeout: 30_000 });
    const pages = text.split('\f');
    const page = pages.findIndex((p) => p.includes('七、签名记录 / Signatures')) + 1;
    expect(page).toBeGreaterThan(0);
    const sig = pages[page - 1]!;
    const record = (fixture.input.signatures as { record: { documentHash: string } }[])[0]!.record;
    for (const s of ['李小明（emp-li），输入姓名：李小明', '2025-01-10 14:20:00', '10.0.0.23', '验证通过（记录完整，签署后文档未被修改）', '手写签名', record.documentHash]) expect(sig, s).toContain(s);
    // The image is embedded on that page (pdfimages lists it with its size).
    const { stdout: images } = await run('pdfimages', ['-f', String(page), '-l', String(page), '-list', pdfPath], { timeout: 30_000 });
    expect(images).toMatch(/\b160\s+48\s+gray/);
    await run('pdftoppm', ['-f', String(page), '-l', String(page), '-r', '100', '-png', '-singlefile', pdfPath, join(dir, 'signatures-page')], { timeout: 30_000 });
    const png = await readFile(join(dir, 'signatures-page.png'));
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    // Kept for a person to look at (test-results/ is where the e2e screenshots go too).
    await mkdir(join(root, 'test-results', 'screenshots'), { recursive: true });
    await writeFile(join(root, 'test-results', 'screenshots', 'evidence-report-signatures.png'), png);
  }, 60_000);

  it('holds the Chinese text (embedded, with a Unicode map) and every section', async () => {
    const pdfPath = join(dir, 'report.pdf');
    const { stdout: fonts } = await run('pdffonts', [pdfPath], { timeout: 30_000 });
    expect(fonts).toMatch(/NotoSansSC-Regular\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes/);
    const { stdout: text } = await run('pdftotext', ['-layout', pdfPath, '-'], { timeout: 30_000 });
    for (const s of ['证据包报告：旷工解除', '李小明', '一、案件概要', '二、案件模板与引用法条', '劳动合同法 第三十九条', '三、时间线', '四、步骤及决定', '强制通过记录', '旷工天数计算表为纸质原件', '五、证据清单', '六、通知与送达', '七、签名记录 / Signatures', '10.0.0.23', '短信验证码', '验证通过', '八、审计事件', '九、原始打卡记录', '十、原始记录文件']) {
      expect(text, s).toContain(s);
    }
  }, 60_000);

  it('the shipped font has a glyph for every character the report uses (no tofu boxes)', async () => {
    const require = createRequire(import.meta.url);
    const fontkit = require('fontkit') as { openSync(path: string): { hasGlyphForCodePoint(cp: number): boolean } };
    const font = fontkit.openSync(REPORT_FONT_PATH);
    const input = EvidenceBundleInput.parse(fixture.input);
    const content = await buildReportContent(input, await buildRecordFiles(input));
    const all = [content.title, content.subtitle, content.footer, ...content.sections.flatMap((s) => [s.title, ...s.paragraphs, ...(s.table ? [...s.table.columns.map((c) => c.header), ...s.table.rows.flat()] : [])])].join('');
    const missing = [...new Set(all)].filter((ch) => !/\s/.test(ch) && !font.hasGlyphForCodePoint(ch.codePointAt(0)!));
    expect(missing).toEqual([]);
  });
});

describe('npm run verify-bundle', () => {
  it('an intact bundle: every check PASS, exit 0', async () => {
    const r = await verifyCli(zipPath);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/VERDICT: INTACT/);
    expect(r.out).toMatch(/PASS {2}signature sig-li-handbook/);
    expect(r.out).toMatch(/PASS {2}signature image signatures\/sig-li-handbook\.png is the one signed/);
    expect(r.out).toMatch(/PASS {2}attachment attachments\/[0-9a-f]{64}-file\.txt matches its evidence item/);
    expect(r.out).toMatch(/PASS {2}every attached evidence file is in the bundle/);
    expect(r.out).toMatch(/PASS {2}audit chain of replica term-a/);
    expect(r.out).not.toMatch(/FAIL/);
  }, 60_000);

  it('a changed byte in the PDF: exit 1, names report.pdf', async () => {
    const files = readBundleZip(bundle.bytes);
    const pdf = Uint8Array.from(files.get('report.pdf')!);
    pdf[pdf.length - 20] = pdf[pdf.length - 20]! ^ 0x20;
    files.set('report.pdf', pdf);
    const path = join(dir, 'tampered-pdf.zip');
    await writeFile(path, rezip(files));
    const r = await verifyCli(path);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/FAIL {2}file report\.pdf/);
    expect(r.out).toMatch(/VERDICT: NOT INTACT \(1 of/);
  }, 60_000);

  it('a changed evidence record: exit 1, names the file and the record', async () => {
    const files = readBundleZip(bundle.bytes);
    const text = new TextDecoder().decode(files.get('records/evidence.json')!);
    files.set('records/evidence.json', strToU8(text.replace('工会无异议', '工会有异议')));
    const path = join(dir, 'tampered-record.zip');
    await writeFile(path, rezip(files));
    const r = await verifyCli(path);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/FAIL {2}file records\/evidence\.json/);
    expect(r.out).toMatch(/record e5 changed/);
  }, 60_000);

  it('one changed byte of the attached file: exit 1, names the attachment', async () => {
    const files = readBundleZip(bundle.bytes);
    const path = [...files.keys()].find((p) => p.startsWith('attachments/'))!;
    const bytes = Uint8Array.from(files.get(path)!);
    bytes[bytes.length - 2] = bytes[bytes.length - 2]! ^ 0x01;
    files.set(path, bytes);
    const tampered = join(dir, 'tampered-attachment.zip');
    await writeFile(tampered, rezip(files));
    const r = await verifyCli(tampered);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`FAIL  file ${path}`);
    expect(r.out).toContain(`FAIL  attachment ${path} matches its evidence item`);
  }, 60_000);

  it('one changed byte of the signed document in the signature record: exit 1, the signature is altered', async () => {
    const files = readBundleZip(bundle.bytes);
    const text = new TextDecoder().decode(files.get('records/signatures.json')!);
    expect(text).toContain('"version": "2025-01"');
    files.set('records/signatures.json', strToU8(text.replace('"version": "2025-01"', '"version": "2025-02"')));
    const tampered = join(dir, 'tampered-signature.zip');
    await writeFile(tampered, rezip(files));
    const r = await verifyCli(tampered);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/FAIL {2}file records\/signatures\.json/);
    expect(r.out).toMatch(/FAIL {2}signature sig-li-handbook[^\n]*\n\s+signed document altered \(changed fields: version\)/);
  }, 60_000);

  it('a file that is not a zip: exit 2 with a clear message', async () => {
    const path = join(dir, 'not-a-zip.zip');
    await writeFile(path, 'hello');
    const r = await verifyCli(path);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/cannot read .*not a readable zip/);
  }, 60_000);
});
