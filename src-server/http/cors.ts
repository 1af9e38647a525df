import type { FastifyInstance } from 'fastify';

/**
 * Desktop and web-mode terminals call the server from another origin (file:// or the local web host), so
 * the server answers CORS. Any origin may call: credentials travel as a bearer header, never as cookies, so
 * a foreign page gains nothing it does not already hold. Preflights are answered before authentication.
 */
export function registerCors(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (!origin) return;
    // On the raw response, so hijacked replies (the SSE pull-stream) carry them too.
    reply.raw.setHeader('access-control-allow-origin', origin);
    reply.raw.setHeader('vary', 'Origin');
    if (request.method === 'OPTIONS') {
      reply
        .header('access-control-allow-methods', 'GET, POST, OPTIONS')
        .header('access-control-allow-headers', 'authorization, content-type, x-renshi-protocol, x-renshi-replica, last-event-id')
        .header('access-control-max-age', '600')
        .code(204)
        .send();
    }
  });
}
