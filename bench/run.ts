// `npm run bench`: every performance figure in one run, each next to its baseline measured in the same run.
// Select parts with BENCH=storage,attendance,devices,sync (default: all).
import { existsSync } from 'node:fs';

const PARTS = ['attendance', 'devices', 'storage', 'sync'];
const wanted = (process.env.BENCH ?? PARTS.join(',')).split(',').filter((p) => PARTS.includes(p));
let failed = false;
for (const name of wanted) {
  const file = new URL(`./${name}.ts`, import.meta.url);
  if (!existsSync(file)) {
    console.log(`\n== ${name} == (not built yet)`);
    continue;
  }
  const started = Date.now();
  try {
    const mod = (await import(file.href)) as Record<string, unknown>;
    const fn = Object.entries(mod).find(([k, v]) => k.startsWith('bench') && typeof v === 'function')?.[1] as (() => Promise<void>) | undefined;
    if (!fn) throw new Error(`bench/${name}.ts exports no bench function`);
    console.log(`\n== ${name} ==`);
    await fn();
    console.log(`(${name}: ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } catch (err) {
    failed = true;
    console.error(`bench ${name} failed:`, err);
  }
}
process.exit(failed ? 1 : 0);
