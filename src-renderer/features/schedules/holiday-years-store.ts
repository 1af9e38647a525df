import { useMemo } from 'react';
import { HolidayYear, HolidayYearSetting, holidayYearId } from '#shared/calendar/holiday-calendar';
import { holidayDayCounts } from '#shared/calendar/holiday-years';
import { useRenshi } from '../../app/context.tsx';
import { useObservable } from '../../components/use-observable.ts';
import type { RenshiDatabase } from '../../db/database.ts';
import { removeRecord, saveRecord, stripMeta, type WriteContext } from '../../db/records.ts';

/**
 * HR's holiday years, stored in the replicated `settings` collection (kind `holiday_year`, one document per
 * year), so every terminal and the server's missed-punch rule use the same calendar. Every write is
 * validated with the shared schema and audited by saveRecord / removeRecord. A document that does not
 * parse (e.g. written by a newer program) is left out rather than breaking the tab.
 */
function parseAll(docs: { toMutableJSON(): unknown }[]): HolidayYearSetting[] {
  const out: HolidayYearSetting[] = [];
  for (const d of docs) {
    const r = HolidayYearSetting.safeParse(stripMeta(d.toMutableJSON() as Record<string, unknown>));
    if (r.success) out.push(r.data);
  }
  return out;
}

export async function listHolidayYears(db: RenshiDatabase): Promise<HolidayYearSetting[]> {
  return parseAll(await db.settings.find({ selector: { kind: 'holiday_year' } }).exec());
}

/** Live list of HR's years; undefined until the first read. */
export function useHolidayYearSettings(): HolidayYearSetting[] | undefined {
  const { db } = useRenshi();
  const docs = useObservable(() => db.settings.find({ selector: { kind: 'holiday_year' } }).$, [db]);
  return useMemo(() => (docs ? parseAll(docs) : undefined), [docs]);
}

/**
 * Stores HR's calendar for a year, replacing HR's earlier version of that year (the audit event keeps both
 * hashes). Entries are kept in date order, the order the notice lists them. `how` says where it came from
 * (the file name of an import, or that it was entered) for the audit trail.
 */
export async function saveHolidayYear(ctx: WriteContext, calendar: HolidayYear, how: string): Promise<HolidayYearSetting> {
  const sorted = HolidayYear.parse({ ...calendar, days: [...calendar.days].sort((a, b) => a.date.localeCompare(b.date)) });
  const c = holidayDayCounts(sorted);
  const summary = `holiday year ${sorted.year} ${how}: ${c.daysOff} days off (${c.statutory} statutory), ${c.makeupWorkdays} make-up workdays; ${sorted.source}`;
  return saveRecord(ctx, 'settings', HolidayYearSetting, { id: holidayYearId(sorted.region, sorted.year), kind: 'holiday_year', calendar: sorted }, summary.slice(0, 500));
}

/** Deletes HR's version of a year; attendance falls back to the bundled year, if there is one. */
export function deleteHolidayYear(ctx: WriteContext, year: number): Promise<boolean> {
  return removeRecord(ctx, 'settings', holidayYearId('CN', year), `holiday year ${year} deleted`);
}
