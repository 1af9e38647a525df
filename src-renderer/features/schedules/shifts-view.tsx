import { ActionIcon, Badge, Button, Chip, Group, Modal, NumberInput, Select, SimpleGrid, Stack, Table, Text, TextInput, Tooltip } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconClock, IconPencil, IconTrash, IconUsersPlus } from '@tabler/icons-react';
import { useState } from 'react';
import type { Shift } from '#shared/schemas/attendance-setup';
import { useWriteContext } from '../../app/context.tsx';
import { EmptyState } from '../../components/empty-state.tsx';
import { runFormSave } from '../../components/form-errors.ts';
import { useT, type MessageKey, type Translate } from '../../i18n/i18n.tsx';
import { useOrg } from '../org/use-org.ts';
import { SchedulePanel, useScheduleActions, useSchedules } from './schedule-dialogs.tsx';
import { saveShift } from './schedule-records.ts';

export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;
export const weekdayLabel = (t: Translate, d: number) => t(`sch.wd.${d}` as MessageKey);

/** The shifts on file: hours, grace, work days and who is on each; create, edit, assign people, delete. */
export function ShiftsView() {
  const t = useT();
  const { setup, org, usage, names } = useSchedules();
  const actions = useScheduleActions(names, usage);
  const [editing, setEditing] = useState<Shift | 'new' | null>(null);

  return (
    <SchedulePanel title={`${t('sch.tabShifts')} · ${setup.shifts.length}`} newLabel={t('sch.newShift')} onNew={() => setEditing('new')} newTestId="shift-new">
      {setup.loaded && setup.shifts.length === 0 ? (
        <EmptyState icon={<IconClock size={22} />} title={t('sch.noShifts')} hint={t('sch.noShiftsHint')} />
      ) : (
        <Table highlightOnHover verticalSpacing={8} data-testid="shift-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('sch.shiftName')}</Table.Th>
              <Table.Th>{t('sch.site')}</Table.Th>
              <Table.Th>{t('sch.hours')}</Table.Th>
              <Table.Th>{t('sch.grace')}</Table.Th>
              <Table.Th>{t('sch.workDays')}</Table.Th>
              <Table.Th ta="right">{t('sch.assigned')}</Table.Th>
              <Table.Th w={120} />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {setup.shifts.map((s) => {
              const use = usage(s.id);
              return (
                <Table.Tr key={s.id} data-testid="shift-row">
                  <Table.Td fw={500}>
                    {s.name}
                    {use.rotations.length > 0 && (
                      <Text size="xs" c="dimmed">
                        {t('sch.usedByRotations', { names: use.rotations.map((r) => r.name).join('、') })}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{s.siteId ? (org.byId.get(s.siteId)?.name ?? s.siteId) : t('sch.allSites')}</Table.Td>
                  <Table.Td ff="monospace" data-testid="shift-hours">
                    {s.start}–{s.end}
                    {s.end <= s.start && (
                      <Badge ml={6} size="xs" variant="light" color="indigo" style={{ textTransform: 'none' }}>
                        {t('sch.crossesMidnight')}
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>{s.graceMinutes}</Table.Td>
                  <Table.Td>
                    <Group gap={2}>
                      {WEEKDAYS.map((d) => (
                        <Badge key={d} size="sm" radius="sm" variant={s.workDays.includes(d) ? 'filled' : 'outline'} color={s.workDays.includes(d) ? 'blue' : 'gray'} style={{ textTransform: 'none' }}>
                          {weekdayLabel(t, d)}
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                  <Table.Td ta="right" data-testid="shift-people">
                    {t('sch.assignedCount', { count: use.employees })}
                  </Table.Td>
                  <Table.Td>
                    <RowActions t={t} onEdit={() => setEditing(s)} onAssign={() => actions.assign(s)} onRemove={() => actions.remove(s)} />
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
      <Modal opened={editing !== null} onClose={() => setEditing(null)} title={<Text fw={600}>{editing === 'new' ? t('sch.newShift') : t('sch.editShift')}</Text>} size="lg" centered>
        {editing !== null && <ShiftForm shift={editing === 'new' ? null : editing} onDone={() => setEditing(null)} />}
      </Modal>
      {actions.dialogs}
    </SchedulePanel>
  );
}

export function RowActions({ t, onEdit, onAssign, onRemove }: { t: Translate; onEdit: () => void; onAssign: () => void; onRemove: () => void }) {
  return (
    <Group gap={4} justify="flex-end" wrap="nowrap">
      <Tooltip label={t('sch.assign')}>
        <ActionIcon variant="subtle" onClick={onAssign} aria-label={t('sch.assign')} data-testid="schedule-assign">
          <IconUsersPlus size={16} />
        </ActionIcon>
      </Tooltip>
      <Tooltip label={t('common.edit')}>
        <ActionIcon variant="subtle" onClick={onEdit} aria-label={t('common.edit')} data-testid="schedule-edit">
          <IconPencil size={16} />
        </ActionIcon>
      </Tooltip>
      <Tooltip label={t('sch.remove')}>
        <ActionIcon variant="subtle" color="red" onClick={onRemove} aria-label={t('sch.remove')} data-testid="schedule-remove">
          <IconTrash size={16} />
        </ActionIcon>
      </Tooltip>
    </Group>
  );
}

type ShiftValues = { name: string; siteId: string | null; start: string; end: string; graceMinutes: number | string; workDays: string[] };

function ShiftForm({ shift, onDone }: { shift: Shift | null; onDone: () => void }) {
  const t = useT();
  const ctx = useWriteContext();
  const org = useOrg();
  const [saving, setSaving] = useState(false);
  const form = useForm<ShiftValues>({
    initialValues: {
      name: shift?.name ?? '',
      siteId: shift?.siteId ?? null,
      start: shift?.start ?? '08:00',
      end: shift?.end ?? '17:00',
      graceMinutes: shift?.graceMinutes ?? 5,
      workDays: (shift?.workDays ?? [1, 2, 3, 4, 5]).map(String),
    },
  });
  const v = form.values;
  const save = (values: ShiftValues) =>
    runFormSave({
      save: () =>
        saveShift(ctx, {
          ...(shift ? { id: shift.id } : {}),
          name: values.name,
          siteId: values.siteId,
          start: values.start,
          end: values.end,
          graceMinutes: Number(values.graceMinutes),
          workDays: values.workDays.map(Number).sort((a, b) => a - b),
        }),
      form,
      t,
      setSaving,
      successMessage: t('common.saved'),
      onDone,
    });
  return (
    <form onSubmit={form.onSubmit((values) => void save(values))} data-testid="shift-form">
      <Stack gap="sm">
        <SimpleGrid cols={2}>
          <TextInput label={t('sch.shiftName')} placeholder={t('sch.shiftNamePlaceholder')} withAsterisk {...form.getInputProps('name')} data-testid="shift-name" />
          <Select label={t('sch.site')} clearable placeholder={t('sch.allSites')} data={org.sites.map((s) => ({ value: s.id, label: s.name }))} {...form.getInputProps('siteId')} data-testid="shift-site" />
        </SimpleGrid>
        <SimpleGrid cols={3}>
          <TextInput type="time" label={t('sch.start')} withAsterisk {...form.getInputProps('start')} data-testid="shift-start" />
          <TextInput type="time" label={t('sch.end')} withAsterisk {...form.getInputProps('end')} data-testid="shift-end" />
          <NumberInput label={t('sch.grace')} min={0} max={240} allowDecimal={false} {...form.getInputProps('graceMinutes')} data-testid="shift-grace" />
        </SimpleGrid>
        {v.end && v.start && v.end <= v.start && (
          <Text size="xs" c="indigo" data-testid="shift-overnight">
            {t('sch.crossesMidnightHint')}
          </Text>
        )}
        <Text size="xs" c="dimmed">
          {t('sch.graceHint')}
        </Text>
        <div>
          <Text size="sm" fw={500} mb={4}>
            {t('sch.workDays')}
          </Text>
          <Chip.Group multiple value={v.workDays} onChange={(days) => form.setFieldValue('workDays', days)}>
            <Group gap={6}>
              {WEEKDAYS.map((d) => (
                <Chip key={d} value={String(d)} size="sm" wrapperProps={{ 'data-testid': `shift-wd-${d}` }}>
                  {weekdayLabel(t, d)}
                </Chip>
              ))}
            </Group>
          </Chip.Group>
          <Text size="xs" c="dimmed" mt={4}>
            {t('sch.workDaysHint')}
          </Text>
          {form.errors.workDays && (
            <Text size="xs" c="red">
              {form.errors.workDays}
            </Text>
          )}
        </div>
        <Group justify="flex-end" gap="xs" mt="xs">
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={saving} data-testid="shift-save">
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
