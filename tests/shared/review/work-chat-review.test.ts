import { describe, expect, it } from 'vitest';
import { sha256Hex } from '#shared/audit/chain';
import { builtInTemplate } from '#shared/cases/builtin-templates';
import { openCase, transition } from '#shared/cases/case-engine';
import { isAttachedFile } from '#shared/evidence/bundle-contents';
import {
  chatFileEvidenceEvent,
  decideFinding,
  DEFAULT_KEYWORDS,
  findingEvidenceEvent,
  KeywordConfig,
  listsForRoles,
  loadKeywordConfig,
  normalizeForMatch,
  reviewChatLog,
  rolesIn,
  scanText,
  sha256OfBytes,
  suggestRoles,
  type ChatFinding,
  type ChatReviewInput,
} from '#shared/review/work-chat-review';
import { instantOf } from '#shared/time';

const li = {
  id: 'emp-li',
  name: '李小明',
  workAccounts: [
    { kind: 'wecom' as const, account: 'wx-li', revokedAt: null, revokedBy: null },
    { kind: 'wecom' as const, account: 'wx-li-2', revokedAt: null, revokedBy: null },
  ],
};
const utf8 = (s: string) => new TextEncoder().encode(s);
const log = [
  'time,sender,text,conversation',
  '2026-03-01 10:00,wx-li,王总您好，报价明天发您,王总',
  '2026-03-01 10:01,王总,你们领导怎么样？,王总',
  '2026-03-01 10:02,wx-li,"我们那个垃 圾，领导啥也不懂",王总',
  '2026-03-01 10:03,wx-li,不要和这家公司合作了，加我私人微信,客户群',
  '2026-03-01 10:04,王总,垃圾领导是谁,王总',
].join('\n');
const input = (over: Partial<ChatReviewInput> = {}): ChatReviewInput => ({ fileName: 'wx-li.csv', bytes: utf8(log), format: 'csv', employee: li, account: { kind: 'wecom', account: 'wx-li' }, roles: ['sales'], ...over });

async function findings(over: Partial<ChatReviewInput> = {}): Promise<ChatFinding[]> {
  const r = await reviewChatLog(input(over));
  if (!r.ok) throw new Error(JSON.stringify(r.refusal));
  return r.outcome.findings;
}

describe('default keyword lists', () => {
  it('load, cover the story phrases and name their roles', () => {
    const all = DEFAULT_KEYWORDS.lists.flatMap((l) => l.keywords);
    expect(all).toEqual(expect.arrayContaining(['垃圾领导', '不要和这家公司合作']));
    expect(rolesIn(DEFAULT_KEYWORDS)).toEqual(['manager', 'production', 'sales']);
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
    ['明天大家一起走', ['sales'], []],
    ['明天大家一起走', ['manager'], ['大家一起走']],
  ])('%j with roles %j', (text, roles, keywords) => {
    expect(scanText(text, listsForRoles(DEFAULT_KEYWORDS, roles)).map((h) => h.keyword)).toEqual(keywords);
  });

  it('each hit names its keyword, list and role', () => {
    const hits = scanText('加我私人微信，垃圾领导', listsForRoles(DEFAULT_KEYWORDS, ['sales']));
    expect(hits.map((h) => [h.keyword, h.listId, h.role])).toEqual([
      ['垃圾领导', 'insult-superior', 'all'],
      ['加我私人微信', 'solicit-customers', 'sales'],
    ]);
  });

  it('normalises width, case, spaces and punctuation', () => {
    expect(normalizeForMatch(' Ａb， c！\u200b')).toBe('abc');
  });

  it.each<[string, string[]]>([['销售代表', ['sales']], ['销售经理', ['sales', 'manager']], ['车间主管', ['manager', 'production']], ['车间操作工', ['production']], ['会计', []]])('suggests roles for %s', (position, roles) => {
    expect(suggestRoles(position)).toEqual(roles);
  });
});

