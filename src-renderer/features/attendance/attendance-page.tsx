import { ActionIcon, Badge, Box, Button, Group, Menu, Paper, SegmentedControl, Select, Table, Tabs, Text, TextInput, UnstyledButton } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconCalendarStats, IconChartBar, IconChevronLeft, IconChevronRight, IconDots, IconFileCheck, IconListDetails, IconSearch } from '@tabler/icons-react';
import { useEffect, useMemo, useState } from 'react';
import type { RequestDoc } from '#shared/schemas/leave';
import type { Punch } from '#shared/schemas/punch';
import { monthRange, type AttendanceTotals } from '#shared/attendance/attendance-summary';
import { addDays, localDateTimeOf } from '#shared/time';
import { EmptyState } from '../../components/empty-state.tsx';
import { formatDateTime, today } from '../../components/format.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { useT, type MessageKey, type Translate } from '../../i18n/i18n.tsx';
import { errorText } from '../devices/test-result.tsx';
import { useEmployees } from '../employees/use-employees.ts';
import { useOrg, type OrgData } from '../org/use-org.ts';
import { useContactPendingDates } from './use-contact-pending.ts';
import { inScope, type Scope } from './attendance-scope.ts';
import { computeRows, monthSummaries, rowLabel, type AttendanceRow, type AttendanceSources } from './attendance-rows.ts';
import { decideRequest } from './attendance-requests.ts';
import { decisionBlockedKey, useRequestActor } from './request-decider.ts';
import { AttendanceBadge, LABEL_COLOR, LABEL_ORDER, labelKey } from './attendance-status.tsx';
import { CorrectionDialog, LeaveDialog } from './request-dialogs.tsx';
import { TrendView } from './trend-view.tsx';
import { useAttendanceSetup, usePunchesForDays, useRequests } from './use-attendance-data.ts';

const PAGE_ROWS = 300;
const hhmm = (ms: number | null) => (ms === null ? '—' : localDateTimeOf(ms).slice(11, 16));

export function AttendancePage() {
  const t = useT();
  const org = useOrg();
  const [tab, setTab] = useState<string | null>('day');
  const [scope, setScope] = useState<Scope>({ siteId: null, departmentId: null });
  // Kept here so switching tabs keeps the day and month being looked at.
  const [date, setDate] = useState(() => today());
  const [month, setMonth] = useState(() => today().slice(0, 7));
  const requests = useRequests();
  const pending = (requests ?? []).filter((r) => r.status === 'pending').length;
  return (
    <Box p="lg">
      <PageHeader title={t('att.title')} subtitle={t('att.subtitle')} actions={<ScopePicker org={org} scope={scope} onChange={setScope} />} />
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="day" leftSection={<IconListDetails size={16} />} data-testid="tab-day">
            {t('att.tabDay')}
          </Tabs.Tab>
          <Tabs.Tab value="month" leftSection={<IconCalendarStats size={16} />} data-testid="tab-month">
            {t('att.tabMonth')}
          </Tabs.Tab>
          <Tabs.Tab value="trend" leftSection={<IconChartBar size={16} />} data-testid="tab-trend">
            {t('trend.tab')}
          </Tabs.Tab>
          <Tabs.Tab
            value="requests"
            leftSection={<IconFileCheck size={16} />}
            rightSection={pending > 0 ? <Badge size="xs" circle color="red">{pending}</Badge> : null}
            data-testid="tab-requests"
          >
            {t('att.tabRequests')}
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="day">
          <DayView scope={scope} org={org} requests={requests ?? []} date={date} setDate={setDate} />
        </Tabs.Panel>
        <Tabs.Panel value="month">
          <MonthView scope={scope} org={org} requests={requests ?? []} month={month} setMonth={setMonth} />
        </Tabs.Panel>
        <Tabs.Panel value="trend">
          <TrendView scope={scope} org={org} requests={requests ?? []} month={month} setMonth={setMonth} />
        </Tabs.Panel>
        <Tabs.Panel value="requests">
          <RequestsView requests={requests ?? []} />
        </Tabs.Panel>
      </Tabs>
    </Box>
  );
}

