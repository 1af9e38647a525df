// `npm start` / `npm run start:web`: the whole product on one machine for a newcomer: simulated attendance
// terminals and the app (which runs the embedded sync server) (desktop window, or web mode for a browser) with a
// demo factory. Data lives in .data/ (delete it to start over).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const desktop = process.argv.includes('--desktop');
const children: ChildProcess[] = [];
const run = (cmd: string, args: string[], env: Record<string, string> = {}) => {
  const child = spawn(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  children.push(child);
  child.on('exit', (code) => {
    if (code && code !== 0) console.error(`${cmd} ${args.join(' ')} exited with ${code}`);
  });
  return child;
};
const stopAll = () => {
  for (const c of children) c.kill('SIGTERM');
  process.exit(0);
};
process.on('SIGINT', stopAll);
process.on('SIGTERM', stopAll);

const step = (what: string, cmd: string, args: string[]) => {
  console.log(`» ${what}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

run('node', ['--import', 'tsx', 'tests/simulators/start.ts']);
// The app runs the sync server itself ('embedded' mode, port 8787, data in its data dir); point it at a
// remote server in its settings instead, or run one alone with `npm run server`.

if (desktop) {
  // Electron 45 downloads its binary on first use rather than at install time.
  if (!existsSync(resolve('node_modules/electron/path.txt'))) step('installing the Electron binary', 'npx', ['install-electron']);
  step('building the desktop app', 'npx', ['electron-vite', 'build']);
  run('npx', ['electron-vite', 'preview'], { RENSHI_DEMO: '1' });
} else {
  step('building the web UI', 'npx', ['vite', 'build', '--config', 'vite.web.config.ts', '--logLevel', 'warn']);
  run('node', ['--import', 'tsx', 'src-main/host/start-web.ts'], { RENSHI_DEMO: process.env.RENSHI_DEMO ?? '1' });
}
