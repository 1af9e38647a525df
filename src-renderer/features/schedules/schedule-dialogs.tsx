import { Alert, Badge, Button, Checkbox, Group, Modal, Paper, ScrollArea, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlus, IconSearch } from '@tabler/icons-react';
import { useMemo, useState, type ReactNode } from 'react';
import { RenshiError } from '#shared/errors';
import type { Employee } from '#shared/schemas/employee';
import { useWriteContext } from '../../app/context.tsx';
import { errorMessage } from '../../components/form-errors.ts';
import { useT } from '../../i18n/i18n.tsx';
import { useEmployees } from '../employees/use-employees.ts';
import { useAttendanceSetup } from '../attendance/use-attendance-data.ts';
import { useOrg } from '../org/use-org.ts';
import { assignSchedule, removeSchedule, scheduleUsage, type ScheduleUse } from './schedule-records.ts';

export type ScheduleRef = { id: string; name: string };

/** What both tabs read: shifts and rotations, who uses each, and every schedule's name by id. */
export function useSchedules() {
  const setup = useAttendanceSetup();
  const org = useOrg();
  const { employees } = useEmployees();
  const usage = useMemo(() => scheduleUsage(employees, setup.rotations), [employees, setup.rotations]);
  const names = useMemo(() => new Map([...setup.shifts, ...setup.rotations].map((s) => [s.id, s.name])), [setup.shifts, setup.rotations]);
  return { setup, org, usage, names };
}

/** Assigning people to, and deleting, a shift or rotation: the row actions open these dialogs. */
export function useScheduleActions(names: ReadonlyMap<string, string>, usage: (id: string) => ScheduleUse) {
  const [assigning, setAssigning] = useState<ScheduleRef | null>(null);
  const [removing, setRemoving] = useState<ScheduleRef | null>(null);
  const dialogs = (
    <>
      <AssignScheduleModal target={assigning} scheduleNames={names} onClose={() => setAssigning(null)} />
      <RemoveScheduleModal target={removing} use={removing ? usage(removing.id) : null} onClose={() => setRemoving(null)} />
    </>
  );
  return { assign: setAssigning, remove: setRemoving, dialogs };
}

/** A tab's frame: its title and count, the button that adds one, then the list. */
export function SchedulePanel({ title, newLabel, onNew, newDisabled, newTestId, children }: { title: string; newLabel: string; onNew: () => void; newDisabled?: boolean; newTestId: string; children: ReactNode }) {
  return (
    <Paper withBorder radius="md" p={0}>
      <Group justify="space-between" px="md" py="sm" style={{ borderBottom: '1px solid var(--mantine-color-gray-3)' }}>
        <Text fw={600} size="sm">
          {title}
        </Text>
        <Button size="xs" leftSection={<IconPlus size={14} />} disabled={newDisabled} onClick={onNew} data-testid={newTestId}>
          {newLabel}
        </Button>
      </Group>
      {children}
    </Paper>
  );
}

