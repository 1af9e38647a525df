import { caseReadOf } from '../audit/case-reads.ts';
import { NoticeView } from '../cases/notice-delivery.ts';
import { citedArticles } from '../cases/case-template.ts';
import { CASE_OUTCOME_ZH, CONTACT_METHOD_ZH, REPLY_REASON_ZH } from '../escalation/escalation-labels.ts';
import type { TimelineEntry } from '../escalation/missed-punch-escalation.ts';
import { lawArticle } from '../law/law-search.ts';
import { verifySignature } from '../signature/signed-document.ts';
import { localDateTimeOf } from '../time.ts';
import type { EvidenceBundleInput, RecordFileOut } from './bundle-contents.ts';
import { pngOfDataUrl, sha256HexBytes } from './bundle-manifest.ts';

/**
 * The PDF report's content as plain data (Simplified Chinese, times in Shanghai wall time), so what the
 * report says is decided and tested here and the PDF writer only lays it out. The report is a reading aid:
 * the JSON records and their hashes are the evidence, and the report says so.
 */
export type ReportTable = { columns: { header: string; weight: number }[]; rows: string[][] };
/** One record laid out as label / value lines, with an image under it (a handwritten signature). */
export type ReportBlock = { heading: string; fields: [string, string][]; image: string | null; imageNote: string };
export type ReportSection = { title: string; paragraphs: string[]; table: ReportTable | null; empty: string | null; blocks?: ReportBlock[] };
/** The evidence files as written into the bundle, for the report's evidence list. */
export type ReportAttachments = {
  attached: { path: string; evidenceId: string; fileName: string; sha256: string }[];
  missing: { evidenceId: string; fileName: string; sha256: string; reason: string }[];
};
export type ReportContent = { title: string; subtitle: string; sections: ReportSection[]; footer: string };

const STEP_STATE_ZH: Record<string, string> = { pending: '待前序步骤', blocked: '缺少条件', ready: '可完成', done: '已完成', skipped: '已跳过', overridden: '已强制通过（需审计）' };
const STATUS_ZH: Record<string, string> = { open: '处理中', completed: '已结案', cancelled: '已撤销' };
const RECIPIENT_ZH: Record<string, string> = { subject: '本人', relative: '亲属', union: '工会', public: '公告' };
const EVENT_ZH: Record<string, string> = {
  opened: '立案', add_participant: '添加参与人', add_evidence: '添加证据', record_notice: '发出通知', notice_delivery: '送达',
  approve: '审批', add_checklist_item: '添加清单项', check_item: '清单勾选', record_termination_date: '记录解除日期',
  record_deduction: '记录扣款', complete_step: '完成步骤', skip_step: '跳过步骤', override_step: '强制通过步骤',
  grant_access: '授权查看', revoke_access: '撤销查看权限', close_case: '结案', cancel_case: '撤销案件',
};
const ACTION_ZH: Record<string, string> = { create: '创建', update: '修改', delete: '删除', import: '导入', view: '查看', override: '强制通过', export: '导出', refused: '被拒绝的操作' };
const READ_ZH: Record<string, string> = { case: '案件', notices: '送达记录', 'signed-record': '签名记录', file: '证据文件' };

