import { useMemo } from 'react';
import type { ApproverRole, Label } from '#shared/cases/case-template';
import { EVIDENCE_FILE_MAX_BYTES } from '#shared/evidence/evidence-file';
import { RenshiError } from '#shared/errors';
import type { RenshiApi } from '#shared/ipc/contract';
import { useLanguage } from '../../i18n/i18n.tsx';
import { useRenshi } from '../../app/context.tsx';
import { useSync } from '../../sync/sync-provider.tsx';
import type { CaseWriteContext } from './case-repository.ts';
import { download } from './evidence-export.ts';

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

function base64Of(bytes: Uint8Array): string {
  let text = '';
  // In slices: String.fromCharCode over a whole 20 MB file would exceed the argument limit.
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

/**
 * Keeps an attached file in main's content-addressed store (uploaded to the sync server, or later when it
 * cannot be reached now), so the evidence item's SHA-256 always has the file behind it. Refuses files over
 * 20 MB before reading them.
 */
export async function storeEvidenceFile(api: RenshiApi, file: File, zh: boolean): Promise<{ sha256: string; uploaded: boolean }> {
  if (file.size > EVIDENCE_FILE_MAX_BYTES) {
    throw new RenshiError('validation-failed', zh ? `文件超过 ${EVIDENCE_FILE_MAX_BYTES / 1024 / 1024} MB，不能作为证据附件` : `The file is larger than ${EVIDENCE_FILE_MAX_BYTES / 1024 / 1024} MB`);
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  const sha256 = await sha256OfFile(file);
  const r = await api.evidenceFilePut({ sha256, contentBase64: base64Of(bytes) });
  return { sha256: r.sha256, uploaded: r.uploaded };
}

/** Fetches an evidence file (this terminal, else the sync server) and saves it under its original name. */
export async function downloadEvidenceFile(api: RenshiApi, sha256: string, fileName: string): Promise<boolean> {
  const r = await api.evidenceFileGet({ sha256 });
  if (!r.found || r.contentBase64 === null) return false;
  const bytes = Uint8Array.from(atob(r.contentBase64), (c) => c.charCodeAt(0));
  download(new Blob([bytes]), fileName);
  return true;
}
