import { z } from 'zod';
import defaultKeywords from '../../resources/review/keywords.json' with { type: 'json' };
import { canonicalJson, sha256Hex } from '../audit/chain.ts';
import { Sha256Hex } from '../cases/case-doc.ts';
import type { CaseEventInput } from '../cases/case-engine.ts';
import { Label } from '../cases/case-template.ts';
import { EpochMs, Id } from '../schemas/common.ts';
import { WorkAccountKind, type Employee } from '../schemas/employee.ts';
import { ChatEncoding, ChatFormat, decodeChatFile, parseChatLog, type ChatMessage, type RowError } from './chat-log.ts';

/**
 * Work-channel review (story 3). Model:
 *  - Only registered WORK accounts are scanned (company assets, listed on the employee): HR names one of the
 *    employee's `workAccounts` for the log; a log whose export says it is from another account, or that holds
 *    no message sent from the named account, is refused. Only messages SENT from it (sender = the account or
 *    the employee's name) are scanned; the other party's messages stay in the file, unscanned.
 *  - Monitoring must have been disclosed beforehand (PIPL 第17条: the handbook the employee signed says work
 *    chats may be reviewed). The UI shows that notice; this code cannot check it.
 *  - Keyword lists are per role ('all' applies to everyone). Matching normalises both sides (NFKC, lower
 *    case, spaces, punctuation and zero-width characters removed), so "垃 圾 领 导" and "垃圾，领导" still
 *    match "垃圾领导", while the finding keeps the original message exactly as it is in the file.
 *  - A finding carries the SHA-256 of the original message (its text in the file, as UTF-8) and of the whole
 *    file (its bytes), so the evidence can be checked against the export, which is kept too (review-records.ts).
 *  - A finding is what the scan found; HR's decision on it (confirmed / dismissed with a note, who, when) is a
 *    record of its own (`FindingDecision`), so the found evidence is never rewritten by reviewing it.
 */
// Spaces, punctuation (ASCII and CJK), symbols and zero-width characters, removed before matching.
const IGNORED = /[\s\p{P}\p{S}\u200b-\u200f\u2060\ufeff]/gu;

export function normalizeForMatch(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(IGNORED, '');
}

const Actor = z.string().trim().min(1).max(100);
export const Severity = z.enum(['high', 'medium', 'low']);
export type Severity = z.infer<typeof Severity>;
export const KeywordListId = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'id: lower-case letters, digits and single dashes').max(80);
/** 'all', or a role such as 'sales', 'manager', 'production'. */
export const KeywordRole = z.string().regex(/^[a-z0-9-]+$/, 'role: lower-case letters, digits and dashes').max(40);

/** Problems of one list that zod's field checks cannot see (a keyword that would match everything). */
function keywordIssues(keywords: readonly string[]): { index: number; message: string }[] {
  return keywords.flatMap((k, index) => (k.trim() && normalizeForMatch(k) === '' ? [{ index, message: 'keyword is only spaces or punctuation' }] : []));
}

export const KeywordList = z
  .object({
    id: KeywordListId,
    role: KeywordRole,
    category: z.string().trim().min(1).max(40),
    severity: Severity,
    label: Label,
    keywords: z.array(z.string().trim().min(1).max(200)).min(1).max(500),
  })
  .superRefine((l, ctx) => {
    for (const i of keywordIssues(l.keywords)) ctx.addIssue({ code: 'custom', path: ['keywords', i.index], message: i.message });
  });
export type KeywordList = z.infer<typeof KeywordList>;

export const KeywordConfig = z
  .object({ version: z.number().int().positive(), note: z.string().optional(), lists: z.array(KeywordList).min(1) })
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.lists.forEach((l, i) => {
      if (seen.has(l.id)) ctx.addIssue({ code: 'custom', path: ['lists', i, 'id'], message: `duplicate list id ${l.id}` });
      seen.add(l.id);
    });
  });
