import { useEffect, useMemo, useState } from 'react';
import { combineLatest } from 'rxjs';
import { monthRange } from '#shared/attendance/attendance-summary';
import { monthSettled, trendMonths } from '#shared/attendance/attendance-trend';
import type { RequestDoc } from '#shared/schemas/leave';
import type { Punch } from '#shared/schemas/punch';
import { useRenshi } from '../../app/context.tsx';
import { useObservable } from '../../components/use-observable.ts';
import { stripMeta } from '../../db/records.ts';
import { useEmployees } from '../employees/use-employees.ts';
import { punchRangeFor, type AttendanceSources } from './attendance-rows.ts';
import { inScope, type Scope } from './attendance-scope.ts';
import { computeMonthTrend, fingerprint, type MonthTrend } from './trend-compute.ts';
import { useAttendanceSetup } from './use-attendance-data.ts';
import { useContactPendingDates } from './use-contact-pending.ts';

/**
 * The trend of the chosen month and the months before it, for the employees of the scope only, computed
 * when the trend tab is open and memoised: a month is recomputed only when what it is computed from changes
 * (the scope's employees, requests, settings, lost-contact dates, the number of punches in its range, and,
 * for a month still under way, the minute). Punches are read one month at a time and let go once the month
 * is computed, so six months of a large plant are never all in memory. The month looked at comes first.
 */
const memo = new Map<string, MonthTrend>();
/** The last trend of each month and inputs, shown while a month under way is brought up to date. */
const latest = new Map<string, MonthTrend>();
const MEMO_SIZE = 48;

function remember(map: Map<string, MonthTrend>, key: string, trend: MonthTrend) {
  map.delete(key);
  map.set(key, trend);
  while (map.size > MEMO_SIZE) map.delete(map.keys().next().value!);
}

/** A memoised trend serves a month looked at only if it has the daily part. */
const usable = (t: MonthTrend | undefined, daily: boolean) => (t && (!daily || t.daily) ? t : null);

const READ_MS = 4 * 86_400_000;
const pause = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export interface TrendState {
  months: string[];
  /** One per month of `months`, oldest first; null until first computed. */
  trends: (MonthTrend | null)[];
  /** Months being computed or brought up to date. */
  pending: number;
}

export function useAttendanceTrend(month: string, scope: Scope, requests: readonly RequestDoc[]): TrendState {
  const { db } = useRenshi();
  const { employees, loaded } = useEmployees();
  const setup = useAttendanceSetup();
  const contactPending = useContactPendingDates();
  const months = useMemo(() => trendMonths(month), [month]);
  const punchCounts = usePunchCounts(months);
  useMinute();
  const scoped = useMemo(() => employees.filter((e) => inScope(e, scope)), [employees, scope]);
  // Everything in the settings (shifts, rotations, the calendar) goes to the computation and the memo key,
  // so schedule kinds added to the setup later reach the trend too.
  const { loaded: setupLoaded, ...schedules } = setup;
  const inputs = useMemo(() => fingerprint(scoped, requests, schedules, contactPending), [scoped, requests, setup, contactPending]); // eslint-disable-line react-hooks/exhaustive-deps
  const ready = loaded && setupLoaded && punchCounts !== undefined;
  const now = Date.now();
  const clock = Math.floor(now / 60_000);
  const stable = months.map((m) => `${m}|${inputs}`);
  const keys = months.map((m, i) => `${stable[i]}|${punchCounts?.get(m) ?? '?'}|${monthSettled(m, now) ? 'settled' : clock}`);
  const needsDaily = (m: string) => m === month;
  const [, setComputed] = useState(0);

  useEffect(() => {
    if (!ready) return;
    let cancelled = false;
    void (async () => {
      // The month looked at first (its daily chart), then the others newest to oldest.
      for (const i of [...months.keys()].reverse()) {
        const m = months[i]!;
        if (usable(memo.get(keys[i]!), needsDaily(m))) continue;
        const { from, to } = monthRange(m);
        const { fromMs, toMs } = punchRangeFor(from, to);
        const punches: Punch[] = [];
        // A few days at a time: turning a plant's month of stored punches into plain records in one go would
        // hold the page as long as the computation itself.
        for (let start = fromMs; start < toMs; start += READ_MS) {
          const docs = await db.punches.find({ selector: { at: { $gte: start, $lt: Math.min(start + READ_MS, toMs) } } }).exec();
          if (cancelled) return;
          for (const d of docs) punches.push(stripMeta(d.toMutableJSON()) as Punch);
        }
        const sources: AttendanceSources = { ...schedules, employees: scoped, punches, requests, contactPendingDates: contactPending, now: Date.now() };
        const trend = await computeMonthTrend(sources, m, { daily: needsDaily(m), pause, cancelled: () => cancelled });
        if (!trend || cancelled) return;
        remember(memo, keys[i]!, trend);
        remember(latest, stable[i]!, trend);
        setComputed((n) => n + 1);
      }
    })().catch((err: unknown) => console.error('attendance trend', err));
    return () => {
      cancelled = true;
    };
  }, [ready, keys.join(','), month]); // eslint-disable-line react-hooks/exhaustive-deps

  const current = months.map((m, i) => usable(memo.get(keys[i]!), needsDaily(m)));
  const trends = months.map((m, i) => current[i] ?? usable(latest.get(stable[i]!), needsDaily(m)));
  return { months, trends, pending: current.filter((t) => t === null).length };
}

/** How many punches each month's range holds, live: an index count, so no punch is read to watch them. */
function usePunchCounts(months: readonly string[]): ReadonlyMap<string, number> | undefined {
  const { db } = useRenshi();
  const counts = useObservable(
    () =>
      combineLatest(
        months.map((m) => {
          const { from, to } = monthRange(m);
          const { fromMs, toMs } = punchRangeFor(from, to);
          return db.punches.count({ selector: { at: { $gte: fromMs, $lt: toMs } } }).$;
        }),
      ),
    [db, months.join(',')],
  );
  return useMemo(() => (counts ? new Map(months.map((m, i) => [m, counts[i]!])) : undefined), [counts, months]);
}

/** Renders again every minute: a month under way changes as shifts end. */
function useMinute(): void {
  const [, setMinute] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setMinute((m) => m + 1), 60_000);
    return () => clearInterval(timer);
  }, []);
}
