import type { EscalationState } from '#shared/escalation/missed-punch-escalation';

/** What has to be on file before a dismissal for absenteeism may start from this case (mirrors canStartAbsenteeismDismissal). */
export function dismissalPreconditions(item: Pick<EscalationState, 'case'>): { key: 'caseOpen' | 'attempt' | 'reason'; met: boolean }[] {
  const c = item.case;
  return [
    { key: 'caseOpen', met: c !== null && c.closedAt === null },
    { key: 'attempt', met: (c?.contactAttempts.length ?? 0) > 0 },
    { key: 'reason', met: c?.knownReason != null },
  ];
}
