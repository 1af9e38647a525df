import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ADMIN, dropSchema, login, postgresAvailable, startTestServer, testSchema, type Api } from './support/backends.ts';
import { employee, punch, row } from './support/fixtures.ts';
import { listen } from './support/stream.ts';

const pgUp = await postgresAvailable();

/** Two stateless server instances over one PostgreSQL: LISTEN/NOTIFY carries live changes between them. */
describe.skipIf(!pgUp)('two server instances on one PostgreSQL', () => {
  const schema = testSchema();
  let one: Awaited<ReturnType<typeof startTestServer>>;
  let two: Awaited<ReturnType<typeof startTestServer>>;
  let apiOne: Api;
  let apiTwo: Api;

  beforeAll(async () => {
    // Started together: migrations must serialise on their advisory lock, not fail or run twice.
    [one, two] = await Promise.all([startTestServer('postgres', { dbSchema: schema }), startTestServer('postgres', { dbSchema: schema })]);
    apiOne = await login(one.url, ADMIN.username, ADMIN.password);
    apiTwo = await login(two.url, ADMIN.username, ADMIN.password); // sessions live in the database, not the instance
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
    if (pgUp) await dropSchema(schema);
  });

  test('a write through one instance appears on the stream of the other', async () => {
    const stream = listen(`${two.url}/sync/punches/pull-stream`, apiTwo.token!);
    try {
      await stream.waitFor((e) => e.name === 'resync');
      const p = punch('99', 1_700_000_999_000);
      expect((await apiOne.push('punches', [row(p)])).body.rejections).toEqual([]);
      const ev = await stream.waitFor((e) => e.name === 'changes' && e.data.documents.some((d: { id: string }) => d.id === p.id), 5_000);
      expect(ev.data.documents.find((d: { id: string }) => d.id === p.id)).toEqual({ ...p, _deleted: false });
    } finally {
      stream.close();
    }
  });

  test('checkpoints are global: pulling from either instance gives the same order', async () => {
    await apiOne.push('employees', [row(employee('m1'))]);
    await apiTwo.push('employees', [row(employee('m2'))]);
    await apiOne.push('employees', [row(employee('m3'))]);
    const viaOne = (await apiOne.pull('employees', 'limit=100')).body;
    const viaTwo = (await apiTwo.pull('employees', 'limit=100')).body;
    expect(viaTwo).toEqual(viaOne);
    expect(viaOne.documents.map((d: { id: string }) => d.id)).toEqual(['m1', 'm2', 'm3']);
  });
});
