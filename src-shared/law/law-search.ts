import rawArticles from '../../resources/law/articles.json' with { type: 'json' };
import { LawArticle, LawArticles } from './law-article.ts';

/**
 * Search over the built-in legal knowledge base.
 *
 * Model: a query is split on whitespace and punctuation into terms. A term that names an article number
 * ("第39条", "39条", "第三十九条", "三十九", "art. 39", a bare "39") matches articles with that number; any other
 * term matches the Chinese text (law name, title, text, explanation, evidence, keywords) by substring, or the
 * English fields (law name, explanation, evidence, keywords) case-insensitively. Chinese queries are often phrased unlike the text ("扣工资" vs "从工资中
 * 扣除"), so a CJK term of three or more characters that has no substring hit still counts as a weaker match
 * when most of its character pairs occur. Articles are ranked by matched terms (an article number weighs 3; a
 * title, keyword or law-name hit 2; any other text hit 1); an article must match at least one term. Ties keep knowledge-base order.
 */
export const LAW_ARTICLES: readonly LawArticle[] = LawArticles.parse(rawArticles);
const BY_ID = new Map(LAW_ARTICLES.map((a) => [a.id, a]));

export function lawArticle(id: string): LawArticle | undefined {
  return BY_ID.get(id);
}

export type LawSearchHit = { article: LawArticle; score: number };

export function searchLaw(query: string, articles: readonly LawArticle[] = LAW_ARTICLES): LawSearchHit[] {
  const terms = splitTerms(query);
  if (terms.length === 0) return [];
  const hits: LawSearchHit[] = [];
  for (const article of articles) {
    let score = 0;
    for (const term of terms) score += termScore(article, term);
    if (score > 0) hits.push({ article, score });
  }
  return hits.sort((a, b) => b.score - a.score);
}

type Term = { kind: 'number'; n: number } | { kind: 'text'; text: string };

function splitTerms(query: string): Term[] {
  const terms: Term[] = [];
  // "article 39" / "art. 39" -> one number term
  const normalized = query.replace(/\b(?:article|art\.?)\s*(\d+)/gi, ' 第$1条 ');
  for (const raw of normalized.split(/[\s,，、;；。.:：()（）《》“”"'?？!！]+/)) {
    if (!raw) continue;
    const n = articleNumberOf(raw);
    if (n !== null) {
      terms.push({ kind: 'number', n });
      continue;
    }
    // "劳动合同法第39条": a law name glued to an article number
    const glued = /^(.+?)(第?[0-9一二三四五六七八九十百零〇两]+条)$/.exec(raw);
    if (glued && articleNumberOf(glued[2]!) !== null) {
      terms.push({ kind: 'text', text: glued[1]!.toLowerCase() });
      terms.push({ kind: 'number', n: articleNumberOf(glued[2]!)! });
      continue;
    }
    terms.push({ kind: 'text', text: raw.toLowerCase() });
  }
  return terms;
}

/** "第39条", "39条", "第三十九条", "三十九", "39" -> 39; anything else -> null. */
export function articleNumberOf(term: string): number | null {
  const m = /^第?([0-9]+|[一二三四五六七八九十百零〇两]+)条?$/.exec(term.trim());
  if (!m) return null;
  const digits = m[1]!;
  // A bare Chinese numeral such as "十" or "一" alone is too ambiguous unless marked as an article.
  if (!/^[0-9]+$/.test(digits) && digits.length === 1 && !/[第条]/.test(term)) return null;
  const n = /^[0-9]+$/.test(digits) ? Number(digits) : chineseNumeral(digits);
  return n !== null && n > 0 && n < 1000 ? n : null;
}

function chineseNumeral(s: string): number | null {
  const digit: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
  let total = 0;
  let current = 0;
  for (const ch of s) {
    if (ch in digit) current = digit[ch]!;
    else if (ch === '十') {
      total += (current || 1) * 10;
      current = 0;
    } else if (ch === '百') {
      total += (current || 1) * 100;
      current = 0;
    } else return null;
  }
  return total + current;
}

function termScore(a: LawArticle, term: Term): number {
  if (term.kind === 'number') return a.article === term.n ? 3 : 0;
  const t = term.text;
  // Strong: the term is the article's subject (title, a listed keyword, the law's short name).
  if (a.title.includes(t) || a.lawShort.toLowerCase() === t || a.keywords.some((k) => k.toLowerCase() === t)) return 2;
  const zh = [a.law, a.lawShort, a.title, a.text, a.explanation, ...a.evidence, ...a.keywords].join('\n');
  if (zh.toLowerCase().includes(t)) return 1;
  const en = [a.lawEn, a.explanationEn, ...a.evidenceEn, ...a.keywords].join('\n').toLowerCase();
  if (/^[a-z0-9%-]+$/.test(t)) return new RegExp(`\\b${escapeRegExp(t)}`).test(en) ? 1 : 0;
  if (/[\u4e00-\u9fff]/.test(t) && t.length >= 3) {
    const pairs = Array.from({ length: t.length - 1 }, (_, i) => t.slice(i, i + 2));
    const found = pairs.filter((p) => zh.includes(p)).length;
    return found / pairs.length >= 0.5 ? 0.5 : 0;
  }
  return 0;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
