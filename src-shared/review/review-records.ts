import { z } from 'zod';
import { Sha256Hex } from '../cases/case-doc.ts';
import { EpochMs, Id } from '../schemas/common.ts';
import { ChatEncoding, ChatFormat } from './chat-log.ts';
import {
  AccountRef,
  ChatFinding,
  DEFAULT_KEYWORDS,
  FindingDecision,
  KeywordList,
  KeywordListId,
  KeywordRole,
  loadKeywordConfig,
  statusOf,
  type ChatReviewOutcome,
  type KeywordConfig,
  type ReviewedFinding,
  type ReviewStatus,
  type Severity,
} from './work-chat-review.ts';

/**
 * What the work-channel review keeps, as documents of the replicated `settings` collection (three kinds):
 *
 *  - `keyword_list`: one of HR's keyword lists. One with a built-in list's id replaces that list (HR copied
 *    and adapted it; deleting the copy brings the built-in back); any other id is a list of HR's own.
 *  - `chat_review`: one imported log of one work account as it was scanned: the account, the file (name,
 *    format, encoding, SHA-256 of its bytes, size: the bytes themselves are in the content-addressed evidence
 *    file store under that hash), the lists applied and every finding with its original message. Written
 *    once; the sync server refuses any later change of its content (it is evidence).
 *  - `chat_decision`: HR's decision on one finding (id from the finding's id, so one per message).
 *
 * Why `settings` and not `cases` or a collection of its own: a review is neither a workflow with steps nor
 * worth one of the 13 collections RxDB allows; like HR's case templates it is a record HR keeps and every
 * HR terminal needs. Decisions are separate documents so that two HR users deciding different findings of
 * one review offline never conflict (settings are keep-both: only two decisions on the same finding become a
 * conflict item for HR). Reviews and decisions hold personal information: they are encrypted at rest on the
 * terminal and the sync server hands them to HR and admins only (src-server/sync/scope.ts).
 */
const Actor = z.string().trim().min(1).max(100);

export const keywordListSettingId = (listId: string) => `keyword-list|${listId}`;
export const chatDecisionId = (findingId: string) => `chat-decision|${findingId}`;

export const KeywordListSetting = z
  .object({
    id: Id,
    kind: z.literal('keyword_list'),
    updatedAt: EpochMs,
    list: KeywordList,
    /** The built-in list this one was copied from (and replaces), or null for a list of HR's own. */
    copiedFrom: KeywordListId.nullable().default(null),
    savedBy: Actor,
  })
  .superRefine((d, ctx) => {
    if (d.id !== keywordListSettingId(d.list.id)) ctx.addIssue({ code: 'custom', path: ['id'], message: `id must be ${keywordListSettingId(d.list.id)}` });
    if (d.copiedFrom !== null && d.copiedFrom !== d.list.id) ctx.addIssue({ code: 'custom', path: ['copiedFrom'], message: 'a copy of a built-in list keeps its id' });
  });
export type KeywordListSetting = z.infer<typeof KeywordListSetting>;

export const ChatReviewSetting = z
  .object({
    id: z.string().regex(/^chat-review-[0-9a-f]{24}$/),
    kind: z.literal('chat_review'),
    updatedAt: EpochMs,
    /** The employee's site (site-scoped like other settings). */
    siteId: Id,
    review: z.object({
      employeeId: Id,
      employeeName: z.string().max(100),
      account: AccountRef,
      file: z.object({ name: z.string().min(1).max(300), format: ChatFormat, encoding: ChatEncoding, sha256: Sha256Hex, bytes: z.number().int().positive() }),
      roles: z.array(KeywordRole).max(20),
      /** The lists applied, as they were at the time: the scan can be repeated and explained later. */
      lists: z.array(KeywordList),
      scanned: z.number().int().nonnegative(),
      notScanned: z.number().int().nonnegative(),
      importedBy: Actor,
      importedAt: EpochMs,
    }),
    findings: z.array(ChatFinding),
  })
  .superRefine((d, ctx) => {
    d.findings.forEach((f, i) => {
      if (f.fileSha256 !== d.review.file.sha256 || f.employeeId !== d.review.employeeId || f.account.kind !== d.review.account.kind || f.account.account !== d.review.account.account) {
        ctx.addIssue({ code: 'custom', path: ['findings', i], message: 'a finding must come from the review’s file, employee and account' });
      }
    });
  });
export type ChatReviewSetting = z.infer<typeof ChatReviewSetting>;

export const ChatDecisionSetting = z
  .object({
    id: Id,
    kind: z.literal('chat_decision'),
    updatedAt: EpochMs,
    siteId: Id,
    findingId: ChatFinding.shape.id,
    /** The review it was decided in (the same message found again by other lists shares the decision). */
    reviewId: Id,
    decision: FindingDecision,
  })
  .superRefine((d, ctx) => {
    if (d.id !== chatDecisionId(d.findingId)) ctx.addIssue({ code: 'custom', path: ['id'], message: `id must be ${chatDecisionId(d.findingId)}` });
  });
export type ChatDecisionSetting = z.infer<typeof ChatDecisionSetting>;

// ---------------------------------------------------------------------------------------------------------
// Keyword lists

export type ListSource = 'built-in' | 'adapted' | 'own';
export type EffectiveList = { list: KeywordList; source: ListSource; setting: KeywordListSetting | null };

