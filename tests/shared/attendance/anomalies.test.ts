import { describe, expect, it } from 'vitest';
import { anomalyId, findAnomalies, type FindAnomaliesInput } from '#shared/attendance/anomalies';
import { at, calendar, correction, dayShift, employee, leave, nightShift, punch } from './fixtures.ts';

function run(now: string, over: Partial<FindAnomaliesInput> = {}) {
  return findAnomalies({ employees: [employee('e1')], shifts: [dayShift, nightShift], punches: [], leaves: [], calendar, now: at(now), ...over });
}

describe('attendance anomaly rule', () => {
  it.each([
    // now, extra input, expected anomaly dates, why
    ['2026-03-02 09:04:59', {}, [], 'before start + grace'],
    ['2026-03-02 09:05:00', {}, ['2026-03-02'], 'exactly at start + grace, no punch'],
    ['2026-03-02 09:05:00', { punches: [punch('2026-03-02 09:05:00')] }, [], 'a punch exactly on the boundary is on time'],
    ['2026-03-02 10:00', { punches: [punch('2026-03-02 09:30')] }, [], 'punched late: late, not an anomaly'],
    ['2026-03-02 10:00', { punches: [punch('2026-03-01 17:00')] }, ['2026-03-02'], 'yesterday\'s punch does not count'],
    ['2026-03-02 10:00', { punches: [punch('2026-03-02 08:00', 'DEV-A', '2002', null)] }, ['2026-03-02'], 'someone else\'s punch does not count'],
    ['2026-03-02 10:00', { punches: [punch('2026-03-02 08:00', 'DEV-A', '1001', null)] }, [], 'matched by device PIN'],
    ['2026-03-02 10:00', { leaves: [leave('L1', '2026-03-02', '2026-03-02')] }, [], 'approved leave'],
    ['2026-03-02 10:00', { leaves: [leave('L1', '2026-03-02', '2026-03-02', 'full', 'full', 'pending')] }, ['2026-03-02'], 'leave not yet approved'],
    ['2026-03-02 10:00', { leaves: [leave('L1', '2026-03-02', '2026-03-02', 'am', 'am')] }, [], 'morning off: not expected yet'],
    ['2026-03-02 13:35', { leaves: [leave('L1', '2026-03-02', '2026-03-02', 'am', 'am')] }, ['2026-03-02'], 'morning off: expected from 13:30 + grace'],
    ['2026-03-02 10:00', { leaves: [leave('L1', '2026-03-02', '2026-03-02', 'pm', 'pm')] }, ['2026-03-02'], 'afternoon off: still expected in the morning'],
    ['2026-10-01 10:00', {}, [], 'public holiday'],
    ['2026-03-08 10:00', {}, [], 'Sunday'],
    ['2026-02-28 10:00', {}, ['2026-02-28'], '调休 make-up Saturday'],
    ['2026-03-02 10:00', { employees: [employee('e1', { status: 'terminated' })] }, [], 'terminated'],
    ['2026-03-02 10:00', { employees: [employee('e1', { hireDate: '2026-03-03' })] }, [], 'not hired yet'],
    ['2026-03-02 10:00', { employees: [employee('e1', { shiftId: null })] }, [], 'no shift'],
    ['2026-03-02 10:00', { skipEmployeeIds: new Set(['e1']) }, [], 'already being followed up'],
    ['2026-03-02 10:00', { corrections: [correction('C1', '2026-03-02', 'excuse_absence')] }, [], 'absence already excused'],
    ['2026-03-02 10:00', { corrections: [correction('C1', '2026-03-02', 'add_punch', { at: at('2026-03-02 08:59') })] }, [], 'punch added by correction'],
    ['2026-03-02 10:00', { punches: [punch('2026-03-02 08:59')], corrections: [correction('C1', '2026-03-02', 'void_punch', { punchId: punch('2026-03-02 08:59').id })] }, ['2026-03-02'], 'the only punch was voided'],
    ['2026-03-02 20:09', { employees: [employee('e1', { shiftId: 'night' })] }, [], 'night shift within grace'],
    ['2026-03-02 20:10', { employees: [employee('e1', { shiftId: 'night' })] }, ['2026-03-02'], 'night shift at start + grace'],
    ['2026-03-03 02:00', { employees: [employee('e1', { shiftId: 'night' })] }, ['2026-03-02'], 'after midnight the anomaly still belongs to the evening'],
    ['2026-03-03 02:00', { employees: [employee('e1', { shiftId: 'night' })], punches: [punch('2026-03-03 01:00')] }, [], 'night shift punched after midnight'],
  ] as [string, Partial<FindAnomaliesInput>, string[], string][])('%s: %j → %j (%s)', (now, over, dates) => {
    expect(run(now, over).map((a) => a.date)).toEqual(dates);
  });

  it('describes the anomaly with deterministic id, times and the site escalation window', () => {
    const [a] = run('2026-03-02 11:00', { sites: [{ id: 's1', escalationWindowMinutes: 60, missedPunchAlerts: true, alertDelayMinutes: 0 }] });
    expect(a).toEqual({ id: anomalyId('e1', '2026-03-02'), employeeId: 'e1', siteId: 's1', shiftId: 'day', date: '2026-03-02', expectedAt: at('2026-03-02 09:00'), detectedAt: at('2026-03-02 09:05'), escalationWindowMinutes: 60 });
    // Evaluating again later raises the same anomaly, not a new one; other sites default to 120 minutes.
    expect(run('2026-03-02 11:30')[0]).toEqual({ ...a, escalationWindowMinutes: 120 });
  });

  it('a site can wait longer before alerting, or not run the rule at all', () => {
    const site = (over: object) => ({ sites: [{ id: 's1', escalationWindowMinutes: 120, missedPunchAlerts: true, alertDelayMinutes: 0, ...over }] });
    // The day shift starts 09:00 with 5 minutes' grace; the site waits 15 minutes more for the gate queue.
    expect(run('2026-03-02 09:06', site({ alertDelayMinutes: 15 }))).toEqual([]);
    expect(run('2026-03-02 09:20', site({ alertDelayMinutes: 15 })).map((a) => a.detectedAt)).toEqual([at('2026-03-02 09:20')]);
    expect(run('2026-03-02 11:00', site({ missedPunchAlerts: false }))).toEqual([]);
    // Another site's settings do not touch this site's people.
    expect(run('2026-03-02 09:06', { sites: [{ id: 's2', escalationWindowMinutes: 120, missedPunchAlerts: false, alertDelayMinutes: 0 }] })).toHaveLength(1);
  });

  it('evaluates many employees independently', () => {
    const employees = [employee('e1', { devicePin: '1' }), employee('e2', { devicePin: '2' }), employee('e3', { devicePin: '3', shiftId: 'night' })];
    const punches = [punch('2026-03-02 08:50', 'DEV-A', '1', null)];
    expect(run('2026-03-02 21:00', { employees, punches }).map((a) => a.employeeId)).toEqual(['e2', 'e3']);
  });
});
