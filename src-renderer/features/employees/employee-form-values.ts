import { agreedAddressesOf } from '#shared/cases/delivery-address';
import { normalizeDate } from '#shared/import/employees';
import type { Employee, EmployeeInput, EmployeeStatus } from '#shared/schemas/employee';

/** What the form edits: text everywhere (inputs hold strings), money in yuan, revocation as a checkbox. */
export type EmployeeFormValues = {
  employeeNo: string;
  name: string;
  gender: 'male' | 'female' | 'unspecified';
  departmentId: string | null;
  siteId: string | null;
  position: string;
  /** The shift or rotation (倒班) the employee works; null = none, so no attendance is judged. */
  shiftId: string | null;
  hireDate: string;
  status: EmployeeStatus;
  phone: string;
  email: string;
  devicePin: string;
  idNumber: string;
  salaryYuan: string;
  bankAccount: string;
  emergencyContacts: { name: string; relation: string; phone: string; lastConfirmedOn: string }[];
  workAccounts: { kind: 'wecom' | 'wechat' | 'email' | 'oa' | 'crm' | 'other'; account: string; revoked: boolean; revokedAt: number | null; revokedBy: string | null }[];
  certificates: { kind: string; number: string; issuedOn: string; expiresOn: string }[];
  /** 送达地址确认书; all empty = none on file. */
  agreedDeliveryAddresses: { postal: string; email: string; phone: string; wecom: string; confirmedOn: string; evidenceSha256: string };
};

const NO_AGREED = { postal: '', email: '', phone: '', wecom: '', confirmedOn: '', evidenceSha256: '' };

export function emptyFormValues(today: string): EmployeeFormValues {
  return {
    employeeNo: '',
    name: '',
    gender: 'unspecified',
    departmentId: null,
    siteId: null,
    position: '',
    shiftId: null,
    hireDate: today,
    status: 'probation',
    phone: '',
    email: '',
    devicePin: '',
    idNumber: '',
    salaryYuan: '',
    bankAccount: '',
    emergencyContacts: [],
    workAccounts: [],
    certificates: [],
    agreedDeliveryAddresses: { ...NO_AGREED },
  };
}

export function formValuesOf(e: Employee): EmployeeFormValues {
  return {
    employeeNo: e.employeeNo,
    name: e.name,
    gender: e.gender,
    departmentId: e.departmentId,
    siteId: e.siteId,
    position: e.position,
    shiftId: e.shiftId,
    hireDate: e.hireDate,
    status: e.status,
    phone: e.phone ?? '',
    email: e.email ?? '',
    devicePin: e.devicePin,
    idNumber: e.sensitive.idNumber ?? '',
    salaryYuan: e.sensitive.monthlySalaryFen === null ? '' : (e.sensitive.monthlySalaryFen / 100).toFixed(2).replace(/\.00$/, ''),
    bankAccount: e.sensitive.bankAccount ?? '',
    emergencyContacts: e.sensitive.emergencyContacts.map((c) => ({ name: c.name, relation: c.relation, phone: c.phone, lastConfirmedOn: c.lastConfirmedOn ?? '' })),
    workAccounts: e.workAccounts.map((a) => ({ kind: a.kind, account: a.account, revoked: a.revokedAt !== null, revokedAt: a.revokedAt, revokedBy: a.revokedBy })),
    certificates: e.certificates.map((c) => ({ kind: c.kind, number: c.number, issuedOn: c.issuedOn ?? '', expiresOn: c.expiresOn ?? '' })),
    agreedDeliveryAddresses: agreedFormValues(agreedAddressesOf(e)),
  };
}

function agreedFormValues(a: ReturnType<typeof agreedAddressesOf>): EmployeeFormValues['agreedDeliveryAddresses'] {
  if (!a) return { ...NO_AGREED };
  return { postal: a.postal ?? '', email: a.email ?? '', phone: a.phone ?? '', wecom: a.wecom ?? '', confirmedOn: a.confirmedOn, evidenceSha256: a.evidenceSha256 ?? '' };
}

