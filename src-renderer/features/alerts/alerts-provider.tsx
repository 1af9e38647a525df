import { notifications } from '@mantine/notifications';
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useRenshi } from '../../app/context.tsx';
import { useSync } from '../../sync/sync-provider.tsx';
import { escalationClient, type EscalationClient, type HrAlert, type InAppMessage } from './escalation-client.ts';

/** How often the inbox and the nav badge ask the server (it offers no alert stream). */
export const ALERT_POLL_MS = 15_000;

export type AlertsState = {
  /** null: this terminal has no sync session, so there is nothing to ask (not an error). */
  client: EscalationClient | null;
  /** HR alerts, newest first, acknowledged ones included. */
  alerts: HrAlert[];
  messages: InAppMessage[];
  unread: number;
  loaded: boolean;
  error: string | null;
  refresh: () => Promise<void>;
};

const Ctx = createContext<AlertsState>({ client: null, alerts: [], messages: [], unread: 0, loaded: false, error: null, refresh: async () => {} });

/**
 * Polls the sync server for HR alerts and the in-app inbox while the app is open, so the nav badge and the
 * inbox agree. Screens call `refresh()` after acting so they do not wait for the next poll.
 */
export function AlertsProvider({ children }: { children: ReactNode }) {
  const { session } = useSync();
  const serverUrl = session?.serverUrl ?? null;
  const token = session?.token ?? null;
  const client = useMemo(() => (serverUrl && token ? escalationClient({ serverUrl, token }) : null), [serverUrl, token]);
  const [alerts, setAlerts] = useState<HrAlert[]>([]);
  const [messages, setMessages] = useState<InAppMessage[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const generation = useRef(0);

  const refresh = useCallback(async () => {
    if (!client) return;
    const mine = generation.current;
    try {
      const [a, m] = await Promise.all([client.alerts(false), client.inbox().catch(() => [] as InAppMessage[])]);
      if (mine !== generation.current) return;
      setAlerts(a);
      setMessages(m);
      setError(null);
    } catch (err) {
      if (mine === generation.current) setError(err instanceof Error ? err.message : String(err));
    } finally {
      if (mine === generation.current) setLoaded(true);
    }
  }, [client]);

  useEffect(() => {
    generation.current += 1;
    setAlerts([]);
    setMessages([]);
    setLoaded(false);
    setError(null);
    if (!client) return;
    void refresh();
    const timer = setInterval(() => void refresh(), ALERT_POLL_MS);
    return () => clearInterval(timer);
  }, [client, refresh]);

  const unread = useMemo(() => alerts.filter((a) => a.acknowledgedAt === null).length, [alerts]);
  const value = useMemo(() => ({ client, alerts, messages, unread, loaded, error, refresh }), [client, alerts, messages, unread, loaded, error, refresh]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export const useAlerts = () => useContext(Ctx);

/**
 * Shows the main process's `notification` events inside the page. In web mode this is the only way the
 * alert watcher's notifications reach the operator; on the desktop the OS shows them as well.
 */
/** A note's body is lines (the message's subject, then its text): kept as lines, not run into one. */
export const NOTE_STYLES = { description: { whiteSpace: 'pre-line' } } as const;

export function BridgeNotifications() {
  const { api } = useRenshi();
  useEffect(
    () =>
      api.on('notification', (note) => {
        notifications.show({ ...(note.id ? { id: note.id } : {}), title: note.title, message: note.body, color: 'red', autoClose: 15_000, withBorder: true, styles: NOTE_STYLES, 'data-testid': 'bridge-notification' } as Parameters<typeof notifications.show>[0]);
      }),
    [api],
  );
  return null;
}
