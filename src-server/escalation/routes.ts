import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CaseOutcome, ContactMethod, EscalationPhase, type EscalationState } from '#shared/escalation/missed-punch-escalation';
import { RenshiError } from '#shared/errors';
import { requireRole } from '../auth/routes.ts';
import { parseInput } from '../http/errors.ts';
import type { Notifier } from '../notifications/notifier.ts';
import type { EscalationRunner } from './runner.ts';

const ListQuery = z.object({
  /** open: the chain is running; cases: a lost-contact case is open; all: everything. */
  status: z.enum(['open', 'cases', 'all']).default('all'),
  siteId: z.string().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
const PHASES: Record<'open' | 'cases' | 'all', EscalationPhase[] | null> = {
  open: ['anomaly_detected', 'employee_messaged', 'emergency_contact_notified'],
  cases: ['hr_alerted'],
  all: null,
};
const ContactAttemptBody = z.object({ method: ContactMethod, reached: z.boolean(), note: z.string().max(1000).default('') });
const KnownReasonBody = z.object({ reason: z.string().trim().min(1).max(1000) });
const CloseBody = z.object({ outcome: CaseOutcome, note: z.string().max(1000).default('') });
const ResolveBody = z.object({ note: z.string().trim().min(1).max(1000) });
const AlertsQuery = z.object({ open: z.enum(['1', '0']).default('1'), limit: z.coerce.number().int().min(1).max(1000).default(200) });

/**
 * HR's view of the chain: escalations and lost-contact cases with their timelines and every message's
 * delivery status, the actions the machine accepts from HR, HR alerts, and a tick for ops and tests.
 * HR and admins only: these hold contact details and the reasons people gave.
 */
export function escalationRoutes(app: FastifyInstance, { runner, notifier }: { runner: EscalationRunner; notifier: Notifier }): void {
  const withMessages = async (states: EscalationState[]) => {
    const ids = states.flatMap((s) => s.timeline.flatMap((t) => (t.type === 'message_sent' || t.type === 'hr_alerted' ? [t.commandId] : [])));
    const messages = await notifier.byLogicalIds(ids);
    return states.map((state) => {
      const mine = new Set(state.timeline.flatMap((t) => (t.type === 'message_sent' || t.type === 'hr_alerted' ? [t.commandId] : [])));
      return {
        ...state,
        messages: messages
          .filter((m) => mine.has(m.logicalId))
          .map((m) => ({ id: m.id, logicalId: m.logicalId, channel: m.channel, recipientKind: m.recipientKind, recipient: m.recipient, status: m.status, lastError: m.lastError, createdAt: m.createdAt, updatedAt: m.updatedAt })),
      };
    });
  };

  app.get('/escalation/items', async (request) => {
    requireRole(request, 'admin', 'hr');
    const q = parseInput(ListQuery, request.query, 'query');
    const states = await runner.repository.list({ phases: PHASES[q.status], siteId: q.siteId ?? null, limit: q.limit });
    return { items: await withMessages(states) };
  });

  app.get<{ Params: { anomalyId: string } }>('/escalation/items/:anomalyId', async (request) => {
    requireRole(request, 'admin', 'hr');
    const stored = await runner.repository.load(request.params.anomalyId);
    if (!stored) throw new RenshiError('not-found', `no escalation ${request.params.anomalyId}`);
    const [item] = await withMessages([stored.state]);
    return item;
  });

  const action = <S extends z.ZodType>(path: string, schema: S, toEvent: (body: z.infer<S>, by: string) => Parameters<EscalationRunner['apply']>[1]) =>
    app.post<{ Params: { anomalyId: string } }>(`/escalation/items/:anomalyId/${path}`, async (request) => {
      const principal = requireRole(request, 'admin', 'hr');
      const body = parseInput(schema, request.body ?? {}, path);
      const state = await runner.apply(request.params.anomalyId, toEvent(body, principal.name));
      const [item] = await withMessages([state]);
      return item;
    });
  action('contact-attempts', ContactAttemptBody, (b, by) => ({ type: 'record_contact_attempt', by, method: b.method, reached: b.reached, note: b.note }));
  action('known-reason', KnownReasonBody, (b, by) => ({ type: 'record_known_reason', by, reason: b.reason }));
  action('close', CloseBody, (b, by) => ({ type: 'close_case', by, outcome: b.outcome, note: b.note }));
  action('resolve', ResolveBody, (b, by) => ({ type: 'hr_resolve', by, note: b.note }));

  // Site terminals and site admins poll this to raise a desktop notification, so they see their site's alerts.
  app.get('/escalation/alerts', async (request) => {
    const principal = requireRole(request, 'admin', 'hr', 'site_admin', 'terminal');
    const q = parseInput(AlertsQuery, request.query, 'query');
    const siteId = principal.role === 'site_admin' || principal.role === 'terminal' ? principal.siteId : null;
    return { alerts: await runner.repository.alerts({ siteId, open: q.open === '1', limit: q.limit }) };
  });

  app.post<{ Params: { id: string } }>('/escalation/alerts/:id/acknowledge', async (request) => {
    const principal = requireRole(request, 'admin', 'hr');
    const ok = await runner.repository.acknowledgeAlert(request.params.id, principal.name, Date.now());
    if (!ok) throw new RenshiError('not-found', `no open alert ${request.params.id}`);
    return { ok: true };
  });

  app.post('/escalation/tick', async (request) => {
    requireRole(request, 'admin', 'hr');
    return runner.tick();
  });
}
