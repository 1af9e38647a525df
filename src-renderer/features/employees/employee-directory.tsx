import { ActionIcon, Box, Button, Group, Paper, Select, Skeleton, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconDownload, IconFileImport, IconPlus, IconSearch, IconUsers, IconX } from '@tabler/icons-react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef, useState } from 'react';
import type { Employee, EmployeeStatus } from '#shared/schemas/employee';
import { useRenshi } from '../../app/context.tsx';
import { navigate } from '../../app/router.ts';
import { EmptyState } from '../../components/empty-state.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { STATUS_ORDER, StatusBadge } from '../../components/status-badge.tsx';
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
  const nameOf = (id: string) => org.byId.get(id)?.name ?? '—';

  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });

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

        <div ref={scrollRef} style={{ flex: 1, minHeight: 0, overflow: 'auto' }} data-testid="employee-table">
          <div style={{ minWidth: 1000 }}>
            <HeaderRow />
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
              <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
                {virtualizer.getVirtualItems().map((v) => {
                  const e = rows[v.index]!;
                  return <EmployeeRow key={e.id} e={e} top={v.start} nameOf={nameOf} />;
                })}
              </div>
            )}
          </div>
        </div>
      </Paper>
    </Box>
  );
}

function HeaderRow() {
  const t = useT();
  const cols = ['emp.employeeNo', 'emp.name', 'emp.department', 'emp.site', 'emp.position', 'emp.status', 'emp.hireDate', 'emp.phone', 'emp.devicePin'] as const;
  return (
    <div
      style={{
        display: 'grid',
        gridTemplateColumns: GRID,
        position: 'sticky',
        top: 0,
        zIndex: 1,
        background: 'var(--mantine-color-gray-0)',
        borderBottom: '1px solid var(--mantine-color-gray-3)',
        height: 36,
        alignItems: 'center',
      }}
    >
      {cols.map((c) => (
        <Text key={c} size="xs" fw={600} c="dark.3" px="sm" truncate>
          {t(c)}
        </Text>
      ))}
    </div>
  );
}

function EmployeeRow({ e, top, nameOf }: { e: Employee; top: number; nameOf: (id: string) => string }) {
  return (
    <div
      className="renshi-row"
      data-testid="employee-row"
      data-employee-no={e.employeeNo}
      role="row"
      tabIndex={0}
      onClick={() => navigate(`/employees/${encodeURIComponent(e.id)}`)}
      onKeyDown={(ev) => ev.key === 'Enter' && navigate(`/employees/${encodeURIComponent(e.id)}`)}
      style={{
        position: 'absolute',
        top: 0,
        left: 0,
        right: 0,
        height: ROW_HEIGHT,
        transform: `translateY(${top}px)`,
        display: 'grid',
        gridTemplateColumns: GRID,
        alignItems: 'center',
        borderBottom: '1px solid var(--mantine-color-gray-2)',
        cursor: 'pointer',
      }}
    >
      <Cell mono>{e.employeeNo}</Cell>
      <Cell strong>{e.name}</Cell>
      <Cell>{nameOf(e.departmentId)}</Cell>
      <Cell>{nameOf(e.siteId)}</Cell>
      <Cell>{e.position}</Cell>
      <Box px="sm">
        <StatusBadge status={e.status} />
      </Box>
      <Cell mono>{e.hireDate}</Cell>
      <Cell mono>{e.phone}</Cell>
      <Cell mono>{e.devicePin}</Cell>
    </div>
  );
}

function Cell({ children, mono, strong }: { children: string | null; mono?: boolean; strong?: boolean }) {
  const text = children || '—';
  return (
      <Text title={text} size="sm" px="sm" truncate fw={strong ? 500 : 400} c={children ? undefined : 'dimmed'} style={mono ? { fontVariantNumeric: 'tabular-nums' } : undefined}>
        {text}
      </Text>
  );
}
