import { startWebApp } from './web-app.ts';

// `npm run start:web`: the app in a browser, with the same services the desktop main process runs.
const port = Number(process.env.PORT ?? 4800);
const dataDir = process.env.RENSHI_DATA_DIR ?? '.data/web';
const demoData = (process.env.RENSHI_DEMO ?? '1') !== '0';
const demoEmployees = Number(process.env.RENSHI_DEMO_EMPLOYEES ?? 300);

const host = await startWebApp({ port, dataDir, demoData, demoEmployees, embeddedServerPort: Number(process.env.SERVER_PORT ?? 8787) });
console.log(`Renshi web mode: open ${host.url}  (data: ${dataDir}${demoData ? ', demo data on' : ''})`);
const stop = () => void host.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
