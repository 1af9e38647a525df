import { z } from 'zod';
import { CaseOutcome, ContactMethod, EscalationState, MessageChannel } from '#shared/escalation/missed-punch-escalation';
import { callServer, type ServerSession } from '../../sync/server-call.ts';
import { RECONFIRM_AFTER_DAYS } from './contacts-due.ts';

/**
 * The renderer's client for the sync server's escalation endpoints (HR alerts, the in-app inbox, lost-contact
 * cases and their actions). Every answer is parsed with zod before a screen sees it: the server may be a
 * newer or older version than this terminal.
 */

export type { ServerSession };

export const HrAlert = z.object({
  id: z.string(),
  anomalyId: z.string(),
  caseId: z.string(),
  employeeId: z.string(),
  siteId: z.string(),
  reason: z.string(),
  createdAt: z.number(),
  acknowledgedAt: z.number().nullable(),
  acknowledgedBy: z.string().nullable(),
});
export type HrAlert = z.infer<typeof HrAlert>;

export const InAppMessage = z.object({
  id: z.string(),
  logicalId: z.string(),
  siteId: z.string().nullable(),
  subject: z.string(),
  text: z.string(),
  status: z.string(),
  context: z.record(z.string(), z.unknown()).default({}),
  createdAt: z.number(),
});
export type InAppMessage = z.infer<typeof InAppMessage>;

export const MessageDelivery = z.object({
  id: z.string(),
  logicalId: z.string(),
  channel: MessageChannel,
  recipientKind: z.string(),
  recipient: z.string(),
  status: z.string(),
  lastError: z.string().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type MessageDelivery = z.infer<typeof MessageDelivery>;

export const EscalationItem = EscalationState.extend({ messages: z.array(MessageDelivery).default([]) });
export type EscalationItem = z.infer<typeof EscalationItem>;

export const StatusEntry = z.object({ status: z.string(), at: z.number(), detail: z.string() });
export type StatusEntry = z.infer<typeof StatusEntry>;

export const ContactConfirmationStatus = z.object({
  employeeId: z.string(),
  requestedAt: z.number(),
  requestedBy: z.string(),
  confirmedAt: z.number().nullable(),
  confirmedOn: z.string().nullable(),
  // Automatic reminders for the latest request; a server older than them sends neither field.
  remindersSent: z.number().int().min(0).default(0),
  lastReminderAt: z.number().nullable().default(null),
  // Automatic rounds and the reminder backoff; a server older than them sends none of these.
  automatic: z.boolean().default(false),
  nextReminderAt: z.number().nullable().default(null),
  /** Still unconfirmed after the frequent reminders (HR was, or is about to be, alerted). */
  overdue: z.boolean().default(false),
  hrAlertedAt: z.number().nullable().default(null),
  /** The record settled the request (HR confirmed in person, or the employee left). */
  closedAt: z.number().nullable().default(null),
});
export type ContactConfirmationStatus = z.infer<typeof ContactConfirmationStatus>;
/** The server's company-wide timing and each employee's latest request. */
export const ContactConfirmationOverview = z.object({
  periodDays: z.number().int().positive().default(RECONFIRM_AFTER_DAYS),
  everyDays: z.number().int().positive().default(3),
  maxReminders: z.number().int().positive().default(5),
  laterEveryDays: z.number().int().positive().default(7),
  employees: z.array(ContactConfirmationStatus),
});
export type ContactConfirmationOverview = z.infer<typeof ContactConfirmationOverview>;
const ContactConfirmationSent = z.object({
  sent: z.array(z.object({ employeeId: z.string(), channels: z.array(z.string()) })),
  skipped: z.array(z.object({ employeeId: z.string(), reason: z.enum(['not_found', 'no_channel']) })),
});

export type ContactAttemptInput = { method: z.infer<typeof ContactMethod>; reached: boolean; note: string };

const enc = encodeURIComponent;

export function escalationClient(session: ServerSession) {
  return {
    alerts: async (open: boolean) => (await callServer(session, `/escalation/alerts?open=${open ? 1 : 0}&limit=500`, z.object({ alerts: z.array(HrAlert) }))).alerts,
    acknowledge: (id: string) => callServer(session, `/escalation/alerts/${enc(id)}/acknowledge`, z.object({ ok: z.boolean() }), {}),
    inbox: async () => (await callServer(session, '/notifications/in-app?limit=200', z.object({ messages: z.array(InAppMessage) }))).messages,
    items: async (status: 'open' | 'cases' | 'all', limit = 500) => (await callServer(session, `/escalation/items?status=${status}&limit=${limit}`, z.object({ items: z.array(EscalationItem) }))).items,
    item: (anomalyId: string) => callServer(session, `/escalation/items/${enc(anomalyId)}`, EscalationItem),
    history: (messageId: string) => callServer(session, `/notifications/messages/${enc(messageId)}/history`, z.object({ history: z.array(StatusEntry) })),
    recordAttempt: (anomalyId: string, input: ContactAttemptInput) => callServer(session, `/escalation/items/${enc(anomalyId)}/contact-attempts`, EscalationItem, input),
    recordReason: (anomalyId: string, reason: string) => callServer(session, `/escalation/items/${enc(anomalyId)}/known-reason`, EscalationItem, { reason }),
    close: (anomalyId: string, outcome: z.infer<typeof CaseOutcome>, note: string) =>
      callServer(session, `/escalation/items/${enc(anomalyId)}/close`, EscalationItem, { outcome, note }),
    contactConfirmations: () => callServer(session, '/escalation/contact-confirmations', ContactConfirmationOverview),
    requestContactConfirmation: (employeeIds: string[]) => callServer(session, '/escalation/contact-confirmations', ContactConfirmationSent, { employeeIds }),
  };
}
export type EscalationClient = ReturnType<typeof escalationClient>;
