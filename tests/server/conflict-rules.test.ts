import { describe, expect, test } from 'vitest';
import { decidePush, sameContent } from '#shared/sync/conflicts';
import { accessFor } from '#shared/sync/auth';
import { PullQuery, PushRequest } from '#shared/sync/protocol';

const v1 = { id: 'e1', name: '张三', updatedAt: 1 };
const v2 = { id: 'e1', name: '张三丰', updatedAt: 2 };
const v3 = { id: 'e1', name: '李四', updatedAt: 3 };

describe('push decisions', () => {
  test.each([
    ['new document', null, null, v1, { kind: 'write' }],
    ['edit on the state the server has', v1, v1, v2, { kind: 'write' }],
    ['edit on a stale state', v2, v1, v3, { kind: 'conflict', recordLosingVersion: true }],
    ['same edit twice', v2, v1, v2, { kind: 'unchanged' }],
    ['creating an id the server already has', v1, null, v3, { kind: 'conflict', recordLosingVersion: true }],
    ['delete on the current state', v1, v1, { ...v1, _deleted: true }, { kind: 'write' }],
  ] as const)('keep-both: %s', (_name, master, assumed, incoming, expected) => {
    expect(decidePush('employees', { master, assumed, incoming })).toEqual(expected);
  });

  test.each([
    ['first arrival', null, v1, { kind: 'write' }],
    ['the same fact again', v1, { ...v1, _rev: '2-x' }, { kind: 'unchanged' }],
    ['a different copy of the fact', v1, v2, { kind: 'conflict', recordLosingVersion: false }],
  ] as const)('append-only: %s', (_name, master, incoming, expected) => {
    expect(decidePush('punches', { master, assumed: null, incoming })).toEqual(expected);
  });

  test('append-only facts cannot be deleted', () => {
    expect(decidePush('audit', { master: v1, assumed: v1, incoming: { ...v1, _deleted: true } }).kind).toBe('reject');
  });

  test('content comparison ignores key order and RxDB metadata, not _deleted', () => {
    expect(sameContent({ id: 'a', x: 1, y: { b: 1, a: 2 } }, { y: { a: 2, b: 1 }, id: 'a', x: 1, _meta: { lwt: 5 } } as never)).toBe(true);
    expect(sameContent({ id: 'a', _deleted: false }, { id: 'a' })).toBe(true);
    expect(sameContent({ id: 'a', _deleted: true }, { id: 'a' })).toBe(false);
  });
});

describe('protocol and access', () => {
  test('pull query needs both halves of a checkpoint and caps the limit', () => {
    expect(PullQuery.safeParse({ id: 'x' }).success).toBe(false);
    expect(PullQuery.parse({ id: 'x', serverSeq: '5', limit: '10' })).toEqual({ id: 'x', serverSeq: 5, limit: 10 });
    expect(PullQuery.safeParse({ limit: '999999' }).success).toBe(false);
  });

  test('push rows must carry a document with an id', () => {
    expect(PushRequest.safeParse([{ newDocumentState: { name: 'x' } }]).success).toBe(false);
    expect(PushRequest.safeParse({ rows: [] }).success).toBe(false);
    expect(PushRequest.parse([{ newDocumentState: { id: 'a' } }])[0]!.newDocumentState._deleted).toBe(false);
  });

  test('site-bound and read-only principals', () => {
    expect(accessFor('viewer', null, 'employees')).toEqual({ read: true, write: false });
    expect(accessFor('site_admin', 's1', 'employees')).toEqual({ read: true, write: true });
    expect(accessFor('site_admin', 's1', 'requests')).toEqual({ read: false, write: false });
    expect(accessFor('site_admin', 's1', 'audit')).toEqual({ read: false, write: true });
    expect(accessFor('viewer', 's1', 'audit')).toEqual({ read: false, write: false });
    expect(accessFor('terminal', 's1', 'org')).toEqual({ read: true, write: false });
  });
});
