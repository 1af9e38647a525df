import { Alert, Badge, Box, Button, Group, Paper, Select, Stack, Table, Text } from '@mantine/core';
import { IconBook2, IconBriefcase, IconPlus, IconTemplate } from '@tabler/icons-react';
import { useEffect, useMemo, useState } from 'react';
import { BUILT_IN_TEMPLATES, builtInTemplate } from '#shared/cases/builtin-templates';
import { findCaseTemplate, offeredCustomTemplates } from '#shared/cases/custom-template';
import type { CaseTemplate } from '#shared/cases/case-template';
import { CaseDoc } from '#shared/cases/case-doc';
import { describeReason } from '#shared/cases/case-messages';
import { newId } from '#shared/ids';
import { navigate } from '../../app/router.ts';
import { EmptyState } from '../../components/empty-state.tsx';
import { formatDateTime } from '../../components/format.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { useObservable } from '../../components/use-observable.ts';
import { useRenshi } from '../../app/context.tsx';
import { stripMeta } from '../../db/records.ts';
import { useEmployees } from '../employees/use-employees.ts';
import { CaseDetail } from './case-detail.tsx';
import { canAccessCase } from '#shared/cases/case-doc';
import { openCaseRecord, openDismissalFromEscalation } from './case-repository.ts';
import { useCaseContext, useIdentityKnown, useTr } from './case-ui.ts';
import { CaseTemplates } from './case-templates.tsx';
import { useCustomTemplates } from './case-templates-store.ts';
import { LawLibrary } from './law-library.tsx';
import { useEscalationItems } from './lost-contact-cases.tsx';

/** `/cases`, `/cases/new`, `/cases/law`, `/cases/templates`, `/cases/<id>`. */
export function CasesArea({ segments, query }: { segments: string[]; query: URLSearchParams }) {
  const [first] = segments;
  if (first === 'new') return <NewCase fromEscalation={query.get('from')} />;
  if (first === 'law') return <LawLibrary />;
  if (first === 'templates') return <CaseTemplates />;
  if (first) return <CaseDetail id={first} />;
  return <CaseList />;
}

/** Templates HR may open directly; 旷工解除 starts only from a lost-contact case, lost contact from the escalation chain. */
const isBuiltIn = (id: string) => BUILT_IN_TEMPLATES.some((b) => b.id === id);
const OPENABLE = ['offboarding', 'loss-deduction', 'dismissal-serious-violation', 'absent-without-leave', 'sensitive-event'];
/** HR's copies open directly too, except those that must start from another case or mirror the escalation chain. */
const openableCopy = (t: CaseTemplate, derivedFrom: string | null) => !t.startsFrom && derivedFrom !== 'lost-contact';

export function useCases(): CaseDoc[] | undefined {
  const { db } = useRenshi();
  const { actor } = useCaseContext();
  const docs = useObservable(() => db.cases.find({ sort: [{ updatedAt: 'desc' }] }).$, [db]);
  return useMemo(
    () => docs?.map((d) => CaseDoc.parse(stripMeta(d.toMutableJSON() as Record<string, unknown>))).filter((c) => canAccessCase(c, actor)),
    [docs, actor],
  );
}

