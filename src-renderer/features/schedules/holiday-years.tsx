import { Alert, Badge, Button, FileButton, Group, Modal, Paper, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconDownload, IconPlus, IconUpload } from '@tabler/icons-react';
import { useMemo, useRef, useState } from 'react';
import { holidayDayCounts, holidayYearJson, missingHolidayYears, parseHolidayYearFile, yearsOnFile, type HolidayProblem, type YearOnFile } from '#shared/calendar/holiday-years';
import { useWriteContext } from '../../app/context.tsx';
import { errorMessage } from '../../components/form-errors.ts';
import { formatDateTime, today } from '../../components/format.ts';
import { useT } from '../../i18n/i18n.tsx';
import { useSync } from '../../sync/sync-provider.tsx';
import { BUNDLED_YEARS } from '../attendance/use-attendance-data.ts';
import { download } from '../cases/evidence-export.ts';
import { HolidayProblemsTable, HolidayYearEditor, weekdayLabel, type EditorStart } from './holiday-year-editor.tsx';
import { deleteHolidayYear, useHolidayYearSettings } from './holiday-years-store.ts';

/**
 * The public-holiday calendar on file: the bundled years and HR's own (which replace a bundled year of the
 * same number), a warning for each year attendance needs and lacks, and the ways HR adds the next year when
 * the State Council's notice comes out: a JSON file in the bundled format, or typing it in.
 */
