import { afterEach, describe, expect, test } from 'vitest';
import { Shift } from '#shared/schemas/attendance-setup';
import { Employee } from '#shared/schemas/employee';
import { Site } from '#shared/schemas/org';
import { Punch } from '#shared/schemas/punch';
import { instantOf as at } from '#shared/time';
import { offlineEscalationTick, storedShown, type Note } from '../../../src-renderer/features/alerts/offline-escalation.ts';
import { freshIndexedDb, openTestDb } from '../db/helpers.ts';

/**
 * A site terminal that lost the server on a Monday morning (2026-11-23 is a working day): its own copy of
 * employees, shift and punches drives the chain, each step is shown once as a task for the site admin, and a
 * restart neither repeats a task nor skips a step.
 */
const T = (hhmm: string) => at(`2026-11-23 ${hhmm}`);

function memoryStorage() {
  const data = new Map<string, string>();
  return { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v) };
}

const punch = (id: string, pin: string, when: number) =>
  Punch.parse({ id, deviceSerial: 'DEV1', pin, at: when, deviceLocalTime: '', source: 'device-pull', siteId: 's1', receivedAt: when, updatedAt: when });

async function seed(db: Awaited<ReturnType<typeof openTestDb>>['db']) {
  await db.org.insert(Site.parse({ id: 's1', kind: 'site', name: '东莞三厂', code: 'DG3', escalationWindowMinutes: 120, updatedAt: 1 }));
  await db.settings.insert(Shift.parse({ id: 'day', kind: 'shift', name: '白班', siteId: 's1', start: '08:00', end: '17:00', graceMinutes: 10, workDays: [1, 2, 3, 4, 5], updatedAt: 1 }));
  for (const [id, no, name, pin] of [
    ['e1', 'E001', '张三', '1'],
    ['e2', 'E002', '李四', '2'],
  ] as const) {
    await db.employees.insert(Employee.parse({ id, employeeNo: no, name, departmentId: 'd1', siteId: 's1', hireDate: '2024-01-01', devicePin: pin, phone: '13800138000', shiftId: 'day', updatedAt: 1 }));
  }
  // Li Si punched in on time; Zhang San did not.
  await db.punches.insert(punch('dev|2|0758', '2', T('07:58')));
}

let dbs: Awaited<ReturnType<typeof openTestDb>>[] = [];
afterEach(async () => {
  for (const d of dbs) await d.db.remove().catch(() => undefined);
  dbs = [];
});

