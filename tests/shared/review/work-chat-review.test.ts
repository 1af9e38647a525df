import { describe, expect, it } from 'vitest';
import { sha256Hex } from '#shared/audit/chain';
import { builtInTemplate } from '#shared/cases/builtin-templates';
import { openCase, transition } from '#shared/cases/case-engine';
import {
  applyRecordedDecisions,
  decisionSummary,
  DEFAULT_KEYWORDS,
  findingEvidenceEvent,
  KeywordConfig,
  listsForRoles,
  loadKeywordConfig,
  markReviewed,
  normalizeForMatch,
  reviewChatLog,
  rolesIn,
  scanText,
  suggestRoles,
  type ChatFinding,
  type ChatReviewInput,
} from '#shared/review/work-chat-review';
import { instantOf } from '#shared/time';

const li = { id: 'emp-li', name: '李小明', workAccounts: [{ kind: 'wecom' as const, account: 'wx-li', revokedAt: null, revokedBy: null }] };
const log = [
  'time,sender,text,conversation',
  '2026-03-01 10:00,wx-li,王总您好，报价明天发您,王总',
  '2026-03-01 10:01,王总,你们领导怎么样？,王总',
  '2026-03-01 10:02,wx-li,"我们那个垃 圾，领导啥也不懂",王总',
  '2026-03-01 10:03,wx-li,不要和这家公司合作了，加我私人微信,客户群',
  '2026-03-01 10:04,王总,垃圾领导是谁,王总',
].join('\n');
const input = (over: Partial<ChatReviewInput> = {}): ChatReviewInput => ({ fileName: 'wx-li.csv', text: log, format: 'csv', employee: li, account: { kind: 'wecom', account: 'wx-li' }, roles: ['sales'], ...over });

async function findings(over: Partial<ChatReviewInput> = {}): Promise<ChatFinding[]> {
  const r = await reviewChatLog(input(over));
  if (!r.ok) throw new Error(JSON.stringify(r.refusal));
  return r.findings;
}

describe('default keyword lists', () => {
  it('load, cover the story phrases and name their roles', () => {
    const all = DEFAULT_KEYWORDS.lists.flatMap((l) => l.keywords);
    expect(all).toEqual(expect.arrayContaining(['垃圾领导', '不要和这家公司合作']));
    expect(rolesIn(DEFAULT_KEYWORDS)).toEqual(['production', 'sales']);
  });

  it.each<[string, unknown, string]>([
    ['duplicate ids', { version: 1, lists: [{ id: 'a', role: 'all', category: 'x', severity: 'high', label: { zh: '甲', en: 'a' }, keywords: ['k'] }, { id: 'a', role: 'all', category: 'x', severity: 'high', label: { zh: '甲', en: 'a' }, keywords: ['k'] }] }, 'duplicate list id a'],
    ['a punctuation-only keyword', { version: 1, lists: [{ id: 'a', role: 'all', category: 'x', severity: 'high', label: { zh: '甲', en: 'a' }, keywords: ['，。'] }] }, 'keyword is only spaces or punctuation'],
    ['an unknown severity', { version: 1, lists: [{ id: 'a', role: 'all', category: 'x', severity: 'huge', label: { zh: '甲', en: 'a' }, keywords: ['k'] }] }, 'Invalid option'],
  ])('a config with %s is refused', (_name, config, message) => {
    const r = KeywordConfig.safeParse(config);
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.message).join(' ')).toContain(message);
  });
});

describe('matching', () => {
  it.each<[string, string[], string[]]>([
    ['垃圾领导', [], ['垃圾领导']],
    ['我们那个垃 圾，领导啥也不懂', [], ['垃圾领导']],
    ['垃\u200b圾领导', [], ['垃圾领导']],
    ['ＡＢＣ垃圾领导', [], ['垃圾领导']],
    ['不要和这家公司合作', [], ['不要和这家公司合作']],
    ['加我私人微信', [], []],
    ['加我私人微信', ['sales'], ['加我私人微信']],
    ['不用戴安全帽', ['sales'], []],
    ['不用戴安全帽', ['production'], ['不用戴安全帽']],
    ['领导很好', ['sales', 'production'], []],
  ])('%j with roles %j', (text, roles, keywords) => {
    expect(scanText(text, listsForRoles(DEFAULT_KEYWORDS, roles)).map((h) => h.keyword)).toEqual(keywords);
  });

  it('normalises width, case, spaces and punctuation', () => {
    expect(normalizeForMatch(' Ａb， c！\u200b')).toBe('abc');
  });

  it.each<[string, string[]]>([['销售经理', ['sales']], ['车间操作工', ['production']], ['会计', []]])('suggests roles for %s', (position, roles) => {
    expect(suggestRoles(position)).toEqual(roles);
  });
});

