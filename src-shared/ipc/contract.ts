import { z } from 'zod';
import { EvidenceBundleInput } from '../evidence/bundle-contents.ts';
import { EvidenceFileGetOutput, EvidenceFilePutInput, EvidenceFilePutOutput, EvidenceFilesUploadOutput, FileSha256 } from '../evidence/evidence-file.ts';
import { Punch } from '../schemas/punch.ts';
import { PrincipalInfo } from '../sync/auth.ts';
import { devicesContract, devicesEvents } from './devices-contract.ts';

/**
 * The one contract between the UI and the main process. Each call maps to zod schemas for its input and
 * output. Electron's preload and the web host both expose exactly these calls as `window.renshi.<name>`,
 * and both parse every input with the schema before a service sees it.
 */
export const AppInfo = z.object({
  version: z.string(),
  mode: z.enum(['desktop', 'web']),
  platform: z.string(),
  dataDir: z.string(),
  /** Stable id of this terminal's local database; names its audit chain. */
  replicaId: z.string().min(1).max(64),
  /** The computer's name, shown to HR next to the account in conflict items. */
  host: z.string().max(100).default(''),
  /** Seed a demo factory into an empty local database. */
  demoData: z.boolean(),
  /** Size of the demo company (employees) when demoData is on. */
  demoEmployees: z.number().int().min(1).max(50_000),
});
export type AppInfo = z.infer<typeof AppInfo>;

const SettingsFields = z.object({
  /** 'embedded': this computer runs the sync server; 'remote': use serverUrl; 'offline': never sync. */
  serverMode: z.enum(['embedded', 'remote', 'offline']),
  serverUrl: z.string().url().nullable(),
  siteId: z.string().nullable(),
  language: z.enum(['zh-CN', 'en']),
  /** After the sync server has been out of reach this long, this terminal runs the missed-punch chains itself
   *  (src-shared/escalation/terminal-escalation.ts); 0 = at once. */
  offlineTakeoverMinutes: z.number().int().min(0).max(24 * 60),
});

/** A terminal's settings; a fresh terminal starts with the defaults. */
export const TerminalSettings = z.object({
  serverMode: SettingsFields.shape.serverMode.default('embedded'),
  serverUrl: SettingsFields.shape.serverUrl.default(null),
  siteId: SettingsFields.shape.siteId.default(null),
  language: SettingsFields.shape.language.default('zh-CN'),
  offlineTakeoverMinutes: SettingsFields.shape.offlineTakeoverMinutes.default(10),
});
export type TerminalSettings = z.infer<typeof TerminalSettings>;

/**
 * A change to some of the settings; the fields it leaves out keep their values. Not `TerminalSettings.partial()`:
 * zod fills the defaults into absent optional fields, so choosing the terminal's site would have reset a
 * remote server to 'embedded' and dropped its address.
 */
export const TerminalSettingsPatch = SettingsFields.partial();

const Empty = z.object({}).strict();

/**
 * How this terminal reaches the sync server. In 'embedded' mode the terminal runs the server itself and
 * signs in to it automatically; in 'remote' mode an operator signs in once and the token is kept in the
 * OS keychain; 'offline' never syncs.
 */
export const SyncSession = z.object({
  mode: z.enum(['embedded', 'remote', 'offline']),
  serverUrl: z.string().nullable(),
  token: z.string().nullable(),
  principal: PrincipalInfo.nullable(),
  /** Why there is no token (server unreachable, sign-in refused…), for the status indicator. */
  problem: z.string().nullable(),
});
export type SyncSession = z.infer<typeof SyncSession>;

export const appContract = {
  appInfo: { input: Empty, output: AppInfo },
  /** Secret for the local database's field encryption: OS keychain (safeStorage) on desktop, a configured secret on the web host. */
  databaseSecret: { input: Empty, output: z.object({ secret: z.string().min(16) }) },
  settingsGet: { input: Empty, output: TerminalSettings },
  settingsSet: { input: TerminalSettingsPatch, output: TerminalSettings },
  notify: {
    /** `id`: the same note shown twice (e.g. by the page itself and again by this call's echo) appears once. */
    input: z.object({ title: z.string().min(1).max(200), body: z.string().max(2000), siteId: z.string().nullable().default(null), id: z.string().max(300).optional() }),
    output: z.object({ shown: z.boolean() }),
  },
  syncSession: { input: Empty, output: SyncSession },
  syncLogin: {
    input: z.object({ serverUrl: z.string().url().max(500), username: z.string().trim().min(1).max(64), password: z.string().min(1).max(256) }),
    output: SyncSession,
  },
  syncLogout: { input: Empty, output: SyncSession },
  /** Writes a case's evidence bundle (one zip: PDF report, raw records with hashes, manifest); the UI saves
   *  the file and records an 'export' audit event carrying `manifestHash`. */
  evidenceExport: {
    input: EvidenceBundleInput,
    output: z.object({ fileName: z.string().min(1), bytesBase64: z.string(), manifestHash: z.string().regex(/^[0-9a-f]{64}$/) }),
  },
  /** Keeps an evidence file the operator attached (content-addressed, at most 20 MB, refused unless the
   *  bytes hash to `sha256`) and uploads it to the sync server, or remembers to; retries earlier uploads. */
  evidenceFilePut: { input: EvidenceFilePutInput, output: EvidenceFilePutOutput },
  /** An evidence file by SHA-256, from this terminal or the sync server (another terminal attached it). */
  evidenceFileGet: { input: z.object({ sha256: FileSha256 }), output: EvidenceFileGetOutput },
  /** Uploads the evidence files still waiting for the sync server (the UI calls it when sync comes back). */
  evidenceFilesUpload: { input: Empty, output: EvidenceFilesUploadOutput },
  /** The UI confirms it stored a batch of device punches (see the `devicePunches` event). */
  punchesAck: {
    input: z.object({ batchId: z.string().min(1).max(64), stored: z.number().int().nonnegative(), error: z.string().max(500).nullable().default(null) }),
    output: z.object({ accepted: z.boolean() }),
  },
} as const;

export const bridgeContract = { ...appContract, ...devicesContract };
export type BridgeContract = typeof bridgeContract;
export type BridgeCall = keyof BridgeContract;
export const BRIDGE_CALLS = Object.keys(bridgeContract) as BridgeCall[];

export type BridgeInput<K extends BridgeCall> = z.input<BridgeContract[K]['input']>;
export type BridgeOutput<K extends BridgeCall> = z.infer<BridgeContract[K]['output']>;

/** Events main pushes to the UI. `on(name, cb)` returns an unsubscribe function. */
export const bridgeEvents = {
  notification: z.object({ title: z.string(), body: z.string(), id: z.string().optional() }),
  /** Punches pulled from a device, for the UI to store in the local database and acknowledge. */
  devicePunches: z.object({ batchId: z.string(), deviceId: z.string(), punches: z.array(Punch) }),
  ...devicesEvents,
} as const;
export type BridgeEventName = keyof typeof bridgeEvents;
export type BridgeEventPayload<E extends BridgeEventName> = z.infer<(typeof bridgeEvents)[E]>;

/** What the renderer sees as `window.renshi`. */
export type RenshiApi = { [K in BridgeCall]: (input: BridgeInput<K>) => Promise<BridgeOutput<K>> } & {
  on<E extends BridgeEventName>(event: E, cb: (payload: BridgeEventPayload<E>) => void): () => void;
};
