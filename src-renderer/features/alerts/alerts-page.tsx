import { Alert, Badge, Box, Button, Checkbox, Group, Paper, ScrollArea, SegmentedControl, Select, Stack, Table, Tabs, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconBell, IconCloudOff } from '@tabler/icons-react';
import { useMemo, useState, type ReactNode } from 'react';
import { LIVE_PHASES } from '#shared/escalation/missed-punch-escalation';
import { navigate } from '../../app/router.ts';
import { EmptyState } from '../../components/empty-state.tsx';
import { formatDateTime } from '../../components/format.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { useT, type MessageKey } from '../../i18n/i18n.tsx';
import { LostContactCaseDetail } from '../cases/lost-contact-case-detail.tsx';
import { LostContactCases, useEscalationItems } from '../cases/lost-contact-cases.tsx';
import { useEmployees } from '../employees/use-employees.ts';
import { useOrg } from '../org/use-org.ts';
import { EscalationReviewPage } from '../review/escalation-review-page.tsx';
import { useAlerts } from './alerts-provider.tsx';
import type { HrAlert } from './escalation-client.ts';
import { ContactReconfirmation } from './contact-reconfirmation.tsx';

type Tab = 'inbox' | 'cases' | 'review' | 'contacts';

/** `/alerts` and its tabs: the HR inbox, lost-contact cases (失联), the review figures, emergency-contact re-confirmation. */
export function AlertsArea({ segments }: { segments: string[] }) {
  const t = useT();
  const [tab = 'inbox', id] = segments as [Tab?, string?];
  let body: ReactNode;
  if (tab === 'cases' && id) body = <LostContactCaseDetail anomalyId={id} />;
  else if (tab === 'cases') body = <LostContactCases />;
  else if (tab === 'review') body = <EscalationReviewPage />;
  else if (tab === 'contacts') body = <ContactReconfirmation key={id ?? ''} initialFilter={id === 'overdue' ? 'overdue' : 'all'} />;
  else body = <AlertsInbox />;
  return (
    <Box p="lg">
      <PageHeader title={t('al.title')} subtitle={t('al.subtitle')} />
      <Tabs value={tab} onChange={(v) => navigate(v === 'inbox' ? '/alerts' : `/alerts/${v}`)} mb="md">
        <Tabs.List>
          <Tabs.Tab value="inbox" data-testid="tab-inbox">{t('al.tabInbox')}</Tabs.Tab>
          <Tabs.Tab value="cases" data-testid="tab-cases">{t('al.tabCases')}</Tabs.Tab>
          <Tabs.Tab value="review" data-testid="tab-review">{t('al.tabReview')}</Tabs.Tab>
          <Tabs.Tab value="contacts" data-testid="tab-contacts">{t('al.tabContacts')}</Tabs.Tab>
        </Tabs.List>
      </Tabs>
      {body}
    </Box>
  );
}

/** Shown instead of server data when this terminal has no sync session (offline mode, or not signed in). */
export function NeedsServer() {
  const t = useT();
  return <EmptyState icon={<IconCloudOff size={24} />} title={<span data-testid="needs-server">{t('al.needsServer')}</span>} hint={t('al.needsServerHint')} />;
}

/**
 * Without the server the inbox cannot show HR alerts, but this terminal's own copy of the missed-punch chains
 * is here (including the ones it runs itself while the server is out of reach): what is under way, and who
 * has to be contacted.
 */
