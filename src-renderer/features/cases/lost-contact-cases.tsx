import { Alert, Badge, Group, Paper, ScrollArea, SegmentedControl, Select, Stack, Table, Text } from '@mantine/core';
import { IconUserQuestion } from '@tabler/icons-react';
import { useEffect, useMemo, useState } from 'react';
import { navigate } from '../../app/router.ts';
import { EmptyState } from '../../components/empty-state.tsx';
import { formatDateTime } from '../../components/format.ts';
import { useT, type MessageKey } from '../../i18n/i18n.tsx';
import { ALERT_POLL_MS, useAlerts } from '../alerts/alerts-provider.tsx';
import type { EscalationItem } from '../alerts/escalation-client.ts';
import { EscalationDoc, stateOf } from '#shared/escalation/escalation-doc';
import { useRenshi } from '../../app/context.tsx';
import { useObservable } from '../../components/use-observable.ts';
import { stripMeta } from '../../db/records.ts';
import { useEmployees } from '../employees/use-employees.ts';
import { useOrg } from '../org/use-org.ts';

/**
 * Every escalation chain on this terminal, live from the replicated collection (so an offline terminal sees
 * its cases, and what HR records shows at once); when the server answers, each chain's message deliveries
 * (per channel status) are added from it. null until the local query first answers.
 */
export function useEscalationItems(): { items: EscalationItem[] | null; error: string | null } {
  const { db } = useRenshi();
  const { client } = useAlerts();
  const docs = useObservable(() => db.escalations.find({ sort: [{ date: 'desc' }] }).$, [db]);
  const [messages, setMessages] = useState<ReadonlyMap<string, EscalationItem['messages']>>(new Map());
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!client) return;
    let cancelled = false;
    const load = () =>
      client
        .items('all', 1000)
        .then((i) => !cancelled && (setMessages(new Map(i.map((x) => [x.anomalyId, x.messages]))), setError(null)))
        .catch((err: unknown) => !cancelled && setError(err instanceof Error ? err.message : String(err)));
    void load();
    const timer = setInterval(load, ALERT_POLL_MS);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [client]);
  const items = useMemo(
    () =>
      docs === undefined
        ? null
        : docs.map((d) => ({ ...stateOf(EscalationDoc.parse(stripMeta(d.toMutableJSON() as Record<string, unknown>))), messages: messages.get(d.id) ?? [] })),
    [docs, messages],
  );
  return { items, error };
}

export function CaseStatusBadge({ item }: { item: EscalationItem }) {
  const t = useT();
  const c = item.case;
  if (!c) return null;
  if (c.closedAt === null)
    return (
      <Badge color="orange" radius="sm" style={{ textTransform: 'none' }} data-testid="case-status">
        {t('lc.statusOpen')}
      </Badge>
    );
  return (
    <Badge color="gray" variant="light" radius="sm" style={{ textTransform: 'none' }} data-testid="case-status">
      {t('lc.statusClosed')} · {t(`lc.outcome.${c.outcome ?? 'other'}` as MessageKey)}
    </Badge>
  );
}

/** Lost-contact cases (失联): every escalation that reached HR, open ones first. */
export function LostContactCases() {
  const t = useT();
  const { items, error } = useEscalationItems();
  const { employees } = useEmployees();
  const org = useOrg();
  const byId = useMemo(() => new Map(employees.map((e) => [e.id, e])), [employees]);
  const [state, setState] = useState<'open' | 'closed' | 'all'>('open');
  const [site, setSite] = useState<string | null>(null);

  const cases = (items ?? [])
    .filter((i) => i.case !== null)
    .filter((i) => (!site || i.siteId === site) && (state === 'all' || (state === 'open' ? i.case!.closedAt === null : i.case!.closedAt !== null)))
    .sort((a, b) => Number(a.case!.closedAt !== null) - Number(b.case!.closedAt !== null) || b.case!.openedAt - a.case!.openedAt);

  return (
    <Stack gap="md">
      {error && (
        <Alert color="orange" title={t('al.loadFailed')}>
          {error}
        </Alert>
      )}
      <Alert color="blue" variant="light" data-testid="cases-pending-note">
        {t('lc.pendingNote')}
      </Alert>
      <Group gap="sm" align="flex-end">
        <Select label={t('al.site')} placeholder={t('al.allSites')} clearable w={180} data={org.sites.map((s) => ({ value: s.id, label: s.name }))} value={site} onChange={setSite} />
        <SegmentedControl
          value={state}
          onChange={(v) => setState(v as typeof state)}
          data={[
            { value: 'open', label: t('lc.statusOpen') },
            { value: 'closed', label: t('lc.statusClosed') },
            { value: 'all', label: t('al.statusAll') },
          ]}
        />
      </Group>
      <Paper withBorder radius="md">
        {items !== null && cases.length === 0 ? (
          <EmptyState icon={<IconUserQuestion size={24} />} title={t('lc.empty')} hint={t('lc.emptyHint')} />
        ) : (
          <ScrollArea>
            <Table verticalSpacing="xs" highlightOnHover data-testid="cases-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('al.employee')}</Table.Th>
                  <Table.Th>{t('al.site')}</Table.Th>
                  <Table.Th>{t('lc.firstDay')}</Table.Th>
                  <Table.Th>{t('lc.openedAt')}</Table.Th>
                  <Table.Th ta="right">{t('lc.attempts')}</Table.Th>
                  <Table.Th>{t('lc.knownReason')}</Table.Th>
                  <Table.Th>{t('al.status')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {cases.map((i) => {
                  const e = byId.get(i.employeeId);
                  return (
                    <Table.Tr key={i.anomalyId} style={{ cursor: 'pointer' }} onClick={() => navigate(`/alerts/cases/${encodeURIComponent(i.anomalyId)}`)} data-testid="case-row">
                      <Table.Td>{e ? `${e.name}（${e.employeeNo}）` : i.employeeId}</Table.Td>
                      <Table.Td>{org.byId.get(i.siteId)?.name ?? i.siteId}</Table.Td>
                      <Table.Td>{i.case!.openedOn}</Table.Td>
                      <Table.Td>{formatDateTime(i.case!.openedAt)}</Table.Td>
                      <Table.Td ta="right">{i.case!.contactAttempts.length}</Table.Td>
                      <Table.Td>
                        <Text size="sm" lineClamp={1} maw={260}>
                          {i.case!.knownReason?.reason ?? '—'}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <CaseStatusBadge item={i} />
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </ScrollArea>
        )}
      </Paper>
    </Stack>
  );
}
