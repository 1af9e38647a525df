import { Alert, Badge, Box, Button, Checkbox, FileInput, Group, Modal, NumberInput, Paper, SimpleGrid, Stack, Text, TextInput, Textarea, Timeline } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useEffect, useMemo, useRef, useState } from 'react';
import { findCaseTemplate } from '#shared/cases/custom-template';
import { CaseDoc, DECIDED, currentFact, type CaseStep } from '#shared/cases/case-doc';
import { whatIsMissing, type CaseEventInput, type CaseRefusalReason, type StepBlocker } from '#shared/cases/case-engine';
import { describeReason } from '#shared/cases/case-messages';
import { citedArticles, type CaseTemplate, type StepTemplate } from '#shared/cases/case-template';
import { maxLossDeduction, type WageHoldWarning } from '#shared/cases/termination-pay';
import { sameTeacherStatus, teacherStatusOf } from '#shared/cases/teacher-status';
import { newId } from '#shared/ids';
import { useRenshi } from '../../app/context.tsx';
import { navigate } from '../../app/router.ts';
import { Section } from '../../components/section.tsx';
import { formatDateTime, formatYuan, today } from '../../components/format.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { useObservable } from '../../components/use-observable.ts';
import { stripMeta } from '../../db/records.ts';
import { useEmployee } from '../employees/use-employees.ts';
import { applyCaseEvent, revokeWorkAccount, viewCase } from './case-repository.ts';
import { useCustomTemplates } from './case-templates-store.ts';
import { AgreedAddressCheck } from './agreed-address.tsx';
import { agreedAddressesOf } from '#shared/cases/delivery-address';
import type { AgreedDeliveryAddresses, Employee } from '#shared/schemas/employee';
import { isAttachedFile } from '#shared/evidence/bundle-contents';
import { downloadEvidenceFile, storeEvidenceFile, useCaseContext, useIdentityKnown, useTr } from './case-ui.ts';
import { CaseStatusBadge } from './cases-page.tsx';
import { CitedArticles, StepLaw } from './law-library.tsx';
import { ElectronicDelivery } from './electronic-delivery.tsx';
import { CasePeople } from './case-people.tsx';
import { OriginCase } from './origin-case.tsx';
import { useDeliveryClient } from './delivery-client.ts';
import { PaperNoticeDialog } from './paper-delivery.tsx';
import { CaseViewLog } from './case-view-log.tsx';
import { exportEvidenceBundle } from './evidence-export.ts';
import { useSync } from '../../sync/sync-provider.tsx';
import { useT, type MessageKey, type Translate } from '../../i18n/i18n.tsx';
import { ClassReassignment } from './class-reassignment.tsx';
import { MoneyPanel } from './offboarding-money.tsx';

type Dialog = { kind: 'override' | 'skip'; stepId: string } | { kind: 'evidence'; stepId: string; evidenceKind: string; personId?: string } | { kind: 'notice' } | { kind: 'close' } | null;

/**
 * One case: its steps with state and what is missing (blocked steps list their reasons), the evidence,
 * approvals, checklist, notices, money and timeline, and the law cited. Opening a restricted case is refused
 * without access and audited as a view (viewCase) before anything is shown.
 */
