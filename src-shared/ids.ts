/**
 * Identifiers. Random ids for things people create; deterministic ids wherever the same fact may arrive
 * twice (a punch pulled by two terminals, a message the escalation timer might send again after a restart),
 * so that writing it twice yields one document instead of a duplicate.
 */
export function newId(): string {
  return globalThis.crypto.randomUUID();
}

/** Device serial + user pin + instant: the same punch from any path gets the same id. */
export function punchId(deviceSerial: string, pin: string, atMs: number): string {
  return `${deviceSerial}|${pin}|${atMs}`;
}
