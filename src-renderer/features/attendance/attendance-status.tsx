import { Badge, Tooltip } from '@mantine/core';
import type { MessageKey } from '../../i18n/i18n.tsx';
import { useT } from '../../i18n/i18n.tsx';
import type { AttendanceRow, RowLabel } from './attendance-rows.ts';
import { rowLabel } from './attendance-rows.ts';

/**
 * Status colours and words. An absence reads 缺勤（未打卡）, never 旷工: absenteeism is a legal finding HR
 * makes after contact (see the escalation chain), not something a missing punch proves. An absence while a
 * lost-contact case is open reads 待联系.
 */
export const LABEL_COLOR: Record<RowLabel, string> = {
  present: 'teal',
  late: 'orange',
  early_leave: 'yellow',
  missing_punch: 'grape',
  absent: 'red',
  absent_contact_pending: 'violet',
  excused: 'cyan',
  on_leave: 'blue',
  rest: 'gray',
  holiday: 'gray',
  no_shift: 'gray',
  not_yet: 'gray',
  not_arrived: 'orange',
  on_duty: 'teal',
};

/** The order filters and counts are listed in: problems first. */
export const LABEL_ORDER: RowLabel[] = ['absent', 'absent_contact_pending', 'not_arrived', 'missing_punch', 'late', 'early_leave', 'present', 'on_duty', 'not_yet', 'on_leave', 'excused', 'rest', 'holiday', 'no_shift'];

export function labelKey(label: RowLabel): MessageKey {
  return `att.status.${label}` as MessageKey;
}

export function AttendanceBadge({ row, now }: { row: AttendanceRow; now: number }) {
  const t = useT();
  const label = rowLabel(row, now);
  let hint = '';
  if (label === 'missing_punch') hint = t(row.day?.missing === 'in' ? 'att.missingIn' : 'att.missingOut');
  if (label === 'holiday' && row.day?.holidayName) hint = row.day.holidayName;
  if (label === 'absent') hint = t('att.absentHint');
  if (label === 'not_yet' || label === 'on_duty') hint = t('att.inProgressHint');
  if (label === 'not_arrived') hint = t('att.notArrivedHint');
  return (
    <Tooltip label={hint} disabled={!hint} multiline w={260}>
      <Badge variant={label === 'absent' ? 'filled' : 'light'} color={LABEL_COLOR[label]} radius="sm" style={{ textTransform: 'none' }} data-testid="att-status" data-status={label}>
        {t(labelKey(label))}
      </Badge>
    </Tooltip>
  );
}
