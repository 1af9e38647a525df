import { Alert, Badge, Box, Button, FileButton, Group, List, Paper, Progress, ScrollArea, SimpleGrid, Stack, Switch, Table, Text, ThemeIcon, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertCircle, IconCircleCheck, IconDownload, IconFileSpreadsheet, IconUpload } from '@tabler/icons-react';
import { useEffect, useMemo, useState } from 'react';
import { RenshiError } from '#shared/errors';
import { IMPORT_COLUMNS, IMPORT_FIELDS, mapEmployeeRows, type ImportField, type ImportResult } from '#shared/import/employees';
import type { Employee } from '#shared/schemas/employee';
import { newId } from '#shared/ids';
import { useWriteContext } from '../../app/context.tsx';
import { navigate } from '../../app/router.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { issueMessage, useLanguage, useT } from '../../i18n/i18n.tsx';
import { useEmployees } from '../employees/use-employees.ts';
import { useOrg } from '../org/use-org.ts';
import { commitEmployeeImport } from './commit-import.ts';
import { readSpreadsheet } from './read-sheet.ts';
import { downloadImportTemplate } from './template.ts';
import { useAttendanceSetup } from '../attendance/use-attendance-data.ts';

type State =
  | { step: 'pick' }
  | { step: 'reading'; fileName: string }
  | { step: 'preview'; fileName: string; result: ImportResult }
  | { step: 'done'; fileName: string; count: number };

const PREVIEW_LIMIT = 500;