export function CaseDetail({ id }: { id: string }) {
  const { tr, label, zh } = useTr();
  const translate = useT();
  const ctx = useCaseContext();
  const { db, api, audit, actor } = useRenshi();
  const { status } = useSync();
  const delivery = useDeliveryClient();
  const [exporting, setExporting] = useState(false);
  // Evidence files that could not be uploaded when attached go up when the connection comes back (main
  // also retries on every attach and export).
  const online = status?.online ?? false;
  useEffect(() => {
    if (online) void api.evidenceFilesUpload({}).catch(() => undefined);
  }, [online, api]);
  const [allowed, setAllowed] = useState<boolean | null>(null);
  // Checked as the signed-in user: before the sync session is known the actor would be the local operator,
  // refused a restricted case the user is on (and the view audited under the wrong name).
  const identityKnown = useIdentityKnown();
  useEffect(() => {
    if (!identityKnown) return;
    let cancelled = false;
    viewCase(ctx, id)
      .then((d) => !cancelled && setAllowed(d !== null))
      .catch(() => !cancelled && setAllowed(false));
    return () => {
      cancelled = true;
    };
    // One audited view per opening of the screen (and per signed-in user), not per re-render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id, identityKnown, ctx.actor]);
  const raw = useObservable(() => db.cases.findOne(id).$, [db, id]);
  const doc = useMemo(() => (raw ? CaseDoc.parse(stripMeta(raw.toMutableJSON() as Record<string, unknown>)) : null), [raw]);
  const [now, setNow] = useState(Date.now());
  useEffect(() => setNow(Date.now()), [doc]);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [problems, setProblems] = useState<string[]>([]);
  const [warning, setWarning] = useState<WageHoldWarning | null>(null);
  const { employee } = useEmployee(doc?.subjectEmployeeId ?? '');
  const customs = useCustomTemplates();
  useTeacherStatusFromRecord(doc, employee, customs);

  if (allowed === false) return <Alert m="lg" color="red" data-testid="case-forbidden">{tr('无权查看此案件（受限案件仅对案件相关人员开放）', 'You have no access to this case (restricted to the people on it)')}</Alert>;
  if (!doc || allowed === null || customs === undefined) return <Text p="lg">…</Text>;
  const found = findCaseTemplate(customs, doc.templateId, doc.templateVersion);
  if (!found) {
    return <Alert m="lg" color="yellow" data-testid="case-template-unknown">{tr(`本终端没有案件模板「${doc.templateId}」v${doc.templateVersion}：请等待同步完成，或更新程序。`, `This terminal does not know the case template "${doc.templateId}" v${doc.templateVersion}: wait for sync to finish, or update the app.`)}</Alert>;
  }
  const template: CaseTemplate = found;
  const missing = new Map(whatIsMissing(doc, template, now).map((m) => [m.stepId, m]));
  const lang = zh ? 'zh' : 'en';

  async function send(event: CaseEventInput): Promise<boolean> {
    const r = await applyCaseEvent(ctx, id, event);
    if (r.ok) {
      setProblems([]);
      return true;
    }
    const wage = r.reasons.find((x): x is Extract<CaseRefusalReason, { code: 'final-wages-never-held' }> => x.code === 'final-wages-never-held');
    if (wage) setWarning(wage.warning);
    setProblems(r.reasons.filter((x) => x !== wage).map((x) => blockerText(x, template, doc!, lang)));
    return false;
  }

  const open = doc.status === 'open';
  const hasMoney = template.steps.some((s) => s.finalWages || s.releasesCompensation);
  const needsDate = template.steps.some((s) => s.rules.includes('termination-date-recorded') || s.finalWages);
  const deduction = template.steps.some((s) => s.rules.includes('loss-deduction-within-cap'));

  async function exportBundle(caseDoc: CaseDoc, tpl: CaseTemplate) {
    setExporting(true);
    try {
      const r = await exportEvidenceBundle({ db, audit, actor, api }, caseDoc, tpl, delivery, employee?.name ?? null);
      notifications.show({ title: tr('证据包已导出', 'Evidence bundle exported'), message: <Text size="xs" style={{ wordBreak: 'break-all' }} data-testid="evidence-export-hash">{tr('清单哈希', 'Manifest hash')} {r.manifestHash}</Text>, color: 'green', autoClose: 15_000 });
    } catch (err) {
      notifications.show({ title: tr('导出失败', 'Export failed'), message: err instanceof Error ? err.message : String(err), color: 'red' });
    } finally {
      setExporting(false);
    }
  }

  return (
    <Box p="lg" data-testid="case-detail">
      <PageHeader
        before={
          <Text size="xs" c="blue" style={{ cursor: 'pointer' }} onClick={() => navigate('/cases')}>
            ← {tr('全部案件', 'All cases')}
          </Text>
        }
        title={
          <Group gap="xs">
            {label(template.name)} · {employee ? `${employee.name}（${employee.employeeNo}）` : doc.subjectEmployeeId} <CaseStatusBadge status={doc.status} />
            {doc.categoryCode && (
              <Badge variant="outline" color="grape" data-testid="case-category">
                {doc.categoryCode} {label(template.categories.find((c) => c.code === doc.categoryCode)?.label)}
              </Badge>
            )}
          </Group>
        }
        subtitle={label(template.description)}
        actions={
          <Group gap="xs">
            <Button variant="light" loading={exporting} onClick={() => void exportBundle(doc, template)} data-testid="evidence-export">
              {tr('导出证据包', 'Export evidence bundle')}
            </Button>
            {open && (
              <Button variant="default" onClick={() => setDialog({ kind: 'close' })} data-testid="case-close">
                {tr('办结案件', 'Close case')}
              </Button>
            )}
          </Group>
        }
      />
      {template.internalStatus && template.statusNote && (
        <Alert color="yellow" mb="md" data-testid="case-status-note">
          {label(template.statusNote)}
        </Alert>
      )}
      {problems.length > 0 && (
        <Alert color="red" mb="md" withCloseButton onClose={() => setProblems([])} data-testid="case-problems">
          {problems.map((p) => (
            <Text key={p} size="sm">
              {p}
            </Text>
          ))}
        </Alert>
      )}
      <Stack>
        {needsDate && open && <TerminationDate doc={doc} onSave={(date) => send({ type: 'record_termination_date', id: newId(), date })} />}
        {hasMoney && <MoneyPanel doc={doc} template={template} now={now} employee={employee} open={open} send={send} onHold={() => void send({ type: 'hold_final_wages', reason: 'hold requested from the money panel' })} />}
        {deduction && <DeductionPanel doc={doc} open={open} onSave={(d) => send({ type: 'record_deduction', id: newId(), deduction: d })} />}

        {doc.originCaseId && <OriginCase id={doc.originCaseId} />}
        <Section title={tr('步骤', 'Steps')} testId="case-steps">
          <Stack gap="sm">
            {template.steps.map((st) => (
              <StepCard
                key={st.id}
                doc={doc}
                st={st}
                step={doc.steps.find((s) => s.id === st.id)!}
                blockers={missing.get(st.id)?.blockers.map((b) => blockerText(b, template, doc, lang)) ?? []}
                overdueSince={missing.get(st.id)?.overdueSince ?? null}
                open={open}
                roles={ctx.roles}
                send={send}
                onDialog={setDialog}
                onRevoke={async (itemId) => {
                  const r = await revokeWorkAccount(ctx, id, { stepId: st.id, itemId, kind: ['wecom', 'wechat', 'email', 'oa', 'crm'].includes(itemId) ? itemId : null });
                  if (!r.ok) setProblems(r.reasons.map((x) => describeReason(x, lang)));
                }}
                workAccounts={employee?.workAccounts ?? []}
                agreed={agreedAddressesOf(employee)}
                subject={employee}
              />
            ))}
          </Stack>
        </Section>

        {(doc.restricted || doc.participants.length > 1 || template.participantRoles.some((r) => r === 'witness')) && (
          <CasePeople
            doc={doc}
            template={template}
            send={send}
            onInterview={(personId) => setDialog({ kind: 'evidence', stepId: template.steps.find((s) => s.evidence.some((e) => e.kind === 'interview'))?.id ?? template.steps[0]!.id, evidenceKind: 'interview', personId })}
          />
        )}
        <ElectronicDelivery doc={doc} template={template} send={send} employee={employee} />

        <SimpleGrid cols={{ base: 1, md: 2 }}>
          <Section
            title={tr('通知与送达', 'Notices and delivery')}
            testId="case-notices"
            extra={
              open && (
                <Button size="xs" variant="light" onClick={() => setDialog({ kind: 'notice' })} data-testid="notice-record">
                  {tr('登记纸质/EMS送达', 'Record paper / EMS delivery')}
                </Button>
              )
            }
          >
            {doc.notices.length === 0 ? (
              <Text size="sm" c="dimmed">{tr('尚无通知', 'No notices yet')}</Text>
            ) : (
              <Stack gap={6}>
                {doc.notices.map((n) => (
                  <Paper key={n.id} withBorder p="xs" data-testid="notice-row">
                    <Text size="sm" fw={500}>
                      {n.kind} · {n.channel} · {n.recipient}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {tr('发送', 'Sent')} {formatDateTime(n.sentAt)} · {tr('送达', 'Delivered')} {n.deliveredAt ? formatDateTime(n.deliveredAt) : '—'} · {tr('确认', 'Acknowledged')} {n.acknowledgedAt ? formatDateTime(n.acknowledgedAt) : '—'}
                    </Text>
                  </Paper>
                ))}
              </Stack>
            )}
          </Section>
          <Section title={tr('证据', 'Evidence')} testId="case-evidence">
            {doc.evidence.length === 0 ? (
              <Text size="sm" c="dimmed">{tr('尚无证据', 'No evidence yet')}</Text>
            ) : (
              <Stack gap={6}>
                {doc.evidence.map((e) => (
                  <Paper key={e.id} withBorder p="xs" data-testid="evidence-row">
                    <Text size="sm">
                      <Badge size="xs" variant="light" mr={6} style={{ textTransform: 'none' }}>{label(template.steps.flatMap((x) => x.evidence).find((x) => x.kind === e.kind)?.label) || e.kind}</Badge>
                      {e.personId && <Badge size="xs" variant="outline" mr={6} style={{ textTransform: 'none' }}>{doc.participants.find((p) => p.personId === e.personId)?.name || e.personId}</Badge>}
                      {e.description}
                    </Text>
                    <Text size="xs" c="dimmed" style={{ wordBreak: 'break-all' }}>
                      {e.addedBy} · {formatDateTime(e.addedAt)}
                      {e.document?.ref ? ` · ${e.document.ref}` : ''}
                      {e.document?.sha256 ? ` · SHA-256 ${e.document.sha256}` : ''}
                    </Text>
                    {isAttachedFile(e) && (
                      <Button
                        size="compact-xs"
                        variant="subtle"
                        data-testid="evidence-file-download"
                        onClick={() =>
                          void downloadEvidenceFile(api, e.document!.sha256!, e.document!.ref!)
                            .then((found) => !found && notifications.show({ color: 'yellow', message: tr('本终端和同步服务器上都没有这个文件', 'Neither this terminal nor the sync server has this file') }))
                            .catch((err: unknown) => notifications.show({ color: 'red', message: err instanceof Error ? err.message : String(err) }))
                        }
                      >
                        {tr('下载原件', 'Download file')}
                      </Button>
                    )}
                  </Paper>
                ))}
              </Stack>
            )}
          </Section>
        </SimpleGrid>

        <SimpleGrid cols={{ base: 1, md: 2 }}>
          <Section title={tr('时间线', 'Timeline')} testId="case-timeline">
            <Timeline bulletSize={12} lineWidth={2}>
              {doc.timeline.map((t) => (
                <Timeline.Item key={t.id} color={t.flagged ? 'red' : 'blue'} title={<Text size="sm">{eventName(t.type, zh, translate)}{t.stepId ? ` · ${label(template.steps.find((s) => s.id === t.stepId)?.title)}` : ''}{t.flagged ? ` ⚑ ${FIGURE_EVENTS.has(t.type) ? translate('ob.flagAdjusted') : tr('HR放行', 'HR override')}` : ''}</Text>}>
                  <Text size="xs" c="dimmed">
                    {formatDateTime(t.at)} · {t.by} {t.detail && `· ${t.detail}`}
                  </Text>
                </Timeline.Item>
              ))}
            </Timeline>
          </Section>
          <Section title={tr('法律依据', 'Law cited')} testId="case-law">
            <CitedArticles ids={citedArticles(template)} />
          </Section>
        </SimpleGrid>
        <CaseViewLog doc={doc} />
      </Stack>

      {dialog?.kind === 'notice' ? <PaperNoticeDialog doc={doc} template={template} send={send} employee={employee} onClose={() => setDialog(null)} /> : <ReasonDialog dialog={dialog} onClose={() => setDialog(null)} send={send} template={template} />}
      <Modal opened={warning !== null} onClose={() => setWarning(null)} title={tr('不得扣押离职工资', 'Final wages may not be held')} data-testid="wage-hold-warning">
        <Alert color="red">{warning ? (zh ? warning.zh : warning.en) : tr('离职工资必须在解除或终止之日一次付清。', 'Final wages are due in full on the termination date.')}</Alert>
      </Modal>
    </Box>
  );
}

const EVENT_NAMES: Record<string, [string, string]> = {
  opened: ['开启案件', 'opened'],
  add_participant: ['添加相关人员', 'participant added'],
  add_evidence: ['添加证据', 'evidence added'],
  record_notice: ['发出通知', 'notice sent'],
  notice_delivery: ['送达/签收', 'delivered / acknowledged'],
  approve: ['审批', 'approval'],
  add_checklist_item: ['新增交接项', 'checklist item added'],
  check_item: ['交接项', 'checklist item'],
  record_termination_date: ['记录解除日期', 'termination date'],
  record_deduction: ['记录扣款', 'deduction recorded'],
  complete_step: ['完成步骤', 'step completed'],
  skip_step: ['跳过步骤', 'step skipped'],
  override_step: ['HR放行', 'HR override'],
  grant_access: ['授权查看', 'access granted'],
  revoke_access: ['撤销权限', 'access revoked'],
  close_case: ['办结', 'closed'],
  cancel_case: ['撤销案件', 'cancelled'],
};
/** Events whose flag means HR used another figure than the records' (not a step override). */
const FIGURE_EVENTS: ReadonlySet<string> = new Set(['record_final_wage', 'record_compensation']);
const OWN_EVENT_NAMES: ReadonlySet<string> = new Set(['record_teacher_status', ...FIGURE_EVENTS]);
const eventName = (type: string, zh: boolean, t: Translate) => EVENT_NAMES[type]?.[zh ? 0 : 1] ?? (OWN_EVENT_NAMES.has(type) ? t(`ob.event.${type}` as MessageKey) : type);

/**
 * Whether the subject teaches is read from the employee record (teacher-status.ts) and kept on the case, so
 * the class step is derived the same way on every replica and on the server. Recorded when the case has such
 * a step still open and the record says something else than the case (or the case has nothing yet).
 */
function useTeacherStatusFromRecord(doc: CaseDoc | null, employee: Employee | null, customs: ReturnType<typeof useCustomTemplates>) {
  const ctx = useCaseContext();
  const sent = useRef<string | null>(null);
  const template = doc && customs ? findCaseTemplate(customs, doc.templateId, doc.templateVersion) : undefined;
  const step = template?.steps.find((s) => s.reassignsClasses);
  const undecided = step !== undefined && doc !== null && doc.status === 'open' && !DECIDED.has(doc.steps.find((s) => s.id === step.id)?.state ?? 'pending');
  const onFile = employee && undecided ? teacherStatusOf(employee) : null;
  const current = doc ? currentFact(doc, 'subject-teacher') : null;
  const key = onFile && doc && !(current && sameTeacherStatus(current, onFile)) ? `${doc.id}|${JSON.stringify(onFile)}` : null;
  useEffect(() => {
    // Once per case and record state, so a refused or slow write is not repeated on every render.
    if (!key || !doc || !onFile || sent.current === key) return;
    sent.current = key;
    void applyCaseEvent(ctx, doc.id, { type: 'record_teacher_status', id: newId(), status: onFile });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
}

/** describeReason, with the template's labels instead of item and evidence ids. */
function blockerText(b: CaseRefusalReason, template: CaseTemplate, doc: CaseDoc, lang: 'zh' | 'en'): string {
  const st = 'stepId' in b ? template.steps.find((s) => s.id === b.stepId) : undefined;
  const pick = (l: { zh: string; en: string } | null | undefined, fallback: string) => (l ? l[lang] : fallback);
  if (b.code === 'checklist-open') {
    const names = b.itemIds.map((id) => pick(doc.checklist.find((c) => c.stepId === b.stepId && c.itemId === id)?.label ?? st?.checklist.find((c) => c.id === id)?.label, id));
    return describeReason({ ...b, itemIds: names }, lang);
  }
  if (b.code === 'missing-evidence') return describeReason({ ...b, evidenceKind: pick(st?.evidence.find((e) => e.kind === b.evidenceKind)?.label, b.evidenceKind) }, lang);
  if (b.code === 'missing-notice') return describeReason({ ...b, noticeKind: pick(st?.notices.find((n) => n.kind === b.noticeKind)?.label, b.noticeKind) }, lang);
  if (b.code === 'step-not-ready') return describeReason({ ...b, waitingFor: b.waitingFor.map((id) => pick(template.steps.find((s) => s.id === id)?.title, id)) }, lang);
  return describeReason(b, lang);
}

function StepCard(props: {
  doc: CaseDoc;
  st: StepTemplate;
  step: CaseStep;
  blockers: string[];
  overdueSince: number | null;
  open: boolean;
  roles: readonly string[];
  send: (e: CaseEventInput) => Promise<boolean>;
  onDialog: (d: Dialog) => void;
  onRevoke: (itemId: string) => Promise<void>;
  workAccounts: { kind: string; account: string; revokedAt: number | null; revokedBy: string | null }[];
  agreed: AgreedDeliveryAddresses | null;
  subject: Employee | null;
}) {
  const { doc, st, step, blockers, open, send, onDialog } = props;
  const { tr, label } = useTr();
  const t = useT();
  // A class step for someone the record does not show as a teacher: nothing to do but say so.
  const notApplicable = st.reassignsClasses && currentFact(doc, 'subject-teacher')?.teacher === false;
  const decided = DECIDED.has(step.state);
  const color = { done: 'green', skipped: 'gray', overridden: 'red', ready: 'blue', blocked: 'orange', pending: 'gray' }[step.state];
  const stateText = { done: tr('已完成', 'done'), skipped: tr('已跳过', 'skipped'), overridden: tr('HR放行', 'overridden'), ready: tr('可办理', 'ready'), blocked: tr('受阻', 'blocked'), pending: tr('等待前序步骤', 'waiting') }[step.state];
  const items = doc.checklist.filter((c) => c.stepId === st.id);
  const [successors, setSuccessors] = useState<Record<string, string>>({});
  const [extra, setExtra] = useState('');
  return (
    <Paper withBorder radius="md" p="sm" data-testid={`step-${st.id}`} data-state={step.state}>
      <Group justify="space-between" wrap="nowrap">
        <Group gap="xs">
          <Badge color={color} variant="light" style={{ textTransform: 'none' }} data-testid="step-state">
            {stateText}
          </Badge>
          <Text fw={600} size="sm">
            {label(st.title)}
          </Text>
          {st.optional && <Badge size="xs" variant="outline" color="gray">{tr('可选', 'optional')}</Badge>}
          {props.overdueSince !== null && <Badge size="xs" color="red">{tr('已逾期', 'overdue')}</Badge>}
        </Group>
        {open && !decided && (
          <Group gap={6} wrap="nowrap">
            <Button size="xs" disabled={step.state !== 'ready'} onClick={() => void send({ type: 'complete_step', stepId: st.id, note: notApplicable ? t('ob.notApplicableNote') : '' })} data-testid="step-complete">
              {notApplicable ? t('ob.confirmNotApplicable') : tr('完成', 'Complete')}
            </Button>
            {st.optional && (
              <Button size="xs" variant="default" onClick={() => onDialog({ kind: 'skip', stepId: st.id })} data-testid="step-skip">
                {tr('跳过', 'Skip')}
              </Button>
            )}
            {!st.finalWages && (
              <Button size="xs" variant="subtle" color="red" onClick={() => onDialog({ kind: 'override', stepId: st.id })} data-testid="step-override">
                {tr('HR放行…', 'Override…')}
              </Button>
            )}
          </Group>
        )}
      </Group>
      {st.description && (
        <Text size="xs" c="dimmed" mt={4}>
          {label(st.description)}
        </Text>
      )}
      {step.note && (
        <Text size="xs" mt={4}>
          {tr('备注/理由：', 'Note / reason: ')}
          {step.note}
        </Text>
      )}
      {!decided && blockers.length > 0 && (
        <Stack gap={2} mt={6} data-testid="step-blockers">
          {blockers.map((b) => (
            <Text key={b} size="xs" c="orange.8">
              • {b}
            </Text>
          ))}
        </Stack>
      )}
      {st.evidence.length > 0 && (
        <Group gap={6} mt={6}>
          {st.evidence.map((ev) => {
            const have = doc.evidence.filter((e) => e.kind === ev.kind).length;
            return (
              <Button key={ev.kind} size="compact-xs" variant={have >= ev.min ? 'light' : 'outline'} color={have >= ev.min ? 'green' : 'orange'} disabled={!open} onClick={() => onDialog({ kind: 'evidence', stepId: st.id, evidenceKind: ev.kind })} data-testid={`evidence-add-${ev.kind}`}>
                {label(ev.label)} {have}/{ev.min} ＋
              </Button>
            );
          })}
        </Group>
      )}
      {st.notices.some((n) => n.recipient === 'subject') && <AgreedAddressCheck agreed={props.agreed} />}
      {st.approvals.length > 0 && (
        <Group gap={6} mt={6}>
          {st.approvals.map((role) => {
            const latest = doc.approvals.filter((a) => a.stepId === st.id && a.role === role).sort((a, b) => b.at - a.at)[0];
            return (
              <Group key={role} gap={4}>
                <Badge size="sm" variant="light" color={latest?.decision === 'approved' ? 'green' : latest?.decision === 'rejected' ? 'red' : 'gray'} style={{ textTransform: 'none' }}>
                  {role}: {latest ? `${latest.decision} · ${latest.by}` : tr('待审批', 'pending')}
                </Badge>
                {open && !decided && props.roles.includes(role) && (
                  <>
                    <Button size="compact-xs" color="green" variant="light" onClick={() => void send({ type: 'approve', id: newId(), stepId: st.id, role: role, decision: 'approved' })} data-testid={`approve-${role}`}>
                      {tr('批准', 'Approve')}
                    </Button>
                    <Button size="compact-xs" color="red" variant="subtle" onClick={() => void send({ type: 'approve', id: newId(), stepId: st.id, role: role, decision: 'rejected' })}>
                      {tr('驳回', 'Reject')}
                    </Button>
                  </>
                )}
              </Group>
            );
          })}
        </Group>
      )}
      {st.reassignsClasses && <ClassReassignment doc={doc} st={st} open={open} subject={props.subject} send={send} />}
      {!st.reassignsClasses && (items.length > 0 || (st.checklistExtensible && open && !decided)) && (
        <Stack gap={4} mt={6} data-testid="step-checklist">
          {items.map((c) => {
            const tplLabel = st.checklist.find((x) => x.id === c.itemId)?.label;
            const account = st.id === 'revoke-accounts' ? props.workAccounts.find((a) => a.kind === c.itemId) : undefined;
            return (
              <Group key={c.id} gap="xs" wrap="nowrap">
                {st.id === 'revoke-accounts' && !c.done ? (
                  <Button size="compact-xs" variant="outline" color="red" disabled={!open || decided} onClick={() => void props.onRevoke(c.itemId)} data-testid={`revoke-${c.itemId}`}>
                    {tr('收回', 'Revoke')}
                  </Button>
                ) : (
                  <Checkbox
                    size="xs"
                    checked={c.done}
                    disabled={!open || decided || (c.needsSuccessor && !c.done && !(successors[c.id] ?? c.successor ?? '').trim())}
                    onChange={(e) => void send({ type: 'check_item', stepId: st.id, itemId: c.itemId, done: e.currentTarget.checked, successor: (successors[c.id] ?? c.successor ?? '').trim() || null })}
                    data-testid={`check-${c.itemId}`}
                  />
                )}
                <Text size="sm">
                  {label(c.label ?? tplLabel)}
                  {account ? ` (${account.account})` : ''}
                </Text>
                {c.needsSuccessor && !c.done && open && (
                  <TextInput size="xs" placeholder={tr('接手人', 'Successor')} value={successors[c.id] ?? c.successor ?? ''} onChange={(e) => setSuccessors({ ...successors, [c.id]: e.currentTarget.value })} data-testid={`successor-${c.itemId}`} />
                )}
                {c.successor && c.done && <Text size="xs" c="dimmed">→ {c.successor}</Text>}
                {c.done && (
                  <Text size="xs" c="dimmed">
                    {c.by} · {formatDateTime(c.at)}
                  </Text>
                )}
              </Group>
            );
          })}
          {st.checklistExtensible && open && !decided && (
            <Group gap="xs">
              <TextInput size="xs" placeholder={tr('新增交接项（如：客户名称、其他账号）', 'Add an item (a customer, another account)')} value={extra} onChange={(e) => setExtra(e.currentTarget.value)} data-testid={`add-item-${st.id}`} />
              <Button
                size="compact-xs"
                variant="light"
                disabled={!extra.trim()}
                data-testid={`add-item-save-${st.id}`}
                onClick={async () => {
                  const ok = await send({ type: 'add_checklist_item', stepId: st.id, itemId: `x-${newId().toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, 12)}`, label: { zh: extra.trim(), en: extra.trim() }, needsSuccessor: st.checklist.some((x) => x.needsSuccessor) });
                  if (ok) setExtra('');
                }}
              >
                ＋
              </Button>
            </Group>
          )}
        </Stack>
      )}
      <StepLaw ids={st.law} />
    </Paper>
  );
}

function TerminationDate({ doc, onSave }: { doc: CaseDoc; onSave: (date: string) => Promise<boolean> }) {
  const { tr } = useTr();
  const current = currentFact(doc, 'termination-date');
  const [value, setValue] = useState(current ?? today());
  return (
    <Paper withBorder radius="md" p="sm">
      <Group gap="xs">
        <Text size="sm">{tr('解除/终止日期', 'Termination date')}</Text>
        <TextInput size="xs" type="date" value={value} onChange={(e) => setValue(e.currentTarget.value)} data-testid="termination-date" />
        <Button size="xs" variant="light" onClick={() => void onSave(value)} disabled={!/^\d{4}-\d{2}-\d{2}$/.test(value) || value === current} data-testid="termination-date-save">
          {tr('记录', 'Record')}
        </Button>
        {current && <Text size="xs" c="dimmed">{tr('当前：', 'Current: ')}{current}</Text>}
      </Group>
    </Paper>
  );
}

function DeductionPanel({ doc, open, onSave }: { doc: CaseDoc; open: boolean; onSave: (d: { month: string; monthlyWageFen: number; localMinimumWageFen: number; amountFen: number }) => Promise<boolean> }) {
  const { tr } = useTr();
  const fact = currentFact(doc, 'deduction');
  const [month, setMonth] = useState(fact?.month ?? today().slice(0, 7));
  const [wage, setWage] = useState<number | string>(fact ? fact.monthlyWageFen / 100 : '');
  const [minimum, setMinimum] = useState<number | string>(fact ? fact.localMinimumWageFen / 100 : '');
  const [amount, setAmount] = useState<number | string>(fact ? fact.amountFen / 100 : '');
  const fen = (v: number | string) => Math.round(Number(v) * 100);
  const cap = wage !== '' && minimum !== '' ? maxLossDeduction({ monthlyWageFen: fen(wage), localMinimumWageFen: fen(minimum) }) : null;
  return (
    <Section title={tr('扣款上限（工资支付暂行规定第十六条）', 'Deduction cap (Wage Payment Provisions art. 16)')} testId="deduction-panel">
      <Group gap="xs" align="flex-end">
        <TextInput label={tr('月份', 'Month')} size="xs" value={month} onChange={(e) => setMonth(e.currentTarget.value)} w={100} />
        <NumberInput label={tr('当月工资（元）', 'Monthly wage (yuan)')} size="xs" value={wage} onChange={setWage} min={0} w={140} data-testid="deduction-wage" />
        <NumberInput label={tr('当地最低工资（元）', 'Local minimum wage (yuan)')} size="xs" value={minimum} onChange={setMinimum} min={0} w={150} data-testid="deduction-minimum" />
        <NumberInput label={tr('扣款金额（元）', 'Deduction (yuan)')} size="xs" value={amount} onChange={setAmount} min={0} w={130} data-testid="deduction-amount" />
        <Button size="xs" disabled={!open || !cap || amount === '' || !/^\d{4}-\d{2}$/.test(month)} onClick={() => void onSave({ month, monthlyWageFen: fen(wage), localMinimumWageFen: fen(minimum), amountFen: fen(amount) })} data-testid="deduction-save">
          {tr('记录', 'Record')}
        </Button>
      </Group>
      {cap && (
        <Text size="sm" mt="xs" c={amount !== '' && fen(amount) > cap.maxFen ? 'red' : undefined} data-testid="deduction-cap">
          {tr('法定上限：', 'Legal cap: ')}
          {formatYuan(cap.maxFen)} {cap.binding === 'minimum-wage' ? tr('（受最低工资限制）', '(limited by the minimum wage)') : tr('（当月工资的20%）', '(20% of the monthly wage)')}
        </Text>
      )}
    </Section>
  );
}

/** Reasons, evidence and closing; paper / EMS delivery has its own structured dialog (PaperNoticeDialog). */
function ReasonDialog({ dialog, onClose, send }: { dialog: Exclude<Dialog, { kind: 'notice' }>; onClose: () => void; send: (e: CaseEventInput) => Promise<boolean>; template: CaseTemplate }) {
  const { tr, zh } = useTr();
  const { api } = useRenshi();
  const [text, setText] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    setText('');
    setFile(null);
  }, [dialog]);
  if (!dialog) return null;
  const title = {
    override: tr('HR放行此步骤', 'Override this step'),
    skip: tr('跳过此步骤', 'Skip this step'),
    evidence: tr('添加证据', 'Add evidence'),
    close: tr('办结案件', 'Close the case'),
  }[dialog.kind];

  async function submit() {
    if (!dialog) return;
    setBusy(true);
    try {
      let ok = false;
      if (dialog.kind === 'override') ok = await send({ type: 'override_step', stepId: dialog.stepId, reason: text });
      else if (dialog.kind === 'skip') ok = await send({ type: 'skip_step', stepId: dialog.stepId, reason: text });
      else if (dialog.kind === 'close') ok = await send({ type: 'close_case', outcome: text });
      else if (dialog.kind === 'evidence') {
        // The file is kept (and its hash checked) before the evidence item records it, so an item never
        // names a file this terminal does not hold.
        let stored: { sha256: string; uploaded: boolean } | null = null;
        if (file) {
          try {
            stored = await storeEvidenceFile(api, file, zh);
          } catch (err) {
            notifications.show({ color: 'red', title: tr('附件未保存', 'File not kept'), message: err instanceof Error ? err.message : String(err) });
            return;
          }
        }
        ok = await send({ type: 'add_evidence', evidence: { id: newId(), stepId: dialog.stepId, kind: dialog.evidenceKind, description: text, document: file && stored ? { sha256: stored.sha256, ref: file.name.slice(0, 500) } : null, personId: dialog.personId ?? null } });
        if (ok && stored && !stored.uploaded) notifications.show({ color: 'yellow', message: tr('附件已保存在本终端，连上同步服务器后自动上传', 'The file is kept on this terminal and uploads when the sync server is reachable') });
      }
      if (ok) {
        notifications.show({ message: tr('已保存', 'Saved'), color: 'green' });
        onClose();
      }
    } finally {
      setBusy(false);
    }
  }
  return (
    <Modal opened onClose={onClose} title={title} data-testid="case-dialog">
      <Stack>
        {dialog.kind === 'override' && <Alert color="red">{tr('放行会被标记并记入审计，请写明理由与依据。', 'An override is flagged in the audit trail: give the reason and what it rests on.')}</Alert>}
        <Textarea
          label={dialog.kind === 'evidence' ? tr('说明', 'Description') : dialog.kind === 'close' ? tr('结果', 'Outcome') : tr('理由（必填）', 'Reason (required)')}
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          autosize
          minRows={3}
          data-testid="dialog-text"
        />
        {dialog.kind === 'evidence' && <FileInput label={tr('文件（最大 20 MB，保存原件及其 SHA-256）', 'File (up to 20 MB; the file and its SHA-256 are kept)')} value={file} onChange={setFile} clearable data-testid="evidence-file" />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {tr('取消', 'Cancel')}
          </Button>
          <Button loading={busy} disabled={!text.trim()} onClick={() => void submit()} data-testid="dialog-submit">
            {tr('确定', 'Confirm')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
