import { findAnomalies } from '#shared/attendance/anomalies';
import { groupPunchesByEmployee } from '#shared/attendance/daily-attendance';
import { calendarFrom, type HolidayYearSetting } from '#shared/calendar/holiday-calendar';
import { EscalationDoc } from '#shared/escalation/escalation-doc';
import type { EscalationCommand } from '#shared/escalation/missed-punch-escalation';
import { batchNotes } from '#shared/escalation/note-batch';
import { terminalEscalationStep } from '#shared/escalation/terminal-escalation';
import type { Rotation, Shift } from '#shared/schemas/attendance-setup';
import type { LeaveRequest, PunchCorrection, RequestDoc } from '#shared/schemas/leave';
import type { OrgUnit, Site } from '#shared/schemas/org';
import type { Punch } from '#shared/schemas/punch';
import { addDays, localDateOf } from '#shared/time';
import { firstValueFrom } from 'rxjs';
import type { RenshiDatabase } from '../../db/database.ts';
import { watchEmployees } from '../../db/employee-list.ts';
import { stripMeta } from '../../db/records.ts';
import { BUNDLED_YEARS } from '../attendance/use-attendance-data.ts';

/**
 * One tick of the missed-punch chain on this terminal while the sync server is out of reach (see
 * src-shared/escalation/terminal-escalation.ts): the anomaly rule over the local copy, the chains advanced
 * and stored in the replicated collection, and each waiting command shown once on this terminal as a task
 * for the site admin (more than a few at once as one summary: see note-batch.ts). Returns what it did, for the
 * caller's log and for tests.
 */
export type Shown = { has(id: string): boolean; add(id: string): void };
export type Note = { id: string; title: string; body: string; siteId: string | null };

export async function offlineEscalationTick(opts: {
  db: RenshiDatabase;
  now: number;
  notify: (note: Note) => Promise<boolean>;
  shown: Shown;
  /** The terminal's own site (terminal setting): only its people's chains run here; null = every site on
   *  this terminal (an HR office computer). */
  siteId?: string | null;
}): Promise<{ changed: string[]; shown: string[] }> {
  const { db, now } = opts;
  const plain = <T>(docs: { toMutableJSON(): unknown }[]) => docs.map((d) => stripMeta(d.toMutableJSON() as Record<string, unknown>) as T);
  const [employees, org, settings, punches, requests, chainDocs] = await Promise.all([
    // The shared live list: nobody's sensitive group is decrypted for this (the rule needs none of it).
    firstValueFrom(watchEmployees(db)),
    db.org.find().exec(),
    db.settings.find().exec(),
    // Two days back covers a night shift that started yesterday evening.
    db.punches.find({ selector: { at: { $gte: now - 2 * 86_400_000, $lte: now } } }).exec(),
    db.requests.find().exec(),
    db.escalations.find().exec(),
  ]);
  const chains = plain<Record<string, unknown>>(chainDocs).flatMap((c) => {
    const parsed = EscalationDoc.safeParse(c);
    return parsed.success ? [parsed.data] : [];
  });
  const settingDocs = plain<{ kind: string }>(settings);
  const requestDocs = plain<RequestDoc>(requests);
  const punchList = plain<Punch>(punches);
  const since = addDays(localDateOf(now), -1);
  const mine = (x: { siteId: string }) => !opts.siteId || x.siteId === opts.siteId;
  const anomalies = findAnomalies({
    employees: employees.filter(mine),
    sites: plain<OrgUnit>(org).filter((o): o is Site => o.kind === 'site'),
    shifts: settingDocs.filter((s): s is Shift => s.kind === 'shift'),
    rotations: settingDocs.filter((s): s is Rotation => s.kind === 'rotation'),
    punches: punchList,
    leaves: requestDocs.filter((r): r is LeaveRequest => r.kind === 'leave' && r.endDate >= since),
    corrections: requestDocs.filter((r): r is PunchCorrection => r.kind === 'punch_correction'),
    calendar: calendarFrom(BUNDLED_YEARS, settingDocs.filter((s): s is HolidayYearSetting => s.kind === 'holiday_year').map((s) => s.calendar)),
    skipEmployeeIds: new Set(chains.filter((c) => c.phase === 'hr_alerted').map((c) => c.employeeId)),
    now,
  });
  const { byEmployee } = groupPunchesByEmployee(employees, punchList);
  const step = terminalEscalationStep({ now, anomalies, chains: chains.filter(mine), punchesOf: (id) => byEmployee.get(id) ?? [] });
  if (step.changed.length) await db.escalations.bulkUpsert(step.changed);

  const names = new Map(employees.map((e) => [e.id, e]));
  const pending = step.toShow
    .filter(({ command }) => !opts.shown.has(command.id))
    .map(({ chain, command }) => {
      const e = names.get(chain.employeeId);
      const who = e ? `${e.name}（${e.employeeNo}）` : chain.employeeId;
      return { commandId: command.id, id: `offline-escalation|${command.id}`, ...noteFor(command, who, e?.phone ?? null, chain.date), siteId: chain.siteId };
    });
  const batch = batchNotes(pending, {
    title: (n) => `缺卡预警：${n} 项联系任务`,
    footer: '同步服务器暂时连不上，系统无法自动发送消息。请在「预警」页的本机预警链中逐一联系，并在失联案件中记录。',
  });
  const shownNow: string[] = [];
  const show = async (note: Note, commandIds: string[]) => {
    if (!(await opts.notify(note))) return;
    for (const id of commandIds) opts.shown.add(id);
    shownNow.push(...commandIds);
  };
  if ('summary' in batch) await show({ id: `offline-escalation|batch|${pending[0]!.commandId}`, ...batch.summary }, pending.map((p) => p.commandId));
  else for (const { commandId, ...note } of batch.notes) await show(note, [commandId]);
  return { changed: step.changed.map((d) => d.id), shown: shownNow };
}

