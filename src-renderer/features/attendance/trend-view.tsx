import { Badge, Box, Group, Loader, Paper, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { absencesOf, departmentTrends, monthOverMonth, monthSettled, TREND_MONTHS, WORSE_BY_POINTS, type MonthTrendPoint, type TrendDay } from '#shared/attendance/attendance-trend';
import type { RequestDoc } from '#shared/schemas/leave';
import { useT, type MessageKey } from '../../i18n/i18n.tsx';
import type { OrgData } from '../org/use-org.ts';
import type { Scope } from './attendance-scope.ts';
import { labelKey } from './attendance-status.tsx';
import { colorOf, CountChart, DailyChart, formatRate, Legend, RateChart, STACK_ORDER } from './trend-charts.tsx';
import { useAttendanceTrend } from './use-attendance-trend.ts';

/**
 * The attendance page's trend tab: per day of the chosen month the counts HR chases (absences, late, early,
 * missing punches, leave), then the months before it side by side and, for a site or the whole company,
 * each department's attendance rate so one getting worse stands out. All numbers come from the shared
 * trend functions (src-shared/attendance/attendance-trend.ts); this view only lays them out.
 */
type Props = { scope: Scope; org: OrgData; requests: RequestDoc[]; month: string; setMonth: (m: string) => void };

const points = (value: number | null) => (value === null ? '—' : `${value > 0 ? '+' : ''}${value.toFixed(1)}`);
const count = (n: number) => (n === 0 ? '—' : String(n));

export function TrendView({ scope, org, requests, month, setMonth }: Props) {
  const t = useT();
  const { months, trends, pending } = useAttendanceTrend(month, scope, requests);
  const chosen = trends.at(-1) ?? null;
  const monthPoints = trends.map((x) => x?.point ?? null);
  const departments = departmentTrends(months, trends.flatMap((x) => x?.departments ?? []));
  const now = Date.now();
  return (
    <Paper withBorder radius="md" data-testid="trend-view">
      <Group justify="space-between" px="md" py="sm" style={{ borderBottom: '1px solid var(--mantine-color-gray-2)' }}>
        <Group gap="sm">
          <TextInput type="month" size="xs" w={150} value={month} onChange={(e) => /^\d{4}-\d{2}$/.test(e.currentTarget.value) && setMonth(e.currentTarget.value)} data-testid="trend-month" />
          {!monthSettled(month, now) && (
            <Badge variant="light" color="gray" radius="sm" style={{ textTransform: 'none' }}>
              {t('trend.inProgress')}
            </Badge>
          )}
        </Group>
        {pending > 0 && (
          <Group gap={6} data-testid="trend-computing">
            <Loader size="xs" />
            <Text size="xs" c="dimmed">
              {trends.some((x) => x !== null) ? t('trend.updating') : t('trend.computing', { count: pending })}
            </Text>
          </Group>
        )}
      </Group>

      <Stack gap="xl" p="md">
        <Box>
          <Title order={5}>{t('trend.dailyTitle', { month })}</Title>
          <Text size="xs" c="dimmed" mb="xs">
            {t('trend.dailyHint')}
          </Text>
          <Legend items={STACK_ORDER.map((s) => ({ label: t(labelKey(s)), color: colorOf(s) }))} />
          {chosen?.daily ? (
            <>
              <DailyChart days={chosen.daily} />
              {chosen.point.scheduledDays === 0 && (
                <Text size="sm" c="dimmed" ta="center" data-testid="trend-nobody">
                  {t('trend.nobody')}
                </Text>
              )}
              <DailyTable days={chosen.daily} />
            </>
          ) : (
            <Group justify="center" h={200}>
              <Loader size="sm" />
            </Group>
          )}
        </Box>

        <Box data-testid="trend-months-section">
          <Title order={5}>{t('trend.monthsTitle', { count: TREND_MONTHS, month })}</Title>
          <Text size="xs" c="dimmed" mb="xs">
            {t('trend.monthsHint')}
          </Text>
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
            <RateChart points={monthPoints} />
            <Box>
              <CountChart points={monthPoints} />
              <Legend
                items={[
                  { label: t('trend.lateCount'), color: colorOf('late') },
                  { label: t(labelKey('absent')), color: colorOf('absent') },
                  { label: t(labelKey('absent_contact_pending')), color: colorOf('absent_contact_pending') },
                ]}
              />
            </Box>
          </SimpleGrid>
          <MonthsTable months={months} points={monthPoints} now={now} />
        </Box>

        {!scope.departmentId && departments.length > 1 && (
          <Box>
            <Title order={5}>{t('trend.departmentsTitle')}</Title>
            <Text size="xs" c="dimmed" mb="xs">
              {t('trend.departmentsHint', { points: WORSE_BY_POINTS })}
            </Text>
            <Table.ScrollContainer minWidth={800}>
              <Table verticalSpacing={4} striped data-testid="trend-departments">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('trend.department')}</Table.Th>
                    {months.map((m) => (
                      <Table.Th key={m} ta="right">
                        {m}
                      </Table.Th>
                    ))}
                    <Table.Th ta="right">{t('trend.change')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {departments.map((d) => (
                    <Table.Tr key={d.departmentId} data-testid="trend-dept-row" data-department-id={d.departmentId}>
                      <Table.Td fw={500}>{org.byId.get(d.departmentId)?.name ?? d.departmentId}</Table.Td>
                      {d.points.map((p, i) => (
                        <Table.Td key={months[i]} ta="right" ff="monospace" data-field="rate" data-month={months[i]}>
                          {formatRate(p?.rate ?? null)}
                        </Table.Td>
                      ))}
                      <Table.Td ta="right" c={d.worse ? 'red.8' : d.change !== null && d.change > 0 ? 'teal.8' : undefined} data-field="change">
                        <Group gap={6} justify="flex-end" wrap="nowrap">
                          {d.worse && (
                            <Badge size="xs" color="red" radius="sm" style={{ textTransform: 'none' }}>
                              {t('trend.worse')}
                            </Badge>
                          )}
                          <Text span size="sm" ff="monospace">
                            {points(d.change)}
                          </Text>
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </Box>
        )}
      </Stack>
    </Paper>
  );
}

function DailyTable({ days }: { days: readonly TrendDay[] }) {
  const t = useT();
  const rows: { key: string; label: string; color?: string; get: (d: TrendDay) => number }[] = [
    { key: 'scheduled', label: t('trend.scheduled'), get: (d) => d.scheduled },
    ...STACK_ORDER.map((s) => ({ key: s, label: t(labelKey(s)), color: colorOf(s), get: (d: TrendDay) => d.counts[s] })),
  ];
  return (
    <Table.ScrollContainer minWidth={1200} mt="xs">
      <Table verticalSpacing={2} horizontalSpacing={4} fz="xs" withColumnBorders data-testid="trend-daily-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th miw={110}>{t('trend.date')}</Table.Th>
            {days.map((d) => (
              <Table.Th key={d.date} ta="center" c={d.scheduled === 0 ? 'dimmed' : undefined}>
                {Number(d.date.slice(8))}
              </Table.Th>
            ))}
            <Table.Th ta="right">{t('trend.total')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((r) => (
            <Table.Tr key={r.key} data-testid="trend-day-row" data-status={r.key}>
              <Table.Td>
                <Group gap={6} wrap="nowrap">
                  {r.color && <Box w={8} h={8} style={{ background: r.color, borderRadius: 2 }} />}
                  <Text size="xs">{r.label}</Text>
                </Group>
              </Table.Td>
              {days.map((d) => (
                <Table.Td key={d.date} ta="center" ff="monospace" c={r.get(d) === 0 ? 'dimmed' : undefined} data-date={d.date}>
                  {count(r.get(d))}
                </Table.Td>
              ))}
              <Table.Td ta="right" ff="monospace" fw={600} data-date="total">
                {days.reduce((n, d) => n + r.get(d), 0)}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function MonthsTable({ months, points: list, now }: { months: string[]; points: (MonthTrendPoint | null)[]; now: number }) {
  const t = useT();
  // Against the calendar month before, once both are computed.
  const changeOf = (p: MonthTrendPoint) => {
    const i = list.indexOf(p);
    const prev = list[i - 1];
    return prev ? monthOverMonth([prev, p])[1]! : null;
  };
  const cols: { key: string; label: MessageKey; get: (p: MonthTrendPoint) => string; warn?: boolean }[] = [
    { key: 'employees', label: 'trend.headcount', get: (p) => String(p.employees) },
    { key: 'dueDays', label: 'trend.dueDays', get: (p) => String(p.dueDays) },
    { key: 'attendedDays', label: 'trend.attendedDays', get: (p) => String(p.attendedDays) },
    { key: 'rate', label: 'trend.rate', get: (p) => formatRate(p.rate) },
    { key: 'rateChange', label: 'trend.rateChange', get: (p) => points(changeOf(p)?.ratePoints ?? null) },
    { key: 'late', label: 'trend.lateCount', get: (p) => count(p.counts.late), warn: true },
    { key: 'lateMinutes', label: 'trend.lateMinutes', get: (p) => count(p.lateMinutes) },
    { key: 'absences', label: 'trend.absences', get: (p) => count(absencesOf(p)), warn: true },
    { key: 'absent', label: labelKey('absent'), get: (p) => count(p.counts.absent) },
    { key: 'absent_contact_pending', label: labelKey('absent_contact_pending'), get: (p) => count(p.counts.absent_contact_pending) },
    { key: 'early_leave', label: labelKey('early_leave'), get: (p) => count(p.counts.early_leave) },
    { key: 'missing_punch', label: labelKey('missing_punch'), get: (p) => count(p.counts.missing_punch) },
    { key: 'on_leave', label: labelKey('on_leave'), get: (p) => count(p.counts.on_leave) },
  ];
  return (
    <Table.ScrollContainer minWidth={1100} mt="sm">
      <Table verticalSpacing={4} striped data-testid="trend-months-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('trend.month')}</Table.Th>
            {cols.map((c) => (
              <Table.Th key={c.key} ta="right">
                {t(c.label)}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {months.map((m, i) => {
            const p = list[i];
            return (
              <Table.Tr key={m} data-testid="trend-month-row" data-month={m} data-ready={p ? 'true' : 'false'}>
                <Table.Td fw={500} style={{ whiteSpace: 'nowrap' }}>
                  {m}
                  {!monthSettled(m, now) && (
                    <Text span size="xs" c="dimmed" ml={6}>
                      {t('trend.inProgress')}
                    </Text>
                  )}
                </Table.Td>
                {cols.map((c) => {
                  const value = p ? c.get(p) : '…';
                  return (
                    <Table.Td key={c.key} ta="right" ff="monospace" data-field={c.key} c={c.warn && value !== '—' && value !== '…' ? 'red.8' : value === '—' ? 'dimmed' : undefined}>
                      {value}
                    </Table.Td>
                  );
                })}
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
