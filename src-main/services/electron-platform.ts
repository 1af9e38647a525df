import { Notification, safeStorage } from 'electron';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { newSecret, writeFileAtomic } from './files.ts';
import type { Notifier, SecretStore } from './types.ts';

/**
 * The database secret lives in the data dir only as ciphertext from the OS keychain (DPAPI, Keychain,
 * libsecret through safeStorage), so copying the data folder to another machine does not expose it.
 */
export function keychainSecretStore(dataDir: string): SecretStore {
  const path = join(dataDir, 'db-secret.enc');
  return {
    async databaseSecret() {
      if (!(await safeStorage.isAsyncEncryptionAvailable())) {
        throw new Error('OS keychain unavailable: cannot protect the local database key');
      }
      try {
        const { result } = await safeStorage.decryptStringAsync(readFileSync(path));
        if (result) return result;
      } catch {
        /* first run: no key yet */
      }
      const secret = newSecret();
      writeFileAtomic(path, await safeStorage.encryptStringAsync(secret));
      return secret;
    },
  };
}

export function osNotifier(): Notifier {
  return {
    async show(note) {
      if (!Notification.isSupported()) return false;
      new Notification({ title: note.title, body: note.body }).show();
      return true;
    },
  };
}
