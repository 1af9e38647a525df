import { createContext, useContext, type ReactNode } from 'react';
import type { AppInfo, RenshiApi } from '#shared/ipc/contract';
import type { AuditLog } from '../db/audit-log.ts';
import type { RenshiDatabase } from '../db/database.ts';
import type { WriteContext } from '../db/records.ts';

/** What every screen needs: the bridge to main, the local database, and who is acting (for the audit trail). */
export type RenshiContext = {
  api: RenshiApi;
  info: AppInfo;
  db: RenshiDatabase;
  audit: AuditLog;
  actor: string;
};

const Ctx = createContext<RenshiContext | null>(null);

export function RenshiProvider({ value, children }: { value: RenshiContext; children: ReactNode }) {
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useRenshi(): RenshiContext {
  const ctx = useContext(Ctx);
  if (!ctx) throw new Error('useRenshi outside RenshiProvider');
  return ctx;
}

export function useWriteContext(): WriteContext {
  const { db, audit, actor } = useRenshi();
  return { db, audit, actor };
}