/** Asks before deleting a shift or rotation, and says plainly why it cannot be deleted while in use. */
export function RemoveScheduleModal({ target, use, onClose }: { target: ScheduleRef | null; use: ScheduleUse | null; onClose: () => void }) {
  const t = useT();
  const ctx = useWriteContext();
  const [busy, setBusy] = useState(false);
  const blocked = !!use && (use.employees > 0 || use.rotations.length > 0);
  const remove = async () => {
    if (!target) return;
    setBusy(true);
    try {
      await removeSchedule(ctx, target.id);
      notifications.show({ color: 'teal', message: t('sch.removed') });
      onClose();
    } catch (err) {
      notifications.show({ color: 'red', title: t('common.saveFailed'), message: err instanceof RenshiError ? err.message : errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened={target !== null} onClose={onClose} title={<Text fw={600}>{t('sch.removeTitle', { name: target?.name ?? '' })}</Text>} size="md" centered>
      <Stack gap="sm">
        {blocked ? (
          <Alert color="orange" data-testid="schedule-remove-blocked">
            {t('sch.removeBlocked', { count: use!.employees, rotations: use!.rotations.map((r) => r.name).join('、') || '—' })}
          </Alert>
        ) : (
          <Text size="sm">{t('sch.removeBody')}</Text>
        )}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button color="red" disabled={blocked} loading={busy} onClick={() => void remove()} data-testid="schedule-remove-confirm">
            {t('sch.remove')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/**
 * Puts people on a shift or rotation in bulk: a factory moves a whole line to a new rotation at once. The
 * list is the people still employed, filtered by site, department and a search; each shows what they are
 * on now.
 */
export function AssignScheduleModal({ target, scheduleNames, onClose }: { target: ScheduleRef | null; scheduleNames: ReadonlyMap<string, string>; onClose: () => void }) {
  const t = useT();
  const ctx = useWriteContext();
  const org = useOrg();
  const { employees } = useEmployees();
  const [siteId, setSiteId] = useState<string | null>(null);
  const [departmentId, setDepartmentId] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState(false);

  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return employees.filter(
      (e: Employee) =>
        e.status !== 'terminated' &&
        (!siteId || e.siteId === siteId) &&
        (!departmentId || e.departmentId === departmentId) &&
        (!q || e.employeeNo.toLowerCase().includes(q) || e.name.toLowerCase().includes(q)),
    );
  }, [employees, siteId, departmentId, query]);
  const close = () => {
    setPicked(new Set());
    onClose();
  };
  const toggle = (id: string, on: boolean) =>
    setPicked((prev) => {
      const next = new Set(prev);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const save = async () => {
    if (!target) return;
    setBusy(true);
    try {
      const n = await assignSchedule(ctx, target.id, [...picked]);
      notifications.show({ color: 'teal', message: t('sch.assignDone', { count: n }) });
      close();
    } catch (err) {
      notifications.show({ color: 'red', title: t('common.saveFailed'), message: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };
  const departments = org.departments.filter((d) => !siteId || !d.siteId || d.siteId === siteId);
  return (
    <Modal opened={target !== null} onClose={close} title={<Text fw={600}>{t('sch.assignTitle', { name: target?.name ?? '' })}</Text>} size="xl" centered>
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          {t('sch.assignHint')}
        </Text>
        <Group gap="sm" grow>
          <Select label={t('sch.assignFilterSite')} clearable placeholder={t('common.all')} data={org.sites.map((s) => ({ value: s.id, label: s.name }))} value={siteId} onChange={setSiteId} data-testid="assign-site" />
          <Select label={t('sch.assignFilterDepartment')} clearable searchable placeholder={t('common.all')} data={departments.map((d) => ({ value: d.id, label: d.name }))} value={departmentId} onChange={setDepartmentId} data-testid="assign-department" />
          <TextInput label={t('sch.assignSearch')} leftSection={<IconSearch size={14} />} value={query} onChange={(e) => setQuery(e.currentTarget.value)} data-testid="assign-search" />
        </Group>
        <Group justify="space-between">
          <Checkbox
            label={t('sch.assignPickAll')}
            checked={shown.length > 0 && shown.every((e) => picked.has(e.id))}
            onChange={(e) => {
              const on = e.currentTarget.checked;
              setPicked((prev) => {
                const next = new Set(prev);
                for (const x of shown) if (on) next.add(x.id);
                else next.delete(x.id);
                return next;
              });
            }}
            data-testid="assign-pick-all"
          />
          <Text size="sm" c="dimmed" data-testid="assign-count">
            {t('sch.assignSelected', { count: picked.size })}
          </Text>
        </Group>
        <ScrollArea h={360} type="auto">
          <Table verticalSpacing={4} stickyHeader>
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={40} />
                <Table.Th w={100}>{t('emp.employeeNo')}</Table.Th>
                <Table.Th>{t('emp.name')}</Table.Th>
                <Table.Th>{t('emp.department')}</Table.Th>
                <Table.Th>{t('sch.assignCurrent')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {shown.slice(0, 500).map((e) => (
                <Table.Tr key={e.id} data-testid="assign-row">
                  <Table.Td>
                    <Checkbox checked={picked.has(e.id)} onChange={(ev) => toggle(e.id, ev.currentTarget.checked)} aria-label={e.name} data-testid="assign-pick" />
                  </Table.Td>
                  <Table.Td c="dimmed">{e.employeeNo}</Table.Td>
                  <Table.Td>{e.name}</Table.Td>
                  <Table.Td>{org.byId.get(e.departmentId)?.name ?? '—'}</Table.Td>
                  <Table.Td>
                    {e.shiftId === target?.id ? (
                      <Badge size="sm" variant="light" color="teal">
                        {target.name}
                      </Badge>
                    ) : (
                      <Text size="sm" c={e.shiftId ? undefined : 'dimmed'}>
                        {e.shiftId ? (scheduleNames.get(e.shiftId) ?? e.shiftId) : t('sch.assignNone')}
                      </Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollArea>
        {shown.length > 500 && (
          <Text size="xs" c="dimmed">
            {t('common.total', { count: shown.length })}
          </Text>
        )}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={close}>
            {t('common.cancel')}
          </Button>
          <Button disabled={picked.size === 0} loading={busy} onClick={() => void save()} data-testid="assign-save">
            {t('sch.assignSave', { count: picked.size })}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
