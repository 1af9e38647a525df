import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
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
import { buildFixture, UNION_REPLY, type BundleFixture } from '../../shared/evidence/bundle-fixture';

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
  bundle = await writeEvidenceBundle(fixture.input);
  zipPath = join(dir, bundle.fileName);
  await writeFile(zipPath, bundle.bytes);
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeEvidenceBundle', () => {
  it('writes one zip with the report, the record files and the manifest, all verifying', async () => {
    expect(bundle.fileName).toBe('evidence-dis-li-2026-03-08.zip');
    const files = readBundleZip(bundle.bytes);
    expect([...files.keys()].sort()).toEqual([
      'attachments/e5/file.txt', 'manifest.json', 'records/audit-events.json', 'records/case.json', 'records/deliveries.json', 'records/evidence.json',
      'records/punches.json', 'records/signatures.json', 'records/template.json', 'report.pdf',
    ]);
    expect(new TextDecoder().decode(files.get('report.pdf')!.slice(0, 5))).toBe('%PDF-');
    expect(files.get('attachments/e5/file.txt')).toEqual(UNION_REPLY);
    const v = await verifyBundle(files);
    expect(v.checks.filter((c) => !c.ok)).toEqual([]);
    expect(v.manifest?.manifestHash).toBe(bundle.manifest.manifestHash);
  });

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

  it('holds the Chinese text (embedded, with a Unicode map) and every section', async () => {
    const pdfPath = join(dir, 'report.pdf');
    const { stdout: fonts } = await run('pdffonts', [pdfPath], { timeout: 30_000 });
    expect(fonts).toMatch(/NotoSansSC-Regular\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes/);
    const { stdout: text } = await run('pdftotext', ['-layout', pdfPath, '-'], { timeout: 30_000 });
    for (const s of ['证据包报告：旷工解除', '李小明', '一、案件概要', '二、案件模板与引用法条', '劳动合同法 第三十九条', '三、时间线', '四、步骤及决定', '强制通过记录', '旷工天数计算表为纸质原件', '五、证据清单', '六、通知与送达', '七、电子签名', '验证通过', '八、审计事件', '九、原始打卡记录', '十、原始记录文件']) {
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

  it('a file that is not a zip: exit 2 with a clear message', async () => {
    const path = join(dir, 'not-a-zip.zip');
    await writeFile(path, 'hello');
    const r = await verifyCli(path);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/cannot read .*not a readable zip/);
  }, 60_000);
});
