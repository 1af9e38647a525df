import { describe, expect, it } from 'vitest';
import { scheduleLookup } from '#shared/attendance/work-schedule';
import { demoFactory } from '#shared/demo/factory';
import { instantOf } from '#shared/time';
import { demoCompanyRecords } from './demo-punches.ts';

// The demo terminals' log follows each demo employee's own schedule.
describe('demo punches', () => {
  const company = demoFactory({ employees: 60 });
  const scheduleOf = scheduleLookup(company.shifts, company.rotations);
  const records = demoCompanyRecords({ employees: 60, firstDay: '2026-11-02', until: instantOf('2026-11-15 12:00') });
  const byPin = (pin: string) => records.filter((r) => r.pin === pin);

  it('is the same every time, in time order, and stops at the given instant', () => {
    expect(demoCompanyRecords({ employees: 60, firstDay: '2026-11-02', until: instantOf('2026-11-15 12:00') })).toEqual(records);
    expect(records.map((r) => r.localTime)).toEqual([...records.map((r) => r.localTime)].sort());
    expect(records.at(-1)!.localTime <= '2026-11-15 12:00:00').toBe(true);
  });

  it('punches by shift: night workers around 20:00 and the next morning, office staff not on Saturdays', () => {
    const night = company.employees.find((e) => e.shiftId === 'shift-night' && e.status !== 'terminated' && e.hireDate < '2026-11-01')!;
    const nightHours = byPin(night.devicePin).map((r) => Number(r.localTime.slice(11, 13)));
    expect(nightHours.length).toBeGreaterThan(10);
    expect(nightHours.every((h) => h >= 19 || h <= 6)).toBe(true);
    const office = company.employees.filter((e) => e.shiftId === 'shift-office' && e.status !== 'terminated');
    const saturday = records.filter((r) => r.localTime.startsWith('2026-11-07') && office.some((e) => e.devicePin === r.pin));
    expect(saturday).toEqual([]);
  });

  it('the rotation team punches on its working days only', () => {
    const team = company.employees.filter((e) => e.shiftId === 'rotation-line-a' && e.status !== 'terminated');
    expect(team.length).toBeGreaterThan(0);
    const rotation = scheduleOf('rotation-line-a')!;
    for (const e of team) {
      const punchedDays = new Set(byPin(e.devicePin).filter((r) => r.punchState === 0).map((r) => r.localTime.slice(0, 10)));
      for (const d of punchedDays) expect(rotation.planOn(d).works, `${e.employeeNo} ${d}`).toBe(true);
    }
  });
});
