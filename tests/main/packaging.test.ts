import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve, sep } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';

/**
 * The electron-builder configuration, loaded and validated by electron-builder's own code, and its file
 * patterns run through electron-builder's own matcher: what the packaged app needs at run time must pass,
 * what it never uses must not. No packaging happens here (that downloads Electron); a pattern mistake would
 * otherwise only show as an installer that cannot start its sync server or write a PDF.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);

type Stat = { isDirectory(): boolean };
type Filter = (file: string, stat: Stat) => boolean;
type FileMatcherClass = new (from: string, to: string, expand: (s: string) => string, patterns: string[]) => { createFilter(): Filter };
const { FileMatcher } = require('app-builder-lib/out/fileMatcher') as { FileMatcher: FileMatcherClass };
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
  getConfig(projectDir: string, configPath: string | null, fromOptions: null): Promise<Config>;
  validateConfiguration(config: Config, logger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

type Config = {
  files: { filter?: string[] }[] | string[];
  npmRebuild?: boolean;
  win?: { target: { target: string }[] };
  linux?: { target: { target: string }[] };
};

let config: Config;
let patterns: string[];
/** App files (outside node_modules) as electron-builder's main matcher sees them. */
let appFilter: Filter;
/** Production node_modules: electron-builder applies only the exclusions there. */
let moduleFilter: Filter;
const FILE: Stat = { isDirectory: () => false };

/** Whether a project-relative path ends up in the app. */
const packaged = (path: string): boolean => {
  const abs = join(ROOT, path);
  return path.startsWith('node_modules/') ? moduleFilter(abs, FILE) : appFilter(abs, FILE);
};

const sourceFiles = (dir: string): string[] =>
  readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(e.name) ? [path] : [];
  });
const filesUnder = (dir: string): string[] =>
  readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(`${dir}/${e.name}`) : [`${dir}/${e.name}`]));

/** The main process is src-main (less web mode's host) with the shared code and the embedded server. */
const MAIN_SOURCES = () => ['src-main', 'src-server', 'src-shared'].flatMap(sourceFiles).filter((f) => !f.startsWith('src-main/host/'));

beforeAll(async () => {
  config = await getConfig(ROOT, null, null);
  await validateConfiguration(config, new DebugLogger(false));
  patterns = config.files.flatMap((f) => (typeof f === 'string' ? [f] : (f.filter ?? [])));
  // As getMainFileMatchers adds them: package.json always, node_modules handled by its own matcher.
  appFilter = new FileMatcher(ROOT, '/', (s) => s, [...patterns, 'package.json', '!**/node_modules/**']).createFilter();
  moduleFilter = new FileMatcher(ROOT, '/', (s) => s, ['**/*', ...patterns.filter((p) => p.startsWith('!'))]).createFilter();
});

