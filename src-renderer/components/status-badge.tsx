import { Badge } from '@mantine/core';
import type { EmployeeStatus } from '#shared/schemas/employee';
import { useT } from '../i18n/i18n.tsx';

const COLORS: Record<EmployeeStatus, string> = {
  probation: 'blue',
  active: 'teal',
  on_leave: 'cyan',
  suspended: 'orange',
  absent_without_leave: 'red',
  terminated: 'gray',
};

export const STATUS_ORDER: EmployeeStatus[] = ['probation', 'active', 'on_leave', 'suspended', 'absent_without_leave', 'terminated'];

export function StatusBadge({ status }: { status: EmployeeStatus }) {
  const t = useT();
  return (
    <Badge variant="light" color={COLORS[status]} radius="sm" size="sm" fw={500} style={{ textTransform: 'none' }}>
      {t(`status.${status}`)}
    </Badge>
  );
}
