import { Alert, Badge, Button, Group, Paper, ScrollArea, SegmentedControl, Select, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Employee } from '#shared/schemas/employee';
import { useWriteContext } from '../../app/context.tsx';
import { formatDate, formatDateTime, today } from '../../components/format.ts';
import { saveEmployee } from '../../db/employees.ts';
import { useT } from '../../i18n/i18n.tsx';
import { useEmployees } from '../employees/use-employees.ts';
import { useOrg } from '../org/use-org.ts';
import { useAlerts } from './alerts-provider.tsx';
import { contactsDue } from './contacts-due.ts';
import { ContactConfirmationOverview, type ContactConfirmationStatus } from './escalation-client.ts';

/** Where a listed employee stands with the server's requests; the table filters on it. */
export type ContactFilter = 'all' | 'not_asked' | 'waiting' | 'overdue';
type RowState = 'answered' | Exclude<ContactFilter, 'all'>;

/** The request is still waiting for the employee: nobody confirmed since it and the record did not settle it. */
const isOpen = (s: ContactConfirmationStatus) => (s.confirmedAt === null || s.confirmedAt < s.requestedAt) && s.closedAt === null;

/** The server's timing before it has answered (or without a server). */
const OFFLINE_SCHEDULE = ContactConfirmationOverview.parse({ employees: [] });

/**
 * HR's quarterly re-confirmation list. The server asks the listed employees by link on its own and reminds
 * them until they confirm (HR can also ask at once); HR writes the confirmations they sent into their records,
 * or records a confirmation taken in person. Every write is an ordinary audited employee edit. The filter
 * picks out who was not asked yet, who is being reminded, and who is overdue (still unconfirmed after the
 * frequent reminders, for which HR was alerted).
 */