describe('reviewChatLog', () => {
  it('scans only the work account’s own messages and preserves each original with its hash', async () => {
    const r = await reviewChatLog(input());
    if (!r.ok) throw new Error('refused');
    const o = r.outcome;
    expect(o.scanned).toBe(3);
    expect(o.notScanned).toBe(2); // the customer's messages, including the one that says 垃圾领导
    expect(o.fileSha256).toBe(await sha256Hex(log));
    expect(o).toMatchObject({ bytes: utf8(log).length, encoding: 'utf-8', format: 'csv' });
    expect(o.lists.map((l) => l.id)).toEqual(listsForRoles(DEFAULT_KEYWORDS, ['sales']).map((l) => l.id));
    expect(o.findings.map((f) => [f.row, f.hits.map((h) => h.keyword), f.severity])).toEqual([
      [4, ['垃圾领导'], 'high'],
      [5, ['不要和这家公司合作', '加我私人微信'], 'high'],
    ]);
    const f = o.findings[0]!;
    expect(f.original).toBe('2026-03-01 10:02,wx-li,"我们那个垃 圾，领导啥也不懂",王总');
    expect(f.originalSha256).toBe(await sha256Hex(f.original));
    expect(f).toMatchObject({ sentAt: instantOf('2026-03-01 10:02'), conversation: '王总', employeeId: 'emp-li', fileSha256: o.fileSha256 });
  });

  it('hashes the file’s bytes: a BOM the parser drops still counts', async () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(log)]);
    const r = await reviewChatLog(input({ bytes }));
    if (!r.ok) throw new Error('refused');
    expect(r.outcome.fileSha256).toBe(await sha256OfBytes(bytes));
    expect(r.outcome.fileSha256).not.toBe(await sha256Hex(log));
    expect(r.outcome.findings).toHaveLength(2);
  });

  it('finding and review ids are stable across re-imports; other lists make another review of the same findings', async () => {
    const a = await reviewChatLog(input());
    const b = await reviewChatLog(input());
    const c = await reviewChatLog(input({ roles: [] }));
    if (!a.ok || !b.ok || !c.ok) throw new Error('refused');
    expect(b.outcome.reviewId).toBe(a.outcome.reviewId);
    expect(b.outcome.findings.map((f) => f.id)).toEqual(a.outcome.findings.map((f) => f.id));
    expect(c.outcome.reviewId).not.toBe(a.outcome.reviewId);
    expect(c.outcome.findings.map((f) => f.id)).toEqual(a.outcome.findings.map((f) => f.id)); // row 5 still matches 不要和这家公司合作
  });

  it('the employee’s name also counts as the sender (TXT exports show names)', async () => {
    const txt = '2026-03-01 10:02:00 李小明: 垃圾领导\n2026-03-01 10:03:00 王总: 垃圾领导?\n';
    const f = await findings({ fileName: 'x.txt', bytes: utf8(txt), format: 'txt' });
    expect(f.map((x) => x.row)).toEqual([1]);
  });

  it('reads a JSON export that names its account', async () => {
    const json = JSON.stringify({ account: 'WX-LI', messages: [{ time: '2026-03-01 10:00', from: 'wx-li', content: '这家公司要倒闭了', chat: '客户群' }] });
    const f = await findings({ fileName: 'x.json', bytes: utf8(json), format: 'json' });
    expect(f.map((x) => [x.row, x.conversation, x.hits[0]?.keyword])).toEqual([[1, '客户群', '这家公司要倒闭']]);
  });

  it.each<[string, Partial<ChatReviewInput>, string]>([
    ['a personal account', { account: { kind: 'wechat', account: 'li-personal' } }, 'not-a-work-account'],
    ['another kind with the same name', { account: { kind: 'email', account: 'wx-li' } }, 'not-a-work-account'],
    ['an export of a personal account', { format: 'json', bytes: utf8(JSON.stringify({ account: 'li-personal', messages: [{ time: '2026-03-01 10:00', sender: 'wx-li', text: 'hi' }] })) }, 'not-a-work-account'],
    ['an export of the employee’s other work account', { format: 'json', bytes: utf8(JSON.stringify({ account: 'wx-li-2', messages: [{ time: '2026-03-01 10:00', sender: 'wx-li', text: 'hi' }] })) }, 'account-mismatch'],
    ['a log with no message from the account', { format: 'txt', bytes: utf8('2026-03-01 10:00 li-personal: 垃圾领导\n2026-03-01 10:01 王总: ?\n') }, 'no-own-messages'],
    ['an unknown file type', { format: null }, 'unknown-format'],
    ['a file with a bad row', { bytes: utf8(`${log}\nbad,wx-li,x,y`) }, 'invalid-rows'],
  ])('refuses %s', async (_name, over, code) => {
    const r = await reviewChatLog(input(over));
    expect(r.ok ? null : r.refusal.code).toBe(code);
  });

  it('names the account it refused', async () => {
    const r = await reviewChatLog(input({ format: 'json', bytes: utf8(JSON.stringify({ account: 'li-personal', messages: [{ time: '2026-03-01 10:00', sender: 'wx-li', text: 'hi' }] })) }));
    expect(r.ok ? null : r.refusal).toMatchObject({ code: 'not-a-work-account', account: 'li-personal', message: expect.stringContaining('only work accounts may be reviewed') });
  });
});

