import { join } from 'node:path';
import { newSecret, persistentValue } from '../services/files.ts';
import type { Notifier, SecretStore } from '../services/types.ts';

/**
 * Web mode has no OS keychain: the database secret comes from RENSHI_DB_SECRET when configured, otherwise
 * it is generated once into the data dir (readable by this OS user only).
 */
export function configuredSecretStore(dataDir: string, configured = process.env.RENSHI_DB_SECRET): SecretStore {
  return {
    async databaseSecret() {
      if (configured && configured.length >= 16) return configured;
      return persistentValue(join(dataDir), 'db-secret', newSecret);
    },
  };
}

/** In a browser the page itself shows the notification (it receives the `notification` event). */
export function consoleNotifier(subscribers: () => number): Notifier {
  return {
    async show(note) {
      console.log(`[notification] ${note.title}: ${note.body}`);
      return subscribers() > 0;
    },
  };
}
