import { Badge, Group, Stack, Text, Tooltip } from '@mantine/core';
import { IconCloudCheck, IconCloudOff, IconCloudUpload, IconGitMerge, IconRefresh } from '@tabler/icons-react';
import { navigate } from '../app/router.ts';
import { useConflicts } from '../features/conflicts/conflicts-api.ts';
import { useT } from '../i18n/i18n.tsx';
import { useSync } from '../sync/sync-provider.tsx';

const time = (ms: number) => new Date(ms).toLocaleTimeString('zh-CN', { hour12: false, timeZone: 'Asia/Shanghai' });

/** Header indicator: online/offline, pending changes, last sync and the latest problem; opens the settings. */
export function SyncStatusBadge() {
  const t = useT();
  const { session, status } = useSync();
  const conflicts = useConflicts('open');
  const openConflicts = conflicts.items?.length ?? 0;
  let color = 'gray';
  let icon = <IconCloudOff size={12} />;
  let label = t('sync.local');
  const lines: string[] = [];
  if (session?.mode === 'offline' || !session) {
    lines.push(t('sync.localHint'));
  } else if (!session.token) {
    color = 'orange';
    label = t('sync.notConnected');
    lines.push(session.problem ?? '');
  } else if (status) {
    if (!status.online) {
      color = 'orange';
      label = status.pendingChanges > 0 ? `${t('sync.offline')} · ${t('sync.pending')} ${status.pendingChanges}` : t('sync.offline');
    } else if (status.active || status.pendingChanges > 0) {
      color = 'blue';
      icon = status.active ? <IconRefresh size={12} /> : <IconCloudUpload size={12} />;
      label = status.pendingChanges > 0 ? `${t('sync.syncing')} · ${status.pendingChanges}` : t('sync.syncing');
    } else {
      color = 'teal';
      icon = <IconCloudCheck size={12} />;
      label = t('sync.synced');
    }
    lines.push(`${t('sync.server')}: ${session.serverUrl ?? ''}${session.mode === 'embedded' ? ` (${t('sync.embedded')})` : ''}`);
    if (status.lastSyncAt) lines.push(`${t('sync.lastSync')}: ${time(status.lastSyncAt)}`);
    const latest = status.errors[0];
    if (latest) lines.push(`${t('sync.lastError')}: ${latest.message}`);
  }
  return (
    <Group gap={6} wrap="nowrap">
      <Tooltip
        withArrow
        multiline
        w={320}
        label={
          <Stack gap={2}>
            {lines.filter(Boolean).map((l) => (
              <Text key={l} size="xs">
                {l}
              </Text>
            ))}
          </Stack>
        }
      >
        <Badge
          data-testid="sync-status"
          data-state={color}
          variant="light"
          color={color}
          radius="sm"
          style={{ textTransform: 'none', cursor: 'pointer' }}
          fw={500}
          leftSection={icon}
          onClick={() => navigate('/settings')}
        >
          {label}
        </Badge>
      </Tooltip>
      {openConflicts > 0 && (
        <Badge
          data-testid="sync-conflicts"
          variant="filled"
          color="orange"
          radius="sm"
          style={{ textTransform: 'none', cursor: 'pointer' }}
          fw={500}
          leftSection={<IconGitMerge size={12} />}
          onClick={() => navigate('/conflicts')}
        >
          {t('cf.badge', { count: openConflicts })}
        </Badge>
      )}
    </Group>
  );
}
