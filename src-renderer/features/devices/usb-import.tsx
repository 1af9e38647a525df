import { Alert, Badge, Button, FileInput, Group, ScrollArea, Select, SimpleGrid, Stack, Table, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconFileUpload } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import type { z } from 'zod';
import type { DeviceStatus, ImportPreviewOutput } from '#shared/ipc/devices-contract';
import type { Device } from '#shared/schemas/attendance-setup';
import type { Employee } from '#shared/schemas/employee';
import { useRenshi, useWriteContext } from '../../app/context.tsx';
import { formatDateTime } from '../../components/format.ts';
import { useT } from '../../i18n/i18n.tsx';
import { commitPunchImport } from './punch-import.ts';
import { errorText } from './test-result.tsx';
import { employeesByPin } from './use-devices.ts';

type Preview = z.infer<typeof ImportPreviewOutput>;
const MAX_FILE_BYTES = 24 * 1024 * 1024;
const SHOWN_ROWS = 100;

function base64Of(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error ?? new Error('cannot read file'));
    reader.readAsDataURL(file);
  });
}

/**
 * Punches from a terminal's USB export (ZKTeco attlog .dat, Hanvon CSV) when the device cannot be reached
 * over the network: pick the device (its serial names the punches, so a later network pull of the same
 * records adds nothing), preview with row errors, then import all or nothing.
 */
