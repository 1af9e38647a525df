import { ActionIcon, Box, Button, Group, Paper, Select, Skeleton, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconDownload, IconFileImport, IconPlus, IconSearch, IconUsers, IconX } from '@tabler/icons-react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useMemo, useRef, useState } from 'react';
import type { Employee, EmployeeStatus } from '#shared/schemas/employee';
import { useRenshi } from '../../app/context.tsx';
import { navigate } from '../../app/router.ts';
import { EmptyState } from '../../components/empty-state.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { STATUS_ORDER } from '../../components/status-badge.tsx';
import { useT } from '../../i18n/i18n.tsx';
import { exportEmployeesXlsx } from '../import-export/export-employees.ts';
import { useOrg } from '../org/use-org.ts';
import { filterEmployees } from './directory-filter.ts';
import { useEmployees } from './use-employees.ts';

const ROW_HEIGHT = 40;
const GRID = '110px minmax(120px,1.2fr) minmax(120px,1.3fr) minmax(90px,1fr) minmax(110px,1.2fr) 150px 108px 130px 90px';

export function EmployeeDirectory() {
  const t = useT();
  const renshi = useRenshi();
  const { loaded, employees } = useEmployees();
  const org = useOrg();
  const [query, setQuery] = useState('');
  const [debouncedQuery] = useDebouncedValue(query, 120);
  const [departmentId, setDepartmentId] = useState<string | null>(null);
  const [siteId, setSiteId] = useState<string | null>(null);
  const [status, setStatus] = useState<EmployeeStatus | null>(null);
  const [exporting, setExporting] = useState(false);

  const rows = useMemo(
    () => filterEmployees(employees, { query: debouncedQuery, departmentId, siteId, status }),
    [employees, debouncedQuery, departmentId, siteId, status],
  );
  const filtered = Boolean(debouncedQuery.trim() || departmentId || siteId || status);
  const nameOf = useCallback((id: string) => org.byId.get(id)?.name ?? '—', [org.byId]);

  const clear = () => {
    setQuery('');
    setDepartmentId(null);
    setSiteId(null);
    setStatus(null);
  };

  const doExport = async () => {
    setExporting(true);
    try {
      await exportEmployeesXlsx(renshi, rows, org, t);
      notifications.show({ color: 'teal', message: t('emp.exported', { count: rows.length }) });
    } catch (err) {
      notifications.show({ color: 'red', title: t('common.saveFailed'), message: err instanceof Error ? err.message : String(err) });
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
            data={org.departments.map((d) => ({ value: d.id, label: d.name }))}
            value={departmentId}
            onChange={setDepartmentId}
            clearable
            searchable
            w={170}
          />
          <Select
            data-testid="filter-site"
            placeholder={t('emp.filterSite')}
            data={org.sites.map((s) => ({ value: s.id, label: s.name }))}
            value={siteId}
            onChange={setSiteId}
            clearable
            w={140}
          />
          <Select
            data-testid="filter-status"
            placeholder={t('emp.filterStatus')}
            data={STATUS_ORDER.map((s) => ({ value: s, label: t(`status.${s}`) }))}
            value={status}
            onChange={(v) => setStatus(v as EmployeeStatus | null)}
            clearable
            w={190}
          />
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
          <DirectoryTable rows={rows} nameOf={nameOf} />
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
function DirectoryTable({ rows, nameOf }: { rows: Employee[]; nameOf: (id: string) => string }) {
  const t = useT();
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 10 });
  const statusLabel = useMemo(() => Object.fromEntries(STATUS_ORDER.map((s) => [s, t(`status.${s}`)])) as Record<EmployeeStatus, string>, [t]);
  return (
    <div ref={scrollRef} style={{ flex: 1, minHeight: 0, overflow: 'auto' }} data-testid="employee-table">
      <div style={{ minWidth: 1000 }}>
        <HeaderRow />
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

function HeaderRow() {
  const t = useT();
  const cols = ['emp.employeeNo', 'emp.name', 'emp.department', 'emp.site', 'emp.position', 'emp.status', 'emp.hireDate', 'emp.phone', 'emp.devicePin'] as const;
  return (
    <div className="renshi-grid renshi-grid-head" style={{ gridTemplateColumns: GRID }}>
      {cols.map((c) => (
        <div key={c} className="renshi-cell">
          {t(c)}
        </div>
      ))}
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