export type KeywordConfig = z.infer<typeof KeywordConfig>;

/** The built-in lists (resources/review/keywords.json): defaults HR can copy and adapt. */
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

/** Roles whose lists exist (besides 'all'), for the role picker. */
export function rolesIn(config: Pick<KeywordConfig, 'lists'>): string[] {
  return [...new Set(config.lists.map((l) => l.role).filter((r) => r !== 'all'))].sort();
}

/** A suggestion from the job title; HR confirms the roles before scanning. */
export function suggestRoles(position: string): string[] {
  const roles: string[] = [];
  if (/销售|业务|客户|客服|sales|account/i.test(position)) roles.push('sales');
  if (/经理|主管|总监|组长|负责人|manager|supervisor|director|lead/i.test(position)) roles.push('manager');
  if (/生产|操作|车间|质检|工艺|班组|技工|production|operator|quality/i.test(position)) roles.push('production');
  return roles;
}

export const KeywordHit = z.object({ listId: KeywordListId, role: KeywordRole, keyword: z.string().min(1).max(200), category: z.string().min(1).max(40), severity: Severity, label: Label });
export type KeywordHit = z.infer<typeof KeywordHit>;

/** The lists that apply to the given roles: 'all' plus each role's own. */
export function listsForRoles(config: Pick<KeywordConfig, 'lists'>, roles: readonly string[]): KeywordList[] {
  const set = new Set(roles);
  return config.lists.filter((l) => l.role === 'all' || set.has(l.role));
}

export function scanText(text: string, lists: readonly KeywordList[]): KeywordHit[] {
  const norm = normalizeForMatch(text);
  const hits: KeywordHit[] = [];
  for (const l of lists) {
    for (const k of l.keywords) {
      if (norm.includes(normalizeForMatch(k))) hits.push({ listId: l.id, role: l.role, keyword: k, category: l.category, severity: l.severity, label: l.label });
    }
  }
  return hits;
}

export const AccountRef = z.object({ kind: WorkAccountKind, account: z.string().trim().min(1).max(200) });
export type AccountRef = z.infer<typeof AccountRef>;

/** What the scan found in one message. */
export const ChatFinding = z.object({
  /** Deterministic: the same file, account and row always give the same id (re-importing is harmless, and a
   *  decision on the message holds whichever lists found it). */
  id: z.string().regex(/^chat-[0-9a-f]{24}$/),
  employeeId: Id,
  employeeName: z.string().max(100),
  account: AccountRef,
  fileName: z.string().min(1).max(300),
  fileSha256: Sha256Hex,
  row: z.number().int().positive(),
  sentAt: EpochMs,
  sender: z.string().min(1).max(200),
  conversation: z.string().max(200),
  /** The message as it appears in the file, unchanged, and its SHA-256 (UTF-8). */
  original: z.string().min(1).max(40_000),
  originalSha256: Sha256Hex,
  text: z.string().max(10_000),
  hits: z.array(KeywordHit).min(1),
  severity: Severity,
});
export type ChatFinding = z.infer<typeof ChatFinding>;

/** HR's decision on a finding. A dismissal says why. */
export const FindingDecision = z
  .object({ status: z.enum(['confirmed', 'dismissed']), note: z.string().trim().max(2000), by: Actor, at: EpochMs })
  .refine((d) => d.status !== 'dismissed' || d.note.length > 0, { path: ['note'], message: 'say why the finding is dismissed' });
export type FindingDecision = z.infer<typeof FindingDecision>;

export type ReviewStatus = 'open' | FindingDecision['status'];
/** A finding as HR works on it: what was found and the decision on it, if any. */
export type ReviewedFinding = ChatFinding & { decision: FindingDecision | null };
export const statusOf = (f: Pick<ReviewedFinding, 'decision'>): ReviewStatus => f.decision?.status ?? 'open';

