import { describe, expect, it } from 'vitest';
import {
  ChatDecisionSetting,
  chatDecisionSetting,
  ChatReviewSetting,
  chatReviewSetting,
  effectiveKeywordLists,
  keywordFileOf,
  keywordListSetting,
  KeywordListSetting,
  keywordListsFromFile,
  reviewCounts,
  reviewedFindings,
} from '#shared/review/review-records';
import { decideFinding, DEFAULT_KEYWORDS, loadKeywordConfig, reviewChatLog, type ChatReviewInput } from '#shared/review/work-chat-review';
import { SettingsDoc } from '#shared/schemas/settings';

const li = { id: 'emp-li', name: '李小明', siteId: 'site-1', workAccounts: [{ kind: 'wecom' as const, account: 'wx-li', revokedAt: null, revokedBy: null }] };
const zhao = { id: 'emp-zhao', name: '赵敏', siteId: 'site-2', workAccounts: [{ kind: 'email' as const, account: 'zhao@corp.example', revokedAt: null, revokedBy: null }] };
const utf8 = (s: string) => new TextEncoder().encode(s);
const liLog = ['time,sender,text', '2026-03-01 10:00,wx-li,垃圾领导', '2026-03-01 10:01,wx-li,你好', '2026-03-01 10:02,wx-li,加我私人微信'].join('\n');
const zhaoLog = '2026-03-02 09:00 赵敏: 这家公司要倒闭了\n';

type Person = { id: string; name: string; siteId: string; workAccounts: { kind: 'wecom' | 'email'; account: string; revokedAt: null; revokedBy: null }[] };
async function review(employee: Person, over: Partial<ChatReviewInput> & { importedAt?: number } = {}) {
  const input: ChatReviewInput = { fileName: 'li.csv', bytes: utf8(liLog), format: 'csv', employee, account: employee.workAccounts[0]!, roles: ['sales'], ...over };
  const r = await reviewChatLog(input);
  if (!r.ok) throw new Error(JSON.stringify(r.refusal));
  return chatReviewSetting(r.outcome, { employee, account: input.account, fileName: input.fileName, roles: input.roles, importedBy: 'hr-wang', importedAt: over.importedAt ?? 1_000 });
}

