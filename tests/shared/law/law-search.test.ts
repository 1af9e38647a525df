import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUILT_IN_TEMPLATES } from '#shared/cases/builtin-templates';
import { citedArticles } from '#shared/cases/case-template';
import { LawArticles } from '#shared/law/law-article';
import { articleNumberOf, LAW_ARTICLES, lawArticle, searchLaw } from '#shared/law/law-search';

const top = (q: string) => searchLaw(q)[0]?.article.id;

describe('legal knowledge base', () => {
  it('the file validates and every article a template cites is in it', () => {
    const raw = JSON.parse(readFileSync('resources/law/articles.json', 'utf8'));
    expect(() => LawArticles.parse(raw)).not.toThrow();
    const cited = new Set(BUILT_IN_TEMPLATES.flatMap(citedArticles));
    for (const id of cited) expect(lawArticle(id), id).toBeDefined();
    for (const id of ['labor-contract-4', 'labor-contract-39', 'labor-contract-43', 'labor-contract-47', 'labor-contract-50', 'labor-contract-85', 'wage-payment-6', 'wage-payment-7', 'wage-payment-9', 'wage-payment-15', 'wage-payment-16', 'dispute-interpretation-1-44', 'dispute-interpretation-1-50', 'e-signature-13', 'e-signature-14', 'pipl-13', 'pipl-17', 'pipl-28', 'pipl-29', 'pipl-51', 'pipl-55', 'delivery-reply-1995', 'face-recognition-measures']) {
      expect(lawArticle(id), id).toBeDefined();
    }
  });

  it('summaries are marked as summaries', () => {
    for (const a of LAW_ARTICLES) if (a.textKind === 'summary') expect(a.text.startsWith('（摘要）'), a.id).toBe(true);
  });

  it('every article says, in both languages and item for item, what evidence it implies', () => {
    for (const a of LAW_ARTICLES) {
      expect(a.evidence.length, a.id).toBeGreaterThan(0);
      expect(a.evidenceEn.length, a.id).toBe(a.evidence.length);
    }
    const one = LAW_ARTICLES[0]!;
    expect(LawArticles.safeParse([{ ...one, evidenceEn: one.evidenceEn.slice(1) }]).success).toBe(false);
  });

  it('finds an article by the evidence it implies, in English too', () => {
    expect(searchLaw('bank').map((h) => h.article.id)).toEqual(['wage-payment-6']); // only its evidence says "bank slip"
    expect(searchLaw('工资条').map((h) => h.article.id)).toContain('wage-payment-6');
  });

  it('rejects duplicate ids', () => {
    const one = LAW_ARTICLES[0]!;
    expect(LawArticles.safeParse([one, one]).success).toBe(false);
  });
});

describe('searchLaw', () => {
  it.each([
    ['第39条', 'labor-contract-39'],
    ['39条', 'labor-contract-39'],
    ['第三十九条', 'labor-contract-39'],
    ['三十九', 'labor-contract-39'],
    ['劳动合同法 第47条', 'labor-contract-47'],
    ['劳动合同法第四十三条', 'labor-contract-43'],
    ['工资支付暂行规定 第十六条', 'wage-payment-16'],
    ['工资支付暂行规定第9条', 'wage-payment-9'],
    ['article 13 电子签名法', 'e-signature-13'],
    ['severance', 'labor-contract-47'],
    ['union', 'labor-contract-43'],
    ['final wages', 'wage-payment-9'],
    ['burden of proof', 'dispute-interpretation-1-44'],
    ['单独同意', 'pipl-29'],
    ['人脸识别', 'face-recognition-measures'],
    ['中止', 'labor-law-opinions-28'],
    ['挂号', 'delivery-reply-1995'],
    ['最低工资', 'wage-payment-16'],
  ])('%s -> %s first', (q, id) => {
    expect(top(q)).toBe(id);
  });

  it('with a law name, the number picks the article of that law', () => {
    const hits = searchLaw('电子签名法 14').map((h) => h.article.id);
    expect(hits[0]).toBe('e-signature-14');
    expect(searchLaw('第50条').map((h) => h.article.id).sort()).toEqual(['dispute-interpretation-1-50', 'labor-contract-50']);
  });

  it('nothing for empty or unrelated queries', () => {
    expect(searchLaw('')).toEqual([]);
    expect(searchLaw('   ')).toEqual([]);
    expect(searchLaw('第999条')).toEqual([]);
    expect(searchLaw('zzzqqq')).toEqual([]);
  });

  it.each([
    ['第39条', 39],
    ['三十九', 39],
    ['第十条', 10],
    ['十六', 16],
    ['一百零一', 101],
    ['十', null],
    ['abc', null],
  ])('articleNumberOf(%s) = %s', (t, n) => {
    expect(articleNumberOf(t)).toBe(n);
  });
});
