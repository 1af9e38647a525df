/**
 * Bridge calls for attendance devices (connect/test, pull, import, status). Filled in with the device
 * gateway; merged into the bridge contract in contract.ts.
 */
export const devicesContract = {} as const;
