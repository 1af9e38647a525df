import { Alert, Badge, Button, Group, Modal, Select, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useEffect, useState } from 'react';
import type { CaseDoc } from '#shared/cases/case-doc';
import type { CaseEventInput } from '#shared/cases/case-engine';
import type { CaseTemplate } from '#shared/cases/case-template';
import { agreedAddressesOf } from '#shared/cases/delivery-address';
import type { DeliveryView, PaperChannel, PaperOutcome } from '#shared/cases/notice-delivery';
import type { Employee } from '#shared/schemas/employee';
import { newId } from '#shared/ids';
import { formatDateTime } from '../../components/format.ts';
import { useTr } from './case-ui.ts';
import { useDeliveryClient } from './delivery-client.ts';
import { changePaperForm, describePaperEntry, emptyPaperForm, localInputOf, paperEntryOf, type PaperFormProblem, type PaperFormValue } from './paper-entry.ts';

/**
 * Paper, EMS and registered-mail delivery (纸质 / EMS / 挂号信送达), in one structured form wherever a letter is
 * recorded: with the real dates of the letter and its tracking record (sent; 签收 with who signed, 拒收 or 退回),
 * checked before they are saved, while the server and the case keep who entered them and when.
 */

const CHANNEL_OPTIONS = (tr: (zh: string, en: string) => string) => [
  { value: 'ems', label: 'EMS' },
  { value: 'registered-mail', label: tr('挂号信', 'Registered mail') },
  { value: 'paper', label: tr('当面送达', 'By hand') },
];
const OUTCOME_OPTIONS = (tr: (zh: string, en: string) => string) => [
  { value: 'pending', label: tr('待签收（结果未知）', 'Pending (outcome not known yet)') },
  { value: 'delivered', label: tr('已签收', 'Signed for') },
  { value: 'refused', label: tr('拒收', 'Refused') },
  { value: 'returned', label: tr('退回', 'Returned') },
];

/** The fields of one letter; `testPrefix` keeps the test ids of the two places it appears apart. */
export function PaperFields({ value, onChange, problems, testPrefix }: { value: PaperFormValue; onChange: (v: PaperFormValue) => void; problems: PaperFormProblem[]; testPrefix: 'paper' | 'notice' }) {
  const { tr, zh } = useTr();
  const set = (patch: Partial<PaperFormValue>) => onChange(changePaperForm(value, patch, Date.now()));
  const problemOf = (field: PaperFormProblem['field']) => {
    const p = problems.find((x) => x.field === field);
    return p ? (zh ? p.zh : p.en) : null;
  };
  const byMail = value.channel !== 'paper';
  return (
    <Stack gap={6}>
      <Group gap="xs" align="flex-start" wrap="wrap">
        <Select size="xs" w={120} label={tr('方式', 'Channel')} data={CHANNEL_OPTIONS(tr)} value={value.channel} onChange={(c) => set({ channel: (c ?? 'ems') as PaperChannel })} allowDeselect={false} data-testid={`${testPrefix}-channel`} />
        {byMail && <TextInput size="xs" w={150} label={tr('运单号', 'Tracking number')} value={value.trackingNumber} onChange={(e) => set({ trackingNumber: e.currentTarget.value })} error={problemOf('trackingNumber')} data-testid={`${testPrefix}-tracking`} />}
        {byMail && <TextInput size="xs" style={{ flex: 1 }} miw={220} label={tr('邮寄地址', 'Postal address')} value={value.address} onChange={(e) => set({ address: e.currentTarget.value })} data-testid={`${testPrefix}-address`} />}
        <TextInput size="xs" type="datetime-local" w={190} label={byMail ? tr('寄出时间（以邮局收寄为准）', 'Posted (as the post office records it)') : tr('交付时间', 'Handed over')} value={value.sentAt} onChange={(e) => set({ sentAt: e.currentTarget.value })} error={problemOf('sentAt')} data-testid={`${testPrefix}-sent-at`} />
      </Group>
      <Group gap="xs" align="flex-start" wrap="wrap">
        <Select size="xs" w={170} label={tr('结果', 'Outcome')} data={OUTCOME_OPTIONS(tr)} value={value.outcome} onChange={(o) => set({ outcome: (o ?? 'pending') as PaperFormValue['outcome'] })} allowDeselect={false} data-testid={`${testPrefix}-outcome`} />
        {value.outcome !== 'pending' && (
          <TextInput size="xs" type="datetime-local" w={190} label={outcomeTimeLabel(value.outcome, tr)} value={value.outcomeAt} onChange={(e) => set({ outcomeAt: e.currentTarget.value })} error={problemOf('outcomeAt')} data-testid={`${testPrefix}-outcome-at`} />
        )}
        <TextInput size="xs" w={130} label={tr('签收人', 'Signed by')} value={value.signedBy} onChange={(e) => set({ signedBy: e.currentTarget.value })} error={problemOf('signedBy')} data-testid={`${testPrefix}-signer`} />
      </Group>
      {value.outcome === 'refused' || value.outcome === 'returned' ? (
        <Text size="xs" c="orange.8">
          {tr('拒收或退回本身不等于送达：请保留退件及其单据，并考虑向其他地址、同住成年亲属送达；下落不明时才可公告送达。', 'Refused or returned is not served by itself: keep the returned letter and its slip, and consider another address or an adult relative living with the employee; publish only when the whereabouts are unknown.')}
        </Text>
      ) : null}
    </Stack>
  );
}

