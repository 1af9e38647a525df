import { z } from 'zod';
import type { AgreedDeliveryAddresses, Employee } from '../schemas/employee.ts';

/**
 * Whether a notice went to an address the employee agreed to in the 送达地址确认书. Delivery to an agreed
 * address counts as served; delivery elsewhere may still be proved, but the employer then has to show the
 * address was really the employee's (law-notes: a message to a nickname with no identity link has been held
 * not delivered). Decided when the delivery is made, so a later change of the agreed addresses does not
 * rewrite what an earlier delivery was.
 */
export const AddressKind = z.enum(['agreed', 'other']);
export type AddressKind = z.infer<typeof AddressKind>;

/** Channels an agreed address exists for (in-app has no address: the employee has no inbox there). */
export type AddressChannel = 'sms' | 'email' | 'wecom' | 'postal';

/**
 * The employee's confirmation, read defensively: the UI reads stored records without re-parsing them (10,000
 * people), and records written before the field existed (on any terminal, pulled at any time, so a local
 * migration could not cover them) or masked for roles without sensitive fields simply lack it.
 */
export function agreedAddressesOf(e: Pick<Employee, 'sensitive'> | null | undefined): AgreedDeliveryAddresses | null {
  return (e?.sensitive as Partial<Employee['sensitive']> | undefined)?.agreedDeliveryAddresses ?? null;
}

export function agreedAddressFor(agreed: AgreedDeliveryAddresses | null, channel: string): string | null {
  if (!agreed) return null;
  switch (channel) {
    case 'sms':
      return agreed.phone;
    case 'email':
      return agreed.email;
    case 'wecom':
      return agreed.wecom;
    case 'postal':
    case 'ems':
    case 'registered-mail':
      return agreed.postal;
    default:
      return null;
  }
}

/** Addresses compared as people write them: phone numbers without spaces, dashes or +86, emails without case,
 *  postal addresses without whitespace. */
export function normaliseAddress(channel: string, address: string): string {
  const s = address.trim();
  if (channel === 'sms') return s.replace(/[\s-]/g, '').replace(/^\+?86(?=1\d{10}$)/, '');
  if (channel === 'email') return s.toLowerCase();
  if (channel === 'postal' || channel === 'ems' || channel === 'registered-mail') return s.replace(/\s+/g, '');
  return s;
}

/** null when the channel has no address to compare (in-app, or paper handed over without an address). */
export function addressKindOf(agreed: AgreedDeliveryAddresses | null, channel: string, address: string | null): AddressKind | null {
  if (channel === 'in_app' || channel === 'paper' || !address || !address.trim()) return null;
  const want = agreedAddressFor(agreed, channel);
  return want !== null && normaliseAddress(channel, want) === normaliseAddress(channel, address) ? 'agreed' : 'other';
}
