import { afterEach, describe, expect, it } from 'vitest';
import { RenshiError } from '#shared/errors';
import { instantOf } from '#shared/time';
import { decideRequest, requestCorrection, requestLeave } from '../../../src-renderer/features/attendance/attendance-requests.ts';
import { openTestDb } from '../db/helpers.ts';

// Corrections and leave against a real local database: separate audited records with a reason, pending
// until someone decides, decided once.

const opened: { db: { close(): Promise<unknown> } }[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((o) => o.db.close()));
});
async function setup() {
  const t = await openTestDb();
  opened.push(t);
  return t;
}

describe('requestCorrection', () => {
  it('records an added punch as a pending correction with who asked, and audits it', async () => {
    const { ctx, db } = await setup();
    const c = await requestCorrection(ctx, { employeeId: 'e1', date: '2026-03-02', action: 'add_punch', time: '20:05', reason: '夜班忘打卡' });
    expect(c.status).toBe('pending');
    expect(c.at).toBe(instantOf('2026-03-02 20:05'));
    expect(c.requestedBy).toBe('tester');
    const night = await requestCorrection(ctx, { employeeId: 'e1', date: '2026-03-02', action: 'add_punch', time: '05:01', nextDay: true, reason: '下班忘打卡' });
    expect(night.at).toBe(instantOf('2026-03-03 05:01'));
    expect(await db.requests.count().exec()).toBe(2);
    expect(await db.audit.find({ selector: { collectionName: 'requests' } }).exec()).toHaveLength(2);
  });

  it('refuses a correction without a reason or an added punch without a time', async () => {
    const { ctx, db } = await setup();
    await expect(requestCorrection(ctx, { employeeId: 'e1', date: '2026-03-02', action: 'excuse_absence', reason: '  ' })).rejects.toMatchObject({ code: 'validation-failed' });
    await expect(requestCorrection(ctx, { employeeId: 'e1', date: '2026-03-02', action: 'add_punch', reason: 'x' })).rejects.toBeInstanceOf(RenshiError);
    expect(await db.requests.count().exec()).toBe(0);
  });

  it('keeps a multi-day excused absence as one record', async () => {
    const { ctx } = await setup();
    const c = await requestCorrection(ctx, { employeeId: 'e1', date: '2026-03-02', endDate: '2026-03-20', action: 'excuse_absence', reason: '被限制人身自由，已报警' });
    expect(c.endDate).toBe('2026-03-20');
  });
});

describe('requestLeave and decideRequest', () => {
  it('needs a reason for leave', async () => {
    const { ctx } = await setup();
    await expect(requestLeave(ctx, { employeeId: 'e1', type: 'sick', startDate: '2026-03-02', endDate: '2026-03-03', startHalf: 'full', endHalf: 'full', reason: '' })).rejects.toMatchObject({ code: 'validation-failed' });
  });

  it('approves once, stamping who and when, and refuses a second decision', async () => {
    const { ctx, db } = await setup();
    const l = await requestLeave(ctx, { employeeId: 'e1', type: 'sick', startDate: '2026-03-02', endDate: '2026-03-03', startHalf: 'full', endHalf: 'pm', reason: '发烧' });
    expect(l.requestedBy).toBe('tester');
    const decided = await decideRequest({ ...ctx, actor: 'wang', now: () => 1_000 }, l.id, 'approved', { name: 'wang', role: 'hr' });
    expect([decided.status, decided.decidedBy, decided.decidedAt]).toEqual(['approved', 'wang', 1_000]);
    expect((await db.requests.findOne(l.id).exec())!.toJSON().status).toBe('approved');
    await expect(decideRequest({ ...ctx, actor: 'wang' }, l.id, 'rejected', { name: 'wang', role: 'hr' })).rejects.toMatchObject({ code: 'conflict' });
  });

  it('refuses the filer deciding their own request, and roles other than HR and admin; an admin may', async () => {
    const { ctx, db } = await setup();
    const c = await requestCorrection(ctx, { employeeId: 'e1', date: '2026-03-02', action: 'excuse_absence', reason: '被限制人身自由' });
    await expect(decideRequest(ctx, c.id, 'approved', { name: 'tester', role: 'hr' })).rejects.toMatchObject({ code: 'decision-not-allowed', message: expect.stringContaining('same account') });
    await expect(decideRequest({ ...ctx, actor: 'zhao' }, c.id, 'rejected', { name: 'zhao', role: 'viewer' })).rejects.toMatchObject({ code: 'decision-not-allowed' });
    expect((await db.requests.findOne(c.id).exec())!.toJSON().status).toBe('pending');
    expect(await db.audit.find({ selector: { collectionName: 'requests' } }).exec()).toHaveLength(1); // only the filing
    const decided = await decideRequest(ctx, c.id, 'approved', { name: 'tester', role: 'admin' });
    expect([decided.status, decided.decidedBy]).toEqual(['approved', 'tester']);
  });
});
