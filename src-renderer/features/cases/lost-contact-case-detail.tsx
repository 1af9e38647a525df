import { Alert, Anchor, Badge, Button, Checkbox, Group, List, Modal, Paper, Select, Stack, Table, Text, Textarea, TextInput, ThemeIcon, Timeline, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconCheck, IconX } from '@tabler/icons-react';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { EscalationDoc, stateOf } from '#shared/escalation/escalation-doc';
import { useRenshi } from '../../app/context.tsx';
import { useObservable } from '../../components/use-observable.ts';
import { stripMeta } from '../../db/records.ts';
import { applyEscalationEvent } from '../alerts/escalation-repository.ts';
import { builtInTemplate } from '#shared/cases/builtin-templates';
import { describeReason } from '#shared/cases/case-messages';
import { useSync } from '../../sync/sync-provider.tsx';
import { syncLostContactCaseRecord } from './case-repository.ts';
import { useCaseContext } from './case-ui.ts';
import { deliveryClient } from './delivery-client.ts';
import { exportEvidenceBundle } from './evidence-export.ts';
import { canStartAbsenteeismDismissal, CaseOutcome, ContactMethod, type EscalationEventInput, type TimelineEntry } from '#shared/escalation/missed-punch-escalation';
import { navigate } from '../../app/router.ts';
import { formatDateTime } from '../../components/format.ts';
import { useT, type MessageKey, type Translate } from '../../i18n/i18n.tsx';
import { ALERT_POLL_MS, useAlerts } from '../alerts/alerts-provider.tsx';
import type { EscalationItem, MessageDelivery, StatusEntry } from '../alerts/escalation-client.ts';
import { useEmployee } from '../employees/use-employees.ts';
import { useOrg } from '../org/use-org.ts';
import { dismissalPreconditions } from './dismissal-preconditions.ts';
import { DismissalWorkflowLink } from './dismissal-workflow-link.tsx';
import { CaseStatusBadge } from './lost-contact-cases.tsx';

type Dialog = 'attempt' | 'reason' | 'close' | 'dismissal' | null;

