import type { Database } from '../db/database.ts';
import type { SyncRepository } from '../sync/repository.ts';
import type { SyncService } from '../sync/service.ts';
import { punchesFromAttlog } from './attlog-push.ts';
import { commandsAnswer, countLines, laterStamp, optionsBlock, parseCommandResults, parseUserLines } from './protocol.ts';
import { iclockRepository as repo, type PushDevice } from './repository.ts';

type Deps = { db: Database; sync: SyncService; docs: SyncRepository; clock: () => number };

/** Who is calling, as far as the device routes know: a serial number and where the request came from. */
export type Contact = { serial: string; ip: string | null; pushVersion: string | null; info: string | null; path: string };

export type Admission = { ok: true; device: PushDevice } | { ok: false; reason: 'unregistered' | 'disabled' };

const WRITE_BATCH = 1_000;
const COMMANDS_PER_POLL = 10;

/**
 * What the terminals' HTTP calls do. Only registered, enabled serial numbers get past `admit`; an unknown
 * one is remembered (so an admin can adopt it) and refused. Punches go through the sync server's own
 * write path (validated, sequence-stamped, NOTIFY on commit), so they replicate and stream live exactly as
 * if a terminal had pushed them; ids already stored are left alone, so a resend (or the same record pulled
 * over TCP by a site PC) is not written again and nobody sees it twice.
 */
export function iclockReceiver({ db, sync, docs, clock }: Deps) {
  return {
    async admit(c: Contact): Promise<Admission> {
      const at = clock();
      const device = await repo.device(db, c.serial);
      if (!device) {
        await repo.recordUnregistered(db, { serial: c.serial, at, ip: c.ip, pushVersion: c.pushVersion, path: c.path });
        return { ok: false, reason: 'unregistered' };
      }
      await repo.touch(db, c.serial, { at, ip: c.ip, pushVersion: c.pushVersion, info: c.info });
      if (!device.enabled) return { ok: false, reason: 'disabled' };
      return { ok: true, device };
    },

    handshake(device: PushDevice, pushVersion: string | null): string {
      return optionsBlock({ serial: device.serialNumber, attlogStamp: device.attlogStamp, operlogStamp: device.operlogStamp, pushVersion: pushVersion ?? device.pushVersion });
    },

    /** One ATTLOG upload. Returns how many records were handled (stored, already known or rejected). */
    async attlog(device: PushDevice, text: string, stamp: string | null): Promise<{ processed: number; written: number; duplicates: number; rejected: number }> {
      const at = clock();
      const { punches, rejected } = punchesFromAttlog({ serial: device.serialNumber, siteId: device.siteId, text, receivedAt: at });
      const written = await db.transaction(async (tx) => {
        let count = 0;
        for (let i = 0; i < punches.length; i += WRITE_BATCH) {
          const batch = punches.slice(i, i + WRITE_BATCH);
          await docs.lockCollection(tx, 'punches');
          const known = await docs.byIds(tx, 'punches', batch.map((p) => p.id));
          const fresh = batch.filter((p) => !known.has(p.id));
          if (fresh.length) await sync.serverWrite(tx, 'punches', fresh.map((p) => ({ ...p, _deleted: false })));
          count += fresh.length;
        }
        await repo.insertRejected(tx, device.serialNumber, 'ATTLOG', rejected, at);
        // Stamp and counters move only with the punches: a failed write leaves the device to resend.
        const current = await repo.device(tx, device.serialNumber);
        await repo.afterUpload(tx, device.serialNumber, { table: 'ATTLOG', stamp: laterStamp(current?.attlogStamp ?? null, stamp), punches: count, rejected: rejected.length });
        return count;
      });
      return { processed: countLines(text), written, duplicates: punches.length - written, rejected: rejected.length };
    },

    /** OPERLOG / USERINFO: keep the device's user table (pin -> name), drop the rest. */
    async operlog(device: PushDevice, text: string, stamp: string | null, table: 'OPERLOG' | 'USERINFO'): Promise<number> {
      const at = clock();
      const { users, lines } = parseUserLines(text);
      await db.transaction(async (tx) => {
        await repo.upsertUsers(tx, device.serialNumber, users, at);
        if (table === 'OPERLOG') {
          const current = await repo.device(tx, device.serialNumber);
          await repo.afterUpload(tx, device.serialNumber, { table: 'OPERLOG', stamp: laterStamp(current?.operlogStamp ?? null, stamp), punches: 0, rejected: 0 });
        }
      });
      return lines;
    },

    async poll(device: PushDevice): Promise<string> {
      return commandsAnswer(await repo.takeQueued(db, device.serialNumber, COMMANDS_PER_POLL, clock()));
    },

    async results(device: PushDevice, text: string): Promise<{ recorded: number; unknown: number }> {
      const at = clock();
      let recorded = 0;
      let unknown = 0;
      for (const r of parseCommandResults(text)) {
        if (await repo.recordResult(db, device.serialNumber, { id: r.id, returnCode: r.returnCode, payload: r.payload, at })) recorded++;
        else unknown++;
      }
      return { recorded, unknown };
    },
  };
}
export type IclockReceiver = ReturnType<typeof iclockReceiver>;
