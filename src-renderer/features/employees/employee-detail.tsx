import { ActionIcon, Anchor, Avatar, Badge, Box, Button, Grid, Group, Loader, SimpleGrid, Stack, Table, Text, ThemeIcon, Timeline, Tooltip } from '@mantine/core';
import { IconArrowLeft, IconEye, IconEyeOff, IconLock, IconPencil, IconShieldCheck, IconUserOff } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import type { AuditEvent } from '#shared/schemas/audit';
import { agreedAddressesOf } from '#shared/cases/delivery-address';
import type { Employee } from '#shared/schemas/employee';
import { useRenshi } from '../../app/context.tsx';
import { navigate } from '../../app/router.ts';
import { EmptyState } from '../../components/empty-state.tsx';
import { daysBetween, formatDateTime, formatYuan, maskMiddle, today } from '../../components/format.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { Field, Section } from '../../components/section.tsx';
import { StatusBadge } from '../../components/status-badge.tsx';
import { useT, type MessageKey } from '../../i18n/i18n.tsx';
import { useOrg } from '../org/use-org.ts';
import { ExpiryBadge } from './expiry-badge.tsx';
import { useEmployee } from './use-employees.ts';

export function EmployeeDetailPage({ id }: { id: string }) {
  const t = useT();
  const { loaded, employee } = useEmployee(id);
  if (!loaded)
    return (
      <Box p="xl">
        <Loader size="sm" />
      </Box>
    );
  if (!employee)
    return (
      <EmptyState
        icon={<IconUserOff size={24} />}
        title={t('common.notFound')}
        action={
          <Button size="xs" variant="default" onClick={() => navigate('/employees')}>
            {t('common.back')}
          </Button>
        }
      />
    );
  return <EmployeeDetail e={employee} />;
}

function tenure(hireDate: string, t: ReturnType<typeof useT>): string {
  const days = daysBetween(hireDate, today());
  if (days < 0) return '—';
  const months = Math.floor(days / 30.44);
  return months >= 12 ? t('emp.tenureYears', { years: (months / 12).toFixed(1) }) : t('emp.tenureMonths', { months });
}

