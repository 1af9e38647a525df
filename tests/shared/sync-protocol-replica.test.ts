import { describe, expect, it } from 'vitest';
import { replicaLabelOf } from '#shared/sync/protocol';

describe('the terminal label a push carries', () => {
  it('is decoded, stripped of control characters and bounded; anything else is ignored', () => {
    expect(replicaLabelOf(encodeURIComponent('前台电脑 · 1a2b3c4d'))).toBe('前台电脑 · 1a2b3c4d');
    expect(replicaLabelOf(encodeURIComponent('a\nb\u0000c'))).toBe('abc');
    expect(replicaLabelOf(encodeURIComponent('x'.repeat(150)))).toHaveLength(100);
    expect(replicaLabelOf('%E0%A4%A')).toBeNull(); // not valid URI encoding
    expect(replicaLabelOf(undefined)).toBeNull();
    expect(replicaLabelOf(['a', 'b'])).toBeNull();
    expect(replicaLabelOf('   ')).toBeNull();
    expect(replicaLabelOf('y'.repeat(301))).toBeNull();
  });
});
