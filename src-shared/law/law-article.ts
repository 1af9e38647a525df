import { z } from 'zod';

/**
 * One entry of the built-in legal knowledge base (resources/law/articles.json). Not legal advice: every
 * entry is what a template cites and what the UI shows beside a step.
 *
 * `text` is only the article's own wording where we are sure of it (`textKind: 'original'`); otherwise it is
 * a faithful plain-language summary (`textKind: 'summary'`) and the UI must label it 摘要/summary, never as
 * the article itself.
 */
export const LawArticleId = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'article id must be kebab-case ascii');

export const LawArticle = z
  .object({
    id: LawArticleId,
    /** Full name of the law or document, e.g. 中华人民共和国劳动合同法. */
    law: z.string().min(1),
    /** Short name the UI shows, e.g. 劳动合同法. */
    lawShort: z.string().min(1),
    lawEn: z.string().min(1),
    /** Article number within the law; null for documents cited as a whole (a reply letter, a regulation). */
    article: z.number().int().positive().nullable(),
    /** How the article is written in Chinese, e.g. 第三十九条. */
    articleLabel: z.string(),
    title: z.string().min(1),
    textKind: z.enum(['original', 'summary']),
    text: z.string().min(1),
    /** Plain language (Simplified Chinese) and English: what it means for HR. */
    explanation: z.string().min(1),
    explanationEn: z.string().min(1),
    /** What the employer should be able to produce because of this article (Simplified Chinese), and the same
     *  list in English, item for item. */
    evidence: z.array(z.string().min(1)),
    evidenceEn: z.array(z.string().min(1)),
    /** Extra search words (English and Chinese synonyms). */
    keywords: z.array(z.string().min(1)),
    effectiveFrom: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
  })
  .refine((a) => a.evidenceEn.length === a.evidence.length, { message: 'evidenceEn must list the same items as evidence', path: ['evidenceEn'] });
export type LawArticle = z.infer<typeof LawArticle>;

export const LawArticles = z.array(LawArticle).superRefine((list, ctx) => {
  const seen = new Set<string>();
  list.forEach((a, i) => {
    if (seen.has(a.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate article id ${a.id}` });
    seen.add(a.id);
  });
});
