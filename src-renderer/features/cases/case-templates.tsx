import { Alert, Badge, Box, Button, FileButton, Group, Modal, Paper, Stack, Table, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconDownload, IconUpload } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { BUILT_IN_TEMPLATES } from '#shared/cases/builtin-templates';
import { citedArticles, type CaseTemplate } from '#shared/cases/case-template';
import { exportTemplateJson, latestCustomTemplates, type CaseTemplateSetting, type ImportProblem } from '#shared/cases/custom-template';
import { navigate } from '../../app/router.ts';
import { formatDateTime } from '../../components/format.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { importCaseTemplate, setCaseTemplateRetired, useCustomTemplates } from './case-templates-store.ts';
import { useCaseContext, useTr } from './case-ui.ts';
import { download } from './evidence-export.ts';

/**
 * 模板 / Templates: the built-in case templates and HR's own copies. HR exports a template as JSON, adapts
 * it (steps, evidence, deadlines, approvals, the law cited) and imports it back; the import is checked field
 * by field and stored as a new version of a custom template, synced to every terminal, and offered when a
 * case is opened. Built-ins cannot be changed in place: a copy gets its own id.
 */
export function CaseTemplates() {
  const { tr, label } = useTr();
  const ctx = useCaseContext();
  const customs = useCustomTemplates();
  const [newId, setNewId] = useState('');
  const [problems, setProblems] = useState<{ file: string; list: ImportProblem[] } | null>(null);
  const [busy, setBusy] = useState(false);
  const sorted = useMemo(() => [...(customs ?? [])].sort((a, b) => a.template.id.localeCompare(b.template.id) || b.template.version - a.template.version), [customs]);
  const newestIds = useMemo(() => new Set(latestCustomTemplates(customs ?? []).map((c) => c.id)), [customs]);
  const [retiring, setRetiring] = useState<CaseTemplateSetting | null>(null);
  const [reason, setReason] = useState('');

  async function setRetired(c: CaseTemplateSetting, retire: { reason: string } | null) {
    try {
      await setCaseTemplateRetired(ctx, c.template.id, retire);
      setRetiring(null);
      setReason('');
      notifications.show({ color: 'green', message: retire ? tr('模板已停用：新建案件不再提供，已开启的案件不受影响', 'Template retired: no longer offered for new cases; open cases are unaffected') : tr('模板已恢复使用', 'Template offered again') });
    } catch (err) {
      notifications.show({ color: 'red', title: tr('保存失败', 'Save failed'), message: err instanceof Error ? err.message : String(err) });
    }
  }

  async function onFile(file: File | null) {
    if (!file) return;
    setBusy(true);
    setProblems(null);
    try {
      const r = await importCaseTemplate(ctx, await file.text(), newId.trim() || null);
      if (!r.ok) {
        setProblems({ file: file.name, list: r.problems });
        return;
      }
      setNewId('');
      notifications.show({ color: 'green', title: tr('模板已导入', 'Template imported'), message: `${label(r.setting.template.name)} · ${r.setting.template.id} v${r.setting.template.version}` });
    } finally {
      setBusy(false);
    }
  }

  const exportJson = (t: CaseTemplate) => download(new Blob([exportTemplateJson(t)], { type: 'application/json' }), `${t.id}-v${t.version}.json`);

  return (
    <Box p="lg" data-testid="case-templates">
      <PageHeader
        title={tr('案件模板', 'Case templates')}
        subtitle={tr('导出内置模板为 JSON，按本单位制度修改后导入；导入的模板同步到所有终端，新建案件时可选', 'Export a built-in template as JSON, adapt it to your own rules and import it; imported templates sync to every terminal and can be chosen for a new case')}
        actions={
          <Button variant="default" onClick={() => navigate('/cases')}>
            {tr('返回案件', 'Back to cases')}
          </Button>
        }
      />
      <Paper withBorder radius="md" p="md" mb="md">
        <Group align="flex-end">
          <TextInput
            label={tr('新模板编号（可选）', 'New template id (optional)')}
            description={tr('小写字母、数字和连字符；留空则为“原编号-custom”，已有编号则增加一个版本', 'lower-case letters, digits and dashes; empty: "<id>-custom", an existing id gets a new version')}
            placeholder="offboarding-teachers"
            value={newId}
            onChange={(e) => setNewId(e.currentTarget.value)}
            w={360}
            data-testid="template-new-id"
          />
          <FileButton onChange={(f) => void onFile(f)} accept=".json,application/json" inputProps={{ 'data-testid': 'template-import-file' } as object}>
            {(props) => (
              <Button {...props} loading={busy} leftSection={<IconUpload size={16} />}>
                {tr('导入模板 JSON', 'Import template JSON')}
              </Button>
            )}
          </FileButton>
        </Group>
        {problems && (
          <Alert color="red" mt="md" title={tr(`「${problems.file}」未导入：${problems.list.length} 处问题`, `"${problems.file}" was not imported: ${problems.list.length} problem(s)`)} data-testid="template-import-problems">
            <Table fz="xs" withRowBorders={false}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{tr('字段', 'Field')}</Table.Th>
                  <Table.Th>{tr('问题', 'Problem')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {problems.list.map((p, i) => (
                  <Table.Tr key={`${p.path}|${i}`} data-testid="template-import-problem">
                    <Table.Td style={{ fontFamily: 'monospace' }}>{p.path || tr('（文件）', '(file)')}</Table.Td>
                    <Table.Td>{p.message}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Alert>
        )}
      </Paper>
      <Paper withBorder radius="md">
        <Table data-testid="templates-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{tr('模板', 'Template')}</Table.Th>
              <Table.Th>{tr('编号 / 版本', 'Id / version')}</Table.Th>
              <Table.Th>{tr('来源', 'Source')}</Table.Th>
              <Table.Th>{tr('步骤 / 法条', 'Steps / articles')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {sorted.map((c) => (
              <TemplateRow key={c.id} t={c.template} custom={c} onExport={exportJson} newest={newestIds.has(c.id)} onRetire={() => setRetiring(c)} onRestore={() => void setRetired(c, null)} />
            ))}
            {BUILT_IN_TEMPLATES.map((t) => (
              <TemplateRow key={t.id} t={t} custom={null} onExport={exportJson} />
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
      <Modal opened={retiring !== null} onClose={() => setRetiring(null)} title={tr('停用模板', 'Retire template')} centered>
        <Stack>
          <Text size="sm">{tr('停用后新建案件不再提供此模板；已用它开启的案件保持不变。', 'A retired template is no longer offered for new cases; cases already opened with it stay as they are.')}</Text>
          <TextInput label={tr('原因', 'Reason')} required value={reason} onChange={(e) => setReason(e.currentTarget.value)} maxLength={500} data-testid="template-retire-reason" />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRetiring(null)}>
              {tr('取消', 'Cancel')}
            </Button>
            <Button color="red" disabled={!reason.trim()} onClick={() => retiring && void setRetired(retiring, { reason: reason.trim() })} data-testid="template-retire-confirm">
              {tr('停用', 'Retire')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Box>
  );
}

type RowProps = { t: CaseTemplate; custom: CaseTemplateSetting | null; onExport: (t: CaseTemplate) => void; newest?: boolean; onRetire?: () => void; onRestore?: () => void };

function TemplateRow({ t, custom, onExport, newest = false, onRetire, onRestore }: RowProps) {
  const { tr, label } = useTr();
  const base = custom?.derivedFrom ? BUILT_IN_TEMPLATES.find((b) => b.id === custom.derivedFrom!.id) : undefined;
  return (
    <Table.Tr data-testid={custom ? 'template-row-custom' : 'template-row-builtin'} data-template-id={t.id}>
      <Table.Td>
        <Text size="sm" fw={500}>
          {label(t.name)}
        </Text>
        {t.startsFrom && <Text size="xs" c="dimmed">{tr('只能从其他案件开启', 'opened from another case only')}</Text>}
      </Table.Td>
      <Table.Td style={{ fontFamily: 'monospace', fontSize: 12 }}>
        {t.id} v{t.version}
      </Table.Td>
      <Table.Td>
        {custom ? (
          <Stack gap={2}>
            <Group gap={4}>
              <Badge color="teal" variant="light" style={{ textTransform: 'none' }}>
                {tr('自定义', 'custom')}
              </Badge>
              {custom.retired && (
                <Badge color="gray" variant="filled" style={{ textTransform: 'none' }} data-testid="template-retired">
                  {tr('已停用', 'retired')}
                </Badge>
              )}
            </Group>
            {custom.retired && (
              <Text size="xs" c="dimmed">
                {custom.retired.by} {formatDateTime(custom.retired.at)}：{custom.retired.reason}
              </Text>
            )}
            <Text size="xs" c="dimmed" data-testid="template-derived-from">
              {custom.derivedFrom ? tr(`源自 ${base ? label(base.name) : custom.derivedFrom.id} v${custom.derivedFrom.version}`, `from ${base ? label(base.name) : custom.derivedFrom.id} v${custom.derivedFrom.version}`) : tr('新建', 'written from scratch')}
              {' · '}
              {custom.importedBy} {formatDateTime(custom.updatedAt)}
            </Text>
          </Stack>
        ) : (
          <Badge color="gray" variant="light" style={{ textTransform: 'none' }}>
            {tr('内置', 'built-in')}
          </Badge>
        )}
      </Table.Td>
      <Table.Td>
        {t.steps.length} / {citedArticles(t).length}
      </Table.Td>
      <Table.Td>
        <Group gap={4} wrap="nowrap">
          <Button size="xs" variant="subtle" leftSection={<IconDownload size={14} />} onClick={() => onExport(t)} data-testid="template-export">
            {tr('导出 JSON', 'Export JSON')}
          </Button>
          {custom && newest && !custom.retired && (
            <Button size="xs" variant="subtle" color="red" onClick={onRetire} data-testid="template-retire">
              {tr('停用', 'Retire')}
            </Button>
          )}
          {custom && newest && custom.retired && (
            <Button size="xs" variant="subtle" onClick={onRestore} data-testid="template-restore">
              {tr('恢复使用', 'Offer again')}
            </Button>
          )}
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}