/** One lost-contact case: the absence's status, the full timeline with every message's delivery, and HR's actions. */
export function LostContactCaseDetail({ anomalyId }: { anomalyId: string }) {
  const t = useT();
  const { client, refresh } = useAlerts();
  const { db, api } = useRenshi();
  // Who acts: the signed-in user when the terminal is signed in (the name the server and the case trail know),
  // else the local operator; the same identity the case screens use.
  const ctx = useCaseContext();
  const { session } = useSync();
  const [exporting, setExporting] = useState(false);
  const doc = useObservable(() => db.escalations.findOne(anomalyId).$, [db, anomalyId]);
  const [messages, setMessages] = useState<MessageDelivery[]>([]);
  const [histories, setHistories] = useState<Map<string, StatusEntry[]>>(new Map());
  const [dialog, setDialog] = useState<Dialog>(null);
  const state = useMemo(() => (doc ? stateOf(EscalationDoc.parse(stripMeta(doc.toMutableJSON() as Record<string, unknown>))) : null), [doc]);
  const item: EscalationItem | null = useMemo(() => (state ? { ...state, messages } : null), [state, messages]);
  const { employee } = useEmployee(item?.employeeId ?? '');
  const org = useOrg();

  // Delivery status per channel is known only to the server: asked for when it answers, the chain itself is local.
  const loadDeliveries = useCallback(async () => {
    if (!client) return;
    try {
      const next = await client.item(anomalyId);
      setMessages(next.messages);
      const entries = await Promise.all(next.messages.map(async (m) => [m.id, (await client.history(m.id).catch(() => ({ history: [] }))).history] as const));
      setHistories(new Map(entries));
    } catch {
      // Offline, or the server has not seen this chain yet: the timeline still shows every step.
    }
  }, [client, anomalyId]);
  useEffect(() => {
    void loadDeliveries();
    const timer = setInterval(() => void loadDeliveries(), ALERT_POLL_MS);
    return () => clearInterval(timer);
  }, [loadDeliveries]);

  if (doc === undefined) return <Text c="dimmed">{t('app.loading')}</Text>;
  if (!item)
    return (
      <Alert color="red" title={t('lc.loadFailed')}>
        {anomalyId}
      </Alert>
    );

  // The lost-contact case as a case document (brought up to date from the chain), exported with the chain.
  const exportBundle = async () => {
    if (!state) return;
    setExporting(true);
    try {
      const synced = await syncLostContactCaseRecord(ctx, state);
      if (!synced.ok) throw new Error(synced.reasons.map((r) => describeReason(r)).join('；'));
      const delivery = session?.serverUrl && session.token ? deliveryClient({ serverUrl: session.serverUrl, token: session.token }) : null;
      const r = await exportEvidenceBundle({ ...ctx, api }, synced.doc, builtInTemplate('lost-contact'), delivery, employee?.name ?? null);
      notifications.show({ color: 'teal', title: t('lc.exported'), message: <Text size="xs" style={{ wordBreak: 'break-all' }} data-testid="lc-export-hash">{r.manifestHash}</Text>, autoClose: 15_000 });
    } catch (err) {
      notifications.show({ color: 'red', title: t('lc.exportFailed'), message: err instanceof Error ? err.message : String(err) });
    } finally {
      setExporting(false);
    }
  };

  const act = async (event: EscalationEventInput) => {
    try {
      await applyEscalationEvent(ctx, anomalyId, event);
      setDialog(null);
      void refresh();
      notifications.show({ color: 'teal', message: t('lc.saved') });
    } catch (err) {
      notifications.show({ color: 'red', title: t('lc.actionFailed'), message: err instanceof Error ? err.message : String(err) });
    }
  };

  const c = item.case;
  const open = c !== null && c.closedAt === null;
  const checklist = dismissalPreconditions(item);
  const canDismiss = canStartAbsenteeismDismissal(c);
  const missing = checklist.filter((p) => !p.met).map((p) => t(`lc.pre.${p.key}` as MessageKey));

  return (
    <Stack gap="md" data-testid="case-detail">
      <Group justify="space-between">
        <Stack gap={2}>
          <Anchor size="sm" onClick={() => navigate('/alerts/cases')}>
            ← {t('lc.back')}
          </Anchor>
          <Group gap="sm">
            <Text fw={600} size="lg" data-testid="case-employee">
              {employee ? `${employee.name}（${employee.employeeNo}）` : item.employeeId}
            </Text>
            <CaseStatusBadge item={item} />
          </Group>
          <Text size="sm" c="dimmed">
            {org.byId.get(item.siteId)?.name ?? item.siteId} · {t('lc.firstDay')} {c?.openedOn ?? item.date} · {t(`lc.phase.${item.phase}` as MessageKey)}
          </Text>
        </Stack>
        <Group gap="xs">
          {c && (
            <Button variant="default" loading={exporting} onClick={() => void exportBundle()} data-testid="lc-export">
              {t('lc.export')}
            </Button>
          )}
          {open && (
            <Button variant="light" onClick={() => setDialog('attempt')} data-testid="case-record-attempt">
              {t('lc.recordAttempt')}
            </Button>
          )}
          {open && (
            <Button variant="light" onClick={() => setDialog('reason')} data-testid="case-record-reason">
              {t('lc.recordReason')}
            </Button>
          )}
          {open && (
            <Button variant="default" onClick={() => setDialog('close')} data-testid="case-close">
              {t('lc.close')}
            </Button>
          )}
        </Group>
      </Group>

      {open && (
        <Alert color="orange" variant="light" title={t('lc.pendingTitle')} data-testid="case-pending">
          {t('lc.pendingBody', { date: c.openedOn })}
        </Alert>
      )}
      {!c && (
        <Alert color="blue" variant="light">
          {t('lc.noCaseYet')}
        </Alert>
      )}

      {c && (
        <Paper withBorder radius="md" p="md" data-testid="dismissal-checklist">
          <Text fw={600} mb="xs">
            {t('lc.dismissalTitle')}
          </Text>
          <List spacing={6} mb="sm" center>
            {checklist.map((p) => (
              <List.Item
                key={p.key}
                data-testid={`pre-${p.key}`}
                data-met={p.met ? 'yes' : 'no'}
                icon={
                  <ThemeIcon size={20} radius="xl" color={p.met ? 'teal' : 'gray'}>
                    {p.met ? <IconCheck size={13} /> : <IconX size={13} />}
                  </ThemeIcon>
                }
              >
                {t(`lc.pre.${p.key}` as MessageKey)}
              </List.Item>
            ))}
          </List>
          <Group gap="sm">
            <Tooltip label={t('lc.dismissalMissing', { list: missing.join('；') })} disabled={canDismiss} multiline w={320}>
              <span>
                <Button color="red" variant="outline" disabled={!canDismiss} onClick={() => setDialog('dismissal')} data-testid="case-start-dismissal">
                  {t('lc.startDismissal')}
                </Button>
              </span>
            </Tooltip>
            {canDismiss && <DismissalWorkflowLink anomalyId={anomalyId} />}
            {!canDismiss && open && (
              <Text size="xs" c="dimmed" data-testid="dismissal-missing">
                {t('lc.dismissalMissing', { list: missing.join('；') })}
              </Text>
            )}
          </Group>
          <Text size="xs" c="dimmed" mt="xs">
            {t('lc.dismissalNote')}
          </Text>
        </Paper>
      )}

      <Paper withBorder radius="md" p="md">
        <Text fw={600} mb="sm">
          {t('lc.timeline')}
        </Text>
        <Timeline bulletSize={14} lineWidth={2} data-testid="case-timeline">
          {[...item.timeline]
            .sort((a, b) => a.at - b.at)
            .map((entry, i) => (
              <Timeline.Item key={i} title={<TimelineTitle t={t} entry={entry} />} data-testid="timeline-entry" data-type={entry.type}>
                <Text size="xs" c="dimmed">
                  {formatDateTime(entry.at)}
                </Text>
                <TimelineBody t={t} entry={entry} messages={item.messages} histories={histories} />
              </Timeline.Item>
            ))}
        </Timeline>
      </Paper>

      <AttemptDialog opened={dialog === 'attempt'} onClose={() => setDialog(null)} onSave={(v) => act({ type: 'record_contact_attempt', by: ctx.actor, ...v })} />
      <ReasonDialog opened={dialog === 'reason'} onClose={() => setDialog(null)} onSave={(reason) => act({ type: 'record_known_reason', by: ctx.actor, reason })} />
      <CloseDialog opened={dialog === 'close'} onClose={() => setDialog(null)} onSave={(outcome, note) => act({ type: 'close_case', by: ctx.actor, outcome, note })} />
      <Modal opened={dialog === 'dismissal'} onClose={() => setDialog(null)} title={t('lc.startDismissal')} centered>
        <Stack>
          <Text size="sm">{t('lc.dismissalConfirm')}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setDialog(null)}>
              {t('common.cancel')}
            </Button>
            <Button color="red" onClick={() => void act({ type: 'close_case', by: ctx.actor, outcome: 'dismissal_started', note: t('lc.dismissalNoteText') })} data-testid="dismissal-confirm">
              {t('lc.startDismissal')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}

function TimelineTitle({ t, entry }: { t: Translate; entry: TimelineEntry }) {
  const to = 'to' in entry ? t(`lc.who.${entry.to}` as MessageKey) : '';
  const from = 'from' in entry ? t(`lc.who.${entry.from}` as MessageKey) : '';
  return (
    <Text size="sm" fw={500}>
      {t(`lc.event.${entry.type}` as MessageKey, { to, from })}
    </Text>
  );
}

const DELIVERY_STEPS = ['sent', 'delivered', 'opened', 'replied'] as const;
const DELIVERY_STATUSES: readonly string[] = ['queued', 'retrying', 'sent', 'delivered', 'opened', 'replied', 'failed'];

function TimelineBody({ t, entry, messages, histories }: { t: Translate; entry: TimelineEntry; messages: MessageDelivery[]; histories: Map<string, StatusEntry[]> }) {
  switch (entry.type) {
    case 'message_sent':
    case 'hr_alerted': {
      const mine = messages.filter((m) => m.logicalId === entry.commandId);
      if (!mine.length) return null;
      return (
        <Table withRowBorders={false} verticalSpacing={2} fz="xs" mt={4} data-testid="deliveries">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('lc.channel')}</Table.Th>
              <Table.Th>{t('lc.recipient')}</Table.Th>
              {DELIVERY_STEPS.map((s) => (
                <Table.Th key={s}>{t(`lc.delivery.${s}` as MessageKey)}</Table.Th>
              ))}
              <Table.Th>{t('al.status')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {mine.map((m) => {
              const history = histories.get(m.id) ?? [];
              const at = (s: string) => history.find((h) => h.status === s)?.at;
              return (
                <Table.Tr key={m.id}>
                  <Table.Td>{t(`lc.channel.${m.channel}` as MessageKey)}</Table.Td>
                  <Table.Td>{m.recipient}</Table.Td>
                  {DELIVERY_STEPS.map((s) => {
                    const when = at(s);
                    return <Table.Td key={s}>{when ? formatDateTime(when) : '—'}</Table.Td>;
                  })}
                  <Table.Td>
                    <Badge size="xs" variant="light" color={m.status === 'failed' ? 'red' : 'gray'} style={{ textTransform: 'none' }}>
                      {DELIVERY_STATUSES.includes(m.status) ? t(`lc.status.${m.status}` as MessageKey) : m.status}
                    </Badge>
                    {m.lastError && (
                      <Text size="xs" c="red">
                        {m.lastError}
                      </Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      );
    }
    case 'reply':
      return (
        <Text size="sm" data-testid="reply-text">
          {t(`lc.replyReason.${entry.reason}` as MessageKey)}
          {entry.text ? `：「${entry.text}」` : ''}
        </Text>
      );
    case 'contact_attempt':
      return (
        <Text size="sm">
          {entry.by} · {t(`lc.method.${entry.method}` as MessageKey)} · {entry.reached ? t('lc.reached') : t('lc.notReached')}
          {entry.note ? ` · ${entry.note}` : ''}
        </Text>
      );
    case 'known_reason':
      return (
        <Text size="sm">
          {entry.by}：{entry.reason}
        </Text>
      );
    case 'case_closed':
      return (
        <Text size="sm">
          {entry.by} · {t(`lc.outcome.${entry.outcome}` as MessageKey)}
          {entry.note ? ` · ${entry.note}` : ''}
        </Text>
      );
    case 'resolved':
      return entry.note ? <Text size="sm">{entry.note}</Text> : null;
    case 'punched':
      return <Text size="sm">{t('lc.punchAt', { at: formatDateTime(entry.punchAt) })}</Text>;
    default:
      return null;
  }
}

function AttemptDialog({ opened, onClose, onSave }: { opened: boolean; onClose: () => void; onSave: (v: { method: ContactMethod; reached: boolean; note: string }) => Promise<void> }) {
  const t = useT();
  const [method, setMethod] = useState<ContactMethod>('phone');
  const [contacted, setContacted] = useState('');
  const [reached, setReached] = useState(false);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (opened) (setMethod('phone'), setContacted(''), setReached(false), setNote(''));
  }, [opened]);
  const save = async () => {
    setBusy(true);
    const who = contacted.trim() ? `${t('lc.contacted')}：${contacted.trim()}` : '';
    await onSave({ method, reached, note: [who, note.trim()].filter(Boolean).join('；').slice(0, 1000) });
    setBusy(false);
  };
  return (
    <Modal opened={opened} onClose={onClose} title={t('lc.recordAttempt')} centered>
      <Stack>
        <Select
          label={t('lc.method')}
          data={ContactMethod.options.map((m) => ({ value: m, label: t(`lc.method.${m}` as MessageKey) }))}
          value={method}
          onChange={(v) => v && setMethod(v as ContactMethod)}
          allowDeselect={false}
          data-testid="attempt-method"
        />
        <TextInput label={t('lc.contacted')} placeholder={t('lc.contactedPlaceholder')} value={contacted} onChange={(e) => setContacted(e.currentTarget.value)} maxLength={100} data-testid="attempt-contacted" />
        <Checkbox label={t('lc.reached')} checked={reached} onChange={(e) => setReached(e.currentTarget.checked)} data-testid="attempt-reached" />
        <Textarea label={t('lc.note')} value={note} onChange={(e) => setNote(e.currentTarget.value)} maxLength={800} autosize minRows={2} data-testid="attempt-note" />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button loading={busy} onClick={() => void save()} data-testid="attempt-save">
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
type ContactMethod = (typeof ContactMethod.options)[number];

function ReasonDialog({ opened, onClose, onSave }: { opened: boolean; onClose: () => void; onSave: (reason: string) => Promise<void> }) {
  const t = useT();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (opened) setReason('');
  }, [opened]);
  return (
    <Modal opened={opened} onClose={onClose} title={t('lc.recordReason')} centered>
      <Stack>
        <Textarea label={t('lc.knownReason')} description={t('lc.reasonHint')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} maxLength={1000} autosize minRows={3} data-testid="reason-text" />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button
            loading={busy}
            disabled={!reason.trim()}
            onClick={() => {
              setBusy(true);
              void onSave(reason.trim()).finally(() => setBusy(false));
            }}
            data-testid="reason-save"
          >
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function CloseDialog({ opened, onClose, onSave }: { opened: boolean; onClose: () => void; onSave: (outcome: CaseOutcome, note: string) => Promise<void> }) {
  const t = useT();
  const [outcome, setOutcome] = useState<CaseOutcome>('returned');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (opened) (setOutcome('returned'), setNote(''));
  }, [opened]);
  // Dismissal has its own button and checklist; closing here settles the case otherwise.
  const options = CaseOutcome.options.filter((o) => o !== 'dismissal_started');
  return (
    <Modal opened={opened} onClose={onClose} title={t('lc.close')} centered>
      <Stack>
        <Select
          label={t('lc.outcome')}
          data={options.map((o) => ({ value: o, label: t(`lc.outcome.${o}` as MessageKey) }))}
          value={outcome}
          onChange={(v) => v && setOutcome(v as CaseOutcome)}
          allowDeselect={false}
          data-testid="close-outcome"
        />
        <Textarea label={t('lc.note')} value={note} onChange={(e) => setNote(e.currentTarget.value)} maxLength={1000} autosize minRows={2} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button
            loading={busy}
            onClick={() => {
              setBusy(true);
              void onSave(outcome, note.trim()).finally(() => setBusy(false));
            }}
            data-testid="close-save"
          >
            {t('lc.close')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
