import { notifications } from '@mantine/notifications';
import { useEffect, useRef } from 'react';
import { DEFAULT_TAKEOVER_MS } from '#shared/escalation/terminal-escalation';
import { useRenshi } from '../../app/context.tsx';
import { useSync } from '../../sync/sync-provider.tsx';
import { NOTE_STYLES } from './alerts-provider.tsx';
import { offlineEscalationTick, storedShown } from './offline-escalation.ts';

const TICK_MS = 60_000;

/**
 * Runs the missed-punch chain on this terminal once the sync server has been out of reach for the
 * configured time (terminal setting `offlineTakeoverMinutes`, default 10), every minute until it answers
 * again. The server takes over as soon as it is back: the chains replicate and it merges them.
 */
export function OfflineEscalationRunner() {
  const { api, db } = useRenshi();
  const { status } = useSync();
  const online = status?.online === true;
  const offlineSince = useRef<number | null>(null);
  if (online) offlineSince.current = null;
  else if (offlineSince.current === null) offlineSince.current = Date.now();

  useEffect(() => {
    if (online) return;
    let cancelled = false;
    let takeoverMs = DEFAULT_TAKEOVER_MS;
    let siteId: string | null = null;
    const shown = storedShown(window.localStorage);
    const tick = async () => {
      const since = offlineSince.current;
      if (cancelled || since === null || Date.now() - since < takeoverMs) return;
      try {
        await offlineEscalationTick({ db, now: Date.now(), shown, siteId, notify: async (note) => {
          // Shown in the page at once (the bridge's event stream may not be connected yet right after a
          // start), and by the OS through main; the bridge's echo carries the same id, so it shows once.
          notifications.show({ id: note.id, title: note.title, message: note.body, color: 'red', autoClose: 30_000, withBorder: true, styles: NOTE_STYLES });
          await api.notify(note);
          return true;
        } });
      } catch (err) {
        console.error('offline escalation tick failed', err);
      }
    };
    void api
      .settingsGet({})
      .then((s) => {
        takeoverMs = s.offlineTakeoverMinutes * 60_000;
        siteId = s.siteId;
      })
      .catch(() => undefined)
      .finally(() => void tick());
    const timer = setInterval(() => void tick(), TICK_MS);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [online, api, db]);
  return null;
}
