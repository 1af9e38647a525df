import { useEffect, useMemo, useState } from 'react';
import type { DeviceStatus } from '#shared/ipc/devices-contract';
import type { Device } from '#shared/schemas/attendance-setup';
import type { Employee } from '#shared/schemas/employee';
import type { Punch } from '#shared/schemas/punch';
import { useRenshi } from '../../app/context.tsx';
import { useObservable } from '../../components/use-observable.ts';
import { stripMeta } from '../../db/records.ts';

/** Device documents from `settings`, live, by name. */
export function useDeviceDocs(): { loaded: boolean; devices: Device[] } {
  const { db } = useRenshi();
  const docs = useObservable(() => db.settings.find({ selector: { kind: 'device' } }).$, [db]);
  return useMemo(
    () => ({
      loaded: docs !== undefined,
      devices: (docs ?? []).map((d) => stripMeta(d.toMutableJSON()) as Device).sort((a, b) => a.name.localeCompare(b.name, 'zh-CN')),
    }),
    [docs],
  );
}

/** What the poller says about each device: fetched once, then kept current by `deviceStatus` events. */
export function useDeviceStatuses(): Map<string, DeviceStatus> {
  const { api } = useRenshi();
  const [statuses, setStatuses] = useState<Map<string, DeviceStatus>>(new Map());
  useEffect(() => {
    let alive = true;
    const refresh = () =>
      api
        .devicesStatus({})
        .then((r) => alive && setStatuses(new Map(r.devices.map((s) => [s.deviceId, s]))))
        .catch(() => {});
    void refresh();
    const off = api.on('deviceStatus', (s) => setStatuses((prev) => new Map(prev).set(s.deviceId, s)));
    // Statuses of devices just configured (or removed) arrive with the next poll; refresh now and then too.
    const timer = setInterval(refresh, 15_000);
    return () => {
      alive = false;
      off();
      clearInterval(timer);
    };
  }, [api]);
  return statuses;
}

/** The latest punches, newest first. */
export function useLatestPunches(limit: number): Punch[] | undefined {
  const { db } = useRenshi();
  const docs = useObservable(() => db.punches.find({ sort: [{ at: 'desc' }], limit }).$, [db, limit]);
  return useMemo(() => docs?.map((d) => stripMeta(d.toMutableJSON()) as Punch), [docs]);
}

/**
 * Punches whose PIN matches no employee, counted per device serial. Stored without an employee at ingest;
 * once HR gives someone that PIN they count for that person (attendance matches by PIN too) and drop out.
 */
export function useUnmatchedCounts(employees: readonly Employee[]): Map<string, number> {
  const { db } = useRenshi();
  const docs = useObservable(() => db.punches.find({ selector: { employeeId: null } }).$, [db]);
  return useMemo(() => {
    const pins = new Set(employees.map((e) => e.devicePin).filter(Boolean));
    const m = new Map<string, number>();
    for (const d of docs ?? []) if (!pins.has(d.pin)) m.set(d.deviceSerial, (m.get(d.deviceSerial) ?? 0) + 1);
    return m;
  }, [docs, employees]);
}

export function employeesById(employees: readonly Employee[]): Map<string, Employee> {
  return new Map(employees.map((e) => [e.id, e]));
}

export function employeesByPin(employees: readonly Employee[]): Map<string, Employee> {
  const m = new Map<string, Employee>();
  for (const e of employees) if (e.devicePin) m.set(e.devicePin, e);
  return m;
}
