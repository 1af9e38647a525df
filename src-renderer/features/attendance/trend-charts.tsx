import { Box, Group, Paper, Stack, Text } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { absencesOf, type MonthTrendPoint, type TrendDay, type TrendStatus } from '#shared/attendance/attendance-trend';
import { useT } from '../../i18n/i18n.tsx';
import { LABEL_COLOR, labelKey } from './attendance-status.tsx';

/**
 * The trend charts, drawn as plain SVG (a chart library would pull in far more than three charts need).
 * Each scales to its container through its viewBox; exact numbers are in the tables under the charts and
 * in a tooltip when hovering a day or month.
 */

/** Bottom to top in a day's stack: the most serious at the foot, where the eye compares bars. */
export const STACK_ORDER: TrendStatus[] = ['absent', 'absent_contact_pending', 'missing_punch', 'late', 'early_leave', 'on_leave'];

export const colorOf = (status: TrendStatus, shade = 6) => `var(--mantine-color-${LABEL_COLOR[status]}-${shade})`;
const AXIS = 'var(--mantine-color-gray-6)';
const GRID = 'var(--mantine-color-gray-2)';

/** 0 and a few round steps (1, 2 or 5 × 10ⁿ) reaching at least `max`. */
export function niceTicks(max: number, count = 4): number[] {
  if (max <= 0) return [0, 1];
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * magnitude >= raw) ?? 10) * Math.max(1, magnitude);
  const ticks: number[] = [];
  for (let v = 0; v < max + step; v += step) ticks.push(v);
  return ticks;
}

export function Legend({ items }: { items: { label: string; color: string }[] }) {
  return (
    <Group gap="md" data-testid="trend-legend">
      {items.map((i) => (
        <Group key={i.label} gap={6} wrap="nowrap">
          <Box w={12} h={12} style={{ background: i.color, borderRadius: 2 }} />
          <Text size="xs">{i.label}</Text>
        </Group>
      ))}
    </Group>
  );
}

function Tooltip({ x, title, lines, top = 4 }: { x: number; title: string; lines: { label: string; value: string | number; color?: string }[]; top?: number }) {
  const right = x > 0.65;
  return (
    <Paper
      withBorder
      shadow="sm"
      p="xs"
      data-testid="trend-tooltip"
      style={{ position: 'absolute', top, pointerEvents: 'none', zIndex: 2, minWidth: 150, ...(right ? { right: `calc(${(1 - x) * 100}% + 12px)` } : { left: `calc(${x * 100}% + 12px)` }) }}
    >
      <Text size="xs" fw={600} mb={4}>
        {title}
      </Text>
      <Stack gap={2}>
        {lines.map((l) => (
          <Group key={l.label} justify="space-between" gap="md" wrap="nowrap">
            <Group gap={6} wrap="nowrap">
              {l.color && <Box w={8} h={8} style={{ background: l.color, borderRadius: 2 }} />}
              <Text size="xs">{l.label}</Text>
            </Group>
            <Text size="xs" fw={500} ff="monospace">
              {l.value}
            </Text>
          </Group>
        ))}
      </Stack>
    </Paper>
  );
}

const W = 960;
const H = 250;
const M = { left: 44, right: 12, top: 14, bottom: 40 };

