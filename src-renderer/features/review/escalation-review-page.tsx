import { Alert, Group, Paper, ScrollArea, Select, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { useMemo, useState } from 'react';
import { reviewEscalations } from '#shared/escalation/escalation-review';
import { useT } from '../../i18n/i18n.tsx';
import { useEscalationItems } from '../cases/lost-contact-cases.tsx';
import { useOrg } from '../org/use-org.ts';
import { useRequests } from '../attendance/use-attendance-data.ts';
import { reviewByMonth } from './review-by-month.ts';

function minutes(m: number | null): string {
  if (m === null) return '—';
  return m < 120 ? `${m} min` : `${(m / 60).toFixed(1)} h`;
}

/** Review of story 1: lost-contact cases, time to first contact and misjudged absences, per month. */
export function EscalationReviewPage() {
  const t = useT();
  const { items, error } = useEscalationItems();
  const org = useOrg();
  const [site, setSite] = useState<string | null>(null);
  const requests = useRequests();
  const rows = useMemo(() => reviewByMonth((items ?? []).filter((i) => !site || i.siteId === site), requests ?? []), [items, site, requests]);
  const total = useMemo(() => reviewEscalations((items ?? []).filter((i) => !site || i.siteId === site)), [items, site]);

  const tiles: [key: string, label: string, value: string | number][] = [
    ['anomalies', t('rv.anomalies'), total.anomalies],
    ['casesOpened', t('rv.casesOpened'), total.casesOpened],
    ['casesOpen', t('rv.casesOpen'), total.casesOpen],
    ['medianFirstContact', t('rv.medianFirstContact'), minutes(total.minutesToFirstContact.median)],
    ['misjudged', t('rv.misjudged'), total.misjudged],
    ['correctedLater', t('rv.correctedLater'), rows.reduce((n, r) => n + r.correctedLater, 0)],
  ];

  return (
    <Stack gap="md" data-testid="review-page">
      {error && (
        <Alert color="orange" title={t('al.loadFailed')}>
          {error}
        </Alert>
      )}
      <Group>
        <Select label={t('al.site')} placeholder={t('al.allSites')} clearable w={180} data={org.sites.map((s) => ({ value: s.id, label: s.name }))} value={site} onChange={setSite} data-testid="review-site" />
      </Group>
      <SimpleGrid cols={6}>
        {tiles.map(([key, label, value]) => (
          <Paper key={key} withBorder radius="md" p="md">
            <Text size="xs" c="dimmed">
              {label}
            </Text>
            <Text fw={700} size="xl" data-testid="review-tile" data-tile={key}>
              {value}
            </Text>
          </Paper>
        ))}
      </SimpleGrid>
      <Paper withBorder radius="md">
        <ScrollArea>
          <Table verticalSpacing="xs" data-testid="review-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('rv.month')}</Table.Th>
                <Table.Th ta="right">{t('rv.anomalies')}</Table.Th>
                <Table.Th ta="right">{t('rv.resolvedBeforeCase')}</Table.Th>
                <Table.Th ta="right">{t('rv.casesOpened')}</Table.Th>
                <Table.Th ta="right">{t('rv.casesOpen')}</Table.Th>
                <Table.Th ta="right">{t('rv.returned')}</Table.Th>
                <Table.Th ta="right">{t('rv.reasonConfirmed')}</Table.Th>
                <Table.Th ta="right">{t('rv.dismissal')}</Table.Th>
                <Table.Th ta="right">{t('rv.misjudged')}</Table.Th>
                <Table.Th ta="right">{t('rv.correctedLater')}</Table.Th>
                <Table.Th ta="right">{t('rv.medianFirstContact')}</Table.Th>
                <Table.Th ta="right">{t('rv.maxFirstContact')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.length === 0 && (
                <Table.Tr>
                  <Table.Td colSpan={12}>
                    <Text size="sm" c="dimmed" ta="center" py="md">
                      {items === null ? t('app.loading') : t('rv.empty')}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              )}
              {rows.map((r) => {
                const before = r.resolvedBeforeCase.employee + r.resolvedBeforeCase.emergency_contact + r.resolvedBeforeCase.punch + r.resolvedBeforeCase.hr;
                return (
                  <Table.Tr key={r.month} data-testid="review-row" data-month={r.month}>
                    <Table.Td>{r.month}</Table.Td>
                    <Table.Td ta="right" data-testid="review-anomalies">{r.anomalies}</Table.Td>
                    <Table.Td ta="right">{before}</Table.Td>
                    <Table.Td ta="right" data-testid="review-cases">{r.casesOpened}</Table.Td>
                    <Table.Td ta="right" data-testid="review-cases-open">{r.casesOpen}</Table.Td>
                    <Table.Td ta="right" data-testid="review-returned">{r.casesClosed.returned}</Table.Td>
                    <Table.Td ta="right" data-testid="review-reason-confirmed">{r.casesClosed.reason_confirmed}</Table.Td>
                    <Table.Td ta="right" data-testid="review-dismissal">{r.casesClosed.dismissal_started}</Table.Td>
                    <Table.Td ta="right" data-testid="review-misjudged">{r.misjudged}</Table.Td>
                    <Table.Td ta="right" data-testid="review-corrected-later">{r.correctedLater}</Table.Td>
                    <Table.Td ta="right" data-testid="review-median-first-contact">{minutes(r.minutesToFirstContact.median)}</Table.Td>
                    <Table.Td ta="right" data-testid="review-max-first-contact">{minutes(r.minutesToFirstContact.max)}</Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </ScrollArea>
      </Paper>
      <Text size="xs" c="dimmed">
        {t('rv.note')}
      </Text>
    </Stack>
  );
}
