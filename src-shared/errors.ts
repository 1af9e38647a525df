/** Errors cross every boundary (IPC, HTTP) as a stable code plus a human message. */
export const RENSHI_ERROR_CODES = [
  'validation-failed',
  'not-found',
  'conflict',
  'unauthorized',
  'forbidden',
  /** Approving or rejecting a request the account may not decide (see attendance/request-decision.ts). */
  'decision-not-allowed',
  'device-unreachable',
  'device-auth-failed',
  'device-protocol-error',
  'import-failed',
  'protocol-mismatch',
  'rate-limited',
  'internal',
] as const;
export type RenshiErrorCode = (typeof RENSHI_ERROR_CODES)[number];

export class RenshiError extends Error {
  constructor(
    readonly code: RenshiErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'RenshiError';
  }
}

export type Result<T> = { ok: true; data: T } | { ok: false; error: { code: RenshiErrorCode; message: string; details?: unknown } };

export function toErrorPayload(err: unknown): { code: RenshiErrorCode; message: string; details?: unknown } {
  if (err instanceof RenshiError) return { code: err.code, message: err.message, details: err.details };
  if (err && typeof err === 'object' && 'issues' in err && Array.isArray((err as { issues: unknown }).issues)) {
    return { code: 'validation-failed', message: 'invalid input', details: (err as { issues: unknown }).issues };
  }
  return { code: 'internal', message: err instanceof Error ? err.message : String(err) };
}
