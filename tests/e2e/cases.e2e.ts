import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readBundleZip } from '../../src-main/evidence/bundle-writer.ts';
import { startWebApp } from '../../src-main/host/web-app.ts';
import { SMS_AUTH, startHttpPeers, type HttpPeers } from '../server/notifications/peers.ts';
import { launchChromium, newAppPage } from './browser.ts';

// Story 2 in real Chromium against the web host (embedded sync server, demo company): HR opens an
// offboarding case, sees the handover steps blocked by the open checklist, completes the checklist (a
// customer needs a successor, work accounts are revoked with who/when), is warned when trying to hold final
// wages, records an EMS delivery, sends a notice electronically (in-app, SMS, email, WeCom at once; SMS goes
// to a local gateway stand-in), the employee opens the link from the SMS on a second page, reads, draws a
// signature and signs, and HR sees the delivery times and the signature "verified"; the law is cited and
// searchable.

const SHOTS = join('test-results', 'screenshots');
const tmp = mkdtempSync(join(tmpdir(), 'renshi-e2e-cases-'));
let host: { url: string; close: () => Promise<void> };
let browser: Browser;
let page: Page;
let peers: HttpPeers;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  peers = await startHttpPeers();
  process.env.RENSHI_SMS_URL = `${peers.url}/sms/send`;
  process.env.RENSHI_SMS_AUTH_HEADER = `${SMS_AUTH.name}: ${SMS_AUTH.value}`;
  process.env.RENSHI_ESCALATION_INTERVAL_MS = '0';
  host = await startWebApp({ port: 0, dataDir: join(tmp, 'data'), demoData: true });
  browser = await launchChromium();
  page = await newAppPage(browser, { height: 1000 });
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
  await peers?.close();
  for (const name of ['RENSHI_ESCALATION_INTERVAL_MS', 'RENSHI_SMS_URL', 'RENSHI_SMS_AUTH_HEADER']) delete process.env[name];
  rmSync(tmp, { recursive: true, force: true });
});

const poll = <T,>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 20_000, interval: 100 });
const shot = (name: string) => page.screenshot({ path: join(SHOTS, `cases-${name}.png`), fullPage: true });
const byTest = (id: string) => page.getByTestId(id);
async function bridge<T>(name: string, input: object = {}): Promise<T> {
  const res = await fetch(`${host.url}/bridge/${name}`, { method: 'POST', body: JSON.stringify(input), headers: { 'content-type': 'application/json' } });
  const body = (await res.json()) as { ok: boolean; data: T };
  expect(body.ok).toBe(true);
  return body.data;
}
const run = (cmd: string, args: string[]) =>
  new Promise<string>((resolve, reject) => execFile(cmd, args, { timeout: 30_000 }, (err, stdout) => (err ? reject(err) : resolve(stdout))));
const stepState = (id: string) => byTest(`step-${id}`).getAttribute('data-state');

