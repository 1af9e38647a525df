import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startWebApp } from '../src-main/host/web-app.ts';
import { launchChromium } from '../tests/e2e/browser.ts';

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/**
 * Local database figures, measured in real Chromium (the storage the app actually uses):
 * 1. bulk insert of 10,000 employees through RxDB (with field encryption) vs Dexie's raw bulkPut;
 * 2. reading them all back: the decrypting RxDB query vs the directory's list, which leaves each employee's
 *    sensitive group encrypted until a screen reads it (src-renderer/db/employee-list.ts);
 * 3. first render of the employee directory with 10,000 employees, from navigation to the first row.
 */
export async function benchStorage(): Promise<void> {
  execFileSync('npx', ['vite', 'build', '--config', 'bench/browser/vite.config.ts', '--logLevel', 'error'], { stdio: 'inherit' });
  if (!process.env.BENCH_SKIP_WEB_BUILD) execFileSync('npx', ['vite', 'build', '--config', 'vite.web.config.ts', '--logLevel', 'error'], { stdio: 'inherit' });
  const browser = await launchChromium();
  try {
    const benchHost = await startWebApp({ port: 0, dataDir: mkdtempSync(join(tmpdir(), 'renshi-bench-')), staticDir: resolve('dist-bench') });
    const page = await browser.newPage();
    await page.goto(`${benchHost.url}/index.html?n=10000`);
    await page.waitForFunction(() => (window as unknown as { __bench?: unknown }).__bench, null, { timeout: 300_000 });
    const r = (await page.evaluate(() => (window as unknown as { __bench: unknown }).__bench)) as { n: number; rawMs: number; rxMs: number; readMs: number; listMs: number; error?: string };
    await benchHost.close();
    if (r.error) throw new Error(r.error);
    const rawRate = (r.n / r.rawMs) * 1000;
    const rxRate = (r.n / r.rxMs) * 1000;
    console.log(`storage: bulk insert ${r.n} employees  RxDB+encryption ${fmt(rxRate)} docs/s (${fmt(r.rxMs)} ms)  raw Dexie bulkPut ${fmt(rawRate)} docs/s (${fmt(r.rawMs)} ms)  ratio ${(rxRate / rawRate).toFixed(2)}x of the storage limit`);
    console.log(`storage: read back all ${r.n} employees (decrypting) ${fmt(r.readMs)} ms; the directory's list (sensitive fields left encrypted until read) ${fmt(r.listMs)} ms`);

    // Directory first render: seed 10,000 employees on a first load, then time a fresh load.
    const appHost = await startWebApp({ port: 0, dataDir: mkdtempSync(join(tmpdir(), 'renshi-bench-app-')), demoData: true, demoEmployees: 10_000 });
    const app = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await app.goto(appHost.url);
    await app.waitForSelector('[data-testid="employee-row"]', { timeout: 300_000 });
    // Time the directory itself: with sync on, the first loads also push 10,000 employees to the embedded
    // server and compete for the same two cores.
    await fetch(`${appHost.url}/bridge/settingsSet`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ serverMode: 'offline' }) });
    const runs: number[] = [];
    for (let i = 0; i < 3; i++) {
      await app.reload();
      await app.waitForSelector('[data-testid="employee-row"]', { timeout: 120_000, state: 'attached' });
      runs.push(await app.evaluate(() => performance.now()));
    }
    const count = await app.locator('[data-testid="employee-row"]').count();
    await appHost.close();
    runs.sort((a, b) => a - b);
    console.log(`storage: directory first render with 10,000 employees (sync off): median ${fmt(runs[1]!)} ms (runs ${runs.map(fmt).join(', ')}; ${count} rows in the DOM thanks to virtualisation)`);
  } finally {
    await browser.close();
  }
}