/** A reviewer's decision (throws RangeError naming the problem: no reviewer, a dismissal without a reason). */
export function decideFinding(decision: { status: 'confirmed' | 'dismissed'; by: string; at: number; note?: string }): FindingDecision {
  if (!decision.by.trim()) throw new RangeError('the reviewer is required');
  const r = FindingDecision.safeParse({ ...decision, note: decision.note ?? '' });
  if (!r.success) throw new RangeError(r.error.issues[0]!.message);
  return r.data;
}

export type ImportRefusal =
  | { code: 'not-a-work-account'; account: string; message: string }
  | { code: 'account-mismatch'; account: string; message: string }
  | { code: 'no-own-messages'; message: string }
  | { code: 'unknown-format'; message: string }
  | { code: 'invalid-rows'; errors: RowError[] };

/** One imported log of one work account, scanned. */
export type ChatReviewOutcome = {
  /** Deterministic (file, account and the lists applied): importing the same file again with the same lists
   *  is the same review. */
  reviewId: string;
  fileSha256: string;
  bytes: number;
  encoding: ChatEncoding;
  format: ChatFormat;
  lists: KeywordList[];
  findings: ChatFinding[];
  scanned: number;
  notScanned: number;
};
export type ChatReviewResult = { ok: true; outcome: ChatReviewOutcome } | { ok: false; refusal: ImportRefusal };

export type ChatReviewInput = {
  fileName: string;
  /** The file exactly as exported: the file hash is taken over these bytes. */
  bytes: Uint8Array;
  format: ChatFormat | null;
  employee: Pick<Employee, 'id' | 'name' | 'workAccounts'>;
  account: AccountRef;
  roles: readonly string[];
  config?: Pick<KeywordConfig, 'lists'>;
};

const SEVERITY_ORDER = { high: 0, medium: 1, low: 2 } as const;
const sameAccount = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

export async function sha256OfBytes(bytes: Uint8Array): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Imports one exported log of one work account and scans the account's own messages. */
export async function reviewChatLog(input: ChatReviewInput): Promise<ChatReviewResult> {
  const registered = input.employee.workAccounts.find((a) => a.kind === input.account.kind && sameAccount(a.account, input.account.account));
  if (!registered) {
    return { ok: false, refusal: { code: 'not-a-work-account', account: input.account.account, message: `${input.account.kind}:${input.account.account} is not a registered work account of ${input.employee.name}; only work accounts may be reviewed` } };
  }
  if (!input.format) return { ok: false, refusal: { code: 'unknown-format', message: 'the file must be .csv, .json or .txt' } };
  const { text, encoding } = decodeChatFile(input.bytes);
  const parsed = parseChatLog(text, input.format);
  if (!parsed.ok) return { ok: false, refusal: { code: 'invalid-rows', errors: parsed.errors } };
  if (parsed.account && !sameAccount(parsed.account, registered.account)) {
    const other = input.employee.workAccounts.find((a) => a.kind === registered.kind && sameAccount(a.account, parsed.account!));
    return other
      ? { ok: false, refusal: { code: 'account-mismatch', account: parsed.account, message: `the export is from ${parsed.account}, not ${registered.account}: pick that account` } }
      : { ok: false, refusal: { code: 'not-a-work-account', account: parsed.account, message: `the export is from ${parsed.account}, which is not a registered work account of ${input.employee.name}; only work accounts may be reviewed` } };
  }

  const own = new Set([registered.account.trim().toLowerCase(), input.employee.name.trim().toLowerCase()]);
  const isOwn = (m: ChatMessage) => own.has(m.sender.trim().toLowerCase());
  const scannedMessages = parsed.messages.filter(isOwn);
  if (!scannedMessages.length) {
    return { ok: false, refusal: { code: 'no-own-messages', message: `no message in the file was sent from ${registered.kind}:${registered.account} or by ${input.employee.name}: it is not a log of this work account` } };
  }

  const fileSha256 = await sha256OfBytes(input.bytes);
  const account = { kind: registered.kind, account: registered.account };
  const lists = listsForRoles(input.config ?? DEFAULT_KEYWORDS, input.roles);
  const findings: ChatFinding[] = [];
  for (const m of scannedMessages) {
    const hits = scanText(m.text, lists);
    if (!hits.length) continue;
    findings.push({
      id: `chat-${(await sha256Hex(canonicalJson([fileSha256, registered.kind, registered.account, m.row]))).slice(0, 24)}`,
      employeeId: input.employee.id,
      employeeName: input.employee.name,
      account,
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
      severity: hits.reduce((s, h) => (SEVERITY_ORDER[h.severity] < SEVERITY_ORDER[s] ? h.severity : s), 'low' as Severity),
    });
  }
  const reviewId = `chat-review-${(await sha256Hex(canonicalJson([fileSha256, account.kind, account.account, lists]))).slice(0, 24)}`;
  return { ok: true, outcome: { reviewId, fileSha256, bytes: input.bytes.length, encoding, format: input.format, lists, findings, scanned: scannedMessages.length, notScanned: parsed.messages.length - scannedMessages.length } };
}

