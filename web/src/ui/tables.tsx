import type { CSSProperties, ReactNode } from 'react';
import { Paper, Table, Text, Title } from '@mantine/core';

const tabular = { fontVariantNumeric: 'tabular-nums' } as const;

/** A header row: the first `left` columns flush left, the rest (amounts, counts) right-aligned. */
export const TableHead = ({ labels, left = 1 }: { labels: string[]; left?: number }) => (
  <Table.Thead>
    <Table.Tr>
      {labels.map((label, i) => (
        <Table.Th key={i} ta={i < left ? undefined : 'right'}>
          {label}
        </Table.Th>
      ))}
    </Table.Tr>
  </Table.Thead>
);

/** A right-aligned cell with a figure in tabular digits. */
export const NumCell = ({ children, fw, style = tabular }: { children: ReactNode; fw?: number; style?: CSSProperties }) => (
  <Table.Td ta="right">
    <Text size="sm" fw={fw} style={style}>
      {children}
    </Text>
  </Table.Td>
);

/** A full-width report table in a bordered box that scrolls sideways on narrow screens. */
export const ReportTable = ({ minWidth, verticalSpacing = 6, testId, children }: { minWidth: number; verticalSpacing?: number; testId?: string; children: ReactNode }) => (
  <Paper withBorder style={{ overflow: 'hidden' }}>
    <Table.ScrollContainer minWidth={minWidth} type="native">
      <Table className="gh-table" verticalSpacing={verticalSpacing} horizontalSpacing="md" data-testid={testId}>
        {children}
      </Table>
    </Table.ScrollContainer>
  </Paper>
);

/** A bordered card with a small heading: a summary table or list below. */
export const SectionCard = ({ title, testId, children }: { title: ReactNode; testId?: string; children: ReactNode }) => (
  <Paper withBorder p="md" radius="md" data-testid={testId}>
    <Title order={3} fz="sm" mb="xs">
      {title}
    </Title>
    {children}
  </Paper>
);
