import type { z } from 'zod';
import type { CaseOutcome, ContactMethod, ReplyReason } from './missed-punch-escalation.ts';

/** How the chain's codes read in Chinese documents (case evidence, the evidence bundle report). */
export const CONTACT_METHOD_ZH: Record<z.infer<typeof ContactMethod>, string> = { phone: '电话', visit: '上门', sms: '短信', wecom: '企业微信', email: '邮件', letter: '信函', other: '其他方式' };
export const CASE_OUTCOME_ZH: Record<CaseOutcome, string> = { returned: '已返岗', reason_confirmed: '原因已核实', dismissal_started: '已启动旷工解除流程', other: '其他' };
export const REPLY_REASON_ZH: Record<ReplyReason, string> = { late: '迟到', sick: '生病', on_leave: '已请假', other: '其他' };