const PHASE_ZH: Record<string, string> = {
  anomaly_detected: '已发现异常', employee_messaged: '已通知员工', emergency_contact_notified: '已通知紧急联系人',
  hr_alerted: '失联案件进行中（缺勤计为待联系，不计旷工）', resolved: '已解除', closed: '失联案件已结案',
};
const TIMELINE_ZH: Record<string, string> = {
  anomaly_detected: '发现异常', message_sent: '发送消息', no_channel: '无可用渠道', reply: '收到回复', punched: '打卡',
  hr_alerted: '提醒HR', case_opened: '开启失联案件', contact_attempt: '联系尝试', known_reason: '已知原因', resolved: '解除', case_closed: '结案',
};
const WHO_ZH: Record<string, string> = { employee: '员工本人', emergency_contact: '紧急联系人', punch: '打卡', hr: 'HR' };
function timelineText(e: TimelineEntry): string {
  switch (e.type) {
    case 'message_sent':
      return `发给${WHO_ZH[e.to]}（${e.channels.join('、')}），消息编号 ${e.commandId}`;
    case 'no_channel':
      return `${WHO_ZH[e.to]}没有可用的联系渠道`;
    case 'reply':
      return `${WHO_ZH[e.from]}回复：${REPLY_REASON_ZH[e.reason]}${e.text ? `，“${e.text}”` : ''}`;
    case 'punched':
      return `打卡 ${localDateTimeOf(e.punchAt)}（${e.punchId}）`;
    case 'contact_attempt':
      return `${e.by}：${CONTACT_METHOD_ZH[e.method]}，${e.reached ? '已联系上' : '未联系上'}${e.note ? `，${e.note}` : ''}`;
    case 'known_reason':
      return `${e.by}：${e.reason}`;
    case 'resolved':
      return `由${WHO_ZH[e.by]}解除${e.note ? `：${e.note}` : ''}`;
    case 'case_closed':
      return `${e.by}：${CASE_OUTCOME_ZH[e.outcome]}${e.note ? `，${e.note}` : ''}`;
    case 'case_opened':
      return e.caseId;
    case 'hr_alerted':
      return e.commandId;
    default:
      return '';
  }
}

const t = (ms: number | null | undefined) => (typeof ms === 'number' ? localDateTimeOf(ms) : '—');
const section = (title: string, paragraphs: string[], table: ReportTable | null = null, empty: string | null = null): ReportSection => ({ title, paragraphs, table, empty });

const AUTH_ZH: Record<string, string> = { password: '账号密码', 'sms-code': '短信验证码', wecom: '企业微信', 'terminal-badge': '终端刷卡', 'signed-link': '一次性签收链接' };
const SIG_CHANGE_ZH: Record<string, string> = { 'record-malformed': '签名记录格式错误', record: '签名记录被修改', document: '签署文档被修改', 'signature-image': '手写签名图像不一致' };
const STAMP_ZH: Record<string, string> = {
  sentAt: '发出', deliveredAt: '送达', openedAt: '打开', readAt: '阅读', acknowledgedAt: '确认', signedAt: '签收', failedAt: '失败', returnedAt: '退回',
  outcomeAt: '签收/拒收/退回（邮件结果）', enteredAt: '登记', outcomeEnteredAt: '结果登记', createdAt: '创建',
};
const PAPER_CHANNEL_ZH: Record<string, string> = { ems: 'EMS', 'registered-mail': '挂号信', paper: '当面送达' };
const OUTCOME_ZH: Record<string, string> = { delivered: '签收', refused: '拒收', returned: '退回' };

/** An audit summary for the report: a server read (a CaseRead) in words, anything else as written. */
function auditSummaryText(summary: string): string {
  const r = caseReadOf(summary);
  if (!r) return summary;
  const from = [r.from.terminal, r.from.ip].filter(Boolean).join('，') || '来源不明';
  return `经同步服务器${r.refused ? '试图读取（已拒绝）' : '读取'}${READ_ZH[r.read] ?? r.read}${r.ref ? ` ${r.ref.slice(0, 16)}` : ''}；来自 ${from}${r.from.device ? `；${r.from.device}` : ''}`;
}

/** Timestamp-like fields of a delivery record (any `…At` number, at any depth) with the channel they belong
 *  to (the nearest `channel` field), for the receipts table. */
