import { ActionIcon, Alert, Badge, Button, Group, Modal, Paper, Select, SimpleGrid, Stack, Switch, Table, Text, TextInput, Tooltip } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconCalendarRepeat, IconMinus, IconPlus } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { isWorkingDay, type WorkCalendar } from '#shared/calendar/holiday-calendar';
import { planDays, rotationSchedule } from '#shared/attendance/work-schedule';
import { Rotation, type Shift } from '#shared/schemas/attendance-setup';
import { isoWeekday } from '#shared/time';
import { useWriteContext } from '../../app/context.tsx';
import { EmptyState } from '../../components/empty-state.tsx';
import { today } from '../../components/format.ts';
import { runFormSave } from '../../components/form-errors.ts';
import { useT, type Translate } from '../../i18n/i18n.tsx';
import { useOrg } from '../org/use-org.ts';
import { SchedulePanel, useScheduleActions, useSchedules } from './schedule-dialogs.tsx';
import { saveRotation } from './schedule-records.ts';
import { RowActions, weekdayLabel } from './shifts-view.tsx';

const REST = '__rest__';

/** Rotations (倒班): their cycle at a glance, who is on each; create, edit, assign people, delete. */
export function RotationsView() {
  const t = useT();
  const { setup, org, usage, names } = useSchedules();
  const actions = useScheduleActions(names, usage);
  const shiftById = useMemo(() => new Map(setup.shifts.map((s) => [s.id, s])), [setup.shifts]);
  const [editing, setEditing] = useState<Rotation | 'new' | null>(null);

  return (
    <SchedulePanel title={`${t('sch.tabRotations')} · ${setup.rotations.length}`} newLabel={t('sch.newRotation')} onNew={() => setEditing('new')} newDisabled={setup.shifts.length === 0} newTestId="rotation-new">
      {setup.loaded && setup.rotations.length === 0 ? (
        <EmptyState icon={<IconCalendarRepeat size={22} />} title={t('sch.noRotations')} hint={setup.shifts.length === 0 ? t('sch.noRotationsNeedShifts') : t('sch.noRotationsHint')} />
      ) : (
        <Table highlightOnHover verticalSpacing={8} data-testid="rotation-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('sch.rotationName')}</Table.Th>
              <Table.Th>{t('sch.site')}</Table.Th>
              <Table.Th>{t('sch.patternShort')}</Table.Th>
              <Table.Th>{t('sch.anchorDate')}</Table.Th>
              <Table.Th>{t('sch.observesHolidays')}</Table.Th>
              <Table.Th ta="right">{t('sch.assigned')}</Table.Th>
              <Table.Th w={120} />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {setup.rotations.map((r) => {
              const broken = rotationSchedule(r, shiftById) === null;
              return (
                <Table.Tr key={r.id} data-testid="rotation-row">
                  <Table.Td fw={500}>
                    {r.name}
                    <Text size="xs" c="dimmed">
                      {t('sch.cycleDays', { count: r.pattern.length })}
                    </Text>
                  </Table.Td>
                  <Table.Td>{r.siteId ? (org.byId.get(r.siteId)?.name ?? r.siteId) : t('sch.allSites')}</Table.Td>
                  <Table.Td>
                    {broken ? (
                      <Text size="xs" c="red">
                        {t('sch.brokenRotation')}
                      </Text>
                    ) : (
                      <PatternBadges t={t} pattern={r.pattern} shiftById={shiftById} />
                    )}
                  </Table.Td>
                  <Table.Td>{r.anchorDate}</Table.Td>
                  <Table.Td>{r.observesPublicHolidays ? t('common.yes') : t('common.no')}</Table.Td>
                  <Table.Td ta="right" data-testid="rotation-people">
                    {t('sch.assignedCount', { count: usage(r.id).employees })}
                  </Table.Td>
                  <Table.Td>
                    <RowActions t={t} onEdit={() => setEditing(r)} onAssign={() => actions.assign(r)} onRemove={() => actions.remove(r)} />
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
      <Modal opened={editing !== null} onClose={() => setEditing(null)} title={<Text fw={600}>{editing === 'new' ? t('sch.newRotation') : t('sch.editRotation')}</Text>} size="xl" centered>
        {editing !== null && <RotationForm rotation={editing === 'new' ? null : editing} shifts={setup.shifts} calendar={setup.calendar} onDone={() => setEditing(null)} />}
      </Modal>
      {actions.dialogs}
    </SchedulePanel>
  );
}

/** 白 白 夜 夜 休 休: the first character of each day's shift name, days off in grey. */
function PatternBadges({ t, pattern, shiftById }: { t: Translate; pattern: readonly (string | null)[]; shiftById: ReadonlyMap<string, Shift> }) {
  return (
    <Group gap={2} wrap="wrap" data-testid="rotation-pattern">
      {pattern.map((slot, i) => {
        const shift = slot ? shiftById.get(slot) : null;
        return (
          <Tooltip key={i} label={`${t('sch.slot', { n: i + 1 })}：${shift ? `${shift.name} ${shift.start}–${shift.end}` : t('sch.rest')}`}>
            <Badge size="sm" radius="sm" variant={shift ? 'light' : 'outline'} color={shift ? (shift.end <= shift.start ? 'indigo' : 'blue') : 'gray'} style={{ textTransform: 'none', minWidth: 26 }}>
              {shift ? shift.name.slice(0, 1) : t('sch.rest')}
            </Badge>
          </Tooltip>
        );
      })}
    </Group>
  );
}

type RotationValues = { name: string; siteId: string | null; anchorDate: string; pattern: string[]; observesPublicHolidays: boolean };

function RotationForm({ rotation, shifts, calendar, onDone }: { rotation: Rotation | null; shifts: Shift[]; calendar: WorkCalendar; onDone: () => void }) {
  const t = useT();
  const ctx = useWriteContext();
  const org = useOrg();
  const [saving, setSaving] = useState(false);
  const first = shifts[0]?.id ?? REST;
  const form = useForm<RotationValues>({
    initialValues: {
      name: rotation?.name ?? '',
      siteId: rotation?.siteId ?? null,
      anchorDate: rotation?.anchorDate ?? today(),
      pattern: rotation?.pattern.map((s) => s ?? REST) ?? [first, first, REST, REST],
      observesPublicHolidays: rotation?.observesPublicHolidays ?? true,
    },
  });
  const v = form.values;
  const input = (values: RotationValues) => ({
    name: values.name,
    siteId: values.siteId,
    anchorDate: values.anchorDate,
    pattern: values.pattern.map((s) => (s === REST ? null : s)),
    observesPublicHolidays: values.observesPublicHolidays,
  });
  // The preview follows the form as it is edited (nothing is saved until HR presses save).
  const preview = useMemo(() => {
    const parsed = Rotation.safeParse({ ...input(v), id: rotation?.id ?? 'preview', kind: 'rotation', updatedAt: 0 });
    if (!parsed.success) return null;
    const schedule = rotationSchedule(parsed.data, new Map(shifts.map((s) => [s.id, s])));
    return schedule ? planDays(schedule, calendar, today(), 14) : null;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [v, shifts, calendar]);
  const options = [...shifts.map((s) => ({ value: s.id, label: `${s.name} ${s.start}–${s.end}` })), { value: REST, label: t('sch.rest') }];
  const save = (values: RotationValues) =>
    runFormSave({
      save: () => saveRotation(ctx, { ...(rotation ? { id: rotation.id } : {}), ...input(values) }),
      form,
      t,
      setSaving,
      successMessage: t('common.saved'),
      onDone,
    });
  const patternError = form.errors.pattern;
  return (
    <form onSubmit={form.onSubmit((values) => void save(values))} data-testid="rotation-form">
      <Stack gap="sm">
        <SimpleGrid cols={3}>
          <TextInput label={t('sch.rotationName')} placeholder={t('sch.rotationNamePlaceholder')} withAsterisk {...form.getInputProps('name')} data-testid="rotation-name" />
          <Select label={t('sch.site')} clearable placeholder={t('sch.allSites')} data={org.sites.map((s) => ({ value: s.id, label: s.name }))} {...form.getInputProps('siteId')} data-testid="rotation-site" />
          <TextInput type="date" label={t('sch.anchorDate')} withAsterisk {...form.getInputProps('anchorDate')} data-testid="rotation-anchor" />
        </SimpleGrid>
        <Text size="xs" c="dimmed">
          {t('sch.anchorDateHint')}
        </Text>
        <div>
          <Group justify="space-between" mb={4}>
            <Text size="sm" fw={500}>
              {t('sch.pattern')} · {t('sch.cycleDays', { count: v.pattern.length })}
            </Text>
            <Group gap={4}>
              <Tooltip label={t('sch.removeDay')}>
                <ActionIcon variant="default" disabled={v.pattern.length <= 2} onClick={() => form.setFieldValue('pattern', v.pattern.slice(0, -1))} aria-label={t('sch.removeDay')} data-testid="rotation-remove-day">
                  <IconMinus size={14} />
                </ActionIcon>
              </Tooltip>
              <Tooltip label={t('sch.addDay')}>
                <ActionIcon variant="default" disabled={v.pattern.length >= 56} onClick={() => form.setFieldValue('pattern', [...v.pattern, REST])} aria-label={t('sch.addDay')} data-testid="rotation-add-day">
                  <IconPlus size={14} />
                </ActionIcon>
              </Tooltip>
            </Group>
          </Group>
          <SimpleGrid cols={{ base: 3, md: 5 }} spacing={6} verticalSpacing={6}>
            {v.pattern.map((slot, i) => (
              <Select
                key={i}
                size="xs"
                label={t('sch.slot', { n: i + 1 })}
                data={options}
                allowDeselect={false}
                value={slot}
                onChange={(next) => form.setFieldValue(`pattern.${i}`, next ?? REST)}
                error={form.errors[`pattern.${i}`]}
                data-testid="rotation-slot"
              />
            ))}
          </SimpleGrid>
          {patternError && (
            <Text size="xs" c="red" mt={4} data-testid="rotation-pattern-error">
              {patternError}
            </Text>
          )}
        </div>
        <Switch label={t('sch.observesHolidays')} description={t('sch.observesHolidaysHint')} {...form.getInputProps('observesPublicHolidays', { type: 'checkbox' })} data-testid="rotation-holidays" />
        <div>
          <Text size="sm" fw={500} mb={4}>
            {t('sch.preview')}
          </Text>
          {preview ? (
            <SimpleGrid cols={7} spacing={4} verticalSpacing={4} data-testid="rotation-preview">
              {preview.map((d) => (
                <Paper key={d.date} withBorder radius="sm" p={6} bg={isWorkingDay(d.kind) ? undefined : 'gray.0'} data-testid="rotation-preview-day">
                  <Text size="xs" c="dimmed">
                    {d.date.slice(5)} {weekdayLabel(t, isoWeekday(d.date))}
                    {d.date === today() ? ` · ${t('sch.today')}` : ''}
                  </Text>
                  <Text size="sm" fw={500} c={isWorkingDay(d.kind) ? undefined : 'dimmed'}>
                    {d.kind === 'public_holiday' ? t('sch.holiday') : d.works ? d.shift.name : t('sch.rest')}
                  </Text>
                  {isWorkingDay(d.kind) && (
                    <Text size="xs" c="dimmed" ff="monospace">
                      {d.shift.start}–{d.shift.end}
                    </Text>
                  )}
                </Paper>
              ))}
            </SimpleGrid>
          ) : (
            <Alert color="gray" py={6}>
              <Text size="xs">{patternError ?? '—'}</Text>
            </Alert>
          )}
        </div>
        <Group justify="flex-end" gap="xs" mt="xs">
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={saving} data-testid="rotation-save">
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
