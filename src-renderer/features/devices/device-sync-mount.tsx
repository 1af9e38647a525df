import { useEffect } from 'react';
import { useRenshi } from '../../app/context.tsx';
import { startDeviceSync } from './device-sync.ts';

/** Mounted once in the shell: keeps the poller configured and stores the punches it delivers. */
export function DeviceSync() {
  const { db, api } = useRenshi();
  useEffect(() => startDeviceSync(db, api), [db, api]);
  return null;
}
