import type { WireDocument } from '#shared/sync/protocol';

/**
 * Field-by-field comparison of a conflict's two versions. A field is a top-level property, except the
 * employee's `sensitive` group, which is split into its parts (ID number, salary, bank account, emergency
 * contacts) because HR decides on each separately. Values compare by canonical JSON, so key order does not
 * make two equal values differ. Replication metadata (`_…`) and the id are never compared or merged.
 */
export type FieldPath = string;
export type FieldDiff = { path: FieldPath; server: unknown; losing: unknown; differs: boolean };

const SPLIT_GROUPS = new Set(['sensitive']);
/** Bookkeeping that differs in nearly every conflict and is not a decision for HR. */
const NOT_CHOSEN = new Set(['id', 'updatedAt']);

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export const sameValue = (a: unknown, b: unknown): boolean => canonical(a) === canonical(b);

const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

function read(doc: Record<string, unknown>, path: FieldPath): unknown {
  const [head, sub] = path.split('.') as [string, string | undefined];
  const value = doc[head];
  if (sub === undefined) return value;
  return isRecord(value) ? value[sub] : undefined;
}

/**
 * Every field of either version: differing fields first, each group in `order` (fields not listed keep
 * the server document's order after the listed ones).
 */
export function diffFields(server: WireDocument, losing: WireDocument, order: readonly FieldPath[] = []): FieldDiff[] {
  const paths: FieldPath[] = [];
  const add = (p: FieldPath) => !paths.includes(p) && paths.push(p);
  for (const doc of [server, losing] as Record<string, unknown>[]) {
    for (const [key, value] of Object.entries(doc)) {
      if (key.startsWith('_') || NOT_CHOSEN.has(key)) continue;
      if (SPLIT_GROUPS.has(key) && isRecord(value)) for (const sub of Object.keys(value)) add(`${key}.${sub}`);
      else add(key);
    }
  }
  if ((server as Record<string, unknown>)._deleted || (losing as Record<string, unknown>)._deleted) add('_deleted');
  const diffs = paths.map((path) => {
    const s = path === '_deleted' ? server._deleted === true : read(server, path);
    const l = path === '_deleted' ? losing._deleted === true : read(losing, path);
    return { path, server: s, losing: l, differs: !sameValue(s, l) };
  });
  const rank = (path: FieldPath) => {
    const i = order.indexOf(path);
    return i < 0 ? order.length : i;
  };
  // What HR has to decide comes first; within each group the given order (e.g. the form's), then the rest.
  return diffs.sort((x, y) => Number(y.differs) - Number(x.differs) || rank(x.path) - rank(y.path));
}

export type Choice = 'server' | 'losing';

/**
 * The merged document: the server version with the chosen fields taken from the losing one. `now` stamps
 * `updatedAt`, since the merge is a new edit.
 */
export function mergeDocument(server: WireDocument, losing: WireDocument, choices: Record<FieldPath, Choice>, now: number): WireDocument {
  const merged = structuredClone(server) as Record<string, unknown>;
  for (const [path, choice] of Object.entries(choices)) {
    if (choice !== 'losing') continue;
    const value = path === '_deleted' ? losing._deleted === true : read(losing, path);
    const [head, sub] = path.split('.') as [string, string | undefined];
    if (sub === undefined) {
      if (value === undefined) delete merged[head];
      else merged[head] = structuredClone(value);
    } else {
      const group = isRecord(merged[head]) ? { ...(merged[head] as Record<string, unknown>) } : {};
      if (value === undefined) delete group[sub];
      else group[sub] = structuredClone(value);
      merged[head] = group;
    }
  }
  if ('updatedAt' in merged) merged.updatedAt = now;
  return merged as WireDocument;
}
