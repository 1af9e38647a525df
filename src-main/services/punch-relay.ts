import { randomUUID } from 'node:crypto';
import { RenshiError } from '#shared/errors';
import type { Punch } from '#shared/schemas/punch';
import type { BridgeEventSink } from './types.ts';

/**
 * Hands device punches to the UI, which owns the local database, and waits until the UI says they are
 * stored. Only then does the poller move its cursor: if no window is open, or it fails to store them, the
 * batch is rejected and the same punches are read again on the next pull (their ids are deterministic, so
 * a batch stored twice is still one set of documents).
 */
export function createPunchRelay(opts: { emit: BridgeEventSink; listeners: () => number; timeoutMs?: number }) {
  const pending = new Map<string, { resolve: () => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  return {
    sink(deviceId: string, punches: Punch[]): Promise<void> {
      if (punches.length === 0) return Promise.resolve();
      if (opts.listeners() === 0) return Promise.reject(new RenshiError('internal', 'no open window to store punches; will retry on the next pull'));
      const batchId = randomUUID();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(batchId);
          reject(new RenshiError('internal', `punch batch ${batchId} was not acknowledged in time`));
        }, opts.timeoutMs ?? 60_000);
        pending.set(batchId, { resolve, reject, timer });
        opts.emit('devicePunches', { batchId, deviceId, punches });
      });
    },
    ack(input: { batchId: string; stored: number; error: string | null }): { accepted: boolean } {
      const entry = pending.get(input.batchId);
      if (!entry) return { accepted: false };
      pending.delete(input.batchId);
      clearTimeout(entry.timer);
      if (input.error) entry.reject(new RenshiError('internal', `the UI could not store punches: ${input.error}`));
      else entry.resolve();
      return { accepted: true };
    },
  };
}
