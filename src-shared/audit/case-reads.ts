import { z } from 'zod';
import type { AuditEvent } from '../schemas/audit.ts';
import { canonicalJson } from './chain.ts';

/**
 * Who looked at a restricted case (story 4: "every view and change is in the audit trail"). Views are audit
 * events of action `view` on the case (`collectionName: 'cases'`, `docId` = the case id), so they are
 * hash-chained, replicated and carried into the evidence bundle like every other event. Two writers:
 *  - a terminal, when its case screen opens a restricted case (`viewCase`): its own replica's chain, summary
 *    free text (who and which terminal are the event's actor and replica);
 *  - the sync server, when a restricted case's material is read through it (its notices, a signed record,
 *    an evidence file): the server's own chain (`SERVER_REPLICA_ID`), with a `CaseRead` as the summary: what
 *    was read, whether it was refused, and where the request came from.
 * `caseViewLog` turns both into one list for the case screen.
 */
export const SERVER_REPLICA_ID = 'server';

export const CaseReadKind = z.enum(['case', 'notices', 'signed-record', 'file']);
export type CaseReadKind = z.infer<typeof CaseReadKind>;

/** Where a request came from, as the server saw it. `terminal` is the label the app sends (computer name and
 *  replica id); it is informational, like the user agent: the account and the address are what the server knows. */
export const ReadOrigin = z.object({
  terminal: z.string().max(100).nullable(),
  ip: z.string().max(64).nullable(),
  device: z.string().max(120).nullable(),
});
export type ReadOrigin = z.infer<typeof ReadOrigin>;

export const CaseRead = z.object({
  read: CaseReadKind,
  /** The notice id or file SHA-256 read, when the read was of one thing. */
  ref: z.string().max(100).nullable(),
  /** The reader was not on the case's access list and got nothing. */
  refused: z.boolean(),
  from: ReadOrigin,
});
export type CaseRead = z.infer<typeof CaseRead>;

/** The summary of a server read event: the CaseRead as canonical JSON (within the summary's 500 characters). */
export function caseReadSummary(read: CaseRead): string {
  const parsed = CaseRead.parse(read);
  const text = canonicalJson(parsed);
  // Escaped characters can push a long user agent past the limit; the account and address matter more.
  return text.length <= SUMMARY_MAX ? text : canonicalJson({ ...parsed, from: { ...parsed.from, device: null } });
}
const SUMMARY_MAX = 500;

/** The CaseRead a summary holds, or null for any other summary (a terminal's view, an older event). */
export function caseReadOf(summary: string): CaseRead | null {
  if (!summary.startsWith('{')) return null;
  try {
    return CaseRead.safeParse(JSON.parse(summary)).data ?? null;
  } catch {
    return null;
  }
}

export type CaseViewEntry = {
  id: string;
  at: number;
  actor: string;
  /** `export`: the evidence bundle was exported, which reads everything. */
  read: CaseReadKind | 'export';
  ref: string | null;
  refused: boolean;
  /** The server (a read through it) or the terminal's own database. */
  via: 'server' | 'terminal';
  /** The terminal: its replica id for a terminal's view, the label it sent for a server read. */
  terminal: string | null;
  ip: string | null;
  device: string | null;
};

/** Every view of a case (terminal views, server reads, bundle exports), newest first. */
export function caseViewLog(events: readonly AuditEvent[], caseId: string): CaseViewEntry[] {
  const out: CaseViewEntry[] = [];
  for (const e of events) {
    if (e.docId !== caseId || e.collectionName !== 'cases' || (e.action !== 'view' && e.action !== 'export')) continue;
    const base = { id: e.id, at: e.at, actor: e.actor };
    const read = e.replicaId === SERVER_REPLICA_ID ? caseReadOf(e.summary) : null;
    if (read) out.push({ ...base, read: read.read, ref: read.ref, refused: read.refused, via: 'server', terminal: read.from.terminal, ip: read.from.ip, device: read.from.device });
    else out.push({ ...base, read: e.action === 'export' ? 'export' : 'case', ref: null, refused: false, via: 'terminal', terminal: e.replicaId, ip: null, device: null });
  }
  return out.sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1));
}
