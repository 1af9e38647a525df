import { ActionIcon, Alert, Button, Checkbox, Group, Modal, NativeSelect, NumberInput, ScrollArea, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useMemo, useRef, useState } from 'react';
import type { HolidayEntry } from '#shared/calendar/holiday-calendar';
import { checkHolidayYear, copyHolidayDays, type HolidayProblem, type YearOnFile } from '#shared/calendar/holiday-years';
import { FIELD_ISSUE_CODES, type FieldIssueCode } from '#shared/import/field-issues';
import { isoWeekday } from '#shared/time';
import { useWriteContext } from '../../app/context.tsx';
import { errorMessage } from '../../components/form-errors.ts';
import { issueMessage, useT, type MessageKey, type Translate } from '../../i18n/i18n.tsx';
import { saveHolidayYear } from './holiday-years-store.ts';

/**
 * How the editor was opened: a new year (possibly copied), a bundled year HR adapts into its own version,
 * HR's year to edit, or a checked file to review. Only a new year's number can change: the others are one
 * given year (its document id is the year).
 */
export type EditorStart = { mode: 'new' | 'adapt' | 'edit' | 'import'; fileName?: string; year: number; source: string; days: HolidayEntry[] };

type Row = HolidayEntry & { key: number };

const FIELD_CODES = new Set<string>(FIELD_ISSUE_CODES);

/** A problem in the user's language: zod's field codes share the form wording, the calendar rules have their own. */
export function problemText(t: Translate, p: HolidayProblem): string {
  if (FIELD_CODES.has(p.code)) return issueMessage(t, { code: p.code as FieldIssueCode, params: p.params });
  return t(`hol.err.${p.code}` as MessageKey, p.params);
}

export function weekdayLabel(t: Translate, date: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(date) ? t(`hol.wd.${isoWeekday(date)}` as MessageKey) : '';
}

