import { ActionIcon, Anchor, Box, Button, Checkbox, FileInput, Group, Loader, Modal, Select, SimpleGrid, Stack, Table, Text, TextInput, ThemeIcon } from '@mantine/core';
import { useForm, type UseFormReturnType } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { IconArrowLeft, IconLock, IconPlus, IconTrash } from '@tabler/icons-react';
import { useEffect, useState, type ReactNode } from 'react';
import { normalizeDate } from '#shared/import/employees';
import { Employee } from '#shared/schemas/employee';
import { useWriteContext } from '../../app/context.tsx';
import { navigate } from '../../app/router.ts';
import { EmptyState } from '../../components/empty-state.tsx';
import { formErrorsOf, issuesToErrors } from '../../components/form-errors.ts';
import { today } from '../../components/format.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { Section } from '../../components/section.tsx';
import { STATUS_ORDER } from '../../components/status-badge.tsx';
import { saveEmployee } from '../../db/employees.ts';
import { useT } from '../../i18n/i18n.tsx';
import { useOrg } from '../org/use-org.ts';
import { emptyFormValues, employeeInputOf, formValuesOf, formFieldOfPath, suggestEmployeeNo, type EmployeeFormValues } from './employee-form-values.ts';
import { ExpiryBadge } from './expiry-badge.tsx';
import { ScheduleSelect } from '../schedules/schedule-select.tsx';
import { sha256OfFile } from '../cases/case-ui.ts';
import { useEmployee, useEmployees } from './use-employees.ts';

/** Create (`id` null) or edit an employee. Waits for the stored record before showing the edit form. */
export function EmployeeFormPage({ id }: { id: string | null }) {
  const t = useT();
  const { loaded, employee } = useEmployee(id ?? '');
  if (id && !loaded)
    return (
      <Box p="xl">
        <Loader size="sm" />
      </Box>
    );
  if (id && !employee) return <EmptyState icon={<IconArrowLeft />} title={t('common.notFound')} />;
  return <EmployeeForm key={id ?? 'new'} existing={employee} />;
}

/** Asks before throwing away edits. */
function DiscardModal({ opened, onStay, onLeave }: { opened: boolean; onStay: () => void; onLeave: () => void }) {
  const t = useT();
  return (
    <Modal opened={opened} onClose={onStay} title={<Text fw={600}>{t('emp.discardTitle')}</Text>} size="sm" centered>
      <Text size="sm">{t('emp.discardBody')}</Text>
      <Group justify="flex-end" mt="lg" gap="sm">
        <Button variant="default" onClick={onStay}>
          {t('emp.discardStay')}
        </Button>
        <Button color="red" onClick={onLeave} data-testid="discard-confirm">
          {t('emp.discardLeave')}
        </Button>
      </Group>
    </Modal>
  );
}

type Form = UseFormReturnType<EmployeeFormValues>;

/** Brings the first invalid field into view once React has rendered the errors. */
function revealFirstError() {
  setTimeout(() => {
    const el = document.querySelector<HTMLElement>('[data-testid="employee-form"] [aria-invalid="true"]');
    el?.scrollIntoView({ block: 'center' });
    el?.focus({ preventScroll: true });
  }, 30);
}

