import http from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { instantOf } from '#shared/time';
import { ADMIN, Api, login, postgresAvailable, startTestServer, userApi, type Backend } from '../support/backends.ts';
import { listen } from '../support/stream.ts';
import { PushDevice, type PushRecord } from '../../simulators/zkteco-push/push-device.ts';

/**
 * The PUSH receiver over real HTTP: the sync server (port 0; in-memory PGlite, and real PostgreSQL when one
 * answers) and simulated terminals. Punches must come out where every other punch does: /sync/punches/pull
 * and the live stream.
 */
const backends: Backend[] = ['pglite', ...((await postgresAvailable()) ? (['postgres'] as const) : [])];

let server: Awaited<ReturnType<typeof startTestServer>>;
let admin: Api;
let hr: Api;

const rec = (pin: string, localTime: string, punchState = 0, verifyMode = 1): PushRecord => ({ pin, localTime, punchState, verifyMode });

async function allPunches(api: Api): Promise<Record<string, any>[]> {
  const out: Record<string, any>[] = [];
  let query = 'limit=500';
  for (let page = 0; page < 50; page++) {
    const res = await api.pull('punches', query);
    expect(res.status).toBe(200);
    out.push(...res.body.documents);
    if (res.body.documents.length < 500) return out;
    query = `limit=500&id=${encodeURIComponent(res.body.checkpoint.id)}&serverSeq=${res.body.checkpoint.serverSeq}`;
  }
  throw new Error('too many pages');
}
const punchesOf = async (serial: string) => (await allPunches(hr)).filter((p) => p.deviceSerial === serial);

async function registered(serial: string, siteId = 'site-a'): Promise<PushDevice> {
  const res = await hr.post('/push-devices', { serialNumber: serial, siteId, name: `闸机 ${serial}` });
  expect(res.status).toBe(201);
  return new PushDevice({ serverUrl: server.url, serialNumber: serial });
}

