import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { builtInTemplate } from '#shared/cases/builtin-templates';
import { exportTemplateJson, prepareTemplateImport, type CaseTemplateSetting } from '#shared/cases/custom-template';
import { ADMIN, Api, login, startTestServer } from './support/backends.ts';
import { employee, row } from './support/fixtures.ts';

// What a terminal pushes after HR imports a template, and after HR records a 送达地址确认书: the server checks
// both with the same schemas the terminal used, so what one terminal stores every other one can read.

function imported(edit: (t: Record<string, any>) => void = () => undefined): CaseTemplateSetting {
  const t = JSON.parse(exportTemplateJson(builtInTemplate('loss-deduction')));
  edit(t);
  const r = prepareTemplateImport(JSON.stringify(t), { customs: [], actor: 'hr-wang', now: 1_700_000_000_000 });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.setting;
}

describe('custom case templates and agreed delivery addresses through the sync server', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let admin: Api;
  beforeAll(async () => {
    server = await startTestServer('pglite');
    admin = await login(server.url, ADMIN.username, ADMIN.password);
  });
  afterAll(async () => server?.close());

  test('a custom template pushed by one terminal is stored and pulled whole', async () => {
    const s = imported((t) => (t.name = { zh: '门店损失扣款', en: 'Store loss deduction' }));
    const pushed = await admin.push('settings', [row(s)]);
    expect(pushed.body).toEqual({ conflicts: [], rejections: [], auditBreaks: [] });
    const pulled = (await admin.pull('settings', 'limit=1000')).body.documents.find((d: { id: string }) => d.id === s.id);
    expect(pulled).toEqual({ ...s, _deleted: false });
  });

  test('a template citing an article the law knowledge base does not hold is refused with the article named', async () => {
    const s = imported();
    const bad = { ...s, id: 'case-template|loss-deduction-custom|2', template: { ...s.template, version: 2, steps: s.template.steps.map((st, i) => (i === 1 ? { ...st, law: ['wage-payment-99'] } : st)) } };
    const r = await admin.push('settings', [row(bad)]);
    expect(r.body.rejections).toEqual([expect.objectContaining({ id: bad.id, code: 'validation-failed', message: 'template.steps.1.law.0: law article wage-payment-99 is not in the law knowledge base' })]);
    // A copy claiming a built-in id is refused too (cases would not know which one they mean).
    const builtIn = { ...s, id: 'case-template|loss-deduction|1', template: { ...s.template, id: 'loss-deduction' } };
    expect((await admin.push('settings', [row(builtIn)])).body.rejections[0]).toMatchObject({ code: 'validation-failed', message: expect.stringContaining('built-in template id') });
    const ids = (await admin.pull('settings', 'limit=1000')).body.documents.map((d: { id: string }) => d.id);
    expect(ids).not.toContain(bad.id);
    expect(ids).not.toContain(builtIn.id);
  });

  test('an employee with a 送达地址确认书 is accepted; a bad one is refused at its field; records without it still sync', async () => {
    const agreed = { postal: '广东省东莞市松山湖 3 栋 201', email: 'li@home.example', phone: '13700137000', wecom: null, confirmedOn: '2025-09-01', evidenceSha256: 'a'.repeat(64) };
    const base = employee('adr-1');
    const ok = { ...base, sensitive: { ...base.sensitive, agreedDeliveryAddresses: agreed } };
    expect((await admin.push('employees', [row(ok), row(employee('adr-old'))])).body.rejections).toEqual([]);
    const bad = { ...base, id: 'adr-2', employeeNo: 'EADR2', sensitive: { ...base.sensitive, agreedDeliveryAddresses: { ...agreed, confirmedOn: '2025-02-30' } } };
    expect((await admin.push('employees', [row(bad)])).body.rejections[0]).toMatchObject({ id: 'adr-2', message: expect.stringContaining('sensitive.agreedDeliveryAddresses.confirmedOn') });
    const none = { ...base, id: 'adr-3', employeeNo: 'EADR3', sensitive: { ...base.sensitive, agreedDeliveryAddresses: { postal: null, email: null, phone: null, wecom: null, confirmedOn: '2025-09-01', evidenceSha256: null } } };
    expect((await admin.push('employees', [row(none)])).body.rejections[0]?.message).toContain('at least one agreed address');
    const pulled = (await admin.pull('employees', 'limit=1000')).body.documents.find((d: { id: string }) => d.id === 'adr-1');
    expect(pulled.sensitive.agreedDeliveryAddresses).toEqual(agreed);
  });
});
