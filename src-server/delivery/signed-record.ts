import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { SignedNoticeRecord } from '#shared/evidence/bundle-manifest';
import { RenshiError } from '#shared/errors';
import { verifySignature } from '#shared/signature/signed-document';
import { requireRole } from '../auth/routes.ts';
import type { CaseReads } from '../audit/case-reads.ts';
import type { Database } from '../db/database.ts';
import { parseInput } from '../http/errors.ts';
import { noticeStore } from './notice-store.ts';

/**
 * The full signature of a notice for the evidence bundle: the notice listing gives the case screen only the
 * verdict; an arbitration bundle needs the signed document, the record and the image to verify it again.
 * HR and admins only, like the rest of the notice endpoints; a restricted case's record read is audited.
 * Registered after registerDelivery (its tables).
 */
export function registerSignedRecords(app: FastifyInstance, { db, reads }: { db: Database; reads: CaseReads }): void {
  const store = noticeStore(db);
  app.get<{ Params: { id: string } }>('/delivery/notices/:id/signed-record', async (request): Promise<SignedNoticeRecord> => {
    const principal = requireRole(request, 'admin', 'hr');
    const { id } = parseInput(z.object({ id: z.string().min(1).max(100) }), request.params, 'notice id');
    const n = await store.notice(id);
    if (!n) throw new RenshiError('not-found', `no notice ${id}`);
    await reads.readCase(request, principal, n.caseId, 'signed-record', n.id);
    const verdict = n.signature ? (await verifySignature(n.document, n.signature, n.signatureImage)).status : null;
    return { noticeId: n.id, caseId: n.caseId, title: String(n.document.title ?? ''), document: n.document, documentHash: n.documentHash, signature: n.signature, signatureImage: n.signatureImage, signedAt: n.signedAt, verdict };
  });
}
