import { Box, Tabs } from '@mantine/core';
import { IconCalendarEvent, IconCalendarRepeat, IconClock } from '@tabler/icons-react';
import { useState } from 'react';
import { PageHeader } from '../../components/page-header.tsx';
import { useT } from '../../i18n/i18n.tsx';
import { HolidayYearsView } from './holiday-years.tsx';
import { RotationsView } from './rotations-view.tsx';
import { ShiftsView } from './shifts-view.tsx';

/** Where attendance is set up: the shifts, the rotations built from them, and the holiday calendar. */
export function SchedulesPage() {
  const t = useT();
  const [tab, setTab] = useState<string | null>('shifts');
  return (
    <Box p="lg">
      <PageHeader title={t('sch.title')} subtitle={t('sch.subtitle')} />
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="shifts" leftSection={<IconClock size={16} />} data-testid="tab-shifts">
            {t('sch.tabShifts')}
          </Tabs.Tab>
          <Tabs.Tab value="rotations" leftSection={<IconCalendarRepeat size={16} />} data-testid="tab-rotations">
            {t('sch.tabRotations')}
          </Tabs.Tab>
          <Tabs.Tab value="holidays" leftSection={<IconCalendarEvent size={16} />} data-testid="tab-holidays">
            {t('sch.tabHolidays')}
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="shifts">
          <ShiftsView />
        </Tabs.Panel>
        <Tabs.Panel value="rotations">
          <RotationsView />
        </Tabs.Panel>
        <Tabs.Panel value="holidays">
          <HolidayYearsView />
        </Tabs.Panel>
      </Tabs>
    </Box>
  );
}
