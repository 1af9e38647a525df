import { describe, expect, it } from 'vitest';
import { signDocument, verifySignature, type SignatureRecord } from '#shared/signature/signed-document';
import { instantOf } from '#shared/time';

const handbook = {
  title: '员工手册（2026版）',
  version: '2026.1',
  clauses: [{ no: '5.3', text: '连续旷工超过3个工作日的，视为严重违反规章制度。' }],
  procedure: { congressResolution: '职代会决议〔2025〕7号', publishedAt: '2025-12-20' },
};
const image = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

async function signed(): Promise<SignatureRecord> {
  return signDocument({
    id: 'sig-1',
    documentId: 'handbook-2026.1',
    document: handbook,
    signer: { employeeId: 'emp-li', name: '李明', typedName: '李明' },
    signedAt: instantOf('2026-01-05 10:31:07'),
    ip: '10.0.3.17',
    device: 'terminal-s1-02',
    authMethod: 'sms-code',
    signatureImage: image,
  });
}

/** The same JSON with one character of its serialisation replaced (keeps it valid JSON). */
function flipOneByte<T>(value: T, from: string, to: string): T {
  const text = JSON.stringify(value);
  const i = text.indexOf(from);
  if (i < 0) throw new Error(`${from} not in value`);
  return JSON.parse(text.slice(0, i) + to + text.slice(i + from.length)) as T;
}

describe('e-signature verification', () => {
  it('an untouched document and record verify, whatever the key order', async () => {
    const r = await signed();
    expect(await verifySignature(handbook, r, image)).toEqual({ status: 'verified' });
    const reordered = { procedure: handbook.procedure, clauses: handbook.clauses, version: handbook.version, title: handbook.title };
    expect(await verifySignature(reordered, structuredClone(r))).toEqual({ status: 'verified' });
  });

  it.each([
    ['a clause digit', '3个', '4个', ['clauses']],
    ['the version', '2026.1', '2026.2', ['version']],
    ['the publication date', '12-20', '12-21', ['procedure']],
  ])('changing one character of %s in the document -> altered, naming the field', async (_n, from, to, fields) => {
    const r = await signed();
    expect(await verifySignature(flipOneByte(handbook, from, to), r)).toEqual({ status: 'altered', changes: [{ part: 'document', changedFields: fields, addedFields: [], removedFields: [] }] });
  });

  it('adding or removing a field is detected', async () => {
    const r = await signed();
    const { procedure: _p, ...without } = handbook;
    expect(await verifySignature({ ...without, note: 'x' }, r)).toEqual({ status: 'altered', changes: [{ part: 'document', changedFields: [], addedFields: ['note'], removedFields: ['procedure'] }] });
  });

  it.each([
    ['signed time', (r: SignatureRecord) => ({ ...r, signedAt: r.signedAt + 1 })],
    ['IP', (r: SignatureRecord) => flipOneByte(r, '10.0.3.17', '10.0.3.18')],
    ['typed name', (r: SignatureRecord) => ({ ...r, signer: { ...r.signer, typedName: '李鸣' } })],
    ['document hash (re-pointed at another document)', (r: SignatureRecord) => ({ ...r, documentHash: r.documentHash.replace(/^./, (c) => (c === '0' ? '1' : '0')) })],
  ])('changing the record (%s) -> altered', async (_n, edit) => {
    const r = await signed();
    const v = await verifySignature(handbook, edit(r));
    expect(v.status).toBe('altered');
    expect(v.status === 'altered' && v.changes.map((c) => c.part)).toContain('record');
  });

  it('a swapped signature image or a malformed record is altered', async () => {
    const r = await signed();
    expect(await verifySignature(handbook, r, image.replace('A', 'B'))).toEqual({ status: 'altered', changes: [{ part: 'signature-image' }] });
    const v = await verifySignature(handbook, { ...r, recordHash: 'nothex' });
    expect(v).toMatchObject({ status: 'altered', changes: [{ part: 'record-malformed' }] });
    expect(await verifySignature('not an object', r)).toMatchObject({ status: 'altered', changes: [{ part: 'document' }] });
  });

  it('refuses to sign when the typed name does not match', async () => {
    await expect(signDocument({ id: 's', documentId: 'd', document: handbook, signer: { employeeId: 'e', name: '李明', typedName: '李四' }, signedAt: 1, ip: '', device: '', authMethod: 'password', signatureImage: null })).rejects.toThrow('typed name');
  });
});
