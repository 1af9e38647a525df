import { Alert, Badge, Button, Checkbox, Group, Image, Modal, Paper, Select, Stack, Table, Text, TextInput, Textarea } from '@mantine/core';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { CaseDoc } from '#shared/cases/case-doc';
import type { CaseEventInput } from '#shared/cases/case-engine';
import type { CaseTemplate } from '#shared/cases/case-template';
import { addressKindOf, agreedAddressesOf, agreedAddressFor } from '#shared/cases/delivery-address';
import type { ElectronicChannel, NoticeView } from '#shared/cases/notice-delivery';
import type { Employee } from '#shared/schemas/employee';
import { newId } from '#shared/ids';
import { formatDateTime } from '../../components/format.ts';
import { Section } from '../../components/section.tsx';
import { AddressKindBadge } from './agreed-address.tsx';
import { useTr } from './case-ui.ts';
import { useDeliveryClient, type DeliveryClient } from './delivery-client.ts';
import { PaperDeliveryFacts, PaperForm } from './paper-delivery.tsx';

const CHANNELS: ElectronicChannel[] = ['in_app', 'sms', 'email', 'wecom'];
const POLL_MS = 5_000;

/**
 * Electronic delivery (电子送达) of a notice for this case through the sync server: sent on several channels at
 * once, each with its own sent / delivered / opened / acknowledged times, and the employee's e-signature shown
 * as verified or altered (the server re-checks it on every listing). Letters (EMS, registered mail, by hand)
 * are listed with the dates of their tracking record (paper-delivery.tsx); notices that went only on paper are
 * listed apart. Delivery facts flow back into the case as `record_notice` / `notice_delivery` events so the
 * steps that need a delivered notice unblock.
 */
export function ElectronicDelivery({ doc, template, send, employee }: { doc: CaseDoc; template: CaseTemplate; send: (e: CaseEventInput) => Promise<boolean>; employee: Employee | null }) {
  const { tr, label } = useTr();
  const client = useDeliveryClient();
  const [notices, setNotices] = useState<NoticeView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [composing, setComposing] = useState(false);

  const load = useCallback(async () => {
    if (!client) return;
    try {
      setNotices(await client.ofCase(doc.id));
      setError(null);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }, [client, doc.id]);
  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), POLL_MS);
    return () => clearInterval(timer);
  }, [load]);

  // Bring delivery and acknowledgement times into the case (only when the case lacks them, once per value).
  const applied = useRef(new Set<string>());
  useEffect(() => {
    if (!notices || doc.status !== 'open') return;
    for (const n of notices) {
      const local = doc.notices.find((x) => x.deliveryRecordId === n.id);
      if (!local) continue;
      const delivered = min(n.deliveries.map((d) => d.deliveredAt));
      const acknowledged = n.signature?.status === 'verified' ? n.signature.signedAt : min(n.deliveries.map((d) => d.acknowledgedAt));
      const key = `${local.id}|${delivered}|${acknowledged}`;
      if (!applied.current.has(key) && ((delivered !== null && local.deliveredAt === null) || (acknowledged !== null && local.acknowledgedAt === null))) {
        applied.current.add(key);
        void send({ type: 'notice_delivery', noticeId: local.id, deliveredAt: delivered ?? local.deliveredAt, acknowledgedAt: acknowledged ?? local.acknowledgedAt });
      }
    }
  }, [notices, doc, send]);

  if (!client) {
    return (
      <Section title={tr('电子送达', 'Electronic delivery')} testId="e-delivery">
        <Text size="sm" c="dimmed">{tr('电子送达需要连接同步服务器。', 'Electronic delivery needs the sync server.')}</Text>
      </Section>
    );
  }
  return (
    <Section
      title={tr('送达与签收（电子 / 纸质）', 'Delivery and signature (electronic / paper)')}
      testId="e-delivery"
      extra={
        doc.status === 'open' && (
          <Button size="xs" onClick={() => setComposing(true)} data-testid="notice-send-open">
            {tr('发送通知', 'Send notice')}
          </Button>
        )
      }
    >
      {error && <Alert color="red" mb="xs">{error}</Alert>}
      {notices && notices.length === 0 && <Text size="sm" c="dimmed">{tr('尚未送达任何通知', 'No notice delivered yet')}</Text>}
      <Stack gap="sm">
        {(notices ?? []).filter((n) => !paperOnly(n)).map((n) => (
          <NoticeCard key={n.id} n={n} testId="e-notice" client={client} open={doc.status === 'open'} agreedPostal={agreedAddressesOf(employee)?.postal ?? null} reload={load} />
        ))}
        {(notices ?? []).filter(paperOnly).map((n) => (
          <NoticeCard key={n.id} n={n} testId="paper-notice" client={client} open={doc.status === 'open'} agreedPostal={agreedAddressesOf(employee)?.postal ?? null} reload={load} />
        ))}
      </Stack>
      <Compose
        opened={composing}
        onClose={() => setComposing(false)}
        kinds={template.steps.flatMap((s) => s.notices.map((n) => ({ value: `${s.id}|${n.kind}|${n.recipient}`, label: label(n.label) })))}
        employee={employee}
        onSend={async ({ stepId, kind, recipient, title, body, channels, addresses }) => {
          const noticeId = newId();
          const sent = await client.send({ noticeId, caseId: doc.id, employeeId: doc.subjectEmployeeId, kind, title, body, channels, addresses });
          await send({ type: 'record_notice', notice: { id: newId(), stepId, kind, recipient, deliveryRecordId: noticeId, channel: channels.join('+').slice(0, 40) || 'electronic', sentAt: sent.createdAt } });
          await load();
        }}
      />
    </Section>
  );
}