/** What the site admin is asked to do: the terminal cannot message anyone, a person on site can. */
function noteFor(command: EscalationCommand, who: string, phone: string | null, date: string): { title: string; body: string } {
  const offline = '同步服务器暂时连不上，系统无法自动发送消息。';
  if (command.type === 'alert_hr') {
    return { title: '失联预警：已开启失联案件', body: `${who} ${date} 仍无打卡、无回复。${offline}请在「预警 → 失联案件」中记录每次联系尝试和已知原因；缺勤计为「待联系」，不是旷工。` };
  }
  if (command.to === 'employee') {
    return { title: `缺卡预警：请联系 ${who}`, body: `${who} ${date} 未打卡，也没有已批准的请假。${offline}请现在联系本人${phone ? `（${phone}）` : ''}，并在失联案件中记录。` };
  }
  return { title: `缺卡预警：请联系 ${who} 的紧急联系人`, body: `${who} 仍未打卡、未回复。${offline}请联系其紧急联系人（见员工档案，或请 HR 协助），并记录结果。` };
}

/** What this terminal has shown, kept across restarts in the page's storage (bounded: the oldest go first). */
export function storedShown(storage: Pick<Storage, 'getItem' | 'setItem'>, key = 'renshi.offlineEscalation.shown', max = 2000): Shown {
  let ids: string[] = [];
  try {
    const parsed: unknown = JSON.parse(storage.getItem(key) ?? '[]');
    if (Array.isArray(parsed)) ids = parsed.filter((x): x is string => typeof x === 'string');
  } catch {
    ids = [];
  }
  const set = new Set(ids);
  return {
    has: (id) => set.has(id),
    add: (id) => {
      if (set.has(id)) return;
      set.add(id);
      ids.push(id);
      while (ids.length > max) set.delete(ids.shift()!);
      storage.setItem(key, JSON.stringify(ids));
    },
  };
}
