// Guards the architecture's import boundaries (see ../shared/ARCHITECTURE.md):
// - src-shared is pure domain: zod and its own files only (no node:*, electron, react, rxdb, pg…).
// - src-renderer runs in a sandboxed page: no node:*, electron, src-main or src-server.
// - src-main and src-server never import the UI.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const rules = {
  'src-shared': (spec) => spec === 'zod' || spec.startsWith('.') || spec.startsWith('#shared/'),
  'src-renderer': (spec) => !/^(node:|electron$|fs$|path$|net$)/.test(spec) && !/src-(main|server)\//.test(spec),
  'src-main': (spec) => !/src-renderer\//.test(spec) && !/^react/.test(spec),
  'src-server': (spec) => !/src-renderer\//.test(spec) && !/^(react|electron$)/.test(spec),
};

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (/\.(ts|tsx|mts)$/.test(name)) yield p;
  }
}

const importRe = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
const problems = [];
for (const [root, allowed] of Object.entries(rules)) {
  let list;
  try {
    list = [...files(root)];
  } catch {
    continue;
  }
  for (const file of list) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(importRe)) {
      const spec = m[1] ?? m[2];
      if (!allowed(spec)) problems.push(`${relative('.', file)}: may not import '${spec}'`);
    }
  }
}
if (problems.length) {
  console.error(`Import boundary violations:\n${problems.join('\n')}`);
  process.exit(1);
}
console.log('import boundaries: ok');
