import { z } from 'zod';

/**
 * Evidence files (scans, screenshots, letters) kept content-addressed: a file is named by the SHA-256 of its
 * bytes, on the terminal (main's data folder) and on the sync server (`PUT/GET /files/:sha256`), so any
 * terminal can fetch the exact file an evidence item recorded, and a file that does not hash to its name is
 * refused everywhere.
 */
export const EVIDENCE_FILE_MAX_BYTES = 20 * 1024 * 1024;
/** The longest base64 text of a file within the limit. */
export const EVIDENCE_FILE_MAX_BASE64 = Math.ceil(EVIDENCE_FILE_MAX_BYTES / 3) * 4;

export const FileSha256 = z.string().regex(/^[0-9a-f]{64}$/, 'SHA-256 as 64 lower-case hex digits');

export const EvidenceFilePutInput = z.object({
  sha256: FileSha256,
  contentBase64: z.string().max(EVIDENCE_FILE_MAX_BASE64, `a file of at most ${EVIDENCE_FILE_MAX_BYTES / 1024 / 1024} MB`),
});
export const EvidenceFilePutOutput = z.object({
  sha256: FileSha256,
  bytes: z.number().int().nonnegative(),
  /** On the sync server now; false: kept on this terminal and uploaded when the server can be reached. */
  uploaded: z.boolean(),
  /** Files on this terminal still waiting for upload. */
  pendingUploads: z.number().int().nonnegative(),
});
export const EvidenceFileGetOutput = z.object({ found: z.boolean(), contentBase64: z.string().nullable() });
export const EvidenceFilesUploadOutput = z.object({ uploaded: z.number().int().nonnegative(), pending: z.number().int().nonnegative() });
