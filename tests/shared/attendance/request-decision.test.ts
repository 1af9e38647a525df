import { describe, expect, test } from 'vitest';
import { decisionRefusal, requestWriteRefusal, type RequestDecider } from '#shared/attendance/request-decision';
import { LeaveRequest, PunchCorrection, type RequestDoc } from '#shared/schemas/leave';

// Who may approve or reject leave and punch corrections: HR and admins only, never the filer's own request
// (admins and a local-only desk excepted), and a decided request's content is final.

const correction = (over: Partial<PunchCorrection> = {}): RequestDoc =>
  PunchCorrection.parse({ id: 'c1', kind: 'punch_correction', employeeId: 'e1', date: '2026-03-02', action: 'excuse_absence', reason: '被限制人身自由', requestedBy: 'li', updatedAt: 1, ...over });
const leave = (over: Partial<LeaveRequest> = {}): RequestDoc =>
  LeaveRequest.parse({ id: 'l1', kind: 'leave', employeeId: 'e1', type: 'sick', startDate: '2026-03-02', endDate: '2026-03-03', reason: '发烧', requestedBy: 'li', updatedAt: 1, ...over });

const hr = (name: string): RequestDecider => ({ name, role: 'hr' });

describe('decisionRefusal', () => {
  test.each<[string, RequestDecider, string, ReturnType<typeof decisionRefusal>]>([
    ['another HR user', hr('wang'), 'li', null],
    ['the HR user who filed it', hr('li'), 'li', 'own-request'],
    ['an admin, on their own request', { name: 'admin', role: 'admin' }, 'admin', null],
    ['a local-only desk, on its own request', { name: 'hr-operator', role: 'local' }, 'hr-operator', null],
    ['a site admin', { name: 'zhang', role: 'site_admin' }, 'li', 'not-hr'],
    ['a viewer', { name: 'zhao', role: 'viewer' }, 'li', 'not-hr'],
    ['a terminal', { name: '门卫', role: 'terminal' }, 'li', 'not-hr'],
    ['HR, on leave whose filer is unknown', hr('li'), '', null],
  ])('%s', (_, decider, requestedBy, expected) => {
    expect(decisionRefusal(decider, { requestedBy })).toBe(expected);
  });
});

describe('requestWriteRefusal', () => {
  test('judges a decision against the stored filer, not the one sent', () => {
    const stored = correction({ requestedBy: 'li' });
    expect(requestWriteRefusal(hr('li'), stored, { ...stored, requestedBy: 'someone-else', status: 'approved', decidedBy: 'li' })).toBe('own-request');
    expect(requestWriteRefusal(hr('wang'), stored, { ...stored, status: 'rejected', decidedBy: 'wang' })).toBeNull();
  });

  test('a request created already decided is judged by its own filer', () => {
    expect(requestWriteRefusal(hr('li'), null, leave({ status: 'approved', decidedBy: 'li' }))).toBe('own-request');
    expect(requestWriteRefusal({ name: 'zhang', role: 'site_admin' }, null, leave())).toBeNull(); // filing is not deciding
  });

  test('turning an approval into a rejection is a decision too', () => {
    const approved = leave({ status: 'approved', decidedBy: 'wang', decidedAt: 5 });
    expect(requestWriteRefusal(hr('li'), approved, { ...approved, status: 'rejected', decidedBy: 'li' })).toBe('own-request');
  });

  test('a decided request cannot be edited, but can be set back to pending or cancelled', () => {
    const approved = leave({ status: 'approved', decidedBy: 'wang', decidedAt: 5 });
    expect(requestWriteRefusal(hr('li'), approved, { ...approved, endDate: '2026-03-30', updatedAt: 9 } as RequestDoc)).toBe('decided-is-final');
    expect(requestWriteRefusal({ name: 'admin', role: 'admin' }, approved, { ...approved, reason: '改了' } as RequestDoc)).toBe('decided-is-final');
    expect(requestWriteRefusal(hr('li'), approved, { ...approved, updatedAt: 9 })).toBeNull(); // the same decision re-sent
    expect(requestWriteRefusal(hr('li'), approved, { ...approved, status: 'pending', endDate: '2026-03-30' } as RequestDoc)).toBeNull();
    expect(requestWriteRefusal(hr('li'), approved, { ...approved, status: 'cancelled' })).toBeNull();
  });

  test('editing a pending request is not judged here', () => {
    const pending = correction();
    expect(requestWriteRefusal({ name: 'zhao', role: 'viewer' }, pending, { ...pending, reason: '补充说明' } as RequestDoc)).toBeNull();
  });
});