const when = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');

/**
 * The case event that attaches a finding as evidence (kind 'violation-record' by default: the serious-
 * violation template's 违纪事实记录（聊天记录、投诉等）). The description carries the original message; the document hash is the message's
 * SHA-256 and the ref points at the file by its hash and row, so both can be checked against the export.
 */
export function findingEvidenceEvent(f: ReviewedFinding, opts: { id: string; stepId?: string | null; kind?: string }): CaseEventInput {
  const keywords = [...new Set(f.hits.map((h) => h.keyword))].join('、');
  const d = f.decision;
  return {
    type: 'add_evidence',
    evidence: {
      id: opts.id,
      stepId: opts.stepId ?? null,
      kind: opts.kind ?? 'violation-record',
      description: `工作账号聊天记录（${f.account.kind}:${f.account.account}，${when(f.sentAt)}，${f.conversation || '会话未注明'}）：${f.original}`.slice(0, 4000),
      document: { sha256: f.originalSha256, ref: `chat-log:${f.fileSha256}#row-${f.row}`.slice(0, 500) },
      personId: f.employeeId,
      notes: `命中关键词：${keywords}；审阅：${d ? `${d.status === 'confirmed' ? '确认' : '排除'}（${d.by}）${d.note ? `：${d.note}` : ''}` : '未审阅'}；文件 ${f.fileName} 第 ${f.row} 行`.slice(0, 4000),
    },
  };
}

/**
 * The case event that attaches the exported file itself (the preserved original), named by its SHA-256 with
 * the file name as ref, so the case screen offers it for download and the evidence bundle carries it. Its id
 * depends on the file and the case only: attaching a second finding of the same file adds nothing.
 */
export function chatFileEvidenceEvent(f: Pick<ChatFinding, 'fileSha256' | 'fileName' | 'account' | 'employeeId'>, opts: { caseId: string; stepId?: string | null; kind?: string }): CaseEventInput {
  return {
    type: 'add_evidence',
    evidence: {
      id: `chat-file-${f.fileSha256.slice(0, 24)}-${opts.caseId}`.slice(0, 100),
      stepId: opts.stepId ?? null,
      kind: opts.kind ?? 'violation-record',
      description: `工作账号聊天记录导出原件（${f.account.kind}:${f.account.account}，文件 ${f.fileName}）`.slice(0, 4000),
      // A ref without a scheme is a file name (isAttachedFile); a colon in the name would read as one.
      document: { sha256: f.fileSha256, ref: f.fileName.replace(/:/g, '_').slice(0, 500) },
      personId: f.employeeId,
      notes: `文件 SHA-256 ${f.fileSha256}`,
    },
  };
}
