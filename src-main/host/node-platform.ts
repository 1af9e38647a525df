import type { Notifier } from '../services/types.ts';

/** In a browser the page itself shows the notification (it receives the `notification` event). */
export function consoleNotifier(subscribers: () => number): Notifier {
  return {
    async show(note) {
      console.log(`[notification] ${note.title}: ${note.body}`);
      return subscribers() > 0;
    },
  };
}