function ScopePicker({ org, scope, onChange }: { org: OrgData; scope: Scope; onChange: (s: Scope) => void }) {
  const t = useT();
  const departments = org.departments.filter((d) => !scope.siteId || !d.siteId || d.siteId === scope.siteId);
  return (
    <>
      <Select
        size="xs"
        w={170}
        placeholder={t('att.allSites')}
        clearable
        data={org.sites.map((s) => ({ value: s.id, label: s.name }))}
        value={scope.siteId}
        onChange={(siteId) => onChange({ siteId, departmentId: null })}
        data-testid="att-site"
      />
      <Select
        size="xs"
        w={170}
        placeholder={t('att.allDepartments')}
        clearable
        searchable
        data={departments.map((d) => ({ value: d.id, label: d.name }))}
        value={scope.departmentId}
        onChange={(departmentId) => onChange({ ...scope, departmentId })}
        data-testid="att-department"
      />
    </>
  );
}

function useSources(from: string, to: string, scope: Scope, requests: RequestDoc[]): { sources: AttendanceSources | null; punches: Punch[] } {
  const { employees, loaded } = useEmployees();
  const setup = useAttendanceSetup();
  const punches = usePunchesForDays(from, to);
  const contactPending = useContactPendingDates();
  // Today's rows change with the clock (a shift ends, a window closes): recompute every minute.
  const [minute, setMinute] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setMinute((m) => m + 1), 60_000);
    return () => clearInterval(timer);
  }, []);
  const sources = useMemo(() => {
    if (!loaded || !setup.loaded || !punches) return null;
    return { employees: employees.filter((e) => inScope(e, scope)), shifts: setup.shifts, rotations: setup.rotations, punches, requests, calendar: setup.calendar, contactPendingDates: contactPending, now: Date.now() };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [loaded, setup, punches, employees, scope, requests, minute, contactPending]);
  return { sources, punches: punches ?? [] };
}

type DayProps = { scope: Scope; org: OrgData; requests: RequestDoc[]; date: string; setDate: (d: string) => void };