describe('the missed-punch chain on an offline terminal', () => {
  test('runs each step once, across a restart, and leaves the HR alert for the server', async () => {
    const idb = freshIndexedDb();
    const storage = memoryStorage();
    const notes: Note[] = [];
    const notify = async (n: Note) => (notes.push(n), true);

    let opened = await openTestDb({ idb, name: 'terminal' });
    dbs.push(opened);
    await seed(opened.db);
    const early = await offlineEscalationTick({ db: opened.db, now: T('08:05'), notify, shown: storedShown(storage) });
    expect(early).toEqual({ changed: [], shown: [] }); // inside the grace: nothing yet

    const first = await offlineEscalationTick({ db: opened.db, now: T('08:11'), notify, shown: storedShown(storage) });
    expect(first.changed).toEqual(['anomaly|e1|2026-11-23']); // Li Si punched: no chain for him
    expect(notes.map((n) => n.title)).toEqual(['缺卡预警：请联系 张三（E001）']);
    expect(notes[0]!.body).toContain('13800138000');
    expect(notes[0]!.siteId).toBe('s1');

    // The app restarts (same browser storage): nothing shown twice, the window keeps running.
    await opened.db.close();
    opened = await openTestDb({ idb, name: 'terminal' });
    dbs.push(opened);
    await offlineEscalationTick({ db: opened.db, now: T('09:00'), notify, shown: storedShown(storage) });
    expect(notes).toHaveLength(1);

    await offlineEscalationTick({ db: opened.db, now: T('10:11'), notify, shown: storedShown(storage) });
    await offlineEscalationTick({ db: opened.db, now: T('12:11'), notify, shown: storedShown(storage) });
    expect(notes.map((n) => n.title)).toEqual(['缺卡预警：请联系 张三（E001）', '缺卡预警：请联系 张三（E001） 的紧急联系人', '失联预警：已开启失联案件']);
    const chain = (await opened.db.escalations.findOne('anomaly|e1|2026-11-23').exec())!.toMutableJSON();
    expect(chain.phase).toBe('hr_alerted');
    expect(chain.case?.openedOn).toBe('2026-11-23');
    // Shown here is not delivered to HR: the commands wait for the server, which performs and acknowledges them.
    expect(chain.outbox.map((c) => c.type)).toEqual(['send_message', 'send_message', 'alert_hr']);

    // Further ticks add nothing: no second chain for an employee with an open case.
    const later = await offlineEscalationTick({ db: opened.db, now: T('14:00'), notify, shown: storedShown(storage) });
    expect(later.changed).toEqual([]);
    expect(notes).toHaveLength(3);
  });

  test('a punch arriving on the terminal ends the chain', async () => {
    const opened = await openTestDb({ name: 'terminal-2' });
    dbs.push(opened);
    await seed(opened.db);
    const notes: Note[] = [];
    const shown = storedShown(memoryStorage());
    await offlineEscalationTick({ db: opened.db, now: T('08:11'), notify: async (n) => (notes.push(n), true), shown });
    await opened.db.punches.insert(punch('dev|1|0840', '1', T('08:40')));
    await offlineEscalationTick({ db: opened.db, now: T('08:45'), notify: async (n) => (notes.push(n), true), shown });
    await offlineEscalationTick({ db: opened.db, now: T('12:00'), notify: async (n) => (notes.push(n), true), shown });
    expect((await opened.db.escalations.findOne('anomaly|e1|2026-11-23').exec())!.phase).toBe('resolved');
    expect(notes).toHaveLength(1);
  });

  test("a terminal set to another site leaves this site's people to their own terminals", async () => {
    const opened = await openTestDb({ name: 'terminal-3' });
    dbs.push(opened);
    await seed(opened.db);
    const notes: Note[] = [];
    const shown = storedShown(memoryStorage());
    const other = await offlineEscalationTick({ db: opened.db, now: T('08:11'), notify: async (n) => (notes.push(n), true), shown, siteId: 's2' });
    expect(other).toEqual({ changed: [], shown: [] });
    const own = await offlineEscalationTick({ db: opened.db, now: T('08:11'), notify: async (n) => (notes.push(n), true), shown, siteId: 's1' });
    expect(own.changed).toEqual(['anomaly|e1|2026-11-23']);
    expect(notes).toHaveLength(1);
  });

  test('a whole shift missing is one summary task listing each person, and each is still shown only once', async () => {
    const opened = await openTestDb({ name: 'terminal-4' });
    dbs.push(opened);
    await seed(opened.db);
    for (let i = 3; i <= 7; i++) {
      await opened.db.employees.insert(Employee.parse({ id: `e${i}`, employeeNo: `E00${i}`, name: `工人${i}`, departmentId: 'd1', siteId: 's1', hireDate: '2024-01-01', devicePin: String(i), phone: null, shiftId: 'day', updatedAt: 1 }));
    }
    const notes: Note[] = [];
    const shown = storedShown(memoryStorage());
    const first = await offlineEscalationTick({ db: opened.db, now: T('08:11'), notify: async (n) => (notes.push(n), true), shown });
    expect(first.shown).toHaveLength(6); // Zhang San and the five workers; Li Si punched
    expect(notes).toHaveLength(1);
    expect(notes[0]!.title).toBe('缺卡预警：6 项联系任务');
    expect(notes[0]!.siteId).toBe('s1');
    for (const who of ['张三（E001）', '工人3（E003）', '工人7（E007）']) expect(notes[0]!.body).toContain(`缺卡预警：请联系 ${who}`);
    expect(notes[0]!.body).not.toContain('李四');
    await offlineEscalationTick({ db: opened.db, now: T('08:30'), notify: async (n) => (notes.push(n), true), shown });
    expect(notes).toHaveLength(1);
  });

  test('the memory of what was shown is bounded and survives bad storage contents', () => {
    const storage = memoryStorage();
    storage.setItem('renshi.offlineEscalation.shown', '{not json');
    const shown = storedShown(storage, undefined, 3);
    for (const id of ['a', 'b', 'c', 'd']) shown.add(id);
    const again = storedShown(storage, undefined, 3);
    expect(['a', 'b', 'c', 'd'].map((id) => again.has(id))).toEqual([false, true, true, true]);
  });
});