describe('keyword lists', () => {
  const own = { id: 'leak-salary', role: 'manager', category: 'leak', severity: 'medium' as const, label: { zh: '泄露薪资', en: 'Leaking pay' }, keywords: ['工资条发你', '他工资多少'] };

  it('a copy of a built-in list replaces it; a list of HR’s own is added after the built-ins', () => {
    const builtIn = DEFAULT_KEYWORDS.lists.find((l) => l.id === 'solicit-customers')!;
    const adapted = keywordListSetting({ ...builtIn, keywords: [...builtIn.keywords, '我单干了'] }, { savedBy: 'hr-wang', now: 5 });
    expect(adapted).toMatchObject({ id: 'keyword-list|solicit-customers', kind: 'keyword_list', copiedFrom: 'solicit-customers', savedBy: 'hr-wang', updatedAt: 5 });
    const mine = keywordListSetting(own, { savedBy: 'hr-wang', now: 6 });
    expect(mine.copiedFrom).toBeNull();

    const lists = effectiveKeywordLists([mine, adapted]);
    expect(lists.map((e) => [e.list.id, e.source])).toEqual([...DEFAULT_KEYWORDS.lists.map((l) => [l.id, l.id === 'solicit-customers' ? 'adapted' : 'built-in']), ['leak-salary', 'own']]);
    expect(lists.find((e) => e.list.id === 'solicit-customers')!.list.keywords).toContain('我单干了');
    // Deleting the copy (no setting any more) brings the built-in back.
    expect(effectiveKeywordLists([mine]).find((e) => e.list.id === 'solicit-customers')).toEqual({ list: builtIn, source: 'built-in', setting: null });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['no keywords', { keywords: [] }, 'keywords'],
    ['a punctuation-only keyword', { keywords: ['，。'] }, 'keywords.0'],
    ['a role with spaces', { role: 'Sales Team' }, 'role'],
    ['an id with capitals', { id: 'Leak' }, 'id'],
    ['no Chinese name', { label: { zh: '', en: 'x' } }, 'label.zh'],
  ])('refuses a list with %s', (_name, over, path) => {
    let issues: { path: PropertyKey[] }[] = [];
    try {
      keywordListSetting({ ...own, ...over }, { savedBy: 'hr', now: 1 });
    } catch (err) {
      issues = (err as { issues: { path: PropertyKey[] }[] }).issues;
    }
    expect(issues.map((i) => i.path.join('.'))).toContain(path);
  });

  it('the stored document must name its list and keep a copied list’s id', () => {
    const s = keywordListSetting(own, { savedBy: 'hr', now: 1 });
    expect(KeywordListSetting.safeParse({ ...s, id: 'keyword-list|other' }).success).toBe(false);
    expect(KeywordListSetting.safeParse({ ...s, copiedFrom: 'insult-superior' }).success).toBe(false);
    expect(SettingsDoc.parse(s)).toEqual(s);
  });

  it('a keyword file is saved whole or not at all, and the export reads back', () => {
    const good = keywordListsFromFile(JSON.stringify({ version: 1, lists: [own, DEFAULT_KEYWORDS.lists[0]] }), { savedBy: 'hr', now: 1 });
    expect(good.ok && good.settings.map((s) => [s.id, s.copiedFrom])).toEqual([
      ['keyword-list|leak-salary', null],
      [`keyword-list|${DEFAULT_KEYWORDS.lists[0]!.id}`, DEFAULT_KEYWORDS.lists[0]!.id],
    ]);
    const bad = keywordListsFromFile(JSON.stringify({ version: 1, lists: [own, { ...own, id: 'x', keywords: [] }] }), { savedBy: 'hr', now: 1 });
    expect(bad.ok ? [] : bad.problems.map((p) => p.path)).toEqual(['lists.1.keywords']);

    const exported = loadKeywordConfig(keywordFileOf(effectiveKeywordLists(good.ok ? good.settings : [])));
    expect(exported.ok && exported.config.lists.map((l) => l.id)).toEqual([...DEFAULT_KEYWORDS.lists.map((l) => l.id), 'leak-salary']);
  });
});