function DayView({ scope, org, requests, date, setDate }: DayProps) {
  const t = useT();
  const [filter, setFilter] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const [correcting, setCorrecting] = useState<{ row: AttendanceRow; dayPunches: Punch[] } | null>(null);
  const [leaving, setLeaving] = useState<AttendanceRow | null>(null);
  const { sources, punches } = useSources(date, date, scope, requests);
  const rows = useMemo(() => (sources ? computeRows(sources, date, date) : []), [sources, date]);
  const now = sources?.now ?? Date.now();
  const counts = useMemo(() => {
    const m = new Map<string, number>();
    for (const r of rows) m.set(rowLabel(r, now), (m.get(rowLabel(r, now)) ?? 0) + 1);
    return m;
  }, [rows, now]);
  const q = search.trim().toLowerCase();
  // A plant of thousands: render a page of rows at a time (the counts above always cover everyone).
  const [limit, setLimit] = useState(PAGE_ROWS);
  const shown = rows.filter((r) => (!filter || rowLabel(r, now) === filter) && (!q || r.employee.name.toLowerCase().includes(q) || r.employee.employeeNo.toLowerCase().includes(q)));
  const pendingFor = useMemo(() => new Set(requests.filter((r) => r.status === 'pending').map((r) => r.employeeId)), [requests]);
  const punchesOf = (row: AttendanceRow) => punches.filter((p) => row.day && (row.day.usedPunchIds.includes(p.id) || row.day.ignoredPunchIds.includes(p.id)));

  return (
    <Paper withBorder radius="md">
      <Group justify="space-between" px="md" py="sm" style={{ borderBottom: '1px solid var(--mantine-color-gray-2)' }} wrap="wrap" gap="sm">
        <Group gap={6}>
          <ActionIcon variant="default" onClick={() => setDate(addDays(date, -1))} aria-label={t('att.prevDay')}>
            <IconChevronLeft size={16} />
          </ActionIcon>
          <TextInput type="date" size="xs" w={150} value={date} onChange={(e) => e.currentTarget.value && setDate(e.currentTarget.value)} data-testid="att-date" />
          <ActionIcon variant="default" onClick={() => setDate(addDays(date, 1))} aria-label={t('att.nextDayNav')}>
            <IconChevronRight size={16} />
          </ActionIcon>
          {date !== today() && (
            <Button size="compact-xs" variant="subtle" onClick={() => setDate(today())}>
              {t('att.today')}
            </Button>
          )}
        </Group>
        <TextInput size="xs" w={200} leftSection={<IconSearch size={14} />} placeholder={t('att.searchPlaceholder')} value={search} onChange={(e) => setSearch(e.currentTarget.value)} />
      </Group>
      <Group gap={6} px="md" py="xs" data-testid="att-counts">
        <UnstyledButton onClick={() => setFilter(null)}>
          <Badge variant={filter === null ? 'filled' : 'outline'} color="dark" radius="sm" style={{ textTransform: 'none', cursor: 'pointer' }}>
            {t('common.all')} {rows.length}
          </Badge>
        </UnstyledButton>
        {LABEL_ORDER.filter((l) => counts.get(l)).map((l) => (
          <UnstyledButton key={l} onClick={() => setFilter(filter === l ? null : l)} data-testid={`att-count-${l}`}>
            <Badge variant={filter === l ? 'filled' : 'light'} color={LABEL_COLOR[l]} radius="sm" style={{ textTransform: 'none', cursor: 'pointer' }}>
              {t(labelKey(l))} {counts.get(l)}
            </Badge>
          </UnstyledButton>
        ))}
      </Group>
      {sources && rows.length === 0 ? (
        <EmptyState icon={<IconListDetails size={22} />} title={t('att.noEmployees')} />
      ) : (
        <Table.ScrollContainer minWidth={900}>
          <Table verticalSpacing={6} highlightOnHover stickyHeader data-testid="att-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={90}>{t('att.employeeNo')}</Table.Th>
                <Table.Th>{t('att.name')}</Table.Th>
                <Table.Th>{t('att.department')}</Table.Th>
                <Table.Th w={170}>{t('att.shift')}</Table.Th>
                <Table.Th w={150}>{t('att.status')}</Table.Th>
                <Table.Th w={80}>{t('att.in')}</Table.Th>
                <Table.Th w={80}>{t('att.out')}</Table.Th>
                <Table.Th w={80} ta="right">{t('att.lateMin')}</Table.Th>
                <Table.Th w={80} ta="right">{t('att.earlyMin')}</Table.Th>
                <Table.Th w={60} />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {shown.slice(0, limit).map((r) => (
                <Table.Tr key={r.employee.id} data-testid="att-row" data-employee-no={r.employee.employeeNo}>
                  <Table.Td c="dimmed">{r.employee.employeeNo}</Table.Td>
                  <Table.Td fw={500}>
                    {r.employee.name}
                    {pendingFor.has(r.employee.id) && (
                      <Badge ml={6} size="xs" variant="outline" color="orange" radius="sm" style={{ textTransform: 'none' }}>
                        {t('att.hasPending')}
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>{org.byId.get(r.employee.departmentId)?.name ?? '—'}</Table.Td>
                  <Table.Td>
                    {r.shift ? (
                      <Text size="sm" data-testid="att-shift">
                        {r.shift.name}{' '}
                        <Text span size="xs" c="dimmed">
                          {r.shift.start}–{r.shift.end}
                        </Text>
                        {r.schedule?.kind === 'rotation' && (
                          <Text size="xs" c="dimmed" data-testid="att-rotation">
                            ↻ {r.schedule.name}
                          </Text>
                        )}
                      </Text>
                    ) : (
                      '—'
                    )}
                  </Table.Td>
                  <Table.Td>
                    <AttendanceBadge row={r} now={now} />
                  </Table.Td>
                  <Table.Td ff="monospace" data-testid="att-in">
                    {hhmm(r.day?.inAt ?? null)}
                  </Table.Td>
                  <Table.Td ff="monospace" data-testid="att-out">
                    {hhmm(r.day?.outAt ?? null)}
                  </Table.Td>
                  <Table.Td ta="right" c={r.day?.lateMinutes ? 'orange.8' : 'dimmed'}>
                    {r.day?.lateMinutes || '—'}
                  </Table.Td>
                  <Table.Td ta="right" c={r.day?.earlyMinutes ? 'yellow.8' : 'dimmed'}>
                    {r.day?.earlyMinutes || '—'}
                  </Table.Td>
                  <Table.Td>
                    {r.day && (
                      <Menu position="bottom-end" withinPortal>
                        <Menu.Target>
                          <ActionIcon variant="subtle" color="gray" aria-label={t('att.actions')} data-testid="att-row-menu">
                            <IconDots size={16} />
                          </ActionIcon>
                        </Menu.Target>
                        <Menu.Dropdown>
                          <Menu.Item onClick={() => setCorrecting({ row: r, dayPunches: punchesOf(r) })} data-testid="att-correct">
                            {t('att.correct')}
                          </Menu.Item>
                          <Menu.Item onClick={() => setLeaving(r)} data-testid="att-leave">
                            {t('att.leave')}
                          </Menu.Item>
                        </Menu.Dropdown>
                      </Menu>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {shown.length > limit && (
            <Group justify="center" py="sm">
              <Button variant="subtle" size="xs" onClick={() => setLimit(limit + PAGE_ROWS)} data-testid="att-more">
                {t('att.showMore', { shown: limit, total: shown.length })}
              </Button>
            </Group>
          )}
        </Table.ScrollContainer>
      )}
      <CorrectionDialog target={correcting} onClose={() => setCorrecting(null)} />
      <LeaveDialog row={leaving} onClose={() => setLeaving(null)} />
    </Paper>
  );
}

const hours = (minutes: number) => (minutes === 0 ? '—' : (minutes / 60).toFixed(1));

type MonthProps = { scope: Scope; org: OrgData; requests: RequestDoc[]; month: string; setMonth: (m: string) => void };

function MonthView({ scope, org, requests, month, setMonth }: MonthProps) {
  const t = useT();
  const [by, setBy] = useState<'employee' | 'department'>('employee');
  const { from, to } = monthRange(month);
  const { sources } = useSources(from, to, scope, requests);
  const summary = useMemo(() => (sources ? monthSummaries(sources, month) : null), [sources, month]);
  const cols: { key: MessageKey; get: (s: AttendanceTotals) => string | number; warn?: boolean }[] = [
    { key: 'att.scheduledDays', get: (s) => s.scheduledDays },
    { key: 'att.status.present', get: (s) => s.counts.present },
    { key: 'att.status.late', get: (s) => s.counts.late, warn: true },
    { key: 'att.lateMinTotal', get: (s) => s.lateMinutes, warn: true },
    { key: 'att.status.early_leave', get: (s) => s.counts.early_leave, warn: true },
    { key: 'att.status.missing_punch', get: (s) => s.counts.missing_punch, warn: true },
    { key: 'att.status.absent', get: (s) => s.counts.absent, warn: true },
    { key: 'att.status.absent_contact_pending', get: (s) => s.counts.absent_contact_pending, warn: true },
    { key: 'att.status.on_leave', get: (s) => s.counts.on_leave },
    { key: 'att.status.excused', get: (s) => s.counts.excused },
    { key: 'att.workedHours', get: (s) => hours(s.workedMinutes) },
    { key: 'att.restHolidayHours', get: (s) => hours(s.restDayWorkedMinutes + s.holidayWorkedMinutes) },
  ];
  const rows = by === 'employee' ? (summary?.employees ?? []) : (summary?.departments ?? []);
  return (
    <Paper withBorder radius="md">
      <Group justify="space-between" px="md" py="sm" style={{ borderBottom: '1px solid var(--mantine-color-gray-2)' }}>
        <Group gap="sm">
          <TextInput type="month" size="xs" w={150} value={month} onChange={(e) => /^\d{4}-\d{2}$/.test(e.currentTarget.value) && setMonth(e.currentTarget.value)} data-testid="att-month" />
          {to >= today() && (
            <Text size="xs" c="dimmed">
              {t('att.monthSoFar', { date: today() })}
            </Text>
          )}
        </Group>
        <SegmentedControl
          size="xs"
          value={by}
          onChange={(v) => setBy(v as typeof by)}
          data={[
            { value: 'employee', label: t('att.byEmployee') },
            { value: 'department', label: t('att.byDepartment') },
          ]}
          data-testid="att-month-by"
        />
      </Group>
      <Table.ScrollContainer minWidth={1100}>
        <Table verticalSpacing={6} highlightOnHover striped data-testid="att-month-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{by === 'employee' ? t('att.name') : t('att.department')}</Table.Th>
              {by === 'employee' ? <Table.Th>{t('att.department')}</Table.Th> : <Table.Th ta="right">{t('att.headcount')}</Table.Th>}
              {cols.map((c) => (
                <Table.Th key={c.key} ta="right">
                  {t(c.key)}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((s) => (
              <Table.Tr key={'employee' in s ? s.employee.id : s.departmentId} data-testid="att-month-row">
                {'employee' in s ? (
                  <>
                    <Table.Td fw={500}>
                      {s.employee.name}{' '}
                      <Text span size="xs" c="dimmed">
                        {s.employee.employeeNo}
                      </Text>
                    </Table.Td>
                    <Table.Td>{org.byId.get(s.departmentId)?.name ?? '—'}</Table.Td>
                  </>
                ) : (
                  <>
                    <Table.Td fw={500}>{org.byId.get(s.departmentId)?.name ?? '—'}</Table.Td>
                    <Table.Td ta="right">{(s as { employees: number }).employees}</Table.Td>
                  </>
                )}
                {cols.map((c) => {
                  const value = c.get(s);
                  return (
                    <Table.Td key={c.key} ta="right" c={c.warn && value ? 'red.8' : value === 0 || value === '—' ? 'dimmed' : undefined}>
                      {value === 0 ? '—' : value}
                    </Table.Td>
                  );
                })}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}

function RequestsView({ requests }: { requests: RequestDoc[] }) {
  const t = useT();
  const { ctx, decider } = useRequestActor();
  const { employees } = useEmployees();
  const byId = useMemo(() => new Map(employees.map((e) => [e.id, e])), [employees]);
  const [show, setShow] = useState<'pending' | 'all'>('pending');
  const list = requests.filter((r) => show === 'all' || r.status === 'pending');
  const decide = async (id: string, decision: 'approved' | 'rejected') => {
    try {
      if (!decider) return;
      await decideRequest(ctx, id, decision, decider);
      notifications.show({ color: 'teal', message: t(decision === 'approved' ? 'att.approvedMsg' : 'att.rejectedMsg') });
    } catch (err) {
      notifications.show({ color: 'red', title: t('common.saveFailed'), message: errorText(err) });
    }
  };
  return (
    <Paper withBorder radius="md">
      <Group justify="space-between" px="md" py="sm" style={{ borderBottom: '1px solid var(--mantine-color-gray-2)' }}>
        <Text size="sm" c="dimmed">
          {t('att.requestsHint')}
        </Text>
        <SegmentedControl
          size="xs"
          value={show}
          onChange={(v) => setShow(v as typeof show)}
          data={[
            { value: 'pending', label: t('att.pendingOnly') },
            { value: 'all', label: t('common.all') },
          ]}
        />
      </Group>
      {list.length === 0 ? (
        <EmptyState icon={<IconFileCheck size={22} />} title={t('att.noRequests')} hint={t('att.noRequestsHint')} />
      ) : (
        <Table verticalSpacing={8} data-testid="requests-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={110}>{t('att.requestKind')}</Table.Th>
              <Table.Th>{t('att.name')}</Table.Th>
              <Table.Th>{t('att.requestWhat')}</Table.Th>
              <Table.Th>{t('att.reason')}</Table.Th>
              <Table.Th w={90}>{t('att.status')}</Table.Th>
              <Table.Th w={170} />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.map((r) => {
              const e = byId.get(r.employeeId);
              const blocked = decisionBlockedKey(decider, r);
              return (
                <Table.Tr key={r.id} data-testid="request-row">
                  <Table.Td>
                    <Badge variant="light" color={r.kind === 'leave' ? 'blue' : 'grape'} radius="sm" style={{ textTransform: 'none' }}>
                      {r.kind === 'leave' ? t(`att.leave.${r.type}` as MessageKey) : t(`att.action.${r.action}` as MessageKey)}
                    </Badge>
                  </Table.Td>
                  <Table.Td fw={500}>
                    {e?.name ?? '—'}{' '}
                    <Text span size="xs" c="dimmed">
                      {e?.employeeNo}
                    </Text>
                  </Table.Td>
                  <Table.Td>{describeRequest(t, r)}</Table.Td>
                  <Table.Td maw={280}>
                    <Text size="sm" lineClamp={2}>
                      {r.reason}
                    </Text>
                    {r.requestedBy && (
                      <Text size="xs" c="dimmed" data-testid="request-filed-by">
                        {t('rd.filedBy', { who: r.requestedBy })}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="dot" color={r.status === 'approved' ? 'teal' : r.status === 'rejected' ? 'red' : r.status === 'pending' ? 'orange' : 'gray'} radius="sm" style={{ textTransform: 'none' }} data-testid="request-status">
                      {t(`att.reqStatus.${r.status}` as MessageKey)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    {r.status === 'pending' ? (
                      <>
                        <Group gap={6} justify="flex-end" wrap="nowrap">
                          <Button size="compact-sm" color="teal" disabled={blocked !== null} onClick={() => void decide(r.id, 'approved')} data-testid="request-approve">
                            {t('att.approve')}
                          </Button>
                          <Button size="compact-sm" variant="default" disabled={blocked !== null} onClick={() => void decide(r.id, 'rejected')} data-testid="request-reject">
                            {t('att.reject')}
                          </Button>
                        </Group>
                        {blocked && (
                          <Text size="xs" c="dimmed" ta="right" mt={4} data-testid="request-decision-blocked">
                            {t(blocked)}
                          </Text>
                        )}
                      </>
                    ) : (
                      <Text size="xs" c="dimmed" ta="right">
                        {r.decidedBy} {r.decidedAt ? formatDateTime(r.decidedAt) : ''}
                      </Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}

function describeRequest(t: Translate, r: RequestDoc): string {
  if (r.kind === 'leave') {
    const half = (h: string) => (h === 'full' ? '' : ` ${t(`att.half.${h}` as MessageKey)}`);
    return r.startDate === r.endDate ? `${r.startDate}${half(r.startHalf)}` : `${r.startDate}${half(r.startHalf)} – ${r.endDate}${half(r.endHalf)}`;
  }
  if (r.action === 'add_punch' && r.at !== null) return t('att.describeAdd', { date: r.date, time: formatDateTime(r.at).slice(11) });
  if (r.action === 'void_punch') return t('att.describeVoid', { date: r.date });
  return r.endDate ? `${r.date} – ${r.endDate}` : r.date;
}
