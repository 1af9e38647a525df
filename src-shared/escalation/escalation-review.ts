import type { EscalationState, TimelineEntry } from './missed-punch-escalation.ts';

/**
 * Review figures for story 1, folded from escalation states:
 *  - how anomalies ended: resolved before any case (and by whom), or a lost-contact case (open, or closed
 *    with which outcome);
 *  - time to first contact: from the anomaly to the first sign of the person (a reply from them or their
 *    emergency contact, a punch, or a contact attempt that reached someone);
 *  - misjudged absences: anomalies that turned out not to be absences at all (the employee punched in late,
 *    replied "late" or "on leave", or HR settled it), a measure of how noisy the rule is for a site.
 */
export interface EscalationReview {
  anomalies: number;
  resolvedBeforeCase: { employee: number; emergency_contact: number; punch: number; hr: number };
  casesOpened: number;
  casesOpen: number;
  casesClosed: { returned: number; reason_confirmed: number; dismissal_started: number; other: number };
  misjudged: number;
  /** Minutes from anomaly to first contact, for the escalations where contact happened. */
  minutesToFirstContact: { count: number; median: number | null; max: number | null };
}

const CONTACT: readonly TimelineEntry['type'][] = ['reply', 'punched'];

export function reviewEscalations(states: readonly EscalationState[]): EscalationReview {
  const review: EscalationReview = {
    anomalies: states.length,
    resolvedBeforeCase: { employee: 0, emergency_contact: 0, punch: 0, hr: 0 },
    casesOpened: 0,
    casesOpen: 0,
    casesClosed: { returned: 0, reason_confirmed: 0, dismissal_started: 0, other: 0 },
    misjudged: 0,
    minutesToFirstContact: { count: 0, median: null, max: null },
  };
  const minutes: number[] = [];
  for (const s of states) {
    if (s.resolution && !s.case) {
      review.resolvedBeforeCase[s.resolution.by] += 1;
      if (s.resolution.by === 'punch' || s.resolution.by === 'hr' || s.resolution.reason === 'late' || s.resolution.reason === 'on_leave') review.misjudged += 1;
    }
    if (s.case) {
      review.casesOpened += 1;
      if (s.case.outcome === null) review.casesOpen += 1;
      else review.casesClosed[s.case.outcome] += 1;
    }
    const detected = s.timeline.find((t) => t.type === 'anomaly_detected')?.at;
    const contact = s.timeline.find((t) => CONTACT.includes(t.type) || (t.type === 'contact_attempt' && t.reached));
    if (detected !== undefined && contact) minutes.push(Math.round((contact.at - detected) / 60_000));
  }
  minutes.sort((a, b) => a - b);
  if (minutes.length > 0) {
    const mid = minutes.length >> 1;
    review.minutesToFirstContact = {
      count: minutes.length,
      median: minutes.length % 2 ? minutes[mid]! : Math.round((minutes[mid - 1]! + minutes[mid]!) / 2),
      max: minutes[minutes.length - 1]!,
    };
  }
  return review;
}
