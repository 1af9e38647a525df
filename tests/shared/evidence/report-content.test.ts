import { beforeAll, describe, expect, it } from 'vitest';
import { buildRecordFiles, EvidenceBundleInput } from '#shared/evidence/bundle-contents';
import { buildReportContent, type ReportContent } from '#shared/evidence/report-content';
import { caseReadSummary, SERVER_REPLICA_ID } from '#shared/audit/case-reads';
import { sealAuditEvent } from '#shared/audit/chain';
import type { NoticeView } from '#shared/cases/notice-delivery';
import { instantOf } from '#shared/time';
import { buildFixture } from './bundle-fixture';

/** What the PDF says, checked as data (the PDF writer only lays it out). */
let input: EvidenceBundleInput;
let report: ReportContent;
const sectionOf = (r: ReportContent, title: string) => {
  const s = r.sections.find((x) => x.title.includes(title));
  if (!s) throw new Error(`no section ${title}: ${r.sections.map((x) => x.title).join(' / ')}`);
  return s;
};

beforeAll(async () => {
  input = EvidenceBundleInput.parse((await buildFixture()).input);
  report = await buildReportContent(input, await buildRecordFiles(input));
});

describe('report content', () => {
  it('summarises the case in Chinese with Shanghai times', () => {
    expect(report.title).toBe('证据包报告：旷工解除');
    const summary = sectionOf(report, '案件概要').paragraphs;
    expect(summary).toContain('当事员工：李小明（emp-li）');
    expect(summary).toContain('立案：2026-03-05 09:00:00（hr-wang）　最后更新：2026-03-08 09:30:00');
  });

  it('cites every law article of the template, labelling summaries as such', () => {
    const law = sectionOf(report, '引用法条').paragraphs.join('\n');
    expect(law).toContain('【劳动合同法 第三十九条】');
    expect(law).toMatch(/第四条】规章制度的制定程序与公示（摘要，非条文原文）/);
  });

  it('lists overrides with their reason and flags them in the timeline', () => {
    expect(sectionOf(report, '强制通过记录').table!.rows).toEqual([['以原始打卡证明旷工', 'hr-wang', '2026-03-05 09:15:00', '旷工天数计算表为纸质原件，已由部门经理签字归档']]);
    expect(sectionOf(report, '时间线').table!.rows.filter((r) => r[2]!.includes('【审计标记】'))).toHaveLength(1);
  });

  it("lays out the missed-punch chain behind the case: messages, the case, HR's attempts and the reason", async () => {
    const chain = sectionOf(report, '缺卡预警与联系记录（2026-03-02）');
    expect(chain.paragraphs.join('\n')).toContain('联系尝试 1 次；已知原因：家属告知被困传销组织');
    const rows = chain.table!.rows;
    expect(rows.map((r) => r[1])).toEqual(['发现异常', '发送消息', '发送消息', '开启失联案件', '提醒HR', '联系尝试', '已知原因']);
    expect(rows[1]).toEqual(['2026-03-02 08:10:00', '发送消息', '发给员工本人（sms），消息编号 anomaly|emp-li|2026-03-02|employee|attempt1']);
    expect(rows[5]![2]).toBe('hr-wang：上门，未联系上，上门，家属称外出');
    const files = await buildRecordFiles(input);
    const chainFile = JSON.parse(files.find((f) => f.path === 'records/escalations.json')!.text);
    expect(chainFile.records).toHaveLength(1);
    expect(chainFile.records[0].sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('lists delivery receipts per channel with what each time means', () => {
    expect(sectionOf(report, '送达回执时间').table!.rows).toContainEqual(['dr-n1', 'ems', '送达（channels[1].deliveredAt）', '2026-03-06 10:00:00']);
    expect(sectionOf(report, '送达回执时间').table!.rows).toContainEqual(['dr-n2', 'in-app', '确认（channels[0].acknowledgedAt）', '2026-03-06 15:00:00']);
  });

  it('shows each signature record (signer, time, IP, hashes, verdict, image), and a failure when the document changed', async () => {
    const block = sectionOf(report, '签名记录 / Signatures').blocks![0]!;
    const fields = Object.fromEntries(block.fields);
    expect(block.heading).toBe('1. 员工手册签收（2025版）');
    expect(fields).toMatchObject({
      签名记录: 'sig-li-handbook',
      通知编号: 'n-handbook-li',
      签署人: '李小明（emp-li），输入姓名：李小明',
      签署时间: '2025-01-10 14:20:00',
      'IP 地址': '10.0.0.23',
      认证方式: '短信验证码',
      验证结果: '验证通过（记录完整，签署后文档未被修改）',
    });
    const record = input.signatures[0]!.record as { documentHash: string; recordHash: string };
    expect(fields['文档SHA-256']).toBe(record.documentHash);
    expect(fields['记录SHA-256']).toBe(record.recordHash);
    expect(block.image).toBe(input.signatures[0]!.signatureImage);
    const changed = { ...input, signatures: input.signatures.map((s) => ({ ...s, document: { ...s.document, clause: '改过的条款' } })) };
    const r = await buildReportContent(changed, await buildRecordFiles(changed));
    expect(Object.fromEntries(sectionOf(r, '签名记录').blocks![0]!.fields)['验证结果']).toBe('验证失败：签署文档被修改');
  });

  it('lists the attached files and, never silently, the ones missing', async () => {
    const sha = input.caseDoc.evidence.find((e) => e.id === 'e5')!.document!.sha256!;
    const r = await buildReportContent(input, await buildRecordFiles(input), { attached: [], missing: [{ evidenceId: 'e5', fileName: '工会回函.txt', sha256: sha, reason: '本终端与同步服务器均无此文件' }] });
    expect(sectionOf(r, '证据清单').paragraphs).toContain(`【缺失附件】证据 e5 的文件 工会回函.txt（SHA-256 ${sha}）未随包提供：本终端与同步服务器均无此文件`);
  });

  it('lists only the case’s audit events and says how many others keep the chain whole', () => {
    const audit = sectionOf(report, '审计事件');
    expect(audit.paragraphs[0]).toBe('审计事件按终端逐条哈希链接；本包含 1 段链、与本案有关的事件 22 条，另含 2 条其他事件仅用于验证链的连续性。');
    expect(audit.table!.rows.every((r) => r[4]!.startsWith('cases/'))).toBe(true);
  });

  it('names each cited article with the evidence it implies', () => {
    const law = sectionOf(report, '引用法条').paragraphs;
    const i = law.findIndex((p) => p.startsWith('【劳动合同法 第三十九条】'));
    expect(law[i + 1]).toBe('　应备证据：违纪事实证据（考勤原始记录、聊天记录、客户投诉、证人证言）；员工签收的规章制度；解除通知及送达记录');
  });

  it('lists letters with the dates of their tracking record, the outcome, and who entered what when', async () => {
    const at = (s: string) => instantOf(s);
    const letter = (over: Partial<NoticeView['deliveries'][number]>): NoticeView['deliveries'][number] => ({
      id: 'n9|ems|1', channel: 'ems', recipient: '广东省东莞市松山湖大道 8 号', trackingNumber: 'EA100', signedBy: null, sentAt: at('2026-03-05 10:00'), deliveredAt: null,
      openedAt: null, acknowledgedAt: null, failed: null, addressKind: 'agreed', outcome: null, outcomeAt: null, enteredBy: 'hr-wang', enteredAt: at('2026-03-05 16:00'), outcomeEnteredBy: null, outcomeEnteredAt: null, ...over,
    });
    const notice: NoticeView = {
      id: 'n9', caseId: input.caseDoc.id, employeeId: 'emp-li', kind: 'return-to-work-notice', title: '返岗通知书', documentHash: 'a'.repeat(64), createdAt: at('2026-03-05 16:00'), createdBy: 'hr-wang', signature: null,
      deliveries: [
        letter({ signedBy: '李母', deliveredAt: at('2026-03-07 14:20'), outcome: 'delivered', outcomeAt: at('2026-03-07 14:20') }),
        letter({ id: 'n9|registered-mail|2', channel: 'registered-mail', trackingNumber: 'XA7', addressKind: 'other', recipient: '湖南省衡阳市某村', outcome: 'returned', outcomeAt: at('2026-03-12 09:00'), outcomeEnteredBy: 'hr-li', outcomeEnteredAt: at('2026-03-13 08:30') }),
      ],
    };
    const r = await buildReportContent({ ...input, deliveries: [...input.deliveries, notice] }, await buildRecordFiles(input));
    expect(sectionOf(r, '纸质 / EMS 送达').table!.rows).toEqual([
      ['返岗通知书', 'EMS EA100', '广东省东莞市松山湖大道 8 号（约定地址）', '2026-03-05 10:00:00', '签收（李母）', '2026-03-07 14:20:00', 'hr-wang 2026-03-05 16:00:00'],
      ['返岗通知书', '挂号信 XA7', '湖南省衡阳市某村（非约定地址）', '2026-03-05 10:00:00', '退回', '2026-03-12 09:00:00', 'hr-wang 2026-03-05 16:00:00；结果 hr-li 2026-03-13 08:30:00'],
    ]);
    expect(sectionOf(r, '送达回执时间').table!.rows).toContainEqual(['n9', 'registered-mail', '结果登记（deliveries[1].outcomeEnteredAt）', '2026-03-13 08:30:00']);
  });

  it('reads a server audit event of a read of the case in words, and names refused operations', async () => {
    const view = await sealAuditEvent(
      { replicaId: SERVER_REPLICA_ID, actor: 'hr-li', action: 'view', collectionName: 'cases', docId: input.caseDoc.id, beforeHash: null, afterHash: null, at: instantOf('2026-03-08 10:00'), summary: caseReadSummary({ read: 'notices', ref: null, refused: true, from: { terminal: 'HR-PC · 3f2a1b2c', ip: '10.0.0.5', device: null } }) },
      null,
    );
    const hold = await sealAuditEvent({ replicaId: SERVER_REPLICA_ID, actor: 'hr-wang', action: 'refused', collectionName: 'cases', docId: input.caseDoc.id, beforeHash: null, afterHash: null, at: instantOf('2026-03-08 10:05'), summary: 'refused hold_final_wages' }, view);
    const r = await buildReportContent({ ...input, auditRuns: [...input.auditRuns, { replicaId: SERVER_REPLICA_ID, anchor: null, events: [view, hold], caseEventIds: [view.id, hold.id] }] }, await buildRecordFiles(input));
    const rows = sectionOf(r, '审计事件').table!.rows.filter((x) => x[0]!.startsWith('server#'));
    expect(rows.map((x) => [x[2], x[3], x[5]])).toEqual([
      ['hr-li', '查看', '经同步服务器试图读取（已拒绝）送达记录；来自 HR-PC · 3f2a1b2c，10.0.0.5'],
      ['hr-wang', '被拒绝的操作', 'refused hold_final_wages'],
    ]);
  });
});
