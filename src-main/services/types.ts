/**
 * Main-process services behind interfaces, so Electron and the plain Node web host run the same code with
 * different platform pieces (keychain, OS notifications).
 */
export interface SecretStore {
  /** The local database's field-encryption secret; created on first use and stable afterwards. */
  databaseSecret(): Promise<string>;
}

export interface Notifier {
  show(note: { title: string; body: string }): Promise<boolean>;
}

export type BridgeEventSink = (event: string, payload: unknown) => void;
