import type { z } from 'zod';
import type { BridgeCall, BridgeContract } from '#shared/ipc/contract';

/** One async function per bridge call, taking the already-parsed input. */
export type BridgeHandlers = {
  [K in BridgeCall]: (input: z.infer<BridgeContract[K]['input']>) => Promise<z.input<BridgeContract[K]['output']>>;
};
