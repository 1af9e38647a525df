import { Alert, Autocomplete, Badge, Button, FileButton, Group, List, Modal, SegmentedControl, Stack, Table, Text, Textarea, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconDownload, IconFileImport, IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { RenshiError } from '#shared/errors';
import { keywordFileOf, type EffectiveList } from '#shared/review/review-records';
import { rolesIn, type KeywordList, type Severity } from '#shared/review/work-chat-review';
import { localDateTimeOf } from '#shared/time';
import { useLanguage, useT, type MessageKey } from '../../i18n/i18n.tsx';
import type { WriteContext } from '../../db/records.ts';
import { download } from '../cases/evidence-export.ts';
import { importKeywordFile, removeKeywordList, saveKeywordList } from './chat-review-store.ts';

/**
 * HR's keyword lists: the built-ins (copy one to adapt it: the copy replaces it, deleting the copy brings it
 * back), the company's own, a keyword file imported whole (all or nothing) and the current lists exported in
 * the same format. Saved lists are settings documents, so they sync and outlast the session.
 */
export const SEVERITY_COLOR = { high: 'red', medium: 'orange', low: 'gray' } as const;

export function useRoleLabel(): (role: string) => string {
  const t = useT();
  return (role) => (['all', 'sales', 'manager', 'production'].includes(role) ? t(`cr.role.${role}` as MessageKey) : role);
}

type Draft = { mode: 'new' | 'edit'; id: string; zh: string; en: string; role: string; category: string; severity: Severity; keywords: string };
const draftOf = (l: KeywordList, mode: Draft['mode']): Draft => ({ mode, id: l.id, zh: l.label.zh, en: l.label.en, role: l.role, category: l.category, severity: l.severity, keywords: l.keywords.join('\n') });
const EMPTY: Draft = { mode: 'new', id: '', zh: '', en: '', role: 'all', category: '', severity: 'medium', keywords: '' };

type Problem = { path: string; message: string };
const problemsOf = (err: unknown): Problem[] => {
  const issues = err && typeof err === 'object' && 'issues' in err ? (err as { issues: { path: PropertyKey[]; message: string }[] }).issues : null;
  return issues ? issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })) : [{ path: '', message: err instanceof Error ? err.message : String(err) }];
};