function CaseList() {
  const { tr, label } = useTr();
  const cases = useCases();
  const { employees } = useEmployees();
  const customs = useCustomTemplates();
  const names = useMemo(() => new Map(employees.map((e) => [e.id, `${e.name}（${e.employeeNo}）`])), [employees]);
  return (
    <Box p="lg">
      <PageHeader
        title={tr('案件与合规流程', 'Cases and compliance workflows')}
        subtitle={tr('离职交接、扣款、违纪解除、擅自离岗、敏感事件：每一步需要什么、缺什么，一目了然', 'Offboarding, deductions, dismissals, absence without leave, sensitive events: what each step needs and what is missing')}
        actions={
          <>
            <Button variant="default" leftSection={<IconTemplate size={16} />} onClick={() => navigate('/cases/templates')} data-testid="cases-templates">
              {tr('模板', 'Templates')}
            </Button>
            <Button variant="default" leftSection={<IconBook2 size={16} />} onClick={() => navigate('/cases/law')} data-testid="cases-law">
              {tr('法律知识库', 'Law library')}
            </Button>
            <Button leftSection={<IconPlus size={16} />} onClick={() => navigate('/cases/new')} data-testid="cases-new">
              {tr('新建案件', 'New case')}
            </Button>
          </>
        }
      />
      {cases && cases.length === 0 ? (
        <EmptyState icon={<IconBriefcase size={28} />} title={tr('还没有案件', 'No cases yet')} hint={tr('点击“新建案件”，为员工按模板开启流程。', 'Use "New case" to start a workflow for an employee.')} />
      ) : (
        <Paper withBorder radius="md">
          <Table highlightOnHover data-testid="cases-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{tr('类型', 'Type')}</Table.Th>
                <Table.Th>{tr('员工', 'Employee')}</Table.Th>
                <Table.Th>{tr('状态', 'Status')}</Table.Th>
                <Table.Th>{tr('进度', 'Progress')}</Table.Th>
                <Table.Th>{tr('更新时间', 'Updated')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(cases ?? []).map((c) => {
                const decided = c.steps.filter((s) => s.state === 'done' || s.state === 'skipped' || s.state === 'overridden').length;
                const blocked = c.steps.filter((s) => s.state === 'blocked').length;
                const known = findCaseTemplate(customs ?? [], c.templateId, c.templateVersion);
                const name = known ? label(known.name) : c.templateId;
                return (
                  <Table.Tr key={c.id} style={{ cursor: 'pointer' }} onClick={() => navigate(`/cases/${encodeURIComponent(c.id)}`)} data-testid="case-row">
                    <Table.Td>
                      {name} {c.restricted && <Badge size="xs" color="grape">{tr('受限', 'restricted')}</Badge>}
                    </Table.Td>
                    <Table.Td>{names.get(c.subjectEmployeeId) ?? c.subjectEmployeeId}</Table.Td>
                    <Table.Td>
                      <CaseStatusBadge status={c.status} />
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">
                        {decided}/{c.steps.length} {blocked > 0 && <Badge size="xs" color="orange">{tr(`${blocked} 步受阻`, `${blocked} blocked`)}</Badge>}
                      </Text>
                    </Table.Td>
                    <Table.Td>{formatDateTime(c.updatedAt)}</Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Paper>
      )}
    </Box>
  );
}

export function CaseStatusBadge({ status }: { status: CaseDoc['status'] }) {
  const { tr } = useTr();
  const map = { open: ['blue', tr('进行中', 'Open')], completed: ['green', tr('已办结', 'Completed')], cancelled: ['gray', tr('已撤销', 'Cancelled')] } as const;
  const [color, text] = map[status];
  return (
    <Badge color={color} variant="light" style={{ textTransform: 'none' }} data-testid="case-status-badge">
      {text}
    </Badge>
  );
}

function NewCase({ fromEscalation }: { fromEscalation: string | null }) {
  const { tr, label } = useTr();
  const ctx = useCaseContext();
  const identityKnown = useIdentityKnown();
  const { employees } = useEmployees();
  const [templateId, setTemplateId] = useState<string | null>(fromEscalation ? 'dismissal-absenteeism' : 'offboarding');
  const [employeeId, setEmployeeId] = useState<string | null>(null);
  const [category, setCategory] = useState<string | null>(null);
  const [problems, setProblems] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const { items } = useEscalationItems();
  const escalation = fromEscalation ? items?.find((i) => i.anomalyId === fromEscalation || i.case?.id === fromEscalation) ?? null : null;
  useEffect(() => {
    if (escalation) setEmployeeId(escalation.employeeId);
  }, [escalation]);
  const customs = useCustomTemplates();
  const copies = useMemo(() => offeredCustomTemplates(customs ?? []).filter((c) => openableCopy(c.template, c.derivedFrom?.id ?? null)), [customs]);
  // A copy is opened at its newest version; cases already open keep the version they were opened with.
  // From a lost-contact case: the built-in 旷工解除 and HR's copies of it (they start from a lost-contact case too).
  const dismissalCopies = useMemo(() => offeredCustomTemplates(customs ?? []).filter((c) => c.template.startsFrom?.templateId === 'lost-contact'), [customs]);
  const choices: CaseTemplate[] = fromEscalation
    ? [builtInTemplate('dismissal-absenteeism'), ...dismissalCopies.map((c) => c.template)]
    : [...OPENABLE.map(builtInTemplate), ...copies.map((c) => c.template)];
  const template = choices.find((t) => t.id === templateId) ?? null;

  async function submit() {
    if (!template || !employeeId) return;
    const emp = employees.find((e) => e.id === employeeId);
    setBusy(true);
    setProblems([]);
    try {
      if (template.startsFrom) {
        const r = escalation
          ? await openDismissalFromEscalation(ctx, escalation, { id: newId(), siteId: emp?.siteId, participants: emp ? [{ personId: emp.id, name: emp.name, role: 'subject' }] : [], template })
          : { ok: false as const, reasons: [{ code: 'precondition-unmet' as const, stepId: null, rule: 'starts-from', message: 'open it from a lost-contact case' }] };
        if (!r.ok) setProblems(r.reasons.map((x) => describeReason(x, tr('zh', 'en') as 'zh' | 'en')));
        else navigate(`/cases/${encodeURIComponent(r.doc.id)}`);
        return;
      }
      const r = await openCaseRecord(ctx, template, { id: newId(), subjectEmployeeId: employeeId, siteId: emp?.siteId ?? escalation?.siteId ?? 'unknown', categoryCode: category, participants: emp ? [{ personId: emp.id, name: emp.name, role: 'subject' }] : [] });
      if (!r.ok) setProblems(r.reasons.map((x) => describeReason(x, tr('zh', 'en') as 'zh' | 'en')));
      else navigate(`/cases/${encodeURIComponent(r.doc.id)}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Box p="lg" maw={720}>
      <PageHeader title={tr('新建案件', 'New case')} subtitle={template ? label(template.description) : undefined} />
      <Paper withBorder radius="md" p="md">
        <Stack>
          <Select
            label={tr('案件模板', 'Template')}
            data={choices.map((t) => ({ value: t.id, label: isBuiltIn(t.id) ? label(t.name) : `${label(t.name)}（${tr('自定义', 'custom')} v${t.version}）` }))}
            value={templateId}
            onChange={(v) => {
              setTemplateId(v);
              setCategory(null);
            }}
            allowDeselect={false}
            data-testid="new-case-template"
          />
          {template?.internalStatus && (
            <Alert color="yellow" title={tr('内部状态', 'Internal status')}>
              {label(template.statusNote)}
            </Alert>
          )}
          <Select
            label={tr('员工', 'Employee')}
            searchable
            data={employees.map((e) => ({ value: e.id, label: `${e.name}（${e.employeeNo}）` }))}
            value={employeeId}
            onChange={setEmployeeId}
            disabled={Boolean(fromEscalation)}
            data-testid="new-case-employee"
          />
          {template && template.categories.length > 0 && (
            <Select
              label={tr('事件类别', 'Category')}
              data={template.categories.map((c) => ({ value: c.code, label: `${c.code} ${label(c.label)}` }))}
              value={category}
              onChange={setCategory}
              data-testid="new-case-category"
            />
          )}
          {problems.length > 0 && (
            <Alert color="red" data-testid="new-case-problems">
              {problems.map((p) => (
                <Text key={p} size="sm">
                  {p}
                </Text>
              ))}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => navigate('/cases')}>
              {tr('取消', 'Cancel')}
            </Button>
            <Button onClick={() => void submit()} loading={busy} disabled={!template || !employeeId || !identityKnown} data-testid="new-case-open">
              {tr('开启案件', 'Open case')}
            </Button>
          </Group>
        </Stack>
      </Paper>
    </Box>
  );
}
