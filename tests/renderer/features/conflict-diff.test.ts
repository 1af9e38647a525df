import { describe, expect, it } from 'vitest';
import type { WireDocument } from '#shared/sync/protocol';
import { diffFields, mergeDocument } from '../../../src-renderer/features/conflicts/conflict-diff.ts';

const base = {
  id: 'emp-1',
  _deleted: false,
  updatedAt: 1_000,
  name: '丁萍芬',
  position: '操作工',
  phone: '13800138000',
  workAccounts: [{ kind: 'wecom', account: 'w1', revokedAt: null, revokedBy: null }],
  sensitive: { idNumber: null, emergencyContacts: [], monthlySalaryFen: 500_000, bankAccount: null },
} as WireDocument;
const server = { ...base, updatedAt: 2_000, position: '车间主任' } as WireDocument;
const losing = { ...base, updatedAt: 3_000, position: '线长', phone: '13912345678', sensitive: { ...(base.sensitive as object), monthlySalaryFen: 520_000 } } as WireDocument;

describe('diffFields', () => {
  it('lists differing fields first in the given order, splits the sensitive group, skips id and updatedAt', () => {
    const diffs = diffFields(server, losing, ['name', 'phone', 'position', 'sensitive.monthlySalaryFen']);
    expect(diffs.filter((d) => d.differs).map((d) => d.path)).toEqual(['phone', 'position', 'sensitive.monthlySalaryFen']);
    expect(diffs.slice(0, 3).every((d) => d.differs)).toBe(true);
    expect(diffs.map((d) => d.path)).not.toContain('id');
    expect(diffs.map((d) => d.path)).not.toContain('updatedAt');
    expect(diffs.map((d) => d.path)).toContain('sensitive.bankAccount');
    expect(diffs.find((d) => d.path === 'position')).toMatchObject({ server: '车间主任', losing: '线长' });
  });

  it('compares objects by content, not key order', () => {
    const reordered = { ...server, workAccounts: [{ revokedBy: null, revokedAt: null, account: 'w1', kind: 'wecom' }] } as WireDocument;
    expect(diffFields(server, reordered).find((d) => d.path === 'workAccounts')?.differs).toBe(false);
  });

  it('shows a deletion as a field to decide', () => {
    const deleted = { ...server, _deleted: true } as WireDocument;
    expect(diffFields(server, deleted).find((d) => d.path === '_deleted')).toMatchObject({ server: false, losing: true, differs: true });
  });
});

describe('mergeDocument', () => {
  it('keeps the server version except the fields chosen from the losing one, and stamps the merge time', () => {
    const merged = mergeDocument(server, losing, { position: 'server', phone: 'losing', 'sensitive.monthlySalaryFen': 'losing' }, 9_000) as Record<string, unknown>;
    expect(merged).toMatchObject({ id: 'emp-1', position: '车间主任', phone: '13912345678', updatedAt: 9_000 });
    expect(merged.sensitive).toEqual({ idNumber: null, emergencyContacts: [], monthlySalaryFen: 520_000, bankAccount: null });
    // The inputs are left alone (the page keeps showing them).
    expect((server as Record<string, unknown>).phone).toBe('13800138000');
    expect((server.sensitive as { monthlySalaryFen: number }).monthlySalaryFen).toBe(500_000);
  });

  it('with every field from the server, is the server version but for the time', () => {
    const merged = mergeDocument(server, losing, {}, 9_000);
    expect({ ...merged, updatedAt: 2_000 }).toEqual(server);
  });
});