const outcomeTimeLabel = (o: PaperOutcome, tr: (zh: string, en: string) => string) =>
  o === 'delivered' ? tr('签收时间（以妥投记录为准）', 'Signed for (as the tracking record says)') : o === 'refused' ? tr('拒收时间', 'Refused on') : tr('退回时间', 'Returned on');

/** One more letter of a notice already on the server (EMS besides the electronic channels, a second address). */
export function PaperForm({ agreedPostal, onSave }: { agreedPostal: string | null; onSave: (body: NonNullable<ReturnType<typeof paperEntryOf>['body']>) => Promise<void> }) {
  const { tr } = useTr();
  const [value, setValue] = useState(() => emptyPaperForm(Date.now(), agreedPostal));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [tried, setTried] = useState(false);
  const entry = paperEntryOf(value, Date.now());
  return (
    <Stack gap={4} mt="xs" data-testid="paper-form">
      <PaperFields value={value} onChange={setValue} problems={tried ? entry.problems : entry.problems.filter((p) => p.field !== 'trackingNumber' && p.field !== 'signedBy')} testPrefix="paper" />
      {error && <Text size="xs" c="red">{error}</Text>}
      <Group>
        <Button
          size="xs"
          variant="light"
          loading={busy}
          disabled={!value.trackingNumber.trim() && !value.signedBy.trim()}
          onClick={async () => {
            setTried(true);
            if (!entry.body) return;
            setBusy(true);
            setError(null);
            try {
              await onSave(entry.body);
              setValue(emptyPaperForm(Date.now(), agreedPostal));
              setTried(false);
            } catch (err) {
              setError(err instanceof Error ? err.message : String(err));
            } finally {
              setBusy(false);
            }
          }}
          data-testid="paper-save"
        >
          {tr('登记纸质送达', 'Record paper delivery')}
        </Button>
      </Group>
    </Stack>
  );
}

const isPaper = (channel: string) => channel === 'ems' || channel === 'paper' || channel === 'registered-mail';

/** A letter's outcome in its row: 签收 / 拒收 / 退回 with the date, who entered what and when, and for a letter
 *  still out, the form to enter its outcome from the tracking record. */
