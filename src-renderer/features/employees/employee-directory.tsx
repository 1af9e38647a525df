import { ActionIcon, Box, Button, Chip, Group, Paper, Select, Skeleton, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconCertificate, IconChevronDown, IconChevronUp, IconDownload, IconFileImport, IconPlus, IconSearch, IconSelector, IconUsers, IconX } from '@tabler/icons-react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Employee, EmployeeStatus } from '#shared/schemas/employee';
import { useRenshi } from '../../app/context.tsx';
import { navigate, useRoute } from '../../app/router.ts';
import { today } from '../../components/format.ts';
import { EmptyState } from '../../components/empty-state.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { STATUS_ORDER } from '../../components/status-badge.tsx';
import { useT, type MessageKey } from '../../i18n/i18n.tsx';
import { exportEmployeesXlsx } from '../import-export/export-employees.ts';
import { useAttendanceSetup } from '../attendance/use-attendance-data.ts';
import { useOrg } from '../org/use-org.ts';
import { filterEmployees, hasExpiringCertificate, sortEmployees, type Sort, type SortKey } from './directory-filter.ts';
import { useEmployees } from './use-employees.ts';

const ROW_HEIGHT = 40;
const GRID = '100px minmax(110px,1fr) minmax(150px,1.6fr) minmax(90px,1fr) minmax(110px,1.2fr) 150px 104px 124px 88px';
const COLUMNS: { label: MessageKey; sort?: SortKey }[] = [
  { label: 'emp.employeeNo', sort: 'employeeNo' },
  { label: 'emp.name', sort: 'name' },
  { label: 'emp.department', sort: 'department' },
  { label: 'emp.site', sort: 'site' },
  { label: 'emp.position', sort: 'position' },
  { label: 'emp.status', sort: 'status' },
  { label: 'emp.hireDate', sort: 'hireDate' },
  { label: 'emp.phone' },
  { label: 'emp.devicePin' },
];

type DirectoryState = { query: string; departmentId: string | null; siteId: string | null; status: EmployeeStatus | null; expiring: boolean; sort: Sort };
const INITIAL: DirectoryState = { query: '', departmentId: null, siteId: null, status: null, expiring: false, sort: { key: 'employeeNo', desc: false } };
// Kept for the session, so opening an employee and coming back finds the list as it was left.
let remembered: DirectoryState = INITIAL;

