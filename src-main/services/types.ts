/**
 * Main-process services behind interfaces, so Electron and the plain Node web host run the same code with
 * different platform pieces (keychain, OS notifications).
 */

/** Small secrets (database key, sync token) kept by the platform: the OS keychain on the desktop. */
export interface Vault {
  get(name: string): Promise<string | null>;
  /** `null` removes the entry. */
  set(name: string, value: string | null): Promise<void>;
}

export interface Notifier {
  show(note: { title: string; body: string }): Promise<boolean>;
}

export type BridgeEventSink = (event: string, payload: unknown) => void;
