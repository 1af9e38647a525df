import { Badge, Tooltip } from '@mantine/core';
import { IconCloudOff } from '@tabler/icons-react';
import { useT } from '../i18n/i18n.tsx';

/**
 * Header slot for replication status. Until the sync client lands it states the truth: data is local only.
 * The sync work replaces the body with the live status (connected / syncing / offline, pending changes).
 */
export function SyncStatusBadge() {
  const t = useT();
  return (
    <Tooltip label={t('sync.localHint')} withArrow>
      <Badge data-testid="sync-status" variant="light" color="gray" radius="sm" style={{ textTransform: 'none' }} fw={500} leftSection={<IconCloudOff size={12} />}>
        {t('sync.local')}
      </Badge>
    </Tooltip>
  );
}