export function KeywordListsPanel({ ctx, lists }: { ctx: WriteContext; lists: EffectiveList[] }) {
  const t = useT();
  const [lang] = useLanguage();
  const roleLabel = useRoleLabel();
  const [draft, setDraft] = useState<Draft | null>(null);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [fileProblems, setFileProblems] = useState<Problem[]>([]);

  const open = (d: Draft) => {
    setProblems([]);
    setDraft(d);
  };

  const save = async () => {
    if (!draft) return;
    try {
      const list = { id: draft.id.trim(), role: draft.role.trim(), category: draft.category.trim(), severity: draft.severity, label: { zh: draft.zh.trim(), en: draft.en.trim() }, keywords: draft.keywords.split('\n').map((k) => k.trim()).filter(Boolean) };
      if (draft.mode === 'new' && lists.some((e) => e.list.id === list.id && e.source !== 'built-in')) return setProblems([{ path: 'id', message: t('cr.problem.exists') }]);
      const saved = await saveKeywordList(ctx, list);
      notifications.show({ color: 'green', message: t('cr.listSaved', { id: saved.list.id }) });
      setDraft(null);
    } catch (err) {
      const cause = err instanceof RenshiError && Array.isArray(err.details) ? { issues: err.details } : err;
      setProblems(problemsOf(cause).map((p) => ({ path: p.path, message: problemText(p) ?? p.message })));
    }
  };

  // zod speaks English to developers; HR reads which field to fix and how, in the UI's language.
  const problemText = (p: Problem): string | null => {
    const keyword = /^keywords\.(\d+)$/.exec(p.path);
    if (keyword) return t('cr.problem.keyword', { n: Number(keyword[1]) + 1 });
    if (p.path === 'keywords') return t('cr.problem.keywords');
    if (p.path === 'id') return t('cr.problem.id');
    if (p.path === 'role') return t('cr.problem.role');
    if (p.path.startsWith('label')) return t('cr.problem.label');
    if (p.path === 'category') return t('cr.problem.category');
    return null;
  };

  const remove = async (e: EffectiveList) => {
    if (await removeKeywordList(ctx, e.list.id)) notifications.show({ message: t('cr.listRemoved', { id: e.list.id }) });
  };

  const onFile = async (file: File | null) => {
    if (!file) return;
    const r = await importKeywordFile(ctx, await file.text());
    if (r.ok) {
      setFileProblems([]);
      notifications.show({ color: 'green', message: t('cr.listsImported', { count: r.saved }) });
    } else setFileProblems(r.problems);
  };

  const roleOptions = [...new Set(['all', 'sales', 'manager', 'production', ...rolesIn({ lists: lists.map((e) => e.list) })])];
  return (
    <Stack gap="sm" data-testid="kw-panel">
      <Text size="sm" c="dimmed">
        {t('cr.listsIntro')}
      </Text>
      <Group gap="xs">
        <Button size="xs" leftSection={<IconPlus size={14} />} onClick={() => open(EMPTY)} data-testid="kw-new">
          {t('cr.newList')}
        </Button>
        <FileButton onChange={(f) => void onFile(f)} accept=".json,application/json" inputProps={{ 'data-testid': 'kw-import-file' } as object}>
          {(props) => (
            <Button {...props} size="xs" variant="default" leftSection={<IconFileImport size={14} />}>
              {t('cr.importLists')}
            </Button>
          )}
        </FileButton>
        <Button size="xs" variant="default" leftSection={<IconDownload size={14} />} onClick={() => download(new Blob([keywordFileOf(lists)], { type: 'application/json' }), 'keywords.json')} data-testid="kw-export">
          {t('cr.exportLists')}
        </Button>
      </Group>
      {fileProblems.length > 0 && (
        <Alert color="red" title={t('cr.listsFileRefused')} data-testid="kw-file-problems">
          <List size="sm">
            {fileProblems.slice(0, 20).map((p, i) => (
              <List.Item key={i}>
                {p.path || '—'}: {p.message}
              </List.Item>
            ))}
          </List>
        </Alert>
      )}
      <Table striped withTableBorder data-testid="kw-lists">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('cr.colList')}</Table.Th>
            <Table.Th>{t('cr.colRole')}</Table.Th>
            <Table.Th>{t('cr.colSeverity')}</Table.Th>
            <Table.Th>{t('cr.colKeywords')}</Table.Th>
            <Table.Th>{t('cr.colSource')}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {lists.map((e) => (
            <Table.Tr key={e.list.id} data-testid="kw-row" data-list-id={e.list.id}>
              <Table.Td style={{ verticalAlign: 'top' }}>
                <Text size="sm" fw={500}>
                  {lang === 'en' ? e.list.label.en : e.list.label.zh}
                </Text>
                <Text size="xs" c="dimmed" ff="monospace">
                  {e.list.id} · {e.list.category}
                </Text>
              </Table.Td>
              <Table.Td style={{ verticalAlign: 'top' }}>{roleLabel(e.list.role)}</Table.Td>
              <Table.Td style={{ verticalAlign: 'top' }}>
                <Badge color={SEVERITY_COLOR[e.list.severity]} variant="light">
                  {t(`cr.severity.${e.list.severity}`)}
                </Badge>
              </Table.Td>
              <Table.Td style={{ verticalAlign: 'top', maxWidth: 380 }}>
                <Text size="sm" data-testid="kw-keywords">
                  {e.list.keywords.slice(0, 8).join('、')}
                  {e.list.keywords.length > 8 ? '…' : ''}
                </Text>
                <Text size="xs" c="dimmed">
                  {t('cr.keywordCount', { count: e.list.keywords.length })}
                </Text>
              </Table.Td>
              <Table.Td style={{ verticalAlign: 'top' }}>
                <Badge variant={e.source === 'built-in' ? 'outline' : 'light'} color={e.source === 'built-in' ? 'gray' : 'blue'} style={{ textTransform: 'none' }} data-testid="kw-source">
                  {t(`cr.source.${e.source}`)}
                </Badge>
                {e.setting && (
                  <Text size="xs" c="dimmed">
                    {t('cr.savedBy', { who: e.setting.savedBy, when: localDateTimeOf(e.setting.updatedAt) })}
                  </Text>
                )}
              </Table.Td>
              <Table.Td style={{ verticalAlign: 'top', whiteSpace: 'nowrap' }}>
                {e.source === 'built-in' ? (
                  <Button size="compact-xs" variant="light" onClick={() => open(draftOf(e.list, 'edit'))} data-testid="kw-copy">
                    {t('cr.copy')}
                  </Button>
                ) : (
                  <Group gap={4} wrap="nowrap">
                    <Button size="compact-xs" variant="light" onClick={() => open(draftOf(e.list, 'edit'))} data-testid="kw-edit">
                      {t('cr.edit')}
                    </Button>
                    <Button size="compact-xs" variant="subtle" color="red" onClick={() => void remove(e)} data-testid="kw-remove">
                      {e.source === 'adapted' ? t('cr.restore') : t('cr.delete')}
                    </Button>
                  </Group>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>

      <Modal opened={draft !== null} onClose={() => setDraft(null)} title={draft?.mode === 'new' ? t('cr.editorNew') : t('cr.editorEdit')} size="lg">
        {draft && (
          <Stack gap="xs" data-testid="kw-editor">
            <TextInput label={t('cr.listId')} value={draft.id} disabled={draft.mode === 'edit'} onChange={(e) => setDraft({ ...draft, id: e.currentTarget.value })} data-testid="kw-id" />
            <Group grow>
              <TextInput label={t('cr.labelZh')} value={draft.zh} onChange={(e) => setDraft({ ...draft, zh: e.currentTarget.value })} data-testid="kw-label-zh" />
              <TextInput label={t('cr.labelEn')} value={draft.en} onChange={(e) => setDraft({ ...draft, en: e.currentTarget.value })} data-testid="kw-label-en" />
            </Group>
            <Group grow>
              <Autocomplete label={t('cr.role')} data={roleOptions} value={draft.role} onChange={(v) => setDraft({ ...draft, role: v })} data-testid="kw-role" />
              <TextInput label={t('cr.category')} value={draft.category} onChange={(e) => setDraft({ ...draft, category: e.currentTarget.value })} data-testid="kw-category" />
            </Group>
            <Stack gap={2}>
              <Text size="sm" fw={500}>
                {t('cr.severity')}
              </Text>
              <SegmentedControl
                value={draft.severity}
                onChange={(v) => setDraft({ ...draft, severity: v as Severity })}
                data={(['high', 'medium', 'low'] as const).map((s) => ({ value: s, label: t(`cr.severity.${s}`) }))}
                data-testid="kw-severity"
              />
            </Stack>
            <Textarea label={t('cr.keywords')} autosize minRows={5} maxRows={14} value={draft.keywords} onChange={(e) => setDraft({ ...draft, keywords: e.currentTarget.value })} data-testid="kw-keywords-input" />
            {problems.length > 0 && (
              <Alert color="red" title={t('cr.listProblems')} data-testid="kw-problems">
                <List size="sm">
                  {problems.map((p, i) => (
                    <List.Item key={i} data-path={p.path}>
                      {p.message}
                    </List.Item>
                  ))}
                </List>
              </Alert>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setDraft(null)}>
                {t('cr.cancel')}
              </Button>
              <Button onClick={() => void save()} data-testid="kw-save">
                {t('cr.save')}
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Stack>
  );
}
