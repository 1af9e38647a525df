import { z } from 'zod';
import { canonicalJson, sha256Hex } from '../audit/chain.ts';
import { AuditEvent } from '../schemas/audit.ts';
import { EpochMs, Id } from '../schemas/common.ts';

/**
 * The evidence bundle (证据包) handed to an arbitration committee: one zip holding a PDF report, the raw
 * records as JSON and `manifest.json`.
 *
 * Integrity model, in three layers a reader can check without our software (any SHA-256 tool will do):
 *  1. every record inside a record file carries the SHA-256 of its own canonical JSON (keys sorted, no
 *     whitespace), so a changed record is named by its id, not just "the file changed";
 *  2. the manifest lists every file of the zip with the SHA-256 of its exact bytes;
 *  3. the manifest hash is SHA-256 over the canonical JSON of the manifest without that field.
 * The manifest hash alone only proves the bundle is self-consistent (whoever edits a file can recompute
 * it): its value is written into the audit trail as an 'export' event when the bundle is made, so the
 * hash-chained audit log on the server is what ties this exact bundle to the moment it was exported.
 * Signature records and audit events inside are verified with their own hashes on top of that.
 */
export const BUNDLE_FORMAT = 'renshi-evidence-bundle';
export const BUNDLE_VERSION = 1;
export const MANIFEST_PATH = 'manifest.json';
export const REPORT_PATH = 'report.pdf';

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'SHA-256 as 64 lower-case hex digits');

/** What each record file holds; the verifier knows how to check each kind. */
export const RecordFileKind = z.enum(['case', 'template', 'evidence', 'deliveries', 'signatures', 'audit', 'punches', 'escalations']);
export type RecordFileKind = z.infer<typeof RecordFileKind>;

export const ManifestFile = z.object({
  path: z.string().regex(/^[a-z0-9][a-z0-9/._-]*$/, 'lower-case ascii path').max(200),
  sha256: Sha256,
  bytes: z.number().int().nonnegative(),
  /** 'report' for the PDF, 'attachment' for an evidence item's file, 'signature-image' for a handwritten
   *  signature as PNG, the record kind for JSON record files. */
  kind: z.union([z.literal('report'), z.literal('attachment'), z.literal('signature-image'), RecordFileKind]),
  description: z.string().max(500),
  /** For attachments: the evidence item the file belongs to (its recorded SHA-256 must match the file). */
  evidenceId: Id.optional(),
  /** For signature images: the signature record (in records/signatures.json) the image belongs to. */
  signatureId: Id.optional(),
});
export type ManifestFile = z.infer<typeof ManifestFile>;

/** An evidence file that should be in the bundle but was on neither this terminal nor the sync server when
 *  it was exported: listed, so a file is never dropped without saying so. */
export const MissingAttachment = z.object({ evidenceId: Id, sha256: Sha256, fileName: z.string().max(300), reason: z.string().max(300) });
export type MissingAttachment = z.infer<typeof MissingAttachment>;

export const BundleManifest = z.object({
  format: z.literal(BUNDLE_FORMAT),
  version: z.literal(BUNDLE_VERSION),
  caseId: Id,
  templateId: z.string().min(1).max(80),
  exportedAt: EpochMs,
  exportedBy: z.string().min(1).max(100),
  hashAlgorithm: z.literal('SHA-256'),
  files: z.array(ManifestFile).min(1),
  /** Always written by this version (empty when every file is there); covered by the manifest hash. */
  missingAttachments: z.array(MissingAttachment).optional(),
  manifestHash: Sha256,
});
export type BundleManifest = z.infer<typeof BundleManifest>;

/** One record as stored in a record file: the record and the SHA-256 of its canonical JSON. */
export const HashedRecord = z.object({ sha256: Sha256, record: z.unknown() });
export type HashedRecord = z.infer<typeof HashedRecord>;

export const RecordFile = z.object({
  kind: RecordFileKind,
  caseId: Id,
  /** How the per-record hashes are computed, for a reader checking them by hand. */
  hashing: z.literal('sha256(canonical JSON: keys sorted, no whitespace)'),
  records: z.array(HashedRecord),
});
export type RecordFile = z.infer<typeof RecordFile>;

/** A signature as bundled: the signed document, its record, and the handwritten image when stored. */
export const BundledSignature = z.object({
  title: z.string().max(200),
  /** The server notice the signature was made on. */
  noticeId: z.string().max(100).optional(),
  document: z.record(z.string(), z.unknown()),
  record: z.unknown(),
  signatureImage: z.string().nullable().optional(),
});
export type BundledSignature = z.infer<typeof BundledSignature>;

