import { Alert, SimpleGrid, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconPlugConnected } from '@tabler/icons-react';
import type { z } from 'zod';
import type { DeviceInfoOutput } from '#shared/ipc/devices-contract';
import type { Translate } from '../../i18n/i18n.tsx';
import { formatSkew, skewIsLarge } from './device-format.ts';

export type TestResult = z.infer<typeof DeviceInfoOutput>;

/** A bridge error's message (RenshiError carries a code and a readable message). */
export { errorMessage as errorText } from '../../components/form-errors.ts';

/** What a connection test found: identity, counts, clock skew and round-trip time. */
export function TestResultView({ t, result: r }: { t: Translate; result: TestResult }) {
  const items: [string, string][] = [
    [t('dev.serial'), r.serialNumber || '—'],
    [t('dev.firmware'), r.firmware || '—'],
    [t('dev.records'), String(r.recordCount)],
    [t('dev.users'), String(r.userCount)],
    [t('dev.deviceTime'), r.deviceTime],
    [t('dev.skew'), formatSkew(r.skewMs)],
    [t('dev.latency'), `${r.latencyMs} ms`],
  ];
  return (
    <Stack gap="sm" data-testid="test-result">
      <Alert color="teal" py="xs" icon={<IconPlugConnected size={18} />}>
        {t('dev.testOk')}
      </Alert>
      <SimpleGrid cols={2} spacing="xs">
        {items.map(([label, value]) => (
          <div key={label}>
            <Text size="xs" c="dimmed">
              {label}
            </Text>
            <Text size="sm" fw={500}>
              {value}
            </Text>
          </div>
        ))}
      </SimpleGrid>
      {skewIsLarge(r.skewMs) && (
        <Alert color="yellow" py="xs" icon={<IconAlertTriangle size={18} />}>
          {t('dev.skewHint')}
        </Alert>
      )}
    </Stack>
  );
}

