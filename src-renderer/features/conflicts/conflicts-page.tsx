import { Alert, Badge, Box, Button, Group, Paper, Radio, SegmentedControl, Stack, Table, Text, UnstyledButton } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconArrowLeft, IconGitMerge, IconServer, IconUserExclamation } from '@tabler/icons-react';
import { useEffect, useMemo, useState } from 'react';
import type { ConflictItem, ResolveConflictRequest } from '#shared/sync/protocol';
import { navigate } from '../../app/router.ts';
import { EmptyState } from '../../components/empty-state.tsx';
import { formatDateTime, formatYuan } from '../../components/format.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { useT, type MessageKey, type Translate } from '../../i18n/i18n.tsx';
import { useSync } from '../../sync/sync-provider.tsx';
import { useOrg, type OrgData } from '../org/use-org.ts';
import { diffFields, mergeDocument, type Choice, type FieldDiff } from './conflict-diff.ts';
import { resolveConflict, useConflicts } from './conflicts-api.ts';

/** Employee fields in HR's words; other collections show their field names. */
const EMPLOYEE_LABELS: Record<string, MessageKey> = {
  employeeNo: 'emp.employeeNo',
  name: 'emp.name',
  gender: 'emp.gender',
  departmentId: 'emp.department',
  siteId: 'emp.site',
  position: 'emp.position',
  hireDate: 'emp.hireDate',
  status: 'emp.status',
  phone: 'emp.phone',
  email: 'emp.email',
  devicePin: 'emp.devicePin',
  shiftId: 'cf.field.shift',
  workAccounts: 'emp.sectionAccounts',
  certificates: 'emp.sectionCerts',
  'sensitive.idNumber': 'emp.idNumber',
  'sensitive.monthlySalaryFen': 'emp.salary',
  'sensitive.bankAccount': 'emp.bankAccount',
  'sensitive.emergencyContacts': 'emp.sectionEmergency',
  'sensitive.agreedDeliveryAddresses': 'da.section',
  _deleted: 'cf.field.deleted',
};

/** The employee form's order, so the comparison reads like the record HR knows. */
const FIELD_ORDER: Record<string, readonly string[]> = { employees: Object.keys(EMPLOYEE_LABELS) };

function fieldLabel(t: Translate, collection: string, path: string): string {
  const key = collection === 'employees' ? EMPLOYEE_LABELS[path] : path === '_deleted' ? EMPLOYEE_LABELS._deleted : undefined;
  return key ? t(key) : path;
}

type Row = Record<string, unknown>;
const rows = (v: unknown): Row[] => (Array.isArray(v) ? (v as Row[]) : []);

