import { Notification, safeStorage } from 'electron';
import type { Notifier } from './types.ts';

/**
 * Secrets in the data dir exist only as ciphertext from the OS keychain (DPAPI, Keychain, libsecret via
 * safeStorage), so copying the data folder to another machine does not expose them.
 */
export const keychainCipher = {
  async seal(text: string): Promise<Buffer> {
    if (!(await safeStorage.isAsyncEncryptionAvailable())) throw new Error('OS keychain unavailable: cannot protect local secrets');
    return safeStorage.encryptStringAsync(text);
  },
  async open(data: Buffer): Promise<string> {
    const { result } = await safeStorage.decryptStringAsync(data);
    return result;
  },
};

export function osNotifier(): Notifier {
  return {
    async show(note) {
      if (!Notification.isSupported()) return false;
      new Notification({ title: note.title, body: note.body }).show();
      return true;
    },
  };
}
