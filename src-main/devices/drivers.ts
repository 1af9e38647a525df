/** Picks the driver for an endpoint. Every caller (CLI, poller, service) goes through here. */
import { HanvonClient } from './hanvon/client.ts';
import type { AttendanceDevice, DeviceEndpoint } from './types.ts';
import { ZkClient } from './zkteco/client.ts';

export function openDevice(endpoint: DeviceEndpoint): AttendanceDevice {
  if (endpoint.driver === 'hanvon') return new HanvonClient(endpoint);
  return new ZkClient(endpoint);
}
