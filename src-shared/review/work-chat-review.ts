import { z } from 'zod';
import defaultKeywords from '../../resources/review/keywords.json' with { type: 'json' };
import { canonicalJson, sha256Hex } from '../audit/chain.ts';
import type { CaseEventInput } from '../cases/case-engine.ts';
import { Label } from '../cases/case-template.ts';
import type { Employee, WorkAccount } from '../schemas/employee.ts';
import { parseChatLog, type ChatFormat, type ChatMessage, type RowError } from './chat-log.ts';

/**
 * Work-channel review (story 3). Model:
 *  - Only registered WORK accounts are scanned (company assets, listed on the employee): an account that is
 *    not on the employee's `workAccounts` is refused, and only messages SENT from it (sender = the account
 *    or the employee's name) are scanned; the other party's messages stay in the file, unscanned.
 *  - Monitoring must have been disclosed beforehand (PIPL 第17条: the handbook the employee signed says work
 *    chats may be reviewed). The UI shows that notice; this code cannot check it.
 *  - Keyword lists are per role ('all' applies to everyone). Matching normalises both sides (NFKC, lower
 *    case, spaces, punctuation and zero-width characters removed), so "垃 圾 领 导" and "垃圾，领导" still
 *    match "垃圾领导", while the finding keeps the original message byte for byte.
 *  - A finding carries the SHA-256 of the original message (as it appears in the file) and of the whole
 *    file, so the evidence can be checked against the export later. Findings start 'open'; a reviewer marks
 *    each one 'confirmed' or 'dismissed' with a note.
 */
// Spaces, punctuation (ASCII and CJK), symbols and zero-width characters, removed before matching.
const IGNORED = /[\s\p{P}\p{S}\u200b-\u200f\u2060\ufeff]/gu;

export function normalizeForMatch(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(IGNORED, '');
}

export const Severity = z.enum(['high', 'medium', 'low']);
export const KeywordList = z.object({
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/).max(80),
  /** 'all', or a role such as 'sales', 'production'. */
  role: z.string().regex(/^[a-z0-9-]+$/).max(40),
  category: z.string().min(1).max(40),
  severity: Severity,
  label: Label,
  keywords: z.array(z.string().trim().min(1).max(200)).min(1),
});
export type KeywordList = z.infer<typeof KeywordList>;

export const KeywordConfig = z
  .object({ version: z.number().int().positive(), note: z.string().optional(), lists: z.array(KeywordList).min(1) })
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.lists.forEach((l, i) => {
      if (seen.has(l.id)) ctx.addIssue({ code: 'custom', path: ['lists', i, 'id'], message: `duplicate list id ${l.id}` });
      seen.add(l.id);
      l.keywords.forEach((k, j) => {
        if (k.trim() && normalizeForMatch(k) === '') ctx.addIssue({ code: 'custom', path: ['lists', i, 'keywords', j], message: 'keyword is only spaces or punctuation' });
      });
    });
  });
export type KeywordConfig = z.infer<typeof KeywordConfig>;

export const DEFAULT_KEYWORDS: KeywordConfig = KeywordConfig.parse(defaultKeywords);

/** HR's own keyword file (a copy of resources/review/keywords.json): the config, or every problem with its
 *  JSON path. */
export function loadKeywordConfig(text: string): { ok: true; config: KeywordConfig } | { ok: false; problems: { path: string; message: string }[] } {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    return { ok: false, problems: [{ path: '', message: `not JSON: ${err instanceof Error ? err.message : String(err)}` }] };
  }
  const r = KeywordConfig.safeParse(json);
  return r.success ? { ok: true, config: r.data } : { ok: false, problems: r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) };
}

/** Roles whose lists exist in a config (besides 'all'), for the role picker. */
export function rolesIn(config: KeywordConfig): string[] {
  return [...new Set(config.lists.map((l) => l.role).filter((r) => r !== 'all'))].sort();
}

/** A suggestion from the job title; HR confirms the roles before scanning. */
export function suggestRoles(position: string): string[] {
  const roles: string[] = [];
  if (/销售|业务|客户|客服|sales|account/i.test(position)) roles.push('sales');
  if (/生产|操作|车间|质检|工艺|班组|技工|production|operator|quality/i.test(position)) roles.push('production');
  return roles;
}

