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
    case 'precondition-unmet': {
      const known = RULE_SENTENCES[r.rule];
      // The money rules say "compute it again" when the figure on file was computed for another termination date.
      const sentence = known ? (known.stale && r.message.endsWith('compute it again') ? known.stale : known.missing) : null;
      return zh ? `前提条件未满足：${sentence?.[0] ?? r.message}` : `Precondition unmet: ${sentence?.[1] ?? r.message}`;
    }
    case 'deadline-not-reached':
      return r.until === null ? (zh ? '期限尚未开始计算' : 'The waiting period has not started') : zh ? '等待期未届满' : 'The waiting period has not passed';
    case 'deadline-passed':
      return zh ? '已超过期限' : 'The deadline has passed';
    case 'override-needs-reason':
      return zh ? 'HR放行必须填写理由' : 'An HR override needs a reason';
    case 'skip-needs-reason':
      return zh ? '跳过必须填写理由' : 'Skipping needs a reason';
    case 'adjustment-needs-reason': {
      const name = FIGURE_NAMES[r.figure] ?? [r.figure, r.figure];
      return zh ? `「${name[0]}」与档案记录不同，须说明调整理由` : `"${name[1]}" differs from the records: give the reason for the adjustment`;
    }
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

type Sentence = [zh: string, en: string];

/** Sentences for the rules whose engine message is English only; the others keep the engine's message. */
const RULE_SENTENCES: Record<string, { missing: Sentence; stale?: Sentence }> = {
  'termination-date-recorded': { missing: ['请先记录解除/终止日期', 'record the termination date first'] },
  'final-wage-computed': {
    missing: ['请先计算离职工资（月工资、最后一个月的计薪天数）', 'compute the final wage (monthly salary, paid days of the final month) first'],
    stale: ['解除日期已变更，请按新的日期重新计算离职工资', 'the termination date changed: compute the final wage again'],
  },
  'compensation-computed': {
    missing: ['请先计算经济补偿（工作年限、离职前12个月平均工资、当地社会平均工资）', 'compute the economic compensation (years of service, 12-month average wage, local average wage) first'],
    stale: ['解除日期已变更，请按新的日期重新计算经济补偿', 'the termination date changed: compute the economic compensation again'],
  },
  'teacher-status-known': { missing: ['尚未从员工档案读取是否为教师', 'whether the leaver teaches is not on file yet (it is read from the employee record)'] },
  'classes-listed': { missing: ['请逐一列出该教师任教的班级/课程，并为每个指定接任教师', "list each of the teacher's classes with the teacher who takes it over"] },
  'subject-is-teacher': { missing: ['员工档案显示其不是教师，没有需要重新安排的课程', 'the employee record does not show a teacher: there are no classes to reassign'] },
};

const FIGURE_NAMES: Record<string, Sentence> = {
  'monthly-salary': ['月工资', 'monthly salary'],
  'paid-days': ['计薪天数', 'paid days'],
  'average-wage': ['离职前12个月平均工资', '12-month average wage'],
  amount: ['金额', 'amount'],
};
