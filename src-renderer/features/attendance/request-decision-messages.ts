/**
 * UI strings of who may approve or reject leave and punch corrections (`rd.*`), kept apart so the requests
 * table's rule grows without editing shared lines; dictionary.ts spreads them in. English must define the same keys.
 */
export const requestDecisionZh = {
  'rd.filedBy': '{who} 提交',
  'rd.not-hr': '只有 HR 和系统管理员可以审批',
  'rd.own-request': '本人提交的申请，需由其他 HR 或管理员审批',
  'rd.signIn': '审批需要登录同步服务器（在「设置」中登录）',
  'rd.identity': '正在确认登录身份…',
} as const;

export const requestDecisionEn: Record<keyof typeof requestDecisionZh, string> = {
  'rd.filedBy': 'filed by {who}',
  'rd.not-hr': 'Only HR and administrators can approve or reject',
  'rd.own-request': 'You filed this one: another HR user or an administrator must decide it',
  'rd.signIn': 'Deciding needs a sign-in to the sync server (see Settings)',
  'rd.identity': 'Checking who is signed in…',
};
