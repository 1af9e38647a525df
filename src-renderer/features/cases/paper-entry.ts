import { paperDateProblems, type PaperChannel, type PaperDeliveryBody, type PaperOutcome } from '#shared/cases/notice-delivery';
import { instantOf, localDateTimeOf } from '#shared/time';

/**
 * The paper-delivery form as HR fills it in (times as `<input type="datetime-local">` values, company time),
 * and what it means: the delivery body for the server, or the problems to show beside the fields. The dates
 * are the ones of the letter and its tracking record, not of the moment HR types them in (that moment, and
 * who typed, the server and the case record on their own).
 */
export type PaperFormValue = {
  channel: PaperChannel;
  address: string;
  trackingNumber: string;
  /** When the letter went out (EMS took it, it was handed over). */
  sentAt: string;
  outcome: PaperOutcome | 'pending';
  outcomeAt: string;
  signedBy: string;
};

export type PaperFormProblem = { field: 'sentAt' | 'outcomeAt' | 'signedBy' | 'trackingNumber'; zh: string; en: string };

/** A datetime-local value (YYYY-MM-DDTHH:MM) of an instant, in company time. */
export const localInputOf = (ms: number): string => localDateTimeOf(ms).slice(0, 16).replace(' ', 'T');

function instantOfInput(v: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(v)) return null;
  try {
    return instantOf(v.replace('T', ' '));
  } catch {
    return null;
  }
}

export function emptyPaperForm(now: number, agreedPostal: string | null): PaperFormValue {
  return { channel: 'ems', address: agreedPostal ?? '', trackingNumber: '', sentAt: localInputOf(now), outcome: 'pending', outcomeAt: '', signedBy: '' };
}

/**
 * A change to one field, with what follows from it: naming who signed means it was signed for, and an
 * outcome starts at "now" for HR to correct from the tracking record rather than at an empty date.
 */
export function changePaperForm(v: PaperFormValue, patch: Partial<PaperFormValue>, now: number): PaperFormValue {
  const next = { ...v, ...patch };
  if (patch.signedBy !== undefined && patch.signedBy.trim() && next.outcome === 'pending') next.outcome = 'delivered';
  if (next.outcome !== 'pending' && !next.outcomeAt) next.outcomeAt = localInputOf(now);
  if (next.outcome === 'pending') next.outcomeAt = '';
  return next;
}

export function paperEntryOf(v: PaperFormValue, now: number): { body: PaperDeliveryBody & { sentAt: number }; problems: [] } | { body: null; problems: PaperFormProblem[] } {
  const problems: PaperFormProblem[] = [];
  const sentAt = instantOfInput(v.sentAt);
  if (sentAt === null) problems.push({ field: 'sentAt', zh: '请填写寄出（交付）时间', en: 'Enter when it was sent' });
  const outcomeAt = v.outcome === 'pending' ? null : instantOfInput(v.outcomeAt);
  if (v.outcome !== 'pending' && outcomeAt === null) problems.push({ field: 'outcomeAt', zh: '请填写签收 / 拒收 / 退回的时间', en: 'Enter when it was signed for, refused or returned' });
  if (v.outcome === 'delivered' && !v.signedBy.trim()) problems.push({ field: 'signedBy', zh: '请填写签收人', en: 'Enter who signed for it' });
  if (v.channel !== 'paper' && !v.trackingNumber.trim()) problems.push({ field: 'trackingNumber', zh: '请填写运单号', en: 'Enter the tracking number' });
  if (sentAt !== null) {
    for (const p of paperDateProblems({ sentAt, outcomeAt }, now)) {
      problems.push(
        p.field === 'sentAt'
          ? { field: 'sentAt', zh: '寄出时间不能晚于现在', en: 'The send time is in the future' }
          : p.message.includes('before')
            ? { field: 'outcomeAt', zh: '签收 / 拒收 / 退回时间不能早于寄出时间', en: 'It cannot be signed for, refused or returned before it was sent' }
            : { field: 'outcomeAt', zh: '签收 / 拒收 / 退回时间不能晚于现在', en: 'That time is in the future' },
      );
    }
  }
  if (problems.length || sentAt === null) return { body: null, problems };
  return {
    body: {
      channel: v.channel,
      trackingNumber: v.trackingNumber.trim(),
      address: v.channel === 'paper' ? '' : v.address.trim(),
      sentAt,
      outcome: v.outcome === 'pending' || outcomeAt === null ? null : { outcome: v.outcome, outcomeAt, signedBy: v.signedBy.trim() },
    },
    problems: [],
  };
}

const CHANNEL_ZH: Record<PaperChannel, string> = { ems: 'EMS', 'registered-mail': '挂号信', paper: '当面送达' };
export const OUTCOME_ZH: Record<PaperOutcome, string> = { delivered: '签收', refused: '拒收', returned: '退回' };

/** The letter in one line for the case's evidence list (Chinese, like the evidence bundle). */
export function describePaperEntry(body: PaperDeliveryBody & { sentAt: number }): string {
  const parts = [`${CHANNEL_ZH[body.channel]}${body.trackingNumber ? ` ${body.trackingNumber}` : ''}${body.address ? ` → ${body.address}` : ''}`, `寄出 ${localDateTimeOf(body.sentAt).slice(0, 16)}`];
  const o = body.outcome;
  if (o) parts.push(`${OUTCOME_ZH[o.outcome]} ${localDateTimeOf(o.outcomeAt).slice(0, 16)}${o.outcome === 'delivered' && o.signedBy ? `（签收人 ${o.signedBy}）` : ''}`);
  else parts.push('待签收');
  return parts.join(' · ');
}