export function DailyChart({ days }: { days: readonly TrendDay[] }) {
  const t = useT();
  const [hover, setHover] = useState<number | null>(null);
  const totals = days.map((d) => STACK_ORDER.reduce((n, s) => n + d.counts[s], 0));
  const ticks = niceTicks(Math.max(...totals, 0));
  const top = ticks.at(-1)!;
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const col = plotW / days.length;
  const barW = Math.max(4, col * 0.64);
  const y = (v: number) => M.top + plotH - (v / top) * plotH;
  const hovered = hover === null ? null : days[hover]!;
  return (
    <Box pos="relative" onMouseLeave={() => setHover(null)}>
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label={t('trend.dailyTitle', { month: days[0]?.date.slice(0, 7) ?? '' })} data-testid="trend-daily-chart" style={{ display: 'block', fontFamily: 'inherit' }}>
        {ticks.map((v) => (
          <g key={v}>
            <line x1={M.left} x2={W - M.right} y1={y(v)} y2={y(v)} stroke={GRID} />
            <text x={M.left - 6} y={y(v) + 4} textAnchor="end" fontSize={11} fill={AXIS}>
              {v}
            </text>
          </g>
        ))}
        <text x={12} y={M.top + plotH / 2} fontSize={11} fill={AXIS} textAnchor="middle" transform={`rotate(-90 12 ${M.top + plotH / 2})`}>
          {t('trend.people')}
        </text>
        {days.map((d, i) => {
          const x0 = M.left + i * col;
          const cx = x0 + col / 2;
          const nobody = d.scheduled === 0 && d.open === 0;
          const notOver = d.scheduled === 0 && d.open > 0;
          let stacked = 0;
          return (
            <g key={d.date} data-testid="trend-day" data-date={d.date}>
              {nobody && <rect x={x0 + 1} y={M.top} width={col - 2} height={plotH} fill="var(--mantine-color-gray-1)" />}
              {notOver && <rect x={x0 + 1.5} y={M.top + 0.5} width={col - 3} height={plotH - 1} fill="none" stroke="var(--mantine-color-gray-4)" strokeDasharray="3 3" />}
              {hover === i && <rect x={x0} y={M.top} width={col} height={plotH} fill="var(--mantine-color-blue-0)" />}
              {STACK_ORDER.map((s) => {
                const n = d.counts[s];
                if (n === 0) return null;
                const y1 = y(stacked);
                stacked += n;
                return <rect key={s} x={cx - barW / 2} y={y(stacked)} width={barW} height={y1 - y(stacked)} fill={colorOf(s)} />;
              })}
              <text x={cx} y={H - M.bottom + 15} textAnchor="middle" fontSize={10} fill={AXIS}>
                {Number(d.date.slice(8))}
              </text>
              <rect x={x0} y={M.top} width={col} height={plotH} fill="transparent" onMouseEnter={() => setHover(i)} data-testid="trend-day-hit">
                <title>{`${d.date}: ${STACK_ORDER.map((s) => `${t(labelKey(s))} ${d.counts[s]}`).join(', ')}`}</title>
              </rect>
            </g>
          );
        })}
        <line x1={M.left} x2={W - M.right} y1={y(0)} y2={y(0)} stroke={AXIS} />
        <text x={M.left + plotW / 2} y={H - 6} textAnchor="middle" fontSize={11} fill={AXIS}>
          {t('trend.date')}
        </text>
      </svg>
      {hovered && hover !== null && (
        <Tooltip
          x={(M.left + (hover + 0.5) * col) / W}
          title={hovered.date}
          lines={[
            { label: t('trend.scheduled'), value: hovered.scheduled },
            ...STACK_ORDER.map((s) => ({ label: t(labelKey(s)), value: hovered.counts[s], color: colorOf(s) })),
            ...(hovered.open > 0 ? [{ label: t('trend.open'), value: hovered.open }] : []),
          ]}
        />
      )}
    </Box>
  );
}

