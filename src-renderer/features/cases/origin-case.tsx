import { Anchor, Badge, Paper, Stack, Text } from '@mantine/core';
import { useMemo } from 'react';
import { BUILT_IN_TEMPLATES } from '#shared/cases/builtin-templates';
import { CaseDoc } from '#shared/cases/case-doc';
import { useRenshi } from '../../app/context.tsx';
import { Section } from '../../components/section.tsx';
import { formatDateTime } from '../../components/format.ts';
import { useObservable } from '../../components/use-observable.ts';
import { stripMeta } from '../../db/records.ts';
import { useTr } from './case-ui.ts';

/**
 * The case this one was started from (a 旷工解除 starts from a lost-contact case) with the evidence it held:
 * the contact attempts and the known reason the dismissal rests on are read where they were recorded, so
 * HR sees them on the dismissal without a second copy that could drift.
 */
export function OriginCase({ id }: { id: string }) {
  const { tr, label } = useTr();
  const { db } = useRenshi();
  const raw = useObservable(() => db.cases.findOne(id).$, [db, id]);
  const origin = useMemo(() => (raw ? CaseDoc.parse(stripMeta(raw.toMutableJSON() as Record<string, unknown>)) : null), [raw]);
  const template = origin ? BUILT_IN_TEMPLATES.find((t) => t.id === origin.templateId) : undefined;
  const kindLabel = (kind: string) => label(template?.steps.flatMap((s) => s.evidence).find((e) => e.kind === kind)?.label) || kind;
  return (
    <Section
      title={tr('来源案件', 'Started from')}
      testId="case-origin"
      extra={
        <Anchor href={`#/cases/${encodeURIComponent(id)}`} size="sm" data-testid="case-origin-link">
          {template ? label(template.name) : tr('案件', 'Case')} · {tr('打开', 'open')}
        </Anchor>
      }
    >
      {!origin ? (
        <Text size="sm" c="dimmed">
          {tr('来源案件尚未同步到本终端', 'The case it was started from has not reached this terminal yet')}
        </Text>
      ) : (
        <Stack gap={6}>
          {origin.evidence.map((e) => (
            <Paper key={e.id} withBorder p="xs" data-testid="origin-evidence-row" data-kind={e.kind}>
              <Text size="sm">
                <Badge size="xs" variant="light" mr={6} style={{ textTransform: 'none' }}>
                  {kindLabel(e.kind)}
                </Badge>
                {e.description}
              </Text>
              <Text size="xs" c="dimmed">
                {e.addedBy} · {formatDateTime(e.addedAt)}
              </Text>
            </Paper>
          ))}
        </Stack>
      )}
    </Section>
  );
}