const orNull = (s: string) => (s.trim() === '' ? null : s.trim());
const dateOrNull = (s: string) => (s.trim() === '' ? null : normalizeDate(s));

/**
 * Form values -> the Employee input the schema validates. A salary that is not a number becomes NaN so
 * the schema rejects it at `monthlySalaryFen` (the form shows that error on the yuan field).
 */
export function employeeInputOf(v: EmployeeFormValues, who: { actor: string; now: number }): Omit<EmployeeInput, 'id' | 'updatedAt'> {
  const salary = v.salaryYuan.trim() === '' ? null : Number(v.salaryYuan.replace(/[,，\s]/g, ''));
  return {
    employeeNo: v.employeeNo,
    name: v.name,
    gender: v.gender,
    departmentId: v.departmentId ?? '',
    siteId: v.siteId ?? '',
    position: v.position,
    shiftId: v.shiftId,
    hireDate: normalizeDate(v.hireDate),
    status: v.status,
    phone: orNull(v.phone),
    email: orNull(v.email),
    devicePin: v.devicePin,
    sensitive: {
      idNumber: orNull(v.idNumber),
      monthlySalaryFen: salary === null ? null : Number.isFinite(salary) ? Math.round(salary * 100) : Number.NaN,
      bankAccount: orNull(v.bankAccount),
      emergencyContacts: v.emergencyContacts.map((c) => ({ name: c.name, relation: c.relation, phone: c.phone, lastConfirmedOn: dateOrNull(c.lastConfirmedOn) })),
      agreedDeliveryAddresses: agreedInputOf(v.agreedDeliveryAddresses),
    },
    // Ticking "revoked" stamps who and when; unticking clears both.
    workAccounts: v.workAccounts.map((a) => ({
      kind: a.kind,
      account: a.account,
      revokedAt: a.revoked ? (a.revokedAt ?? who.now) : null,
      revokedBy: a.revoked ? (a.revokedBy ?? who.actor) : null,
    })),
    certificates: v.certificates.map((c) => ({ kind: c.kind, number: c.number, issuedOn: dateOrNull(c.issuedOn), expiresOn: dateOrNull(c.expiresOn) })),
  };
}

/** Nothing filled in: none on file. Anything filled in: a confirmation, which the schema checks (a date, at least one address). */
function agreedInputOf(a: EmployeeFormValues['agreedDeliveryAddresses']) {
  if (Object.values(a).every((x) => x.trim() === '')) return null;
  return { postal: orNull(a.postal), email: orNull(a.email), phone: orNull(a.phone), wecom: orNull(a.wecom), confirmedOn: a.confirmedOn.trim() === '' ? '' : normalizeDate(a.confirmedOn), evidenceSha256: orNull(a.evidenceSha256) };
}

/** Form field of a schema path: the form keeps sensitive fields flat and edits the salary in yuan. */
export function formFieldOfPath(key: string): string {
  const flat = key.replace(/^sensitive\./, '');
  return flat === 'monthlySalaryFen' ? 'salaryYuan' : flat;
}

/**
 * The next employee number in the company's own pattern: the highest number among those shaped
 * <prefix><digits> with the most common prefix, plus one, zero-padded to the same width (E0300 -> E0301).
 * Null when there is no pattern to follow.
 */
export function suggestEmployeeNo(existing: string[]): string | null {
  const byPrefix = new Map<string, { count: number; max: number; width: number }>();
  for (const no of existing) {
    const m = /^(.*?)(\d+)$/.exec(no);
    if (!m) continue;
    const [, prefix = '', digits = ''] = m;
    const entry = byPrefix.get(prefix) ?? { count: 0, max: -1, width: digits.length };
    entry.count++;
    if (Number(digits) > entry.max) entry.max = Number(digits);
    entry.width = Math.max(entry.width, digits.length);
    byPrefix.set(prefix, entry);
  }
  let best: [string, { count: number; max: number; width: number }] | null = null;
  for (const e of byPrefix) if (!best || e[1].count > best[1].count) best = e;
  if (!best) return null;
  const [prefix, { max, width }] = best;
  return prefix + String(max + 1).padStart(width, '0');
}
