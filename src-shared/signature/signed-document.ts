import { z } from 'zod';
import { canonicalJson, sha256Hex } from '../audit/chain.ts';
import { EpochMs, Id } from '../schemas/common.ts';

/**
 * Verifiable e-signature records (电子签名法 第十三条: any change to the signature or to the document after
 * signing must be detectable).
 *
 * Model: the signed document is a JSON object (handbook version, performance result, termination notice…);
 * its content hash is SHA-256 over its canonical JSON (keys sorted, no whitespace, so every runtime hashes it
 * the same). The record also keeps one hash per top-level field, so a failed verification can say which part
 * changed. The record's own hash covers every other field of the record (signer, time, IP, device, image hash,
 * document hashes), so editing the record is detectable too. Verification recomputes all of them; any
 * difference is 'altered' with the list of what changed. Identity and sole control (the other half of 第十三条)
 * come from how signing is done (login, SMS code): recorded here as `authMethod`, not proven by the hashes.
 */
const Hash = z.string().regex(/^[0-9a-f]{64}$/, 'SHA-256 as 64 lower-case hex digits');

export const SignableDocument = z.record(z.string(), z.unknown());
export type SignableDocument = z.infer<typeof SignableDocument>;

export const Signer = z.object({
  employeeId: Id,
  name: z.string().trim().min(1).max(100),
  /** The name the signer typed when signing (must match `name` to sign; kept as typed). */
  typedName: z.string().trim().min(1).max(100),
});

export const SignatureRecord = z.object({
  id: Id,
  documentId: Id,
  documentHash: Hash,
  /** SHA-256 of each top-level field's canonical JSON. */
  fieldHashes: z.record(z.string(), Hash),
  signer: Signer,
  signedAt: EpochMs,
  ip: z.string().max(64),
  device: z.string().max(200),
  /** 'signed-link': opened from a single-use signed link sent to the employee's registered channel (delivery). */
  authMethod: z.enum(['password', 'sms-code', 'wecom', 'terminal-badge', 'signed-link']),
  /** SHA-256 of the handwritten-signature image (as the data URL or base64 text stored), null when none. */
  signatureImageHash: Hash.nullable(),
  recordHash: Hash,
});
export type SignatureRecord = z.infer<typeof SignatureRecord>;

export type SignInput = {
  id: string;
  document: SignableDocument;
  documentId: string;
  signer: z.input<typeof Signer>;
  signedAt: number;
  ip: string;
  device: string;
  authMethod: SignatureRecord['authMethod'];
  signatureImage: string | null;
};

export async function documentContentHash(document: SignableDocument): Promise<string> {
  return sha256Hex(canonicalJson(document));
}

async function fieldHashesOf(document: SignableDocument): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(document)) if (v !== undefined) out[k] = await sha256Hex(canonicalJson(v));
  return out;
}

async function recordHashOf(record: Omit<SignatureRecord, 'recordHash'>): Promise<string> {
  return sha256Hex(canonicalJson(record));
}

/** Creates the signature record at signing time. Refuses when the typed name does not match the signer. */
export async function signDocument(input: SignInput): Promise<SignatureRecord> {
  const signer = Signer.parse(input.signer);
  if (signer.typedName !== signer.name) throw new RangeError('the typed name does not match the signer');
  const document = SignableDocument.parse(input.document);
  const body = {
    id: input.id,
    documentId: input.documentId,
    documentHash: await documentContentHash(document),
    fieldHashes: await fieldHashesOf(document),
    signer,
    signedAt: input.signedAt,
    ip: input.ip,
    device: input.device,
    authMethod: input.authMethod,
    signatureImageHash: input.signatureImage === null ? null : await sha256Hex(input.signatureImage),
  };
  return SignatureRecord.parse({ ...body, recordHash: await recordHashOf(body) });
}

export type SignatureChange =
  | { part: 'record-malformed'; message: string }
  | { part: 'record'; message: string }
  | { part: 'document'; changedFields: string[]; addedFields: string[]; removedFields: string[] }
  | { part: 'signature-image' };

export type SignatureVerification = { status: 'verified' } | { status: 'altered'; changes: SignatureChange[] };

/**
 * Checks a document against its signature record (and the stored signature image when given). 'verified'
 * only when the record is intact and the document and image hash exactly as they did at signing.
 */
export async function verifySignature(document: unknown, record: unknown, signatureImage?: string | null): Promise<SignatureVerification> {
  const parsed = SignatureRecord.safeParse(record);
  if (!parsed.success) return { status: 'altered', changes: [{ part: 'record-malformed', message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') }] };
  const r = parsed.data;
  const changes: SignatureChange[] = [];
  const { recordHash, ...body } = r;
  if ((await recordHashOf(body)) !== recordHash) changes.push({ part: 'record', message: 'the signature record was changed after signing' });

  const doc = SignableDocument.safeParse(document);
  if (!doc.success) {
    changes.push({ part: 'document', changedFields: [], addedFields: [], removedFields: Object.keys(r.fieldHashes) });
  } else if ((await documentContentHash(doc.data)) !== r.documentHash) {
    const now = await fieldHashesOf(doc.data);
    const changedFields = Object.keys(now).filter((k) => k in r.fieldHashes && now[k] !== r.fieldHashes[k]).sort();
    const addedFields = Object.keys(now).filter((k) => !(k in r.fieldHashes)).sort();
    const removedFields = Object.keys(r.fieldHashes).filter((k) => !(k in now)).sort();
    changes.push({ part: 'document', changedFields, addedFields, removedFields });
  }
  if (signatureImage !== undefined) {
    const h = signatureImage === null ? null : await sha256Hex(signatureImage);
    if (h !== r.signatureImageHash) changes.push({ part: 'signature-image' });
  }
  return changes.length ? { status: 'altered', changes } : { status: 'verified' };
}