export function UsbImport({ devices, statuses, employees, onDone }: { devices: Device[]; statuses: ReadonlyMap<string, DeviceStatus>; employees: Employee[]; onDone: () => void }) {
  const t = useT();
  const { api } = useRenshi();
  const ctx = useWriteContext();
  const [deviceId, setDeviceId] = useState<string | null>(devices[0]?.id ?? null);
  const device = devices.find((d) => d.id === deviceId) ?? null;
  const knownSerial = device ? statuses.get(device.id)?.serialNumber || device.serialNumber : '';
  const [serialInput, setSerialInput] = useState('');
  const serial = knownSerial || serialInput.trim();
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [working, setWorking] = useState(false);
  const byPin = useMemo(() => employeesByPin(employees), [employees]);

  const load = async () => {
    if (!file || !serial) return;
    setWorking(true);
    setError(null);
    setPreview(null);
    try {
      if (file.size > MAX_FILE_BYTES) throw new Error(t('dev.importTooLarge'));
      setPreview(await api.devicesImportFile({ fileName: file.name, contentBase64: await base64Of(file), deviceSerial: serial }));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setWorking(false);
    }
  };

  const commit = async () => {
    if (!preview || !file) return;
    setWorking(true);
    try {
      const ids = new Map([...byPin].map(([pin, e]) => [pin, e.id]));
      const r = await commitPunchImport(ctx, preview, { fileName: file.name, siteId: device?.siteId ?? null, employeeByPin: ids });
      notifications.show({ color: 'teal', title: t('dev.imported'), message: t('dev.importedDetail', { added: r.added, stored: r.stored }) });
      onDone();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setWorking(false);
    }
  };

  const unmatched = preview ? preview.rows.filter((r) => !byPin.has(r.pin)).length : 0;
  return (
    <Stack gap="sm" data-testid="usb-import">
      <Text size="sm" c="dimmed">
        {t('dev.importHint')}
      </Text>
      <SimpleGrid cols={2}>
        <Select
          label={t('dev.importDevice')}
          withAsterisk
          allowDeselect={false}
          data={devices.map((d) => ({ value: d.id, label: d.name }))}
          value={deviceId}
          onChange={(v) => {
            setDeviceId(v);
            setPreview(null);
          }}
          data-testid="import-device"
        />
        {knownSerial ? (
          <TextInput label={t('dev.serial')} value={knownSerial} readOnly />
        ) : (
          <TextInput label={t('dev.serial')} description={t('dev.serialNeeded')} withAsterisk value={serialInput} onChange={(e) => setSerialInput(e.currentTarget.value)} data-testid="import-serial" />
        )}
      </SimpleGrid>
      <FileInput
        label={t('dev.importFile')}
        placeholder={t('dev.importFilePlaceholder')}
        accept=".dat,.csv,.txt"
        clearable
        leftSection={<IconFileUpload size={16} />}
        value={file}
        onChange={(f) => {
          setFile(f);
          setPreview(null);
          setError(null);
        }}
        data-testid="import-file"
      />
      <Group justify="flex-end">
        <Button variant="default" onClick={() => void load()} loading={working && !preview} disabled={!file || !serial} data-testid="import-preview">
          {t('dev.importPreview')}
        </Button>
      </Group>
      {error && (
        <Alert color="red" icon={<IconAlertTriangle size={18} />} py="xs" data-testid="import-error">
          {error}
        </Alert>
      )}
      {preview && (
        <>
          <Group gap="xs">
            <Badge variant="light" radius="sm" style={{ textTransform: 'none' }}>
              {preview.format === 'zkteco-attlog' ? 'ZKTeco attlog' : 'Hanvon CSV'}
            </Badge>
            <Badge variant="light" color="teal" radius="sm" style={{ textTransform: 'none' }} data-testid="import-row-count">
              {t('dev.importRows', { count: preview.rows.length })}
            </Badge>
            {preview.duplicates > 0 && (
              <Badge variant="light" color="gray" radius="sm" style={{ textTransform: 'none' }}>
                {t('dev.importDuplicates', { count: preview.duplicates })}
              </Badge>
            )}
            {unmatched > 0 && (
              <Badge variant="light" color="orange" radius="sm" style={{ textTransform: 'none' }}>
                {t('dev.importUnmatched', { count: unmatched })}
              </Badge>
            )}
            {preview.errors.length > 0 && (
              <Badge variant="filled" color="red" radius="sm" style={{ textTransform: 'none' }} data-testid="import-error-count">
                {t('dev.importErrors', { count: preview.errors.length })}
              </Badge>
            )}
          </Group>
          {preview.errors.length > 0 && (
            <Alert color="red" py="xs" title={t('dev.importRefused')}>
              <ScrollArea.Autosize mah={160}>
                <Table fz="xs" verticalSpacing={2}>
                  <Table.Tbody>
                    {preview.errors.slice(0, 200).map((e, i) => (
                      <Table.Tr key={`${e.line}-${i}`} data-testid="import-error-row">
                        <Table.Td w={90}>{t('dev.importLine', { line: e.line })}</Table.Td>
                        <Table.Td>{e.message}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </ScrollArea.Autosize>
            </Alert>
          )}
          <ScrollArea.Autosize mah={280}>
            <Table fz="sm" verticalSpacing={4} striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={70}>{t('dev.importLineHead')}</Table.Th>
                  <Table.Th w={170}>{t('dev.punchTime')}</Table.Th>
                  <Table.Th w={100}>{t('dev.pin')}</Table.Th>
                  <Table.Th>{t('dev.employee')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {preview.rows.slice(0, SHOWN_ROWS).map((r) => {
                  const e = byPin.get(r.pin);
                  return (
                    <Table.Tr key={r.id}>
                      <Table.Td c="dimmed">{r.line}</Table.Td>
                      <Table.Td ff="monospace">{formatDateTime(r.at)}</Table.Td>
                      <Table.Td>{r.pin}</Table.Td>
                      <Table.Td>{e ? e.name : <Text span c="orange.8" size="sm">{t('dev.unmatchedShort')}</Text>}</Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
            {preview.rows.length > SHOWN_ROWS && (
              <Text size="xs" c="dimmed" ta="center" py={4}>
                {t('dev.importMore', { count: preview.rows.length - SHOWN_ROWS })}
              </Text>
            )}
          </ScrollArea.Autosize>
          <Group justify="flex-end">
            <Button variant="default" onClick={onDone}>
              {t('common.cancel')}
            </Button>
            <Button onClick={() => void commit()} loading={working} disabled={preview.errors.length > 0 || preview.rows.length === 0} data-testid="import-commit">
              {t('dev.importCommit', { count: preview.rows.length })}
            </Button>
          </Group>
        </>
      )}
    </Stack>
  );
}
