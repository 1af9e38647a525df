import { Badge, Box, Button, Group, HoverCard, List, Paper, Stack, Text, TextInput } from '@mantine/core';
import { useMemo, useState } from 'react';
import type { LawArticle } from '#shared/law/law-article';
import { LAW_ARTICLES, lawArticle, searchLaw } from '#shared/law/law-search';
import { navigate } from '../../app/router.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { useTr } from './case-ui.ts';

/** 法律知识库: the built-in articles, searchable in Chinese or English (searchLaw weighs keywords). */
export function LawLibrary() {
  const { tr } = useTr();
  const [q, setQ] = useState('');
  const hits = useMemo(() => (q.trim() ? searchLaw(q).map((h) => h.article) : [...LAW_ARTICLES]), [q]);
  return (
    <Box p="lg">
      <PageHeader
        title={tr('法律知识库', 'Law library')}
        subtitle={tr('模板引用的条文与通俗解读（非法律意见，地方规定可能另有要求）', 'Articles the templates cite, with plain-language summaries (not legal advice; local rules may add more)')}
        actions={
          <Button variant="default" onClick={() => navigate('/cases')}>
            {tr('返回案件', 'Back to cases')}
          </Button>
        }
      />
      <TextInput mb="md" value={q} onChange={(e) => setQ(e.currentTarget.value)} placeholder={tr('搜索：旷工、扣工资、送达、电子签名、第39条…', 'Search: absenteeism, deduction, delivery, e-signature, art. 39…')} data-testid="law-search" />
      <Stack gap="sm" data-testid="law-results">
        {hits.length === 0 && <Text c="dimmed">{tr('没有匹配的条文', 'No matching article')}</Text>}
        {hits.map((a) => (
          <LawArticleCard key={a.id} article={a} />
        ))}
      </Stack>
    </Box>
  );
}

export function LawArticleCard({ article: a, compact }: { article: LawArticle; compact?: boolean }) {
  const { zh, tr } = useTr();
  return (
    <Paper withBorder radius="md" p="sm" data-testid="law-article" data-article={a.id}>
      <Group gap="xs" mb={4}>
        <Text fw={600} size="sm">
          《{a.lawShort}》{a.articleLabel} {a.title}
        </Text>
        {a.textKind === 'summary' && (
          <Badge size="xs" variant="light" color="gray">
            {tr('摘要', 'summary')}
          </Badge>
        )}
      </Group>
      <Text size="sm">{zh ? a.explanation : a.explanationEn}</Text>
      {!compact && (
        <Text size="xs" c="dimmed" mt={4}>
          {a.text}
        </Text>
      )}
      <ArticleEvidence article={a} />
    </Paper>
  );
}

/** What the employer should be able to produce because of the article: the evidence it implies. */
function ArticleEvidence({ article: a }: { article: LawArticle }) {
  const { zh, tr } = useTr();
  if (a.evidence.length === 0) return null;
  return (
    <Box mt={6} data-testid="law-evidence">
      <Text size="xs" fw={600} c="teal.8">
        {tr('应备证据', 'Evidence to keep')}
      </Text>
      <List size="xs" spacing={0} withPadding>
        {(zh ? a.evidence : a.evidenceEn).map((e) => (
          <List.Item key={e}>{e}</List.Item>
        ))}
      </List>
    </Box>
  );
}

/** The articles a case or step cites, in plain language, each with the evidence it implies. */
export function CitedArticles({ ids }: { ids: string[] }) {
  const articles = ids.map((id) => lawArticle(id)).filter((a): a is LawArticle => a !== undefined);
  return (
    <Stack gap="xs">
      {articles.map((a) => (
        <LawArticleCard key={a.id} article={a} compact />
      ))}
    </Stack>
  );
}

/** A step's "Law:" line: each article by name; hovering it shows the article and the evidence it implies. */
export function StepLaw({ ids }: { ids: string[] }) {
  const { tr } = useTr();
  if (ids.length === 0) return null;
  return (
    <Text size="xs" c="dimmed" mt={6} data-testid="step-law">
      {tr('依据：', 'Law: ')}
      {ids.map((id, i) => {
        const a = lawArticle(id);
        return (
          <span key={id}>
            {i > 0 && '、'}
            {a ? (
              <HoverCard width={420} shadow="md" withinPortal openDelay={150}>
                <HoverCard.Target>
                  <Text span size="xs" c="blue.7" style={{ cursor: 'help', textDecoration: 'underline dotted' }} data-testid="step-law-article">
                    《{a.lawShort}》{a.articleLabel}
                  </Text>
                </HoverCard.Target>
                <HoverCard.Dropdown p={0}>
                  <LawArticleCard article={a} compact />
                </HoverCard.Dropdown>
              </HoverCard>
            ) : (
              id
            )}
          </span>
        );
      })}
    </Text>
  );
}
