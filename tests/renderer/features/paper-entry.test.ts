import { describe, expect, test } from 'vitest';
import { instantOf } from '#shared/time';
import { changePaperForm, describePaperEntry, emptyPaperForm, paperEntryOf } from '../../../src-renderer/features/cases/paper-entry.ts';

// The paper-delivery form: what HR types (company wall times) becomes the delivery the server stores, or the
// problems shown beside the fields.
const now = instantOf('2026-03-09 10:30');

describe('paper delivery form', () => {
  test('an EMS letter posted last week and signed for on Saturday keeps those times, not the time of entry', () => {
    let v = emptyPaperForm(now, '广东省东莞市松山湖大道 8 号');
    v = changePaperForm(v, { trackingNumber: ' EA123456789CN ', sentAt: '2026-03-02T16:40' }, now);
    v = changePaperForm(v, { signedBy: '李伟' }, now);
    // Naming who signed means it was signed for; the time starts at "now" for HR to correct.
    expect(v.outcome).toBe('delivered');
    expect(v.outcomeAt).toBe('2026-03-09T10:30');
    v = changePaperForm(v, { outcomeAt: '2026-03-07T14:20' }, now);
    const r = paperEntryOf(v, now);
    expect(r.problems).toEqual([]);
    expect(r.body).toEqual({
      channel: 'ems', trackingNumber: 'EA123456789CN', address: '广东省东莞市松山湖大道 8 号', sentAt: instantOf('2026-03-02 16:40'),
      outcome: { outcome: 'delivered', outcomeAt: instantOf('2026-03-07 14:20'), signedBy: '李伟' },
    });
    expect(describePaperEntry(r.body!)).toBe('EMS EA123456789CN → 广东省东莞市松山湖大道 8 号 · 寄出 2026-03-02 16:40 · 签收 2026-03-07 14:20（签收人 李伟）');
  });

  test.each([
    ['posted tomorrow', { sentAt: '2026-03-10T09:00' }, 'sentAt'],
    ['signed for in the future', { outcome: 'delivered', outcomeAt: '2026-03-09T12:00', signedBy: '李伟' }, 'outcomeAt'],
    ['returned before it was posted', { sentAt: '2026-03-05T09:00', outcome: 'returned', outcomeAt: '2026-03-04T09:00' }, 'outcomeAt'],
    ['signed for by nobody', { outcome: 'delivered', outcomeAt: '2026-03-08T09:00' }, 'signedBy'],
    ['no tracking number for EMS', { trackingNumber: '' }, 'trackingNumber'],
    ['no send time', { sentAt: '' }, 'sentAt'],
  ] as const)('%s is refused', (_name, patch, field) => {
    const v = { ...emptyPaperForm(now, null), trackingNumber: 'EA1', sentAt: '2026-03-06T09:00', ...patch };
    const r = paperEntryOf(v, now);
    expect(r.body).toBeNull();
    expect(r.problems.map((p) => p.field)).toContain(field);
  });

  test('a refused letter is recorded with its date and no signer; by hand needs no tracking number', () => {
    const refused = paperEntryOf({ ...emptyPaperForm(now, null), trackingNumber: 'XA7', sentAt: '2026-03-03T09:00', outcome: 'refused', outcomeAt: '2026-03-05T11:00' }, now);
    expect(refused.body?.outcome).toEqual({ outcome: 'refused', outcomeAt: instantOf('2026-03-05 11:00'), signedBy: '' });
    const byHand = paperEntryOf({ ...emptyPaperForm(now, 'somewhere'), channel: 'paper', sentAt: '2026-03-09T10:00' }, now);
    expect(byHand.body).toMatchObject({ channel: 'paper', address: '', outcome: null });
  });
});