export type KeywordHit = { listId: string; keyword: string; category: string; severity: z.infer<typeof Severity>; label: Label };

/** The lists that apply to the given roles: 'all' plus each role's own. */
export function listsForRoles(config: KeywordConfig, roles: readonly string[]): KeywordList[] {
  const set = new Set(roles);
  return config.lists.filter((l) => l.role === 'all' || set.has(l.role));
}

export function scanText(text: string, lists: readonly KeywordList[]): KeywordHit[] {
  const norm = normalizeForMatch(text);
  const hits: KeywordHit[] = [];
  for (const l of lists) {
    for (const k of l.keywords) {
      if (norm.includes(normalizeForMatch(k))) hits.push({ listId: l.id, keyword: k, category: l.category, severity: l.severity, label: l.label });
    }
  }
  return hits;
}

export const ReviewStatus = z.enum(['open', 'confirmed', 'dismissed']);
export type ReviewStatus = z.infer<typeof ReviewStatus>;

export type ChatFinding = {
  /** Deterministic: the same file, account and row always give the same id (re-importing is harmless). */
  id: string;
  employeeId: string;
  employeeName: string;
  account: { kind: WorkAccount['kind']; account: string };
  fileName: string;
  fileSha256: string;
  row: number;
  sentAt: number;
  sender: string;
  conversation: string;
  /** The message as it appears in the file, unchanged, and its SHA-256 (UTF-8). */
  original: string;
  originalSha256: string;
  text: string;
  hits: KeywordHit[];
  severity: z.infer<typeof Severity>;
  status: ReviewStatus;
  reviewedBy: string | null;
  reviewedAt: number | null;
  reviewNote: string;
};

export type ImportRefusal =
  | { code: 'not-a-work-account'; message: string }
  | { code: 'unknown-format'; message: string }
  | { code: 'invalid-rows'; errors: RowError[] };

export type ChatReviewResult =
  | { ok: true; findings: ChatFinding[]; scanned: number; notScanned: number; fileSha256: string }
  | { ok: false; refusal: ImportRefusal };

export type ChatReviewInput = {
  fileName: string;
  text: string;
  format: ChatFormat | null;
  employee: Pick<Employee, 'id' | 'name' | 'workAccounts'>;
  account: { kind: WorkAccount['kind']; account: string };
  roles: readonly string[];
  config?: KeywordConfig;
};

const SEVERITY_ORDER = { high: 0, medium: 1, low: 2 } as const;

/** Imports one exported log of one work account and scans the account's own messages. */
export async function reviewChatLog(input: ChatReviewInput): Promise<ChatReviewResult> {
  const registered = input.employee.workAccounts.find((a) => a.kind === input.account.kind && a.account.trim().toLowerCase() === input.account.account.trim().toLowerCase());
  if (!registered) {
    return { ok: false, refusal: { code: 'not-a-work-account', message: `${input.account.kind}:${input.account.account} is not a registered work account of ${input.employee.name}; only work accounts may be reviewed` } };
  }
  if (!input.format) return { ok: false, refusal: { code: 'unknown-format', message: 'the file must be .csv, .json or .txt' } };
  const parsed = parseChatLog(input.text, input.format);
  if (!parsed.ok) return { ok: false, refusal: { code: 'invalid-rows', errors: parsed.errors } };

  const fileSha256 = await sha256Hex(input.text);
  const lists = listsForRoles(input.config ?? DEFAULT_KEYWORDS, input.roles);
  const own = new Set([registered.account.trim().toLowerCase(), input.employee.name.trim().toLowerCase()]);
  const isOwn = (m: ChatMessage) => own.has(m.sender.trim().toLowerCase());
  const findings: ChatFinding[] = [];
  let scanned = 0;
  for (const m of parsed.messages) {
    if (!isOwn(m)) continue;
    scanned++;
    const hits = scanText(m.text, lists);
    if (!hits.length) continue;
    findings.push({
      id: `chat-${(await sha256Hex(canonicalJson([fileSha256, registered.kind, registered.account, m.row]))).slice(0, 24)}`,
      employeeId: input.employee.id,
      employeeName: input.employee.name,
      account: { kind: registered.kind, account: registered.account },
      fileName: input.fileName,
      fileSha256,
      row: m.row,
      sentAt: m.sentAt,
      sender: m.sender,
      conversation: m.conversation,
      original: m.raw,
      originalSha256: await sha256Hex(m.raw),
      text: m.text,
      hits,
      severity: hits.reduce((s, h) => (SEVERITY_ORDER[h.severity] < SEVERITY_ORDER[s] ? h.severity : s), 'low' as KeywordHit['severity']),
      status: 'open',
      reviewedBy: null,
      reviewedAt: null,
      reviewNote: '',
    });
  }
  return { ok: true, findings, scanned, notScanned: parsed.messages.length - scanned, fileSha256 };
}

