import { Alert, Badge, Box, Button, Chip, CloseButton, FileButton, Group, List, Paper, SegmentedControl, Select, Stack, Table, Tabs, Text, Textarea, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconDownload, IconFileImport, IconShieldLock } from '@tabler/icons-react';
import { useEffect, useMemo, useState } from 'react';
import type { CaseDoc } from '#shared/cases/case-doc';
import { effectiveKeywordLists, reviewCounts, reviewedFindings, type ChatReviewSetting, type FindingRow } from '#shared/review/review-records';
import { chatFileEvidenceEvent, findingEvidenceEvent, rolesIn, sha256OfBytes, statusOf, suggestRoles, type ReviewStatus } from '#shared/review/work-chat-review';
import { localDateTimeOf } from '#shared/time';
import { useRenshi } from '../../app/context.tsx';
import { useLanguage, useT } from '../../i18n/i18n.tsx';
import { useEmployees } from '../employees/use-employees.ts';
import { applyCaseEvent, listCases, templateOf } from '../cases/case-repository.ts';
import { useCustomTemplates } from '../cases/case-templates-store.ts';
import { useCaseContext } from '../cases/case-ui.ts';
import { download } from '../cases/evidence-export.ts';
import { decideChatFinding, importChatLog, loadChatFile, useChatDecisions, useChatReviews, useKeywordLists, type ImportOutcome } from './chat-review-store.ts';
import { KeywordListsPanel, SEVERITY_COLOR, useRoleLabel } from './keyword-lists-panel.tsx';

/**
 * Work-channel review (工作账号聊天审查): HR picks an employee and one of their registered work accounts,
 * imports that account's exported chat log, and works through the keyword findings, then or later, on this
 * terminal or another. Reviews (with the original file in the evidence store), decisions and HR's keyword
 * lists are settings documents (chat-review-store.ts), so they sync, survive restarts and are audited. A
 * confirmed finding goes to a case as evidence together with the original file.
 */
export function ChatReviewPage() {
  const { api } = useRenshi();
  const t = useT();
  const ctx = useCaseContext();
  const saved = useKeywordLists();
  const lists = useMemo(() => effectiveKeywordLists(saved ?? []), [saved]);
  const [tab, setTab] = useState<string | null>('review');
  return (
    <Box p="lg" data-testid="chat-review-page">
      <Stack gap="md" maw={1200}>
        <Title order={3}>{t('cr.title')}</Title>
        <Alert color="yellow" icon={<IconShieldLock size={18} />} title={t('cr.piplTitle')} data-testid="pipl-notice">
          {t('cr.pipl')}
        </Alert>
        <Tabs value={tab} onChange={setTab} keepMounted={false}>
          <Tabs.List>
            <Tabs.Tab value="review" data-testid="chat-review-tab-review">
              {t('cr.tabReview')}
            </Tabs.Tab>
            <Tabs.Tab value="lists" data-testid="chat-review-tab-lists">
              {t('cr.tabLists')}
            </Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="review" pt="md">
            <ReviewTab lists={lists} api={api} />
          </Tabs.Panel>
          <Tabs.Panel value="lists" pt="md">
            <KeywordListsPanel ctx={ctx} lists={lists} />
          </Tabs.Panel>
        </Tabs>
      </Stack>
    </Box>
  );
}