export function PaperDeliveryFacts({ d, onOutcome }: { d: DeliveryView; onOutcome: ((body: { outcome: PaperOutcome; outcomeAt: number; signedBy: string }) => Promise<void>) | null }) {
  const { tr } = useTr();
  const [open, setOpen] = useState(false);
  if (!isPaper(d.channel)) return null;
  const color = d.outcome === 'delivered' ? 'green' : d.outcome === 'refused' ? 'red' : d.outcome === 'returned' ? 'orange' : 'gray';
  const label = d.outcome === 'delivered' ? tr('已签收', 'signed for') : d.outcome === 'refused' ? tr('拒收', 'refused') : d.outcome === 'returned' ? tr('退回', 'returned') : tr('待签收', 'pending');
  return (
    <Stack gap={2} mt={2}>
      <Group gap={6}>
        <Badge size="xs" color={color} variant="light" style={{ textTransform: 'none' }} data-testid="paper-outcome">
          {label}
          {d.outcomeAt !== null ? ` ${formatDateTime(d.outcomeAt)}` : ''}
        </Badge>
        {d.outcome === null && onOutcome && !open && (
          <Button size="compact-xs" variant="subtle" onClick={() => setOpen(true)} data-testid="paper-outcome-open">
            {tr('登记结果', 'Record outcome')}
          </Button>
        )}
      </Group>
      <Text size="xs" c="dimmed" data-testid="paper-entered">
        {tr('登记', 'Entered')}: {d.enteredBy ?? '—'} · {d.enteredAt !== null ? formatDateTime(d.enteredAt) : '—'}
        {d.outcomeEnteredAt !== null ? ` · ${tr('结果登记', 'outcome entered')}: ${d.outcomeEnteredBy ?? '—'} · ${formatDateTime(d.outcomeEnteredAt)}` : ''}
      </Text>
      {open && onOutcome && <OutcomeForm sentAt={d.sentAt} onCancel={() => setOpen(false)} onSave={async (b) => { await onOutcome(b); setOpen(false); }} />}
    </Stack>
  );
}

function OutcomeForm({ sentAt, onSave, onCancel }: { sentAt: number | null; onSave: (b: { outcome: PaperOutcome; outcomeAt: number; signedBy: string }) => Promise<void>; onCancel: () => void }) {
  const { tr, zh } = useTr();
  // The letter's own fields are fixed; only the outcome part of the form is shown.
  const [value, setValue] = useState<PaperFormValue>(() => changePaperForm({ ...emptyPaperForm(Date.now(), null), channel: 'paper', sentAt: localInputOf(sentAt ?? Date.now()) }, { outcome: 'delivered' }, Date.now()));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const entry = paperEntryOf(value, Date.now());
  const set = (patch: Partial<PaperFormValue>) => setValue(changePaperForm(value, patch, Date.now()));
  const problem = (f: PaperFormProblem['field']) => {
    const p = entry.problems.find((x) => x.field === f);
    return p ? (zh ? p.zh : p.en) : null;
  };
  return (
    <Group gap="xs" align="flex-end" data-testid="paper-outcome-form">
      <Select size="xs" w={110} data={OUTCOME_OPTIONS(tr).filter((o) => o.value !== 'pending')} value={value.outcome} onChange={(o) => set({ outcome: (o ?? 'delivered') as PaperOutcome })} allowDeselect={false} data-testid="outcome-kind" />
      <TextInput size="xs" type="datetime-local" w={190} value={value.outcomeAt} onChange={(e) => set({ outcomeAt: e.currentTarget.value })} error={problem('outcomeAt')} data-testid="outcome-at" />
      {value.outcome === 'delivered' && <TextInput size="xs" w={120} placeholder={tr('签收人', 'Signed by')} value={value.signedBy} onChange={(e) => set({ signedBy: e.currentTarget.value })} data-testid="outcome-signer" />}
      <Button
        size="xs"
        loading={busy}
        disabled={!entry.body?.outcome}
        onClick={async () => {
          const o = entry.body?.outcome;
          if (!o) return;
          setBusy(true);
          setError(null);
          try {
            await onSave({ outcome: o.outcome, outcomeAt: o.outcomeAt, signedBy: o.signedBy ?? '' });
          } catch (err) {
            setError(err instanceof Error ? err.message : String(err));
          } finally {
            setBusy(false);
          }
        }}
        data-testid="outcome-save"
      >
        {tr('保存', 'Save')}
      </Button>
      <Button size="xs" variant="default" onClick={onCancel}>
        {tr('取消', 'Cancel')}
      </Button>
      {error && <Text size="xs" c="red">{error}</Text>}
    </Group>
  );
}

/**
 * Recording a notice that went only on paper (the case screen's 登记纸质/EMS送达). With the sync server the
 * notice and its letter go into the delivery records like an electronic notice (the document, its hash, the
 * letter's dates, who entered them); offline the same structured facts go into the case alone. Either way the
 * case gets the notice with its real send date, its 签收 date when signed for, and the receipt as evidence.
 */
