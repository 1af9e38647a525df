import { readdirSync, readFileSync } from 'node:fs';
import type { z } from 'zod';
import { calendarFrom, HolidayYear, HolidayYearSetting, type WorkCalendar } from '#shared/calendar/holiday-calendar';
import { groupPunchesByEmployee } from '#shared/attendance/daily-attendance';
import { Rotation, Shift } from '#shared/schemas/attendance-setup';
import { Employee } from '#shared/schemas/employee';
import { LeaveRequest, PunchCorrection } from '#shared/schemas/leave';
import { Site } from '#shared/schemas/org';
import { Punch } from '#shared/schemas/punch';
import type { Queryable } from '../db/database.ts';

/**
 * Reads the replicated documents the escalation needs from the sync server's `docs` table (as the desktop
 * terminals pushed them, validated on push) and re-parses each with its shared schema: a document that
 * no longer parses is skipped rather than taking the whole sweep down.
 */
type DocRow = { id: string; data: Record<string, unknown> };

function parseAll<S extends z.ZodType>(schema: S, rows: DocRow[]): z.infer<S>[] {
  const out: z.infer<S>[] = [];
  for (const r of rows) {
    const parsed = schema.safeParse({ ...r.data, id: r.id });
    if (parsed.success) out.push(parsed.data);
  }
  return out;
}

let bundledYears: HolidayYear[] | null = null;
/** The holiday years shipped in resources/holidays, read once. */
function bundledHolidayYears(): HolidayYear[] {
  if (bundledYears) return bundledYears;
  const dir = new URL('../../resources/holidays/', import.meta.url);
  bundledYears = [];
  try {
    for (const name of readdirSync(dir).filter((n) => /^cn-\d{4}\.json$/.test(n)).sort()) {
      const parsed = HolidayYear.safeParse(JSON.parse(readFileSync(new URL(name, dir), 'utf8')));
      if (parsed.success) bundledYears.push(parsed.data);
    }
  } catch {
    // No bundled calendar: every date is an ordinary week until HR adds years.
  }
  return bundledYears;
}

export function syncedRecords(q: Queryable) {
  const docs = (collection: string, extra = '', params: unknown[] = []) =>
    q.query<DocRow>(`SELECT id, data FROM docs WHERE collection = $1 AND NOT deleted ${extra}`, [collection, ...params]);

  return {
    async employee(id: string): Promise<Employee | null> {
      return parseAll(Employee, await docs('employees', 'AND id = $2', [id]))[0] ?? null;
    },

    /** Every employee record (former employees included: callers decide what their status means). */
    async employees(): Promise<Employee[]> {
      return parseAll(Employee, await docs('employees', 'ORDER BY id'));
    },

    /** Everything the anomaly rule needs for the shift days around `now`. */
    async attendanceInputs(now: number, sinceDate: string) {
      const [employees, org, settings, punches, requests] = await Promise.all([
        docs('employees'),
        docs('org', `AND data->>'kind' = 'site'`),
        docs('settings', `AND data->>'kind' IN ('shift', 'rotation', 'holiday_year')`),
        // Two days back covers a night shift that started yesterday evening.
        docs('punches', `AND (data->>'at')::bigint BETWEEN $2 AND $3`, [now - 2 * 86_400_000, now]),
        docs('requests', `AND coalesce(data->>'endDate', data->>'date') >= $2`, [sinceDate]),
      ]);
      const added = parseAll(HolidayYearSetting, settings.filter((r) => r.data.kind === 'holiday_year')).map((s) => s.calendar);
      const calendar: WorkCalendar = calendarFrom(bundledHolidayYears(), added);
      return {
        employees: parseAll(Employee, employees),
        sites: parseAll(Site, org),
        shifts: parseAll(Shift, settings.filter((r) => r.data.kind === 'shift')),
        rotations: parseAll(Rotation, settings.filter((r) => r.data.kind === 'rotation')),
        punches: parseAll(Punch, punches),
        leaves: parseAll(LeaveRequest, requests.filter((r) => r.data.kind === 'leave')),
        corrections: parseAll(PunchCorrection, requests.filter((r) => r.data.kind === 'punch_correction')),
        calendar,
      };
    },

    /** Punches of these employees at or after `since`, by employee (matched by id, or by device PIN as the rule does). */
    async punchesOf(employees: readonly Pick<Employee, 'id' | 'devicePin'>[], since: number): Promise<Map<string, Punch[]>> {
      if (!employees.length) return new Map();
      const pins = employees.map((e) => e.devicePin).filter(Boolean);
      const rows = await docs('punches', `AND (data->>'employeeId' = ANY($2) OR data->>'pin' = ANY($3)) AND (data->>'at')::bigint >= $4`, [employees.map((e) => e.id), pins, since]);
      const punches = parseAll(Punch, rows).sort((a, b) => a.at - b.at || a.id.localeCompare(b.id));
      return groupPunchesByEmployee(employees, punches).byEmployee;
    },
  };
}
export type SyncedRecords = ReturnType<typeof syncedRecords>;