function EmployeeForm({ existing }: { existing: Employee | null }) {
  const t = useT();
  const ctx = useWriteContext();
  const org = useOrg();
  const [saving, setSaving] = useState(false);
  const { employees } = useEmployees();
  const [confirmLeave, setConfirmLeave] = useState(false);
  const form = useForm<EmployeeFormValues>({ initialValues: existing ? formValuesOf(existing) : emptyFormValues(today()) });

  // A new employee gets the next number in the company's pattern, once the directory has loaded.
  useEffect(() => {
    if (existing || form.values.employeeNo) return;
    const next = suggestEmployeeNo(employees.map((e) => e.employeeNo));
    if (next) {
      form.setFieldValue('employeeNo', next);
      form.resetTouched(); // a default, not an edit
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [employees.length]);

  // A new employee defaults to the only site, and a department's own site when one is picked.
  const { departmentId, siteId } = form.values;
  useEffect(() => {
    if (!siteId && org.sites.length === 1) {
      form.setFieldValue('siteId', org.sites[0]!.id);
      form.resetTouched(); // a default, not an edit
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [org.sites.length]);
  useEffect(() => {
    const dept = org.departments.find((d) => d.id === departmentId);
    if (dept?.siteId && !existing) form.setFieldValue('siteId', dept.siteId);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [departmentId]);

  const submit = async (values: EmployeeFormValues) => {
    const now = Date.now();
    const input = employeeInputOf(values, { actor: ctx.actor, now });
    // Validate here first so every field's problem shows at once, in the user's language.
    const check = Employee.safeParse({ ...input, id: existing?.id ?? 'new', updatedAt: now });
    if (!check.success) {
      form.setErrors(issuesToErrors(check.error.issues, t, formFieldOfPath));
      revealFirstError();
      return;
    }
    setSaving(true);
    try {
      const saved = await saveEmployee(ctx, { ...input, id: existing?.id });
      notifications.show({ color: 'teal', message: t('common.saved') });
      navigate(`/employees/${encodeURIComponent(saved.id)}`);
    } catch (err) {
      const errors = formErrorsOf(err, t, formFieldOfPath);
      if (errors) {
        form.setErrors(errors);
        revealFirstError();
      } else notifications.show({ color: 'red', title: t('common.saveFailed'), message: err instanceof Error ? err.message : String(err) });
    } finally {
      setSaving(false);
    }
  };

  const back = existing ? `/employees/${encodeURIComponent(existing.id)}` : '/employees';
  // Only the user's own edits count, not the defaults filled in for them (suggested number, site).
  const cancel = () => (form.isTouched() && form.isDirty() ? setConfirmLeave(true) : navigate(back));
  const dateProps = (path: string) => {
    const p = form.getInputProps(path);
    return {
      ...p,
      placeholder: 'YYYY-MM-DD',
      onBlur: (e: React.FocusEvent<HTMLInputElement>) => {
        if (e.currentTarget.value) form.setFieldValue(path as 'hireDate', normalizeDate(e.currentTarget.value));
        p.onBlur?.(e);
      },
    };
  };

  return (
    <Box px="lg" pt="lg">
      <form onSubmit={form.onSubmit(submit)} data-testid="employee-form" noValidate>
        <PageHeader
          before={
            <Anchor size="sm" c="dimmed" href={`#${back}`}>
              <Group gap={4}>
                <IconArrowLeft size={14} />
                {t('common.back')}
              </Group>
            </Anchor>
          }
          title={existing ? `${t('emp.edit')} · ${existing.name}` : t('emp.new')}
          subtitle={existing ? `${t('emp.employeeNo')} ${existing.employeeNo}` : undefined}
        />
        <Stack gap="md" maw={1100}>
          <Section title={t('emp.sectionBasic')}>
            <SimpleGrid cols={{ base: 2, md: 3 }} spacing="md" verticalSpacing="sm">
              <TextInput label={t('emp.employeeNo')} withAsterisk {...form.getInputProps('employeeNo')} data-testid="f-employeeNo" />
              <TextInput label={t('emp.name')} withAsterisk {...form.getInputProps('name')} data-testid="f-name" />
              <Select
                label={t('emp.gender')}
                data={(['male', 'female', 'unspecified'] as const).map((g) => ({ value: g, label: t(`gender.${g}`) }))}
                allowDeselect={false}
                {...form.getInputProps('gender')}
              />
              <TextInput label={t('emp.phone')} {...form.getInputProps('phone')} data-testid="f-phone" />
              <TextInput label={t('emp.email')} {...form.getInputProps('email')} data-testid="f-email" />
              <TextInput label={t('emp.devicePin')} {...form.getInputProps('devicePin')} data-testid="f-devicePin" />
            </SimpleGrid>
          </Section>

          <Section title={t('emp.sectionJob')}>
            <SimpleGrid cols={{ base: 2, md: 3 }} spacing="md" verticalSpacing="sm">
              <Select
                label={t('emp.department')}
                withAsterisk
                searchable
                data={org.departments.map((d) => ({ value: d.id, label: `${d.name}（${d.code}）` }))}
                {...form.getInputProps('departmentId')}
                data-testid="f-department"
              />
              <Select label={t('emp.site')} withAsterisk data={org.sites.map((s) => ({ value: s.id, label: s.name }))} {...form.getInputProps('siteId')} data-testid="f-site" />
              <TextInput label={t('emp.position')} {...form.getInputProps('position')} data-testid="f-position" />
              <ScheduleSelect siteId={form.values.siteId} value={form.values.shiftId} onChange={(id) => form.setFieldValue('shiftId', id)} error={form.errors.shiftId} />
              <TextInput label={t('emp.hireDate')} withAsterisk {...dateProps('hireDate')} data-testid="f-hireDate" />
              <Select
                label={t('emp.status')}
                allowDeselect={false}
                data={STATUS_ORDER.map((s) => ({ value: s, label: t(`status.${s}`) }))}
                {...form.getInputProps('status')}
                data-testid="f-status"
              />
            </SimpleGrid>
          </Section>

          <ListSection form={form} title={t('emp.sectionEmergency')} path="emergencyContacts" addLabel={t('emp.contactAdd')} emptyLabel={t('emp.contactNone')}
            newItem={{ name: '', relation: '', phone: '', lastConfirmedOn: today() }}
            headers={[t('emp.contactName'), t('emp.contactRelation'), t('emp.contactPhone'), t('emp.contactConfirmed')]}
            renderRow={(i) => (
              <>
                <Table.Td><TextInput size="xs" {...form.getInputProps(`emergencyContacts.${i}.name`)} data-testid={`f-contact-${i}-name`} /></Table.Td>
                <Table.Td><TextInput size="xs" {...form.getInputProps(`emergencyContacts.${i}.relation`)} /></Table.Td>
                <Table.Td><TextInput size="xs" {...form.getInputProps(`emergencyContacts.${i}.phone`)} data-testid={`f-contact-${i}-phone`} /></Table.Td>
                <Table.Td><TextInput size="xs" {...dateProps(`emergencyContacts.${i}.lastConfirmedOn`)} /></Table.Td>
              </>
            )}
          />

          <ListSection form={form} title={t('emp.sectionCerts')} path="certificates" addLabel={t('emp.certAdd')} emptyLabel={t('emp.certNone')}
            newItem={{ kind: '', number: '', issuedOn: '', expiresOn: '' }}
            headers={[t('emp.certKind'), t('emp.certNumber'), t('emp.certIssued'), t('emp.certExpires')]}
            renderRow={(i) => (
              <>
                <Table.Td><TextInput size="xs" {...form.getInputProps(`certificates.${i}.kind`)} data-testid={`f-cert-${i}-kind`} /></Table.Td>
                <Table.Td><TextInput size="xs" {...form.getInputProps(`certificates.${i}.number`)} /></Table.Td>
                <Table.Td><TextInput size="xs" {...dateProps(`certificates.${i}.issuedOn`)} /></Table.Td>
                <Table.Td>
                  <Group gap={6} wrap="nowrap">
                    <TextInput size="xs" {...dateProps(`certificates.${i}.expiresOn`)} data-testid={`f-cert-${i}-expires`} style={{ flex: 1 }} />
                    <ExpiryBadge expiresOn={normalizeDate(form.values.certificates[i]?.expiresOn ?? '') || null} />
                  </Group>
                </Table.Td>
              </>
            )}
          />

          <ListSection form={form} title={t('emp.sectionAccounts')} path="workAccounts" addLabel={t('emp.accountAdd')} emptyLabel={t('emp.accountNone')}
            newItem={{ kind: 'wecom', account: '', revoked: false, revokedAt: null, revokedBy: null }}
            headers={[t('emp.accountKind'), t('emp.accountName'), t('emp.accountRevoked')]}
            renderRow={(i) => (
              <>
                <Table.Td w={160}>
                  <Select size="xs" allowDeselect={false} data={(['wecom', 'wechat', 'email', 'oa', 'crm', 'other'] as const).map((k) => ({ value: k, label: t(`account.${k}`) }))} {...form.getInputProps(`workAccounts.${i}.kind`)} />
                </Table.Td>
                <Table.Td><TextInput size="xs" {...form.getInputProps(`workAccounts.${i}.account`)} /></Table.Td>
                <Table.Td w={90}><Checkbox {...form.getInputProps(`workAccounts.${i}.revoked`, { type: 'checkbox' })} /></Table.Td>
              </>
            )}
          />

          <Section
            title={
              <Group gap={6}>
                <ThemeIcon size="sm" variant="light" color="orange"><IconLock size={12} /></ThemeIcon>
                {t('emp.sectionSensitive')}
              </Group>
            }
            extra={<Text size="xs" c="dimmed">{t('emp.sensitiveHint')}</Text>}
          >
            <SimpleGrid cols={{ base: 2, md: 3 }} spacing="md" verticalSpacing="sm">
              <TextInput label={t('emp.idNumber')} {...form.getInputProps('idNumber')} data-testid="f-idNumber" />
              <TextInput label={t('emp.salary')} inputMode="decimal" {...form.getInputProps('salaryYuan')} data-testid="f-salary" />
              <TextInput label={t('emp.bankAccount')} {...form.getInputProps('bankAccount')} data-testid="f-bankAccount" />
            </SimpleGrid>
          </Section>

          <AgreedAddressesSection form={form} />
        </Stack>
        {/* The form is long: keep its actions in reach at the bottom of the window. */}
        <Box
          mt="md"
          py="sm"
          maw={1100}
          style={{ position: 'sticky', bottom: 0, zIndex: 5, background: 'var(--mantine-color-gray-0)', borderTop: '1px solid var(--mantine-color-gray-3)' }}
        >
          <Group justify="flex-end" gap="sm">
            {form.errors && Object.keys(form.errors).length > 0 && (
              <Text size="sm" c="red.7" mr="auto" data-testid="form-error-summary">
                {t('common.fixErrors')}
              </Text>
            )}
            <Button variant="default" onClick={cancel} data-testid="employee-cancel">
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={saving} data-testid="employee-save" miw={96}>
              {t('common.save')}
            </Button>
          </Group>
        </Box>
      </form>
      <DiscardModal opened={confirmLeave} onStay={() => setConfirmLeave(false)} onLeave={() => navigate(back)} />
    </Box>
  );
}

/** 送达地址确认书: where notices may be served, as the employee confirmed in writing; the signed copy is kept by its hash. */
function AgreedAddressesSection({ form }: { form: Form }) {
  const t = useT();
  const p = (k: keyof EmployeeFormValues['agreedDeliveryAddresses']) => ({ ...form.getInputProps(`agreedDeliveryAddresses.${k}`), 'data-testid': `f-agreed-${k}` });
  return (
    <Section
      title={
        <Group gap={6}>
          <ThemeIcon size="sm" variant="light" color="orange"><IconLock size={12} /></ThemeIcon>
          {t('da.section')}
        </Group>
      }
      testId="f-agreed-section"
    >
      <Text size="xs" c="dimmed" mb="sm">{t('da.hint')}</Text>
      <SimpleGrid cols={{ base: 2, md: 3 }} spacing="md" verticalSpacing="sm">
        <TextInput label={t('da.postal')} {...p('postal')} style={{ gridColumn: 'span 2' }} />
        <TextInput label={t('da.confirmedOn')} placeholder="YYYY-MM-DD" {...p('confirmedOn')} />
        <TextInput label={t('da.phone')} {...p('phone')} />
        <TextInput label={t('da.email')} {...p('email')} />
        <TextInput label={t('da.wecom')} {...p('wecom')} />
        <TextInput label={t('da.evidence')} {...p('evidenceSha256')} style={{ gridColumn: 'span 2' }} styles={{ input: { fontFamily: 'monospace', fontSize: 11 } }} />
        <FileInput
          label={t('da.evidenceFile')}
          placeholder="PDF / JPG"
          clearable
          onChange={async (file) => {
            if (file) form.setFieldValue('agreedDeliveryAddresses.evidenceSha256', await sha256OfFile(file));
          }}
          data-testid="f-agreed-file"
        />
      </SimpleGrid>
    </Section>
  );
}

type ListPath = 'emergencyContacts' | 'certificates' | 'workAccounts';

function ListSection<P extends ListPath>({ form, title, path, addLabel, emptyLabel, newItem, headers, renderRow }: {
  form: Form;
  title: string;
  path: P;
  addLabel: string;
  emptyLabel: string;
  newItem: EmployeeFormValues[P][number];
  headers: string[];
  renderRow: (i: number) => ReactNode;
}) {
  const t = useT();
  const items = form.values[path];
  return (
    <Section
      title={title}
      testId={`section-${path}`}
      extra={
        <Button size="xs" variant="light" leftSection={<IconPlus size={14} />} onClick={() => form.insertListItem(path, newItem as never)} data-testid={`add-${path}`}>
          {addLabel}
        </Button>
      }
    >
      {items.length === 0 ? (
        <Text size="sm" c="dimmed">{emptyLabel}</Text>
      ) : (
        <Table withRowBorders={false} verticalSpacing={4} horizontalSpacing={6}>
          <Table.Thead>
            <Table.Tr>
              {headers.map((h) => (
                <Table.Th key={h} fw={500} c="dimmed" fz="xs">{h}</Table.Th>
              ))}
              <Table.Th w={40} />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((_, i) => (
              <Table.Tr key={i} style={{ verticalAlign: 'top' }}>
                {renderRow(i)}
                <Table.Td>
                  <ActionIcon variant="subtle" color="red" onClick={() => form.removeListItem(path, i)} aria-label={t('common.remove')}>
                    <IconTrash size={16} />
                  </ActionIcon>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Section>
  );
}
