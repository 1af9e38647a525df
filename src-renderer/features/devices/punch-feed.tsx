import { Badge, Group, Paper, Table, Text } from '@mantine/core';
import { IconFingerprint } from '@tabler/icons-react';
import { useMemo } from 'react';
import type { DeviceStatus } from '#shared/ipc/devices-contract';
import type { Device } from '#shared/schemas/attendance-setup';
import type { Employee } from '#shared/schemas/employee';
import { EmptyState } from '../../components/empty-state.tsx';
import { formatDateTime } from '../../components/format.ts';
import { useT } from '../../i18n/i18n.tsx';
import { employeesById, employeesByPin, useLatestPunches } from './use-devices.ts';

const FEED_SIZE = 30;

/** Device name by serial number: the poller learns serials on pull, a device form learns it on test. */
export function deviceNamesBySerial(devices: readonly Device[], statuses: ReadonlyMap<string, DeviceStatus>): Map<string, string> {
  const m = new Map<string, string>();
  for (const d of devices) {
    const serial = statuses.get(d.id)?.serialNumber || d.serialNumber;
    if (serial) m.set(serial, d.name);
  }
  return m;
}

/** The latest punches, newest first, live as batches are stored. */
export function PunchFeed({ devices, statuses, employees }: { devices: Device[]; statuses: ReadonlyMap<string, DeviceStatus>; employees: Employee[] }) {
  const t = useT();
  const punches = useLatestPunches(FEED_SIZE);
  const byId = useMemo(() => employeesById(employees), [employees]);
  const byPin = useMemo(() => employeesByPin(employees), [employees]);
  const deviceName = useMemo(() => deviceNamesBySerial(devices, statuses), [devices, statuses]);
  return (
    <Paper withBorder radius="md">
      <Group justify="space-between" px="md" py="sm" style={{ borderBottom: '1px solid var(--mantine-color-gray-2)' }}>
        <Group gap={8}>
          <IconFingerprint size={16} />
          <Text fw={600} size="sm">
            {t('dev.feed')}
          </Text>
          <Text size="xs" c="dimmed">
            {t('dev.feedHint', { count: FEED_SIZE })}
          </Text>
        </Group>
      </Group>
      {punches && punches.length === 0 ? (
        <EmptyState icon={<IconFingerprint size={22} />} title={t('dev.feedEmpty')} hint={t('dev.feedEmptyHint')} />
      ) : (
        <Table verticalSpacing={6} data-testid="punch-feed">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={170}>{t('dev.punchTime')}</Table.Th>
              <Table.Th>{t('dev.employee')}</Table.Th>
              <Table.Th>{t('dev.device')}</Table.Th>
              <Table.Th w={120}>{t('dev.source')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(punches ?? []).map((p) => {
              const e = (p.employeeId ? byId.get(p.employeeId) : undefined) ?? byPin.get(p.pin);
              return (
                <Table.Tr key={p.id} data-testid="feed-row">
                  <Table.Td ff="monospace" fz="sm">
                    {formatDateTime(p.at)}
                  </Table.Td>
                  <Table.Td>
                    {e ? (
                      <Text size="sm">
                        <Text span fw={500}>
                          {e.name}
                        </Text>{' '}
                        <Text span c="dimmed" size="xs">
                          {e.employeeNo}
                        </Text>
                      </Text>
                    ) : (
                      <Badge color="orange" variant="light" radius="sm" style={{ textTransform: 'none' }}>
                        {t('dev.unmatchedPin', { pin: p.pin })}
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{deviceName.get(p.deviceSerial) ?? p.deviceSerial}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs" c="dimmed">
                      {t(`dev.source.${p.source}`)}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}
