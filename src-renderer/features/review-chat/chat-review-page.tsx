import { Alert, Badge, Box, Button, Chip, FileButton, Group, List, Paper, Select, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { IconAlertTriangle, IconFileImport, IconShieldLock } from '@tabler/icons-react';
import { useEffect, useMemo, useState } from 'react';
import type { CaseDoc } from '#shared/cases/case-doc';
import { formatOf } from '#shared/review/chat-log';
import { applyRecordedDecisions, CHAT_REVIEW_COLLECTION, decisionSummary, DEFAULT_KEYWORDS, findingEvidenceEvent, loadKeywordConfig, markReviewed, reviewChatLog, rolesIn, suggestRoles, type ChatFinding, type ImportRefusal, type KeywordConfig } from '#shared/review/work-chat-review';
import type { AuditEvent } from '#shared/schemas/audit';
import { localDateTimeOf } from '#shared/time';
import { useRenshi } from '../../app/context.tsx';
import { useLanguage } from '../../i18n/i18n.tsx';
import { useEmployees } from '../employees/use-employees.ts';
import { applyCaseEvent, listCases, templateOf } from '../cases/case-repository.ts';
import { useCustomTemplates } from '../cases/case-templates-store.ts';
import { useCaseContext } from '../cases/case-ui.ts';

/**
 * Work-channel review (工作账号聊天审查): HR picks an employee and one of their registered work accounts,
 * imports that account's exported chat log, and reviews the keyword findings one by one. The import and
 * every decision go into the audit trail; re-importing the same file brings the findings back with the
 * decisions recorded there (`applyRecordedDecisions`). A finding goes to a case with `findingEvidenceEvent`.
 */
const ROLE_LABEL: Record<string, [string, string]> = { sales: ['销售', 'Sales'], production: ['生产', 'Production'] };
const SEVERITY_COLOR = { high: 'red', medium: 'orange', low: 'gray' } as const;

export function ChatReviewPage() {
  const { actor, audit, db } = useRenshi();
  const [lang] = useLanguage();
  const tr = (zh: string, en: string) => (lang === 'en' ? en : zh);
  const { employees } = useEmployees();
  const [employeeId, setEmployeeId] = useState<string | null>(null);
  const [accountKey, setAccountKey] = useState<string | null>(null);
  const [roles, setRoles] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<ImportRefusal | null>(null);
  const [result, setResult] = useState<{ fileName: string; scanned: number; notScanned: number; fileSha256: string } | null>(null);
  const [findings, setFindings] = useState<ChatFinding[]>([]);
  const [notes, setNotes] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string | null>(null);
  // HR's own keyword file for this session (a copy of resources/review/keywords.json); defaults otherwise.
  const [config, setConfig] = useState<{ name: string; config: KeywordConfig } | null>(null);
  const [configProblems, setConfigProblems] = useState<{ path: string; message: string }[]>([]);
  const keywords = config?.config ?? DEFAULT_KEYWORDS;

  const onKeywordFile = async (file: File | null) => {
    if (!file) return;
    const r = loadKeywordConfig(await file.text());
    if (r.ok) {
      setConfig({ name: file.name, config: r.config });
      setConfigProblems([]);
    } else setConfigProblems(r.problems);
  };

  const employee = employees.find((e) => e.id === employeeId) ?? null;
  const accounts = useMemo(() => (employee?.workAccounts ?? []).map((a) => ({ value: `${a.kind}:${a.account}`, label: `${a.kind} · ${a.account}${a.revokedAt ? tr('（已回收）', ' (revoked)') : ''}` })), [employee, lang]);
  const withAccounts = useMemo(() => employees.filter((e) => e.workAccounts.length > 0).map((e) => ({ value: e.id, label: `${e.name}（${e.employeeNo}）${e.position ? ` · ${e.position}` : ''}` })), [employees]);

  const pickEmployee = (id: string | null) => {
    setEmployeeId(id);
    const e = employees.find((x) => x.id === id);
    setAccountKey(e?.workAccounts[0] ? `${e.workAccounts[0].kind}:${e.workAccounts[0].account}` : null);
    setRoles(suggestRoles(e?.position ?? ''));
    setFindings([]);
    setResult(null);
    setRefusal(null);
  };

  const onFile = async (file: File | null) => {
    if (!file || !employee || !accountKey) return;
    setBusy(true);
    setProblem(null);
    try {
      const [kind, ...rest] = accountKey.split(':');
      const account = { kind: kind as ChatFinding['account']['kind'], account: rest.join(':') };
      const r = await reviewChatLog({ fileName: file.name, text: await file.text(), format: formatOf(file.name), employee, account, roles, config: keywords });
      if (!r.ok) {
        setRefusal(r.refusal);
        setFindings([]);
        setResult(null);
        return;
      }
      setRefusal(null);
      // Decisions made earlier (here or on another terminal) come back from the audit trail.
      const ids = r.findings.map((f) => f.id);
      const recorded = ids.length ? (await db.audit.find({ selector: { docId: { $in: ids } } }).exec()).map((d) => d.toMutableJSON() as AuditEvent) : [];
      setFindings(applyRecordedDecisions(r.findings, recorded));
      setResult({ fileName: file.name, scanned: r.scanned, notScanned: r.notScanned, fileSha256: r.fileSha256 });
      await audit.append({
        actor,
        action: 'import',
        collection: CHAT_REVIEW_COLLECTION,
        docId: `chat-log-${r.fileSha256.slice(0, 24)}`,
        before: null,
        after: { fileName: file.name, fileSha256: r.fileSha256, employeeId: employee.id, account, roles, findings: r.findings.map((f) => f.id) },
        summary: `work-chat review of ${account.kind}:${account.account}: ${r.scanned} messages scanned, ${r.findings.length} findings`,
      });
    } catch (err) {
      setProblem(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  const decide = async (f: ChatFinding, status: 'confirmed' | 'dismissed') => {
    setProblem(null);
    try {
      const next = markReviewed(f, { status, by: actor, at: Date.now(), note: notes[f.id] ?? '' });
      await audit.append({ actor, action: 'update', collection: CHAT_REVIEW_COLLECTION, docId: f.id, before: { ...f }, after: { ...next }, summary: decisionSummary(next) });
      setFindings((list) => list.map((x) => (x.id === f.id ? next : x)));
    } catch (err) {
      setProblem(err instanceof Error && /why/.test(err.message) ? tr('排除该条需填写理由', 'Say why the finding is dismissed') : String(err));
    }
  };

  // Open cases of this employee, for attaching confirmed findings as evidence.
  const caseCtx = useCaseContext();
  const [cases, setCases] = useState<CaseDoc[]>([]);
  const [caseFor, setCaseFor] = useState<Record<string, string | null>>({});
  const [attached, setAttached] = useState<Record<string, string>>({});
  useEffect(() => {
    if (!employeeId) return setCases([]);
    let live = true;
    listCases(caseCtx)
      .then((all) => live && setCases(all.filter((c) => c.subjectEmployeeId === employeeId && c.status === 'open')))
      .catch(() => live && setCases([]));
    return () => {
      live = false;
    };
  }, [caseCtx, employeeId, findings.length]);

  const customs = useCustomTemplates();
  const templateOrNull = (c: CaseDoc) => {
    try {
      return templateOf(c, customs ?? []);
    } catch {
      return null; // a template this terminal does not have
    }
  };

  const attach = async (f: ChatFinding) => {
    const c = cases.find((x) => x.id === (caseFor[f.id] ?? cases[0]?.id));
    if (!c) return;
    setProblem(null);
    // Collected for the first undecided step that asks for a violation record, if the template has one.
    const step = templateOrNull(c)?.steps.find((st) => st.evidence.some((e) => e.kind === 'violation-record') && !['done', 'skipped', 'overridden'].includes(c.steps.find((x) => x.id === st.id)?.state ?? ''));
    const r = await applyCaseEvent(caseCtx, c.id, findingEvidenceEvent(f, { id: `${f.id}-${c.id}`.slice(0, 100), stepId: step?.id ?? null }));
    if (r.ok) setAttached((a) => ({ ...a, [f.id]: c.id }));
    else setProblem(r.reasons.map((x) => ('message' in x && x.message ? x.message : x.code)).join('; '));
  };

  const open = findings.filter((f) => f.status === 'open').length;
  return (
    <Box p="lg" data-testid="chat-review-page">
      <Stack gap="md" maw={1100}>
        <Title order={3}>{tr('工作账号聊天审查', 'Work-channel review')}</Title>
        <Alert color="yellow" icon={<IconShieldLock size={18} />} title={tr('个人信息保护提示', 'Personal information notice (PIPL)')} data-testid="pipl-notice">
          {tr(
            '只能审查公司登记的工作账号。依《个人信息保护法》第十七条，对工作聊天的监控必须事先在员工已签收的《员工手册》中告知（处理目的、方式、范围和保存期限）；未事先告知的，不得进行审查。只扫描本人工作账号发出的消息，对方的消息不扫描。',
            'Only registered work accounts may be reviewed. Under PIPL art. 17, monitoring of work chats must have been disclosed beforehand in the handbook the employee signed (purpose, method, scope, retention); without that notice, do not review. Only messages sent from the work account are scanned; the other party’s messages are not.',
          )}
        </Alert>
        <Paper p="md" withBorder>
          <Stack gap="sm">
            <Group grow align="flex-end">
              <Select label={tr('员工（有工作账号）', 'Employee (with work accounts)')} data={withAccounts} value={employeeId} onChange={pickEmployee} searchable data-testid="chat-review-employee" />
              <Select label={tr('工作账号', 'Work account')} data={accounts} value={accountKey} onChange={setAccountKey} disabled={!employee} data-testid="chat-review-account" />
            </Group>
            <Group gap="xs">
              <Text size="sm">{tr('岗位关键词：', 'Role lists:')}</Text>
              <Chip.Group multiple value={roles} onChange={setRoles}>
                {rolesIn(keywords).map((r) => (
                  <Chip key={r} value={r} size="xs">
                    {ROLE_LABEL[r] ? tr(...ROLE_LABEL[r]) : r}
                  </Chip>
                ))}
              </Chip.Group>
              <Text size="xs" c="dimmed">
                {tr('（通用词表始终适用）', '(the general lists always apply)')}
              </Text>
            </Group>
            <Group gap="xs">
              <Text size="xs" c="dimmed" data-testid="chat-review-keywords">
                {config ? tr(`关键词表：${config.name}（第 ${config.config.version} 版）`, `Keyword lists: ${config.name} (version ${config.config.version})`) : tr('关键词表：系统默认', 'Keyword lists: built-in defaults')}
              </Text>
              <FileButton onChange={(f) => void onKeywordFile(f)} accept=".json,application/json" inputProps={{ 'data-testid': 'chat-review-keyword-file' } as object}>
                {(props) => (
                  <Button {...props} size="compact-xs" variant="subtle">
                    {tr('载入自定义关键词表（JSON）', 'Load own keyword lists (JSON)')}
                  </Button>
                )}
              </FileButton>
              {config && (
                <Button size="compact-xs" variant="subtle" color="gray" onClick={() => setConfig(null)}>
                  {tr('恢复默认', 'Use defaults')}
                </Button>
              )}
            </Group>
            {configProblems.length > 0 && (
              <Alert color="red" title={tr('关键词表有误，未载入', 'Keyword file not loaded')}>
                <List size="sm">
                  {configProblems.slice(0, 20).map((p, i) => (
                    <List.Item key={i}>
                      {p.path || tr('（文件）', '(file)')}: {p.message}
                    </List.Item>
                  ))}
                </List>
              </Alert>
            )}
            <Group>
              <FileButton onChange={(f) => void onFile(f)} accept=".csv,.json,.txt,text/csv,application/json,text/plain" inputProps={{ 'data-testid': 'chat-review-file' } as object}>
                {(props) => (
                  <Button {...props} leftSection={<IconFileImport size={16} />} loading={busy} disabled={!employee || !accountKey}>
                    {tr('导入聊天记录（CSV / JSON / TXT）', 'Import chat log (CSV / JSON / TXT)')}
                  </Button>
                )}
              </FileButton>
            </Group>
          </Stack>
        </Paper>

        {problem && <Alert color="red">{problem}</Alert>}
        {refusal && (
          <Alert color="red" icon={<IconAlertTriangle size={18} />} title={tr('未导入', 'Not imported')} data-testid="chat-review-refusal">
            {refusal.code === 'invalid-rows' ? (
              <>
                <Text size="sm">{tr('文件有错误，整份未导入：', 'The file has errors; nothing was imported:')}</Text>
                <List size="sm">
                  {refusal.errors.slice(0, 50).map((e, i) => (
                    <List.Item key={i}>
                      {tr(`第 ${e.row} 行`, `Row ${e.row}`)}
                      {e.field ? ` (${e.field})` : ''}: {e.message}
                    </List.Item>
                  ))}
                </List>
              </>
            ) : refusal.code === 'not-a-work-account' ? (
              tr('该账号不是此员工登记的工作账号，不能审查。', 'This is not a registered work account of the employee; it may not be reviewed.')
            ) : (
              tr('文件须为 .csv、.json 或 .txt', 'The file must be .csv, .json or .txt')
            )}
          </Alert>
        )}

        {result && (
          <Paper p="md" withBorder data-testid="chat-review-result">
            <Text size="sm">
              {tr(`${result.fileName}：扫描本人消息 ${result.scanned} 条，未扫描对方消息 ${result.notScanned} 条，发现 ${findings.length} 条（待审阅 ${open} 条）。`, `${result.fileName}: ${result.scanned} own messages scanned, ${result.notScanned} from others not scanned, ${findings.length} findings (${open} to review).`)}
            </Text>
            <Text size="xs" c="dimmed" ff="monospace">
              {tr('文件 SHA-256：', 'File SHA-256: ')}
              {result.fileSha256}
            </Text>
          </Paper>
        )}

        {findings.length > 0 && (
          <Table striped withTableBorder data-testid="chat-review-findings">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{tr('时间 / 会话', 'Time / chat')}</Table.Th>
                <Table.Th>{tr('原始消息', 'Original message')}</Table.Th>
                <Table.Th>{tr('命中', 'Matched')}</Table.Th>
                <Table.Th>{tr('审阅', 'Review')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {findings.map((f) => (
                <Table.Tr key={f.id} data-testid="chat-finding">
                  <Table.Td style={{ whiteSpace: 'nowrap', verticalAlign: 'top' }}>
                    <Text size="sm">{localDateTimeOf(f.sentAt)}</Text>
                    <Text size="xs" c="dimmed">
                      {f.conversation || '—'} · {tr(`第 ${f.row} 行`, `row ${f.row}`)}
                    </Text>
                  </Table.Td>
                  <Table.Td style={{ verticalAlign: 'top' }}>
                    <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                      {f.text}
                    </Text>
                    <Text size="xs" c="dimmed" ff="monospace" title={f.original}>
                      SHA-256 {f.originalSha256.slice(0, 16)}…
                    </Text>
                  </Table.Td>
                  <Table.Td style={{ verticalAlign: 'top' }}>
                    <Stack gap={4}>
                      {f.hits.map((h) => (
                        <Badge key={`${h.listId}-${h.keyword}`} color={SEVERITY_COLOR[h.severity]} variant="light" style={{ textTransform: 'none' }}>
                          {h.keyword} · {lang === 'en' ? h.label.en : h.label.zh}
                        </Badge>
                      ))}
                    </Stack>
                  </Table.Td>
                  <Table.Td style={{ verticalAlign: 'top', minWidth: 220 }}>
                    {f.status === 'open' ? (
                      <Stack gap={6}>
                        <Textarea size="xs" autosize minRows={1} placeholder={tr('备注（排除时必填）', 'Note (required to dismiss)')} value={notes[f.id] ?? ''} onChange={(e) => setNotes((n) => ({ ...n, [f.id]: e.currentTarget.value }))} />
                        <Group gap={6}>
                          <Button size="xs" color="red" variant="light" onClick={() => void decide(f, 'confirmed')} data-testid="finding-confirm">
                            {tr('确认违规', 'Confirm')}
                          </Button>
                          <Button size="xs" variant="default" onClick={() => void decide(f, 'dismissed')} data-testid="finding-dismiss">
                            {tr('排除', 'Dismiss')}
                          </Button>
                        </Group>
                      </Stack>
                    ) : (
                      <Stack gap={2}>
                        <Badge color={f.status === 'confirmed' ? 'red' : 'gray'} data-testid="finding-status">
                          {f.status === 'confirmed' ? tr('已确认', 'Confirmed') : tr('已排除', 'Dismissed')}
                        </Badge>
                        <Text size="xs" c="dimmed">
                          {f.reviewedBy} {f.reviewedAt ? localDateTimeOf(f.reviewedAt) : ''}
                        </Text>
                        {f.reviewNote && <Text size="xs">{f.reviewNote}</Text>}
                        {f.status === 'confirmed' &&
                          (attached[f.id] ? (
                            <Text size="xs" c="green" data-testid="finding-attached">
                              {tr(`已作为证据附加到案件 ${attached[f.id]}`, `Attached as evidence to case ${attached[f.id]}`)}
                            </Text>
                          ) : cases.length === 0 ? (
                            <Text size="xs" c="dimmed">
                              {tr('该员工没有进行中的案件', 'No open case for this employee')}
                            </Text>
                          ) : (
                            <Group gap={4} wrap="nowrap">
                              <Select size="xs" data={cases.map((c) => ({ value: c.id, label: `${templateOrNull(c)?.name[lang === 'en' ? 'en' : 'zh'] ?? c.templateId} · ${c.id}` }))} value={caseFor[f.id] ?? cases[0]!.id} onChange={(v) => setCaseFor((m) => ({ ...m, [f.id]: v }))} data-testid="finding-case" />
                              <Button size="xs" variant="light" onClick={() => void attach(f)} data-testid="finding-attach">
                                {tr('附加为证据', 'Attach')}
                              </Button>
                            </Group>
                          ))}
                      </Stack>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        {result && findings.length === 0 && <Text c="dimmed">{tr('未发现命中关键词的消息。', 'No message matched the keyword lists.')}</Text>}
      </Stack>
    </Box>
  );
}
