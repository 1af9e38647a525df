import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { RenshiError, type RenshiErrorCode } from '#shared/errors';

/** The one place errors become HTTP answers: `{error: {code, message, details?}}` with a matching status. */
const STATUS: Record<RenshiErrorCode, number> = {
  'validation-failed': 400,
  unauthorized: 401,
  forbidden: 403,
  'decision-not-allowed': 403,
  'not-found': 404,
  conflict: 409,
  'device-unreachable': 502,
  'device-auth-failed': 502,
  'device-protocol-error': 502,
  'import-failed': 400,
  'protocol-mismatch': 426,
  'rate-limited': 429,
  internal: 500,
};

export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err, request, reply) => {
    if (err instanceof RenshiError) {
      return reply.code(STATUS[err.code] ?? 500).send({ error: { code: err.code, message: err.message, details: err.details } });
    }
    const status = (err as { statusCode?: number }).statusCode;
    // Fastify's own 4xx: unparsable JSON, wrong content type, body too large.
    if (status && status >= 400 && status < 500) {
      return reply.code(status).send({ error: { code: 'validation-failed', message: (err as Error).message } });
    }
    request.log.error(err);
    return reply.code(500).send({ error: { code: 'internal', message: 'internal server error' } });
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: { code: 'not-found', message: `no route ${request.method} ${request.url.split('?')[0]}` } }));
}

/** Parses request input with a shared schema; failure is a 400 naming each bad field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)), message: i.message }));
    const first = issues[0];
    const where = first && first.path.length ? ` at ${first.path.join('.')}` : '';
    throw new RenshiError('validation-failed', `invalid ${what}${where}: ${first?.message ?? 'malformed'}`, issues);
  }
  return result.data;
}
