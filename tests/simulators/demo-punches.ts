import { readdirSync, readFileSync } from 'node:fs';
import { scheduleLookup } from '#shared/attendance/work-schedule';
import { calendarFrom, HolidayYear, isWorkingDay } from '#shared/calendar/holiday-calendar';
import { demoFactory } from '#shared/demo/factory';
import { addDays, instantOf, localDateTimeOf } from '#shared/time';
import { seededRandom, type SimRecord } from './zkteco/zk-simulator.ts';

/**
 * The demo terminals' punch log, as the demo company's people would have made it: each employee of the demo
 * factory (the same people the app seeds, PIN = employee number) punches on the days their shift or
 * rotation works under the bundled holiday calendar — most a few minutes early, some late, a few leave
 * early, forget the clock-out or miss the day. So the attendance screens of a fresh demo show a believable
 * plant (night shifts, the rotation team, holidays) rather than everyone at 08:00 and 17:30 every day.
 */
export function demoCompanyRecords(opts: { employees: number; firstDay: string; until: number; seed?: number }): SimRecord[] {
  const company = demoFactory({ employees: opts.employees });
  const scheduleOf = scheduleLookup(company.shifts, company.rotations);
  const calendar = calendarFrom(bundledYears(), []);
  const rnd = seededRandom(opts.seed ?? 2026);
  const minutes = (n: number) => n * 60_000;
  const out: { at: number; record: SimRecord }[] = [];
  const punch = (pin: string, at: number, punchState: number) => {
    if (at <= opts.until) out.push({ at, record: { pin, localTime: localDateTimeOf(at), verifyMode: 1 + Math.floor(rnd() * 2), punchState } });
  };
  for (let date = opts.firstDay; instantOf(date) <= opts.until; date = addDays(date, 1)) {
    for (const e of company.employees) {
      const schedule = scheduleOf(e.shiftId);
      if (!schedule || e.status === 'terminated' || date < e.hireDate || !isWorkingDay(schedule.kindOn(calendar, date))) continue;
      const { shift } = schedule.planOn(date);
      const start = instantOf(`${date} ${shift.start}`);
      let end = instantOf(`${date} ${shift.end}`);
      if (end <= start) end += 86_400_000;
      const r = rnd();
      if (r < 0.015) continue; // did not come
      const late = r < 0.07;
      punch(e.devicePin, late ? start + minutes(6 + Math.floor(rnd() * 25)) : start - minutes(3 + Math.floor(rnd() * 22)), 0);
      const out2 = rnd();
      if (out2 < 0.03) continue; // forgot the clock-out
      punch(e.devicePin, out2 < 0.06 ? end - minutes(10 + Math.floor(rnd() * 50)) : end + minutes(Math.floor(rnd() * 35)), 1);
    }
  }
  return out.sort((a, b) => a.at - b.at).map((x) => x.record);
}

function bundledYears(): HolidayYear[] {
  const dir = new URL('../../resources/holidays/', import.meta.url);
  return readdirSync(dir)
    .filter((n) => /^cn-\d{4}\.json$/.test(n))
    .map((n) => HolidayYear.parse(JSON.parse(readFileSync(new URL(n, dir), 'utf8'))));
}
