import { Alert, Badge, Button, Checkbox, Group, Modal, SegmentedControl, Select, SimpleGrid, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconInfoCircle } from '@tabler/icons-react';
import { useState } from 'react';
import type { z } from 'zod';
import { LeaveType } from '#shared/schemas/leave';
import type { Punch } from '#shared/schemas/punch';
import { runFormSave } from '../../components/form-errors.ts';
import { formatDateTime } from '../../components/format.ts';
import { useT, type MessageKey } from '../../i18n/i18n.tsx';
import type { AttendanceRow } from './attendance-rows.ts';
import { requestCorrection, requestLeave } from './attendance-requests.ts';
import { useRequestActor } from './request-decider.ts';

type Target = { row: AttendanceRow; dayPunches: Punch[] };

/** 补卡 / 考勤更正: a separate record with a reason; the raw punches stay untouched. */
export function CorrectionDialog({ target, onClose }: { target: Target | null; onClose: () => void }) {
  const t = useT();
  return (
    <Modal opened={target !== null} onClose={onClose} size="lg" title={<Text fw={600}>{t('att.correctionTitle', { name: target?.row.employee.name ?? '', date: target?.row.day?.date ?? '' })}</Text>}>
      {target && <CorrectionForm target={target} onDone={onClose} />}
    </Modal>
  );
}

