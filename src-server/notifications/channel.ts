import type { MessageChannel } from '#shared/escalation/missed-punch-escalation';

/**
 * One way of reaching a person. Every channel takes the same message and answers with the provider's id
 * for it and how far it got: `sent` (handed to the provider; a later delivery report may say more) or
 * `delivered` (the channel itself is the destination, e.g. in-app). A channel throws `ChannelError` when
 * the provider refused or could not be reached; `retryable` says whether trying again later may help.
 */
export interface NotificationChannel {
  readonly name: MessageChannel;
  send(message: OutgoingMessage): Promise<ChannelSendResult>;
}

export type OutgoingMessage = {
  /** Deterministic delivery id: the provider sees it as a reference where it takes one. */
  id: string;
  /** Channel address: WeCom userid, mobile number, email address, or an in-app inbox key. */
  to: string;
  subject: string;
  text: string;
  /** The reply link, when the message asks for an answer. */
  link: string | null;
  linkLabel: string;
};

export type ChannelSendResult = { providerMessageId: string | null; status: 'sent' | 'delivered' };

export class ChannelError extends Error {
  constructor(
    readonly channel: MessageChannel,
    message: string,
    readonly retryable: boolean,
  ) {
    super(`${channel}: ${message}`);
    this.name = 'ChannelError';
  }
}

/** A fetch with a deadline, so a provider that never answers cannot stall the escalation runner. */
export async function fetchWithTimeout(channel: MessageChannel, url: string, init: RequestInit, timeoutMs: number): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw new ChannelError(channel, `request to ${new URL(url).origin} failed: ${(err as Error).message}`, true);
  }
}

/** Reads a JSON answer, turning anything else into a channel error instead of a crash. */
export async function readJson(channel: MessageChannel, res: Response): Promise<unknown> {
  const text = await res.text().catch(() => '');
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    throw new ChannelError(channel, `provider answered ${res.status} with non-JSON: ${text.slice(0, 120)}`, res.status >= 500);
  }
}
