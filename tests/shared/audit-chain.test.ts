import { describe, expect, test } from 'vitest';
import { canonicalJson, sealAuditEvent, verifyAuditChain } from '#shared/audit/chain';
import { AuditEvent } from '#shared/schemas/audit';

async function chainOf(n: number) {
  const events: AuditEvent[] = [];
  for (let i = 0; i < n; i++) {
    const ev = await sealAuditEvent(
      { replicaId: 'r1', actor: 'hr', action: 'update', collectionName: 'employees', docId: `e${i}`, beforeHash: null, afterHash: null, summary: `change ${i}`, at: 1_700_000_000_000 + i },
      events.at(-1) ?? null,
    );
    events.push(AuditEvent.parse(ev));
  }
  return events;
}

describe('audit hash chain', () => {
  test('canonical JSON sorts keys at every depth and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[2,{"y":2,"z":1}]},"b":1}');
  });

  test('an intact chain verifies, from genesis and from an anchor', async () => {
    const events = await chainOf(5);
    expect(events.map((e) => e.id)).toEqual(['r1:0', 'r1:1', 'r1:2', 'r1:3', 'r1:4']);
    expect(await verifyAuditChain(events, null)).toBeNull();
    expect(await verifyAuditChain(events.slice(3), events[2]!)).toBeNull();
  });

  test.each([
    ['edited summary', (ev: AuditEvent[]) => { ev[2] = { ...ev[2]!, summary: 'tampered' }; }, { seq: 2, reason: 'hash-mismatch' }],
    ['deleted event', (ev: AuditEvent[]) => { ev.splice(2, 1); }, { seq: 3, reason: 'gap' }],
    ['re-sealed edit', (ev: AuditEvent[]) => { ev[1] = { ...ev[1]!, hash: 'f'.repeat(64) }; }, { seq: 1, reason: 'hash-mismatch' }],
  ] as const)('%s breaks the chain', async (_name, tamper, expected) => {
    const events = await chainOf(5);
    tamper(events);
    expect(await verifyAuditChain(events, null)).toEqual(expected);
  });
});
