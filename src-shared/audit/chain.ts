import type { AuditEvent } from '../schemas/audit.ts';

/**
 * The audit trail's tamper evidence. Each replica numbers its events 0,1,2… and each event's hash covers
 * all of its fields plus the previous event's hash, so editing, deleting or reordering any event changes
 * every hash after it. Hashes are SHA-256 over canonical JSON (keys sorted, no whitespace) so the same
 * event hashes identically in Chromium, Electron and Node (Web Crypto is global in all three).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export async function sha256Hex(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Hash of a document's content, ignoring replication metadata (fields starting with `_`). */
export async function documentHash(doc: Record<string, unknown> | null | undefined): Promise<string | null> {
  if (!doc) return null;
  const content = Object.fromEntries(Object.entries(doc).filter(([k]) => !k.startsWith('_')));
  return sha256Hex(canonicalJson(content));
}

export type UnsealedAuditEvent = Omit<AuditEvent, 'hash' | 'prevHash' | 'seq' | 'id' | 'updatedAt'>;

/** Seals the next event of a replica's chain after `previous` (null for the first event). */
export async function sealAuditEvent(event: UnsealedAuditEvent, previous: Pick<AuditEvent, 'seq' | 'hash'> | null): Promise<AuditEvent> {
  const seq = previous ? previous.seq + 1 : 0;
  const body = { ...event, id: `${event.replicaId}:${seq}`, seq, prevHash: previous?.hash ?? null, updatedAt: event.at };
  return { ...body, hash: await sha256Hex(canonicalJson(body)) };
}

export type ChainBreak = { seq: number; reason: 'hash-mismatch' | 'prev-hash-mismatch' | 'gap' | 'replica-mismatch' };

/**
 * Verifies a run of one replica's events. `anchor` is the last verified event before them (null when the
 * run starts at seq 0). Returns the first break found, or null when the run is intact.
 */
export async function verifyAuditChain(events: AuditEvent[], anchor: Pick<AuditEvent, 'seq' | 'hash' | 'replicaId'> | null): Promise<ChainBreak | null> {
  const sorted = [...events].sort((a, b) => a.seq - b.seq);
  let prev = anchor;
  for (const ev of sorted) {
    if (prev && ev.replicaId !== prev.replicaId) return { seq: ev.seq, reason: 'replica-mismatch' };
    const expectedSeq = prev ? prev.seq + 1 : 0;
    if (ev.seq !== expectedSeq) return { seq: ev.seq, reason: 'gap' };
    if (ev.prevHash !== (prev?.hash ?? null)) return { seq: ev.seq, reason: 'prev-hash-mismatch' };
    const { hash, ...body } = ev;
    if ((await sha256Hex(canonicalJson(body))) !== hash) return { seq: ev.seq, reason: 'hash-mismatch' };
    prev = ev;
  }
  return null;
}
