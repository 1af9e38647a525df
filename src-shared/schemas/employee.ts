import { z } from 'zod';
import { Id, LocalDate, PhoneNumber, Stamped } from './common.ts';

/**
 * Employment status. `absent_without_leave` (擅自离岗) is an internal status for someone who walked off the
 * job: it is NOT the legal 中止 (which exists only for detention or by agreement) and not `terminated`.
 */
export const EmployeeStatus = z.enum(['probation', 'active', 'on_leave', 'suspended', 'absent_without_leave', 'terminated']);
export type EmployeeStatus = z.infer<typeof EmployeeStatus>;

/** Work accounts are company assets; offboarding revokes each one and records who and when. */
export const WorkAccountKind = z.enum(['wecom', 'wechat', 'email', 'oa', 'crm', 'other']);
export const WorkAccount = z.object({
  kind: WorkAccountKind,
  account: z.string().trim().min(1).max(200),
  revokedAt: z.number().int().nullable().default(null),
  revokedBy: z.string().max(100).nullable().default(null),
});
export type WorkAccount = z.infer<typeof WorkAccount>;

export const EmergencyContact = z.object({
  name: z.string().trim().min(1, 'contact name is required').max(50),
  relation: z.string().trim().max(20).default(''),
  phone: PhoneNumber,
  /** Last time the employee re-confirmed this contact (quarterly re-confirmation). */
  lastConfirmedOn: LocalDate.nullable().default(null),
});
export type EmergencyContact = z.infer<typeof EmergencyContact>;

export const Certificate = z.object({
  kind: z.string().trim().min(1).max(50), // e.g. 教师资格证, 职称, 特种作业操作证
  number: z.string().max(50).default(''),
  issuedOn: LocalDate.nullable().default(null),
  expiresOn: LocalDate.nullable().default(null),
});
export type Certificate = z.infer<typeof Certificate>;

/** PRC resident ID: 18 characters, last may be X; checksum per GB 11643. */
export const ResidentIdNumber = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^\d{17}[\dX]$/, 'ID number must be 18 characters')
  .refine((s) => {
    const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const sum = weights.reduce((acc, w, i) => acc + w * Number(s[i]), 0);
    return '10X98765432'[sum % 11] === s[17];
  }, 'ID number checksum does not match');

/**
 * 送达地址确认书: the addresses the employee confirmed in writing that notices may be served at, agreeing that
 * delivery there counts as served (without it, a message to an unverified account risks being held "not
 * delivered"). Kept inside `sensitive`: a home postal address and a personal phone or email are personal
 * information only HR needs (PIPL 第51条), and only HR sends notices.
 */
export const AgreedDeliveryAddresses = z
  .object({
    postal: z.string().trim().max(300).nullable().default(null),
    email: z.string().trim().email('not a valid email').nullable().default(null),
    phone: PhoneNumber.nullable().default(null),
    wecom: z.string().trim().max(200).nullable().default(null),
    /** The day the employee signed the confirmation. */
    confirmedOn: LocalDate,
    /** SHA-256 of the signed confirmation (scan or e-signed PDF); the file itself stays in the HR archive. */
    evidenceSha256: z.string().trim().toLowerCase().regex(/^[0-9a-f]{64}$/, 'SHA-256 must be 64 hex characters').nullable().default(null),
  })
  .refine((a) => Boolean(a.postal || a.email || a.phone || a.wecom), { message: 'give at least one agreed address', path: ['postal'] });
export type AgreedDeliveryAddresses = z.infer<typeof AgreedDeliveryAddresses>;

export const EmployeeSensitive = z.object({
  idNumber: ResidentIdNumber.nullable().default(null),
  emergencyContacts: z.array(EmergencyContact).default([]),
  monthlySalaryFen: z.number().int().nonnegative().nullable().default(null),
  bankAccount: z.string().trim().regex(/^\d{12,30}$/, 'bank account must be 12–30 digits').nullable().default(null),
  /** Absent on records stored before it existed: read as null (no confirmation on file). */
  agreedDeliveryAddresses: AgreedDeliveryAddresses.nullable().default(null),
});
export type EmployeeSensitive = z.infer<typeof EmployeeSensitive>;

export const Employee = Stamped.extend({
  id: Id,
  employeeNo: z.string().trim().min(1, 'employee number is required').max(32).regex(/^[A-Za-z0-9_-]+$/, 'employee number: letters, digits, - and _ only'),
  name: z.string().trim().min(1, 'name is required').max(50),
  gender: z.enum(['male', 'female', 'unspecified']).default('unspecified'),
  departmentId: Id,
  siteId: Id,
  position: z.string().trim().max(100).default(''),
  hireDate: LocalDate,
  status: EmployeeStatus.default('active'),
  phone: PhoneNumber.nullable().default(null),
  email: z.string().trim().email('not a valid email').nullable().default(null),
  /** The user id (PIN) this employee has on attendance terminals; punches are matched by it. */
  devicePin: z.string().trim().max(24).regex(/^[0-9A-Za-z]*$/, 'device PIN: letters and digits only').default(''),
  shiftId: Id.nullable().default(null),
  workAccounts: z.array(WorkAccount).default([]),
  certificates: z.array(Certificate).default([]),
  /**
   * Sensitive fields, kept together: encrypted at rest as ONE field (one cipher operation per record
   * instead of four keeps a 10,000-person directory fast) and removed whole for roles that may not see them.
   */
  sensitive: EmployeeSensitive.default({ idNumber: null, emergencyContacts: [], monthlySalaryFen: null, bankAccount: null, agreedDeliveryAddresses: null }),
});
export type Employee = z.infer<typeof Employee>;
export type EmployeeInput = z.input<typeof Employee>;

/** Fields encrypted at rest; also the fields a site admin or viewer may not read. */
export const SENSITIVE_EMPLOYEE_FIELDS = ['sensitive'] as const;
