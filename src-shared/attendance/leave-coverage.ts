import type { LeaveRequest } from '../schemas/leave.ts';
import type { LeaveHalves } from './attendance-day.ts';

/**
 * Which half of `date` a leave request covers. `startHalf` says from which half the leave begins on its
 * first day ('pm' = from the afternoon; 'am' or 'full' = the whole first day); `endHalf` says up to which
 * half it runs on its last day ('am' = until noon; 'pm' or 'full' = the whole last day). A one-day request
 * covers what both allow: start 'pm' + end 'pm' is the afternoon, start 'am' + end 'am' the morning,
 * start 'am' + end 'pm' the whole day.
 */
export function leaveHalvesOn(leave: Pick<LeaveRequest, 'startDate' | 'endDate' | 'startHalf' | 'endHalf'>, date: string): LeaveHalves {
  if (date < leave.startDate || date > leave.endDate) return 'none';
  let am = true;
  let pm = true;
  if (date === leave.startDate && leave.startHalf === 'pm') am = false;
  if (date === leave.endDate && leave.endHalf === 'am') pm = false;
  // On a one-day request a lone half ('am' + 'full', or 'full' + 'pm') is that half: the way a form with one
  // half-day selector fills it in.
  if (leave.startDate === leave.endDate && date === leave.startDate) {
    if (leave.startHalf === 'am' && leave.endHalf === 'full') pm = false;
    if (leave.startHalf === 'full' && leave.endHalf === 'pm') am = false;
  }
  return combine(am, pm);
}

/** The union of several approved leaves on one date. */
export function approvedLeaveOn(leaves: readonly LeaveRequest[], date: string): { halves: LeaveHalves; ids: string[] } {
  let am = false;
  let pm = false;
  const ids: string[] = [];
  for (const l of leaves) {
    if (l.status !== 'approved') continue;
    const h = leaveHalvesOn(l, date);
    if (h === 'none') continue;
    ids.push(l.id);
    if (h === 'am' || h === 'full') am = true;
    if (h === 'pm' || h === 'full') pm = true;
  }
  return { halves: combine(am, pm), ids };
}

function combine(am: boolean, pm: boolean): LeaveHalves {
  if (am && pm) return 'full';
  if (am) return 'am';
  if (pm) return 'pm';
  return 'none';
}
