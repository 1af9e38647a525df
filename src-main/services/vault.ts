import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { newSecret, writeFileAtomic } from './files.ts';
import type { Vault } from './types.ts';

const SAFE_NAME = /^[a-z0-9-]{1,40}$/;

/**
 * A vault of files in the data dir, each passed through `seal`/`open` (the OS keychain's cipher on the
 * desktop; identity in web mode, where the files are readable by this OS user only).
 */
export function fileVault(dir: string, cipher: { seal(text: string): Promise<Buffer>; open(data: Buffer): Promise<string> } = plainCipher): Vault {
  const path = (name: string) => {
    if (!SAFE_NAME.test(name)) throw new Error(`invalid vault entry name: ${name}`);
    return join(dir, 'vault', name);
  };
  return {
    async get(name) {
      let data: Buffer;
      try {
        data = readFileSync(path(name));
      } catch {
        return null;
      }
      try {
        return await cipher.open(data);
      } catch {
        return null; // unreadable (e.g. keychain changed): treat as absent rather than crash
      }
    },
    async set(name, value) {
      if (value === null) rmSync(path(name), { force: true });
      else writeFileAtomic(path(name), await cipher.seal(value));
    },
  };
}

const plainCipher = { seal: async (t: string) => Buffer.from(t, 'utf8'), open: async (d: Buffer) => d.toString('utf8') };

/** The local database's field-encryption secret: configured (web mode) or created once in the vault. */
export async function databaseSecret(vault: Vault, configured?: string): Promise<string> {
  if (configured && configured.length >= 16) return configured;
  const existing = await vault.get('db-secret');
  if (existing) return existing;
  const secret = newSecret();
  await vault.set('db-secret', secret);
  return secret;
}
