import type { Device } from '#shared/schemas/attendance-setup';
import type { Punch } from '#shared/schemas/punch';
import type { BridgeEventPayload, RenshiApi } from '#shared/ipc/contract';
import { Device as DeviceSchema } from '#shared/schemas/attendance-setup';
import type { RenshiDatabase } from '../../db/database.ts';
import { stripMeta } from '../../db/records.ts';

/**
 * Device ingest, the model: main pulls the terminals and hands each batch of new punches to the UI, because
 * the UI owns the local database. The UI fills in who punched (the employee whose `devicePin` is the
 * punch's PIN) and where (the device's site), writes the batch with one bulkUpsert and then acknowledges it.
 * Only the acknowledgement lets the poller move its cursor, so a batch the UI failed to store is pulled
 * again. Punch ids are deterministic (serial + PIN + instant), so storing a batch twice yields the same
 * documents, never duplicates. A PIN nobody has is still stored (employeeId null) and shown on the device
 * screen, so HR can fix the employee's PIN and the punch counts from then on.
 */
export type PunchBatch = BridgeEventPayload<'devicePunches'>;

export function enrichPunches(
  punches: readonly Punch[],
  ctx: { employeeByPin: ReadonlyMap<string, string>; siteId: string | null },
): Punch[] {
  return punches.map((p) => ({
    ...p,
    employeeId: p.employeeId ?? ctx.employeeByPin.get(p.pin) ?? null,
    siteId: p.siteId ?? ctx.siteId,
  }));
}

async function employeeByPin(db: RenshiDatabase): Promise<Map<string, string>> {
  const docs = await db.employees.find().exec();
  const m = new Map<string, string>();
  for (const d of docs) if (d.devicePin) m.set(d.devicePin, d.id);
  return m;
}

/** Stores one batch and acknowledges it (with the error when storing failed). Returns how many were stored. */
export async function storePunchBatch(db: RenshiDatabase, api: Pick<RenshiApi, 'punchesAck'>, batch: PunchBatch): Promise<number> {
  try {
    const device = await db.settings.findOne(batch.deviceId).exec();
    const siteId = device && device.kind === 'device' ? (device.siteId as string) : null;
    const punches = enrichPunches(batch.punches, { employeeByPin: await employeeByPin(db), siteId });
    const result = await db.punches.bulkUpsert(punches);
    if (result.error.length > 0) throw new Error(`${result.error.length} punches could not be written (${result.error[0]!.status})`);
    await api.punchesAck({ batchId: batch.batchId, stored: punches.length, error: null });
    return punches.length;
  } catch (err) {
    const message = (err instanceof Error ? err.message : String(err)).slice(0, 500);
    await api.punchesAck({ batchId: batch.batchId, stored: 0, error: message }).catch(() => {});
    return 0;
  }
}

/** The Device documents in `settings`, validated (a malformed one is left out rather than crash the poller). */
export async function loadDevices(db: RenshiDatabase): Promise<Device[]> {
  const docs = await db.settings.find({ selector: { kind: 'device' } }).exec();
  const devices: Device[] = [];
  for (const d of docs) {
    const parsed = DeviceSchema.safeParse(stripMeta(d.toMutableJSON()));
    if (parsed.success) devices.push(parsed.data);
  }
  return devices;
}

/**
 * Starts ingest for the lifetime of the shell: configures the poller now and whenever a Device document
 * changes (here or via sync), and stores every punch batch main sends. Returns a stop function.
 */
export function startDeviceSync(db: RenshiDatabase, api: RenshiApi, onError: (err: unknown) => void = console.error): () => void {
  // Batches are stored one after another so a burst from several devices never races on the same ids.
  let chain: Promise<unknown> = Promise.resolve();
  const off = api.on('devicePunches', (batch) => {
    chain = chain.then(() => storePunchBatch(db, api, batch));
  });
  let lastConfig = '';
  const sub = db.settings.find({ selector: { kind: 'device' } }).$.subscribe(() => {
    void loadDevices(db)
      .then((devices) => {
        // Sync may re-emit unchanged documents; only a real change reschedules the poller.
        const config = JSON.stringify(devices.map(({ updatedAt: _u, ...d }) => d));
        if (config === lastConfig) return;
        return api.devicesConfigure({ devices }).then(() => {
          lastConfig = config; // only once main has it, so a failed call is retried on the next change
        });
      })
      .catch(onError);
  });
  return () => {
    off();
    sub.unsubscribe();
  };
}
