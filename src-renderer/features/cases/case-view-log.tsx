import { Badge, Table, Text } from '@mantine/core';
import { useMemo } from 'react';
import { caseViewLog, type CaseViewEntry } from '#shared/audit/case-reads';
import type { CaseDoc } from '#shared/cases/case-doc';
import { AuditEvent } from '#shared/schemas/audit';
import { terminalLabel } from '#shared/sync/protocol';
import { useRenshi } from '../../app/context.tsx';
import { formatDateTime } from '../../components/format.ts';
import { Section } from '../../components/section.tsx';
import { useObservable } from '../../components/use-observable.ts';
import { stripMeta } from '../../db/records.ts';
import { useTr } from './case-ui.ts';

/**
 * 查看记录 of a restricted case (story 4): who looked at it, when, what and from where, read from the audit
 * trail this terminal holds: views on the terminals (their own audit chains, replicated) and reads of the
 * case's notices, signed records and evidence files through the sync server (the server's chain), refused
 * attempts included, plus evidence-bundle exports. Live: a view on another terminal appears once it syncs.
 */
export function CaseViewLog({ doc }: { doc: CaseDoc }) {
  const { tr } = useTr();
  const { db, info } = useRenshi();
  const docs = useObservable(() => db.audit.find({ selector: { docId: doc.id } }).$, [db, doc.id]);
  const log = useMemo(() => {
    const events = (docs ?? []).flatMap((d) => {
      const parsed = AuditEvent.safeParse(stripMeta(d.toMutableJSON() as Record<string, unknown>));
      return parsed.success ? [parsed.data] : [];
    });
    return caseViewLog(events, doc.id);
  }, [docs, doc.id]);
  if (!doc.restricted) return null;

  const what: Record<CaseViewEntry['read'], string> = {
    case: tr('打开案件', 'opened the case'),
    notices: tr('送达记录', 'notices and deliveries'),
    'signed-record': tr('签名记录', 'signature record'),
    file: tr('证据文件', 'evidence file'),
    export: tr('导出证据包', 'exported the evidence bundle'),
  };
  const where = (v: CaseViewEntry) => {
    if (v.via === 'terminal') return v.terminal === info.replicaId ? `${tr('本终端', 'this terminal')} ${terminalLabel(info.host, info.replicaId)}` : `${tr('终端', 'terminal')} ${(v.terminal ?? '').slice(0, 8)}`;
    return [v.terminal, v.ip].filter(Boolean).join(' · ') || '—';
  };
  return (
    <Section title={tr('查看记录（受限案件）', 'Who viewed this case (restricted)')} testId="case-view-log">
      {docs !== undefined && log.length === 0 ? (
        <Text size="sm" c="dimmed">{tr('尚无查看记录', 'No views recorded yet')}</Text>
      ) : (
        <Table fz="xs" withRowBorders={false} data-testid="case-view-rows">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{tr('时间', 'When')}</Table.Th>
              <Table.Th>{tr('人员', 'Who')}</Table.Th>
              <Table.Th>{tr('查看内容', 'What')}</Table.Th>
              <Table.Th>{tr('来源', 'From')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {log.map((v) => (
              <Table.Tr key={v.id} data-testid="case-view" data-read={v.read} data-via={v.via}>
                <Table.Td>{formatDateTime(v.at)}</Table.Td>
                <Table.Td>{v.actor}</Table.Td>
                <Table.Td>
                  {what[v.read]}
                  {v.ref ? <Text span size="xs" c="dimmed"> {v.ref.slice(0, 12)}</Text> : null}
                  {v.refused && (
                    <Badge ml={6} size="xs" color="red" variant="light" style={{ textTransform: 'none' }}>
                      {tr('已拒绝', 'refused')}
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>
                  {where(v)}
                  <Text span size="xs" c="dimmed">
                    {' '}
                    ({v.via === 'server' ? tr('经同步服务器', 'via the sync server') : tr('本地', 'local')})
                  </Text>
                  {v.device && (
                    <Text size="xs" c="dimmed" maw={260} truncate title={v.device}>
                      {v.device}
                    </Text>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Section>
  );
}
