import { z } from 'zod';
import { EpochMs, Id } from '../schemas/common.ts';
import { AddressKind } from './delivery-address.ts';

/**
 * The electronic-delivery contract between the case screen and the sync server (src-server/delivery): HR
 * sends one notice on several channels at once and/or records paper / EMS delivery; each delivery carries
 * its own sent / delivered / opened / acknowledged times; the employee signs through a single-use link.
 */
export const ElectronicChannel = z.enum(['in_app', 'sms', 'email', 'wecom']);
export type ElectronicChannel = z.infer<typeof ElectronicChannel>;

export const SendNoticeBody = z.object({
  noticeId: Id,
  caseId: Id,
  employeeId: Id,
  kind: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/).max(80),
  title: z.string().trim().min(1).max(200),
  body: z.string().trim().min(1).max(20_000),
  channels: z.array(ElectronicChannel).max(4).default([]),
  /**
   * The address to use per channel, as HR confirmed it in the send dialog (pre-filled from the 送达地址确认书).
   * A channel left out uses the agreed address, else the employee record's contact.
   */
  addresses: z
    .object({ sms: z.string().trim().min(1).max(200), email: z.string().trim().min(1).max(200), wecom: z.string().trim().min(1).max(200) })
    .partial()
    .default({}),
});
export type SendNoticeBody = z.input<typeof SendNoticeBody>;

export const PaperChannel = z.enum(['ems', 'paper', 'registered-mail']);
export type PaperChannel = z.infer<typeof PaperChannel>;

/**
 * What became of a letter, as the EMS / post office tracking record (or the person handing it over) says:
 * 签收 (someone signed for it: served on that date, law-notes: "registered mail (receipt date counts)"),
 * 拒收 (refused) or 退回 (returned undelivered). A refused or returned letter is not served by itself: the
 * product records the fact and its date, and HR decides what follows (another address, a relative, and
 * publication only when the whereabouts are unknown).
 */
export const PaperOutcome = z.enum(['delivered', 'refused', 'returned']);
export type PaperOutcome = z.infer<typeof PaperOutcome>;

/** How far a terminal's clock may run ahead of the server's before an entered time counts as "in the future". */
export const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Why the dates HR entered for a paper delivery cannot be right, or [] when they can: nothing in the future
 * (beyond clock skew), no outcome before the letter went out. The form and the server both apply it.
 */
export function paperDateProblems(d: { sentAt: number; outcomeAt: number | null }, now: number): { field: 'sentAt' | 'outcomeAt'; message: string }[] {
  const problems: { field: 'sentAt' | 'outcomeAt'; message: string }[] = [];
  if (d.sentAt > now + CLOCK_SKEW_MS) problems.push({ field: 'sentAt', message: 'the send date is in the future' });
  if (d.outcomeAt !== null) {
    if (d.outcomeAt > now + CLOCK_SKEW_MS) problems.push({ field: 'outcomeAt', message: 'the receipt / refusal / return date is in the future' });
    if (d.outcomeAt < d.sentAt) problems.push({ field: 'outcomeAt', message: 'the receipt / refusal / return date is before the send date' });
  }
  return problems;
}

/** The outcome of a letter with its date (from the tracking record) and, when signed for, who signed. */
export const PaperOutcomeBody = z
  .object({
    outcome: PaperOutcome,
    outcomeAt: EpochMs,
    signedBy: z.string().trim().max(100).default(''),
  })
  .refine((o) => o.outcome !== 'delivered' || o.signedBy !== '', { message: 'a receipt needs the name of who signed for it', path: ['signedBy'] });
export type PaperOutcomeBody = z.input<typeof PaperOutcomeBody>;

/**
 * A letter HR sent (EMS, registered mail, or handed over): when it really went out (default: now) and, when
 * already known, its outcome. The server keeps who entered it and when, next to the dates entered.
 */
export const PaperDeliveryBody = z.object({
  channel: PaperChannel,
  trackingNumber: z.string().trim().max(60).default(''),
  /** The postal address EMS / registered mail went to (compared with the agreed postal address). */
  address: z.string().trim().max(300).default(''),
  sentAt: EpochMs.nullable().default(null),
  outcome: PaperOutcomeBody.nullable().default(null),
});
export type PaperDeliveryBody = z.input<typeof PaperDeliveryBody>;

export const DeliveryView = z.object({
  id: z.string(),
  channel: z.string(),
  recipient: z.string(),
  trackingNumber: z.string().nullable(),
  signedBy: z.string().nullable(),
  sentAt: z.number().nullable(),
  deliveredAt: z.number().nullable(),
  openedAt: z.number().nullable(),
  acknowledgedAt: z.number().nullable(),
  failed: z.string().nullable(),
  /** To the address agreed in the 送达地址确认书, or another one; null when there is no address (in-app, by hand). */
  addressKind: AddressKind.nullable().default(null),
  /** Paper deliveries: 签收 / 拒收 / 退回 once known, and its date (for 签收 also `deliveredAt`). */
  outcome: PaperOutcome.nullable().default(null),
  outcomeAt: z.number().nullable().default(null),
  /** Paper deliveries: who entered the letter and when (the dates above are the ones they entered). */
  enteredBy: z.string().nullable().default(null),
  enteredAt: z.number().nullable().default(null),
  /** Who entered the outcome and when, when it was entered later than the letter. */
  outcomeEnteredBy: z.string().nullable().default(null),
  outcomeEnteredAt: z.number().nullable().default(null),
});
export type DeliveryView = z.infer<typeof DeliveryView>;

export const NoticeView = z.object({
  id: z.string(),
  caseId: z.string(),
  employeeId: z.string(),
  kind: z.string(),
  title: z.string(),
  documentHash: z.string(),
  createdAt: z.number(),
  createdBy: z.string(),
  deliveries: z.array(DeliveryView),
  signature: z
    .object({
      signerName: z.string(),
      typedName: z.string(),
      signedAt: z.number(),
      ip: z.string(),
      device: z.string(),
      /** verifySignature over the stored document, record and image. */
      status: z.enum(['verified', 'altered']),
      changes: z.array(z.string()),
      image: z.string().nullable(),
    })
    .nullable(),
});
export type NoticeView = z.infer<typeof NoticeView>;
