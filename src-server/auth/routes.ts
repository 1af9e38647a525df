import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { RenshiError } from '#shared/errors';
import { CreateUserRequest, LoginRequest, RegisterTerminalRequest } from '#shared/sync/auth';
import { parseInput } from '../http/errors.ts';
import type { Principal } from './principal.ts';
import { describePrincipal, type AuthService } from './service.ts';

export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  const m = header ? /^Bearer ([A-Za-z0-9_-]{20,200})$/.exec(header) : null;
  return m?.[1] ?? null;
}

/** Every route requires a valid token unless its config says `public: true`. */
export function registerAuthGuard(app: FastifyInstance, auth: AuthService): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config?.public) return;
    const token = bearerToken(request);
    const principal = token ? await auth.authenticate({ token, now: Date.now() }) : null;
    if (!principal) throw new RenshiError('unauthorized', token ? 'token unknown or expired' : 'missing bearer token');
    request.principal = principal;
  });
}

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new RenshiError('unauthorized', 'missing bearer token');
  return request.principal;
}

export function requireRole(request: FastifyRequest, ...roles: Principal['role'][]): Principal {
  const p = principalOf(request);
  if (!roles.includes(p.role)) throw new RenshiError('forbidden', `role ${p.role} may not do this`);
  return p;
}

export function authRoutes(app: FastifyInstance, auth: AuthService): void {
  app.post('/auth/login', { config: { public: true } }, async (request) => {
    const input = parseInput(LoginRequest, request.body, 'login');
    return auth.login({ ...input, now: Date.now(), address: request.ip });
  });
  app.post('/auth/logout', async (request) => {
    await auth.logout(bearerToken(request)!);
    return { ok: true };
  });
  app.get('/auth/me', async (request) => describePrincipal(principalOf(request)));

  app.get('/users', async (request) => {
    requireRole(request, 'admin');
    return auth.listUsers();
  });
  app.post('/users', async (request, reply) => {
    requireRole(request, 'admin');
    const input = parseInput(CreateUserRequest, request.body, 'user');
    return reply.code(201).send(await auth.createUser({ input, now: Date.now() }));
  });
  app.get('/terminals', async (request) => {
    requireRole(request, 'admin', 'hr');
    return auth.listTerminals();
  });
  app.delete('/terminals/:id', async (request) => {
    requireRole(request, 'admin');
    const { id } = parseInput(z.object({ id: z.string().min(1).max(100) }), request.params, 'terminal id');
    await auth.revokeTerminal(id);
    return { ok: true };
  });
  app.post('/terminals', async (request, reply) => {
    requireRole(request, 'admin');
    const input = parseInput(RegisterTerminalRequest, request.body, 'terminal');
    return reply.code(201).send(await auth.registerTerminal({ input, now: Date.now() }));
  });
}
