import { Alert, Badge, Button, Group, Paper, ScrollArea, Select, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMemo, useState } from 'react';
import type { Employee } from '#shared/schemas/employee';
import { useWriteContext } from '../../app/context.tsx';
import { today } from '../../components/format.ts';
import { saveEmployee } from '../../db/employees.ts';
import { useT } from '../../i18n/i18n.tsx';
import { useEmployees } from '../employees/use-employees.ts';
import { useOrg } from '../org/use-org.ts';
import { contactsDue, RECONFIRM_AFTER_DAYS } from './contacts-due.ts';

/** HR's quarterly re-confirmation list, with "confirmed with the employee" recorded by HR (audited like any edit). */
export function ContactReconfirmation() {
  const t = useT();
  const ctx = useWriteContext();
  const { employees, loaded } = useEmployees();
  const org = useOrg();
  const [site, setSite] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const on = today();
  const due = useMemo(() => contactsDue(employees, on).filter((d) => !site || d.employee.siteId === site), [employees, on, site]);

  const confirm = async (employee: Employee) => {
    setBusy(employee.id);
    try {
      await saveEmployee(ctx, {
        ...employee,
        sensitive: { ...employee.sensitive, emergencyContacts: employee.sensitive.emergencyContacts.map((c) => ({ ...c, lastConfirmedOn: on })) },
      });
      notifications.show({ color: 'teal', message: t('ec.confirmed', { name: employee.name }) });
    } catch (err) {
      notifications.show({ color: 'red', message: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(null);
    }
  };

  return (
    <Stack gap="md" data-testid="contacts-due">
      <Alert color="blue" variant="light">
        {t('ec.hint', { days: RECONFIRM_AFTER_DAYS })}
      </Alert>
      <Group>
        <Select label={t('al.site')} placeholder={t('al.allSites')} clearable w={180} data={org.sites.map((s) => ({ value: s.id, label: s.name }))} value={site} onChange={setSite} />
        <Text size="sm" c="dimmed" mt="lg" data-testid="contacts-due-count">
          {t('ec.count', { count: due.length })}
        </Text>
      </Group>
      <Paper withBorder radius="md">
        <ScrollArea.Autosize mah={560}>
          <Table verticalSpacing="xs" stickyHeader data-testid="contacts-due-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('al.employee')}</Table.Th>
                <Table.Th>{t('al.site')}</Table.Th>
                <Table.Th>{t('ec.contacts')}</Table.Th>
                <Table.Th>{t('al.status')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {loaded && due.length === 0 && (
                <Table.Tr>
                  <Table.Td colSpan={5}>
                    <Text size="sm" c="dimmed" ta="center" py="md">
                      {t('ec.none')}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              )}
              {due.map(({ employee: e, reason, oldest }) => (
                <Table.Tr key={e.id} data-testid="contact-due-row">
                  <Table.Td>
                    {e.name}（{e.employeeNo}）
                  </Table.Td>
                  <Table.Td>{org.byId.get(e.siteId)?.name ?? ''}</Table.Td>
                  <Table.Td>
                    <Text size="sm">{e.sensitive.emergencyContacts.map((c) => `${c.name}${c.relation ? `（${c.relation}）` : ''} ${c.phone}`).join('；') || '—'}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={reason === 'stale' ? 'orange' : 'red'} radius="sm" style={{ textTransform: 'none' }}>
                      {reason === 'stale' ? t('ec.stale', { date: oldest ?? '' }) : t(reason === 'never' ? 'ec.never' : 'ec.noneOnFile')}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    {reason !== 'none_on_file' && (
                      <Button size="compact-sm" variant="light" loading={busy === e.id} onClick={() => void confirm(e)} data-testid="contact-confirm">
                        {t('ec.markConfirmed')}
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollArea.Autosize>
      </Paper>
    </Stack>
  );
}