describe('reviewChatLog', () => {
  it('scans only the work account’s own messages and preserves each original with its hash', async () => {
    const r = await reviewChatLog(input());
    if (!r.ok) throw new Error('refused');
    expect(r.scanned).toBe(3);
    expect(r.notScanned).toBe(2); // the customer's messages, including the one that says 垃圾领导
    expect(r.fileSha256).toBe(await sha256Hex(log));
    expect(r.findings.map((f) => [f.row, f.hits.map((h) => h.keyword), f.severity])).toEqual([
      [4, ['垃圾领导'], 'high'],
      [5, ['不要和这家公司合作', '加我私人微信'], 'high'],
    ]);
    const f = r.findings[0]!;
    expect(f.original).toBe('2026-03-01 10:02,wx-li,"我们那个垃 圾，领导啥也不懂",王总');
    expect(f.originalSha256).toBe(await sha256Hex(f.original));
    expect(f).toMatchObject({ sentAt: instantOf('2026-03-01 10:02'), conversation: '王总', status: 'open', employeeId: 'emp-li' });
  });

  it('finding ids are stable across re-imports of the same file', async () => {
    expect((await findings()).map((f) => f.id)).toEqual((await findings()).map((f) => f.id));
  });

  it('the employee’s name also counts as the sender (TXT exports show names)', async () => {
    const txt = '2026-03-01 10:02:00 李小明: 垃圾领导\n2026-03-01 10:03:00 王总: 垃圾领导?\n';
    const f = await findings({ fileName: 'x.txt', text: txt, format: 'txt' });
    expect(f.map((x) => x.row)).toEqual([1]);
  });

  it.each<[string, Partial<ChatReviewInput>, string]>([
    ['a personal account', { account: { kind: 'wechat', account: 'li-personal' } }, 'not-a-work-account'],
    ['another kind with the same name', { account: { kind: 'email', account: 'wx-li' } }, 'not-a-work-account'],
    ['an unknown file type', { format: null }, 'unknown-format'],
    ['a file with a bad row', { text: `${log}\nbad,wx-li,x,y` }, 'invalid-rows'],
  ])('refuses %s', async (_name, over, code) => {
    const r = await reviewChatLog(input(over));
    expect(r.ok ? null : r.refusal.code).toBe(code);
  });
});

describe('review decisions and evidence', () => {
  it('marks a finding reviewed; dismissing needs a reason', async () => {
    const [f] = await findings();
    expect(markReviewed(f!, { status: 'confirmed', by: 'hr-wang', at: 5 })).toMatchObject({ status: 'confirmed', reviewedBy: 'hr-wang', reviewedAt: 5 });
    expect(() => markReviewed(f!, { status: 'dismissed', by: 'hr-wang', at: 5, note: ' ' })).toThrow(/why/);
    expect(f!.status).toBe('open');
  });

  it('attaches to a serious-violation case as its violation record', async () => {
    const [f] = await findings();
    const template = builtInTemplate('dismissal-serious-violation');
    const opened = openCase(template, { id: 'sv-1', subjectEmployeeId: 'emp-li', siteId: 's1' }, { now: 1, actor: { id: 'hr-wang', roles: ['hr'] } });
    if (!opened.ok) throw new Error('refused');
    const reviewed = markReviewed(f!, { status: 'confirmed', by: 'hr-wang', at: 2, note: '与客户投诉一致' });
    const r = transition(opened.doc, template, findingEvidenceEvent(reviewed, { id: 'ev-chat-1', stepId: 'collect-evidence' }), { now: 3, actor: { id: 'hr-wang', roles: ['hr'] } });
    if (!r.ok) throw new Error(JSON.stringify(r.reasons));
    const ev = r.doc.evidence[0]!;
    expect(ev).toMatchObject({ kind: 'violation-record', personId: 'emp-li', document: { sha256: f!.originalSha256, ref: `chat-log:${f!.fileSha256}#row-4` } });
    expect(ev.description).toContain(f!.original);
    expect(ev.notes).toContain('命中关键词：垃圾领导');
    expect(ev.notes).toContain('确认（hr-wang）：与客户投诉一致');
  });
});

