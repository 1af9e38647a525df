import { useMemo } from 'react';
import { RenshiError } from '#shared/errors';
import type { RenshiApi } from '#shared/ipc/contract';
import { EVIDENCE_FILE_MAX_BYTES } from '#shared/evidence/evidence-file';
import { formatOf } from '#shared/review/chat-log';
import {
  ChatDecisionSetting,
  ChatReviewSetting,
  chatDecisionSetting,
  chatReviewSetting,
  decisionSummary,
  KeywordListSetting,
  keywordListSetting,
  keywordListSettingId,
  keywordListsFromFile,
} from '#shared/review/review-records';
import { decideFinding, reviewChatLog, type AccountRef, type ChatFinding, type ImportRefusal, type KeywordConfig } from '#shared/review/work-chat-review';
import type { Employee } from '#shared/schemas/employee';
import { useRenshi } from '../../app/context.tsx';
import { useObservable } from '../../components/use-observable.ts';
import { removeRecord, saveRecord, stripMeta, type WriteContext } from '../../db/records.ts';

/**
 * The work-channel review's records in the replicated `settings` collection (see
 * src-shared/review/review-records.ts): HR's keyword lists, the reviews (with the file kept in main's
 * content-addressed evidence store) and HR's decisions. Every write goes through saveRecord / removeRecord,
 * so it is validated, audited and synced. Documents that do not parse (a newer program wrote them) are left
 * out rather than breaking the screen.
 */
type Parser<T> = { safeParse(v: unknown): { success: true; data: T } | { success: false } };
function parseAll<T>(docs: { toMutableJSON(): unknown }[] | undefined, schema: Parser<T>): T[] | undefined {
  if (!docs) return undefined;
  const out: T[] = [];
  for (const d of docs) {
    const r = schema.safeParse(stripMeta(d.toMutableJSON() as Record<string, unknown>));
    if (r.success) out.push(r.data);
  }
  return out;
}

function useKind<T>(kind: 'keyword_list' | 'chat_review' | 'chat_decision', schema: Parser<T>): T[] | undefined {
  const { db } = useRenshi();
  const docs = useObservable(() => db.settings.find({ selector: { kind } }).$, [db, kind]);
  return useMemo(() => parseAll(docs, schema), [docs, schema]);
}

export const useKeywordLists = () => useKind('keyword_list', KeywordListSetting);
export const useChatReviews = () => useKind('chat_review', ChatReviewSetting);
export const useChatDecisions = () => useKind('chat_decision', ChatDecisionSetting);

export async function saveKeywordList(ctx: WriteContext, list: unknown): Promise<KeywordListSetting> {
  const setting = keywordListSetting(list, { savedBy: ctx.actor, now: (ctx.now ?? Date.now)() });
  return saveRecord(ctx, 'settings', KeywordListSetting, setting, `keyword list ${setting.list.id} (${setting.list.role}) saved: ${setting.list.keywords.length} keywords`);
}

/** Deletes HR's list; a copy of a built-in list gives way to the built-in again. */
export function removeKeywordList(ctx: WriteContext, listId: string): Promise<boolean> {
  return removeRecord(ctx, 'settings', keywordListSettingId(listId), `keyword list ${listId} deleted`);
}

/** Saves every list of a keyword file (the built-in file's format); nothing when any list is wrong. */
export async function importKeywordFile(ctx: WriteContext, text: string): Promise<{ ok: true; saved: number } | { ok: false; problems: { path: string; message: string }[] }> {
  const r = keywordListsFromFile(text, { savedBy: ctx.actor, now: (ctx.now ?? Date.now)() });
  if (!r.ok) return r;
  for (const s of r.settings) await saveRecord(ctx, 'settings', KeywordListSetting, s, `keyword list ${s.list.id} (${s.list.role}) imported from a file: ${s.list.keywords.length} keywords`);
  return { ok: true, saved: r.settings.length };
}

function base64Of(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

export type ImportOutcome = { ok: true; review: ChatReviewSetting; existed: boolean; uploaded: boolean } | { ok: false; refusal: ImportRefusal | { code: 'too-large'; message: string } };

/**
 * Imports one exported log of one work account: scans it, keeps the file in the evidence store (uploaded to
 * the sync server now or when it can be reached) and stores the review. The same file scanned with the same
 * lists is the same review: it is shown again, not written again.
 */
export async function importChatLog(
  ctx: WriteContext,
  api: RenshiApi,
  input: { file: File; employee: Pick<Employee, 'id' | 'name' | 'siteId' | 'workAccounts'>; account: AccountRef; roles: readonly string[]; config: Pick<KeywordConfig, 'lists'> },
): Promise<ImportOutcome> {
  if (input.file.size > EVIDENCE_FILE_MAX_BYTES) return { ok: false, refusal: { code: 'too-large', message: `larger than ${EVIDENCE_FILE_MAX_BYTES / 1024 / 1024} MB: split the export` } };
  const bytes = new Uint8Array(await input.file.arrayBuffer());
  const r = await reviewChatLog({ fileName: input.file.name, bytes, format: formatOf(input.file.name), employee: input.employee, account: input.account, roles: input.roles, config: input.config });
  if (!r.ok) return r;
  const put = await api.evidenceFilePut({ sha256: r.outcome.fileSha256, contentBase64: base64Of(bytes) });
  const existing = await ctx.db.settings.findOne(r.outcome.reviewId).exec();
  if (existing) {
    const parsed = ChatReviewSetting.safeParse(stripMeta(existing.toMutableJSON() as Record<string, unknown>));
    if (parsed.success) return { ok: true, review: parsed.data, existed: true, uploaded: put.uploaded };
  }
  const review = chatReviewSetting(r.outcome, { employee: input.employee, account: input.account, fileName: input.file.name, roles: input.roles, importedBy: ctx.actor, importedAt: (ctx.now ?? Date.now)() });
  const saved = await saveRecord(
    ctx,
    'settings',
    ChatReviewSetting,
    review,
    `work-chat review of ${review.review.account.kind}:${review.review.account.account} (${review.review.file.name}, SHA-256 ${review.review.file.sha256}): ${review.review.scanned} messages scanned, ${review.findings.length} findings`.slice(0, 500),
  );
  return { ok: true, review: saved, existed: false, uploaded: put.uploaded };
}

/** Records HR's decision on a finding (audited; throws RangeError when a dismissal has no reason). */
export async function decideChatFinding(ctx: WriteContext, finding: Pick<ChatFinding, 'id'>, review: Pick<ChatReviewSetting, 'id' | 'siteId'>, decision: { status: 'confirmed' | 'dismissed'; note: string }): Promise<ChatDecisionSetting> {
  const d = decideFinding({ ...decision, by: ctx.actor, at: (ctx.now ?? Date.now)() });
  return saveRecord(ctx, 'settings', ChatDecisionSetting, chatDecisionSetting(finding, review, d), decisionSummary(d));
}

/** The preserved original, from this terminal or the sync server, checked against its SHA-256 by main. */
export async function loadChatFile(api: RenshiApi, sha256: string): Promise<Uint8Array> {
  const r = await api.evidenceFileGet({ sha256 });
  if (!r.found || r.contentBase64 === null) throw new RenshiError('not-found', `no file ${sha256} on this terminal or the sync server`);
  return Uint8Array.from(atob(r.contentBase64), (c) => c.charCodeAt(0));
}
