import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chatDecisionSetting, chatReviewSetting, keywordListSetting, type ChatReviewSetting } from '#shared/review/review-records';
import { decideFinding, reviewChatLog } from '#shared/review/work-chat-review';
import { ADMIN, login, startTestServer, userApi, type Api } from './support/backends.ts';
import { row } from './support/fixtures.ts';

// The work-channel review's documents through the sync server: checked with the shared schemas, handed to HR
// and admins only (they hold employees' messages), written by HR and admins only, and a stored review's
// content is final.

const li = { id: 'emp-li', name: '李小明', siteId: 'site-1', workAccounts: [{ kind: 'wecom' as const, account: 'wx-li', revokedAt: null, revokedBy: null }] };

async function aReview(): Promise<ChatReviewSetting> {
  const r = await reviewChatLog({ fileName: 'li.csv', bytes: new TextEncoder().encode('time,sender,text\n2026-03-01 10:00,wx-li,我们那个垃圾领导\n'), format: 'csv', employee: li, account: li.workAccounts[0]!, roles: [] });
  if (!r.ok) throw new Error(JSON.stringify(r.refusal));
  return chatReviewSetting(r.outcome, { employee: li, account: li.workAccounts[0]!, fileName: 'li.csv', roles: [], importedBy: 'hr-wang', importedAt: 1_700_000_000_000 });
}
const list = keywordListSetting({ id: 'leak-salary', role: 'manager', category: 'leak', severity: 'medium', label: { zh: '泄露薪资', en: 'Leaking pay' }, keywords: ['工资条发你'] }, { savedBy: 'hr-wang', now: 1_700_000_000_000 });

describe('work-chat reviews through the sync server', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let admin: Api;
  let hr: Api;
  let viewer: Api;
  let siteAdmin: Api;
  const ids = async (api: Api) => ((await api.pull('settings', 'limit=1000')).body.documents as { id: string }[]).map((d) => d.id);

  beforeAll(async () => {
    server = await startTestServer('pglite');
    admin = await login(server.url, ADMIN.username, ADMIN.password);
    hr = await userApi(admin, { username: 'hr-wang', role: 'hr' });
    viewer = await userApi(admin, { username: 'viewer-1', role: 'viewer' });
    siteAdmin = await userApi(admin, { username: 'site-1-admin', role: 'site_admin', siteId: 'site-1' });
  });
  afterAll(async () => server?.close());

  test('HR stores a keyword list, a review and a decision; only HR and admins receive the review and decision', async () => {
    const review = await aReview();
    const decision = chatDecisionSetting(review.findings[0]!, review, decideFinding({ status: 'confirmed', by: 'hr-wang', at: 1_700_000_100_000 }));
    expect((await hr.push('settings', [row(list), row(review), row(decision)])).body).toEqual({ conflicts: [], rejections: [], auditBreaks: [] });

    const pulled = (await admin.pull('settings', 'limit=1000')).body.documents as { id: string }[];
    expect(pulled.find((d) => d.id === review.id)).toEqual({ ...review, _deleted: false });
    expect(pulled.find((d) => d.id === decision.id)).toEqual({ ...decision, _deleted: false });
    // A viewer reads settings everywhere, a site admin its site's (the review is of site-1): neither gets them.
    for (const other of [viewer, siteAdmin]) {
      const seen = await ids(other);
      expect(seen).not.toContain(review.id);
      expect(seen).not.toContain(decision.id);
    }
    expect(await ids(viewer)).toContain(list.id); // keyword lists are configuration, readable as settings are
  });

  test('a stored review cannot be changed; HR may delete it', async () => {
    const review = await aReview();
    const tampered = { ...review, findings: [{ ...review.findings[0]!, original: '2026-03-01 10:00,wx-li,领导很好', text: '领导很好' }] };
    const r = await hr.push('settings', [row(tampered, review)]);
    expect(r.body.rejections).toEqual([{ id: review.id, code: 'forbidden', message: expect.stringContaining('a work-chat review is evidence') }]);
    expect(((await hr.pull('settings', 'limit=1000')).body.documents as { id: string; findings?: unknown }[]).find((d) => d.id === review.id)?.findings).toEqual(review.findings);

    const deleted = await hr.push('settings', [{ newDocumentState: { ...review, _deleted: true }, assumedMasterState: { ...review, _deleted: false } }]);
    expect(deleted.body.rejections).toEqual([]);
  });

  test('site admins may not write keyword lists, reviews or decisions', async () => {
    const review = { ...(await aReview()), id: 'chat-review-000000000000000000000001' };
    const own = { ...list, id: 'keyword-list|site-list', list: { ...list.list, id: 'site-list' } };
    const r = await siteAdmin.push('settings', [row(own), row(review)]);
    expect(r.body.rejections.map((x: { id: string; code: string }) => [x.id, x.code])).toEqual([
      [own.id, 'forbidden'],
      [review.id, 'forbidden'],
    ]);
    expect(await ids(admin)).not.toContain(own.id);
  });

  test('a review that does not hold together is refused at its field', async () => {
    const review = await aReview();
    const bad = { ...review, id: 'chat-review-000000000000000000000002', findings: [{ ...review.findings[0]!, originalSha256: 'not-a-hash' }] };
    expect((await hr.push('settings', [row(bad)])).body.rejections[0]).toMatchObject({ id: bad.id, code: 'validation-failed', message: expect.stringContaining('findings.0.originalSha256') });
  });
});