describe.each(backends)('ZKTeco PUSH receiver on %s', (backend) => {
  beforeAll(async () => {
    server = await startTestServer(backend);
    admin = await login(server.url, ADMIN.username, ADMIN.password);
    hr = await userApi(admin, { username: 'hr1', role: 'hr' });
  });
  afterAll(async () => server?.close());

  test('handshake answers the options block with the stamps the server holds', async () => {
    const dev = await registered('PUSH0001');
    const res = await dev.handshake();
    expect(res.status).toBe(200);
    const lines = res.text.split('\n');
    expect(lines[0]).toBe('GET OPTION FROM: PUSH0001');
    expect(dev.options.get('ATTLOGStamp')).toBe('0');
    expect(dev.options.get('OPERLOGStamp')).toBe('0');
    expect(dev.options.get('TimeZone')).toBe('8');
    expect(dev.options.get('Realtime')).toBe('1');
    expect(dev.options.get('TransFlag')).toBe('TransData AttLog\tOpLog\tEnrollUser\tChgUser');
    for (const key of ['ErrorDelay', 'Delay', 'TransTimes', 'TransInterval', 'Encrypt']) expect(dev.options.has(key)).toBe(true);

    const old = await new PushDevice({ serverUrl: server.url, serialNumber: 'PUSH0001', pushVersion: '1.0' }).handshake();
    expect(old.text).toContain('TransFlag=1111000000\n');

    const listed = (await hr.get('/push-devices')).body.devices.find((d: any) => d.serialNumber === 'PUSH0001');
    expect(listed).toMatchObject({ siteId: 'site-a', enabled: true, pushVersion: '1.0' });
    expect(listed.lastContactAt).toBeGreaterThan(0);
  });

  test('a push of N punches lands as N punch documents; a resend duplicates nothing; a reconnect sends only what is new', async () => {
    const dev = await registered('PUSH0002');
    await dev.handshake();
    const records = Array.from({ length: 25 }, (_, i) => rec(String(1000 + i), `2026-03-02 08:${String(10 + i).padStart(2, '0')}:05`, i % 2, 1 + (i % 3)));
    dev.record(...records);
    const up = await dev.uploadPending();
    expect(up).toMatchObject({ status: 200, text: 'OK: 25', sent: 25 });

    const landed = await punchesOf('PUSH0002');
    expect(landed).toHaveLength(25);
    const first = landed.find((p) => p.pin === '1000')!;
    expect(first).toMatchObject({
      id: `PUSH0002|1000|${instantOf('2026-03-02 08:10:05')}`,
      at: instantOf('2026-03-02 08:10:05'),
      deviceLocalTime: '2026-03-02 08:10:05',
      punchState: 0,
      verifyMode: 1,
      source: 'device-push',
      employeeId: null,
      siteId: 'site-a',
      _deleted: false,
    });
    expect(landed.find((p) => p.pin === '1001')).toMatchObject({ punchState: 1, verifyMode: 2 });

    // The same body again (a device that never saw our answer): nothing new, nothing re-stamped.
    const before = await hr.pull('punches', 'limit=1000');
    const again = await dev.postTable('ATTLOG', records.map((r) => `${r.pin}\t${r.localTime}\t${r.punchState}\t${r.verifyMode}\t0\t0\t0`).join('\n'), 25);
    expect(again).toEqual({ status: 200, text: 'OK: 25' });
    const after = await hr.pull('punches', `limit=1000&id=${encodeURIComponent(before.body.checkpoint.id)}&serverSeq=${before.body.checkpoint.serverSeq}`);
    expect(after.body.documents).toEqual([]);
    expect(await punchesOf('PUSH0002')).toHaveLength(25);

    // Reconnect: the server hands back stamp 25, so only the two new records travel.
    const reconnected = new PushDevice({ serverUrl: server.url, serialNumber: 'PUSH0002' });
    reconnected.record(...records, rec('1100', '2026-03-02 17:30:00', 1), rec('1101', '2026-03-02 17:31:00', 1));
    await reconnected.handshake();
    expect(reconnected.options.get('ATTLOGStamp')).toBe('25');
    expect(await reconnected.uploadPending()).toMatchObject({ status: 200, text: 'OK: 2', sent: 2 });
    expect(await punchesOf('PUSH0002')).toHaveLength(27);
    const device = (await hr.get('/push-devices')).body.devices.find((d: any) => d.serialNumber === 'PUSH0002');
    expect(device).toMatchObject({ attlogStamp: '27', punchesReceived: 27, linesRejected: 0 });
  });

  test('an unregistered serial is refused, listed for adoption, and accepted once adopted', async () => {
    const stranger = new PushDevice({ serverUrl: server.url, serialNumber: 'STRANGER9' });
    const hello = await stranger.handshake();
    expect(hello.status).toBe(403);
    expect(hello.text).toMatch(/not registered/);
    stranger.record(rec('7', '2026-03-02 09:00:00'));
    expect((await stranger.uploadPending()).status).toBe(403);
    expect((await stranger.poll()).answer.status).toBe(403);
    expect((await allPunches(hr)).filter((p) => p.deviceSerial === 'STRANGER9')).toEqual([]);

    const seen = (await hr.get('/push-devices')).body.unregistered.find((u: any) => u.serialNumber === 'STRANGER9');
    expect(seen).toMatchObject({ attempts: 3, pushVersion: '2.4.1', lastPath: '/iclock/getrequest' });

    expect((await new PushDevice({ serverUrl: server.url, serialNumber: 'bad|sn' }).handshake()).status).toBe(400);
    expect((await stranger.request('GET', '/iclock/cdata?options=all')).status).toBe(400);

    // Adopt into site-b: it disappears from the unregistered list and its punches carry the site.
    const adopted = await hr.post('/push-devices', { serialNumber: 'STRANGER9', siteId: 'site-b' });
    expect(adopted.status).toBe(201);
    expect(adopted.body).toMatchObject({ serialNumber: 'STRANGER9', siteId: 'site-b', enabled: true, pushVersion: '2.4.1', lastContactAt: seen.lastSeenAt, attlogStamp: null });
    expect((await hr.post('/push-devices', { serialNumber: 'STRANGER9', siteId: 'site-b' })).status).toBe(409);
    expect((await hr.get('/push-devices')).body.unregistered.map((u: any) => u.serialNumber)).not.toContain('STRANGER9');
    expect((await stranger.handshake()).status).toBe(200);
    expect((await stranger.uploadPending()).text).toBe('OK: 1');
    expect((await punchesOf('STRANGER9')).map((p) => p.siteId)).toEqual(['site-b']);

    // Disabled: refused again, nothing lands.
    expect((await hr.call('PATCH', '/push-devices/STRANGER9', { enabled: false })).body.enabled).toBe(false);
    stranger.record(rec('8', '2026-03-02 09:05:00'));
    const refused = await stranger.uploadPending();
    expect(refused.status).toBe(403);
    expect(refused.text).toMatch(/disabled/);
    expect(await punchesOf('STRANGER9')).toHaveLength(1);

    // Only HR and admins manage devices.
    const viewer = await userApi(admin, { username: 'viewer1', role: 'viewer' });
    expect((await viewer.get('/push-devices')).status).toBe(403);
    expect((await viewer.post('/push-devices', { serialNumber: 'X1', siteId: 'site-a' })).status).toBe(403);
    expect((await hr.post('/push-devices', { serialNumber: 'has space', siteId: 'site-a' })).status).toBe(400);
  });

  test('malformed lines are counted and kept for review while the valid ones land', async () => {
    const dev = await registered('PUSH0003');
    await dev.handshake();
    const body = [
      '501\t2026-03-03 08:00:00\t0\t1\t0\t0\t0',
      'garbage without tabs',
      '502\t2026-02-30 08:00:00\t0\t1\t0\t0\t0', // no such day
      '',
      '503\t2026-03-03 08:01:00\t0\t1\t0\t0\t0',
      '504\t2026-03-03 08:02:00\tx\t1',
      '505\t0099-03-03 08:02:00\t0\t1', // year 99 is not 1999
      '5|06\t2026-03-03 08:03:00\t0\t1',
      '   507\t2026-03-03 08:04:00\t1\t15\t0\t0\t0', // right-aligned pin
    ].join('\r\n');
    const res = await dev.postTable('ATTLOG', body, 9);
    expect(res).toEqual({ status: 200, text: 'OK: 8' });
    expect((await punchesOf('PUSH0003')).map((p) => p.pin).sort()).toEqual(['501', '503', '507']);
    const review = await hr.get('/push-devices/PUSH0003/rejected-lines');
    expect(review.status).toBe(200);
    const lines = review.body.lines.sort((a: any, b: any) => a.line - b.line);
    expect(lines.map((l: any) => l.line)).toEqual([2, 3, 6, 7, 8]);
    expect(lines[0]).toMatchObject({ table: 'ATTLOG', raw: 'garbage without tabs', reason: expect.stringMatching(/user id|time/) });
    expect(lines[3]).toMatchObject({ raw: '505\t0099-03-03 08:02:00\t0\t1', reason: expect.stringMatching(/bad time|out of range/) });
    const device = (await hr.get('/push-devices')).body.devices.find((d: any) => d.serialNumber === 'PUSH0003');
    expect(device).toMatchObject({ punchesReceived: 3, linesRejected: 5 });

    // Bytes that are not text at all, an empty body and an unknown table never break anything.
    expect((await dev.postTable('ATTLOG', new Uint8Array([0xff, 0xfe, 0x00, 0x09, 0x80, 0x0a]), 10)).status).toBe(200);
    expect(await dev.postTable('ATTLOG', '', 10)).toEqual({ status: 200, text: 'OK: 0' });
    expect(await dev.postTable('ATTPHOTO', 'PIN=1\tSN=PUSH0003\tsize=3\tCMD=uploadphoto\n')).toEqual({ status: 200, text: 'OK: 1' });
    expect((await dev.request('GET', '/iclock/getrequest?SN=PUSH0003&INFO=Ver%206.60%00,12,34')).status).toBe(200);
    expect((await hr.get('/push-devices')).body.devices.find((d: any) => d.serialNumber === 'PUSH0003').info).toBe('Ver 6.60,12,34');

    // Firmware that sends no content type at all.
    const bare: { status: number; text: string } = await new Promise((resolve, reject) => {
      const line = '508\t2026-03-03 08:05:00\t0\t1\n';
      const req = http.request(`${server.url}/iclock/cdata?SN=PUSH0003&table=ATTLOG&Stamp=10`, { method: 'POST', headers: { 'content-length': Buffer.byteLength(line) }, timeout: 10_000 }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end(line);
    });
    expect(bare).toEqual({ status: 200, text: 'OK: 1' });

    // Random bytes over HTTP (bounded): always an answer, never a crash, and the valid line among them lands.
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 20; i++) {
      const bytes = new Uint8Array(Math.floor(rand() * 2000));
      for (let k = 0; k < bytes.length; k++) bytes[k] = Math.floor(rand() * 256);
      const valid = new TextEncoder().encode(`\n6${i}\t2026-03-06 08:00:00\t0\t1\n`);
      const res = await dev.postTable('ATTLOG', new Uint8Array([...bytes, ...valid]), 11 + i);
      expect(res.status).toBe(200);
      expect(res.text).toMatch(/^OK: \d+$/);
    }
    const pins = (await punchesOf('PUSH0003')).map((p) => p.pin);
    for (let i = 0; i < 20; i++) expect(pins).toContain(`6${i}`);
    expect((await hr.get('/health')).status).toBe(200);
  });

  test('the user table from OPERLOG is kept (pin -> name), GB18030 names included', async () => {
    const dev = new PushDevice({ serverUrl: server.url, serialNumber: 'PUSH0004', users: [{ pin: '1', name: '张三' }, { pin: '2', name: 'Li Si', privilege: 14, card: '12345' }] });
    await hr.post('/push-devices', { serialNumber: 'PUSH0004', siteId: 'site-a' });
    expect(await dev.uploadUsers()).toEqual({ status: 200, text: 'OK: 3' });
    const gbk = new Uint8Array([...new TextEncoder().encode('USER PIN=3\tName='), 0xc0, 0xee, 0xcb, 0xc4, ...new TextEncoder().encode('\tPri=0\n')]); // 李四 in GBK
    expect((await dev.postTable('USERINFO', gbk)).status).toBe(200);
    const users = (await hr.get('/push-devices/PUSH0004/users')).body.users;
    expect(users.map((u: any) => [u.pin, u.name, u.privilege, u.card])).toEqual([
      ['1', '张三', 0, ''],
      ['2', 'Li Si', 14, '12345'],
      ['3', '李四', 0, ''],
    ]);
  });

  test('a queued command is delivered once and its result recorded; DATA QUERY ATTLOG brings history back', async () => {
    const dev = await registered('PUSH0005');
    await dev.handshake();
    expect((await dev.poll()).answer.text).toBe('OK');
    // Records the server never got (say the device was once pointed elsewhere and its stamp moved on).
    dev.record(rec('900', '2026-03-01 08:00:00'), rec('901', '2026-03-01 17:00:00', 1), rec('902', '2026-03-04 08:00:00'));
    dev.serverStamp = 3;

    const info = await hr.post('/push-devices/PUSH0005/commands', { kind: 'info' });
    expect(info.status).toBe(201);
    const query = await hr.post('/push-devices/PUSH0005/commands', { kind: 'query-attlog', startTime: '2026-03-01 00:00:00', endTime: '2026-03-01 23:59:59' });
    expect(query.status).toBe(201);
    expect(query.body.command).toBe('DATA QUERY ATTLOG StartTime=2026-03-01 00:00:00\tEndTime=2026-03-01 23:59:59');
    expect((await hr.post('/push-devices/PUSH0005/commands', { kind: 'query-attlog', startTime: '2026-03-02 00:00:00', endTime: '2026-03-01 00:00:00' })).status).toBe(400);
    expect((await hr.post('/push-devices/PUSH0005/commands', { kind: 'shell', command: 'CLEAR LOG' })).status).toBe(400);
    expect((await hr.post('/push-devices/NOPE/commands', { kind: 'info' })).status).toBe(404);

    const first = await dev.poll();
    expect(first.answer.text).toBe(`C:${info.body.id}:INFO\nC:${query.body.id}:DATA QUERY ATTLOG StartTime=2026-03-01 00:00:00\tEndTime=2026-03-01 23:59:59\n`);
    expect(first.results).toEqual({ status: 200, text: 'OK' });
    expect((await dev.poll()).answer.text).toBe('OK'); // delivered once
    expect(dev.executed.map((e) => e.returnCode)).toEqual([0, 2]);

    const commands = (await hr.get('/push-devices/PUSH0005/commands')).body.commands;
    const byId = new Map(commands.map((c: any) => [c.id, c]));
    expect(byId.get(info.body.id)).toMatchObject({ status: 'done', returnCode: 0, result: expect.stringContaining('TransactionCount=3') });
    expect(byId.get(query.body.id)).toMatchObject({ status: 'done', returnCode: 2, sentAt: expect.any(Number), resultAt: expect.any(Number) });
    expect((await punchesOf('PUSH0005')).map((p) => p.pin).sort()).toEqual(['900', '901']);
    // A history answer does not rewind the device's stamp.
    expect((await hr.get('/push-devices')).body.devices.find((d: any) => d.serialNumber === 'PUSH0005').attlogStamp).toBe(null);

    // A result for a command this device was never sent changes nothing.
    expect((await dev.request('POST', '/iclock/devicecmd?SN=PUSH0005', `ID=${info.body.id}&Return=-5&CMD=INFO\n`)).status).toBe(200);
    expect((await hr.get('/push-devices/PUSH0005/commands')).body.commands.find((c: any) => c.id === info.body.id).returnCode).toBe(0);
  });

  test('concurrent uploads of the same records and concurrent polls: one punch per record, one delivery per command', async () => {
    const dev = await registered('PUSH0007');
    const records = Array.from({ length: 40 }, (_, i) => rec(String(i + 1), `2026-03-07 09:${String(i).padStart(2, '0')}:00`));
    const body = records.map((r) => `${r.pin}\t${r.localTime}\t0\t1\t0\t0\t0`).join('\n');
    const answers = await Promise.all(Array.from({ length: 4 }, () => dev.postTable('ATTLOG', body, 40)));
    expect(answers.map((a) => a.text)).toEqual(['OK: 40', 'OK: 40', 'OK: 40', 'OK: 40']);
    const landed = await punchesOf('PUSH0007');
    expect(landed).toHaveLength(40);
    expect(new Set(landed.map((p) => p.id)).size).toBe(40);

    const queued = await Promise.all(Array.from({ length: 5 }, () => hr.post('/push-devices/PUSH0007/commands', { kind: 'info' })));
    const polls = await Promise.all(Array.from({ length: 4 }, () => dev.request('GET', '/iclock/getrequest?SN=PUSH0007')));
    const delivered = polls.flatMap((p) => p.text.split('\n').filter((l) => l.startsWith('C:')).map((l) => Number(l.split(':')[1])));
    expect(delivered.sort((a, b) => a - b)).toEqual(queued.map((q) => q.body.id).sort((a: number, b: number) => a - b));
  });

  test('a record the site PC already pulled over TCP is not overwritten by the push', async () => {
    const terminal = await admin.post('/terminals', { name: 'gate PC', siteId: 'site-a' });
    expect(terminal.status).toBe(201);
    const pc = new Api(server.url, terminal.body.token);
    const at = instantOf('2026-03-08 08:00:00');
    const pulled = {
      id: `PUSH0008|77|${at}`, deviceSerial: 'PUSH0008', pin: '77', at, deviceLocalTime: '2026-03-08 08:00:00', verifyMode: 1, punchState: 0,
      source: 'device-pull', employeeId: 'emp-77', siteId: 'site-a', receivedAt: at, updatedAt: at,
    };
    expect((await pc.push('punches', [{ newDocumentState: { ...pulled, _deleted: false }, assumedMasterState: null }])).body.rejections).toEqual([]);
    const dev = await registered('PUSH0008');
    expect((await dev.punch(rec('77', '2026-03-08 08:00:00'))).text).toBe('OK: 1');
    expect(await punchesOf('PUSH0008')).toEqual([{ ...pulled, _deleted: false }]);
  });

  test('a live pull-stream receives pushed punches as they arrive', async () => {
    const dev = await registered('PUSH0006', 'site-c');
    await dev.handshake();
    const stream = listen(`${server.url}/sync/pull-stream?collections=punches`, hr.token!);
    const single = listen(`${server.url}/sync/punches/pull-stream`, hr.token!);
    try {
      await stream.waitFor((e) => e.name === 'resync');
      await single.waitFor((e) => e.name === 'resync');
      expect((await dev.punch(rec('42', '2026-03-05 08:59:59'))).text).toBe('OK: 1');
      const id = `PUSH0006|42|${instantOf('2026-03-05 08:59:59')}`;
      const hit = await stream.waitFor((e) => e.name === 'changes' && e.data.documents.some((d: any) => d.id === id), 5_000);
      expect(hit.data.collection).toBe('punches');
      expect(hit.data.documents.find((d: any) => d.id === id)).toMatchObject({ source: 'device-push', siteId: 'site-c', pin: '42' });
      await single.waitFor((e) => e.name === 'changes' && e.data.documents.some((d: any) => d.id === id), 5_000);
    } finally {
      stream.close();
      single.close();
    }
  });
});