/**
 * A signed notice as the sync server hands it to HR for the bundle (`GET /delivery/notices/:id/signed-record`):
 * the signed document, the signature record exactly as stored (signer, time, IP, user agent, typed name,
 * hashes) and the drawn image; `verdict` is the server's own verifySignature, the bundle verifies again.
 */
export const SignedNoticeRecord = z.object({
  noticeId: z.string().min(1).max(100),
  caseId: z.string().min(1).max(100),
  title: z.string().max(200),
  document: z.record(z.string(), z.unknown()),
  documentHash: Sha256,
  signature: z.unknown().nullable(),
  signatureImage: z.string().nullable(),
  signedAt: EpochMs.nullable(),
  verdict: z.enum(['verified', 'altered']).nullable(),
});
export type SignedNoticeRecord = z.infer<typeof SignedNoticeRecord>;

/**
 * A run of one replica's audit chain. Case events are interleaved with every other change on that
 * terminal, so the run is contiguous from the first to the last event about the case (others included
 * only so the chain can be re-verified), and `anchor` is the event just before it (null from seq 0).
 */
export const AuditRun = z.object({
  replicaId: z.string().min(1).max(64),
  anchor: z.object({ replicaId: z.string().min(1).max(64), seq: z.number().int().nonnegative(), hash: Sha256 }).nullable(),
  events: z.array(AuditEvent).min(1),
  /** Ids of the events that concern the case (the report lists these). */
  caseEventIds: z.array(Id),
});
export type AuditRun = z.infer<typeof AuditRun>;

/** A delivery record from the documents collection: kept as it is; only an id is required. */
export const BundledDelivery = z.object({ id: Id }).catchall(z.unknown());
export type BundledDelivery = z.infer<typeof BundledDelivery>;

const safePart = (x: string) => x.toLowerCase().replace(/[^a-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 80);

/** A zip path for an attachment: `attachments/<sha256>-<name>`, lower-case ascii (the original name is in
 *  the manifest's description and the report). Content-addressed, so one file is stored once. */
export function attachmentPath(sha256: string, fileName: string): string {
  const name = fileName.split(/[\\/]/).pop() ?? '';
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? safePart(name.slice(dot + 1)).slice(0, 10) : '';
  const base = safePart(dot > 0 ? name.slice(0, dot) : name) || 'file';
  return `attachments/${sha256}-${base}${ext ? `.${ext}` : ''}`;
}

/** A zip path for a handwritten signature image (PNG), named after its signature record. */
export function signatureImagePath(signatureId: string): string {
  return `signatures/${safePart(signatureId) || 'signature'}.png`;
}

const PNG_DATA_URL = /^data:image\/png;base64,([A-Za-z0-9+/=]+)$/;

/** The PNG bytes of a signature image stored as a data URL; null for anything else. */
export function pngOfDataUrl(dataUrl: string | null | undefined): Uint8Array | null {
  const m = dataUrl ? PNG_DATA_URL.exec(dataUrl) : null;
  if (!m) return null;
  try {
    return Uint8Array.from(atob(m[1]!), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

export async function sha256HexBytes(bytes: Uint8Array): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

export async function recordHash(record: unknown): Promise<string> {
  return sha256Hex(canonicalJson(record));
}

export async function hashRecords(records: readonly unknown[]): Promise<HashedRecord[]> {
  return Promise.all(records.map(async (record) => ({ sha256: await recordHash(record), record })));
}

export async function manifestHashOf(manifest: Omit<BundleManifest, 'manifestHash'>): Promise<string> {
  return sha256Hex(canonicalJson(manifest));
}

/** Seals a manifest: computes the manifest hash over everything else. */
export async function sealManifest(body: Omit<BundleManifest, 'manifestHash' | 'format' | 'version' | 'hashAlgorithm'>): Promise<BundleManifest> {
  const full = { format: BUNDLE_FORMAT, version: BUNDLE_VERSION, hashAlgorithm: 'SHA-256', ...body } as const;
  return BundleManifest.parse({ ...full, manifestHash: await manifestHashOf(full) });
}

/** The record id shown when a record fails its hash (most records have an `id`). */
export function recordLabel(record: unknown, index: number): string {
  if (record && typeof record === 'object') {
    const r = record as Record<string, unknown>;
    if (typeof r.id === 'string') return r.id;
    const inner = r.record;
    if (inner && typeof inner === 'object' && typeof (inner as Record<string, unknown>).id === 'string') return (inner as { id: string }).id;
  }
  return `#${index + 1}`;
}
