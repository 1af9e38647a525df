import { describe, expect, test } from 'vitest';
import { batchNotes, NOTES_SHOWN_ONE_BY_ONE } from '#shared/escalation/note-batch';

const note = (i: number, siteId: string | null = 's1') => ({ title: `缺卡预警：请联系 员工${i}（E${String(i).padStart(4, '0')}）`, body: `正文 ${i}`, siteId });
const summary = { title: (n: number) => `${n} 项任务`, footer: '请在「预警」页处理。' };

describe('notes of one pass', () => {
  test('a few are shown one by one, unchanged', () => {
    const few = Array.from({ length: NOTES_SHOWN_ONE_BY_ONE }, (_, i) => note(i));
    expect(batchNotes(few, summary)).toEqual({ notes: few });
    expect(batchNotes([], summary)).toEqual({ notes: [] });
  });

  test('more become one summary that names each and keeps the site when they share one', () => {
    const many = Array.from({ length: 6 }, (_, i) => note(i));
    const out = batchNotes(many, summary);
    if (!('summary' in out)) throw new Error('expected a summary');
    expect(out.summary.title).toBe('6 项任务');
    expect(out.summary.siteId).toBe('s1');
    const lines = out.summary.body.split('\n');
    expect(lines.slice(0, 6)).toEqual(many.map((n, i) => `${i + 1}. ${n.title}`));
    expect(lines.at(-1)).toBe('请在「预警」页处理。');
  });

  test('notes of several sites make a summary for no one site', () => {
    const out = batchNotes([note(1, 's1'), note(2, 's2'), note(3, 's1'), note(4, 's1')], summary);
    expect('summary' in out && out.summary.siteId).toBe(null);
  });

  test('a summary too long for a notification says how many it left out', () => {
    const many = Array.from({ length: 300 }, (_, i) => note(i));
    const out = batchNotes(many, summary);
    if (!('summary' in out)) throw new Error('expected a summary');
    expect(out.summary.body.length).toBeLessThanOrEqual(2000);
    const lines = out.summary.body.split('\n');
    const listed = lines.filter((l) => /^\d+\. /.test(l)).length;
    expect(listed).toBeGreaterThan(20);
    expect(lines.at(-2)).toBe(`……另有 ${300 - listed} 条`);
  });
});
