import type { ChannelSendResult, NotificationChannel } from './channel.ts';

/**
 * In-app messages are the stored notification rows themselves (the desktop UI lists them from
 * `GET /notifications/in-app`), so handing one over is delivery.
 */
export function inAppChannel(): NotificationChannel {
  return {
    name: 'in_app',
    async send(message): Promise<ChannelSendResult> {
      return { providerMessageId: message.id, status: 'delivered' };
    },
  };
}
