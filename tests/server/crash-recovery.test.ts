import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { ADMIN, Api, dropSchema, login, PG_URL, postgresAvailable, testSchema, type Backend } from './support/backends.ts';
import { punch, row } from './support/fixtures.ts';

const pgUp = await postgresAvailable();
const START = fileURLToPath(new URL('../../src-server/start.ts', import.meta.url));

/** `npm run server` as a child process; resolves with its URL once it listens. */
function startChild(db: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const { DATABASE_URL: _, ...inherited } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', START], {
    env: { ...inherited, PORT: '0', HOST: '127.0.0.1', RENSHI_ADMIN_PASSWORD: ADMIN.password, ...db },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve({ child, url: m[1]! });
      }
    });
    child.once('exit', (code) => (clearTimeout(t), reject(new Error(`server exited with ${code}: ${out}`))));
  });
}

const BATCH = 2_000;
const BATCHES = 6;
const batch = (b: number) => Array.from({ length: BATCH }, (_, i) => row(punch(String(b), 1_700_000_000_000 + i * 1_000)));

async function countPunches(api: Api): Promise<{ ids: string[]; seqs: number[] }> {
  const ids: string[] = [];
  const seqs: number[] = [];
  let query = 'limit=5000';
  for (;;) {
    const page = (await api.pull('punches', query)).body;
    if (!page.documents.length) return { ids, seqs };
    ids.push(...page.documents.map((d: { id: string }) => d.id));
    seqs.push(page.checkpoint.serverSeq);
    query = `limit=5000&id=${encodeURIComponent(page.checkpoint.id)}&serverSeq=${page.checkpoint.serverSeq}`;
  }
}

const backends: Backend[] = ['pglite', ...(pgUp ? (['postgres'] as const) : [])];

describe.each(backends)('server on %s killed mid-push', (backend) => {
  const schema = testSchema();
  const dataDir = mkdtempSync(join(tmpdir(), 'renshi-crash-'));
  const db: Record<string, string> = backend === 'postgres' ? { DATABASE_URL: PG_URL, DB_SCHEMA: schema } : { DATA_DIR: dataDir };
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    if (backend === 'postgres') await dropSchema(schema);
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('after SIGKILL and restart nothing is lost and nothing is duplicated', { timeout: 90_000 }, async () => {
    const first = await startChild(db);
    children.push(first.child);
    const api = await login(first.url, ADMIN.username, ADMIN.password);
    expect((await api.push('punches', batch(0))).status).toBe(200);

    // Several pushes in flight (they queue on the collection lock); as soon as the first one is confirmed the
    // process dies without any chance to clean up, with the others mid-transaction or waiting.
    const inFlight = [1, 2, 3, 4, 5].map((b) => api.push('punches', batch(b)).then((r) => r.status, () => 'failed' as const));
    await Promise.race([...inFlight, new Promise((r) => setTimeout(r, 5_000))]);
    first.child.kill('SIGKILL');
    const outcomes = await Promise.all(inFlight);
    expect(outcomes).toContain('failed');
    const confirmed = outcomes.filter((o) => o === 200).length;

    const second = await startChild(db);
    children.push(second.child);
    const again = new Api(second.url, api.token); // tokens are server-side rows and survive the restart
    const afterCrash = (await countPunches(again)).ids.length;
    // Each push is one transaction: it landed whole or not at all, and every confirmed push survived.
    expect(afterCrash % BATCH).toBe(0);
    expect(afterCrash).toBeGreaterThanOrEqual(BATCH * (1 + confirmed));
    expect(afterCrash).toBeLessThan(BATCH * BATCHES);

    // The replica does what RxDB does after an error: it sends everything not confirmed again.
    for (let b = 1; b < BATCHES; b++) {
      const res = await again.push('punches', batch(b));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ conflicts: [], rejections: [] });
    }
    const { ids, seqs } = await countPunches(again);
    expect(ids).toHaveLength(BATCH * BATCHES);
    expect(new Set(ids).size).toBe(BATCH * BATCHES);
    expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
    second.child.kill('SIGTERM');
  });
});
