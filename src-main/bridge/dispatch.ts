import { bridgeContract, type BridgeCall } from '#shared/ipc/contract';
import { RenshiError, toErrorPayload, type Result } from '#shared/errors';
import type { BridgeHandlers } from './handlers.ts';

const isCall = (name: string): name is BridgeCall => Object.hasOwn(bridgeContract, name);

/**
 * The single entry for every bridge call, from Electron IPC and from the web host alike: unknown calls
 * and invalid inputs are refused before any service runs, and outputs are checked on the way back so a
 * service bug surfaces here rather than as a confusing UI error.
 */
export async function dispatch(handlers: BridgeHandlers, name: string, rawInput: unknown): Promise<Result<unknown>> {
  try {
    if (!isCall(name)) throw new RenshiError('not-found', `unknown bridge call: ${name}`);
    const spec = bridgeContract[name];
    const input = spec.input.safeParse(rawInput ?? {});
    if (!input.success) throw new RenshiError('validation-failed', `invalid input for ${name}`, input.error.issues);
    const handler = handlers[name] as (input: unknown) => Promise<unknown>;
    const output = spec.output.parse(await handler(input.data));
    return { ok: true, data: output };
  } catch (err) {
    return { ok: false, error: toErrorPayload(err) };
  }
}