it('offboarding: blocked by the open checklist until the handover is done; wages never held', async () => {
  await page.goto(`${host.url}/#/cases`);
  await poll(() => page.getByText('还没有案件').isVisible()).toBe(true);

  await byTest('cases-new').click();
  await byTest('new-case-employee').click();
  await page.getByRole('option').first().click();
  await byTest('new-case-open').click();
  await poll(() => byTest('case-detail').isVisible()).toBe(true);
  await poll(() => stepState('termination-date')).toBe('blocked');

  // Termination date first; then the handover steps become blocked by their open checklists.
  await byTest('termination-date').fill('2026-03-02');
  await byTest('termination-date-save').click();
  await poll(() => stepState('termination-date')).toBe('ready');
  await byTest('step-termination-date').getByTestId('step-complete').click();
  await poll(() => stepState('termination-date')).toBe('done');
  await poll(() => stepState('handover-documents')).toBe('blocked');
  await poll(() => byTest('step-handover-documents').getByTestId('step-blockers').textContent()).toContain('交接项未完成');
  await poll(() => byTest('money-compensation').textContent()).toContain('等待');
  await shot('01-blocked');

  // Holding final wages is refused with the warning.
  await byTest('hold-wages').click();
  await poll(() => byTest('wage-hold-warning').textContent()).toContain('不得因交接未完成');
  await shot('02-wage-hold-warning');
  await page.keyboard.press('Escape');

  // The handover checklist; HR adds an item of its own (any step that takes items offers the input).
  await byTest('add-item-handover-documents').fill('项目交接文档');
  await byTest('add-item-save-handover-documents').click();
  await poll(() => byTest('step-handover-documents').getByTestId('step-checklist').textContent()).toContain('项目交接文档');
  await byTest('step-handover-documents').locator('[data-testid^="check-x-"]').click();
  await byTest('step-handover-documents').getByTestId('check-work-files').click();
  await byTest('step-handover-documents').getByTestId('check-contracts-originals').click();
  await poll(() => stepState('handover-documents')).toBe('ready');
  await byTest('step-handover-documents').getByTestId('step-complete').click();
  await poll(() => stepState('handover-documents')).toBe('done');

  // A customer needs a successor before it can be checked.
  await poll(() => byTest('step-handover-customers').getByTestId('check-customer-list').isDisabled()).toBe(true);
  await byTest('step-handover-customers').getByTestId('successor-customer-list').fill('王芳');
  await byTest('step-handover-customers').getByTestId('check-customer-list').click();
  await poll(() => stepState('handover-customers')).toBe('ready');
  await byTest('step-handover-customers').getByTestId('step-complete').click();

  for (const item of ['laptop', 'badge']) await byTest('step-return-equipment').getByTestId(`check-${item}`).click();
  await poll(() => stepState('return-equipment')).toBe('ready');
  await byTest('step-return-equipment').getByTestId('step-complete').click();

  for (const acc of ['wecom', 'wechat', 'email', 'oa', 'crm']) {
    await byTest('step-revoke-accounts').getByTestId(`revoke-${acc}`).click();
    await poll(() => byTest('step-revoke-accounts').getByTestId(`revoke-${acc}`).count()).toBe(0);
  }
  await poll(() => stepState('revoke-accounts')).toBe('ready');
  await byTest('step-revoke-accounts').getByTestId('step-complete').click();

  // Not a teacher (a sales manager, no teacher's certificate): the class step says it does not apply, offers
  // no skip, and HR confirms it as not applicable.
  await poll(() => byTest('step-reassign-classes').getByTestId('class-not-applicable').textContent()).toContain('不适用');
  await poll(() => stepState('reassign-classes')).toBe('ready');
  expect(await byTest('step-reassign-classes').getByTestId('step-skip').count()).toBe(0);
  await byTest('step-reassign-classes').getByTestId('step-complete').click();
  await poll(() => stepState('reassign-classes')).toBe('done');
  await poll(() => byTest('money-compensation').textContent()).toContain('交接已完成');

  // The final wage from what is on file: the salary in the employee's record, the paid days of the final month
  // by the calendar, the formula in view. Using another figure needs a reason, and is flagged in the timeline.
  await poll(() => byTest('fw-formula').textContent()).toMatch(/7,400\.00 元 ÷ 21\.75 × 1 天 = 340\.23 元/);
  await byTest('fw-days').fill('0.5');
  await poll(() => byTest('fw-save').isDisabled()).toBe(true);
  await byTest('fw-reason-paid-days').fill('3月2日下午事假（无薪）');
  await byTest('fw-save').click();
  await poll(() => byTest('fw-recorded').textContent()).toContain('170.11');
  await poll(() => byTest('fw-recorded').textContent()).toContain('3月2日下午事假');
  await poll(() => byTest('case-timeline').textContent()).toContain('HR调整');
  await byTest('evidence-add-final-wage-payment').click();
  await byTest('dialog-text').fill('离职工资 170.11 元已于3月2日转账');
  await byTest('dialog-submit').click();
  await poll(() => stepState('final-wages')).toBe('ready');
  await byTest('step-final-wages').getByTestId('step-complete').click();
  await poll(() => byTest('money-final-wages').textContent()).toContain('已支付');

  // Economic compensation: hired 2018-03-15, leaving 2026-03-02 (7 years 11 months: 8 months' wage); the local
  // average wage is HR's input. Released once the handover is done, which it now is.
  await byTest('comp-local-average').fill('10000');
  await poll(() => byTest('comp-preview').textContent()).toContain('8 个月 × 7,400.00 元 = 59,200.00 元');
  await byTest('comp-save').click();
  await poll(() => byTest('comp-recorded').textContent()).toContain('59,200.00');
  await byTest('evidence-add-compensation-payment').click();
  await byTest('dialog-text').fill('经济补偿 59,200.00 元已转账');
  await byTest('dialog-submit').click();
  await byTest('step-release-compensation').getByTestId('approve-hr-manager').click();
  await poll(() => stepState('release-compensation')).toBe('ready');
  await byTest('step-release-compensation').getByTestId('step-complete').click();
  await poll(() => byTest('money-compensation').textContent()).toContain('已发放');
  await byTest('money-panel').scrollIntoViewIfNeeded();
  await shot('09-money');

  // Paper / EMS delivery of a notice.
  await byTest('notice-record').click();
  await byTest('notice-kind').click();
  await page.getByRole('option').first().click().catch(() => undefined);
  await byTest('notice-tracking').fill('EA123456789CN');
  await byTest('notice-signer').fill('李伟');
  await byTest('dialog-submit').click();
  await poll(() => byTest('notice-row').count()).toBe(1);
  await poll(() => byTest('case-evidence').textContent()).toContain('EA123456789CN');
  await shot('03-handover-done');

  // Electronic delivery on every channel at once; the employee signs from the SMS link on a phone-sized page.
  await poll(() => byTest('notice-send-open').isVisible()).toBe(true);
  await byTest('notice-send-open').click();
  await byTest('notice-title').fill('离职交接确认通知');
  await byTest('notice-body').fill('您的劳动合同于2026年3月2日解除。离职工资已于当日一次付清，交接事项已完成。请阅读并签收。');
  await byTest('notice-send').click();
  await poll(() => byTest('e-notice').count()).toBe(1);
  await poll(() => peers.state.sms.length).toBe(1);
  const session = await bridge<{ serverUrl: string }>('syncSession');
  const m = /https?:\/\/[^/\s]+(\/delivery\/sign\/[A-Za-z0-9_.-]+)/.exec(peers.state.sms[0]!.text);
  expect(m).not.toBeNull();
  const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
  await phone.goto(session.serverUrl + m![1]!);
  await phone.getByText('离职交接确认通知').first().waitFor();
  await phone.locator('#ack').check();
  const box = (await phone.locator('#pad').boundingBox())!;
  await phone.mouse.move(box.x + 30, box.y + 60);
  await phone.mouse.down();
  for (let i = 1; i <= 12; i++) await phone.mouse.move(box.x + 30 + i * 20, box.y + 60 + (i % 2 ? 40 : -10));
  await phone.mouse.up();
  const name = (await phone.locator('.muted').first().textContent())!.split(' · ')[0]!.trim();
  await phone.locator('#name').fill(name);
  await phone.screenshot({ path: join(SHOTS, 'cases-05-signing-page.png'), fullPage: true });
  await phone.locator('#sign').click();
  await phone.locator('#done').waitFor();
  await phone.close();

  await poll(() => byTest('signature-status').textContent()).toContain('verified');
  await poll(() => byTest('e-delivery-sms').getByTestId('ack-at').textContent()).not.toBe('—');
  await poll(() => byTest('notice-row').count()).toBe(2); // the EMS notice and the electronic one, both on the case
  // The same notice also went by EMS: recorded on the delivery record with its tracking number.
  await byTest('paper-tracking').fill('EB987654321CN');
  await byTest('paper-signer').fill('本人');
  await byTest('paper-save').click();
  await poll(() => byTest('e-delivery-ems').textContent()).toContain('EB987654321CN');
  await byTest('e-delivery').scrollIntoViewIfNeeded();
  await shot('06-signed-verified');

  // An evidence file attached in the case UI: kept by main (content-addressed) and uploaded to the server;
  // it can be downloaded again from the evidence list.
  const scan = Buffer.from('%PDF-1.4\n离职证明（扫描件）：兹证明李伟于2026年3月2日解除劳动合同。\n%%EOF\n');
  const scanSha = createHash('sha256').update(scan).digest('hex');
  await byTest('evidence-add-termination-certificate').click();
  await byTest('dialog-text').fill('离职证明扫描件');
  await page.locator('[data-testid="case-dialog"] input[type=file]').setInputFiles({ name: 'termination-certificate-scan.pdf', mimeType: 'application/pdf', buffer: scan });
  await byTest('dialog-submit').click();
  await poll(() => byTest('case-evidence').textContent()).toContain(scanSha);
  const stored = await fetch(`${session.serverUrl}/files/${scanSha}`, { headers: { authorization: `Bearer ${(await bridge<{ token: string }>('syncSession')).token}` } });
  expect(stored.status).toBe(200);
  expect(Buffer.from(await stored.arrayBuffer())).toEqual(scan);
  const row = byTest('evidence-row').filter({ hasText: 'termination-certificate-scan.pdf' });
  await row.scrollIntoViewIfNeeded();
  await shot('07-evidence-file');
  const [fileDownload] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), row.getByTestId('evidence-file-download').click()]);
  expect(fileDownload.suggestedFilename()).toBe('termination-certificate-scan.pdf');

  // The evidence bundle: downloaded as a zip, its manifest hash recorded in the audit trail, and the
  // standalone verifier (a separate process, as a court's expert would run it) finds it intact.
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), byTest('evidence-export').click()]);
  expect(download.suggestedFilename()).toMatch(/^证据包-.+-.+\.zip$/);
  const zipPath = join(tmp, 'bundle.zip');
  await download.saveAs(zipPath);
  await poll(() => byTest('evidence-export-hash').textContent()).toMatch(/[0-9a-f]{64}/);
  const manifestHash = /[0-9a-f]{64}/.exec((await byTest('evidence-export-hash').textContent())!)![0];
  const verdict = await new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = execFile(process.execPath, ['--import', 'tsx', 'scripts/verify-bundle.ts', zipPath], { timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, out: stdout + stderr }),
    );
    child.stdin?.end();
  });
  expect(verdict.code, verdict.out).toBe(0);
  expect(verdict.out).toContain('VERDICT: INTACT');
  const files = readBundleZip(new Uint8Array(readFileSync(zipPath)));
  const manifest = JSON.parse(new TextDecoder().decode(files.get('manifest.json'))) as { caseId: string; manifestHash: string; missingAttachments: unknown[] };
  expect(manifest.manifestHash).toBe(manifestHash);
  expect(download.suggestedFilename()).toContain(manifest.caseId);
  // The case's own audit events are in the bundle (the run that holds them verified above).
  const runs = JSON.parse(new TextDecoder().decode(files.get('records/audit-events.json'))) as { records: { record: { caseEventIds: string[] } }[] };
  expect(runs.records.flatMap((r) => r.record.caseEventIds).length).toBeGreaterThan(5);
  // The electronic notice's delivery record came from the sync server.
  const deliveries = JSON.parse(new TextDecoder().decode(files.get('records/deliveries.json'))) as { records: { record: { title: string } }[] };
  expect(deliveries.records.map((r) => r.record.title)).toContain('离职交接确认通知');
  // The employee's signature: the signed document, the record (signer, time, IP, user agent) and the drawn
  // image, also as a PNG file; the attached file itself under its SHA-256.
  const sigs = JSON.parse(new TextDecoder().decode(files.get('records/signatures.json'))) as { records: { record: { title: string; noticeId: string; document: { body: string }; record: { id: string; signer: { name: string; typedName: string }; ip: string; device: string }; signatureImage: string } }[] };
  expect(sigs.records).toHaveLength(1);
  const sig = sigs.records[0]!.record;
  expect(sig).toMatchObject({ title: '离职交接确认通知', signatureImage: expect.stringMatching(/^data:image\/png;base64,/) });
  expect(sig.record.signer.typedName).toBe(name);
  expect(sig.record.ip).not.toBe('');
  expect(sig.document.body).toContain('离职工资已于当日一次付清');
  expect(verdict.out).toMatch(new RegExp(`PASS  signature ${sig.record.id.replace(/[|]/g, '\\|')}`));
  const png = [...files.keys()].find((p) => p.startsWith('signatures/'))!;
  expect(new TextDecoder().decode(files.get(png)!.subarray(1, 4))).toBe('PNG');
  expect(Buffer.from(files.get(`attachments/${scanSha}-termination-certificate-scan.pdf`)!)).toEqual(scan);
  expect(manifest).toMatchObject({ missingAttachments: [] });
  expect(verdict.out).toContain('PASS  every attached evidence file is in the bundle');
  // The report's signature section, with the signature drawn on the phone, rendered for a person to look at.
  const pdfPath = join(tmp, 'report.pdf');
  writeFileSync(pdfPath, files.get('report.pdf')!);
  const pages = (await run('pdftotext', ['-layout', pdfPath, '-'])).split('\f');
  const sigPage = pages.findIndex((p) => p.includes('七、签名记录 / Signatures')) + 1;
  expect(pages[sigPage - 1]).toContain(`输入姓名：${name}`);
  expect(pages[sigPage - 1]).toContain('验证通过');
  await run('pdftoppm', ['-f', String(sigPage), '-l', String(sigPage), '-r', '90', '-png', '-singlefile', pdfPath, join(SHOTS, 'cases-08-bundle-signature-page')]);

  // The certificate and the transfer are on file: every step is decided, and the case is closed.
  await byTest('step-termination-certificate').getByTestId('step-complete').click();
  await byTest('evidence-add-social-insurance-transfer').click();
  await byTest('dialog-text').fill('档案及社保转移已办理');
  await byTest('dialog-submit').click();
  await poll(() => stepState('transfer-file-insurance')).toBe('ready');
  await byTest('step-transfer-file-insurance').getByTestId('step-complete').click();
  await poll(() => stepState('transfer-file-insurance')).toBe('done');
  await byTest('case-close').click();
  await byTest('dialog-text').fill('交接完成，离职工资与经济补偿已付清');
  await byTest('dialog-submit').click();
  await poll(() => byTest('case-detail').textContent()).toContain('已办结');
  expect(await byTest('case-close').count()).toBe(0);
  await shot('10-closed');

  // The law cited, and the searchable library.
  await poll(() => byTest('case-law').textContent()).toContain('劳动合同法');
  await page.goto(`${host.url}/#/cases/law`);
  await byTest('law-search').fill('扣工资');
  await poll(() => byTest('law-article').count()).toBeGreaterThan(0);
  await poll(() => byTest('law-results').textContent()).toContain('工资支付暂行规定');
  await shot('04-law-library');

  await page.goto(`${host.url}/#/cases`);
  await poll(() => byTest('case-row').count()).toBe(1);
});

