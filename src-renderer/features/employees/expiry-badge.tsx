import { Badge } from '@mantine/core';
import { today } from '../../components/format.ts';
import { useT } from '../../i18n/i18n.tsx';
import { expiryOf } from './expiry.ts';

export function ExpiryBadge({ expiresOn }: { expiresOn: string | null }) {
  const t = useT();
  const e = expiryOf(expiresOn, today());
  if (e.state === 'ok') return null;
  return (
    <Badge data-testid="cert-expiry" color={e.state === 'expired' ? 'red' : 'orange'} variant="light" size="sm" radius="sm" style={{ textTransform: 'none' }}>
      {e.state === 'expired' ? t('emp.certExpired') : t('emp.certExpiring', { days: e.days })}
    </Badge>
  );
}