/** Notices that went only on paper: recorded from the case's 登记纸质/EMS送达, with no electronic delivery. */
const paperOnly = (n: NoticeView) => n.deliveries.every((d) => isPaper(d.channel));
const isPaper = (channel: string) => channel === 'ems' || channel === 'paper' || channel === 'registered-mail';

function NoticeCard({ n, testId, client, open, agreedPostal, reload }: { n: NoticeView; testId: 'e-notice' | 'paper-notice'; client: DeliveryClient; open: boolean; agreedPostal: string | null; reload: () => Promise<void> }) {
  const { tr } = useTr();
  // A paper-only notice shows the form for another letter on request (most have one letter).
  const [another, setAnother] = useState(testId === 'e-notice');
  const rowTest = testId === 'e-notice' ? 'e-delivery' : 'paper-delivery';
  return (
    <Paper withBorder p="sm" data-testid={testId}>
      <Group justify="space-between">
        <Text fw={600} size="sm">
          {n.title}
          {testId === 'paper-notice' && (
            <Badge ml={6} size="xs" variant="outline" color="gray" style={{ textTransform: 'none' }}>
              {tr('纸质送达', 'paper')}
            </Badge>
          )}
        </Text>
        {n.signature ? (
          <Badge color={n.signature.status === 'verified' ? 'green' : 'red'} data-testid="signature-status" style={{ textTransform: 'none' }}>
            {n.signature.status === 'verified' ? tr('签名已验证 verified', 'verified') : tr('签名或文件被改动 altered', 'altered')}
          </Badge>
        ) : testId === 'e-notice' ? (
          <Badge color="gray" variant="light" style={{ textTransform: 'none' }}>{tr('待签收', 'not signed yet')}</Badge>
        ) : null}
      </Group>
      <Text size="xs" c="dimmed" style={{ wordBreak: 'break-all' }}>
        SHA-256 {n.documentHash} · {n.createdBy} · {formatDateTime(n.createdAt)}
      </Text>
      <Table mt="xs" withRowBorders={false} fz="xs" data-testid={`${rowTest}s`}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{tr('渠道', 'Channel')}</Table.Th>
            <Table.Th>{tr('发送/寄出', 'Sent')}</Table.Th>
            <Table.Th>{tr('送达', 'Delivered')}</Table.Th>
            <Table.Th>{tr('打开', 'Opened')}</Table.Th>
            <Table.Th>{tr('确认', 'Acknowledged')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {n.deliveries.map((d) => (
            <Table.Tr key={d.id} data-testid={`${rowTest}-${d.channel}`}>
              <Table.Td>
                {d.channel}
                {d.trackingNumber ? ` ${d.trackingNumber}` : ''}
                {d.recipient && d.recipient !== d.trackingNumber && !d.recipient.startsWith('employee:') ? <Text span size="xs" c="dimmed"> → {d.recipient}</Text> : null}{' '}
                <AddressKindBadge kind={d.addressKind} />
                {d.signedBy ? ` · ${tr('签收人', 'signed by')} ${d.signedBy}` : ''}
                {d.failed ? <Text span c="red" size="xs" title={d.failed}> {d.failed.includes('not configured') ? tr('未配置', 'not configured') : d.failed.includes('no address') ? tr('无地址', 'no address') : tr('失败', 'failed')}</Text> : null}
                <PaperDeliveryFacts d={d} onOutcome={open ? async (body) => { await client.outcome(n.id, d.id, body); await reload(); } : null} />
              </Table.Td>
              <Table.Td>{ts(d.sentAt)}</Table.Td>
              <Table.Td>{ts(d.deliveredAt)}</Table.Td>
              <Table.Td>{ts(d.openedAt)}</Table.Td>
              <Table.Td data-testid="ack-at">{ts(d.acknowledgedAt)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {open && another && <PaperForm agreedPostal={agreedPostal} onSave={async (body) => { await client.paper(n.id, body); await reload(); }} />}
      {open && !another && (
        <Button size="compact-xs" variant="subtle" mt={4} onClick={() => setAnother(true)} data-testid="paper-another">
          {tr('再登记一封', 'Record another letter')}
        </Button>
      )}
      {n.signature && (
        <Group mt="xs" align="flex-start" data-testid="signature">
          {n.signature.image && <Image src={n.signature.image} w={180} h={66} fit="contain" style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 6 }} alt="signature" />}
          <Stack gap={0}>
            <Text size="xs">
              {tr('签署人', 'Signer')}: {n.signature.signerName}（{tr('输入姓名', 'typed')} {n.signature.typedName}）
            </Text>
            <Text size="xs">{formatDateTime(n.signature.signedAt)} · IP {n.signature.ip}</Text>
            <Text size="xs" c="dimmed" maw={420} truncate>
              {n.signature.device}
            </Text>
            {n.signature.changes.map((c) => (
              <Text key={c} size="xs" c="red">
                {c}
              </Text>
            ))}
          </Stack>
        </Group>
      )}
    </Paper>
  );
}

type AddressedChannel = Exclude<ElectronicChannel, 'in_app'>;
const ADDRESSED: AddressedChannel[] = ['sms', 'email', 'wecom'];

/** Where each channel goes before HR changes anything: the agreed address, else the record's contact. */
function defaultAddresses(employee: Employee | null): Record<AddressedChannel, string> {
  const agreed = agreedAddressesOf(employee);
  const record: Record<AddressedChannel, string | null> = {
    sms: employee?.phone ?? null,
    email: employee?.email ?? null,
    wecom: employee?.workAccounts.find((a) => a.kind === 'wecom' && a.revokedAt === null)?.account ?? null,
  };
  return { sms: agreedAddressFor(agreed, 'sms') ?? record.sms ?? '', email: agreedAddressFor(agreed, 'email') ?? record.email ?? '', wecom: agreedAddressFor(agreed, 'wecom') ?? record.wecom ?? '' };
}

function Compose({ opened, onClose, kinds, onSend, employee }: {
  opened: boolean;
  onClose: () => void;
  kinds: { value: string; label: string }[];
  employee: Employee | null;
  onSend: (x: { stepId: string | null; kind: string; recipient: 'subject' | 'relative' | 'union' | 'public'; title: string; body: string; channels: ElectronicChannel[]; addresses: Partial<Record<AddressedChannel, string>> }) => Promise<void>;
}) {
  const { tr } = useTr();
  const agreed = agreedAddressesOf(employee);
  const [addresses, setAddresses] = useState<Record<AddressedChannel, string>>(() => defaultAddresses(employee));
  useEffect(() => {
    if (opened) setAddresses(defaultAddresses(employee));
    // Re-filled each time the dialog opens, from the record as it is now.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opened]);
  const options = kinds.length ? kinds : [{ value: '|notice|subject', label: tr('通知', 'Notice') }];
  const [kind, setKind] = useState<string | null>(options[0]!.value);
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [channels, setChannels] = useState<ElectronicChannel[]>([...CHANNELS]);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const channelLabel: Record<ElectronicChannel, string> = { in_app: tr('站内', 'In-app'), sms: tr('短信', 'SMS'), email: tr('邮件', 'Email'), wecom: tr('企业微信', 'WeCom') };
  return (
    <Modal opened={opened} onClose={onClose} title={tr('电子送达通知', 'Send a notice electronically')} size="lg">
      <Stack>
        <Select label={tr('通知类型', 'Notice')} data={options} value={kind} onChange={setKind} allowDeselect={false} />
        <TextInput label={tr('标题', 'Title')} value={title} onChange={(e) => setTitle(e.currentTarget.value)} data-testid="notice-title" />
        <Textarea label={tr('正文', 'Text')} value={body} onChange={(e) => setBody(e.currentTarget.value)} autosize minRows={5} data-testid="notice-body" />
        <Checkbox.Group label={tr('渠道（同时发送）', 'Channels (all at once)')} value={channels} onChange={(v) => setChannels(v as ElectronicChannel[])}>
          <Group mt={4}>
            {CHANNELS.map((c) => (
              <Checkbox key={c} value={c} label={channelLabel[c]} data-testid={`notice-channel-${c}`} />
            ))}
          </Group>
        </Checkbox.Group>
        <Stack gap={6} data-testid="notice-addresses">
          <Text size="sm" fw={500}>
            {tr('送达地址', 'Delivery addresses')}{' '}
            {!agreed && (
              <Text span size="xs" c="orange">
                {tr('（未登记送达地址确认书）', '(no agreed-address confirmation on file)')}
              </Text>
            )}
          </Text>
          {ADDRESSED.filter((c) => channels.includes(c)).map((c) => (
            <Group key={c} gap="xs" wrap="nowrap">
              <Text size="xs" w={64}>
                {channelLabel[c]}
              </Text>
              <TextInput size="xs" style={{ flex: 1 }} value={addresses[c]} onChange={(e) => setAddresses((a) => ({ ...a, [c]: e.currentTarget.value }))} data-testid={`notice-address-${c}`} />
              <AddressKindBadge kind={addressKindOf(agreed, c, addresses[c])} />
            </Group>
          ))}
        </Stack>
        {problem && <Alert color="red">{problem}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {tr('取消', 'Cancel')}
          </Button>
          <Button
            loading={busy}
            disabled={!title.trim() || !body.trim() || channels.length === 0}
            data-testid="notice-send"
            onClick={async () => {
              const [stepId, k, recipient] = (kind ?? '|notice|subject').split('|');
              setBusy(true);
              setProblem(null);
              try {
                const chosen = Object.fromEntries(ADDRESSED.filter((c) => channels.includes(c) && addresses[c].trim()).map((c) => [c, addresses[c].trim()]));
                await onSend({ stepId: stepId || null, kind: k || 'notice', recipient: (recipient || 'subject') as 'subject', title: title.trim(), body: body.trim(), channels, addresses: chosen });
                setTitle('');
                setBody('');
                onClose();
              } catch (err) {
                setProblem(err instanceof Error ? err.message : String(err));
              } finally {
                setBusy(false);
              }
            }}
          >
            {tr('发送', 'Send')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

const ts = (v: number | null) => (v === null ? '—' : formatDateTime(v));
function min(xs: (number | null)[]): number | null {
  const v = xs.filter((x): x is number => x !== null);
  return v.length ? Math.min(...v) : null;
}
