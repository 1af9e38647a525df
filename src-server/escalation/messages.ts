import type { EscalationCommand, MessageChannel } from '#shared/escalation/missed-punch-escalation';
import type { Employee } from '#shared/schemas/employee';

/**
 * What each escalation message says (Simplified Chinese) and where each channel sends it. Addresses come
 * from the employee record as synced at the moment of sending, so a phone number HR fixed after the
 * anomaly is the one used.
 */
export type Addressed = { channel: MessageChannel; to: string; greeting: string; suffix: string };

export function addressesFor(command: Extract<EscalationCommand, { type: 'send_message' }>, employee: Employee): Addressed[] {
  const out: Addressed[] = [];
  for (const channel of command.channels) {
    if (command.to === 'employee') {
      const to = employeeAddress(employee, channel);
      if (to) out.push({ channel, to, greeting: employee.name, suffix: channel });
    } else if (channel === 'sms') {
      employee.sensitive.emergencyContacts.forEach((c, i) => out.push({ channel, to: c.phone, greeting: c.name, suffix: `sms|${i}` }));
    }
  }
  return out;
}

export function employeeAddress(employee: Employee, channel: MessageChannel): string | null {
  switch (channel) {
    case 'wecom':
      return employee.workAccounts.find((a) => a.kind === 'wecom' && a.revokedAt === null)?.account ?? null;
    case 'sms':
      return employee.phone;
    case 'email':
      return employee.email;
    case 'in_app':
      return null; // employees have no inbox in the desktop app; in-app is for HR
  }
}

/** The channels an employee can be reached on, of those this server has configured. */
export function employeeChannels(employee: Employee, configured: readonly MessageChannel[]): MessageChannel[] {
  return (['wecom', 'sms', 'email'] as const).filter((c) => configured.includes(c) && employeeAddress(employee, c) !== null);
}

export function emergencyChannels(employee: Employee, configured: readonly MessageChannel[]): MessageChannel[] {
  return configured.includes('sms') && employee.sensitive.emergencyContacts.length > 0 ? ['sms'] : [];
}

export function messageText(command: Extract<EscalationCommand, { type: 'send_message' }>, employee: Employee, greeting: string): { subject: string; text: string } {
  if (command.to === 'employee') {
    return {
      subject: `考勤提醒：${command.date} 未查到您的上班打卡`,
      text: `${greeting}您好：系统未查到您今天（${command.date}）的上班打卡，也没有已批准的请假。请点击链接告诉我们您的情况。`,
    };
  }
  return {
    subject: `紧急联系人通知：${employee.name} 今天未到岗`,
    text: `${greeting}您好：您是 ${employee.name} 登记的紧急联系人。${employee.name} 今天（${command.date}）未到岗，我们暂时联系不上本人。如您了解情况，请点击链接告诉我们。`,
  };
}

const ALERT_TEXT: Record<Extract<EscalationCommand, { type: 'alert_hr' }>['reason'], (name: string, date: string) => { subject: string; text: string }> = {
  lost_contact_case_opened: (name, date) => ({
    subject: `失联案件：${name}`,
    text: `${name} 自 ${date} 未到岗，本人及紧急联系人均未在规定时间内回复，已开启失联案件。请尽快联系并记录每次联系情况。缺勤暂记为“待联系”，不按旷工处理。`,
  }),
  reply_after_case_opened: (name, date) => ({ subject: `失联案件有新回复：${name}`, text: `${name}（${date} 起失联）的案件收到了回复，请查看并处理案件。` }),
  punch_after_case_opened: (name, date) => ({ subject: `失联员工已打卡：${name}`, text: `${name}（${date} 起失联）有新的打卡记录，请核实并处理案件。` }),
};

export function alertText(command: Extract<EscalationCommand, { type: 'alert_hr' }>, employeeName: string, date: string): { subject: string; text: string } {
  return ALERT_TEXT[command.reason](employeeName, date);
}
