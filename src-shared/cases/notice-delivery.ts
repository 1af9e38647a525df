import { z } from 'zod';
import { Id } from '../schemas/common.ts';
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

export const PaperDeliveryBody = z.object({
  channel: z.enum(['ems', 'paper', 'registered-mail']),
  trackingNumber: z.string().trim().max(60).default(''),
  signedBy: z.string().trim().max(100).default(''),
  deliveredAt: z.number().int().nonnegative().nullable().default(null),
  /** The postal address EMS / registered mail went to (compared with the agreed postal address). */
  address: z.string().trim().max(300).default(''),
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
