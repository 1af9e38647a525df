/**
 * Desktop notifications are for a person at the terminal. When one pass finds many things at once (a shift
 * of twenty people who did not punch, a morning's worth of lost-contact cases after the server comes back),
 * twenty toasts and OS pop-ups bury each other: the screen queues them and the last ones appear minutes
 * later, if at all. So beyond a few, the pass shows one summary naming everyone (as far as the text allows)
 * and pointing to the list where each item can be worked; the items themselves are unchanged.
 */
export type TerminalNote = { title: string; body: string; siteId: string | null };

/** More than this many notes in one pass become one summary. */
export const NOTES_SHOWN_ONE_BY_ONE = 3;
/** What an OS notification and the bridge's notification contract accept. */
const BODY_MAX = 2000;
const MORE_ROOM = 20;

export function batchNotes<N extends TerminalNote>(notes: readonly N[], summary: { title: (count: number) => string; footer: string }): { notes: N[] } | { summary: TerminalNote } {
  if (notes.length <= NOTES_SHOWN_ONE_BY_ONE) return { notes: [...notes] };
  const sites = new Set(notes.map((n) => n.siteId));
  const footer = `\n${summary.footer}`;
  const lines: string[] = [];
  let length = footer.length;
  for (const [i, n] of notes.entries()) {
    const line = `${i + 1}. ${n.title}`;
    // Always keep room to say how many did not fit.
    if (length + line.length + 1 + MORE_ROOM > BODY_MAX) {
      lines.push(`……另有 ${notes.length - i} 条`);
      break;
    }
    lines.push(line);
    length += line.length + 1;
  }
  return { summary: { title: summary.title(notes.length), body: lines.join('\n') + footer, siteId: sites.size === 1 ? notes[0]!.siteId : null } };
}