describe('stored reviews and decisions', () => {
  it('a review keeps the account, the file’s hash and encoding, the lists applied and every finding', async () => {
    const r = await review(li);
    expect(SettingsDoc.parse(r)).toEqual(r);
    expect(r).toMatchObject({ kind: 'chat_review', siteId: 'site-1', review: { employeeId: 'emp-li', account: { kind: 'wecom', account: 'wx-li' }, file: { name: 'li.csv', format: 'csv', encoding: 'utf-8', bytes: utf8(liLog).length }, roles: ['sales'], scanned: 3, notScanned: 0, importedBy: 'hr-wang' } });
    expect(r.review.lists.map((l) => l.role)).toEqual(expect.arrayContaining(['all', 'sales']));
    expect(r.review.lists.map((l) => l.role)).not.toContain('production');
    expect(r.findings.map((f) => [f.row, f.hits[0]!.keyword])).toEqual([
      [2, '垃圾领导'],
      [4, '加我私人微信'],
    ]);
    // Findings that do not come from the review's own file and account are refused.
    expect(ChatReviewSetting.safeParse({ ...r, findings: [{ ...r.findings[0]!, fileSha256: 'f'.repeat(64) }] }).success).toBe(false);
  });

  it('a decision is a document of its own, one per finding; a dismissal without a reason is refused', async () => {
    const r = await review(li);
    const d = chatDecisionSetting(r.findings[0]!, r, decideFinding({ status: 'confirmed', by: 'hr-wang', at: 2_000, note: '与客户投诉一致' }));
    expect(d).toEqual({ id: `chat-decision|${r.findings[0]!.id}`, kind: 'chat_decision', updatedAt: 2_000, siteId: 'site-1', findingId: r.findings[0]!.id, reviewId: r.id, decision: { status: 'confirmed', note: '与客户投诉一致', by: 'hr-wang', at: 2_000 } });
    expect(SettingsDoc.parse(d)).toEqual(d);
    expect(ChatDecisionSetting.safeParse({ ...d, decision: { ...d.decision, status: 'dismissed', note: '' } }).success).toBe(false);
    expect(ChatDecisionSetting.safeParse({ ...d, id: 'chat-decision|chat-000000000000000000000000' }).success).toBe(false);
  });

  it('HR works through the findings of every review with their decisions, filtered', async () => {
    const liReview = await review(li, { importedAt: 1_000 });
    const zhaoReview = await review(zhao, { fileName: 'zhao.txt', bytes: utf8(zhaoLog), format: 'txt', roles: [], importedAt: 2_000 });
    const confirmed = chatDecisionSetting(liReview.findings[1]!, liReview, decideFinding({ status: 'confirmed', by: 'hr-wang', at: 3_000 }));
    const dismissed = chatDecisionSetting(zhaoReview.findings[0]!, zhaoReview, decideFinding({ status: 'dismissed', by: 'hr-li', at: 3_100, note: '转述客户原话' }));
    const all = [liReview, zhaoReview];
    const decisions = [confirmed, dismissed];

    const ids = (rows: { employeeId: string; row: number }[]) => rows.map((f) => `${f.employeeId}#${f.row}`);
    expect(ids(reviewedFindings(all, decisions))).toEqual(['emp-zhao#1', 'emp-li#2', 'emp-li#4']); // newest review first
    expect(ids(reviewedFindings(all, decisions, { status: 'open' }))).toEqual(['emp-li#2']);
    expect(ids(reviewedFindings(all, decisions, { status: 'confirmed' }))).toEqual(['emp-li#4']);
    expect(reviewedFindings(all, decisions, { status: 'dismissed' })[0]).toMatchObject({ employeeId: 'emp-zhao', decision: { by: 'hr-li', note: '转述客户原话' }, reviewId: zhaoReview.id });
    expect(ids(reviewedFindings(all, decisions, { employeeId: 'emp-li' }))).toEqual(['emp-li#2', 'emp-li#4']);
    expect(ids(reviewedFindings(all, decisions, { reviewId: zhaoReview.id }))).toEqual(['emp-zhao#1']);
    expect(ids(reviewedFindings(all, decisions, { severity: 'high' }))).toEqual(['emp-zhao#1', 'emp-li#2', 'emp-li#4']);
    expect(reviewCounts(liReview, decisions)).toEqual({ open: 1, confirmed: 1, dismissed: 0 });
  });

  it('the same file scanned again with other lists is another review; its messages keep one decision', async () => {
    const first = await review(li, { importedAt: 1_000 });
    const again = await review(li, { roles: [], importedAt: 5_000 });
    expect(again.id).not.toBe(first.id);
    expect(again.findings.map((f) => f.id)).toEqual([first.findings[0]!.id]); // 加我私人微信 is a sales keyword
    const decision = chatDecisionSetting(first.findings[0]!, first, decideFinding({ status: 'confirmed', by: 'hr-wang', at: 2_000 }));
    const rows = reviewedFindings([first, again], [decision]);
    expect(rows.map((f) => [f.row, f.reviewId, f.decision?.status ?? 'open'])).toEqual([
      [2, again.id, 'confirmed'],
      [4, first.id, 'open'],
    ]);
    expect(reviewCounts(again, [decision])).toEqual({ open: 0, confirmed: 1, dismissed: 0 });
  });
});
