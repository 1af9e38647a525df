import { join } from 'node:path';
import { z } from 'zod';
import { batchNotes } from '#shared/escalation/note-batch';
import type { SyncSession } from '#shared/ipc/contract';
import { readJsonFile, writeFileAtomic } from './files.ts';

/**
 * Raises a local notification on this terminal for each new HR alert of its site (a lost-contact case
 * opened, a late reply or punch on an open case, emergency contacts left unconfirmed after the reminders; more than a few at once as one summary, see note-batch.ts). It polls the sync server with the terminal's own session:
 * the server already limits terminals and site admins to their site's alerts.
 *
 * What was notified is remembered in a file in the data folder, so a restart does not notify again; an
 * alert is remembered only once someone could see it (the OS showed it, or a page was listening), so one
 * raised while nobody was there is shown on the next poll that has an audience.
 */

const Alert = z.object({ id: z.string().min(1).max(300), employeeId: z.string(), siteId: z.string(), reason: z.string(), createdAt: z.number() });
const AlertsAnswer = z.object({ alerts: z.array(Alert) });
const InboxAnswer = z.object({ messages: z.array(z.object({ logicalId: z.string(), subject: z.string(), text: z.string() })) });
const Remembered = z.object({ notified: z.array(z.string()) });

/** Enough to cover every alert that can still be open; older ids are forgotten first. */
const REMEMBER_AT_MOST = 5000;

export type AlertWatcherOptions = {
  dataDir: string;
  /** The terminal's sync session, or null when there is none to use now (offline, server not started). */
  session: () => Promise<Pick<SyncSession, 'serverUrl' | 'token'> | null>;
  /** Shows the note; true when someone could see it. */
  notify: (note: { title: string; body: string; siteId: string | null }) => Promise<boolean>;
  intervalMs?: number;
  fetch?: typeof fetch;
  log?: (message: string) => void;
};

export type AlertWatcher = {
  /** One poll: returns the ids notified this time. Never throws (problems are logged and retried next poll). */
  check(): Promise<string[]>;
  start(): void;
  stop(): Promise<void>;
};

const REASON_TITLES: Record<string, string> = {
  lost_contact_case_opened: '失联预警：已开启失联案件',
  reply_after_case_opened: '失联案件：收到回复',
  punch_after_case_opened: '失联案件：员工已打卡',
  contact_confirmation_overdue: '紧急联系人逾期未确认',
};

export function createAlertWatcher(opts: AlertWatcherOptions): AlertWatcher {
  const fetchFn = opts.fetch ?? fetch;
  const log = opts.log ?? ((m: string) => console.warn(`[alert-watcher] ${m}`));
  const file = join(opts.dataDir, 'notified-alerts.json');
  const notified: string[] = readJsonFile(file, Remembered, { notified: [] }).notified;
  const seen = new Set(notified);
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<string[]> | null = null;

  const get = async <S extends z.ZodType>(session: { serverUrl: string; token: string }, path: string, schema: S): Promise<z.infer<S>> => {
    const res = await fetchFn(new URL(path, session.serverUrl), { headers: { authorization: `Bearer ${session.token}` }, signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`${path} answered ${res.status}`);
    return schema.parse(await res.json());
  };

  const remember = (id: string) => {
    seen.add(id);
    notified.push(id);
    if (notified.length > REMEMBER_AT_MOST) seen.delete(notified.shift()!);
    writeFileAtomic(file, JSON.stringify({ notified }));
  };

  const checkOnce = async (): Promise<string[]> => {
    const done: string[] = [];
    try {
      const s = await opts.session();
      if (!s?.serverUrl || !s.token) return done;
      const session = { serverUrl: s.serverUrl, token: s.token };
      const { alerts } = await get(session, '/escalation/alerts?open=1&limit=200', AlertsAnswer);
      const fresh = alerts.filter((a) => !seen.has(a.id)).sort((a, b) => a.createdAt - b.createdAt);
      if (!fresh.length) return done;
      // The in-app copy of an alert carries the employee's name and the day; without it a plain text will do.
      const inbox = await get(session, '/notifications/in-app?limit=500', InboxAnswer).catch(() => ({ messages: [] }));
      const texts = new Map(inbox.messages.map((m) => [m.logicalId, m]));
      const notes = fresh.map((alert) => {
        const message = texts.get(alert.id);
        const body = message ? `${message.subject}\n${message.text}` : `员工 ${alert.employeeId} 需要 HR 跟进`;
        return { alertIds: [alert.id], title: REASON_TITLES[alert.reason] ?? 'HR 预警', body: body.slice(0, 2000), siteId: alert.siteId };
      });
      const batch = batchNotes(notes, { title: (n) => `HR 预警：${n} 条新预警`, footer: '请在「预警 → 预警收件箱」中逐条查看和确认。' });
      for (const { alertIds, ...note } of 'summary' in batch ? [{ ...batch.summary, alertIds: fresh.map((a) => a.id) }] : batch.notes) {
        if (await opts.notify(note)) {
          for (const id of alertIds) remember(id);
          done.push(...alertIds);
        }
      }
    } catch (err) {
      log(`poll failed, will retry: ${err instanceof Error ? err.message : String(err)}`);
    }
    return done;
  };

  const check = () => {
    // One poll at a time: a slow server must not make two polls notify the same alert.
    running ??= checkOnce().finally(() => {
      running = null;
    });
    return running;
  };

  return {
    check,
    start() {
      if (timer) return;
      timer = setInterval(() => void check(), opts.intervalMs ?? 15_000);
      timer.unref?.();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await running?.catch(() => undefined);
    },
  };
}
