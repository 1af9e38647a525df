import { Badge, Box, Button, Group, Paper, Stack, Text, TextInput } from '@mantine/core';
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
    <Paper withBorder radius="md" p="sm" data-testid="law-article">
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
    </Paper>
  );
}

/** The articles a case or step cites, in plain language. */
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
