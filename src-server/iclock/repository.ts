import type { Queryable } from '../db/database.ts';
import type { RejectedLine } from './attlog-push.ts';
import type { DeviceUser } from './protocol.ts';

export type PushDevice = {
  serialNumber: string;
  deviceId: string | null;
  name: string;
  siteId: string;
  enabled: boolean;
  attlogStamp: string | null;
  operlogStamp: string | null;
  pushVersion: string | null;
  info: string | null;
  lastContactAt: number | null;
  lastContactIp: string | null;
  punchesReceived: number;
  linesRejected: number;
  createdAt: number;
  createdBy: string;
};

export type UnregisteredDevice = { serialNumber: string; firstSeenAt: number; lastSeenAt: number; attempts: number; lastIp: string | null; pushVersion: string | null; lastPath: string };

export type PushCommand = {
  id: number;
  serialNumber: string;
  kind: string;
  command: string;
  status: 'queued' | 'sent' | 'done' | 'failed';
  queuedAt: number;
  queuedBy: string;
  sentAt: number | null;
  resultAt: number | null;
  returnCode: number | null;
  result: string | null;
};

type Row = Record<string, unknown>;
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

const toDevice = (r: Row): PushDevice => ({
  serialNumber: String(r.serial),
  deviceId: str(r.device_id),
  name: String(r.name),
  siteId: String(r.site_id),
  enabled: r.enabled === true,
  attlogStamp: str(r.attlog_stamp),
  operlogStamp: str(r.operlog_stamp),
  pushVersion: str(r.push_version),
  info: str(r.info),
  lastContactAt: num(r.last_contact_at),
  lastContactIp: str(r.last_contact_ip),
  punchesReceived: Number(r.punches_received),
  linesRejected: Number(r.lines_rejected),
  createdAt: Number(r.created_at),
  createdBy: String(r.created_by),
});

const toCommand = (r: Row): PushCommand => ({
  id: Number(r.id),
  serialNumber: String(r.serial),
  kind: String(r.kind),
  command: String(r.command),
  status: r.status as PushCommand['status'],
  queuedAt: Number(r.queued_at),
  queuedBy: String(r.queued_by),
  sentAt: num(r.sent_at),
  resultAt: num(r.result_at),
  returnCode: num(r.return_code),
  result: str(r.result),
});

/** PostgreSQL text cannot hold NUL; device bytes can. */
const storable = (s: string) => s.replace(/\u0000/g, '\uFFFD');

/** Raw lines are kept for review, bounded: one request can neither store megabytes nor millions of rows. */
const MAX_REJECTED_PER_UPLOAD = 500;
const MAX_RAW = 1_000;
/** Review is about what is wrong lately; older rejected lines give way. */
const MAX_REJECTED_PER_DEVICE = 10_000;
const MAX_UNREGISTERED = 1_000;

