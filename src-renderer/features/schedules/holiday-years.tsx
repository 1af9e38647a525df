import { Text } from '@mantine/core';
import { useT } from '../../i18n/i18n.tsx';

/** The public-holiday calendar on file (bundled years and HR's own). */
export function HolidayYearsView() {
  const t = useT();
  return <Text c="dimmed">{t('hol.placeholder')}</Text>;
}
