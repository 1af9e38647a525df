import { ActionIcon, Alert, Badge, Box, Button, Group, Menu, Modal, Paper, SimpleGrid, Stack, Table, Text, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconClockCog, IconDeviceDesktop, IconDotsVertical, IconDownload, IconPencil, IconPlugConnected, IconPlus, IconTrash, IconUpload } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import type { DeviceStatus } from '#shared/ipc/devices-contract';
import type { Device } from '#shared/schemas/attendance-setup';
import { useRenshi } from '../../app/context.tsx';
import { EmptyState } from '../../components/empty-state.tsx';
import { formatDateTime } from '../../components/format.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { useT, type Translate } from '../../i18n/i18n.tsx';
import { useEmployees } from '../employees/use-employees.ts';
import { useOrg } from '../org/use-org.ts';
import { DeviceForm } from './device-form.tsx';
import { deviceHealth, formatSkew, skewIsLarge, type DeviceHealth } from './device-format.ts';
import { PunchFeed } from './punch-feed.tsx';
import { errorText, TestResultView, type TestResult } from './test-result.tsx';
import { UsbImport } from './usb-import.tsx';
import { useDeviceDocs, useDeviceStatuses, useUnmatchedCounts } from './use-devices.ts';

const HEALTH_COLOR: Record<DeviceHealth, string> = { disabled: 'gray', never: 'gray', pulling: 'blue', ok: 'teal', unreachable: 'red', error: 'orange' };

