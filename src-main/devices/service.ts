/**
 * Device bridge handlers: one async function per call in devicesContract, taking the already-parsed input.
 * Electron IPC and the web host wire them the same way (see src-main/bridge/dispatch.ts).
 */
import type { z } from 'zod';
import { RenshiError } from '#shared/errors';
import type { DeviceStatus, devicesContract } from '#shared/ipc/devices-contract';
import { localDateTimeOf } from '#shared/time';
import { openDevice } from './drivers.ts';
import { DevicePoller, type PollerOptions, type PunchSink } from './poller.ts';
import { instantOfDeviceTime } from './punches.ts';
import { previewImport } from './usb-import/import-file.ts';

type Contract = typeof devicesContract;
export type DeviceHandlers = {
  [K in keyof Contract]: (input: z.infer<Contract[K]['input']>) => Promise<z.input<Contract[K]['output']>>;
};

export interface DeviceServiceOptions extends Omit<PollerOptions, 'onPunches' | 'onStatus'> {
  /**
   * Receives new punches (e.g. relays them to the UI that owns the local database); the poller's cursor
   * advances only after it resolves, so a rejected or lost batch is read again on the next pull.
   */
  onPunches: PunchSink;
  onStatus?: (status: DeviceStatus) => void;
  /** Start polling on creation (default true). */
  autoStart?: boolean;
}

export function createDeviceService(opts: DeviceServiceOptions): DeviceHandlers & { poller: DevicePoller; close(): Promise<void> } {
  const now = opts.now ?? Date.now;
  const poller = new DevicePoller(opts);
  if (opts.autoStart !== false) poller.start();

  return {
    poller,
    async close() {
      poller.stop();
      await poller.idle();
    },

    async devicesTest(input) {
      const device = (opts.open ?? openDevice)(input);
      const t0 = performance.now();
      try {
        await device.connect();
        const info = await device.info();
        const latencyMs = Math.round(performance.now() - t0);
        const instant = instantOfDeviceTime(info.deviceTime);
        if (instant === null) throw new RenshiError('device-protocol-error', `device clock reads ${info.deviceTime}`);
        return { ...info, skewMs: instant - now(), latencyMs };
      } finally {
        await device.close().catch(() => {});
      }
    },

    async devicesConfigure({ devices }) {
      return { scheduled: await poller.configure(devices) };
    },

    async devicesPullNow({ deviceId }) {
      return poller.pullNow(deviceId);
    },

    async devicesStatus() {
      return { devices: poller.status() };
    },

    async devicesImportFile({ fileName, contentBase64, deviceSerial }) {
      const bytes = Buffer.from(contentBase64, 'base64');
      return previewImport(fileName, bytes, deviceSerial, now());
    },

    async devicesSetTime({ deviceId, localTime }) {
      const device = poller.openDevice(deviceId);
      try {
        await device.connect();
        await device.setTime(localTime ?? localDateTimeOf(now()));
        return { deviceTime: (await device.info()).deviceTime };
      } finally {
        await device.close().catch(() => {});
      }
    },

    async devicesClearLog({ deviceId, confirm }) {
      if (confirm !== true) throw new RenshiError('validation-failed', 'clearing a device log needs confirm: true');
      // Never delete what the sink has not got: pull first, and clear only if that pull succeeded.
      const pulledFirst = await poller.pullNow(deviceId);
      const device = poller.openDevice(deviceId);
      try {
        await device.connect();
        await device.clearRecords();
      } finally {
        await device.close().catch(() => {});
      }
      return { pulledFirst, cleared: true as const };
    },
  };
}