function CorrectionForm({ target, onDone }: { target: Target; onDone: () => void }) {
  const t = useT();
  const { ctx } = useRequestActor();
  const [saving, setSaving] = useState(false);
  const day = target.row.day!;
  const shift = target.row.shift!;
  const overnight = shift.end <= shift.start;
  // Suggest the missing side: the shift's start for a missing clock-in, its end otherwise.
  const suggested = day.missing === 'in' || !day.inAt ? shift.start : shift.end;
  const form = useForm({
    initialValues: {
      action: 'add_punch' as 'add_punch' | 'void_punch' | 'excuse_absence',
      time: suggested,
      nextDay: overnight && suggested === shift.end,
      punchId: null as string | null,
      endDate: day.date,
      reason: '',
    },
    validate: {
      reason: (v) => (v.trim() ? null : t('att.reasonRequired')),
      time: (v, values) => (values.action === 'add_punch' && !/^([01]\d|2[0-3]):[0-5]\d$/.test(v) ? t('att.timeRequired') : null),
      punchId: (v, values) => (values.action === 'void_punch' && !v ? t('att.punchRequired') : null),
      endDate: (v, values) => (values.action === 'excuse_absence' && v < day.date ? t('att.endBeforeStart') : null),
    },
  });
  const v = form.values;
  const save = () => runFormSave({ save: () => requestCorrection(ctx, { employeeId: target.row.employee.id, date: day.date, ...v }), form, t, setSaving, successMessage: t('att.requestSaved'), onDone });
  return (
    <form onSubmit={form.onSubmit(() => void save())} data-testid="correction-form">
      <Stack gap="sm">
        <Alert color="blue" py="xs" icon={<IconInfoCircle size={18} />}>
          {t('att.correctionHint')}
        </Alert>
        <DayPunches punches={target.dayPunches} ignored={day.ignoredPunchIds} />
        <SegmentedControl
          fullWidth
          value={v.action}
          onChange={(a) => form.setFieldValue('action', a as typeof v.action)}
          data={[
            { value: 'add_punch', label: t('att.action.add_punch') },
            { value: 'void_punch', label: t('att.action.void_punch'), disabled: target.dayPunches.length === 0 },
            { value: 'excuse_absence', label: t('att.action.excuse_absence') },
          ]}
          data-testid="correction-action"
        />
        {v.action === 'add_punch' && (
          <Group align="flex-end">
            <TextInput type="time" label={t('att.punchAt')} withAsterisk w={160} {...form.getInputProps('time')} data-testid="correction-time" />
            {overnight && <Checkbox label={t('att.nextDay')} mb={8} {...form.getInputProps('nextDay', { type: 'checkbox' })} />}
          </Group>
        )}
        {v.action === 'void_punch' && (
          <Select
            label={t('att.punchToVoid')}
            withAsterisk
            data={target.dayPunches.map((p) => ({ value: p.id, label: `${formatDateTime(p.at)} · ${p.deviceSerial}` }))}
            {...form.getInputProps('punchId')}
          />
        )}
        {v.action === 'excuse_absence' && <TextInput type="date" label={t('att.excuseUntil')} description={t('att.excuseUntilHint')} min={day.date} w={220} {...form.getInputProps('endDate')} data-testid="correction-end-date" />}
        <Textarea label={t('att.reason')} placeholder={t('att.reasonPlaceholder')} withAsterisk autosize minRows={2} maxLength={500} {...form.getInputProps('reason')} data-testid="correction-reason" />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={saving} data-testid="correction-save">
            {t('att.submitRequest')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function LeaveDialog({ row, onClose }: { row: AttendanceRow | null; onClose: () => void }) {
  const t = useT();
  return (
    <Modal opened={row !== null} onClose={onClose} size="lg" title={<Text fw={600}>{t('att.leaveTitle', { name: row?.employee.name ?? '' })}</Text>}>
      {row && <LeaveForm row={row} onDone={onClose} />}
    </Modal>
  );
}

const HALVES = ['full', 'am', 'pm'] as const;

function LeaveForm({ row, onDone }: { row: AttendanceRow; onDone: () => void }) {
  const t = useT();
  const { ctx } = useRequestActor();
  const [saving, setSaving] = useState(false);
  const date = row.day?.date ?? '';
  const form = useForm({
    initialValues: { type: 'personal' as z.infer<typeof LeaveType>, startDate: date, endDate: date, startHalf: 'full' as (typeof HALVES)[number], endHalf: 'full' as (typeof HALVES)[number], reason: '' },
    validate: {
      reason: (v) => (v.trim() ? null : t('att.reasonRequired')),
      endDate: (v, values) => (v < values.startDate ? t('att.endBeforeStart') : null),
    },
  });
  const save = () => runFormSave({ save: () => requestLeave(ctx, { employeeId: row.employee.id, ...form.values }), form, t, setSaving, successMessage: t('att.requestSaved'), onDone });
  const halfData = HALVES.map((h) => ({ value: h, label: t(`att.half.${h}` as MessageKey) }));
  return (
    <form onSubmit={form.onSubmit(() => void save())} data-testid="leave-form">
      <Stack gap="sm">
        <Select label={t('att.leaveType')} withAsterisk allowDeselect={false} data={LeaveType.options.map((x) => ({ value: x, label: t(`att.leave.${x}` as MessageKey) }))} {...form.getInputProps('type')} data-testid="leave-type" />
        <SimpleGrid cols={2}>
          <TextInput type="date" label={t('att.startDate')} withAsterisk {...form.getInputProps('startDate')} />
          <Select label={t('att.startHalf')} allowDeselect={false} data={halfData} {...form.getInputProps('startHalf')} />
          <TextInput type="date" label={t('att.endDate')} withAsterisk {...form.getInputProps('endDate')} />
          <Select label={t('att.endHalf')} allowDeselect={false} data={halfData} {...form.getInputProps('endHalf')} />
        </SimpleGrid>
        <Textarea label={t('att.reason')} withAsterisk autosize minRows={2} maxLength={500} {...form.getInputProps('reason')} data-testid="leave-reason" />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={saving} data-testid="leave-save">
            {t('att.submitRequest')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The day's raw punches, as evidence next to the correction; ones the computation left out are marked. */
function DayPunches({ punches, ignored }: { punches: Punch[]; ignored: string[] }) {
  const t = useT();
  const sorted = [...punches].sort((a, b) => a.at - b.at);
  return (
    <div>
      <Text size="sm" fw={500} mb={4}>
        {t('att.dayPunches')}
      </Text>
      {sorted.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('att.noPunches')}
        </Text>
      ) : (
        <Group gap={6}>
          {sorted.map((p) => (
            <Badge key={p.id} variant="outline" color={ignored.includes(p.id) ? 'gray' : 'dark'} radius="sm" fw={500} style={{ textTransform: 'none' }} title={p.deviceSerial}>
              {formatDateTime(p.at).slice(5)}
              {ignored.includes(p.id) ? ` · ${t('att.ignoredPunch')}` : ''}
            </Badge>
          ))}
        </Group>
      )}
    </div>
  );
}