export const iclockRepository = {
  async device(q: Queryable, serial: string): Promise<PushDevice | null> {
    const rows = await q.query(`SELECT * FROM iclock_devices WHERE serial = $1`, [serial]);
    return rows[0] ? toDevice(rows[0]) : null;
  },

  async listDevices(q: Queryable): Promise<PushDevice[]> {
    return (await q.query(`SELECT * FROM iclock_devices ORDER BY site_id, name, serial`)).map(toDevice);
  },

  async listUnregistered(q: Queryable): Promise<UnregisteredDevice[]> {
    const rows = await q.query(`SELECT * FROM iclock_unregistered ORDER BY last_seen_at DESC LIMIT 500`);
    return rows.map((r) => ({
      serialNumber: String(r.serial),
      firstSeenAt: Number(r.first_seen_at),
      lastSeenAt: Number(r.last_seen_at),
      attempts: Number(r.attempts),
      lastIp: str(r.last_ip),
      pushVersion: str(r.push_version),
      lastPath: String(r.last_path),
    }));
  },

  async touch(q: Queryable, serial: string, c: { at: number; ip: string | null; pushVersion: string | null; info: string | null }): Promise<void> {
    await q.query(
      `UPDATE iclock_devices SET last_contact_at = $2, last_contact_ip = $3,
              push_version = COALESCE($4, push_version), info = COALESCE($5, info)
        WHERE serial = $1`,
      [serial, c.at, c.ip, c.pushVersion, c.info],
    );
  },

  async recordUnregistered(q: Queryable, u: { serial: string; at: number; ip: string | null; pushVersion: string | null; path: string }): Promise<void> {
    await q.query(
      `INSERT INTO iclock_unregistered (serial, first_seen_at, last_seen_at, attempts, last_ip, push_version, last_path)
       VALUES ($1, $2, $2, 1, $3, $4, $5)
       ON CONFLICT (serial) DO UPDATE SET last_seen_at = $2, attempts = iclock_unregistered.attempts + 1, last_ip = $3,
         push_version = COALESCE($4, iclock_unregistered.push_version), last_path = $5`,
      [u.serial, u.at, u.ip, u.pushVersion, u.path],
    );
    // Anyone can call with made-up serials: only the most recent ones are worth an admin's attention.
    await q.query(
      `DELETE FROM iclock_unregistered WHERE serial NOT IN (SELECT serial FROM iclock_unregistered ORDER BY last_seen_at DESC LIMIT $1)`,
      [MAX_UNREGISTERED],
    );
  },

  /** False when the serial is already registered (checked by the database, so two admins cannot both add it). */
  async register(q: Queryable, d: { serial: string; name: string; siteId: string; deviceId: string | null; at: number; by: string }): Promise<boolean> {
    const rows = await q.query(
      // Adopting a serial seen calling keeps what we learned of it (push version, last contact).
      `INSERT INTO iclock_devices (serial, device_id, name, site_id, enabled, created_at, created_by, push_version, last_contact_at, last_contact_ip)
       SELECT $1, $2, $3, $4, true, $5, $6, u.push_version, u.last_seen_at, u.last_ip
         FROM (SELECT 1) AS one LEFT JOIN iclock_unregistered u ON u.serial = $1
       ON CONFLICT (serial) DO NOTHING RETURNING serial`,
      [d.serial, d.deviceId, d.name, d.siteId, d.at, d.by],
    );
    if (rows.length) await q.query(`DELETE FROM iclock_unregistered WHERE serial = $1`, [d.serial]);
    return rows.length === 1;
  },

  async update(q: Queryable, serial: string, patch: { enabled?: boolean; siteId?: string; name?: string; deviceId?: string | null }): Promise<PushDevice | null> {
    const rows = await q.query(
      `UPDATE iclock_devices SET enabled = COALESCE($2, enabled), site_id = COALESCE($3, site_id), name = COALESCE($4, name),
              device_id = CASE WHEN $5 THEN $6 ELSE device_id END
        WHERE serial = $1 RETURNING *`,
      [serial, patch.enabled ?? null, patch.siteId ?? null, patch.name ?? null, patch.deviceId !== undefined, patch.deviceId ?? null],
    );
    return rows[0] ? toDevice(rows[0]) : null;
  },

  async afterUpload(q: Queryable, serial: string, u: { table: 'ATTLOG' | 'OPERLOG'; stamp: string | null; punches: number; rejected: number }): Promise<void> {
    const column = u.table === 'ATTLOG' ? 'attlog_stamp' : 'operlog_stamp';
    await q.query(
      `UPDATE iclock_devices SET ${column} = $2, punches_received = punches_received + $3, lines_rejected = lines_rejected + $4 WHERE serial = $1`,
      [serial, u.stamp, u.punches, u.rejected],
    );
  },

  async insertRejected(q: Queryable, serial: string, table: string, lines: RejectedLine[], at: number): Promise<void> {
    const kept = lines.slice(0, MAX_REJECTED_PER_UPLOAD).map((l) => ({ line_no: l.line, raw: storable(l.raw.slice(0, MAX_RAW)), reason: storable(l.reason.slice(0, 300)) }));
    if (!kept.length) return;
    await q.query(
      `INSERT INTO iclock_rejected_lines (serial, table_name, line_no, raw, reason, received_at)
       SELECT $1, $2, line_no, raw, reason, $3 FROM jsonb_to_recordset($4::jsonb) AS x(line_no integer, raw text, reason text)`,
      [serial, table, at, JSON.stringify(kept)],
    );
    await q.query(
      `DELETE FROM iclock_rejected_lines WHERE serial = $1
         AND id < (SELECT min(id) FROM (SELECT id FROM iclock_rejected_lines WHERE serial = $1 ORDER BY id DESC LIMIT $2) AS kept)`,
      [serial, MAX_REJECTED_PER_DEVICE],
    );
  },

  async listRejected(q: Queryable, serial: string, limit: number): Promise<{ id: number; table: string; line: number; raw: string; reason: string; receivedAt: number }[]> {
    const rows = await q.query(`SELECT * FROM iclock_rejected_lines WHERE serial = $1 ORDER BY id DESC LIMIT $2`, [serial, limit]);
    return rows.map((r) => ({ id: Number(r.id), table: String(r.table_name), line: Number(r.line_no), raw: String(r.raw), reason: String(r.reason), receivedAt: Number(r.received_at) }));
  },

  async upsertUsers(q: Queryable, serial: string, users: DeviceUser[], at: number): Promise<void> {
    if (!users.length) return;
    const last = new Map(users.map((u) => [u.pin, u])); // a later line for the same pin wins
    await q.query(
      `INSERT INTO iclock_device_users (serial, pin, name, privilege, card, updated_at)
       SELECT $1, pin, name, privilege, card, $2 FROM jsonb_to_recordset($3::jsonb) AS x(pin text, name text, privilege integer, card text)
       ON CONFLICT (serial, pin) DO UPDATE SET name = excluded.name, privilege = excluded.privilege, card = excluded.card, updated_at = excluded.updated_at`,
      [serial, at, JSON.stringify([...last.values()].map((u) => ({ ...u, name: storable(u.name), card: storable(u.card) })))],
    );
  },

  async listUsers(q: Queryable, serial: string): Promise<(DeviceUser & { updatedAt: number })[]> {
    const rows = await q.query(`SELECT * FROM iclock_device_users WHERE serial = $1 ORDER BY pin`, [serial]);
    return rows.map((r) => ({ pin: String(r.pin), name: String(r.name), privilege: Number(r.privilege), card: String(r.card), updatedAt: Number(r.updated_at) }));
  },

  async queueCommand(q: Queryable, c: { serial: string; kind: string; command: string; at: number; by: string }): Promise<PushCommand> {
    const rows = await q.query(
      `INSERT INTO iclock_commands (serial, kind, command, status, queued_at, queued_by) VALUES ($1, $2, $3, 'queued', $4, $5) RETURNING *`,
      [c.serial, c.kind, c.command, c.at, c.by],
    );
    return toCommand(rows[0]!);
  },

  /**
   * Takes the oldest queued commands and marks them sent in one statement. Row locks with SKIP LOCKED keep
   * two polls arriving together (two server instances) from both delivering the same command.
   */
  async takeQueued(q: Queryable, serial: string, limit: number, at: number): Promise<PushCommand[]> {
    const rows = await q.query(
      `UPDATE iclock_commands SET status = 'sent', sent_at = $3
        WHERE id IN (SELECT id FROM iclock_commands WHERE serial = $1 AND status = 'queued' ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)
        RETURNING *`,
      [serial, limit, at],
    );
    return rows.map(toCommand).sort((a, b) => a.id - b.id);
  },

  /** Records a device's answer to a command it was sent; false when no such sent command of that device. */
  async recordResult(q: Queryable, serial: string, r: { id: number; returnCode: number; payload: string; at: number }): Promise<boolean> {
    const rows = await q.query(
      `UPDATE iclock_commands SET status = $3, return_code = $4, result = $5, result_at = $6
        WHERE id = $1 AND serial = $2 AND status = 'sent' RETURNING id`,
      [r.id, serial, r.returnCode < 0 ? 'failed' : 'done', r.returnCode, storable(r.payload), r.at],
    );
    return rows.length === 1;
  },

  async listCommands(q: Queryable, serial: string, limit: number): Promise<PushCommand[]> {
    return (await q.query(`SELECT * FROM iclock_commands WHERE serial = $1 ORDER BY id DESC LIMIT $2`, [serial, limit])).map(toCommand);
  },
};