describe('decisions recorded in the audit trail', () => {
  const ev = (docId: string, summary: string, at: number, seq: number, over: Partial<{ collectionName: string; action: string; actor: string }> = {}) => ({ docId, summary, at, seq, collectionName: 'chat-review', action: 'update', actor: 'hr-wang', ...over });

  it('round-trips a decision through its summary', async () => {
    const [f] = await findings();
    const decided = markReviewed(f!, { status: 'dismissed', by: 'hr-zhao', at: 10, note: '玩笑话: 同事之间' });
    const [back] = applyRecordedDecisions([f!], [ev(f!.id, decisionSummary(decided), 10, 3, { actor: 'hr-zhao' })]);
    expect(back).toEqual(decided);
  });

  it.each<[string, ReturnType<typeof ev>[], string]>([
    ['no events: still open', [], 'open'],
    ['the latest decision wins', [ev('ID', 'finding confirmed', 10, 1), ev('ID', 'finding dismissed: 误报', 20, 2)], 'dismissed'],
    ['same time: the later seq wins', [ev('ID', 'finding dismissed: 误报', 10, 1), ev('ID', 'finding confirmed', 10, 2)], 'confirmed'],
    ['other collections are ignored', [ev('ID', 'finding confirmed', 10, 1, { collectionName: 'cases' })], 'open'],
    ['other actions are ignored', [ev('ID', 'finding confirmed', 10, 1, { action: 'import' })], 'open'],
    ['other findings are ignored', [ev('OTHER', 'finding confirmed', 10, 1)], 'open'],
    ['unrelated summaries are ignored', [ev('ID', 'finding confirmedly wrong', 10, 1)], 'open'],
  ])('%s', async (_name, events, status) => {
    const [f] = await findings();
    const [back] = applyRecordedDecisions([f!], events.map((e) => ({ ...e, docId: e.docId === 'ID' ? f!.id : e.docId })));
    expect(back!.status).toBe(status);
  });
});

describe('loadKeywordConfig', () => {
  it('accepts the shipped file as HR would copy it', async () => {
    const { readFile } = await import('node:fs/promises');
    const r = loadKeywordConfig(await readFile(new URL('../../../resources/review/keywords.json', import.meta.url), 'utf8'));
    expect(r.ok && r.config.lists.length).toBe(DEFAULT_KEYWORDS.lists.length);
  });

  it.each<[string, string, { path: string; message: string }[]]>([
    ['not JSON', '{', [{ path: '', message: expect.stringContaining('not JSON') as unknown as string }]],
    ['an empty keyword', JSON.stringify({ version: 1, lists: [{ id: 'a', role: 'all', category: 'x', severity: 'high', label: { zh: '甲', en: 'a' }, keywords: [''] }] }), [{ path: 'lists.0.keywords.0', message: expect.any(String) as unknown as string }]],
    ['a bad role', JSON.stringify({ version: 1, lists: [{ id: 'a', role: 'Sales Team', category: 'x', severity: 'high', label: { zh: '甲', en: 'a' }, keywords: ['k'] }] }), [{ path: 'lists.0.role', message: expect.any(String) as unknown as string }]],
  ])('refuses %s with the path of each problem', (_name, text, problems) => {
    const r = loadKeywordConfig(text);
    expect(r.ok ? [] : r.problems).toEqual(problems);
  });

  it('a custom list is used by the scan', async () => {
    const r = loadKeywordConfig(JSON.stringify({ version: 2, lists: [{ id: 'x', role: 'all', category: 'c', severity: 'low', label: { zh: '自定义', en: 'custom' }, keywords: ['报价明天'] }] }));
    if (!r.ok) throw new Error('refused');
    expect((await findings({ config: r.config })).map((f) => f.row)).toEqual([2]);
  });
});
