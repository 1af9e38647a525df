import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, test } from 'vitest';
import { ADMIN, Api, dropSchema, login, PG_URL, postgresAvailable, testSchema } from './support/backends.ts';
import { punch, row } from './support/fixtures.ts';

const pgUp = await postgresAvailable();
const START = fileURLToPath(new URL('../../src-server/start.ts', import.meta.url));

/** `npm run server` as a child process; resolves with its URL once it listens. */
function startChild(schema: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', START], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: PG_URL, DB_SCHEMA: schema, RENSHI_ADMIN_PASSWORD: ADMIN.password },
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

describe.skipIf(!pgUp)('server killed mid-push', () => {
  const schema = testSchema();
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    if (pgUp) await dropSchema(schema);
  });

  test('after SIGKILL and restart nothing is lost and nothing is duplicated', { timeout: 90_000 }, async () => {
    const first = await startChild(schema);
    children.push(first.child);
    const api = await login(first.url, ADMIN.username, ADMIN.password);
    expect((await api.push('punches', batch(0))).status).toBe(200);

    // Several pushes in flight, then the process dies without any chance to clean up.
    const inFlight = [1, 2, 3, 4, 5].map((b) => api.push('punches', batch(b)).then((r) => r.status, () => 'failed' as const));
    await new Promise((r) => setTimeout(r, 150));
    first.child.kill('SIGKILL');
    const outcomes = await Promise.all(inFlight);
    expect(outcomes).toContain('failed');

    const db = new pg.Client({ connectionString: PG_URL });
    await db.connect();
    try {
      const count = async () => Number((await db.query(`SELECT count(*) AS n FROM ${schema}.docs WHERE collection = 'punches'`)).rows[0].n);
      const afterCrash = await count();
      // Each push is one transaction: it landed whole or not at all.
      expect(afterCrash % BATCH).toBe(0);
      expect(afterCrash).toBeGreaterThanOrEqual(BATCH);
      expect(afterCrash).toBeLessThan(BATCH * BATCHES);

      // The replica does what RxDB does after an error: it sends everything not confirmed again.
      const second = await startChild(schema);
      children.push(second.child);
      const again = new Api(second.url, api.token); // tokens are server-side rows and survive the restart
      for (let b = 1; b < BATCHES; b++) {
        const res = await again.push('punches', batch(b));
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ conflicts: [], rejections: [] });
      }
      expect(await count()).toBe(BATCH * BATCHES);

      const ids: string[] = [];
      const seqs: number[] = [];
      let query = 'limit=5000';
      for (;;) {
        const page = (await again.pull('punches', query)).body;
        if (!page.documents.length) break;
        ids.push(...page.documents.map((d: { id: string }) => d.id));
        seqs.push(page.checkpoint.serverSeq);
        query = `limit=5000&id=${encodeURIComponent(page.checkpoint.id)}&serverSeq=${page.checkpoint.serverSeq}`;
      }
      expect(ids).toHaveLength(BATCH * BATCHES);
      expect(new Set(ids).size).toBe(BATCH * BATCHES);
      expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
      second.child.kill('SIGTERM');
    } finally {
      await db.end();
    }
  });
});