export function EmployeeDirectory() {
  const t = useT();
  const renshi = useRenshi();
  const route = useRoute();
  const { loaded, employees } = useEmployees();
  const org = useOrg();
  const setup = useAttendanceSetup();
  // A link such as #/employees?department=<id> (from the org page) starts from that filter alone.
  const [state, setState] = useState<DirectoryState>(() => {
    const department = route.query.get('department');
    const site = route.query.get('site');
    return department || site ? { ...INITIAL, departmentId: department, siteId: site } : remembered;
  });
  useEffect(() => {
    remembered = state;
  }, [state]);
  const patch = (p: Partial<DirectoryState>) => setState((s) => ({ ...s, ...p }));
  const { query, departmentId, siteId, status, expiring, sort } = state;
  const [debouncedQuery] = useDebouncedValue(query, 120);
  const [exporting, setExporting] = useState(false);
  const todayStr = today();

  const nameOf = useCallback((id: string) => org.byId.get(id)?.name ?? '—', [org.byId]);
  const rows = useMemo(
    () => sortEmployees(filterEmployees(employees, { query: debouncedQuery, departmentId, siteId, status, expiringOn: expiring ? todayStr : null }), sort, nameOf),
    [employees, debouncedQuery, departmentId, siteId, status, expiring, todayStr, sort, nameOf],
  );
  const expiringCount = useMemo(() => employees.filter((e) => e.status !== 'terminated' && hasExpiringCertificate(e, todayStr)).length, [employees, todayStr]);
  const filtered = Boolean(debouncedQuery.trim() || departmentId || siteId || status || expiring);
  const departmentOptions = useMemo(() => org.departments.map((d) => ({ value: d.id, label: d.name })), [org.departments]);
  const siteOptions = useMemo(() => org.sites.map((s) => ({ value: s.id, label: s.name })), [org.sites]);
  const statusOptions = useMemo(() => STATUS_ORDER.map((s) => ({ value: s, label: t(`status.${s}`) })), [t]);

  const clear = () => setState((s) => ({ ...INITIAL, sort: s.sort }));
  const setQuery = (q: string) => patch({ query: q });

  const doExport = async () => {
    setExporting(true);
    try {
      await exportEmployeesXlsx(renshi, rows, org, t, new Map([...setup.shifts, ...setup.rotations].map((s) => [s.id, s.name])));
      notifications.show({ color: 'teal', message: t('emp.exported', { count: rows.length }) });
    } catch (err) {
      notifications.show({ color: 'red', title: t('emp.exportFailed'), message: err instanceof Error ? err.message : String(err) });
    } finally {
      setExporting(false);
    }
  };

  return (
    <Box p="lg" style={{ display: 'flex', flexDirection: 'column', height: '100%', minHeight: 0 }}>
      <PageHeader
        title={t('emp.title')}
        subtitle={t('emp.subtitle')}
        actions={
          <>
            <Button variant="default" leftSection={<IconFileImport size={16} />} onClick={() => navigate('/import')} data-testid="go-import">
              {t('emp.import')}
            </Button>
            <Button variant="default" leftSection={<IconDownload size={16} />} onClick={doExport} loading={exporting} disabled={rows.length === 0} data-testid="export-xlsx">
              {t('emp.export')}
            </Button>
            <Button leftSection={<IconPlus size={16} />} onClick={() => navigate('/employees/new')} data-testid="new-employee">
              {t('emp.new')}
            </Button>
          </>
        }
      />
      <Paper withBorder radius="md" style={{ flex: 1, minHeight: 0, display: 'flex', flexDirection: 'column', overflow: 'hidden' }}>
        <Group p="sm" gap="sm" wrap="nowrap" style={{ borderBottom: '1px solid var(--mantine-color-gray-2)' }}>
          <TextInput
            data-testid="employee-search"
            placeholder={t('emp.searchPlaceholder')}
            leftSection={<IconSearch size={16} />}
            value={query}
            onChange={(e) => setQuery(e.currentTarget.value)}
            rightSection={
              query ? (
                <ActionIcon variant="subtle" color="gray" size="sm" onClick={() => setQuery('')} aria-label="clear">
                  <IconX size={14} />
                </ActionIcon>
              ) : null
            }
            style={{ flex: 1, maxWidth: 360 }}
          />
          <Select
            data-testid="filter-department"
            placeholder={t('emp.filterDepartment')}
            data={departmentOptions}
            value={departmentId}
            onChange={(v) => patch({ departmentId: v })}
            clearable
            searchable
            w={170}
          />
          <Select
            data-testid="filter-site"
            placeholder={t('emp.filterSite')}
            data={siteOptions}
            value={siteId}
            onChange={(v) => patch({ siteId: v })}
            clearable
            w={140}
          />
          <Select
            data-testid="filter-status"
            placeholder={t('emp.filterStatus')}
            data={statusOptions}
            value={status}
            onChange={(v) => patch({ status: v as EmployeeStatus | null })}
            clearable
            w={190}
          />
          {(expiringCount > 0 || expiring) && (
            <Chip
              checked={expiring}
              onChange={(v) => patch({ expiring: v })}
              color="orange"
              variant="light"
              size="sm"
              icon={<IconCertificate size={14} />}
              data-testid="filter-expiring"
            >
              {t('emp.filterExpiring', { count: expiringCount })}
            </Chip>
          )}
          {filtered && (
            <Button variant="subtle" color="gray" size="xs" onClick={clear}>
              {t('emp.clearFilters')}
            </Button>
          )}
          <Text size="sm" c="dimmed" ml="auto" data-testid="employee-count" style={{ whiteSpace: 'nowrap' }}>
            {filtered ? t('emp.matchesOf', { count: rows.length, total: employees.length }) : t('emp.matches', { count: employees.length })}
          </Text>
        </Group>

        {!loaded ? (
          <Box p="md">
            {Array.from({ length: 6 }, (_, i) => (
              <Skeleton key={i} h={24} mb={12} />
            ))}
          </Box>
        ) : rows.length === 0 ? (
          employees.length === 0 ? (
            <EmptyState
              icon={<IconUsers size={24} />}
              title={t('emp.empty')}
              hint={t('emp.emptyHint')}
              action={
                <Group gap="xs" mt="xs">
                  <Button size="xs" leftSection={<IconPlus size={14} />} onClick={() => navigate('/employees/new')}>
                    {t('emp.new')}
                  </Button>
                  <Button size="xs" variant="default" leftSection={<IconFileImport size={14} />} onClick={() => navigate('/import')}>
                    {t('emp.import')}
                  </Button>
                </Group>
              }
            />
          ) : (
            <EmptyState
              icon={<IconSearch size={24} />}
              title={t('emp.noMatch')}
              action={
                <Button size="xs" variant="default" onClick={clear}>
                  {t('emp.clearFilters')}
                </Button>
              }
            />
          )
        ) : (
          <DirectoryTable rows={rows} nameOf={nameOf} sort={sort} onSort={(s) => patch({ sort: s })} />
        )}
      </Paper>
    </Box>
  );
}