/** The problems of a file or a form, row by row (row numbers count the entries from 1, as in the form). */
export function HolidayProblemsTable({ problems, testId }: { problems: HolidayProblem[]; testId: string }) {
  const t = useT();
  return (
    <Table fz="xs" withRowBorders={false} verticalSpacing={2} data-testid={testId}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th w={150}>{t('hol.colRow')}</Table.Th>
          <Table.Th w={110}>{t('hol.colField')}</Table.Th>
          <Table.Th>{t('hol.colProblem')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {problems.map((p, i) => (
          <Table.Tr key={`${p.row}|${p.field}|${i}`} data-testid="hol-problem" data-row={p.row ?? ''} data-field={p.field} data-code={p.code}>
            <Table.Td style={{ whiteSpace: 'nowrap' }}>{p.row === null ? t(p.field ? 'hol.rowYear' : 'hol.rowFile') : `${p.row}${p.date ? ` · ${p.date}` : ''}`}</Table.Td>
            <Table.Td ff="monospace">{p.field}</Table.Td>
            <Table.Td>{problemText(t, p)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/**
 * Enter, edit or review one year. The form is checked as a whole with the same rules as an imported file
 * (checkHolidayYear) and saved through the audited settings path; nothing is stored while a problem remains.
 */
export function HolidayYearEditor({ start, years, onClose }: { start: EditorStart; years: YearOnFile[]; onClose: () => void }) {
  const t = useT();
  const ctx = useWriteContext();
  const nextKey = useRef(0);
  const withKeys = (days: HolidayEntry[]): Row[] => days.map((d) => ({ ...d, key: nextKey.current++ }));
  const [year, setYear] = useState<number | string>(start.year);
  const [source, setSource] = useState(start.source);
  const [rows, setRows] = useState<Row[]>(() => withKeys(start.days));
  const [problems, setProblems] = useState<HolidayProblem[]>([]);
  const [saving, setSaving] = useState(false);

  const yearNo = typeof year === 'number' ? year : Number(year);
  const onFile = years.find((y) => y.year === yearNo);
  const errorAt = useMemo(() => {
    const m = new Map<string, string>();
    for (const p of problems) if (!m.has(`${p.row ?? ''}|${p.field}`)) m.set(`${p.row ?? ''}|${p.field}`, problemText(t, p));
    return (row: number | null, field: string) => m.get(`${row ?? ''}|${field}`);
  }, [problems, t]);

  const update = (key: number, patch: Partial<HolidayEntry>) =>
    setRows((rs) => rs.map((r) => (r.key !== key ? r : { ...r, ...patch, ...(patch.kind === 'makeup_workday' ? { statutory: false } : {}) })));
  const copyFrom = (value: string | null) => {
    const from = years.find((y) => String(y.year) === value);
    if (from && Number.isInteger(yearNo)) setRows(withKeys(copyHolidayDays(from.calendar, yearNo)));
  };
  const addRow = () => {
    const last = rows[rows.length - 1];
    setRows((rs) => [...rs, { key: nextKey.current++, date: '', kind: 'public_holiday', name: last?.name ?? '', statutory: false }]);
  };

  const save = async () => {
    const check = checkHolidayYear({ region: 'CN', year: yearNo, source, days: rows.map(({ key: _, ...d }) => d) });
    if (!check.ok) {
      setProblems(check.problems);
      return;
    }
    setProblems([]);
    setSaving(true);
    try {
      const how = { import: `imported from ${start.fileName ?? 'a file'}`, edit: 'edited', adapt: 'adapted from the bundled year', new: 'entered' }[start.mode];
      await saveHolidayYear(ctx, check.calendar, how);
      notifications.show({ color: 'teal', message: t('hol.saved', { year: check.calendar.year }) });
      onClose();
    } catch (err) {
      notifications.show({ color: 'red', title: t('common.saveFailed'), message: errorMessage(err) });
    } finally {
      setSaving(false);
    }
  };

  const title = {
    import: t('hol.editorImport', { file: start.fileName ?? '' }),
    edit: t('hol.editorEdit', { year: start.year }),
    adapt: t('hol.editorAdapt', { year: start.year }),
    new: t('hol.editorNew'),
  }[start.mode];
  return (
    <Modal opened onClose={onClose} title={title} size={900} centered data-testid="hol-editor">
      <Stack gap="sm">
        {start.mode === 'import' && (
          <Text size="sm" c="dimmed">
            {t('hol.editorImportHint')}
          </Text>
        )}
        <Group align="flex-start" grow>
          <NumberInput
            label={t('hol.year')}
            value={year}
            onChange={setYear}
            min={2000}
            max={2100}
            allowDecimal={false}
            disabled={start.mode !== 'new'}
            error={errorAt(null, 'year')}
            maw={140}
            data-testid="hol-editor-year"
          />
          {start.mode !== 'import' && (
            <Select
              placeholder={t('hol.copyFromPlaceholder')}
              label={t('hol.copyFrom')}
              description={t('hol.copyFromHint')}
              data={years.map((y) => String(y.year))}
              value={null}
              onChange={copyFrom}
              clearable={false}
              data-testid="hol-editor-copy"
            />
          )}
        </Group>
        <TextInput
          label={t('hol.source')}
          placeholder={t('hol.sourcePlaceholder')}
          required
          value={source}
          onChange={(e) => setSource(e.currentTarget.value)}
          maxLength={200}
          error={errorAt(null, 'source')}
          data-testid="hol-editor-source"
        />
        {start.mode !== 'edit' && onFile?.added && (
          <Alert color="orange" p="xs" data-testid="hol-editor-replaces">
            {t('hol.replacesAdded', { year: yearNo })}
          </Alert>
        )}
        {(start.mode === 'edit' || !onFile?.added) && onFile?.bundled && (
          <Alert color="blue" p="xs" data-testid="hol-editor-overrides">
            {t('hol.replacesBundledWarn', { year: yearNo })}
          </Alert>
        )}
        <ScrollArea.Autosize mah="45vh">
          <Table verticalSpacing={4} data-testid="hol-editor-rows">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={40}>#</Table.Th>
                <Table.Th w={210}>{t('hol.colDate')}</Table.Th>
                <Table.Th w={150}>{t('hol.colKind')}</Table.Th>
                <Table.Th>{t('hol.colName')}</Table.Th>
                <Table.Th w={90}>{t('hol.colStatutory')}</Table.Th>
                <Table.Th w={44} />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r, i) => (
                <Table.Tr key={r.key} data-testid="hol-editor-row">
                  <Table.Td c="dimmed">{i + 1}</Table.Td>
                  <Table.Td>
                    <Group gap={6} wrap="nowrap" align="flex-start">
                      <TextInput type="date" size="xs" w={150} min={`${yearNo}-01-01`} max={`${yearNo}-12-31`} value={r.date} onChange={(e) => update(r.key, { date: e.currentTarget.value })} error={errorAt(i + 1, 'date')} data-testid="hol-editor-date" />
                      <Text size="xs" c="dimmed" pt={6}>
                        {weekdayLabel(t, r.date)}
                      </Text>
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <NativeSelect
                      size="xs"
                      value={r.kind}
                      onChange={(e) => update(r.key, { kind: e.currentTarget.value as HolidayEntry['kind'] })}
                      data={[
                        { value: 'public_holiday', label: t('hol.kind.public_holiday') },
                        { value: 'makeup_workday', label: t('hol.kind.makeup_workday') },
                      ]}
                      error={errorAt(i + 1, 'kind')}
                      data-testid="hol-editor-kind"
                    />
                  </Table.Td>
                  <Table.Td>
                    <TextInput size="xs" value={r.name} onChange={(e) => update(r.key, { name: e.currentTarget.value })} maxLength={50} error={errorAt(i + 1, 'name')} data-testid="hol-editor-name" />
                  </Table.Td>
                  <Table.Td>
                    <Checkbox
                      checked={r.statutory}
                      disabled={r.kind === 'makeup_workday'}
                      onChange={(e) => update(r.key, { statutory: e.currentTarget.checked })}
                      error={errorAt(i + 1, 'statutory')}
                      aria-label={t('hol.colStatutory')}
                      data-testid="hol-editor-statutory"
                    />
                  </Table.Td>
                  <Table.Td>
                    <ActionIcon variant="subtle" color="red" onClick={() => setRows((rs) => rs.filter((x) => x.key !== r.key))} aria-label={t('hol.removeEntry')} data-testid="hol-editor-remove">
                      <IconTrash size={14} />
                    </ActionIcon>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollArea.Autosize>
        <Group justify="space-between">
          <Group gap="xs">
            <Button size="xs" variant="light" leftSection={<IconPlus size={14} />} onClick={addRow} data-testid="hol-editor-add">
              {t('hol.addEntry')}
            </Button>
            <Text size="xs" c="dimmed">
              {t('hol.entriesCount', { count: rows.length })}
            </Text>
          </Group>
        </Group>
        {problems.length > 0 && (
          <Alert color="red" title={t('hol.problemsTitle', { count: problems.length })} data-testid="hol-editor-problems">
            <HolidayProblemsTable problems={problems} testId="hol-editor-problem-table" />
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button onClick={() => void save()} loading={saving} data-testid="hol-editor-save">
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
