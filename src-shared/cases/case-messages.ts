import type { CaseRefusalReason } from './case-engine.ts';

/**
 * Human sentences for refusals and blockers, in the UI's two languages. Screens show these next to the step;
 * the structured reason (code + fields) stays the contract, so a screen may also render its own wording.
 */
export function describeReason(r: CaseRefusalReason, lang: 'zh' | 'en' = 'zh'): string {
  const zh = lang === 'zh';
  switch (r.code) {
    case 'step-not-ready':
      return zh ? `需先完成：${r.waitingFor.join('、')}` : `Finish first: ${r.waitingFor.join(', ')}`;
    case 'missing-evidence':
      return zh ? `缺少证据「${r.evidenceKind}」（已有 ${r.have}，需要 ${r.need}）` : `Missing evidence "${r.evidenceKind}" (${r.have} of ${r.need})`;
    case 'missing-notice':
      return r.problem === 'not-sent'
        ? zh ? `尚未发送通知「${r.noticeKind}」` : `Notice "${r.noticeKind}" not sent`
        : zh ? `通知「${r.noticeKind}」尚无送达记录` : `Notice "${r.noticeKind}" has no proof of delivery`;
    case 'missing-approval':
      return r.rejected ? (zh ? `${r.role} 已驳回` : `Rejected by ${r.role}`) : zh ? `等待 ${r.role} 审批` : `Awaiting ${r.role} approval`;
    case 'checklist-open':
      return zh ? `交接项未完成：${r.itemIds.join('、')}` : `Open checklist items: ${r.itemIds.join(', ')}`;
    case 'precondition-unmet':
      return zh ? `前提条件未满足：${r.message}` : `Precondition unmet: ${r.message}`;
    case 'deadline-not-reached':
      return r.until === null ? (zh ? '期限尚未开始计算' : 'The waiting period has not started') : zh ? '等待期未届满' : 'The waiting period has not passed';
    case 'deadline-passed':
      return zh ? '已超过期限' : 'The deadline has passed';
    case 'override-needs-reason':
      return zh ? 'HR放行必须填写理由' : 'An HR override needs a reason';
    case 'skip-needs-reason':
      return zh ? '跳过必须填写理由' : 'Skipping needs a reason';
    case 'not-optional':
      return zh ? '此步骤不可跳过' : 'This step cannot be skipped';
    case 'final-wages-never-held':
      return r.warning ? r.warning[zh ? 'zh' : 'en'] : zh ? '离职工资必须在解除或终止之日一次付清，不得扣押。' : 'Final wages must be paid in full on the termination date and are never held.';
    case 'forbidden':
      return zh ? `无权操作：${r.message}` : `Not allowed: ${r.message}`;
    case 'case-closed':
      return zh ? '案件已结束' : 'The case is closed';
    case 'step-already-decided':
      return zh ? '此步骤已处理' : 'This step is already decided';
    case 'invalid':
      return zh ? `无效操作：${r.message}` : `Invalid: ${r.message}`;
  }
}
