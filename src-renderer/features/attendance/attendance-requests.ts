import { DECISION_REFUSAL_TEXT, decisionRefusal, type RequestDecider } from '#shared/attendance/request-decision';
import { RenshiError } from '#shared/errors';
import { newId } from '#shared/ids';
import { LeaveRequest, PunchCorrection, type RequestDoc } from '#shared/schemas/leave';
import { instantOf } from '#shared/time';
import { saveRecord, stripMeta, type WriteContext } from '../../db/records.ts';

/**
 * Writes for the attendance screen. A punch correction (补卡) or leave request is its own audited record in
 * `requests`: raw punches are never edited, the computation applies approved requests on top of them.
 * Both need a reason, because HR must be able to say later why a day reads the way it does.
 */
const LeaveWithReason = LeaveRequest.refine((l) => l.reason.trim().length > 0, { message: 'reason is required', path: ['reason'] });

export type CorrectionInput = {
  employeeId: string;
  date: string;
  action: 'add_punch' | 'void_punch' | 'excuse_absence';
  /** add_punch: HH:MM on `date` (or the next morning for a night shift: pass `nextDay`). */
  time?: string;
  nextDay?: boolean;
  punchId?: string | null;
  endDate?: string;
  reason: string;
};

export async function requestCorrection(ctx: WriteContext, input: CorrectionInput): Promise<PunchCorrection> {
  let at: number | null = null;
  if (input.action === 'add_punch') {
    if (!input.time || !/^([01]\d|2[0-3]):[0-5]\d$/.test(input.time)) throw new RenshiError('validation-failed', 'time required', [{ code: 'custom', path: ['time'], message: 'time is required' }]);
    at = instantOf(`${input.date} ${input.time}`) + (input.nextDay ? 86_400_000 : 0);
  }
  return saveRecord(
    ctx,
    'requests',
    PunchCorrection,
    {
      id: newId(),
      kind: 'punch_correction',
      employeeId: input.employeeId,
      date: input.date,
      ...(input.action === 'excuse_absence' && input.endDate && input.endDate !== input.date ? { endDate: input.endDate } : {}),
      action: input.action,
      at,
      punchId: input.action === 'void_punch' ? (input.punchId ?? null) : null,
      reason: input.reason,
      requestedBy: ctx.actor,
      status: 'pending',
    },
    `补卡申请 ${input.action} ${input.date}`,
  );
}

export type LeaveInput = Pick<LeaveRequest, 'employeeId' | 'type' | 'startDate' | 'endDate' | 'startHalf' | 'endHalf' | 'reason'>;

export async function requestLeave(ctx: WriteContext, input: LeaveInput): Promise<LeaveRequest> {
  return saveRecord(ctx, 'requests', LeaveWithReason, { ...input, id: newId(), kind: 'leave', requestedBy: ctx.actor, status: 'pending' }, `请假申请 ${input.type} ${input.startDate}–${input.endDate}`);
}

/**
 * Approves or rejects a pending request; who decided and when is kept on the record and in the audit trail.
 * `decider` is who is deciding (see #shared/attendance/request-decision: HR or admin, and not their own
 * request); the sync server applies the same rule to the push.
 */
export async function decideRequest(ctx: WriteContext, id: string, decision: 'approved' | 'rejected', decider: RequestDecider): Promise<RequestDoc> {
  const doc = await ctx.db.requests.findOne(id).exec();
  if (!doc) throw new RenshiError('not-found', `no request ${id}`);
  const current = stripMeta(doc.toMutableJSON()) as RequestDoc;
  if (current.status !== 'pending') throw new RenshiError('conflict', `request already ${current.status}`);
  const refusal = decisionRefusal(decider, current);
  if (refusal) throw new RenshiError('decision-not-allowed', DECISION_REFUSAL_TEXT[refusal]);
  const next = { ...current, status: decision, decidedBy: ctx.actor, decidedAt: (ctx.now ?? Date.now)() };
  const verb = decision === 'approved' ? '批准' : '驳回';
  if (current.kind === 'leave') return saveRecord(ctx, 'requests', LeaveRequest, next, `${verb}请假 ${current.startDate}`);
  return saveRecord(ctx, 'requests', PunchCorrection, next, `${verb}补卡 ${current.date}`);
}