export function ContactReconfirmation({ initialFilter = 'all' }: { initialFilter?: ContactFilter }) {
  const t = useT();
  const ctx = useWriteContext();
  const { employees, loaded } = useEmployees();
  const org = useOrg();
  const [site, setSite] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [filter, setFilter] = useState<ContactFilter>(initialFilter);
  const on = today();
  const { client } = useAlerts();
  const [remote, setRemote] = useState<Map<string, ContactConfirmationStatus>>(new Map());
  const [schedule, setSchedule] = useState(OFFLINE_SCHEDULE);
  const due = useMemo(() => contactsDue(employees, on, schedule.periodDays).filter((d) => !site || d.employee.siteId === site), [employees, on, site, schedule.periodDays]);
  const loadRemote = useCallback(async () => {
    if (!client) return;
    const overview = await client.contactConfirmations().catch(() => null);
    if (!overview) return;
    setRemote(new Map(overview.employees.map((r) => [r.employeeId, r])));
    setSchedule(overview);
  }, [client]);
  useEffect(() => {
    void loadRemote();
  }, [loadRemote]);

  /** A confirmation the employee sent by link that is newer than what the record holds. */
  const answered = (e: Employee): string | null => {
    const confirmedOn = remote.get(e.id)?.confirmedOn ?? null;
    if (!confirmedOn || e.sensitive.emergencyContacts.length === 0) return null;
    return e.sensitive.emergencyContacts.some((c) => c.lastConfirmedOn === null || c.lastConfirmedOn < confirmedOn) ? confirmedOn : null;
  };
  const toWrite = due.filter((d) => answered(d.employee) !== null);
  const askable = due.filter((d) => d.reason !== 'none_on_file' && answered(d.employee) === null);
  const stateOf = (e: Employee): RowState => {
    if (answered(e)) return 'answered';
    const status = remote.get(e.id);
    if (!status || !isOpen(status)) return 'not_asked';
    return status.overdue ? 'overdue' : 'waiting';
  };
  const counts = { all: due.length, not_asked: 0, waiting: 0, overdue: 0 };
  for (const d of due) {
    const state = stateOf(d.employee);
    if (state !== 'answered') counts[state]++;
  }
  const shown = filter === 'all' ? due : due.filter((d) => stateOf(d.employee) === filter);

  const write = async (list: { employee: Employee; confirmedOn: string }[], key: string) => {
    setBusy(key);
    try {
      for (const { employee, confirmedOn } of list) {
        await saveEmployee(ctx, {
          ...employee,
          sensitive: { ...employee.sensitive, emergencyContacts: employee.sensitive.emergencyContacts.map((c) => ({ ...c, lastConfirmedOn: confirmedOn })) },
        });
      }
      notifications.show({ color: 'teal', message: list.length === 1 ? t('ec.confirmed', { name: list[0]!.employee.name }) : t('ec.written', { count: list.length }) });
    } catch (err) {
      notifications.show({ color: 'red', message: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(null);
    }
  };
  const confirm = (employee: Employee) => write([{ employee, confirmedOn: on }], employee.id);

  const ask = async () => {
    if (!client) return;
    setBusy('ask');
    try {
      const r = await client.requestContactConfirmation(askable.map((d) => d.employee.id));
      notifications.show({ color: r.skipped.length ? 'orange' : 'teal', message: t('ec.asked', { sent: r.sent.length, skipped: r.skipped.length }) });
      await loadRemote();
    } catch (err) {
      notifications.show({ color: 'red', message: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(null);
    }
  };

  return (
    <Stack gap="md" data-testid="contacts-due">
      <Alert color="blue" variant="light">
        {t('ec.hint', { days: schedule.periodDays, every: schedule.everyDays, max: schedule.maxReminders, later: schedule.laterEveryDays })}
      </Alert>
      <Group align="flex-end">
        <Select label={t('al.site')} placeholder={t('al.allSites')} clearable w={180} data={org.sites.map((s) => ({ value: s.id, label: s.name }))} value={site} onChange={setSite} />
        <SegmentedControl
          value={filter}
          onChange={(v) => setFilter(v as ContactFilter)}
          data={[
            { value: 'all', label: t('ec.filterAll', { count: counts.all }) },
            { value: 'not_asked', label: t('ec.filterNotAsked', { count: counts.not_asked }) },
            { value: 'waiting', label: t('ec.filterWaiting', { count: counts.waiting }) },
            { value: 'overdue', label: t('ec.filterOverdue', { count: counts.overdue }) },
          ]}
          data-testid="contacts-filter"
        />
        <Text size="sm" c="dimmed" mb={6} data-testid="contacts-due-count">
          {t('ec.count', { count: due.length })}
        </Text>
        <Group gap="xs" ml="auto">
          {toWrite.length > 0 && (
            <Button variant="light" color="teal" loading={busy === 'write'} onClick={() => void write(toWrite.map((d) => ({ employee: d.employee, confirmedOn: answered(d.employee)! })), 'write')} data-testid="contacts-write-all">
              {t('ec.writeAll', { count: toWrite.length })}
            </Button>
          )}
          <Button disabled={!client || askable.length === 0} loading={busy === 'ask'} onClick={() => void ask()} data-testid="contacts-ask">
            {t('ec.ask', { count: askable.length })}
          </Button>
        </Group>
      </Group>
      {!client && (
        <Text size="xs" c="dimmed">
          {t('ec.askNeedsServer')}
        </Text>
      )}
      <Paper withBorder radius="md">
        <ScrollArea.Autosize mah={560}>
          <Table verticalSpacing="xs" stickyHeader data-testid="contacts-due-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('al.employee')}</Table.Th>
                <Table.Th>{t('al.site')}</Table.Th>
                <Table.Th>{t('ec.contacts')}</Table.Th>
                <Table.Th>{t('al.status')}</Table.Th>
                <Table.Th>{t('ec.reminders')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {loaded && shown.length === 0 && (
                <Table.Tr>
                  <Table.Td colSpan={6}>
                    <Text size="sm" c="dimmed" ta="center" py="md">
                      {t(due.length === 0 ? 'ec.none' : 'ec.noneInFilter')}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              )}
              {shown.map(({ employee: e, reason, oldest }) => (
                <Table.Tr key={e.id} data-testid="contact-due-row" data-state={stateOf(e)}>
                  <Table.Td>
                    {e.name}（{e.employeeNo}）
                  </Table.Td>
                  <Table.Td>{org.byId.get(e.siteId)?.name ?? ''}</Table.Td>
                  <Table.Td>
                    <Text size="sm">{e.sensitive.emergencyContacts.map((c) => `${c.name}${c.relation ? `（${c.relation}）` : ''} ${c.phone}`).join('；') || '—'}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      <Badge variant="light" color={reason === 'stale' ? 'orange' : 'red'} radius="sm" style={{ textTransform: 'none' }}>
                        {reason === 'stale' ? t('ec.stale', { date: oldest ?? '' }) : t(reason === 'never' ? 'ec.never' : 'ec.noneOnFile')}
                      </Badge>
                      {stateOf(e) === 'overdue' && (
                        <Badge color="red" radius="sm" style={{ textTransform: 'none' }} data-testid="contact-overdue">
                          {t('ec.overdue')}
                        </Badge>
                      )}
                    </Group>
                    <RequestState status={remote.get(e.id)} answeredOn={answered(e)} />
                  </Table.Td>
                  <Table.Td data-testid="contact-reminders">
                    <Reminders status={remote.get(e.id)} />
                  </Table.Td>
                  <Table.Td>
                    <Group gap={6} justify="flex-end" wrap="nowrap">
                      {answered(e) && (
                        <Button size="compact-sm" variant="light" color="teal" loading={busy === `w-${e.id}`} onClick={() => void write([{ employee: e, confirmedOn: answered(e)! }], `w-${e.id}`)} data-testid="contact-write">
                          {t('ec.write')}
                        </Button>
                      )}
                      {reason !== 'none_on_file' && (
                        <Button size="compact-sm" variant="subtle" loading={busy === e.id} onClick={() => void confirm(e)} data-testid="contact-confirm">
                          {t('ec.markConfirmed')}
                        </Button>
                      )}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollArea.Autosize>
      </Paper>
    </Stack>
  );
}

function RequestState({ status, answeredOn }: { status: ContactConfirmationStatus | undefined; answeredOn: string | null }) {
  const t = useT();
  if (answeredOn)
    return (
      <Text size="xs" c="teal" data-testid="contact-request-state">
        {t('ec.answered', { date: answeredOn })}
      </Text>
    );
  if (!status || !isOpen(status)) return null;
  return (
    <Stack gap={0} data-testid="contact-request-state">
      <Text size="xs" c="dimmed">
        {status.automatic ? t('ec.autoRequested', { date: formatDate(status.requestedAt) }) : t('ec.requested', { date: formatDate(status.requestedAt), who: status.requestedBy })}
      </Text>
      {status.hrAlertedAt !== null && (
        <Text size="xs" c="red">
          {t('ec.hrAlerted', { date: formatDate(status.hrAlertedAt) })}
        </Text>
      )}
    </Stack>
  );
}

/** The server's automatic reminders for the latest request: how many went out, when the last one did and when the next is due. */
function Reminders({ status }: { status: ContactConfirmationStatus | undefined }) {
  const t = useT();
  if (!status || !isOpen(status)) return null;
  const next = status.nextReminderAt !== null && (
    <Text size="xs" c="dimmed">
      {t('ec.nextReminder', { at: formatDateTime(status.nextReminderAt) })}
    </Text>
  );
  if (status.remindersSent === 0)
    return (
      <Stack gap={0}>
        <Text size="xs" c="dimmed">
          {t('ec.noReminder')}
        </Text>
        {next}
      </Stack>
    );
  return (
    <Stack gap={0}>
      <Text size="sm">{t('ec.remindersSent', { count: status.remindersSent })}</Text>
      {status.lastReminderAt !== null && (
        <Text size="xs" c="dimmed">
          {t('ec.lastReminder', { at: formatDateTime(status.lastReminderAt) })}
        </Text>
      )}
      {next}
    </Stack>
  );
}
