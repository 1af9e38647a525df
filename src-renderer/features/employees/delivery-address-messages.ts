/**
 * UI strings of the 送达地址确认书 section of the employee form and detail (`da.*`), kept apart so this
 * section grows without editing shared lines; dictionary.ts spreads them in. English must define the same keys.
 */
export const deliveryAddressZh = {
  'da.section': '送达地址确认书',
  'da.hint': '员工书面确认的送达地址：按此送达即视为已送达。加密存储，仅 HR 可见。',
  'da.postal': '邮寄地址',
  'da.email': '电子邮箱',
  'da.phone': '手机（短信）',
  'da.wecom': '企业微信账号',
  'da.confirmedOn': '签署日期',
  'da.evidence': '确认书 SHA-256',
  'da.evidenceFile': '选择已签署的确认书以计算',
  'da.none': '未登记送达地址确认书',
  'da.onFile': '已签署 {date}',
} as const;

export const deliveryAddressEn: Record<keyof typeof deliveryAddressZh, string> = {
  'da.section': 'Agreed delivery addresses (送达地址确认书)',
  'da.hint': 'Addresses the employee confirmed in writing: a notice delivered there counts as served. Encrypted; visible to HR only.',
  'da.postal': 'Postal address',
  'da.email': 'Email',
  'da.phone': 'Mobile (SMS)',
  'da.wecom': 'WeCom account',
  'da.confirmedOn': 'Signed on',
  'da.evidence': 'SHA-256 of the confirmation',
  'da.evidenceFile': 'Pick the signed confirmation to compute it',
  'da.none': 'No agreed-address confirmation on file',
  'da.onFile': 'signed {date}',
};