function EmployeeDetail({ e }: { e: Employee }) {
  const t = useT();
  const org = useOrg();
  const nameOf = (id: string) => org.byId.get(id)?.name ?? '—';
  const todayStr = today();

  return (
    <Box p="lg" data-testid="employee-detail">
      <PageHeader
        before={
          <Anchor size="sm" c="dimmed" href="#/employees">
            <Group gap={4}>
              <IconArrowLeft size={14} />
              {t('emp.title')}
            </Group>
          </Anchor>
        }
        title={
          <Group gap="sm" wrap="nowrap">
            <Avatar radius="xl" size={40} color={e.gender === 'female' ? 'pink' : 'blue'} variant="light">
              {e.name.slice(0, 1)}
            </Avatar>
            <span data-testid="detail-name">{e.name}</span>
            <StatusBadge status={e.status} />
          </Group>
        }
        subtitle={
          <span data-testid="detail-subtitle">
            {t('emp.employeeNo')} {e.employeeNo} · {nameOf(e.departmentId)} · {nameOf(e.siteId)}
            {e.position ? ` · ${e.position}` : ''}
          </span>
        }
        actions={
          <Button leftSection={<IconPencil size={16} />} onClick={() => navigate(`/employees/${encodeURIComponent(e.id)}/edit`)} data-testid="edit-employee">
            {t('common.edit')}
          </Button>
        }
      />
      <Grid gutter="md">
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <Stack gap="md">
            <Section title={t('emp.sectionBasic')}>
              <SimpleGrid cols={3} spacing="md" verticalSpacing="md">
                <Field label={t('emp.employeeNo')} testId="d-employeeNo">{e.employeeNo}</Field>
                <Field label={t('emp.name')}>{e.name}</Field>
                <Field label={t('emp.gender')}>{t(`gender.${e.gender}`)}</Field>
                <Field label={t('emp.phone')} testId="d-phone">{e.phone}</Field>
                <Field label={t('emp.email')}>{e.email}</Field>
                <Field label={t('emp.devicePin')}>{e.devicePin}</Field>
              </SimpleGrid>
            </Section>
            <Section title={t('emp.sectionJob')}>
              <SimpleGrid cols={3} spacing="md" verticalSpacing="md">
                <Field label={t('emp.department')}>{nameOf(e.departmentId)}</Field>
                <Field label={t('emp.site')}>{nameOf(e.siteId)}</Field>
                <Field label={t('emp.position')} testId="d-position">{e.position}</Field>
                <Field label={t('emp.hireDate')}>{e.hireDate}</Field>
                <Field label={t('emp.tenure')}>{tenure(e.hireDate, t)}</Field>
                <Field label={t('emp.status')}>
                  <StatusBadge status={e.status} />
                </Field>
              </SimpleGrid>
            </Section>
            <Section title={t('emp.sectionEmergency')} testId="d-contacts">
              {e.sensitive.emergencyContacts.length === 0 ? (
                <Text size="sm" c="orange.8">{t('emp.contactNone')}</Text>
              ) : (
                <Table verticalSpacing={6}>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('emp.contactName')}</Table.Th>
                      <Table.Th>{t('emp.contactRelation')}</Table.Th>
                      <Table.Th>{t('emp.contactPhone')}</Table.Th>
                      <Table.Th>{t('emp.contactConfirmed')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {e.sensitive.emergencyContacts.map((c, i) => (
                      <Table.Tr key={i}>
                        <Table.Td>{c.name}</Table.Td>
                        <Table.Td>{c.relation || '—'}</Table.Td>
                        <Table.Td>{c.phone}</Table.Td>
                        <Table.Td>
                          <Group gap={6}>
                            {c.lastConfirmedOn ?? '—'}
                            {(!c.lastConfirmedOn || daysBetween(c.lastConfirmedOn, todayStr) > 90) && (
                              <Badge size="xs" color="yellow" variant="light" radius="sm" style={{ textTransform: 'none' }}>
                                {t('emp.contactStale')}
                              </Badge>
                            )}
                          </Group>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              )}
            </Section>
            <Section title={t('emp.sectionCerts')} testId="d-certs">
              {e.certificates.length === 0 ? (
                <Text size="sm" c="dimmed">{t('emp.certNone')}</Text>
              ) : (
                <Table verticalSpacing={6}>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('emp.certKind')}</Table.Th>
                      <Table.Th>{t('emp.certNumber')}</Table.Th>
                      <Table.Th>{t('emp.certIssued')}</Table.Th>
                      <Table.Th>{t('emp.certExpires')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {e.certificates.map((c, i) => (
                      <Table.Tr key={i}>
                        <Table.Td>{c.kind}</Table.Td>
                        <Table.Td>{c.number || '—'}</Table.Td>
                        <Table.Td>{c.issuedOn ?? '—'}</Table.Td>
                        <Table.Td>
                          <Group gap={6}>
                            {c.expiresOn ?? '—'}
                            <ExpiryBadge expiresOn={c.expiresOn} />
                          </Group>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              )}
            </Section>
            <Section title={t('emp.sectionAccounts')}>
              {e.workAccounts.length === 0 ? (
                <Text size="sm" c="dimmed">{t('emp.accountNone')}</Text>
              ) : (
                <Table verticalSpacing={6}>
                  <Table.Tbody>
                    {e.workAccounts.map((a, i) => (
                      <Table.Tr key={i}>
                        <Table.Td w={140}>{t(`account.${a.kind}`)}</Table.Td>
                        <Table.Td td={a.revokedAt ? 'line-through' : undefined}>{a.account}</Table.Td>
                        <Table.Td w={260}>
                          {a.revokedAt ? (
                            <Text size="xs" c="dimmed">
                              {t('emp.accountRevoked')} · {formatDateTime(a.revokedAt)} · {a.revokedBy}
                            </Text>
                          ) : (
                            <Badge size="sm" variant="light" color="teal" radius="sm" style={{ textTransform: 'none' }}>
                              {t('emp.accountActive')}
                            </Badge>
                          )}
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              )}
            </Section>
            <SensitiveSection e={e} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <History docId={e.id} version={e.updatedAt} />
        </Grid.Col>
      </Grid>
    </Box>
  );
}

function SensitiveSection({ e }: { e: Employee }) {
  const t = useT();
  const [shown, setShown] = useState(false);
  return (
    <Section
      testId="d-sensitive"
      title={
        <Group gap={6}>
          <ThemeIcon size="sm" variant="light" color="orange">
            <IconLock size={12} />
          </ThemeIcon>
          {t('emp.sectionSensitive')}
        </Group>
      }
      extra={
        <Tooltip label={shown ? t('common.hide') : t('common.show')}>
          <ActionIcon variant="subtle" color="gray" onClick={() => setShown((s) => !s)} data-testid="toggle-sensitive" aria-label={shown ? t('common.hide') : t('common.show')}>
            {shown ? <IconEyeOff size={16} /> : <IconEye size={16} />}
          </ActionIcon>
        </Tooltip>
      }
    >
      <SimpleGrid cols={3} spacing="md">
        <Field label={t('emp.idNumber')} testId="d-idNumber">{e.sensitive.idNumber ? (shown ? e.sensitive.idNumber : maskMiddle(e.sensitive.idNumber)) : null}</Field>
        <Field label={t('emp.salary')}>{e.sensitive.monthlySalaryFen === null ? null : shown ? `¥ ${formatYuan(e.sensitive.monthlySalaryFen)}` : '¥ ****'}</Field>
        <Field label={t('emp.bankAccount')}>{e.sensitive.bankAccount ? (shown ? e.sensitive.bankAccount : maskMiddle(e.sensitive.bankAccount, 4, 4)) : null}</Field>
      </SimpleGrid>
      <AgreedAddresses e={e} shown={shown} />
      <Text size="xs" c="dimmed" mt="sm">
        {t('emp.sensitiveHint')}
      </Text>
    </Section>
  );
}

/** 送达地址确认书 on file or not; the addresses themselves only when HR reveals the sensitive fields. */
function AgreedAddresses({ e, shown }: { e: Employee; shown: boolean }) {
  const t = useT();
  const a = agreedAddressesOf(e);
  return (
    <Box mt="sm" data-testid="d-agreed">
      <Field label={t('da.section')}>
        {a ? (
          <Stack gap={2}>
            <Badge color="teal" variant="light" style={{ textTransform: 'none' }}>{t('da.onFile', { date: a.confirmedOn })}</Badge>
            {shown &&
              ([['da.postal', a.postal], ['da.phone', a.phone], ['da.email', a.email], ['da.wecom', a.wecom], ['da.evidence', a.evidenceSha256]] as const)
                .filter(([, v]) => v)
                .map(([k, v]) => (
                  <Text key={k} size="xs" style={{ wordBreak: 'break-all' }}>
                    {t(k)}：{v}
                  </Text>
                ))}
          </Stack>
        ) : (
          <Badge color="yellow" variant="light" style={{ textTransform: 'none' }}>{t('da.none')}</Badge>
        )}
      </Field>
    </Box>
  );
}

/** Audit summaries are written in English for the trail; the ones this screen knows read in the UI language. */
function describeSummary(summary: string, t: ReturnType<typeof useT>): string {
  const imported = /^imported from (.+)$/.exec(summary);
  return imported ? t('audit.importedFrom', { file: imported[1]! }) : summary;
}

/** The record's audit trail, newest first; refetched whenever the record changes. */
function History({ docId, version }: { docId: string; version: number }) {
  const t = useT();
  const { audit } = useRenshi();
  const [events, setEvents] = useState<AuditEvent[] | null>(null);
  useEffect(() => {
    let live = true;
    audit
      .historyOf(docId)
      .then((evs) => live && setEvents(evs.slice().reverse()))
      .catch((err: unknown) => console.error(err));
    return () => {
      live = false;
    };
  }, [audit, docId, version]);
  return (
    <Section title={t('emp.sectionHistory')} testId="d-history">
      {events === null ? (
        <Loader size="xs" />
      ) : events.length === 0 ? (
        <Text size="sm" c="dimmed">{t('emp.historyEmpty')}</Text>
      ) : (
        <Timeline bulletSize={18} lineWidth={2} active={events.length}>
          {events.map((ev) => (
            <Timeline.Item key={ev.id} title={<Text size="sm" fw={500}>{t(`audit.${ev.action}` as MessageKey)}</Text>} data-testid="history-item">
              <Text size="xs" c="dimmed">
                {formatDateTime(ev.at)} · {t('audit.by')} {ev.actor}
              </Text>
              {ev.summary && ev.action !== 'create' && ev.action !== 'update' && (
                <Text size="xs" c="dimmed" data-testid="history-summary">
                  {describeSummary(ev.summary, t)}
                </Text>
              )}
            </Timeline.Item>
          ))}
        </Timeline>
      )}
      <Group gap={4} mt="md">
        <IconShieldCheck size={14} color="var(--mantine-color-teal-6)" />
        <Text size="xs" c="dimmed">
          {t('emp.historyChain')}
        </Text>
      </Group>
    </Section>
  );
}