it('sensitive event: category, people with roles, an interview, access granted; restricted badge in the list', async () => {
  await page.goto(`${host.url}/#/cases/new`);
  await byTest('new-case-template').click();
  await page.getByRole('option', { name: '敏感事件' }).click();
  await byTest('new-case-employee').click();
  await page.getByRole('option').nth(1).click();
  await byTest('new-case-category').click();
  await page.getByRole('option').first().click();
  await byTest('new-case-open').click();
  await poll(() => byTest('case-people').isVisible()).toBe(true);

  await byTest('participant-person').click();
  await page.getByRole('option').nth(2).click();
  await byTest('participant-role').click();
  await page.getByRole('option', { name: '证人' }).click();
  await byTest('participant-add').click();
  await poll(() => byTest('participant-row').count()).toBe(2);

  await byTest('interview-add').nth(1).click();
  await byTest('dialog-text').fill('证人称B多次在群内鼓动A索要更高补偿');
  await byTest('dialog-submit').click();
  await poll(() => byTest('participant-row').nth(1).textContent()).toContain('已谈话');

  await byTest('access-user').fill('hr-manager-zhao');
  await byTest('access-grant').click();
  await poll(() => byTest('access-row').count()).toBe(2);
  await shot('07-sensitive-event');

  await page.goto(`${host.url}/#/cases`);
  await poll(() => byTest('case-row').count()).toBe(2);
  await poll(() => byTest('cases-table').textContent()).toContain('受限');
});