/** A reviewer's decision on a finding (returns a new finding; a note is required to dismiss). */
export function markReviewed(f: ChatFinding, decision: { status: 'confirmed' | 'dismissed'; by: string; at: number; note?: string }): ChatFinding {
  const note = (decision.note ?? '').trim();
  if (!decision.by.trim()) throw new RangeError('the reviewer is required');
  if (decision.status === 'dismissed' && !note) throw new RangeError('say why the finding is dismissed');
  return { ...f, status: decision.status, reviewedBy: decision.by.trim(), reviewedAt: decision.at, reviewNote: note };
}

/**
 * Review decisions are kept in the (replicated, hash-chained) audit trail rather than a collection of their
 * own: one 'update' event per decision with docId = the finding id, whose summary is `decisionSummary`.
 * Re-importing the same file gives the same finding ids, and `applyRecordedDecisions` puts the latest
 * decision (by time, then seq) back on each finding — on any terminal the audit trail has reached.
 */
export const CHAT_REVIEW_COLLECTION = 'chat-review';

export function decisionSummary(f: Pick<ChatFinding, 'status' | 'reviewNote'>): string {
  return `finding ${f.status}${f.reviewNote ? `: ${f.reviewNote}` : ''}`.slice(0, 500);
}

type RecordedEvent = { docId: string; collectionName: string; action: string; actor: string; at: number; seq: number; summary: string };

export function applyRecordedDecisions(findings: readonly ChatFinding[], events: readonly RecordedEvent[]): ChatFinding[] {
  const latest = new Map<string, RecordedEvent>();
  for (const e of events) {
    if (e.collectionName !== CHAT_REVIEW_COLLECTION || e.action !== 'update' || !/^finding (confirmed|dismissed)(: |$)/.test(e.summary)) continue;
    const cur = latest.get(e.docId);
    if (!cur || e.at > cur.at || (e.at === cur.at && e.seq > cur.seq)) latest.set(e.docId, e);
  }
  return findings.map((f) => {
    const e = latest.get(f.id);
    if (!e) return f;
    const m = /^finding (confirmed|dismissed)(?:: ([\s\S]*))?$/.exec(e.summary)!;
    return { ...f, status: m[1] as 'confirmed' | 'dismissed', reviewedBy: e.actor, reviewedAt: e.at, reviewNote: m[2] ?? '' };
  });
}

/**
 * The case event that attaches a finding as evidence (kind 'violation-record' by default: the serious-
 * violation template's 违纪事实记录（聊天记录、投诉等）). The description carries the original message; the document hash is the message's
 * SHA-256 and the ref points at the file by its hash and row, so both can be checked against the export.
 */
export function findingEvidenceEvent(f: ChatFinding, opts: { id: string; stepId?: string | null; kind?: string }): CaseEventInput {
  const keywords = [...new Set(f.hits.map((h) => h.keyword))].join('、');
  const when = new Date(f.sentAt + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
  return {
    type: 'add_evidence',
    evidence: {
      id: opts.id,
      stepId: opts.stepId ?? null,
      kind: opts.kind ?? 'violation-record',
      description: `工作账号聊天记录（${f.account.kind}:${f.account.account}，${when}，${f.conversation || '会话未注明'}）：${f.original}`.slice(0, 4000),
      document: { sha256: f.originalSha256, ref: `chat-log:${f.fileSha256}#row-${f.row}`.slice(0, 500) },
      personId: f.employeeId,
      notes: `命中关键词：${keywords}；审阅：${f.status === 'open' ? '未审阅' : `${f.status === 'confirmed' ? '确认' : '排除'}（${f.reviewedBy ?? ''}）${f.reviewNote ? `：${f.reviewNote}` : ''}`}；文件 ${f.fileName} 第 ${f.row} 行`.slice(0, 4000),
    },
  };
}
