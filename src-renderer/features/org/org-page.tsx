import { ActionIcon, Anchor, Badge, Box, Button, Group, Modal, NumberInput, Paper, Select, SimpleGrid, Stack, Switch, Table, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { IconBuildingFactory2, IconHierarchy2, IconPencil, IconPlus } from '@tabler/icons-react';
import { useMemo, useState, type ReactNode } from 'react';
import { RenshiError } from '#shared/errors';
import type { Department, Site } from '#shared/schemas/org';
import { useWriteContext } from '../../app/context.tsx';
import { EmptyState } from '../../components/empty-state.tsx';
import { formErrorsOf } from '../../components/form-errors.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { useT, type Translate } from '../../i18n/i18n.tsx';
import { useEmployees } from '../employees/use-employees.ts';
import { saveDepartment, saveSite } from './org-records.ts';
import { useOrg } from './use-org.ts';

type Editing = { kind: 'site'; unit: Site | null } | { kind: 'department'; unit: Department | null } | null;

export function OrgPage() {
  const t = useT();
  const org = useOrg();
  const { employees } = useEmployees();
  const [editing, setEditing] = useState<Editing>(null);

  // Headcount excludes people who have left.
  const headcount = useMemo(() => {
    const m = new Map<string, number>();
    for (const e of employees) {
      if (e.status === 'terminated') continue;
      m.set(e.departmentId, (m.get(e.departmentId) ?? 0) + 1);
      m.set(e.siteId, (m.get(e.siteId) ?? 0) + 1);
    }
    return m;
  }, [employees]);
  const nameOf = (id: string | null) => (id ? (org.byId.get(id)?.name ?? '—') : '—');

  return (
    <Box p="lg">
      <PageHeader title={t('org.title')} subtitle={t('org.subtitle')} />
      <Stack gap="md">
        <Panel
          icon={<IconBuildingFactory2 size={16} />}
          title={t('org.sites')}
          count={org.sites.length}
          action={
            <Button size="xs" leftSection={<IconPlus size={14} />} onClick={() => setEditing({ kind: 'site', unit: null })} data-testid="new-site">
              {t('org.newSite')}
            </Button>
          }
        >
          {org.sites.length === 0 ? (
            <EmptyState icon={<IconBuildingFactory2 size={22} />} title={t('org.emptySites')} />
          ) : (
            <Table highlightOnHover verticalSpacing={8} data-testid="site-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={120}>{t('org.code')}</Table.Th>
                  <Table.Th>{t('org.name')}</Table.Th>
                  <Table.Th>{t('org.address')}</Table.Th>
                  <Table.Th w={260}>{t('org.rule')}</Table.Th>
                  <Table.Th w={100} ta="right">{t('org.headcount')}</Table.Th>
                  <Table.Th w={50} />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {org.sites.map((s) => (
                  <Table.Tr key={s.id} data-testid="site-row">
                    <Table.Td c="dark.4">{s.code}</Table.Td>
                    <Table.Td fw={500}>{s.name}</Table.Td>
                    <Table.Td c={s.address ? undefined : 'dimmed'}>{s.address || '—'}</Table.Td>
                    <Table.Td data-testid="site-rule">
                      {/* A site a server stored before the setting existed has no value: the default, on. */}
                      {s.missedPunchAlerts !== false ? (
                        <Text size="sm">
                          {t('org.ruleOn', { delay: s.alertDelayMinutes ?? 0, window: s.escalationWindowMinutes })}
                        </Text>
                      ) : (
                        <Badge size="sm" variant="outline" color="gray" style={{ textTransform: 'none' }}>
                          {t('org.ruleOff')}
                        </Badge>
                      )}
                    </Table.Td>
                    <Table.Td ta="right">
                      <Headcount n={headcount.get(s.id) ?? 0} href={`#/employees?site=${encodeURIComponent(s.id)}`} />
                    </Table.Td>
                    <Table.Td>
                      <EditButton onClick={() => setEditing({ kind: 'site', unit: s })} label={t('common.edit')} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Panel>

        <Panel
          icon={<IconHierarchy2 size={16} />}
          title={t('org.departments')}
          count={org.departments.length}
          action={
            <Button size="xs" leftSection={<IconPlus size={14} />} onClick={() => setEditing({ kind: 'department', unit: null })} data-testid="new-department">
              {t('org.newDepartment')}
            </Button>
          }
        >
          {org.departments.length === 0 ? (
            <EmptyState icon={<IconHierarchy2 size={22} />} title={t('org.emptyDepartments')} />
          ) : (
            <Table highlightOnHover verticalSpacing={8} data-testid="department-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={120}>{t('org.code')}</Table.Th>
                  <Table.Th>{t('org.name')}</Table.Th>
                  <Table.Th>{t('org.site')}</Table.Th>
                  <Table.Th>{t('org.parent')}</Table.Th>
                  <Table.Th w={100} ta="right">{t('org.headcount')}</Table.Th>
                  <Table.Th w={50} />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {org.departments.map((d) => (
                  <Table.Tr key={d.id} data-testid="department-row">
                    <Table.Td c="dark.4">{d.code}</Table.Td>
                    <Table.Td fw={500}>{d.name}</Table.Td>
                    <Table.Td>{d.siteId ? nameOf(d.siteId) : <Text span c="dimmed" size="sm">{t('org.noSite')}</Text>}</Table.Td>
                    <Table.Td c={d.parentId ? undefined : 'dimmed'}>{nameOf(d.parentId)}</Table.Td>
                    <Table.Td ta="right">
                      <Headcount n={headcount.get(d.id) ?? 0} href={`#/employees?department=${encodeURIComponent(d.id)}`} />
                    </Table.Td>
                    <Table.Td>
                      <EditButton onClick={() => setEditing({ kind: 'department', unit: d })} label={t('common.edit')} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Panel>
      </Stack>

      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={<Text fw={600}>{editing?.kind === 'site' ? t(editing.unit ? 'org.editSite' : 'org.newSite') : t(editing?.unit ? 'org.editDepartment' : 'org.newDepartment')}</Text>}
        size="md"
      >
        {editing?.kind === 'site' && <SiteForm site={editing.unit} onDone={() => setEditing(null)} />}
        {editing?.kind === 'department' && <DepartmentForm department={editing.unit} sites={org.sites} departments={org.departments} onDone={() => setEditing(null)} />}
      </Modal>
    </Box>
  );
}

function Panel({ icon, title, count, action, children }: { icon: ReactNode; title: string; count: number; action: ReactNode; children: ReactNode }) {
  return (
    <Paper withBorder radius="md">
      <Group justify="space-between" px="md" py="sm" style={{ borderBottom: '1px solid var(--mantine-color-gray-2)' }}>
        <Group gap={8}>
          {icon}
          <Text fw={600} size="sm">
            {title}
          </Text>
          <Badge variant="light" color="gray" size="sm" radius="sm">
            {count}
          </Badge>
        </Group>
        {action}
      </Group>
      <Box px="xs">{children}</Box>
    </Paper>
  );
}

/** Headcount links to the directory filtered to that unit. */
function Headcount({ n, href }: { n: number; href: string }) {
  return n === 0 ? (
    <Text span c="dimmed" size="sm">0</Text>
  ) : (
    <Anchor href={href} size="sm" data-testid="org-headcount">
      {n}
    </Anchor>
  );
}

function EditButton({ onClick, label }: { onClick: () => void; label: string }) {
  return (
    <ActionIcon variant="subtle" color="gray" onClick={onClick} aria-label={label} data-testid="edit-org">
      <IconPencil size={16} />
    </ActionIcon>
  );
}

/** Validation errors of an org save; a taken code reads as "code already used by X". */
function orgErrors(err: unknown, t: Translate): Record<string, string> | null {
  const errors = formErrorsOf(err, t);
  if (errors && err instanceof RenshiError && Array.isArray(err.details)) {
    const taken = (err.details as { message?: string }[]).find((i) => i.message?.startsWith('code taken:'));
    if (taken) errors.code = t('org.codeTaken', { name: taken.message!.slice('code taken:'.length) });
  }
  return errors;
}

function useSave(onDone: () => void) {
  const t = useT();
  const [saving, setSaving] = useState(false);
  return {
    saving,
    run: async (save: () => Promise<unknown>, setErrors: (e: Record<string, string>) => void) => {
      setSaving(true);
      try {
        await save();
        notifications.show({ color: 'teal', message: t('common.saved') });
        onDone();
      } catch (err) {
        const errors = orgErrors(err, t);
        if (errors) setErrors(errors);
        else notifications.show({ color: 'red', title: t('common.saveFailed'), message: err instanceof Error ? err.message : String(err) });
      } finally {
        setSaving(false);
      }
    },
  };
}

function SiteForm({ site, onDone }: { site: Site | null; onDone: () => void }) {
  const t = useT();
  const ctx = useWriteContext();
  const form = useForm({
    initialValues: {
      name: site?.name ?? '',
      code: site?.code ?? '',
      address: site?.address ?? '',
      escalationWindowMinutes: site?.escalationWindowMinutes ?? 120,
      missedPunchAlerts: site?.missedPunchAlerts ?? true,
      alertDelayMinutes: site?.alertDelayMinutes ?? 0,
    },
  });
  const { saving, run } = useSave(onDone);
  return (
    <form onSubmit={form.onSubmit((v) => run(() => saveSite(ctx, { ...v, id: site?.id, escalationWindowMinutes: Number(v.escalationWindowMinutes), alertDelayMinutes: Number(v.alertDelayMinutes) }), form.setErrors))} data-testid="site-form">
      <Stack gap="sm">
        <SimpleGrid cols={2}>
          <TextInput label={t('org.name')} withAsterisk {...form.getInputProps('name')} data-testid="org-name" />
          <TextInput label={t('org.code')} withAsterisk {...form.getInputProps('code')} data-testid="org-code" />
        </SimpleGrid>
        <TextInput label={t('org.address')} {...form.getInputProps('address')} />
        <Switch label={t('org.missedPunchAlerts')} description={t('org.missedPunchAlertsHint')} {...form.getInputProps('missedPunchAlerts', { type: 'checkbox' })} data-testid="site-alerts" />
        <SimpleGrid cols={2}>
          <NumberInput label={t('org.alertDelay')} description={t('org.alertDelayHint')} min={0} max={240} allowDecimal={false} disabled={!form.values.missedPunchAlerts} {...form.getInputProps('alertDelayMinutes')} data-testid="site-alert-delay" />
          <NumberInput label={t('org.escalation')} description={t('org.escalationHint')} min={5} max={1440} allowDecimal={false} disabled={!form.values.missedPunchAlerts} {...form.getInputProps('escalationWindowMinutes')} data-testid="site-escalation" />
        </SimpleGrid>
        <FormButtons saving={saving} onCancel={onDone} />
      </Stack>
    </form>
  );
}

function DepartmentForm({ department, sites, departments, onDone }: { department: Department | null; sites: Site[]; departments: Department[]; onDone: () => void }) {
  const t = useT();
  const ctx = useWriteContext();
  const form = useForm({
    initialValues: { name: department?.name ?? '', code: department?.code ?? '', siteId: department?.siteId ?? (sites[0]?.id ?? null), parentId: department?.parentId ?? null },
  });
  const { saving, run } = useSave(onDone);
  return (
    <form onSubmit={form.onSubmit((v) => run(() => saveDepartment(ctx, { ...v, id: department?.id }), form.setErrors))} data-testid="department-form">
      <Stack gap="sm">
        <SimpleGrid cols={2}>
          <TextInput label={t('org.name')} withAsterisk {...form.getInputProps('name')} data-testid="org-name" />
          <TextInput label={t('org.code')} withAsterisk {...form.getInputProps('code')} data-testid="org-code" />
        </SimpleGrid>
        <Select label={t('org.site')} placeholder={t('org.noSite')} clearable data={sites.map((s) => ({ value: s.id, label: s.name }))} {...form.getInputProps('siteId')} data-testid="org-site" />
        <Select
          label={t('org.parent')}
          placeholder={t('org.noParent')}
          clearable
          searchable
          data={departments.filter((d) => d.id !== department?.id).map((d) => ({ value: d.id, label: d.name }))}
          {...form.getInputProps('parentId')}
        />
        <FormButtons saving={saving} onCancel={onDone} />
      </Stack>
    </form>
  );
}

function FormButtons({ saving, onCancel }: { saving: boolean; onCancel: () => void }) {
  const t = useT();
  return (
    <Group justify="flex-end" mt="xs">
      <Button variant="default" onClick={onCancel}>
        {t('common.cancel')}
      </Button>
      <Button type="submit" loading={saving} data-testid="org-save">
        {t('common.save')}
      </Button>
    </Group>
  );
}