describe('review decisions and evidence', () => {
  it('a decision names who and when; dismissing needs a reason', () => {
    expect(decideFinding({ status: 'confirmed', by: 'hr-wang', at: 5 })).toEqual({ status: 'confirmed', by: 'hr-wang', at: 5, note: '' });
    expect(() => decideFinding({ status: 'dismissed', by: 'hr-wang', at: 5, note: ' ' })).toThrow(/why/);
    expect(() => decideFinding({ status: 'confirmed', by: ' ', at: 5 })).toThrow(/reviewer/);
  });

  it('attaches to a serious-violation case as its violation record, together with the original file', async () => {
    const [f] = await findings();
    const template = builtInTemplate('dismissal-serious-violation');
    const hr = { id: 'hr-wang', roles: ['hr' as const] };
    const opened = openCase(template, { id: 'sv-1', subjectEmployeeId: 'emp-li', siteId: 's1' }, { now: 1, actor: hr });
    if (!opened.ok) throw new Error('refused');
    const reviewed = { ...f!, decision: decideFinding({ status: 'confirmed', by: 'hr-wang', at: 2, note: '与客户投诉一致' }) };
    const withFile = transition(opened.doc, template, chatFileEvidenceEvent(reviewed, { caseId: 'sv-1', stepId: 'collect-evidence' }), { now: 3, actor: hr });
    if (!withFile.ok) throw new Error(JSON.stringify(withFile.reasons));
    const r = transition(withFile.doc, template, findingEvidenceEvent(reviewed, { id: 'ev-chat-1', stepId: 'collect-evidence' }), { now: 3, actor: hr });
    if (!r.ok) throw new Error(JSON.stringify(r.reasons));
    const [file, ev] = r.doc.evidence;
    expect(file).toMatchObject({ kind: 'violation-record', document: { sha256: f!.fileSha256, ref: 'wx-li.csv' } });
    expect(isAttachedFile(file!)).toBe(true); // the case screen offers it for download, the bundle carries it
    expect(ev).toMatchObject({ kind: 'violation-record', personId: 'emp-li', document: { sha256: f!.originalSha256, ref: `chat-log:${f!.fileSha256}#row-4` } });
    expect(isAttachedFile(ev!)).toBe(false);
    expect(ev!.description).toContain(f!.original);
    expect(ev!.notes).toContain('命中关键词：垃圾领导');
    expect(ev!.notes).toContain('确认（hr-wang）：与客户投诉一致');

    // A second finding of the same file adds its own item, not the file again.
    const again = transition(r.doc, template, chatFileEvidenceEvent(reviewed, { caseId: 'sv-1' }), { now: 4, actor: hr });
    expect(again.ok && again.doc.evidence).toHaveLength(2);
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
