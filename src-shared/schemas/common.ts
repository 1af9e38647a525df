import { z } from 'zod';

/** A calendar date as HR writes it, in the company's local time (Asia/Shanghai): YYYY-MM-DD. */
export const LocalDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'date must be YYYY-MM-DD')
  .refine((s) => {
    const [y, m, d] = s.split('-').map(Number) as [number, number, number];
    const dt = new Date(Date.UTC(y, m - 1, d));
    return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
  }, 'not a real calendar date');
export type LocalDate = z.infer<typeof LocalDate>;

/** Wall-clock time of day, HH:MM (24 h). */
export const TimeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'time must be HH:MM');
export type TimeOfDay = z.infer<typeof TimeOfDay>;

/** Milliseconds since the epoch. Stored as numbers so RxDB can index and sort them. */
export const EpochMs = z.number().int().nonnegative();

/** Every replicated document carries the time of its last local change (client clock, informational only:
 *  replication checkpoints use server-assigned order). */
export const Stamped = z.object({ updatedAt: EpochMs });

export const Id = z.string().min(1).max(100);

/** Mainland mobile numbers (11 digits, starting with 1) or landlines with area code; spaces and dashes allowed. */
export const PhoneNumber = z
  .string()
  .trim()
  .transform((s) => s.replace(/[\s-]/g, ''))
  .pipe(z.string().regex(/^(\+?86)?(1[3-9]\d{9}|0\d{2,3}\d{7,8})$/, 'not a valid phone number'));
