// Where the directory's first render with 10,000 employees spends its time: a CPU profile of one reload
// (sync off, database already seeded), taken in real Chromium through the DevTools protocol.
//   npx vite build --config vite.web.config.ts --outDir /tmp/renshi-prof-web --emptyOutDir --minify false --sourcemap
//   node --import tsx bench/profile-directory.ts /tmp/renshi-prof-web [out.cpuprofile]
// Self time is grouped by source package (through the bundle's source map), inclusive time by the functions
// that make up the read path, and a timeline shows which part ran when.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TraceMap, originalPositionFor } from '@jridgewell/trace-mapping';
import { startWebApp } from '../src-main/host/web-app.ts';
import { launchChromium } from '../tests/e2e/browser.ts';

type Frame = { functionName: string; url: string; lineNumber: number; columnNumber: number };
type Node = { id: number; callFrame: Frame; children?: number[] };
type Profile = { nodes: Node[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] };

const staticDir = resolve(process.argv[2] ?? 'dist-web');
const out = process.argv[3];
const INTERESTING = [
  'boot', 'openRenshiDatabase', 'createRxDatabase', 'addCollections', 'decryptString', 'cloneWithoutAttachments', 'modifyFromStorage',
  'toMutableJSON', 'toJSON', 'stripMeta', 'filterEmployees', 'sortEmployees', 'hasExpiringCertificate', 'useEmployees', 'useDirectoryEmployees',
  'getCachedRxDocuments', 'mapDocumentsDataToCacheDocs', 'query', 'dexieQuery', 'getDocsInDb', 'EmployeeDirectory', 'performWorkUntilDeadline', 'deepFreeze',
];

async function main() {
  const browser = await launchChromium();
  const host = await startWebApp({ port: 0, dataDir: mkdtempSync(join(tmpdir(), 'renshi-prof-')), demoData: true, demoEmployees: 10_000, staticDir });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(host.url);
    await page.waitForSelector('[data-testid="employee-row"]', { timeout: 300_000 });
    await fetch(`${host.url}/bridge/settingsSet`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ serverMode: 'offline' }) });
    await page.reload();
    await page.waitForSelector('[data-testid="employee-row"]', { timeout: 120_000, state: 'attached' });

    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
    await page.reload();
    await page.waitForSelector('[data-testid="employee-row"]', { timeout: 120_000, state: 'attached' });
    const firstRowMs = await page.evaluate(() => performance.now());
    const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: Profile };
    if (out) writeFileSync(out, JSON.stringify(profile));
    report(profile, firstRowMs);
  } finally {
    await host.close();
    await browser.close();
  }
}

function report(p: Profile, firstRowMs: number) {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const maps = new Map<string, TraceMap | null>();
  const sourceOf = (f: Frame): string => {
    if (!f.url) return f.functionName ? `(${f.functionName})` : '(native)';
    if (!maps.has(f.url)) {
      let tm: TraceMap | null = null;
      const m = /\/assets\/[^/?#]+\.js$/.exec(f.url);
      if (m) {
        try {
          tm = new TraceMap(readFileSync(join(staticDir, m[0].slice(1) + '.map'), 'utf8'));
        } catch {
          tm = null;
        }
      }
      maps.set(f.url, tm);
    }
    const tm = maps.get(f.url);
    if (!tm || f.lineNumber < 0) return f.url;
    const pos = originalPositionFor(tm, { line: f.lineNumber + 1, column: f.columnNumber });
    return pos.source ?? f.url;
  };
  const pkgOf = (src: string): string => {
    const nm = src.lastIndexOf('node_modules/');
    if (nm >= 0) {
      const rest = src.slice(nm + 'node_modules/'.length).split('/');
      const pkg = rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
      if (pkg === 'rxdb') return `rxdb/${rest.includes('plugins') ? rest[rest.indexOf('plugins') + 1] : rest[rest.length - 1]}`;
      return pkg;
    }
    const app = /(src-renderer|src-shared)\/.*$/.exec(src);
    return app ? app[0] : src;
  };
  const srcCache = new Map<number, string>();
  const nodeSrc = (id: number) => {
    let s = srcCache.get(id);
    if (s === undefined) srcCache.set(id, (s = pkgOf(sourceOf(byId.get(id)!.callFrame))));
    return s;
  };

  const selfByPkg = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const timeline = new Map<number, Map<string, number>>();
  let t = 0;
  const total = p.timeDeltas.reduce((a, b) => a + b, 0) / 1000;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = (p.timeDeltas[i + 1] ?? 0) / 1000;
    t += p.timeDeltas[i]! / 1000;
    const leaf = p.samples[i]!;
    const leafSrc = nodeSrc(leaf);
    selfByPkg.set(leafSrc, (selfByPkg.get(leafSrc) ?? 0) + dt);
    const seen = new Set<string>();
    let bucketLabel = leafSrc;
    for (let id: number | undefined = leaf; id !== undefined; id = parent.get(id)) {
      const name = byId.get(id)!.callFrame.functionName;
      if (INTERESTING.includes(name) && !seen.has(name)) {
        seen.add(name);
        inclusive.set(name, (inclusive.get(name) ?? 0) + dt);
      }
    }
    if (seen.has('decryptString')) bucketLabel = 'decrypt';
    else if (seen.has('toMutableJSON') || seen.has('stripMeta')) bucketLabel = 'toMutableJSON/stripMeta';
    const b = Math.floor(t / 250);
    const row = timeline.get(b) ?? new Map<string, number>();
    row.set(bucketLabel, (row.get(bucketLabel) ?? 0) + dt);
    timeline.set(b, row);
  }
  const fmt = (n: number) => `${Math.round(n).toString().padStart(6)} ms`;
  console.log(`profiled ${Math.round(total)} ms; first row at performance.now() = ${Math.round(firstRowMs)} ms`);
  console.log('\nself time by source:');
  for (const [k, v] of [...selfByPkg].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${fmt(v)}  ${k}`);
  console.log('\ninclusive time of read-path functions:');
  for (const [k, v] of [...inclusive].sort((a, b) => b[1] - a[1])) console.log(`${fmt(v)}  ${k}`);
  console.log('\ntimeline (250 ms buckets, top three sources each):');
  for (const [b, row] of [...timeline].sort((a, b) => a[0] - b[0])) {
    const top = [...row].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([k, v]) => `${k} ${Math.round(v)}`);
    console.log(`${String(b * 250).padStart(6)} ms: ${top.join(' | ')}`);
  }
}

// ANALYZE=1 re-reads a saved profile instead of taking a new one.
if (process.env.ANALYZE && out) report(JSON.parse(readFileSync(out, 'utf8')) as Profile, NaN);
else await main();