function LocalChains() {
  const t = useT();
  const { items } = useEscalationItems();
  const { employees } = useEmployees();
  const names = useMemo(() => new Map(employees.map((e) => [e.id, `${e.name}（${e.employeeNo}）`])), [employees]);
  const live = (items ?? [])
    .filter((i) => (LIVE_PHASES as readonly string[]).includes(i.phase))
    .sort((a, b) => b.phaseSince - a.phaseSince);
  if (!live.length) return null;
  return (
    <Paper withBorder radius="md" p="md" data-testid="local-chains">
      <Text fw={600} mb={4}>
        {t('al.localChains')}
      </Text>
      <Text size="xs" c="dimmed" mb="sm">
        {t('al.localChainsHint')}
      </Text>
      <Table verticalSpacing="xs">
        <Table.Tbody>
          {live.map((i) => (
            <Table.Tr key={i.anomalyId} data-testid="local-chain-row" style={i.case ? { cursor: 'pointer' } : undefined} onClick={() => i.case && navigate(`/alerts/cases/${encodeURIComponent(i.anomalyId)}`)}>
              <Table.Td>{names.get(i.employeeId) ?? i.employeeId}</Table.Td>
              <Table.Td>{i.date}</Table.Td>
              <Table.Td>
                <Badge color={i.phase === 'hr_alerted' ? 'orange' : 'blue'} variant="light" radius="sm" style={{ textTransform: 'none' }}>
                  {t(`lc.phase.${i.phase}` as MessageKey)}
                </Badge>
              </Table.Td>
              <Table.Td>{formatDateTime(i.phaseSince)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}

export const ALERT_REASONS = ['lost_contact_case_opened', 'reply_after_case_opened', 'punch_after_case_opened', 'contact_confirmation_overdue'] as const;
const REASON_COLOR: Record<string, string> = { lost_contact_case_opened: 'red', reply_after_case_opened: 'blue', punch_after_case_opened: 'teal', contact_confirmation_overdue: 'orange' };
/** Alerts about emergency-contact re-confirmation have no case: they open the overdue list instead. */
const isContactAlert = (a: HrAlert) => a.reason === 'contact_confirmation_overdue';

export function reasonLabel(t: (k: MessageKey) => string, reason: string): string {
  return (ALERT_REASONS as readonly string[]).includes(reason) ? t(`al.reason.${reason}` as MessageKey) : reason;
}

function AlertsInbox() {
  const t = useT();
  const { client, alerts, messages, loaded, error, refresh } = useAlerts();
  const { employees } = useEmployees();
  const org = useOrg();
  const names = useMemo(() => new Map(employees.map((e) => [e.id, `${e.name}（${e.employeeNo}）`])), [employees]);
  const [site, setSite] = useState<string | null>(null);
  const [status, setStatus] = useState<'new' | 'acknowledged' | 'all'>('new');
  const [reason, setReason] = useState<string | null>(null);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState(false);

  if (!client)
    return (
      <Stack gap="md">
        <NeedsServer />
        <LocalChains />
      </Stack>
    );

  const shown = alerts.filter(
    (a) =>
      (!site || a.siteId === site) &&
      (!reason || a.reason === reason) &&
      (status === 'all' || (status === 'new' ? a.acknowledgedAt === null : a.acknowledgedAt !== null)),
  );
  const ackable = shown.filter((a) => a.acknowledgedAt === null && picked.has(a.id));
  const siteName = (id: string | null) => (id ? (org.byId.get(id)?.name ?? id) : '');

  const acknowledge = async (ids: string[]) => {
    setBusy(true);
    const failed: string[] = [];
    for (const id of ids) await client.acknowledge(id).catch((err: unknown) => failed.push(err instanceof Error ? err.message : String(err)));
    setBusy(false);
    setPicked(new Set());
    await refresh();
    if (failed.length) notifications.show({ color: 'red', title: t('al.ackFailed'), message: failed[0] });
    else notifications.show({ color: 'teal', message: t('al.acked', { count: ids.length }) });
  };

  const messagesShown = messages.filter((m) => !site || m.siteId === site);

  return (
    <Stack gap="md">
      {error && (
        <Alert color="orange" title={t('al.loadFailed')}>
          {error}
        </Alert>
      )}
      <Group gap="sm" align="flex-end">
        <Select
          label={t('al.site')}
          placeholder={t('al.allSites')}
          clearable
          w={180}
          data={org.sites.map((s) => ({ value: s.id, label: s.name }))}
          value={site}
          onChange={setSite}
          data-testid="alerts-site"
        />
        <Select
          label={t('al.type')}
          placeholder={t('al.allTypes')}
          clearable
          w={220}
          data={ALERT_REASONS.map((r) => ({ value: r, label: reasonLabel(t, r) }))}
          value={reason}
          onChange={setReason}
          data-testid="alerts-type"
        />
        <SegmentedControl
          value={status}
          onChange={(v) => setStatus(v as typeof status)}
          data={[
            { value: 'new', label: t('al.statusNew') },
            { value: 'acknowledged', label: t('al.statusAcked') },
            { value: 'all', label: t('al.statusAll') },
          ]}
          data-testid="alerts-status"
        />
        <Button ml="auto" disabled={ackable.length === 0} loading={busy} onClick={() => void acknowledge(ackable.map((a) => a.id))} data-testid="alerts-ack-selected">
          {t('al.ackSelected', { count: ackable.length })}
        </Button>
      </Group>
      <Paper withBorder radius="md">
        {loaded && shown.length === 0 ? (
          <EmptyState icon={<IconBell size={24} />} title={t('al.empty')} hint={t('al.emptyHint')} />
        ) : (
          <ScrollArea>
            <Table verticalSpacing="xs" highlightOnHover data-testid="alerts-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={36}>
                    <Checkbox
                      aria-label={t('al.pickAll')}
                      checked={shown.some((a) => a.acknowledgedAt === null) && shown.filter((a) => a.acknowledgedAt === null).every((a) => picked.has(a.id))}
                      onChange={(e) => setPicked(e.currentTarget.checked ? new Set(shown.filter((a) => a.acknowledgedAt === null).map((a) => a.id)) : new Set())}
                      data-testid="alerts-pick-all"
                    />
                  </Table.Th>
                  <Table.Th>{t('al.when')}</Table.Th>
                  <Table.Th>{t('al.type')}</Table.Th>
                  <Table.Th>{t('al.employee')}</Table.Th>
                  <Table.Th>{t('al.site')}</Table.Th>
                  <Table.Th>{t('al.status')}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {shown.map((a) => (
                  <Table.Tr key={a.id} data-testid="alert-row" data-alert-id={a.id}>
                    <Table.Td>
                      <Checkbox
                        aria-label={a.id}
                        disabled={a.acknowledgedAt !== null}
                        checked={picked.has(a.id)}
                        onChange={(e) => {
                          const next = new Set(picked);
                          if (e.currentTarget.checked) next.add(a.id);
                          else next.delete(a.id);
                          setPicked(next);
                        }}
                      />
                    </Table.Td>
                    <Table.Td>{formatDateTime(a.createdAt)}</Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={REASON_COLOR[a.reason] ?? 'gray'} radius="sm" style={{ textTransform: 'none' }}>
                        {reasonLabel(t, a.reason)}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{names.get(a.employeeId) ?? a.employeeId}</Table.Td>
                    <Table.Td>{siteName(a.siteId)}</Table.Td>
                    <Table.Td>
                      {a.acknowledgedAt === null ? (
                        <Badge color="red" radius="sm" style={{ textTransform: 'none' }} data-testid="alert-status">
                          {t('al.statusNew')}
                        </Badge>
                      ) : (
                        <Text size="xs" c="dimmed" data-testid="alert-status">
                          {t('al.ackedBy', { who: a.acknowledgedBy ?? '', when: formatDateTime(a.acknowledgedAt) })}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Group gap={6} justify="flex-end" wrap="nowrap">
                        {a.acknowledgedAt === null && (
                          <Button size="compact-sm" variant="light" disabled={busy} onClick={() => void acknowledge([a.id])} data-testid="alert-ack">
                            {t('al.ack')}
                          </Button>
                        )}
                        {isContactAlert(a) ? (
                          <Button size="compact-sm" variant="subtle" onClick={() => navigate('/alerts/contacts/overdue')} data-testid="alert-open-contacts">
                            {t('al.openContacts')}
                          </Button>
                        ) : (
                          <Button size="compact-sm" variant="subtle" onClick={() => navigate(`/alerts/cases/${encodeURIComponent(a.anomalyId)}`)} data-testid="alert-open-case">
                            {t('al.openCase')}
                          </Button>
                        )}
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea>
        )}
      </Paper>
      <Text fw={600} size="sm">
        {t('al.messages')}
      </Text>
      <Paper withBorder radius="md" p={messagesShown.length ? 0 : 'md'}>
        {messagesShown.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('al.noMessages')}
          </Text>
        ) : (
          <Table verticalSpacing="xs" data-testid="messages-table">
            <Table.Tbody>
              {messagesShown.map((m) => (
                <Table.Tr key={m.id}>
                  <Table.Td w={150}>{formatDateTime(m.createdAt)}</Table.Td>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {m.subject}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {m.text}
                    </Text>
                  </Table.Td>
                  <Table.Td w={120}>{siteName(m.siteId)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Paper>
    </Stack>
  );
}

/** The unread count next to the nav item. */
export function AlertsNavBadge() {
  const { unread } = useAlerts();
  if (unread === 0) return null;
  return (
    <Badge size="sm" color="red" radius="xl" data-testid="alerts-unread">
      {unread}
    </Badge>
  );
}