export function ImportPage() {
  const t = useT();
  const [lang] = useLanguage();
  const ctx = useWriteContext();
  const org = useOrg();
  const setup = useAttendanceSetup();
  const { employees, loaded: employeesLoaded } = useEmployees();
  // Rows are checked against departments, sites, shifts and existing numbers: wait until all are loaded.
  const ready = org.loaded && employeesLoaded && setup.loaded;
  const [state, setState] = useState<State>({ step: 'pick' });
  const [readError, setReadError] = useState<string | null>(null);
  const [committing, setCommitting] = useState(false);
  const [progress, setProgress] = useState<number | null>(null);
  const [onlyErrors, setOnlyErrors] = useState(false);

  // A file chosen before the reference data is loaded waits for it rather than being checked against nothing.
  const [pending, setPending] = useState<File | null>(null);
  useEffect(() => {
    if (pending && ready) {
      setPending(null);
      void check(pending);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [pending, ready]);

  const onFile = (file: File | null) => {
    if (!file) return;
    setReadError(null);
    setState({ step: 'reading', fileName: file.name });
    setPending(file);
  };

  const check = async (file: File) => {
    setState({ step: 'reading', fileName: file.name });
    try {
      const sheet = await readSpreadsheet(file);
      const result = mapEmployeeRows(sheet, {
        departments: org.departments.map((d) => ({ id: d.id, name: d.name, code: d.code, siteId: d.siteId })),
        sites: org.sites.map((s) => ({ id: s.id, name: s.name, code: s.code })),
        schedules: [...setup.shifts, ...setup.rotations].map((s) => ({ id: s.id, name: s.name })),
        existing: employees.map((e) => ({ employeeNo: e.employeeNo, name: e.name })),
        newId,
        now: Date.now(),
      });
      setOnlyErrors(result.issues.length > 0);
      setState({ step: 'preview', fileName: file.name, result });
    } catch (err) {
      setReadError(t('imp.readFailed', { message: err instanceof Error ? err.message : String(err) }));
      setState({ step: 'pick' });
    }
  };

  const commit = async () => {
    if (state.step !== 'preview' || state.result.issues.length > 0) return;
    setCommitting(true);
    try {
      const count = await commitEmployeeImport(ctx, state.result.records, state.fileName, (done, total) => setProgress(total ? done / total : 1));
      notifications.show({ color: 'teal', message: t('imp.done', { count }) });
      setState({ step: 'done', fileName: state.fileName, count });
    } catch (err) {
      notifications.show({ color: 'red', title: t('imp.failed'), message: err instanceof RenshiError || err instanceof Error ? err.message : String(err) });
    } finally {
      setCommitting(false);
      setProgress(null);
    }
  };

  const picker = (label: string, variant: 'filled' | 'default' = 'filled') => (
    <FileButton onChange={onFile} accept=".xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" inputProps={{ 'data-testid': 'import-file' } as object}>
      {(props) => (
        <Button {...props} variant={variant} leftSection={<IconUpload size={16} />} loading={state.step === 'reading' || !ready}>
          {label}
        </Button>
      )}
    </FileButton>
  );

  return (
    <Box p="lg">
      <PageHeader
        title={t('imp.title')}
        subtitle={t('imp.subtitle')}
        actions={
          <Button variant="default" leftSection={<IconDownload size={16} />} onClick={() => {
              // The example row names a real department (with its site) so the template imports as-is.
              const dept = org.departments.find((d) => d.siteId) ?? org.departments[0];
              const site = (dept?.siteId && org.byId.get(dept.siteId)) || org.sites[0];
              void downloadImportTemplate({ department: dept?.name, site: site?.name, schedule: setup.shifts[0]?.name });
            }} data-testid="download-template">
            {t('imp.template')}
          </Button>
        }
      />
      <Stack gap="md" maw={1200}>
        {readError && (
          <Alert color="red" icon={<IconAlertCircle size={18} />} data-testid="import-read-error">
            {readError}
          </Alert>
        )}

        {(state.step === 'pick' || state.step === 'reading') && (
          <Paper withBorder radius="md" p="xl" style={{ borderStyle: 'dashed' }}>
            <Stack align="center" gap="sm">
              <ThemeIcon size={56} radius="xl" variant="light">
                <IconFileSpreadsheet size={30} />
              </ThemeIcon>
              <Text fw={500}>{state.step === 'reading' ? t('imp.parsing') : t('imp.drop')}</Text>
              {picker(t('imp.pick'))}
            </Stack>
          </Paper>
        )}

        {state.step === 'pick' && (
          <SimpleGrid cols={2} spacing="md">
            <Paper withBorder radius="md" p="md">
              <Text fw={600} size="sm" mb="xs">
                {t('imp.rulesTitle')}
              </Text>
              <List size="sm" spacing={6} c="dark.5">
                {(['imp.ruleRequired', 'imp.ruleOrg', 'imp.ruleDate', 'imp.ruleStatus', 'imp.ruleUnique', 'imp.ruleAtomic'] as const).map((k) => (
                  <List.Item key={k}>{t(k)}</List.Item>
                ))}
              </List>
            </Paper>
            <Paper withBorder radius="md" p="md">
              <Text fw={600} size="sm" mb="xs">
                {t('imp.columnsTitle')}
              </Text>
              <Group gap={6}>
                {IMPORT_FIELDS.map((f) => (
                  <Badge key={f} variant={IMPORT_COLUMNS[f].required ? 'light' : 'outline'} color={IMPORT_COLUMNS[f].required ? 'blue' : 'gray'} radius="sm" fw={500} style={{ textTransform: 'none' }}>
                    {lang === 'en' ? IMPORT_COLUMNS[f].en : IMPORT_COLUMNS[f].zh}
                    {IMPORT_COLUMNS[f].required ? ' *' : ''}
                  </Badge>
                ))}
              </Group>
            </Paper>
          </SimpleGrid>
        )}

        {state.step === 'preview' && (
          <Preview
            fileName={state.fileName}
            result={state.result}
            onlyErrors={onlyErrors}
            setOnlyErrors={setOnlyErrors}
            picker={picker(t('imp.again'), 'default')}
            commit={commit}
            committing={committing}
            progress={progress}
          />
        )}

        {state.step === 'done' && (
          <Paper withBorder radius="md" p="xl" data-testid="import-done">
            <Stack align="center" gap="sm">
              <ThemeIcon size={56} radius="xl" variant="light" color="teal">
                <IconCircleCheck size={30} />
              </ThemeIcon>
              <Text fw={600} size="lg" data-testid="import-done-count">
                {t('imp.done', { count: state.count })}
              </Text>
              <Text size="sm" c="dimmed">
                {state.fileName} · {t('imp.doneHint')}
              </Text>
              <Group gap="sm" mt="xs">
                <Button onClick={() => navigate('/employees')} data-testid="import-view-directory">
                  {t('imp.viewDirectory')}
                </Button>
                {picker(t('imp.again'), 'default')}
              </Group>
            </Stack>
          </Paper>
        )}
      </Stack>
    </Box>
  );
}

function Preview({ fileName, result, onlyErrors, setOnlyErrors, picker, commit, committing, progress }: {
  progress: number | null;
  fileName: string;
  result: ImportResult;
  onlyErrors: boolean;
  setOnlyErrors: (v: boolean) => void;
  picker: React.ReactNode;
  commit: () => void;
  committing: boolean;
}) {
  const t = useT();
  const errorRows = result.rows.filter((r) => r.issues.length > 0).length;
  const ok = result.issues.length === 0 && result.records.length > 0;
  const shown = useMemo(() => (onlyErrors ? result.rows.filter((r) => r.issues.length > 0) : result.rows).slice(0, PREVIEW_LIMIT), [onlyErrors, result.rows]);
  const headerIssues = result.issues.filter((i) => i.row === 1);

  return (
    <>
      <SimpleGrid cols={4} spacing="md">
        <Stat label={t('imp.file')} value={fileName} small />
        <Stat label={t('imp.rows')} value={String(result.rows.length)} testId="import-row-count" />
        <Stat label={t('imp.valid')} value={String(result.rows.length - errorRows)} color="teal" />
        <Stat label={t('imp.invalid')} value={String(errorRows)} color={errorRows ? 'red' : undefined} testId="import-error-rows" />
      </SimpleGrid>

      {result.rows.length === 0 && headerIssues.length === 0 ? (
        <Alert color="yellow" icon={<IconAlertCircle size={18} />}>{t('imp.emptyFile')}</Alert>
      ) : ok ? (
        <Alert color="teal" icon={<IconCircleCheck size={18} />} data-testid="import-ready">
          {t('imp.ready', { count: result.records.length })}
        </Alert>
      ) : (
        <Alert color="red" icon={<IconAlertCircle size={18} />} data-testid="import-blocked">
          {t('imp.blocked', { count: result.issues.length })}
        </Alert>
      )}
      {result.unknownColumns.length > 0 && (
        <Text size="sm" c="dimmed">
          {t('imp.unknownColumns', { columns: result.unknownColumns.join('、') })}
        </Text>
      )}

      {result.issues.length > 0 && (
        <Paper withBorder radius="md">
          <Group px="md" py="sm" style={{ borderBottom: '1px solid var(--mantine-color-gray-2)' }}>
            <Text fw={600} size="sm">{t('imp.errors')}</Text>
            <Badge color="red" variant="light" size="sm">{result.issues.length}</Badge>
          </Group>
          <ScrollArea.Autosize mah={240}>
            <Table verticalSpacing={6} data-testid="import-errors">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={80}>{t('imp.row')}</Table.Th>
                  <Table.Th w={200}>{t('imp.column')}</Table.Th>
                  <Table.Th>{t('imp.message')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {result.issues.slice(0, PREVIEW_LIMIT).map((i, n) => (
                  <Table.Tr key={n} data-testid="import-error">
                    <Table.Td>{i.row}</Table.Td>
                    <Table.Td>{i.column}</Table.Td>
                    <Table.Td c="red.8">{issueMessage(t, i)}</Table.Td>
                  </Table.Tr>
                ))}
                {result.issues.length > PREVIEW_LIMIT && (
                  <Table.Tr>
                    <Table.Td colSpan={3} c="dimmed">
                      {t('imp.moreErrors', { count: result.issues.length - PREVIEW_LIMIT })}
                    </Table.Td>
                  </Table.Tr>
                )}
              </Table.Tbody>
            </Table>
          </ScrollArea.Autosize>
        </Paper>
      )}

      {result.rows.length > 0 && (
        <Paper withBorder radius="md">
          <Group px="md" py="sm" justify="space-between" style={{ borderBottom: '1px solid var(--mantine-color-gray-2)' }}>
            <Text fw={600} size="sm">{t('imp.rows')}</Text>
            <Switch size="xs" label={t('imp.onlyErrors')} checked={onlyErrors} onChange={(e) => setOnlyErrors(e.currentTarget.checked)} disabled={errorRows === 0} />
          </Group>
          <ScrollArea.Autosize mah={420}>
            <Table verticalSpacing={4} fz="sm" striped={false} data-testid="import-preview" style={{ whiteSpace: 'nowrap' }}>
              <Table.Thead style={{ position: 'sticky', top: 0, background: 'var(--mantine-color-gray-0)', zIndex: 1 }}>
                <Table.Tr>
                  <Table.Th w={60}>{t('imp.row')}</Table.Th>
                  {result.columns.map((c) => (
                    <Table.Th key={c.field}>{c.header}</Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {shown.map((r) => (
                  <Table.Tr key={r.row} className={r.issues.length ? 'renshi-row-error' : undefined} data-testid="import-preview-row" data-has-error={r.issues.length > 0}>
                    <Table.Td c="dimmed">{r.row}</Table.Td>
                    {result.columns.map((c) => {
                      const problems = r.issues.filter((i) => i.field === c.field);
                      const text = r.values[c.field] || '';
                      return problems.length ? (
                        <Tooltip key={c.field} label={problems.map((p) => issueMessage(t, p)).join('；')} withArrow>
                          <Table.Td style={{ color: 'var(--mantine-color-red-8)', fontWeight: 600, textDecoration: 'underline wavy var(--mantine-color-red-5)' }}>
                            {text || '（空）'}
                          </Table.Td>
                        </Tooltip>
                      ) : (
                        <Table.Td key={c.field}>
                          <ResolvedCell field={c.field} text={text} record={r.record} />
                        </Table.Td>
                      );
                    })}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea.Autosize>
        </Paper>
      )}

      <Group justify="flex-end" gap="sm">
        {progress !== null && (
          <Group gap="xs" mr="auto" style={{ flex: 1, maxWidth: 420 }}>
            <Text size="sm" c="dimmed">{t('imp.writing')}</Text>
            <Progress value={progress * 100} style={{ flex: 1 }} animated data-testid="import-progress" />
          </Group>
        )}
        {picker}
        <Button onClick={commit} disabled={!ok} loading={committing} data-testid="import-commit" leftSection={<IconCircleCheck size={16} />}>
          {t('imp.commit', { count: result.records.length })}
        </Button>
      </Group>
    </>
  );
}

/**
 * What a cell will become, where that is not obvious from the text: a department or site given by code
 * shows the name it matched, a blank site the department's site, a blank status the default.
 */
function ResolvedCell({ field, text, record }: { field: ImportField; text: string; record: Employee | null }) {
  const t = useT();
  const org = useOrg();
  if (!record) return <>{text}</>;
  const resolved =
    field === 'department' ? org.byId.get(record.departmentId)?.name : field === 'site' ? org.byId.get(record.siteId)?.name : field === 'status' ? t(`status.${record.status}`) : undefined;
  if (resolved === undefined || resolved === text) return <>{text}</>;
  return (
    <>
      {text}
      <Text span size="xs" c="dimmed" ml={text ? 4 : 0}>
        {text ? `→ ${resolved}` : `（${resolved}）`}
      </Text>
    </>
  );
}

function Stat({ label, value, color, small, testId }: { label: string; value: string; color?: string; small?: boolean; testId?: string }) {
  return (
    <Paper withBorder radius="md" px="md" py="sm">
      <Text size="xs" c="dimmed">{label}</Text>
      <Text fw={600} size={small ? 'sm' : 'xl'} c={color} truncate data-testid={testId} title={value}>
        {value}
      </Text>
    </Paper>
  );
}