export function DevicesPage() {
  const t = useT();
  const { api } = useRenshi();
  const { devices, loaded } = useDeviceDocs();
  const statuses = useDeviceStatuses();
  const org = useOrg();
  const { employees } = useEmployees();
  const unmatched = useUnmatchedCounts(employees);
  const [editing, setEditing] = useState<Device | 'new' | null>(null);
  const [importing, setImporting] = useState(false);
  const [tested, setTested] = useState<Map<string, TestResult>>(new Map());
  const [testShown, setTestShown] = useState<{ device: Device; result: TestResult } | null>(null);
  const [clearing, setClearing] = useState<Device | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const serialOf = (d: Device) => statuses.get(d.id)?.serialNumber || d.serialNumber || tested.get(d.id)?.serialNumber || '';

  async function run<T>(key: string, work: () => Promise<T>, done: (r: T) => void) {
    setBusy(key);
    try {
      done(await work());
    } catch (err) {
      notifications.show({ color: 'red', title: t('dev.actionFailed'), message: errorText(err) });
    } finally {
      setBusy(null);
    }
  }

  const testDevice = (d: Device) =>
    run(`test:${d.id}`, () => api.devicesTest({ driver: d.driver, host: d.host, port: d.port, transport: d.transport, commKey: d.commKey }), (r) => {
      setTested((prev) => new Map(prev).set(d.id, r));
      setTestShown({ device: d, result: r });
    });
  const pullNow = (d: Device) =>
    run(`pull:${d.id}`, () => api.devicesPullNow({ deviceId: d.id }), (r) =>
      notifications.show({ color: 'teal', title: t('dev.pulled', { name: d.name }), message: t('dev.pulledDetail', { read: r.read, delivered: r.delivered, skipped: r.skipped }) }),
    );
  const setTime = (d: Device) =>
    run(`time:${d.id}`, () => api.devicesSetTime({ deviceId: d.id }), (r) => notifications.show({ color: 'teal', title: t('dev.timeSet', { name: d.name }), message: r.deviceTime }));

  const alerts = useMemo(() => {
    const list: { key: string; color: string; text: string }[] = [];
    for (const d of devices) {
      const s = statuses.get(d.id);
      if (!d.enabled || !s) continue;
      const h = deviceHealth(s, d.enabled);
      if (h === 'unreachable')
        list.push({ key: `u-${d.id}`, color: 'red', text: t('dev.alertUnreachable', { name: d.name, since: s.failingSince ? formatDateTime(s.failingSince) : '—', error: s.lastError?.message ?? '' }) });
      else if (h === 'error') list.push({ key: `e-${d.id}`, color: 'orange', text: t('dev.alertError', { name: d.name, error: s.lastError?.message ?? '' }) });
      if (s.alerts.includes('sink-failed')) list.push({ key: `s-${d.id}`, color: 'orange', text: t('dev.alertSink', { name: d.name }) });
      if (skewIsLarge(s.skewMs)) list.push({ key: `k-${d.id}`, color: 'yellow', text: t('dev.alertSkew', { name: d.name, skew: formatSkew(s.skewMs!) }) });
    }
    return list;
  }, [devices, statuses, t]);

  return (
    <Box p="lg">
      <PageHeader
        title={t('dev.title')}
        subtitle={t('dev.subtitle')}
        actions={
          <>
            <Button size="xs" variant="default" leftSection={<IconUpload size={14} />} onClick={() => setImporting(true)} data-testid="usb-import-open">
              {t('dev.usbImport')}
            </Button>
            <Button size="xs" leftSection={<IconPlus size={14} />} onClick={() => setEditing('new')} data-testid="new-device">
              {t('dev.add')}
            </Button>
          </>
        }
      />
      <Stack gap="md">
        {alerts.map((a) => (
          <Alert key={a.key} color={a.color} icon={<IconAlertTriangle size={18} />} py="xs" data-testid="device-alert">
            {a.text}
          </Alert>
        ))}
        <Paper withBorder radius="md">
          {loaded && devices.length === 0 ? (
            <EmptyState icon={<IconDeviceDesktop size={22} />} title={t('dev.empty')} hint={t('dev.emptyHint')} />
          ) : (
            <Table.ScrollContainer minWidth={1000}>
              <Table verticalSpacing={8} highlightOnHover data-testid="device-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('dev.name')}</Table.Th>
                    <Table.Th>{t('dev.address')}</Table.Th>
                    <Table.Th w={130}>{t('dev.state')}</Table.Th>
                    <Table.Th w={150}>{t('dev.lastContact')}</Table.Th>
                    <Table.Th w={120} ta="right">{t('dev.counts')}</Table.Th>
                    <Table.Th w={110}>{t('dev.skew')}</Table.Th>
                    <Table.Th w={90} ta="right">{t('dev.unmatched')}</Table.Th>
                    <Table.Th w={250} />
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {devices.map((d) => (
                    <DeviceRow
                      key={d.id}
                      t={t}
                      device={d}
                      siteName={org.byId.get(d.siteId)?.name ?? '—'}
                      status={statuses.get(d.id)}
                      test={tested.get(d.id)}
                      unmatched={unmatched.get(serialOf(d)) ?? 0}
                      busy={busy}
                      onTest={() => testDevice(d)}
                      onPull={() => pullNow(d)}
                      onSetTime={() => setTime(d)}
                      onEdit={() => setEditing(d)}
                      onClear={() => setClearing(d)}
                    />
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Paper>
        <PunchFeed devices={devices} statuses={statuses} employees={employees} />
      </Stack>

      <Modal opened={editing !== null} onClose={() => setEditing(null)} size="lg" title={<Text fw={600}>{t(editing === 'new' ? 'dev.add' : 'dev.edit')}</Text>}>
        {editing !== null && <DeviceForm device={editing === 'new' ? null : editing} sites={org.sites} onDone={() => setEditing(null)} />}
      </Modal>
      <Modal opened={testShown !== null} onClose={() => setTestShown(null)} title={<Text fw={600}>{t('dev.testResult', { name: testShown?.device.name ?? '' })}</Text>}>
        {testShown && <TestResultView t={t} result={testShown.result} />}
      </Modal>
      <Modal opened={importing} onClose={() => setImporting(false)} size="xl" title={<Text fw={600}>{t('dev.usbImport')}</Text>}>
        {importing && <UsbImport devices={devices} statuses={statuses} employees={employees} onDone={() => setImporting(false)} />}
      </Modal>
      <ClearLogDialog device={clearing} onClose={() => setClearing(null)} />
    </Box>
  );
}

function DeviceRow(props: {
  t: Translate;
  device: Device;
  siteName: string;
  status: DeviceStatus | undefined;
  test: TestResult | undefined;
  unmatched: number;
  busy: string | null;
  onTest: () => void;
  onPull: () => void;
  onSetTime: () => void;
  onEdit: () => void;
  onClear: () => void;
}) {
  const { t, device: d, status: s, test } = props;
  const health = deviceHealth(s, d.enabled);
  const skew = s?.skewMs ?? test?.skewMs ?? null;
  const lastContact = s?.lastSuccessAt ?? null;
  return (
    <Table.Tr data-testid="device-row" data-device-id={d.id}>
      <Table.Td>
        <Text fw={500} size="sm">
          {d.name}
        </Text>
        <Text size="xs" c="dimmed">
          {props.siteName}
          {s?.serialNumber || d.serialNumber ? ` · ${t('dev.serial')} ${s?.serialNumber || d.serialNumber}` : ''}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{d.driver === 'zkteco' ? 'ZKTeco 中控' : '汉王 Hanvon'}</Text>
        <Text size="xs" c="dimmed" ff="monospace">
          {d.host}:{d.port}
          {d.driver === 'zkteco' ? ` ${d.transport.toUpperCase()}` : ''}
        </Text>
      </Table.Td>
      <Table.Td>
        <Tooltip label={s?.lastError?.message ?? ''} disabled={!s?.lastError} multiline w={280}>
          <Badge variant="light" color={HEALTH_COLOR[health]} radius="sm" style={{ textTransform: 'none' }} data-testid="device-state">
            {t(`dev.health.${health}`)}
          </Badge>
        </Tooltip>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{lastContact ? formatDateTime(lastContact) : '—'}</Text>
        {s?.lastPull && (
          <Text size="xs" c="dimmed">
            {t('dev.lastPull', { delivered: s.lastPull.delivered, read: s.lastPull.read })}
          </Text>
        )}
      </Table.Td>
      <Table.Td ta="right">
        {test ? (
          <Text size="sm">{t('dev.countsValue', { records: test.recordCount, users: test.userCount })}</Text>
        ) : (
          <Text size="xs" c="dimmed">
            {t('dev.countsUnknown')}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        {skew === null ? (
          '—'
        ) : (
          <Group gap={4} wrap="nowrap">
            {skewIsLarge(skew) && <IconAlertTriangle size={14} color="var(--mantine-color-yellow-7)" />}
            <Text size="sm" c={skewIsLarge(skew) ? 'yellow.8' : undefined} fw={skewIsLarge(skew) ? 600 : undefined} data-testid="device-skew">
              {formatSkew(skew)}
            </Text>
          </Group>
        )}
      </Table.Td>
      <Table.Td ta="right">
        <Tooltip label={t('dev.unmatchedHint')} disabled={props.unmatched === 0} multiline w={280}>
          <Text size="sm" c={props.unmatched > 0 ? 'orange.8' : 'dimmed'} fw={props.unmatched > 0 ? 600 : undefined} data-testid="device-unmatched">
            {props.unmatched}
          </Text>
        </Tooltip>
      </Table.Td>
      <Table.Td>
        <Group gap={6} justify="flex-end" wrap="nowrap">
          <Button size="compact-sm" variant="default" leftSection={<IconPlugConnected size={14} />} loading={props.busy === `test:${d.id}`} onClick={props.onTest} data-testid="device-test">
            {t('dev.test')}
          </Button>
          <Button size="compact-sm" variant="light" leftSection={<IconDownload size={14} />} loading={props.busy === `pull:${d.id}` || s?.state === 'pulling'} disabled={!d.enabled} onClick={props.onPull} data-testid="device-pull">
            {t('dev.pullNow')}
          </Button>
          <ActionIcon variant="subtle" color="gray" onClick={props.onEdit} aria-label={t('common.edit')} data-testid="device-edit">
            <IconPencil size={16} />
          </ActionIcon>
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              <ActionIcon variant="subtle" color="gray" aria-label={t('dev.more')} data-testid="device-more" loading={props.busy === `time:${d.id}`}>
                <IconDotsVertical size={16} />
              </ActionIcon>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Item leftSection={<IconClockCog size={14} />} onClick={props.onSetTime} data-testid="device-set-time">
                {t('dev.setTime')}
              </Menu.Item>
              <Menu.Divider />
              <Menu.Item color="red" leftSection={<IconTrash size={14} />} onClick={props.onClear} data-testid="device-clear">
                {t('dev.clearLog')}
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}

/** Clearing the device log is destructive: the dialog says the log is pulled first, and needs a second click. */
function ClearLogDialog({ device, onClose }: { device: Device | null; onClose: () => void }) {
  const t = useT();
  const { api } = useRenshi();
  const [working, setWorking] = useState(false);
  const confirm = async () => {
    if (!device) return;
    setWorking(true);
    try {
      const r = await api.devicesClearLog({ deviceId: device.id, confirm: true });
      notifications.show({ color: 'teal', title: t('dev.cleared', { name: device.name }), message: t('dev.pulledDetail', { read: r.pulledFirst.read, delivered: r.pulledFirst.delivered, skipped: r.pulledFirst.skipped }) });
      onClose();
    } catch (err) {
      notifications.show({ color: 'red', title: t('dev.clearFailed'), message: errorText(err) });
    } finally {
      setWorking(false);
    }
  };
  return (
    <Modal opened={device !== null} onClose={onClose} centered title={<Text fw={600}>{t('dev.clearTitle', { name: device?.name ?? '' })}</Text>}>
      <Stack gap="md">
        <Alert color="red" icon={<IconAlertTriangle size={18} />}>
          {t('dev.clearWarning')}
        </Alert>
        <Text size="sm">{t('dev.clearPullsFirst')}</Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button color="red" loading={working} onClick={() => void confirm()} data-testid="device-clear-confirm">
            {t('dev.clearConfirm')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
