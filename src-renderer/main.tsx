import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.tsx';
import { RenshiProvider } from './app/context.tsx';
import { getBridge } from './bridge/web-bridge.ts';
import { SyncProvider } from './sync/sync-provider.tsx';
import { AuditLog } from './db/audit-log.ts';
import { openRenshiDatabase } from './db/database.ts';
import { seedDemoIfEmpty } from './db/demo-seed.ts';
import { serverHasCompany } from './sync/server-has-data.ts';

async function boot() {
  const api = getBridge();
  const [info, { secret }] = await Promise.all([api.appInfo({}), api.databaseSecret({})]);
  const db = await openRenshiDatabase({ name: `renshi-${info.replicaId}`, secret });
  const audit = new AuditLog(db, info.replicaId);
  const actor = 'hr-operator';
  if (info.demoData && (await db.org.count().exec()) === 0 && !(await serverHasCompany(api))) {
    await seedDemoIfEmpty({ db, audit, actor }, { employees: info.demoEmployees });
  }
  createRoot(document.getElementById('root')!).render(
    <RenshiProvider value={{ api, info, db, audit, actor }}>
      <SyncProvider>
        <App />
      </SyncProvider>
    </RenshiProvider>,
  );
}

boot().catch((err: unknown) => {
  document.getElementById('root')!.textContent = `启动失败 / Failed to start: ${err instanceof Error ? err.message : String(err)}`;
  console.error(err);
});
