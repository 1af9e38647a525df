import { Group, Paper, Text } from '@mantine/core';
import type { ReactNode } from 'react';

/** A titled card: the building block of detail and form pages. */
export function Section({ title, extra, children, testId }: { title: ReactNode; extra?: ReactNode; children: ReactNode; testId?: string }) {
  return (
    <Paper withBorder radius="md" p="md" data-testid={testId}>
      <Group justify="space-between" mb="sm" wrap="nowrap">
        <Text fw={600} size="sm">
          {title}
        </Text>
        {extra}
      </Group>
      {children}
    </Paper>
  );
}

/** Label above value, for read-only detail grids. */
export function Field({ label, children, testId }: { label: ReactNode; children: ReactNode; testId?: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed" mb={2}>
        {label}
      </Text>
      <Text size="sm" data-testid={testId} component="div">
        {children === null || children === undefined || children === '' ? '—' : children}
      </Text>
    </div>
  );
}
