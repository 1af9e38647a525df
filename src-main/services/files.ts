import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { z } from 'zod';

/** Writes through a temp file and rename, so a crash mid-write never leaves a half-written file. */
export function writeFileAtomic(path: string, data: string | Buffer, mode = 0o600): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data, { mode });
  renameSync(tmp, path);
}

export function readJsonFile<S extends z.ZodType>(path: string, schema: S, fallback: z.infer<S>): z.infer<S> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return fallback;
  }
  const parsed = schema.safeParse(JSON.parse(text));
  // A corrupt settings file must not stop the terminal from starting: keep a copy and fall back.
  if (!parsed.success) {
    writeFileAtomic(`${path}.invalid-${Date.now()}`, text);
    return fallback;
  }
  return parsed.data;
}

/** A value stored in the data dir the first time it is needed, then read back forever after. */
export function persistentValue(dataDir: string, file: string, create: () => string): string {
  const path = join(dataDir, file);
  try {
    const v = readFileSync(path, 'utf8').trim();
    if (v) return v;
  } catch {
    /* first run */
  }
  const v = create();
  writeFileAtomic(path, v);
  return v;
}

export const newReplicaId = () => randomUUID().replace(/-/g, '').slice(0, 20);
export const newSecret = () => randomBytes(32).toString('base64url');
