import { Select } from '@mantine/core';
import type { ReactNode } from 'react';
import { useT } from '../../i18n/i18n.tsx';
import { useAttendanceSetup } from '../attendance/use-attendance-data.ts';

/**
 * Picks an employee's shift or rotation. Offered are the ones for the employee's site and those for every
 * site; one already assigned stays listed even if it belongs to another site, so an edit never drops it.
 */
export function ScheduleSelect({ siteId, value, onChange, error }: { siteId: string | null; value: string | null; onChange: (id: string | null) => void; error?: ReactNode }) {
  const t = useT();
  const { shifts, rotations } = useAttendanceSetup();
  const offered = <S extends { id: string; siteId: string | null }>(list: S[]) => list.filter((s) => !s.siteId || !siteId || s.siteId === siteId || s.id === value);
  return (
    <Select
      label={t('sch.employeeField')}
      description={t('sch.employeeFieldHint')}
      clearable
      searchable
      value={value}
      onChange={onChange}
      error={error}
      data={[
        { group: t('sch.groupShifts'), items: offered(shifts).map((s) => ({ value: s.id, label: `${s.name} ${s.start}–${s.end}` })) },
        { group: t('sch.groupRotations'), items: offered(rotations).map((r) => ({ value: r.id, label: `${r.name}（${t('sch.cycleDays', { count: r.pattern.length })}）` })) },
      ]}
      data-testid="f-schedule"
    />
  );
}
