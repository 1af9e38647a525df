import { describe, expect, test } from 'vitest';
import { caseReadOf, caseReadSummary, caseViewLog, SERVER_REPLICA_ID, type CaseRead } from '#shared/audit/case-reads';
import { sealAuditEvent } from '#shared/audit/chain';
import type { AuditEvent } from '#shared/schemas/audit';

const read = (over: Partial<CaseRead> = {}): CaseRead => ({ read: 'notices', ref: null, refused: false, from: { terminal: 'HR-PC · 3f2a1b2c', ip: '10.0.0.5', device: 'Chrome' }, ...over });

async function event(replicaId: string, over: Partial<Omit<AuditEvent, 'hash' | 'prevHash' | 'seq' | 'id' | 'updatedAt'>>): Promise<AuditEvent> {
  return sealAuditEvent({ replicaId, actor: 'hr-wang', action: 'view', collectionName: 'cases', docId: 'se-1', beforeHash: null, afterHash: null, summary: '', at: 1_000, ...over }, null);
}

describe('views of a case in the audit trail', () => {
  test('a server read survives its summary: what, whether refused, and where from', () => {
    const r = read({ read: 'file', ref: 'a'.repeat(64), refused: true });
    expect(caseReadOf(caseReadSummary(r))).toEqual(r);
    expect(caseReadOf('viewed restricted case se-1')).toBeNull();
    expect(caseReadOf('{"read":"everything"}')).toBeNull();
  });

  test('the summary stays within 500 characters even with a long, escaped user agent', () => {
    const long = read({ ref: 'x'.repeat(100), from: { terminal: 'T'.repeat(100), ip: '1'.repeat(64), device: '"'.repeat(120) } });
    const s = caseReadSummary(long);
    expect(s.length).toBeLessThanOrEqual(500);
    expect(caseReadOf(s)).toEqual({ ...long, from: { ...long.from, device: null } });
  });

  test('one log of terminal views, server reads and exports of one case, newest first', async () => {
    const events = [
      await event('replica-a', { summary: 'viewed restricted case se-1', at: 1_000 }),
      await event(SERVER_REPLICA_ID, { summary: caseReadSummary(read()), at: 3_000, actor: 'hr-li' }),
      await event('replica-a', { action: 'export', summary: 'evidence bundle x.zip manifest abc', at: 2_000 }),
      await event('replica-a', { action: 'update', at: 4_000 }), // a change, not a view
      await event('replica-a', { docId: 'other-case', at: 5_000 }),
      // A terminal cannot pass its own event off as a server read: only the server's chain is read that way.
      await event('replica-b', { summary: caseReadSummary(read({ from: { terminal: 'FORGED', ip: null, device: null } })), at: 6_000 }),
    ];
    expect(caseViewLog(events, 'se-1').map((v) => [v.at, v.actor, v.read, v.via, v.terminal, v.ip])).toEqual([
      [6_000, 'hr-wang', 'case', 'terminal', 'replica-b', null],
      [3_000, 'hr-li', 'notices', 'server', 'HR-PC · 3f2a1b2c', '10.0.0.5'],
      [2_000, 'hr-wang', 'export', 'terminal', 'replica-a', null],
      [1_000, 'hr-wang', 'case', 'terminal', 'replica-a', null],
    ]);
  });
});