describe('electron-builder configuration', () => {
  test('Windows NSIS and Linux AppImage; nothing rebuilt (no native modules, no node-gyp download)', () => {
    expect(config.win?.target.map((t) => t.target)).toEqual(['nsis']);
    expect(config.linux?.target.map((t) => t.target)).toEqual(['AppImage']);
    expect(config.npmRebuild).toBe(false);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string>; main: string };
    expect(pkg.scripts.dist).toMatch(/electron-vite build && electron-builder$/);
  });

  test('the PDF writer’s font weights are in, the unused weights and previews are out', () => {
    const source = readFileSync(join(ROOT, 'src-main/evidence/report-pdf.ts'), 'utf8');
    const used = [...source.matchAll(/require\.resolve\('(@expo-google-fonts\/noto-sans-sc\/[^']+)'\)/g)].map((m) => m[1]!);
    expect(used.length).toBeGreaterThanOrEqual(1);
    for (const spec of used) {
      const file = relative(ROOT, require.resolve(spec)).split(sep).join('/');
      expect(packaged(file), file).toBe(true);
    }
    expect(packaged('node_modules/@expo-google-fonts/noto-sans-sc/package.json')).toBe(true); // require.resolve needs it
    const weights = readdirSync(join(ROOT, 'node_modules/@expo-google-fonts/noto-sans-sc')).filter((n) => /^\d00[A-Za-z]+$/.test(n));
    const usedWeights = new Set(used.map((u) => u.split('/')[2]));
    const unused = weights.filter((w) => !usedWeights.has(w));
    expect(unused).toContain('100Thin');
    for (const w of unused) expect(packaged(`node_modules/@expo-google-fonts/noto-sans-sc/${w}/NotoSansSC_${w}.ttf`), w).toBe(false);
    expect(packaged('node_modules/@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf.png')).toBe(false);
  });

  test('everything the main process reads from disk at run time is included', () => {
    // Entry points: package.json main, and the preload and page the window loads (relative to out/main).
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { main: string };
    const entries = [pkg.main];
    for (const m of readFileSync(join(ROOT, 'src-main/index.ts'), 'utf8').matchAll(/'\.\.\/((?:preload|renderer)\/[^']+)'/g)) entries.push(`out/${m[1]}`);
    expect(entries).toEqual(expect.arrayContaining(['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html']));
    for (const e of entries) expect(packaged(e), e).toBe(true);
    expect(packaged('out/main/server-AbC123.js')).toBe(true); // the embedded server is a chunk next to index.js
    expect(packaged('out/renderer/assets/index-AbC123.js')).toBe(true);

    // Files read through a path (not bundled): `new URL('../../resources/...', import.meta.url)` resolves from
    // out/main/<chunk>.js to <app>/resources/..., the same depth as from the source file.
    const read = MAIN_SOURCES().flatMap((f) => [...readFileSync(join(ROOT, f), 'utf8').matchAll(/new URL\('((?:\.\.\/)+resources\/[^']*)', import\.meta\.url\)/g)].map((m) => ({ f, path: m[1]! })));
    expect(read.map((r) => r.path)).toContain('../../resources/holidays/');
    for (const { f, path } of read) {
      expect(f.split('/').length - 1, `${f} must sit two folders deep like out/main/*.js`).toBe(path.split('../').length - 1);
      const dir = path.replace(/^(\.\.\/)+/, '').replace(/\/$/, '');
      const files = filesUnder(dir);
      expect(files.length).toBeGreaterThan(0);
      for (const file of files) expect(packaged(file), file).toBe(true);
    }
    // The editable originals shipped with the app: templates, law knowledge base, holidays, keyword lists.
    for (const dir of ['resources/case-templates', 'resources/law', 'resources/holidays', 'resources/review']) {
      for (const file of filesUnder(dir)) expect(packaged(file), file).toBe(true);
    }
  });

  test('every package the main process requires (and what they require) is shipped; renderer-only ones are not', () => {
    const direct = new Set<string>();
    for (const f of MAIN_SOURCES()) {
      const text = readFileSync(join(ROOT, f), 'utf8');
      for (const m of text.matchAll(/(?:from|import\(|require\.resolve\()\s*'([^'.#/][^']*)'/g)) {
        const spec = m[1]!;
        if (spec.startsWith('node:') || spec === 'electron') continue;
        direct.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
      }
    }
    expect([...direct]).toEqual(expect.arrayContaining(['fastify', '@electric-sql/pglite', 'pdfkit', 'zod', '@expo-google-fonts/noto-sans-sc']));
    // Their production dependency closure, as npm installed it (hoisted or nested).
    const seen = new Set<string>();
    const visit = (name: string, fromDir: string) => {
      let dir = fromDir;
      let found: string | null = null;
      for (;;) {
        const candidate = join(dir, 'node_modules', name);
        if (existsSync(join(candidate, 'package.json'))) {
          found = candidate;
          break;
        }
        if (dir === ROOT || dir.length <= ROOT.length) break;
        dir = resolve(dir, '..');
      }
      if (!found) return; // an optional dependency not installed here
      const rel = relative(ROOT, found).split(sep).join('/');
      if (seen.has(rel)) return;
      seen.add(rel);
      const manifest = JSON.parse(readFileSync(join(found, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
      for (const dep of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies })) visit(dep, found);
    };
    for (const name of direct) visit(name, ROOT);
    expect(seen.size).toBeGreaterThan(direct.size);
    const missing = [...seen].filter((rel) => !packaged(`${rel}/package.json`));
    expect(missing).toEqual([]);
    // A file inside each (not only its manifest) passes too.
    for (const rel of seen) {
      const main = (JSON.parse(readFileSync(join(ROOT, rel, 'package.json'), 'utf8')) as { main?: string }).main;
      if (main && existsSync(join(ROOT, rel, main)) && statSync(join(ROOT, rel, main)).isFile()) expect(packaged(`${rel}/${main.replace(/^\.\//, '')}`), rel).toBe(true);
    }
    // Renderer-only packages stay out (Vite bundled them into out/renderer).
    for (const name of ['react', 'react-dom', 'rxdb', 'dexie', '@mantine/core', '@tabler/icons-react']) {
      expect(seen.has(`node_modules/${name}`), `${name} is required by main`).toBe(false);
      expect(packaged(`node_modules/${name}/package.json`), name).toBe(false);
    }
    // Source, tests and dev files never ship.
    for (const path of ['src-main/index.ts', 'src-server/server.ts', 'tests/main/packaging.test.ts', 'electron-builder.yml', 'dist-web/index.html', '.data/web/x']) expect(packaged(path), path).toBe(false);
  });
});
