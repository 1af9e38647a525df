import { Alert, Button, Group, NumberInput, SegmentedControl, Select, SimpleGrid, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconPlugConnected } from '@tabler/icons-react';
import { useState } from 'react';
import { newId } from '#shared/ids';
import { Device } from '#shared/schemas/attendance-setup';
import type { Site } from '#shared/schemas/org';
import { useRenshi, useWriteContext } from '../../app/context.tsx';
import { runFormSave } from '../../components/form-errors.ts';
import { saveRecord } from '../../db/records.ts';
import { useT } from '../../i18n/i18n.tsx';
import { errorText, TestResultView, type TestResult } from './test-result.tsx';

const DEFAULT_PORT = { zkteco: 4370, hanvon: 9922 } as const;

type Values = {
  name: string;
  siteId: string | null;
  driver: 'zkteco' | 'hanvon';
  host: string;
  port: number | string;
  transport: 'tcp' | 'udp';
  commKey: number | string;
  pollIntervalMinutes: number | string;
  enabled: boolean;
};

/** Add or edit a terminal. The record is validated with the shared Device schema and audited by saveRecord. */
export function DeviceForm({ device, sites, onDone }: { device: Device | null; sites: Site[]; onDone: () => void }) {
  const t = useT();
  const ctx = useWriteContext();
  const { api } = useRenshi();
  const [saving, setSaving] = useState(false);
  const [testing, setTesting] = useState(false);
  const [test, setTest] = useState<TestResult | { error: string } | null>(null);
  const form = useForm<Values>({
    initialValues: {
      name: device?.name ?? '',
      siteId: device?.siteId ?? sites[0]?.id ?? null,
      driver: device?.driver ?? 'zkteco',
      host: device?.host ?? '',
      port: device?.port ?? 4370,
      transport: device?.transport ?? 'tcp',
      commKey: device?.commKey ?? 0,
      pollIntervalMinutes: device?.pollIntervalMinutes ?? 5,
      enabled: device?.enabled ?? true,
    },
  });
  const v = form.values;
  const endpoint = () => ({ driver: v.driver, host: v.host.trim(), port: Number(v.port), transport: v.transport, commKey: Number(v.commKey) || 0 });

  const runTest = async () => {
    setTesting(true);
    setTest(null);
    try {
      setTest(await api.devicesTest(endpoint()));
    } catch (err) {
      setTest({ error: errorText(err) });
    } finally {
      setTesting(false);
    }
  };

  const save = (values: Values) => {
    // A successful test tells us the serial number, which names the device's punches.
    const serialNumber = test && 'serialNumber' in test ? test.serialNumber : (device?.serialNumber ?? '');
    return runFormSave({
      save: () =>
        saveRecord(
          ctx,
          'settings',
          Device,
          {
            id: device?.id ?? newId(),
            kind: 'device',
            name: values.name,
            siteId: values.siteId ?? '',
            ...endpoint(),
            serialNumber,
            pollIntervalMinutes: Number(values.pollIntervalMinutes),
            enabled: values.enabled,
          },
          device ? `device updated: ${values.name}` : `device added: ${values.name}`,
        ),
      form,
      t,
      setSaving,
      successMessage: t('common.saved'),
      onDone,
    });
  };

  return (
    <form onSubmit={form.onSubmit((values) => void save(values))} data-testid="device-form">
      <Stack gap="sm">
        <SimpleGrid cols={2}>
          <TextInput label={t('dev.name')} placeholder={t('dev.namePlaceholder')} withAsterisk {...form.getInputProps('name')} data-testid="device-name" />
          <Select label={t('dev.site')} withAsterisk data={sites.map((s) => ({ value: s.id, label: s.name }))} {...form.getInputProps('siteId')} data-testid="device-site" />
        </SimpleGrid>
        <div>
          <Text size="sm" fw={500} mb={4}>
            {t('dev.brand')}
          </Text>
          <SegmentedControl
            fullWidth
            value={v.driver}
            onChange={(d) => {
              form.setFieldValue('driver', d as Values['driver']);
              // Switching brand with the other brand's default port still in place: follow the brand.
              if (Number(v.port) === DEFAULT_PORT[v.driver]) form.setFieldValue('port', DEFAULT_PORT[d as Values['driver']]);
            }}
            data={[
              { value: 'zkteco', label: 'ZKTeco 中控' },
              { value: 'hanvon', label: '汉王 Hanvon' },
            ]}
            data-testid="device-driver"
          />
        </div>
        <SimpleGrid cols={3}>
          <TextInput label={t('dev.host')} placeholder="192.168.1.201" withAsterisk {...form.getInputProps('host')} data-testid="device-host" style={{ gridColumn: 'span 2' }} />
          <NumberInput label={t('dev.port')} min={1} max={65535} allowDecimal={false} withAsterisk {...form.getInputProps('port')} data-testid="device-port" />
        </SimpleGrid>
        <SimpleGrid cols={3}>
          {v.driver === 'zkteco' ? (
            <Select label={t('dev.transport')} data={['tcp', 'udp'].map((x) => ({ value: x, label: x.toUpperCase() }))} allowDeselect={false} {...form.getInputProps('transport')} />
          ) : (
            <div />
          )}
          <NumberInput label={t('dev.commKey')} description={t('dev.commKeyHint')} min={0} max={999999} allowDecimal={false} {...form.getInputProps('commKey')} />
          <NumberInput label={t('dev.pollInterval')} description={t('dev.pollIntervalHint')} min={1} max={1440} allowDecimal={false} {...form.getInputProps('pollIntervalMinutes')} data-testid="device-interval" />
        </SimpleGrid>
        <Switch label={t('dev.enabled')} {...form.getInputProps('enabled', { type: 'checkbox' })} />
        {test && 'error' in test && (
          <Alert color="red" py="xs" data-testid="device-form-test-error">
            {t('dev.testFailed', { error: test.error })}
          </Alert>
        )}
        {test && !('error' in test) && <TestResultView t={t} result={test} />}
        <Group justify="space-between" mt="xs">
          <Button variant="default" leftSection={<IconPlugConnected size={14} />} loading={testing} disabled={!v.host.trim() || !Number(v.port)} onClick={() => void runTest()} data-testid="device-form-test">
            {t('dev.test')}
          </Button>
          <Group gap="xs">
            <Button variant="default" onClick={onDone}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={saving} data-testid="device-save">
              {t('common.save')}
            </Button>
          </Group>
        </Group>
      </Stack>
    </form>
  );
}
