import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVIDENCE_FILE_MAX_BYTES } from '#shared/evidence/evidence-file';
import { RenshiError } from '#shared/errors';
import { REPLICA_HEADER } from '#shared/sync/protocol';
import { writeFileAtomic } from './files.ts';

export type FileServer = { serverUrl: string | null; token: string | null } | null;

export type EvidenceFilesDeps = {
  dataDir: string;
  /** How to reach the sync server now, or null (offline, not signed in, server not started). */
  session: () => Promise<FileServer>;
  fetch?: typeof fetch;
  /** This terminal's label (terminalLabel), sent with each call: reading a restricted case's file is audited. */
  terminal?: () => Promise<string>;
};

const sha256Of = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * The evidence files this terminal holds, content-addressed in `<data dir>/evidence-files/<aa>/<sha256>`.
 * A file is accepted only when its bytes hash to the SHA-256 the UI computed (what the case records), and
 * is uploaded to the sync server (`PUT /files/:sha256`) so other terminals can fetch it. Uploads that could
 * not be made are remembered as marker files in `pending/` (they survive a restart) and retried on the next
 * attach, the next export, when the UI asks (it does when the sync connection comes back), and on a timer
 * (`startRetrying`), so a file attached offline reaches the server even if nobody opens its case again.
 */
export function createEvidenceFiles(deps: EvidenceFilesDeps) {
  const fetchFn = deps.fetch ?? fetch;
  const root = join(deps.dataDir, 'evidence-files');
  const pendingDir = join(root, 'pending');
  const pathOf = (sha: string) => join(root, sha.slice(0, 2), sha);
  const pendingList = () => (existsSync(pendingDir) ? readdirSync(pendingDir).filter((n) => /^[0-9a-f]{64}$/.test(n)) : []);

  /** The stored file, or null when absent or no longer matching its name (never handed out as evidence). */
  function readLocal(sha: string): Uint8Array | null {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(readFileSync(pathOf(sha)));
    } catch {
      return null;
    }
    return sha256Of(bytes) === sha ? bytes : null;
  }

  function store(sha: string, bytes: Uint8Array): void {
    if (readLocal(sha)) return;
    writeFileAtomic(pathOf(sha), Buffer.from(bytes));
  }

  async function server(): Promise<{ serverUrl: string; headers: Record<string, string> } | null> {
    const s = await deps.session().catch(() => null);
    if (!s?.serverUrl || !s.token) return null;
    const terminal = await deps.terminal?.().catch(() => null);
    return { serverUrl: s.serverUrl, headers: { authorization: `Bearer ${s.token}`, ...(terminal ? { [REPLICA_HEADER]: encodeURIComponent(terminal) } : {}) } };
  }

  let running: Promise<{ uploaded: number; pending: number }> | null = null;
  /** Uploads every pending file; one at a time, and a call during a run waits for that run. */
  function uploadPending(): Promise<{ uploaded: number; pending: number }> {
    running ??= (async () => {
      let uploaded = 0;
      const s = await server();
      if (s) {
        for (const sha of pendingList()) {
          const bytes = readLocal(sha);
          if (!bytes) {
            rmSync(join(pendingDir, sha), { force: true }); // nothing left to upload
            continue;
          }
          try {
            const res = await fetchFn(new URL(`/files/${sha}`, s.serverUrl), {
              method: 'PUT',
              headers: { ...s.headers, 'content-type': 'application/octet-stream' },
              body: bytes as Uint8Array<ArrayBuffer>,
              signal: AbortSignal.timeout(120_000),
            });
            if (!res.ok) break; // refused (signed out, no HR role…): keep it pending, try again later
            rmSync(join(pendingDir, sha), { force: true });
            uploaded++;
          } catch {
            break; // server unreachable: the rest would fail the same way
          }
        }
      }
      return { uploaded, pending: pendingList().length };
    })().finally(() => {
      running = null;
    });
    return running;
  }

  let retryTimer: NodeJS.Timeout | null = null;
  return {
    uploadPending,

    /** Retries pending uploads every `intervalMs` while there are any (errors wait for the next round). */
    startRetrying(intervalMs: number): void {
      if (retryTimer) return;
      retryTimer = setInterval(() => {
        if (pendingList().length) void uploadPending().catch(() => undefined);
      }, intervalMs);
      retryTimer.unref();
    },

    async stopRetrying(): Promise<void> {
      if (retryTimer) clearInterval(retryTimer);
      retryTimer = null;
      await running?.catch(() => undefined);
    },

    async put(input: { sha256: string; contentBase64: string }): Promise<{ sha256: string; bytes: number; uploaded: boolean; pendingUploads: number }> {
      const bytes = new Uint8Array(Buffer.from(input.contentBase64, 'base64'));
      if (bytes.length > EVIDENCE_FILE_MAX_BYTES) throw new RenshiError('validation-failed', `a file of at most ${EVIDENCE_FILE_MAX_BYTES / 1024 / 1024} MB`);
      const actual = sha256Of(bytes);
      if (actual !== input.sha256) throw new RenshiError('validation-failed', `the file hashes to ${actual}, not ${input.sha256}`);
      store(input.sha256, bytes);
      mkdirSync(pendingDir, { recursive: true });
      writeFileSync(join(pendingDir, input.sha256), '');
      await running?.catch(() => undefined); // a run that started before the marker was written may miss it
      const r = await uploadPending();
      return { sha256: input.sha256, bytes: bytes.length, uploaded: !pendingList().includes(input.sha256), pendingUploads: r.pending };
    },

    /** The file from this terminal, else from the sync server (checked against its SHA-256, then kept). */
    async load(sha: string): Promise<Uint8Array | null> {
      const local = readLocal(sha);
      if (local) return local;
      const s = await server();
      if (!s) return null;
      try {
        const res = await fetchFn(new URL(`/files/${sha}`, s.serverUrl), { headers: s.headers, signal: AbortSignal.timeout(120_000) });
        if (!res.ok) return null;
        const bytes = new Uint8Array(await res.arrayBuffer());
        if (bytes.length > EVIDENCE_FILE_MAX_BYTES || sha256Of(bytes) !== sha) return null;
        store(sha, bytes);
        return bytes;
      } catch {
        return null;
      }
    },
  };
}
export type EvidenceFiles = ReturnType<typeof createEvidenceFiles>;
