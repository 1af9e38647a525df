import { useMemo } from 'react';
import type { ApproverRole, Label } from '#shared/cases/case-template';
import { useLanguage } from '../../i18n/i18n.tsx';
import { useRenshi } from '../../app/context.tsx';
import { useSync } from '../../sync/sync-provider.tsx';
import type { CaseWriteContext } from './case-repository.ts';

/**
 * Small shared pieces of the case screens. Their strings are bilingual in place (the templates and the law
 * base already carry zh/en), so these screens need no entries in the shared dictionary.
 */
export function useTr(): { zh: boolean; tr: (zh: string, en: string) => string; label: (l: Label | undefined | null) => string } {
  const [lang] = useLanguage();
  const zh = lang !== 'en';
  return useMemo(() => ({ zh, tr: (a: string, b: string) => (zh ? a : b), label: (l) => (l ? (zh ? l.zh : l.en) : '') }), [zh]);
}

/**
 * The case roles of the person at this terminal. HR users and admins act as HR and HR manager; approvals
 * for other roles (legal, finance, union) are recorded by people who hold them. Local mode (no server) is an
 * HR desk by definition.
 */
export function useCaseRoles(): ApproverRole[] {
  const sync = useSync();
  const role = sync?.session?.principal?.role ?? null;
  if (role === null || role === 'hr' || role === 'admin') return ['hr', 'hr-manager'];
  return [];
}

/**
 * Who acts on cases: the signed-in user's name when the terminal is signed in to the sync server (the name
 * the server checks a restricted case's access list against), else the local operator.
 */
export function useCaseContext(): CaseWriteContext {
  const { db, audit, actor: localActor } = useRenshi();
  const sync = useSync();
  const actor = sync?.session?.principal?.name ?? localActor;
  const roles = useCaseRoles();
  return useMemo(() => ({ db, audit, actor, roles }), [db, audit, actor, roles.join(',')]);
}

/** False until the sync session is known: acting before that would record the local operator instead of the
 *  signed-in user (and a restricted case would grant access to the wrong name). */
export function useIdentityKnown(): boolean {
  return useSync().session !== null;
}

/** SHA-256 of a file as lower-case hex (evidence is identified by its hash, the file stays where it is). */
export async function sha256OfFile(file: Blob): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
