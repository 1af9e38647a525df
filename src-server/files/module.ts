import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { EVIDENCE_FILE_MAX_BYTES, FileSha256 } from '#shared/evidence/evidence-file';
import { RenshiError } from '#shared/errors';
import { requireRole } from '../auth/routes.ts';
import type { CaseReads } from '../audit/case-reads.ts';
import type { Database } from '../db/database.ts';
import { parseInput } from '../http/errors.ts';

/**
 * Evidence files, content-addressed: `PUT /files/:sha256` stores the request body (raw bytes, at most 20 MB)
 * only when it hashes to the SHA-256 in the path, `GET /files/:sha256` returns it. HR and admins only (a
 * case's evidence is theirs). A file never changes once stored, so uploading it again is a no-op; terminals
 * upload what their operators attach and fetch what another terminal attached. Reading a file that is evidence
 * of a restricted case is audited on that case (caseReads).
 */
const STATEMENTS = [
  `CREATE TABLE IF NOT EXISTS evidence_files (
    sha256 text PRIMARY KEY,
    content bytea NOT NULL,
    size integer NOT NULL,
    uploaded_by text NOT NULL,
    uploaded_at bigint NOT NULL
  )`,
];

export async function migrateFiles(db: Database): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`renshi-files-migrate:${db.schema}`]);
    for (const sql of STATEMENTS) await tx.query(sql);
  });
}

const Params = z.object({ sha256: FileSha256 });

export async function registerFiles(app: FastifyInstance, { db, reads, clock = Date.now }: { db: Database; reads: CaseReads; clock?: () => number }): Promise<void> {
  await migrateFiles(db);
  await app.register(async (scope) => {
    // Raw bytes, in this scope only; the rest of the server takes JSON.
    scope.addContentTypeParser('application/octet-stream', { parseAs: 'buffer', bodyLimit: EVIDENCE_FILE_MAX_BYTES }, (_request, body, done) => done(null, body));

    scope.put<{ Params: { sha256: string } }>('/files/:sha256', { bodyLimit: EVIDENCE_FILE_MAX_BYTES }, async (request) => {
      const principal = requireRole(request, 'admin', 'hr');
      const { sha256 } = parseInput(Params, request.params, 'file name');
      if (!Buffer.isBuffer(request.body)) throw new RenshiError('validation-failed', 'send the file as application/octet-stream');
      const body = request.body;
      const actual = createHash('sha256').update(body).digest('hex');
      if (actual !== sha256) throw new RenshiError('validation-failed', `the file hashes to ${actual}, not ${sha256}`);
      const rows = await db.query(
        `INSERT INTO evidence_files (sha256, content, size, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (sha256) DO NOTHING RETURNING sha256`,
        [sha256, new Uint8Array(body), body.length, principal.name, clock()],
      );
      return { sha256, bytes: body.length, stored: rows.length > 0 };
    });

    scope.get<{ Params: { sha256: string } }>('/files/:sha256', async (request, reply) => {
      const principal = requireRole(request, 'admin', 'hr');
      const { sha256 } = parseInput(Params, request.params, 'file name');
      await reads.readFile(request, principal, sha256);
      const rows = await db.query<{ content: Uint8Array }>(`SELECT content FROM evidence_files WHERE sha256 = $1`, [sha256]);
      if (!rows[0]) throw new RenshiError('not-found', `no file ${sha256}`);
      return reply.header('content-type', 'application/octet-stream').header('cache-control', 'private, max-age=31536000, immutable').send(Buffer.from(rows[0].content));
    });
  });
}