function timestampsOf(value: unknown, path: string, channel: string, out: { path: string; field: string; channel: string; at: number }[]): void {
  if (Array.isArray(value)) value.forEach((v, i) => timestampsOf(v, `${path}[${i}]`, channel, out));
  else if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const ch = typeof obj.channel === 'string' ? obj.channel : channel;
    for (const [k, v] of Object.entries(obj)) {
      const p = path ? `${path}.${k}` : k;
      if (/At$/.test(k) && typeof v === 'number' && Number.isFinite(v)) out.push({ path: p, field: k, channel: ch, at: v });
      else timestampsOf(v, p, ch, out);
    }
  }
}

export async function buildReportContent(input: EvidenceBundleInput, recordFiles: RecordFileOut[], files: ReportAttachments = { attached: [], missing: [] }): Promise<ReportContent> {
  const { caseDoc: c, template } = input;
  const stepTitle = (id: string | null) => (id ? (template.steps.find((s) => s.id === id)?.title.zh ?? id) : '—');
  const evidenceLabel = (kind: string) => {
    for (const s of template.steps) for (const e of s.evidence) if (e.kind === kind) return e.label.zh;
    return kind;
  };
  const noticeLabel = (kind: string) => {
    for (const s of template.steps) for (const n of s.notices) if (n.kind === kind) return n.label.zh;
    return kind;
  };
  const subject = c.participants.find((p) => p.role === 'subject');
  const sections: ReportSection[] = [];

  sections.push(
    section('一、案件概要', [
      `案件编号：${c.id}`,
      `案件类型：${template.name.zh}（模板 ${template.id} 第 ${c.templateVersion} 版）`,
      `当事员工：${subject ? `${subject.name}（${subject.personId}）` : c.subjectEmployeeId}`,
      `所属场所：${c.siteId}${c.categoryCode ? `　类别代码：${c.categoryCode}` : ''}${c.originCaseId ? `　源案件：${c.originCaseId}` : ''}`,
      `状态：${STATUS_ZH[c.status] ?? c.status}${c.outcome ? `　结果：${c.outcome}` : ''}${c.closedAt ? `　结案：${t(c.closedAt)}（${c.closedBy ?? '—'}）` : ''}`,
      `立案：${t(c.createdAt)}（${c.createdBy}）　最后更新：${t(c.updatedAt)}`,
      `导出：${t(input.exportedAt)}（${input.exportedBy}）`,
      ...(template.internalStatus && template.statusNote ? [`说明：${template.statusNote.zh}`] : []),
    ]),
  );

  const articles = citedArticles(template).map((id) => lawArticle(id));
  sections.push(
    section(
      '二、案件模板与引用法条',
      [
        template.description.zh,
        ...articles.filter((a) => a !== undefined).flatMap((a) => [
          `【${a.lawShort} ${a.articleLabel}】${a.title}${a.textKind === 'summary' ? '（摘要，非条文原文）' : ''}：${a.text}`,
          ...(a.evidence.length ? [`　应备证据：${a.evidence.join('；')}`] : []),
        ]),
        '以上法条摘录仅供参考，不构成法律意见。',
      ],
    ),
  );

  sections.push(
    section('三、时间线', [], {
      columns: [{ header: '时间', weight: 2.2 }, { header: '操作人', weight: 1.4 }, { header: '事项', weight: 1.6 }, { header: '步骤', weight: 2 }, { header: '内容', weight: 4 }],
      rows: [...c.timeline].sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1)).map((e) => [t(e.at), e.by, `${EVENT_ZH[e.type] ?? e.type}${e.flagged ? '【审计标记】' : ''}`, stepTitle(e.stepId), e.detail]),
    }, '无记录'),
  );

  sections.push(
    section('四、步骤及决定', c.overrides.length ? [] : ['本案无强制通过的步骤。'], {
      columns: [{ header: '步骤', weight: 3 }, { header: '状态', weight: 2 }, { header: '决定人', weight: 1.5 }, { header: '时间', weight: 2.2 }, { header: '备注/理由', weight: 3.5 }],
      rows: c.steps.map((s) => [stepTitle(s.id), STEP_STATE_ZH[s.state] ?? s.state, s.decidedBy ?? '—', t(s.decidedAt), s.note]),
    }),
  );
  if (c.overrides.length) {
    sections.push(
      section('　强制通过记录（已标记审计）', [], {
        columns: [{ header: '步骤', weight: 3 }, { header: '操作人', weight: 1.5 }, { header: '时间', weight: 2.2 }, { header: '理由', weight: 5 }],
        rows: c.overrides.map((o) => [stepTitle(o.stepId), o.by, t(o.at), o.reason]),
      }),
    );
  }
  if (c.approvals.length) {
    sections.push(
      section('　审批', [], {
        columns: [{ header: '步骤', weight: 3 }, { header: '角色', weight: 1.5 }, { header: '决定', weight: 1.2 }, { header: '审批人', weight: 1.5 }, { header: '时间', weight: 2.2 }, { header: '意见', weight: 3 }],
        rows: c.approvals.map((a) => [stepTitle(a.stepId), a.role, a.decision === 'approved' ? '同意' : '不同意', a.by, t(a.at), a.note]),
      }),
    );
  }

  sections.push(
    section('五、证据清单', [
      '“文件SHA-256”为所附文件的哈希；证据条目本身的哈希见 records/evidence.json。',
      ...files.attached.map((a) => `随包附件：${a.path}（证据 ${a.evidenceId}，原文件名 ${a.fileName}）`),
      ...files.missing.map((a) => `【缺失附件】证据 ${a.evidenceId} 的文件 ${a.fileName}（SHA-256 ${a.sha256}）未随包提供：${a.reason}`),
    ], {
      columns: [{ header: '编号', weight: 1.4 }, { header: '证据类型', weight: 2.6 }, { header: '说明', weight: 3 }, { header: '添加', weight: 2.4 }, { header: '文件SHA-256', weight: 3.2 }],
      rows: c.evidence.map((e) => [e.id, evidenceLabel(e.kind), [e.description, e.notes].filter(Boolean).join('；'), `${e.addedBy} ${t(e.addedAt)}`, e.document?.sha256 ?? (e.document?.ref ? `引用 ${e.document.ref}` : '—')]),
    }, '无证据'),
  );
  for (const chain of input.escalations) {
    sections.push(
      section(
        `　缺卡预警与联系记录（${chain.date}）`,
        [
          `预警链 ${chain.id}：${PHASE_ZH[chain.phase] ?? chain.phase}。每条消息、回复、联系尝试与已知原因均按发生时间列出；原始记录见 records/escalations.json。`,
          ...(chain.case ? [`失联案件 ${chain.case.id}：联系尝试 ${chain.case.contactAttempts.length} 次；已知原因：${chain.case.knownReason?.reason ?? '尚未记录'}${chain.case.closedAt !== null ? `；${t(chain.case.closedAt)} 结案（${chain.case.outcome ? CASE_OUTCOME_ZH[chain.case.outcome] : ''}）` : ''}。`] : []),
        ],
        { columns: [{ header: '时间', weight: 2.2 }, { header: '事件', weight: 2 }, { header: '内容', weight: 6 }], rows: chain.timeline.map((e) => [t(e.at), TIMELINE_ZH[e.type] ?? e.type, timelineText(e)]) },
        '无记录',
      ),
    );
  }

  const receipts: string[][] = [];
  for (const d of input.deliveries) {
    const stamps: { path: string; field: string; channel: string; at: number }[] = [];
    timestampsOf(d, '', '', stamps);
    for (const x of stamps) receipts.push([d.id, x.channel || '—', STAMP_ZH[x.field] ? `${STAMP_ZH[x.field]}（${x.path}）` : x.path, t(x.at)]);
  }
  sections.push(
    section('六、通知与送达', [], {
      columns: [{ header: '通知', weight: 2.4 }, { header: '对象', weight: 1 }, { header: '渠道', weight: 1.2 }, { header: '发出', weight: 2.2 }, { header: '送达', weight: 2.2 }, { header: '确认', weight: 2.2 }, { header: '送达记录', weight: 1.6 }],
      rows: c.notices.map((n) => [noticeLabel(n.kind), RECIPIENT_ZH[n.recipient] ?? n.recipient, n.channel, t(n.sentAt), t(n.deliveredAt), t(n.acknowledgedAt), n.deliveryRecordId]),
    }, '无通知'),
  );
  // Letters: the dates are HR's entries from the tracking record, so who entered them and when stand beside them.
  const letters: string[][] = [];
  for (const raw of input.deliveries) {
    const n = NoticeView.safeParse(raw);
    if (!n.success) continue;
    for (const d of n.data.deliveries) {
      if (!(d.channel in PAPER_CHANNEL_ZH)) continue;
      letters.push([
        n.data.title || n.data.id,
        `${PAPER_CHANNEL_ZH[d.channel]}${d.trackingNumber ? ` ${d.trackingNumber}` : ''}`,
        d.recipient && d.recipient !== d.trackingNumber ? `${d.recipient}${d.addressKind === 'agreed' ? '（约定地址）' : d.addressKind === 'other' ? '（非约定地址）' : ''}` : '—',
        t(d.sentAt),
        d.outcome ? `${OUTCOME_ZH[d.outcome]}${d.outcome === 'delivered' && d.signedBy ? `（${d.signedBy}）` : ''}` : '待签收',
        t(d.outcomeAt),
        `${d.enteredBy ?? '—'} ${t(d.enteredAt)}${d.outcomeEnteredAt !== null ? `；结果 ${d.outcomeEnteredBy ?? '—'} ${t(d.outcomeEnteredAt)}` : ''}`,
      ]);
    }
  }
  if (letters.length) {
    sections.push(
      section(
        '　纸质 / EMS 送达',
        ['寄出与签收、拒收、退回的时间为HR按邮件跟踪记录登记的时间，登记人与登记时间另列。拒收或退回本身不等于送达。'],
        {
          columns: [{ header: '通知', weight: 2 }, { header: '方式/运单号', weight: 1.8 }, { header: '地址', weight: 2.4 }, { header: '寄出', weight: 2 }, { header: '结果', weight: 1.4 }, { header: '结果时间', weight: 2 }, { header: '登记', weight: 2.6 }],
          rows: letters,
        },
      ),
    );
  }
  sections.push(
    section('　送达回执时间', [], { columns: [{ header: '送达记录', weight: 1.6 }, { header: '渠道', weight: 1.2 }, { header: '事件（原字段）', weight: 4 }, { header: '时间', weight: 2.5 }], rows: receipts }, '无送达记录'),
  );

  const blocks: ReportBlock[] = [];
  for (const [i, s] of input.signatures.entries()) {
    const v = await verifySignature(s.document, s.record, s.signatureImage);
    const r = (s.record ?? {}) as { id?: string; documentHash?: string; recordHash?: string; signatureImageHash?: string | null; signer?: { employeeId?: string; name?: string; typedName?: string }; signedAt?: number; ip?: string; device?: string; authMethod?: string };
    const image = pngOfDataUrl(s.signatureImage) ? s.signatureImage! : null;
    blocks.push({
      heading: `${i + 1}. ${s.title || String(r.id ?? '')}`,
      fields: [
        ['签名记录', String(r.id ?? '—')],
        ...(s.noticeId ? [['通知编号', s.noticeId] as [string, string]] : []),
        ['签署人', `${r.signer?.name ?? '—'}（${r.signer?.employeeId ?? '—'}），输入姓名：${r.signer?.typedName ?? '—'}`],
        ['签署时间', t(r.signedAt)],
        ['IP 地址', r.ip || '—'],
        ['设备', r.device || '—'],
        ['认证方式', AUTH_ZH[r.authMethod ?? ''] ?? r.authMethod ?? '—'],
        ['文档SHA-256', r.documentHash ?? '—'],
        ['记录SHA-256', r.recordHash ?? '—'],
        ['签名图像SHA-256', r.signatureImageHash ?? '无'],
        ['验证结果', v.status === 'verified' ? '验证通过（记录完整，签署后文档未被修改）' : `验证失败：${v.changes.map((x) => SIG_CHANGE_ZH[x.part] ?? x.part).join('、')}`],
      ],
      image,
      imageNote: image ? '手写签名：' : s.signatureImage ? '手写签名图像不是PNG，未显示（原样保存在 records/signatures.json）' : '无手写签名图像',
    });
  }
  sections.push({
    ...section('七、签名记录 / Signatures', ['验证方法：按规范JSON重新计算文档哈希与签名记录哈希，并核对手写签名图像的哈希（电子签名法第十三条）。原始记录见 records/signatures.json，签名图像另存于 signatures/ 目录。'], null, '无电子签名'),
    blocks,
  });

  const auditRows: string[][] = [];
  let otherEvents = 0;
  for (const run of input.auditRuns) {
    const mine = new Set(run.caseEventIds);
    for (const e of run.events) {
      if (!mine.has(e.id)) {
        otherEvents++;
        continue;
      }
      auditRows.push([`${e.replicaId}#${e.seq}`, t(e.at), e.actor, ACTION_ZH[e.action] ?? e.action, `${e.collectionName}/${e.docId}`, auditSummaryText(e.summary), e.hash.slice(0, 16)]);
    }
  }
  sections.push(
    section(
      '八、审计事件',
      [
        `审计事件按终端逐条哈希链接；本包含 ${input.auditRuns.length} 段链、与本案有关的事件 ${auditRows.length} 条${otherEvents ? `，另含 ${otherEvents} 条其他事件仅用于验证链的连续性` : ''}。`,
      ],
      {
        columns: [{ header: '终端#序号', weight: 2 }, { header: '时间', weight: 2.2 }, { header: '操作人', weight: 1.3 }, { header: '动作', weight: 1 }, { header: '对象', weight: 2.4 }, { header: '摘要', weight: 2.6 }, { header: '哈希(前16位)', weight: 2 }],
        rows: auditRows,
      },
      '无审计事件',
    ),
  );

  if (input.punches.length) {
    sections.push(
      section('九、原始打卡记录', [`共 ${input.punches.length} 条，按设备原样保存（设备本地时间一并列出）。`], {
        columns: [{ header: '设备', weight: 2 }, { header: '工号(PIN)', weight: 1.2 }, { header: '时间', weight: 2.2 }, { header: '设备时间', weight: 2.2 }, { header: '来源', weight: 1.4 }, { header: '接收', weight: 2.2 }],
        rows: [...input.punches].sort((a, b) => a.at - b.at).map((p) => [p.deviceSerial, p.pin, t(p.at), p.deviceLocalTime, p.source, t(p.receivedAt)]),
      }),
    );
  }

  const fileRows: string[][] = [];
  for (const f of recordFiles) fileRows.push([f.path, f.description, await sha256HexBytes(new TextEncoder().encode(f.text))]);
  sections.push(
    section(
      `${input.punches.length ? '十' : '九'}、原始记录文件`,
      ['本报告仅为阅读辅助；证据以随附的原始JSON记录为准。每个文件及每条记录均附SHA-256，可用 npm run verify-bundle 或任意SHA-256工具核验，全部文件的哈希列于 manifest.json。'],
      { columns: [{ header: '文件', weight: 2.6 }, { header: '内容', weight: 3 }, { header: 'SHA-256', weight: 5 }], rows: fileRows },
    ),
  );

  return {
    title: `证据包报告：${template.name.zh}`,
    subtitle: `案件 ${c.id}　导出于 ${t(input.exportedAt)}（北京时间）`,
    sections,
    footer: `人事 Renshi 证据包 · 案件 ${c.id}`,
  };
}
