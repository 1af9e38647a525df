import { useEffect, useState } from 'react';
import { contactPendingDates } from '#shared/escalation/missed-punch-escalation';
import { localDateOf } from '#shared/time';
import { escalationClient } from '../alerts/escalation-client.ts';
import { useSync } from '../../sync/sync-provider.tsx';

/**
 * Days on which an employee's absence is "unexplained, contact pending" (待联系) because a lost-contact
 * case is open: read from the sync server's escalation cases, refreshed every minute. Without a server
 * (offline, or a role that may not read cases) the map is empty and absences show as plain 缺勤.
 */
export function useContactPendingDates(): ReadonlyMap<string, ReadonlySet<string>> {
  const { session } = useSync();
  const [dates, setDates] = useState<ReadonlyMap<string, ReadonlySet<string>>>(new Map());
  useEffect(() => {
    if (!session?.serverUrl || !session.token) return;
    const client = escalationClient({ serverUrl: session.serverUrl, token: session.token });
    let cancelled = false;
    const load = () =>
      client
        .items('cases')
        .then((items) => {
          if (cancelled) return;
          const today = localDateOf(Date.now());
          const byEmployee = new Map<string, ReadonlySet<string>>();
          for (const employeeId of new Set(items.flatMap((i) => (i.case ? [i.case.employeeId] : [])))) {
            byEmployee.set(employeeId, contactPendingDates(items, employeeId, today));
          }
          setDates(byEmployee);
        })
        .catch(() => undefined);
    void load();
    const timer = setInterval(load, 60_000);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [session?.serverUrl, session?.token]);
  return dates;
}