it('deduction for losses: the legal cap is shown and enforced; an override needs a reason', async () => {
  await page.goto(`${host.url}/#/cases/new`);
  await byTest('new-case-template').click();
  await page.getByRole('option', { name: '损失赔偿扣款' }).click();
  await byTest('new-case-employee').click();
  await page.getByRole('option').nth(3).click();
  await byTest('new-case-open').click();
  await poll(() => byTest('deduction-panel').isVisible()).toBe(true);

  // 20% of 5000 is 1000; 5000 - 2300 leaves 2700 above the minimum: the cap is 1000.
  await byTest('deduction-wage').fill('5000');
  await byTest('deduction-minimum').fill('2300');
  await byTest('deduction-amount').fill('1200');
  await poll(() => byTest('deduction-cap').textContent()).toContain('1,000.00');
  await byTest('deduction-save').click();

  // The evidence step is overridden by HR: refused without a reason, then recorded and flagged.
  await byTest('step-loss-evidence').getByTestId('step-override').click();
  await poll(() => byTest('dialog-submit').isDisabled()).toBe(true);
  await byTest('dialog-text').fill('损失已由员工书面确认，原始单据另行归档');
  await byTest('dialog-submit').click();
  await poll(() => stepState('loss-evidence')).toBe('overridden');
  await poll(() => stepState('compute-deduction')).toBe('blocked');
  await poll(() => byTest('step-compute-deduction').getByTestId('step-blockers').textContent()).toContain('前提条件未满足');

  await byTest('deduction-amount').fill('800');
  await byTest('deduction-save').click();
  await poll(() => stepState('compute-deduction')).toBe('ready');
  await poll(() => byTest('case-timeline').textContent()).toContain('HR放行');
  await shot('08-deduction-cap');
});

