import type { PrincipalRole } from '#shared/sync/auth';

/** Who is calling: a logged-in user or a registered terminal, with the site it is bound to (if any). */
export type Principal = {
  kind: 'user' | 'terminal';
  id: string;
  name: string;
  role: PrincipalRole;
  siteId: string | null;
};

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** Routes that answer without a token (login, health). Everything else requires one. */
    public?: boolean;
  }
}