function ReviewTab({ lists, api }: { lists: ReturnType<typeof effectiveKeywordLists>; api: ReturnType<typeof useRenshi>['api'] }) {
  const t = useT();
  const [lang] = useLanguage();
  const roleLabel = useRoleLabel();
  const ctx = useCaseContext();
  const { employees } = useEmployees();
  const reviews = useChatReviews();
  const decisions = useChatDecisions();
  const [employeeId, setEmployeeId] = useState<string | null>(null);
  const [accountKey, setAccountKey] = useState<string | null>(null);
  const [roles, setRoles] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<ImportOutcome | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [status, setStatus] = useState<ReviewStatus | 'all'>('open');
  const [employeeFilter, setEmployeeFilter] = useState<string | null>(null);
  const [reviewFilter, setReviewFilter] = useState<string | null>(null);
  const [notes, setNotes] = useState<Record<string, string>>({});

  const config = useMemo(() => ({ lists: lists.map((e) => e.list) }), [lists]);
  const employee = employees.find((e) => e.id === employeeId) ?? null;
  const accounts = useMemo(() => (employee?.workAccounts ?? []).map((a) => ({ value: `${a.kind}:${a.account}`, label: `${a.kind} · ${a.account}${a.revokedAt ? t('cr.revoked') : ''}` })), [employee, t]);
  const withAccounts = useMemo(() => employees.filter((e) => e.workAccounts.length > 0).map((e) => ({ value: e.id, label: `${e.name}（${e.employeeNo}）${e.position ? ` · ${e.position}` : ''}` })), [employees]);

  const pickEmployee = (id: string | null) => {
    setEmployeeId(id);
    const e = employees.find((x) => x.id === id);
    setAccountKey(e?.workAccounts[0] ? `${e.workAccounts[0].kind}:${e.workAccounts[0].account}` : null);
    setRoles(suggestRoles(e?.position ?? ''));
    setOutcome(null);
  };

  const onFile = async (file: File | null) => {
    if (!file || !employee || !accountKey) return;
    setBusy(true);
    setProblem(null);
    try {
      const [kind, ...rest] = accountKey.split(':');
      const account = { kind: kind as 'wecom', account: rest.join(':') };
      const r = await importChatLog(ctx, api, { file, employee, account, roles, config });
      setOutcome(r);
      if (r.ok) {
        setReviewFilter(r.review.id);
        setStatus('all');
      }
    } catch (err) {
      setProblem(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  const reviewById = useMemo(() => new Map((reviews ?? []).map((r) => [r.id, r])), [reviews]);
  const rows = useMemo(() => reviewedFindings(reviews ?? [], decisions ?? [], { status, employeeId: employeeFilter, reviewId: reviewFilter }), [reviews, decisions, status, employeeFilter, reviewFilter]);
  const reviewedEmployees = useMemo(() => {
    const seen = new Map<string, string>();
    for (const r of reviews ?? []) seen.set(r.review.employeeId, r.review.employeeName);
    return [...seen].map(([value, label]) => ({ value, label }));
  }, [reviews]);

  const decide = async (f: FindingRow, decision: 'confirmed' | 'dismissed') => {
    setProblem(null);
    const review = reviewById.get(f.reviewId);
    if (!review) return;
    try {
      await decideChatFinding(ctx, f, review, { status: decision, note: notes[f.id] ?? '' });
    } catch (err) {
      setProblem(err instanceof RangeError && /why/.test(err.message) ? t('cr.dismissNeedsNote') : err instanceof Error ? err.message : String(err));
    }
  };

  const downloadOriginal = async (r: ChatReviewSetting) => {
    try {
      const bytes = await loadChatFile(api, r.review.file.sha256);
      // Main checked the bytes against their name already; checked here again because this is the copy HR hands on.
      if ((await sha256OfBytes(bytes)) !== r.review.file.sha256) return notifications.show({ color: 'red', message: t('cr.downloadMismatch') });
      download(new Blob([bytes as Uint8Array<ArrayBuffer>]), r.review.file.name);
      notifications.show({ color: 'green', message: t('cr.downloadChecked') });
    } catch (err) {
      notifications.show({ color: 'yellow', message: err instanceof Error && /no file/.test(err.message) ? t('cr.downloadMissing') : String(err) });
    }
  };

  // Open cases of the reviewed employees, for attaching confirmed findings as evidence.
  const [cases, setCases] = useState<CaseDoc[]>([]);
  const [caseFor, setCaseFor] = useState<Record<string, string | null>>({});
  const [casesVersion, setCasesVersion] = useState(0);
  useEffect(() => {
    let live = true;
    listCases(ctx)
      .then((all) => live && setCases(all.filter((c) => c.status === 'open')))
      .catch(() => live && setCases([]));
    return () => {
      live = false;
    };
  }, [ctx, casesVersion, reviews?.length]);
  const customs = useCustomTemplates();
  const templateOrNull = (c: CaseDoc) => {
    try {
      return templateOf(c, customs ?? []);
    } catch {
      return null; // a template this terminal does not have
    }
  };
  const attachedCase = (f: FindingRow) => cases.find((c) => c.evidence.some((e) => e.id === `${f.id}-${c.id}`.slice(0, 100)))?.id ?? null;

  const attach = async (f: FindingRow, caseOptions: CaseDoc[]) => {
    const c = caseOptions.find((x) => x.id === (caseFor[f.id] ?? caseOptions[0]?.id));
    if (!c) return;
    setProblem(null);
    // Collected for the first undecided step that asks for a violation record, if the template has one.
    const step = templateOrNull(c)?.steps.find((st) => st.evidence.some((e) => e.kind === 'violation-record') && !['done', 'skipped', 'overridden'].includes(c.steps.find((x) => x.id === st.id)?.state ?? ''));
    const file = await applyCaseEvent(ctx, c.id, chatFileEvidenceEvent(f, { caseId: c.id, stepId: step?.id ?? null }));
    const r = file.ok ? await applyCaseEvent(ctx, c.id, findingEvidenceEvent(f, { id: `${f.id}-${c.id}`.slice(0, 100), stepId: step?.id ?? null })) : file;
    if (!r.ok) setProblem(r.reasons.map((x) => ('message' in x && x.message ? x.message : x.code)).join('; '));
    setCasesVersion((v) => v + 1);
  };

  const refusalText = (r: Exclude<ImportOutcome, { ok: true }>['refusal']) => {
    switch (r.code) {
      case 'not-a-work-account':
        return t('cr.refuseNotWork', { account: r.account });
      case 'account-mismatch':
        return t('cr.refuseMismatch', { account: r.account });
      case 'no-own-messages':
        return t('cr.refuseNoOwn');
      case 'unknown-format':
        return t('cr.refuseFormat');
      case 'too-large':
        return t('cr.refuseTooLarge');
      case 'invalid-rows':
        return null;
    }
  };

  const counts = { builtIn: lists.filter((e) => e.source === 'built-in').length, adapted: lists.filter((e) => e.source === 'adapted').length, own: lists.filter((e) => e.source === 'own').length };
  const imported = outcome?.ok ? outcome.review : null;
  const importedCounts = imported ? reviewCounts(imported, decisions ?? []) : null;
  const sortedReviews = [...(reviews ?? [])].sort((a, b) => b.review.importedAt - a.review.importedAt);
  return (
    <Stack gap="md">
      <Paper p="md" withBorder>
        <Stack gap="sm">
          <Group grow align="flex-end">
            <Select label={t('cr.employee')} data={withAccounts} value={employeeId} onChange={pickEmployee} searchable data-testid="chat-review-employee" />
            <Select label={t('cr.account')} data={accounts} value={accountKey} onChange={setAccountKey} disabled={!employee} data-testid="chat-review-account" />
          </Group>
          <Group gap="xs">
            <Text size="sm">{t('cr.roles')}</Text>
            <Chip.Group multiple value={roles} onChange={setRoles}>
              {rolesIn(config).map((r) => (
                <Chip key={r} value={r} size="xs" data-testid={`chat-review-role-${r}`}>
                  {roleLabel(r)}
                </Chip>
              ))}
            </Chip.Group>
            <Text size="xs" c="dimmed">
              {t('cr.rolesHint')}
            </Text>
          </Group>
          <Text size="xs" c="dimmed" data-testid="chat-review-keywords">
            {t('cr.keywordsInUse', { total: lists.length, ...counts })}
          </Text>
          <Group>
            <FileButton onChange={(f) => void onFile(f)} accept=".csv,.json,.txt,text/csv,application/json,text/plain" inputProps={{ 'data-testid': 'chat-review-file' } as object}>
              {(props) => (
                <Button {...props} leftSection={<IconFileImport size={16} />} loading={busy} disabled={!employee || !accountKey}>
                  {t('cr.import')}
                </Button>
              )}
            </FileButton>
            <Text size="xs" c="dimmed">
              {t('cr.importHint')}
            </Text>
          </Group>
        </Stack>
      </Paper>

      {problem && (
        <Alert color="red" data-testid="chat-review-problem">
          {problem}
        </Alert>
      )}
      {outcome && !outcome.ok && (
        <Alert color="red" icon={<IconAlertTriangle size={18} />} title={t('cr.notImported')} data-testid="chat-review-refusal">
          {outcome.refusal.code === 'invalid-rows' ? (
            <>
              <Text size="sm">{t('cr.invalidRows')}</Text>
              <List size="sm">
                {outcome.refusal.errors.slice(0, 50).map((e, i) => (
                  <List.Item key={i}>
                    {t('cr.row', { row: e.row })}
                    {e.field ? ` (${e.field})` : ''}: {e.message}
                  </List.Item>
                ))}
              </List>
            </>
          ) : (
            <Text size="sm">{refusalText(outcome.refusal)}</Text>
          )}
        </Alert>
      )}
      {imported && importedCounts && (
        <Paper p="md" withBorder data-testid="chat-review-result">
          <Text size="sm">{t('cr.result', { file: imported.review.file.name, scanned: imported.review.scanned, notScanned: imported.review.notScanned, findings: imported.findings.length, open: importedCounts.open })}</Text>
          {outcome?.ok && outcome.existed && (
            <Text size="xs" c="blue">
              {t('cr.resultExisted')}
            </Text>
          )}
          <Text size="xs" c="dimmed" ff="monospace" data-testid="chat-review-file-sha">
            {t('cr.fileSha')}
            {imported.review.file.sha256}
          </Text>
          <Text size="xs" c="dimmed">
            {outcome?.ok && outcome.uploaded ? t('cr.uploaded') : t('cr.pendingUpload')}
          </Text>
        </Paper>
      )}

      <Paper p="md" withBorder>
        <Stack gap="xs">
          <Text fw={600}>{t('cr.reviews')}</Text>
          {sortedReviews.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('cr.noReviews')}
            </Text>
          ) : (
            <Table striped data-testid="chat-review-reviews">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('cr.colImported')}</Table.Th>
                  <Table.Th>{t('cr.colEmployee')}</Table.Th>
                  <Table.Th>{t('cr.colFile')}</Table.Th>
                  <Table.Th>{t('cr.colCounts')}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {sortedReviews.map((r) => {
                  const c = reviewCounts(r, decisions ?? []);
                  return (
                    <Table.Tr key={r.id} data-testid="chat-review-row" bg={reviewFilter === r.id ? 'var(--mantine-color-blue-light)' : undefined}>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>
                        <Text size="sm">{localDateTimeOf(r.review.importedAt)}</Text>
                        <Text size="xs" c="dimmed">
                          {t('cr.importedBy', { who: r.review.importedBy })}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{r.review.employeeName}</Text>
                        <Text size="xs" c="dimmed">
                          {r.review.account.kind} · {r.review.account.account}
                          {r.review.roles.length ? ` · ${r.review.roles.map(roleLabel).join('、')}` : ''}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">
                          {r.review.file.name}{' '}
                          <Badge size="xs" variant="outline" style={{ textTransform: 'none' }}>
                            {r.review.file.format.toUpperCase()} · {r.review.file.encoding.toUpperCase()}
                          </Badge>
                        </Text>
                        <Text size="xs" c="dimmed" ff="monospace" title={r.review.file.sha256}>
                          SHA-256 {r.review.file.sha256.slice(0, 16)}…
                        </Text>
                      </Table.Td>
                      <Table.Td>{t('cr.counts', { scanned: r.review.scanned, findings: r.findings.length, open: c.open })}</Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>
                        <Group gap={4} wrap="nowrap">
                          <Button size="compact-xs" variant="light" onClick={() => (setReviewFilter(r.id), setStatus('all'))} data-testid="review-show">
                            {t('cr.showFindings')}
                          </Button>
                          <Button size="compact-xs" variant="subtle" leftSection={<IconDownload size={12} />} onClick={() => void downloadOriginal(r)} data-testid="review-download">
                            {t('cr.download')}
                          </Button>
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          )}
        </Stack>
      </Paper>

      <Paper p="md" withBorder data-testid="chat-review-findings-panel">
        <Stack gap="sm">
          <Group justify="space-between" align="flex-end">
            <Text fw={600}>{t('cr.findings')}</Text>
            <Group gap="sm" align="flex-end">
              {reviewFilter && reviewById.get(reviewFilter) && (
                <Badge variant="light" size="lg" style={{ textTransform: 'none' }} rightSection={<CloseButton size="xs" aria-label={t('cr.clearReview')} onClick={() => setReviewFilter(null)} data-testid="finding-filter-review-clear" />} data-testid="finding-filter-review">
                  {t('cr.onlyReview', { file: reviewById.get(reviewFilter)!.review.file.name })}
                </Badge>
              )}
              <Select size="xs" label={t('cr.filterEmployee')} placeholder={t('cr.allEmployees')} data={reviewedEmployees} value={employeeFilter} onChange={setEmployeeFilter} clearable w={180} data-testid="finding-filter-employee" />
              <SegmentedControl
                size="xs"
                value={status}
                onChange={(v) => setStatus(v as ReviewStatus | 'all')}
                data={[
                  { value: 'open', label: t('cr.statusOpen') },
                  { value: 'confirmed', label: t('cr.statusConfirmed') },
                  { value: 'dismissed', label: t('cr.statusDismissed') },
                  { value: 'all', label: t('cr.statusAll') },
                ]}
                data-testid="finding-filter-status"
              />
            </Group>
          </Group>
          {rows.length === 0 ? (
            <Text c="dimmed" size="sm" data-testid="chat-review-no-findings">
              {reviewFilter && reviewById.get(reviewFilter)?.findings.length === 0 ? t('cr.noMatches') : t('cr.noFindings')}
            </Text>
          ) : (
            <Table striped withTableBorder data-testid="chat-review-findings">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('cr.colTime')}</Table.Th>
                  <Table.Th>{t('cr.colOriginal')}</Table.Th>
                  <Table.Th>{t('cr.colMatched')}</Table.Th>
                  <Table.Th>{t('cr.colReview')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((f) => {
                  const s = statusOf(f);
                  const options = cases.filter((c) => c.subjectEmployeeId === f.employeeId);
                  const attached = attachedCase(f);
                  return (
                    <Table.Tr key={f.id} data-testid="chat-finding">
                      <Table.Td style={{ whiteSpace: 'nowrap', verticalAlign: 'top' }}>
                        <Text size="sm">{localDateTimeOf(f.sentAt)}</Text>
                        <Text size="xs" c="dimmed">
                          {f.employeeName} · {f.account.account}
                        </Text>
                        <Text size="xs" c="dimmed">
                          {f.conversation || '—'} · {t('cr.row', { row: f.row })}
                        </Text>
                      </Table.Td>
                      <Table.Td style={{ verticalAlign: 'top' }}>
                        <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                          {f.text}
                        </Text>
                        <Text size="xs" c="dimmed" ff="monospace" title={f.original} data-testid="finding-sha">
                          SHA-256 {f.originalSha256.slice(0, 16)}…
                        </Text>
                      </Table.Td>
                      <Table.Td style={{ verticalAlign: 'top' }}>
                        <Stack gap={4}>
                          {f.hits.map((h) => (
                            <Badge key={`${h.listId}-${h.keyword}`} color={SEVERITY_COLOR[h.severity]} variant="light" style={{ textTransform: 'none' }} title={`${h.listId} · ${roleLabel(h.role)}`}>
                              {h.keyword} · {lang === 'en' ? h.label.en : h.label.zh} · {roleLabel(h.role)}
                            </Badge>
                          ))}
                        </Stack>
                      </Table.Td>
                      <Table.Td style={{ verticalAlign: 'top', minWidth: 240 }}>
                        {s === 'open' ? (
                          <Stack gap={6}>
                            <Textarea size="xs" autosize minRows={1} placeholder={t('cr.notePlaceholder')} value={notes[f.id] ?? ''} onChange={(e) => setNotes((n) => ({ ...n, [f.id]: e.currentTarget.value }))} data-testid="finding-note" />
                            <Group gap={6}>
                              <Button size="xs" color="red" variant="light" onClick={() => void decide(f, 'confirmed')} data-testid="finding-confirm">
                                {t('cr.confirm')}
                              </Button>
                              <Button size="xs" variant="default" onClick={() => void decide(f, 'dismissed')} data-testid="finding-dismiss">
                                {t('cr.dismiss')}
                              </Button>
                            </Group>
                          </Stack>
                        ) : (
                          <Stack gap={2}>
                            <Badge color={s === 'confirmed' ? 'red' : 'gray'} data-testid="finding-status">
                              {s === 'confirmed' ? t('cr.statusConfirmed') : t('cr.statusDismissed')}
                            </Badge>
                            <Text size="xs" c="dimmed" data-testid="finding-decided-by">
                              {t('cr.decidedBy', { who: f.decision!.by, when: localDateTimeOf(f.decision!.at) })}
                            </Text>
                            {f.decision!.note && (
                              <Text size="xs" data-testid="finding-decision-note">
                                {f.decision!.note}
                              </Text>
                            )}
                            {s === 'confirmed' &&
                              (attached ? (
                                <Text size="xs" c="green" data-testid="finding-attached">
                                  {t('cr.attachedTo', { case: attached })}
                                </Text>
                              ) : options.length === 0 ? (
                                <Text size="xs" c="dimmed">
                                  {t('cr.noOpenCase')}
                                </Text>
                              ) : (
                                <Group gap={4} wrap="nowrap">
                                  <Select size="xs" data={options.map((c) => ({ value: c.id, label: `${templateOrNull(c)?.name[lang === 'en' ? 'en' : 'zh'] ?? c.templateId} · ${c.id}` }))} value={caseFor[f.id] ?? options[0]!.id} onChange={(v) => setCaseFor((m) => ({ ...m, [f.id]: v }))} data-testid="finding-case" />
                                  <Button size="xs" variant="light" onClick={() => void attach(f, options)} data-testid="finding-attach">
                                    {t('cr.attach')}
                                  </Button>
                                </Group>
                              ))}
                          </Stack>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          )}
        </Stack>
      </Paper>
    </Stack>
  );
}