it("a teacher's offboarding: each class is given a successor teacher before the case can close; it survives a reload", async () => {
  // HR records the 教师资格证 on the employee record: that makes the leaver a teacher (teacher-status.ts).
  await page.goto(`${host.url}/#/employees/emp-E0010/edit`);
  await byTest('add-certificates').click();
  const kinds = page.locator('[data-testid^="f-cert-"][data-testid$="-kind"]');
  await kinds.last().fill('高级中学教师资格证');
  await byTest('employee-save').click();
  await poll(() => byTest('detail-name').isVisible()).toBe(true);

  await page.goto(`${host.url}/#/cases/new`);
  await byTest('new-case-employee').fill('E0010');
  await page.getByRole('option').first().click();
  await byTest('new-case-open').click();
  await poll(() => byTest('case-detail').isVisible()).toBe(true);
  await byTest('termination-date').fill('2026-06-30');
  await byTest('termination-date-save').click();
  await poll(() => stepState('termination-date')).toBe('ready');
  await byTest('step-termination-date').getByTestId('step-complete').click();

  // The step knows why this is a teacher, and is blocked until the classes are listed.
  const classes = byTest('step-reassign-classes');
  await poll(() => classes.getByTestId('teacher-basis').textContent()).toContain('高级中学教师资格证');
  await poll(() => stepState('reassign-classes')).toBe('blocked');
  await poll(() => classes.getByTestId('step-blockers').textContent()).toContain('请逐一列出该教师任教的班级/课程');
  expect(await classes.getByTestId('step-skip').count()).toBe(0);
  for (const [name, hours] of [['高二(3)班 数学', '6'], ['高二(5)班 数学', '4']] as const) {
    await classes.getByTestId('class-name').fill(name);
    await classes.getByTestId('class-term').fill('2025-2026学年第二学期');
    await classes.getByTestId('class-hours').fill(hours);
    await classes.getByTestId('class-add').click();
    await poll(() => classes.getByTestId('class-row').filter({ hasText: name }).count()).toBe(1);
  }
  await poll(() => classes.getByTestId('class-row').first().textContent()).toContain('每周 6 课时');
  await poll(() => classes.getByTestId('step-blockers').textContent()).toContain('交接项未完成：高二(3)班 数学、高二(5)班 数学');

  // Everything else is settled (the handover by HR overrides with reasons here, the final wage computed and
  // paid, no compensation owed on a resignation): the open classes alone keep the case from closing.
  for (const step of ['handover-documents', 'handover-customers', 'return-equipment', 'revoke-accounts', 'termination-certificate', 'transfer-file-insurance']) {
    await byTest(`step-${step}`).getByTestId('step-override').click();
    await byTest('dialog-text').fill('学校另有纸质交接单，已归档');
    await byTest('dialog-submit').click();
    await poll(() => stepState(step)).toBe('overridden');
  }
  await byTest('fw-save').click();
  await poll(() => byTest('fw-recorded').isVisible()).toBe(true);
  await byTest('evidence-add-final-wage-payment').click();
  await byTest('dialog-text').fill('离职工资已转账');
  await byTest('dialog-submit').click();
  await byTest('step-final-wages').getByTestId('step-complete').click();
  await poll(() => stepState('final-wages')).toBe('done');
  await byTest('step-release-compensation').getByTestId('step-skip').click();
  await byTest('dialog-text').fill('本人辞职，依法不支付经济补偿');
  await byTest('dialog-submit').click();
  await poll(() => stepState('release-compensation')).toBe('skipped');
  await byTest('case-close').click();
  await byTest('dialog-text').fill('离职手续办结');
  await byTest('dialog-submit').click();
  await poll(() => byTest('case-problems').textContent()).toContain('高二(3)班 数学');
  await page.keyboard.press('Escape');
  await classes.scrollIntoViewIfNeeded();
  await shot('11-teacher-classes-open');

  // A successor teacher (an employee) for each class, then the step completes and the case closes.
  for (const i of [0, 1]) {
    const row = classes.getByTestId('class-row').nth(i);
    await poll(() => row.locator('[data-testid^="check-"]').isDisabled()).toBe(true);
    await row.locator('[data-testid^="successor-"]').click();
    await page.getByRole('option').nth(i).click();
    await row.locator('[data-testid^="check-"]').click();
    await poll(() => row.textContent()).toContain('→');
  }
  await poll(() => stepState('reassign-classes')).toBe('ready');
  await classes.getByTestId('step-complete').click();
  await poll(() => stepState('reassign-classes')).toBe('done');

  // The classes and their successors are kept in the local database: they are there after a reload.
  const successors = await classes.getByTestId('class-row').allTextContents();
  await page.reload();
  await poll(() => byTest('step-reassign-classes').getByTestId('class-row').allTextContents()).toEqual(successors);
  await byTest('case-close').click();
  await byTest('dialog-text').fill('课程已全部移交，离职手续办结');
  await byTest('dialog-submit').click();
  await poll(() => byTest('case-detail').textContent()).toContain('已办结');
  await byTest('step-reassign-classes').scrollIntoViewIfNeeded();
  await shot('12-teacher-closed');
});