export function HolidayYearsView() {
  const t = useT();
  const ctx = useWriteContext();
  // Cleared after each pick, so choosing the same file again (after fixing it) imports it again.
  const resetFile = useRef<() => void>(null);
  const added = useHolidayYearSettings();
  const years = useMemo(() => yearsOnFile(BUNDLED_YEARS, added ?? []), [added]);
  const missing = useMemo(() => (added ? missingHolidayYears(years.map((y) => y.year), today()) : []), [added, years]);
  const canEdit = useSync()?.session?.principal?.access.settings?.write ?? true;
  const [viewing, setViewing] = useState<number | null>(() => Number(today().slice(0, 4)));
  const [editor, setEditor] = useState<EditorStart | null>(null);
  const [refused, setRefused] = useState<{ file: string; problems: HolidayProblem[] } | null>(null);
  const [deleting, setDeleting] = useState<YearOnFile | null>(null);
  const shown = years.find((y) => y.year === viewing) ?? null;

  async function onFile(file: File | null) {
    if (!file) return;
    setRefused(null);
    const r = parseHolidayYearFile(await file.text());
    resetFile.current?.();
    if (!r.ok) setRefused({ file: file.name, problems: r.problems });
    else setEditor({ mode: 'import', fileName: file.name, year: r.calendar.year, source: r.calendar.source, days: r.calendar.days });
  }

  const newYear = () => {
    const year = missing[0] ?? (years[0]?.year ?? Number(today().slice(0, 4))) + 1;
    setEditor({ mode: 'new', year, source: '', days: [] });
  };

  async function confirmDelete(y: YearOnFile) {
    try {
      await deleteHolidayYear(ctx, y.year);
      notifications.show({ color: 'teal', message: t('hol.deleted', { year: y.year }) });
      setDeleting(null);
    } catch (err) {
      notifications.show({ color: 'red', title: t('common.saveFailed'), message: errorMessage(err) });
    }
  }

  return (
    <Stack gap="md" data-testid="holiday-years">
      <Text size="sm" c="dimmed" maw={900}>
        {t('hol.intro')}
      </Text>
      {missing.map((year) => (
        <Alert key={year} color={year === Number(today().slice(0, 4)) ? 'red' : 'orange'} icon={<IconAlertTriangle size={18} />} title={t('hol.missingTitle', { year })} data-testid="hol-missing" data-year={year}>
          {t('hol.missingBody', { year })}
        </Alert>
      ))}
      {canEdit && (
        <Group gap="xs">
          <FileButton resetRef={resetFile} onChange={(f) => void onFile(f)} accept=".json,application/json" inputProps={{ 'data-testid': 'hol-import-file' } as object}>
            {(props) => (
              <Button {...props} leftSection={<IconUpload size={16} />}>
                {t('hol.import')}
              </Button>
            )}
          </FileButton>
          <Button variant="default" leftSection={<IconPlus size={16} />} onClick={newYear} data-testid="hol-add">
            {t('hol.add')}
          </Button>
        </Group>
      )}
      {refused && (
        <Alert color="red" title={t('hol.importRefused', { file: refused.file, count: refused.problems.length })} withCloseButton onClose={() => setRefused(null)} data-testid="hol-import-problems">
          <HolidayProblemsTable problems={refused.problems} testId="hol-import-problem-table" />
        </Alert>
      )}
      <Paper withBorder radius="md">
        {years.length === 0 ? (
          <Text c="dimmed" p="md">
            {t('hol.none')}
          </Text>
        ) : (
          <Table verticalSpacing="sm" highlightOnHover data-testid="hol-years">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={80}>{t('hol.colYear')}</Table.Th>
                <Table.Th>{t('hol.colSource')}</Table.Th>
                <Table.Th w={260}>{t('hol.colDays')}</Table.Th>
                <Table.Th w={220}>{t('hol.colOrigin')}</Table.Th>
                <Table.Th w={260} />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {years.map((y) => (
                <YearRow
                  key={y.year}
                  y={y}
                  selected={y.year === viewing}
                  canEdit={canEdit}
                  onView={() => setViewing(y.year)}
                  onEdit={() => setEditor({ mode: 'edit', year: y.year, source: y.calendar.source, days: y.calendar.days })}
                  onOverride={() => setEditor({ mode: 'adapt', year: y.year, source: y.calendar.source, days: y.calendar.days })}
                  onDelete={() => setDeleting(y)}
                />
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Paper>
      {shown && <YearEntries y={shown} />}
      {editor && <HolidayYearEditor start={editor} years={years} onClose={() => setEditor(null)} />}
      <Modal opened={deleting !== null} onClose={() => setDeleting(null)} title={deleting ? t('hol.deleteTitle', { year: deleting.year }) : ''} centered>
        {deleting && (
          <Stack>
            <Text size="sm">{t(deleting.bundled ? 'hol.deleteFallback' : 'hol.deleteNothingLeft', { year: deleting.year })}</Text>
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setDeleting(null)}>
                {t('common.cancel')}
              </Button>
              <Button color="red" onClick={() => void confirmDelete(deleting)} data-testid="hol-delete-confirm">
                {t('hol.delete')}
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Stack>
  );
}

type RowProps = { y: YearOnFile; selected: boolean; canEdit: boolean; onView: () => void; onEdit: () => void; onOverride: () => void; onDelete: () => void };

function YearRow({ y, selected, canEdit, onView, onEdit, onOverride, onDelete }: RowProps) {
  const t = useT();
  const c = holidayDayCounts(y.calendar);
  const exportJson = () => download(new Blob([holidayYearJson(y.calendar)], { type: 'application/json' }), `cn-${y.year}.json`);
  return (
    <Table.Tr data-testid="hol-year-row" data-year={y.year} data-origin={y.added ? 'added' : 'bundled'} bg={selected ? 'var(--mantine-color-blue-light)' : undefined}>
      <Table.Td fw={600}>{y.year}</Table.Td>
      <Table.Td>
        <Text size="sm" data-testid="hol-year-source">
          {y.calendar.source}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm" data-testid="hol-year-counts">
          {t('hol.counts', { off: c.daysOff, statutory: c.statutory, makeup: c.makeupWorkdays })}
        </Text>
      </Table.Td>
      <Table.Td>
        {y.added ? (
          <Stack gap={2}>
            <Group gap={4}>
              <Badge color="teal" variant="light" style={{ textTransform: 'none' }} data-testid="hol-year-origin">
                {t('hol.originAdded')}
              </Badge>
              {y.bundled && (
                <Badge color="orange" variant="outline" style={{ textTransform: 'none' }} data-testid="hol-year-replaces">
                  {t('hol.replacesBundled')}
                </Badge>
              )}
            </Group>
            <Text size="xs" c="dimmed">
              {t('hol.addedAt', { when: formatDateTime(y.added.updatedAt) })}
            </Text>
            {y.bundled && (
              <Text size="xs" c="dimmed" lineClamp={2}>
                {t('hol.replacesBundledHint', { source: y.bundled.source })}
              </Text>
            )}
          </Stack>
        ) : (
          <Badge color="gray" variant="light" style={{ textTransform: 'none' }} data-testid="hol-year-origin">
            {t('hol.originBundled')}
          </Badge>
        )}
      </Table.Td>
      <Table.Td>
        <Group gap={2} wrap="nowrap" justify="flex-end">
          <Button size="compact-xs" variant={selected ? 'light' : 'subtle'} onClick={onView} data-testid="hol-year-view">
            {t('hol.view')}
          </Button>
          <Button size="compact-xs" variant="subtle" leftSection={<IconDownload size={12} />} onClick={exportJson} data-testid="hol-year-export">
            {t('hol.export')}
          </Button>
          {canEdit && y.added && (
            <>
              <Button size="compact-xs" variant="subtle" onClick={onEdit} data-testid="hol-year-edit">
                {t('hol.edit')}
              </Button>
              <Button size="compact-xs" variant="subtle" color="red" onClick={onDelete} data-testid="hol-year-delete">
                {t('hol.delete')}
              </Button>
            </>
          )}
          {canEdit && !y.added && (
            <Button size="compact-xs" variant="subtle" onClick={onOverride} data-testid="hol-year-override">
              {t('hol.override')}
            </Button>
          )}
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}

function YearEntries({ y }: { y: YearOnFile }) {
  const t = useT();
  return (
    <Paper withBorder radius="md" data-testid="hol-entries" data-year={y.year}>
      <Group justify="space-between" px="md" py="sm" style={{ borderBottom: '1px solid var(--mantine-color-gray-2)' }}>
        <Text fw={600} size="sm">
          {t('hol.entriesTitle', { year: y.year })}
        </Text>
        <Text size="xs" c="dimmed">
          {y.calendar.source}
        </Text>
      </Group>
      {y.calendar.days.length === 0 ? (
        <Text c="dimmed" p="md" size="sm">
          {t('hol.noEntries')}
        </Text>
      ) : (
        <Table verticalSpacing={4} striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={170}>{t('hol.colDate')}</Table.Th>
              <Table.Th w={150}>{t('hol.colKind')}</Table.Th>
              <Table.Th w={200}>{t('hol.colName')}</Table.Th>
              <Table.Th>{t('hol.colStatutory')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {y.calendar.days.map((d) => (
              <Table.Tr key={d.date} data-testid="hol-entry" data-date={d.date} data-kind={d.kind} data-statutory={d.statutory}>
                <Table.Td ff="monospace">
                  {d.date}{' '}
                  <Text span size="xs" c="dimmed">
                    {weekdayLabel(t, d.date)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Badge color={d.kind === 'public_holiday' ? 'teal' : 'orange'} variant="light" radius="sm" style={{ textTransform: 'none' }}>
                    {t(`hol.kind.${d.kind}`)}
                  </Badge>
                </Table.Td>
                <Table.Td>{d.name}</Table.Td>
                <Table.Td>
                  {d.statutory && (
                    <Badge color="red" variant="dot" style={{ textTransform: 'none' }}>
                      {t('hol.statutory')}
                    </Badge>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}