/**
 * The virtualised table: only the rows in view (plus a small overscan) exist in the DOM, so 10,000 people
 * scroll like 40. Scrolling re-renders this component alone, never the toolbar; rows are memoised plain
 * elements (no per-cell components) because each scroll frame may mount a screenful of them.
 */
function DirectoryTable({ rows, nameOf, sort, onSort }: { rows: Employee[]; nameOf: (id: string) => string; sort: Sort; onSort: (s: Sort) => void }) {
  const t = useT();
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 10 });
  const statusLabel = useMemo(() => Object.fromEntries(STATUS_ORDER.map((s) => [s, t(`status.${s}`)])) as Record<EmployeeStatus, string>, [t]);
  return (
    <div ref={scrollRef} style={{ flex: 1, minHeight: 0, overflow: 'auto' }} data-testid="employee-table">
      <div style={{ minWidth: 1000 }}>
        <HeaderRow sort={sort} onSort={onSort} />
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((v) => {
            const e = rows[v.index]!;
            return <EmployeeRow key={e.id} e={e} top={v.start} nameOf={nameOf} statusLabel={statusLabel[e.status]} />;
          })}
        </div>
      </div>
    </div>
  );
}

function HeaderRow({ sort, onSort }: { sort: Sort; onSort: (s: Sort) => void }) {
  const t = useT();
  return (
    <div className="renshi-grid renshi-grid-head" style={{ gridTemplateColumns: GRID }} role="row">
      {COLUMNS.map((c) => {
        const key = c.sort;
        if (!key) return <div key={c.label} className="renshi-cell">{t(c.label)}</div>;
        const active = sort.key === key;
        const Icon = active ? (sort.desc ? IconChevronDown : IconChevronUp) : IconSelector;
        return (
          <div
            key={c.label}
            className={active ? 'renshi-cell renshi-sortable renshi-sorted' : 'renshi-cell renshi-sortable'}
            role="columnheader"
            aria-sort={active ? (sort.desc ? 'descending' : 'ascending') : 'none'}
            data-testid={`sort-${key}`}
            onClick={() => onSort({ key, desc: active ? !sort.desc : false })}
          >
            {t(c.label)}
            <Icon size={12} style={{ marginLeft: 2, verticalAlign: -1, opacity: active ? 1 : 0.4 }} />
          </div>
        );
      })}
    </div>
  );
}

const open = (id: string) => navigate(`/employees/${encodeURIComponent(id)}`);

const EmployeeRow = memo(function EmployeeRow({ e, top, nameOf, statusLabel }: { e: Employee; top: number; nameOf: (id: string) => string; statusLabel: string }) {
  const dept = nameOf(e.departmentId);
  const site = nameOf(e.siteId);
  return (
    <div
      className="renshi-grid renshi-row"
      data-testid="employee-row"
      data-employee-no={e.employeeNo}
      role="row"
      tabIndex={0}
      onClick={() => open(e.id)}
      onKeyDown={(ev) => ev.key === 'Enter' && open(e.id)}
      style={{ gridTemplateColumns: GRID, height: ROW_HEIGHT, transform: `translateY(${top}px)` }}
    >
      <div className="renshi-cell renshi-num">{e.employeeNo}</div>
      <div className="renshi-cell renshi-strong" title={e.name}>{e.name}</div>
      <div className="renshi-cell" title={dept}>{dept}</div>
      <div className="renshi-cell" title={site}>{site}</div>
      <div className={e.position ? 'renshi-cell' : 'renshi-cell renshi-dim'} title={e.position}>{e.position || '—'}</div>
      <div className="renshi-cell">
        <span className={`renshi-status renshi-status-${e.status}`}>{statusLabel}</span>
      </div>
      <div className="renshi-cell renshi-num">{e.hireDate}</div>
      <div className={e.phone ? 'renshi-cell renshi-num' : 'renshi-cell renshi-dim'}>{e.phone ?? '—'}</div>
      <div className={e.devicePin ? 'renshi-cell renshi-num' : 'renshi-cell renshi-dim'}>{e.devicePin || '—'}</div>
    </div>
  );
});
