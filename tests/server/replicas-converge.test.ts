import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ADMIN, login, postgresAvailable, startTestServer, userApi, type Api, type Backend } from './support/backends.ts';
import { employee, punch, row } from './support/fixtures.ts';
import { eventually, Replica } from './support/replica.ts';

/**
 * Three real local databases in three processes edit while offline, reconnect, and must converge: same
 * documents everywhere, no punch duplicated, and the edit that lost a conflict kept as a conflict item.
 */
const backends: Backend[] = ['pglite', ...((await postgresAvailable()) ? (['postgres'] as const) : [])];

describe.each(backends)('RxDB replicas converge after offline edits (server on %s)', (backend) => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let admin: Api;
  const replicas: Replica[] = [];
  const collections = ['employees', 'punches'];

  beforeAll(async () => {
    server = await startTestServer(backend);
    admin = await login(server.url, ADMIN.username, ADMIN.password);
    await admin.push('employees', ['e1', 'e2', 'e3'].map((id) => row(employee(id))));
    replicas.push(...(await Promise.all([Replica.spawn(), Replica.spawn(), Replica.spawn()])));
  }, 60_000);
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.kill()));
    await server?.close();
  });

  const dump = (r: Replica, c: string) => r.call<Record<string, any>[]>({ type: 'dump', collection: c });
  const strip = (docs: Record<string, any>[]) => docs.map(({ _rev, _meta, _attachments, ...d }) => d);

  test('offline edits on three replicas converge', { timeout: 90_000 }, async () => {
    const [a, b, c] = replicas as [Replica, Replica, Replica];
    const tokens = await Promise.all(['ra', 'rb', 'rc'].map(async (u) => (await userApi(admin, { username: `${u}-${backend}`, role: 'hr' })).token!));
    await Promise.all([a, b, c].map((r, i) => r.call({ type: 'start', serverUrl: server.url, token: tokens[i], collections })));
    for (const r of [a, b, c]) await eventually(async () => expect((await dump(r, 'employees')).map((d) => d.id)).toEqual(['e1', 'e2', 'e3']));

    for (const r of [a, b, c]) await r.call({ type: 'offline' });
    await a.call({ type: 'patch', collection: 'employees', id: 'e1', patch: { name: '甲的修改', updatedAt: 2 } });
    await b.call({ type: 'patch', collection: 'employees', id: 'e1', patch: { name: '乙的修改', updatedAt: 3 } });
    await c.call({ type: 'patch', collection: 'employees', id: 'e2', patch: { position: '班长', updatedAt: 4 } });
    await a.call({ type: 'upsert', collection: 'employees', doc: employee('e4', { name: '新员工' }) });
    await b.call({ type: 'upsert', collection: 'punches', doc: punch('1', 1_000) });
    await b.call({ type: 'upsert', collection: 'punches', doc: punch('2', 2_000) });
    await c.call({ type: 'upsert', collection: 'punches', doc: punch('2', 2_000) }); // same fact pulled by a second terminal
    await c.call({ type: 'upsert', collection: 'punches', doc: punch('3', 3_000) });

    // While offline the status says so and counts what is waiting.
    await eventually(async () => expect(await a.call({ type: 'status' })).toMatchObject({ online: false, pendingChanges: expect.any(Number) }));
    await eventually(async () => expect((await a.call<{ pendingChanges: number }>({ type: 'status' })).pendingChanges).toBeGreaterThan(0));

    // A reconnects first, so its edit of e1 reaches the server first and B's concurrent edit loses.
    await a.call({ type: 'online' });
    await a.call({ type: 'awaitInSync' }, 30_000);
    await b.call({ type: 'online' });
    await c.call({ type: 'online' });

    const expected = async () => {
      const dumps = await Promise.all([a, b, c].map(async (r) => ({ employees: strip(await dump(r, 'employees')), punches: strip(await dump(r, 'punches')) })));
      expect(dumps[1]).toEqual(dumps[0]);
      expect(dumps[2]).toEqual(dumps[0]);
      return dumps[0]!;
    };
    const converged = await eventually(expected, 40_000, 250);
    const byId = Object.fromEntries(converged.employees.map((d) => [d.id, d]));
    expect(Object.keys(byId)).toEqual(['e1', 'e2', 'e3', 'e4']);
    expect(byId.e1!.name).toBe('甲的修改');
    expect(byId.e2!.position).toBe('班长');
    expect(converged.punches.map((p) => p.id)).toEqual(['DEV1|1|1000', 'DEV1|2|2000', 'DEV1|3|3000']);

    const conflicts = (await admin.get('/conflicts?collection=employees')).body.filter((x: { docId: string }) => x.docId === 'e1');
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0].losingState.name).toBe('乙的修改');

    const server_ = (await admin.pull('punches', 'limit=100')).body.documents;
    expect(server_.map((p: { id: string }) => p.id).sort()).toEqual(['DEV1|1|1000', 'DEV1|2|2000', 'DEV1|3|3000']);
    for (const r of [a, b, c]) await eventually(async () => expect(await r.call({ type: 'status' })).toMatchObject({ online: true, pendingChanges: 0 }));
  });
});