export function PaperNoticeDialog({ doc, template, send, employee, onClose }: {
  doc: CaseDoc;
  template: CaseTemplate;
  send: (e: CaseEventInput) => Promise<boolean>;
  employee: Employee | null;
  onClose: () => void;
}) {
  const { tr, label } = useTr();
  const client = useDeliveryClient();
  const kinds = template.steps.flatMap((s) => s.notices.map((n) => ({ value: `${s.id}|${n.kind}|${n.recipient}`, label: label(n.label) })));
  const options = kinds.length ? kinds : [{ value: '|notice|subject', label: tr('通知', 'Notice') }];
  const agreedPostal = agreedAddressesOf(employee)?.postal ?? null;
  const [kind, setKind] = useState<string | null>(options[0]!.value);
  const [title, setTitle] = useState(options[0]!.label);
  const [body, setBody] = useState('');
  const [value, setValue] = useState(() => emptyPaperForm(Date.now(), agreedPostal));
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    // The employee record may load after the dialog opens.
    if (agreedPostal && !value.address) setValue((v) => ({ ...v, address: agreedPostal }));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [agreedPostal]);
  const entry = paperEntryOf(value, Date.now());

  async function submit() {
    setTried(true);
    if (!entry.body) return;
    const [stepId, noticeKind, recipient] = (kind ?? '|notice|subject').split('|');
    setBusy(true);
    setProblem(null);
    try {
      let deliveryRecordId = newId();
      if (client) {
        const noticeId = deliveryRecordId;
        await client.send({ noticeId, caseId: doc.id, employeeId: doc.subjectEmployeeId, kind: noticeKind || 'notice', title: title.trim() || tr('通知', 'Notice'), body: body.trim() || `（${title.trim() || '通知'}：纸质送达，正文见寄出的原件）`, channels: [] });
        await client.paper(noticeId, entry.body);
        deliveryRecordId = noticeId;
      }
      const localId = newId();
      let ok = await send({ type: 'record_notice', notice: { id: localId, stepId: stepId || null, kind: noticeKind || 'notice', recipient: (recipient || 'subject') as 'subject', deliveryRecordId, channel: entry.body.channel, sentAt: entry.body.sentAt } });
      const o = entry.body.outcome;
      if (ok && o?.outcome === 'delivered') ok = await send({ type: 'notice_delivery', noticeId: localId, deliveredAt: o.outcomeAt });
      if (ok) ok = await send({ type: 'add_evidence', evidence: { id: newId(), stepId: stepId || null, kind: 'delivery-receipt', description: describePaperEntry(entry.body) } });
      if (ok) {
        notifications.show({
          color: client ? 'green' : 'yellow',
          message: client ? tr('已保存', 'Saved') : tr('未连接同步服务器：送达情况已记入本案件，服务器上没有这份送达记录', 'Not connected to the sync server: the delivery is recorded on the case only, not in the server’s delivery records'),
        });
        onClose();
      }
    } catch (err) {
      setProblem(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal opened onClose={onClose} title={tr('登记纸质/EMS送达', 'Record paper / EMS delivery')} size="xl" data-testid="case-dialog">
      <Stack>
        <Select
          label={tr('通知类型', 'Notice')}
          data={options}
          value={kind}
          onChange={(k) => {
            setKind(k);
            const l = options.find((o) => o.value === k)?.label;
            if (l) setTitle(l);
          }}
          allowDeselect={false}
          data-testid="notice-kind"
        />
        <TextInput label={tr('标题', 'Title')} value={title} onChange={(e) => setTitle(e.currentTarget.value)} data-testid="paper-notice-title" />
        <Textarea label={tr('信件内容（可选；保存其 SHA-256）', 'Letter text (optional; its SHA-256 is kept)')} value={body} onChange={(e) => setBody(e.currentTarget.value)} autosize minRows={2} data-testid="paper-notice-body" />
        <PaperFields value={value} onChange={setValue} problems={tried ? entry.problems : entry.problems.filter((p) => p.field !== 'trackingNumber' && p.field !== 'signedBy')} testPrefix="notice" />
        {!client && <Alert color="yellow">{tr('未连接同步服务器：将只记入本案件。', 'Not connected to the sync server: this is recorded on the case only.')}</Alert>}
        {problem && <Alert color="red">{problem}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {tr('取消', 'Cancel')}
          </Button>
          <Button loading={busy} onClick={() => void submit()} data-testid="dialog-submit">
            {tr('确定', 'Confirm')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