/** A value as HR reads it: names instead of ids, yuan instead of fen, lists one item per line. */
function showValue(t: Translate, org: OrgData, collection: string, path: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (path === '_deleted') return value ? t('cf.deletedYes') : t('common.no');
  if (collection === 'employees') {
    if (path === 'departmentId' || path === 'siteId') return org.byId.get(String(value))?.name ?? String(value);
    if (path === 'status') return t(`status.${String(value)}` as MessageKey);
    if (path === 'gender') return t(`gender.${String(value)}` as MessageKey);
    if (path === 'sensitive.monthlySalaryFen' && typeof value === 'number') return formatYuan(value);
    if (path === 'sensitive.emergencyContacts') return rows(value).map((c) => `${String(c.name)}（${String(c.relation ?? '')}）${String(c.phone)}`).join('\n') || '—';
    if (path === 'sensitive.agreedDeliveryAddresses' && typeof value === 'object') {
      const a = value as Row;
      return [a.postal, a.phone, a.email, a.wecom].filter(Boolean).join('\n') + `\n${t('da.onFile', { date: String(a.confirmedOn) })}`;
    }
    if (path === 'certificates') return rows(value).map((c) => [c.kind, c.number, c.expiresOn].filter(Boolean).join(' ')).join('\n') || '—';
    if (path === 'workAccounts') return rows(value).map((a) => `${t(`account.${String(a.kind)}` as MessageKey)}：${String(a.account)}${a.revokedAt ? ` (${t('emp.accountRevoked')})` : ''}`).join('\n') || '—';
  }
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** What a conflict is about, in one line: the employee's name and number, or the document id. */
function docTitle(item: ConflictItem): string {
  const s = item.serverState as Row;
  if (item.collection === 'employees' && typeof s.name === 'string') return `${s.name}（${String(s.employeeNo ?? '')}）`;
  if (typeof s.name === 'string') return s.name;
  return item.docId;
}

/** "user:admin" → "admin" (a terminal reads "terminal:一厂大门"). */
const principalName = (reportedBy: string) => reportedBy.replace(/^(user|terminal):/, '');

/**
 * HR's list of edits that lost against a concurrent change (the server kept its version and stored the
 * losing one). Each can be resolved by keeping the server version, taking the losing one, or merging field
 * by field; the result is written on the server as a new version and replicates to every terminal.
 */
export function ConflictsPage({ id }: { id: string | null }) {
  const t = useT();
  const [status, setStatus] = useState<'open' | 'resolved'>('open');
  const { allowed, items, error, refresh } = useConflicts(status);
  const { session } = useSync();
  const selected = id ? (items?.find((c) => c.id === id) ?? null) : null;

  if (!allowed) {
    return (
      <Box p="lg" data-testid="conflicts-page">
        <PageHeader title={t('cf.title')} />
        <Alert color="gray" icon={<IconAlertTriangle size={16} />} data-testid="conflicts-forbidden">
          {session?.token ? t('cf.forbidden') : t('cf.needsServer')}
        </Alert>
      </Box>
    );
  }

  if (id && selected) return <ConflictDetail item={selected} onResolved={() => { refresh(); navigate('/conflicts'); }} />;

  return (
    <Box p="lg" data-testid="conflicts-page">
      <PageHeader
        title={
          <Group gap="xs">
            {t('cf.title')}
            {status === 'open' && items && items.length > 0 && (
              <Badge color="orange" variant="filled" data-testid="conflicts-open-count">
                {items.length}
              </Badge>
            )}
          </Group>
        }
        subtitle={t('cf.subtitle')}
        before={
          <UnstyledButton onClick={() => navigate('/settings')} c="dimmed" fz="sm">
            <Group gap={4}>
              <IconArrowLeft size={14} />
              {t('set.title')}
            </Group>
          </UnstyledButton>
        }
        actions={
          <SegmentedControl
            size="xs"
            value={status}
            onChange={(v) => setStatus(v as 'open' | 'resolved')}
            data={[
              { value: 'open', label: t('cf.open') },
              { value: 'resolved', label: t('cf.resolved') },
            ]}
            data-testid="conflicts-filter"
          />
        }
      />
      {error && (
        <Alert color="orange" mb="md" icon={<IconAlertTriangle size={16} />}>
          {error}
        </Alert>
      )}
      {items && items.length === 0 ? (
        <EmptyState icon={<IconGitMerge size={24} />} title={status === 'open' ? t('cf.emptyOpen') : t('cf.emptyResolved')} hint={t('cf.emptyHint')} />
      ) : (
        <Paper withBorder radius="md">
          <Table verticalSpacing={8} highlightOnHover data-testid="conflicts-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('cf.collection')}</Table.Th>
                <Table.Th>{t('cf.document')}</Table.Th>
                <Table.Th>{t('cf.when')}</Table.Th>
                <Table.Th>{t('cf.loser')}</Table.Th>
                <Table.Th>{t('cf.fields')}</Table.Th>
                {status === 'resolved' && <Table.Th>{t('cf.resolution')}</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(items ?? []).map((c) => {
                const changed = diffFields(c.serverState, c.losingState, FIELD_ORDER[c.collection]).filter((d) => d.differs);
                return (
                  <Table.Tr key={c.id} style={{ cursor: status === 'open' ? 'pointer' : undefined }} onClick={() => status === 'open' && navigate(`/conflicts/${encodeURIComponent(c.id)}`)} data-testid="conflict-row">
                    <Table.Td>{t(`set.collection.${c.collection}` as MessageKey)}</Table.Td>
                    <Table.Td fw={500}>{docTitle(c)}</Table.Td>
                    <Table.Td>{formatDateTime(c.createdAt)}</Table.Td>
                    <Table.Td>{principalName(c.reportedBy)}</Table.Td>
                    <Table.Td>
                      <FieldNames collection={c.collection} diffs={changed} />
                    </Table.Td>
                    {status === 'resolved' && (
                      <Table.Td>
                        {t(`cf.resolution.${c.resolution ?? 'keep-server'}` as MessageKey)} · {c.resolvedBy ? principalName(c.resolvedBy) : ''} {c.resolvedAt ? formatDateTime(c.resolvedAt) : ''}
                      </Table.Td>
                    )}
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Paper>
      )}
    </Box>
  );
}

function FieldNames({ collection, diffs }: { collection: string; diffs: FieldDiff[] }) {
  const t = useT();
  return <Text size="sm">{diffs.map((d) => fieldLabel(t, collection, d.path)).join('、') || '—'}</Text>;
}

function ConflictDetail({ item, onResolved }: { item: ConflictItem; onResolved: () => void }) {
  const t = useT();
  const org = useOrg();
  const { session } = useSync();
  const diffs = useMemo(() => diffFields(item.serverState, item.losingState, FIELD_ORDER[item.collection]), [item]);
  const differing = diffs.filter((d) => d.differs);
  const [choices, setChoices] = useState<Record<string, Choice>>({});
  const [busy, setBusy] = useState<string | null>(null);
  useEffect(() => setChoices(Object.fromEntries(differing.map((d) => [d.path, 'server' as Choice]))), [item.id]); // eslint-disable-line react-hooks/exhaustive-deps

  const resolve = async (request: ResolveConflictRequest) => {
    if (!session) return;
    setBusy(request.resolution);
    try {
      await resolveConflict(session, item.id, request);
      notifications.show({ color: 'teal', message: t('cf.resolvedToast') });
      onResolved();
    } catch (err) {
      notifications.show({ color: 'red', title: t('cf.resolveFailed'), message: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(null);
    }
  };
  const merge = () => resolve({ resolution: 'merged', document: mergeDocument(item.serverState, item.losingState, choices, Date.now()) });
  const updatedAt = (doc: Row) => (typeof doc.updatedAt === 'number' ? formatDateTime(doc.updatedAt) : '—');

  return (
    <Box p="lg" data-testid="conflict-detail">
      <PageHeader
        title={`${t(`set.collection.${item.collection}` as MessageKey)} · ${docTitle(item)}`}
        subtitle={t('cf.detailHint', { who: principalName(item.reportedBy), when: formatDateTime(item.createdAt) })}
        before={
          <UnstyledButton onClick={() => navigate('/conflicts')} c="dimmed" fz="sm">
            <Group gap={4}>
              <IconArrowLeft size={14} />
              {t('cf.title')}
            </Group>
          </UnstyledButton>
        }
      />
      <Paper withBorder radius="md">
        <Table verticalSpacing={8} withColumnBorders data-testid="conflict-diff">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={160}>{t('cf.field')}</Table.Th>
              <Table.Th>
                <Group gap={6}>
                  <IconServer size={15} />
                  {t('cf.serverVersion')}
                  <Text span size="xs" c="dimmed" fw={400}>
                    {updatedAt(item.serverState)}
                  </Text>
                </Group>
              </Table.Th>
              <Table.Th>
                <Group gap={6}>
                  <IconUserExclamation size={15} />
                  {t('cf.losingVersion')}
                  <Text span size="xs" c="dimmed" fw={400}>
                    {updatedAt(item.losingState)} · {principalName(item.reportedBy)}
                  </Text>
                </Group>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {diffs.map((d) => {
              const choice = choices[d.path] ?? 'server';
              const cell = (side: Choice, value: unknown) => {
                const picked = d.differs && choice === side;
                return (
                  <Table.Td
                    bg={picked ? (side === 'server' ? 'blue.0' : 'orange.0') : undefined}
                    style={{ whiteSpace: 'pre-line', cursor: d.differs ? 'pointer' : undefined }}
                    onClick={() => d.differs && setChoices((c) => ({ ...c, [d.path]: side }))}
                    data-testid={`diff-${side}-${d.path}`}
                  >
                    {d.differs ? (
                      <Radio
                        checked={picked}
                        onChange={() => setChoices((c) => ({ ...c, [d.path]: side }))}
                        label={showValue(t, org, item.collection, d.path, value)}
                        styles={{ label: { whiteSpace: 'pre-line' } }}
                        data-testid={`pick-${side}-${d.path}`}
                      />
                    ) : (
                      <Text size="sm" c="dimmed">
                        {showValue(t, org, item.collection, d.path, value)}
                      </Text>
                    )}
                  </Table.Td>
                );
              };
              return (
                <Table.Tr key={d.path} data-testid="diff-row" data-differs={d.differs}>
                  <Table.Td fw={d.differs ? 600 : 400}>
                    <Group gap={6} wrap="nowrap">
                      {fieldLabel(t, item.collection, d.path)}
                      {d.differs && <Badge size="xs" color="orange" variant="light">{t('cf.differs')}</Badge>}
                    </Group>
                  </Table.Td>
                  {cell('server', d.server)}
                  {cell('losing', d.losing)}
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Paper>
      <Stack gap={6} mt="md">
        <Text size="sm" c="dimmed">
          {t('cf.resolveHint')}
        </Text>
        <Group>
          <Button variant="default" leftSection={<IconServer size={16} />} loading={busy === 'keep-server'} disabled={!!busy} onClick={() => void resolve({ resolution: 'keep-server' })} data-testid="resolve-keep-server">
            {t('cf.keepServer')}
          </Button>
          <Button variant="default" leftSection={<IconUserExclamation size={16} />} loading={busy === 'take-losing'} disabled={!!busy} onClick={() => void resolve({ resolution: 'take-losing' })} data-testid="resolve-take-losing">
            {t('cf.takeLosing')}
          </Button>
          <Button leftSection={<IconGitMerge size={16} />} loading={busy === 'merged'} disabled={!!busy || differing.length === 0} onClick={() => void merge()} data-testid="resolve-merge">
            {t('cf.merge', { count: differing.filter((d) => choices[d.path] === 'losing').length })}
          </Button>
        </Group>
      </Stack>
    </Box>
  );
}