/** The lists a scan uses: the built-ins (each replaced by HR's copy, if any), then HR's own by id. */
export function effectiveKeywordLists(saved: readonly KeywordListSetting[], builtIn: Pick<KeywordConfig, 'lists'> = DEFAULT_KEYWORDS): EffectiveList[] {
  const byId = new Map(saved.map((s) => [s.list.id, s]));
  const builtInIds = new Set(builtIn.lists.map((l) => l.id));
  const out: EffectiveList[] = builtIn.lists.map((l) => {
    const s = byId.get(l.id);
    return s ? { list: s.list, source: 'adapted', setting: s } : { list: l, source: 'built-in', setting: null };
  });
  for (const s of [...saved].sort((a, b) => (a.list.id < b.list.id ? -1 : 1))) if (!builtInIds.has(s.list.id)) out.push({ list: s.list, source: 'own', setting: s });
  return out;
}

/** A list to save (new, copied from a built-in, or edited), validated; throws with zod's issues. */
export function keywordListSetting(list: unknown, opts: { savedBy: string; now: number; builtIn?: Pick<KeywordConfig, 'lists'> }): KeywordListSetting {
  const parsed = KeywordList.parse(list);
  const isBuiltIn = (opts.builtIn ?? DEFAULT_KEYWORDS).lists.some((l) => l.id === parsed.id);
  return KeywordListSetting.parse({ id: keywordListSettingId(parsed.id), kind: 'keyword_list', updatedAt: opts.now, list: parsed, copiedFrom: isBuiltIn ? parsed.id : null, savedBy: opts.savedBy });
}

/** HR's keyword file (the built-in file's format): every list in it to save, or every problem (all or nothing). */
export function keywordListsFromFile(text: string, opts: { savedBy: string; now: number; builtIn?: Pick<KeywordConfig, 'lists'> }): { ok: true; settings: KeywordListSetting[] } | { ok: false; problems: { path: string; message: string }[] } {
  const r = loadKeywordConfig(text);
  if (!r.ok) return r;
  return { ok: true, settings: r.config.lists.map((l) => keywordListSetting(l, opts)) };
}

/** The lists in the built-in file's format, for HR to keep, share or adapt elsewhere. */
export function keywordFileOf(lists: readonly EffectiveList[]): string {
  return `${JSON.stringify({ version: 1, note: 'Renshi work-channel review keyword lists (聊天审查 → 关键词表)', lists: lists.map((e) => e.list) }, null, 2)}\n`;
}

// ---------------------------------------------------------------------------------------------------------
// Reviews and decisions

/** The review document for a scanned log. */
export function chatReviewSetting(
  outcome: ChatReviewOutcome,
  meta: { employee: { id: string; name: string; siteId: string }; account: z.input<typeof AccountRef>; fileName: string; roles: readonly string[]; importedBy: string; importedAt: number },
): ChatReviewSetting {
  return ChatReviewSetting.parse({
    id: outcome.reviewId,
    kind: 'chat_review',
    updatedAt: meta.importedAt,
    siteId: meta.employee.siteId,
    review: {
      employeeId: meta.employee.id,
      employeeName: meta.employee.name,
      account: meta.account,
      file: { name: meta.fileName.slice(0, 300), format: outcome.format, encoding: outcome.encoding, sha256: outcome.fileSha256, bytes: outcome.bytes },
      roles: [...meta.roles].sort(),
      lists: outcome.lists,
      scanned: outcome.scanned,
      notScanned: outcome.notScanned,
      importedBy: meta.importedBy,
      importedAt: meta.importedAt,
    },
    findings: outcome.findings,
  });
}

export function chatDecisionSetting(finding: Pick<ChatFinding, 'id'>, review: Pick<ChatReviewSetting, 'id' | 'siteId'>, decision: FindingDecision): ChatDecisionSetting {
  return ChatDecisionSetting.parse({ id: chatDecisionId(finding.id), kind: 'chat_decision', updatedAt: decision.at, siteId: review.siteId, findingId: finding.id, reviewId: review.id, decision });
}

/** One line for the audit trail. */
export function decisionSummary(d: FindingDecision): string {
  return `finding ${d.status}${d.note ? `: ${d.note}` : ''}`.slice(0, 500);
}

export type FindingFilter = { status?: ReviewStatus | 'all'; employeeId?: string | null; reviewId?: string | null; severity?: Severity | null };
export type FindingRow = ReviewedFinding & { reviewId: string };

/**
 * The findings HR works through, each with its decision. One review's findings when `reviewId` is given;
 * otherwise every review's, one row per message (the newest review's copy when a file was scanned again with
 * other lists). Newest review first, then by row.
 */
export function reviewedFindings(reviews: readonly ChatReviewSetting[], decisions: readonly ChatDecisionSetting[], filter: FindingFilter = {}): FindingRow[] {
  const decisionOf = new Map(decisions.map((d) => [d.findingId, d.decision]));
  const ordered = [...reviews].sort((a, b) => b.review.importedAt - a.review.importedAt || (a.id < b.id ? -1 : 1));
  const seen = new Set<string>();
  const rows: FindingRow[] = [];
  for (const r of ordered) {
    if (filter.reviewId && r.id !== filter.reviewId) continue;
    if (filter.employeeId && r.review.employeeId !== filter.employeeId) continue;
    for (const f of [...r.findings].sort((a, b) => a.row - b.row)) {
      if (seen.has(f.id)) continue;
      seen.add(f.id);
      const row: FindingRow = { ...f, decision: decisionOf.get(f.id) ?? null, reviewId: r.id };
      if (filter.status && filter.status !== 'all' && statusOf(row) !== filter.status) continue;
      if (filter.severity && row.severity !== filter.severity) continue;
      rows.push(row);
    }
  }
  return rows;
}

/** Counts per status of a review's findings, for the reviews table. */
export function reviewCounts(review: ChatReviewSetting, decisions: readonly ChatDecisionSetting[]): Record<ReviewStatus, number> {
  const counts: Record<ReviewStatus, number> = { open: 0, confirmed: 0, dismissed: 0 };
  for (const f of reviewedFindings([review], decisions)) counts[statusOf(f)]++;
  return counts;
}