export const formatRate = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(1)}%`);

const MW = 470;
const MH = 230;
const MM = { left: 48, right: 14, top: 24, bottom: 34 };

/** The attendance rate month by month, a line with each value written on its point. */
export function RateChart({ points }: { points: readonly (MonthTrendPoint | null)[] }) {
  const t = useT();
  const [hover, setHover] = useState<number | null>(null);
  const rates = points.map((p) => (p && p.rate !== null ? p.rate * 100 : null));
  const known = rates.filter((r): r is number => r !== null);
  // The axis starts a little under the lowest rate, not at 0 %, so a fall of a few points shows; ticks are
  // whole percentages.
  const floor = Math.max(0, (known.length ? Math.min(...known) : 100) - 2);
  const step = [1, 2, 5, 10, 20, 25].find((s) => (100 - floor) / s <= 5) ?? 25;
  const low = Math.floor(floor / step) * step;
  const ticks: number[] = [];
  for (let v = low; v <= 100; v += step) ticks.push(v);
  const plotW = MW - MM.left - MM.right;
  const plotH = MH - MM.top - MM.bottom;
  const col = plotW / points.length;
  const x = (i: number) => MM.left + (i + 0.5) * col;
  const y = (v: number) => MM.top + plotH - ((v - low) / (100 - low)) * plotH;
  const path = rates
    .map((r, i) => (r === null ? null : `${x(i)},${y(r)}`))
    .filter(Boolean)
    .join(' ');
  const tooltip = (i: number) => {
    const p = points[i];
    if (!p) return null;
    return { title: p.month, lines: [{ label: t('trend.rate'), value: formatRate(p.rate) }, { label: t('trend.attendedDays'), value: p.attendedDays }, { label: t('trend.dueDays'), value: p.dueDays }] };
  };
  return (
    <MonthFrame title={t('trend.rateChart')} testId="trend-rate-chart" ticks={ticks} y={y} format={(v) => `${Math.round(v)}%`} months={points.map((p, i) => p?.month ?? String(i))} plotW={plotW} plotH={plotH} col={col} hover={hover} setHover={setHover} tooltip={tooltip}>
      <polyline points={path} fill="none" stroke="var(--mantine-color-teal-6)" strokeWidth={2} />
      {rates.map((r, i) =>
        r === null ? null : (
          <g key={i}>
            <circle cx={x(i)} cy={y(r)} r={4} fill="white" stroke="var(--mantine-color-teal-7)" strokeWidth={2} />
            <text x={x(i)} y={y(r) - 9} textAnchor="middle" fontSize={11} fontWeight={600} fill="var(--mantine-color-teal-9)">
              {formatRate(r / 100)}
            </text>
          </g>
        ),
      )}
    </MonthFrame>
  );
}

/** Late and absence counts month by month, two bars per month (the absence bar split into 缺勤 and 待联系). */
export function CountChart({ points }: { points: readonly (MonthTrendPoint | null)[] }) {
  const t = useT();
  const [hover, setHover] = useState<number | null>(null);
  const max = Math.max(0, ...points.map((p) => (p ? Math.max(p.counts.late, absencesOf(p)) : 0)));
  const ticks = niceTicks(max);
  const top = ticks.at(-1)!;
  const plotW = MW - MM.left - MM.right;
  const plotH = MH - MM.top - MM.bottom;
  const col = plotW / points.length;
  const barW = Math.min(26, col * 0.3);
  const y = (v: number) => MM.top + plotH - (v / top) * plotH;
  const tooltip = (i: number) => {
    const p = points[i];
    if (!p) return null;
    const line = (label: string, value: number, status: TrendStatus) => ({ label, value, color: colorOf(status) });
    return { title: p.month, lines: [line(t('trend.lateCount'), p.counts.late, 'late'), line(t(labelKey('absent')), p.counts.absent, 'absent'), line(t(labelKey('absent_contact_pending')), p.counts.absent_contact_pending, 'absent_contact_pending')] };
  };
  const bar = (key: string, x0: number, from: number, n: number, color: string) => (n > 0 ? <rect key={key} x={x0} y={y(from + n)} width={barW} height={y(from) - y(from + n)} fill={color} /> : null);
  return (
    <MonthFrame title={t('trend.countChart')} testId="trend-count-chart" ticks={ticks} y={y} format={String} months={points.map((p, i) => p?.month ?? String(i))} plotW={plotW} plotH={plotH} col={col} hover={hover} setHover={setHover} tooltip={tooltip}>
      {points.map((p, i) => {
        if (!p) return null;
        const cx = MM.left + (i + 0.5) * col;
        const lateX = cx - barW - 2;
        const absX = cx + 2;
        return (
          <g key={p.month}>
            {bar('late', lateX, 0, p.counts.late, colorOf('late'))}
            {bar('absent', absX, 0, p.counts.absent, colorOf('absent'))}
            {bar('pending', absX, p.counts.absent, p.counts.absent_contact_pending, colorOf('absent_contact_pending'))}
            <text x={lateX + barW / 2} y={y(p.counts.late) - 4} textAnchor="middle" fontSize={10} fill={AXIS}>
              {p.counts.late}
            </text>
            <text x={absX + barW / 2} y={y(absencesOf(p)) - 4} textAnchor="middle" fontSize={10} fill={AXIS}>
              {absencesOf(p)}
            </text>
          </g>
        );
      })}
    </MonthFrame>
  );
}

type FrameProps = {
  title: string;
  testId: string;
  ticks: number[];
  y: (v: number) => number;
  format: (v: number) => string;
  months: string[];
  plotW: number;
  plotH: number;
  col: number;
  hover: number | null;
  setHover: (i: number | null) => void;
  tooltip: (i: number) => { title: string; lines: { label: string; value: string | number; color?: string }[] } | null;
  children: ReactNode;
};

/** Axes, grid, month labels and hover columns shared by the two month charts. */
function MonthFrame({ title, testId, ticks, y, format, months, plotW, plotH, col, hover, setHover, tooltip, children }: FrameProps) {
  const tip = hover === null ? null : tooltip(hover);
  return (
    <Box pos="relative" onMouseLeave={() => setHover(null)}>
      <Text size="sm" fw={600} ml={MM.left / 2}>
        {title}
      </Text>
      <svg viewBox={`0 0 ${MW} ${MH}`} width="100%" role="img" aria-label={title} data-testid={testId} style={{ display: 'block', fontFamily: 'inherit' }}>
        {ticks.map((v) => (
          <g key={v}>
            <line x1={MM.left} x2={MM.left + plotW} y1={y(v)} y2={y(v)} stroke={GRID} />
            <text x={MM.left - 6} y={y(v) + 4} textAnchor="end" fontSize={11} fill={AXIS}>
              {format(v)}
            </text>
          </g>
        ))}
        {hover !== null && <rect x={MM.left + hover * col} y={MM.top} width={col} height={plotH} fill="var(--mantine-color-blue-0)" />}
        {children}
        <line x1={MM.left} x2={MM.left + plotW} y1={MM.top + plotH} y2={MM.top + plotH} stroke={AXIS} />
        {months.map((m, i) => (
          <g key={m}>
            <text x={MM.left + (i + 0.5) * col} y={MM.top + plotH + 18} textAnchor="middle" fontSize={11} fill={AXIS}>
              {m}
            </text>
            <rect x={MM.left + i * col} y={MM.top} width={col} height={plotH} fill="transparent" onMouseEnter={() => setHover(i)} data-testid="trend-month-hit">
              <title>{m}</title>
            </rect>
          </g>
        ))}
      </svg>
      {tip && hover !== null && <Tooltip x={(MM.left + (hover + 0.5) * col) / MW} title={tip.title} lines={tip.lines} top={28} />}
    </Box>
  );
}
