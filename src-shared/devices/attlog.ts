/**
 * ZKTeco attendance log lines, as written to `attlog.dat` on a USB stick (and, with state and verify in the
 * other order, as sent in PUSH `table=ATTLOG` bodies). One record per line, tab separated:
 *   pin \t YYYY-MM-DD HH:MM:SS \t verify \t state \t workcode \t ...   (attlog.dat)
 *   pin \t YYYY-MM-DD HH:MM:SS \t state \t verify \t workcode \t ...   (PUSH ATTLOG)
 * The pin is often right-aligned with spaces. Blank lines are skipped; every other line either yields a
 * row or a row-level error naming the line, so the caller can show both and decide what to keep.
 */
export interface AttlogRow {
  line: number;
  pin: string;
  /** "YYYY-MM-DD HH:MM:SS" device wall time */
  localTime: string;
  verifyMode: number;
  punchState: number;
  workCode: string;
}

export interface AttlogError {
  line: number;
  message: string;
  raw: string;
}

export interface AttlogParseResult {
  rows: AttlogRow[];
  errors: AttlogError[];
}

const TIME = /^(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$/;
const PIN = /^[0-9A-Za-z_-]{1,24}$/;

/** Normalised "YYYY-MM-DD HH:MM:SS" of a real calendar time, or null. */
export function normalizeWallTime(text: string): string | null {
  const m = TIME.exec(text.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  // Terminals cannot hold times outside this range; it also keeps years < 100 away from Date.UTC's 19xx mapping.
  if (y < 2000 || y > 2099) return null;
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return null;
  if (d > new Date(Date.UTC(y, mo, 0)).getUTCDate()) return null;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${y}-${p(mo)}-${p(d)} ${p(h)}:${p(mi)}:${p(s)}`;
}

function smallInt(text: string | undefined): number | null {
  if (text === undefined || text.trim() === '') return 0;
  const n = Number(text.trim());
  return Number.isInteger(n) && n >= 0 && n <= 255 ? n : null;
}

export function parseAttlog(text: string, order: 'verify-state' | 'state-verify' = 'verify-state'): AttlogParseResult {
  const rows: AttlogRow[] = [];
  const errors: AttlogError[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    const cols = raw.split('\t');
    const pin = (cols[0] ?? '').trim();
    if (!PIN.test(pin)) return errors.push({ line, message: `bad user id "${pin}"`, raw });
    if (cols.length < 2) return errors.push({ line, message: 'no time column', raw });
    const localTime = normalizeWallTime(cols[1]!);
    if (!localTime) return errors.push({ line, message: `bad time "${cols[1]}"`, raw });
    const a = smallInt(cols[2]);
    const b = smallInt(cols[3]);
    if (a === null || b === null) return errors.push({ line, message: 'verify and state must be small numbers', raw });
    const [verifyMode, punchState] = order === 'verify-state' ? [a, b] : [b, a];
    rows.push({ line, pin, localTime, verifyMode, punchState, workCode: (cols[4] ?? '').trim() });
  });
  return { rows, errors };
}
