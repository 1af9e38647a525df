import { useMemo } from 'react';
import { calendarFrom, HolidayYear, type HolidayYearSetting, type WorkCalendar } from '#shared/calendar/holiday-calendar';
import type { Rotation, Shift } from '#shared/schemas/attendance-setup';
import type { RequestDoc } from '#shared/schemas/leave';
import type { Punch } from '#shared/schemas/punch';
import cn2025 from '../../../resources/holidays/cn-2025.json';
import cn2026 from '../../../resources/holidays/cn-2026.json';
import { useRenshi } from '../../app/context.tsx';
import { useObservable } from '../../components/use-observable.ts';
import { stripMeta } from '../../db/records.ts';
import { punchRangeFor } from './attendance-rows.ts';

/** The holiday years shipped with the app; HR-added years (settings) replace or extend them. */
export const BUNDLED_YEARS: HolidayYear[] = [cn2025, cn2026].map((y) => HolidayYear.parse(y));

/** Shifts, rotations and the work calendar from `settings`, live. */
export function useAttendanceSetup(): { loaded: boolean; shifts: Shift[]; rotations: Rotation[]; calendar: WorkCalendar } {
  const { db } = useRenshi();
  const docs = useObservable(() => db.settings.find().$, [db]);
  return useMemo(() => {
    const all = (docs ?? []).map((d) => stripMeta(d.toMutableJSON()));
    const shifts = all.filter((d): d is Shift => d.kind === 'shift').sort((a, b) => a.start.localeCompare(b.start));
    const rotations = all.filter((d): d is Rotation => d.kind === 'rotation').sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
    const added = all.filter((d): d is HolidayYearSetting => d.kind === 'holiday_year').map((d) => d.calendar);
    return { loaded: docs !== undefined, shifts, rotations, calendar: calendarFrom(BUNDLED_YEARS, added) };
  }, [docs]);
}

/** Punches that can belong to the days from..to (see punchRangeFor), live. */
export function usePunchesForDays(from: string, to: string): Punch[] | undefined {
  const { db } = useRenshi();
  const { fromMs, toMs } = punchRangeFor(from, to);
  const docs = useObservable(() => db.punches.find({ selector: { at: { $gte: fromMs, $lt: toMs } } }).$, [db, fromMs, toMs]);
  return useMemo(() => docs?.map((d) => stripMeta(d.toMutableJSON()) as Punch), [docs]);
}

/** Every leave request and punch correction, live (newest change first). */
export function useRequests(): RequestDoc[] | undefined {
  const { db } = useRenshi();
  const docs = useObservable(() => db.requests.find({ sort: [{ updatedAt: 'desc' }] }).$, [db]);
  return useMemo(() => docs?.map((d) => stripMeta(d.toMutableJSON()) as RequestDoc), [docs]);
}
