import { Badge, Box, Group, Paper, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { useFormat } from '../ui/format.ts';
import { useT, type Translate } from '../ui/language.tsx';
import { NumCell, ReportTable, SectionCard, TableHead } from '../ui/tables.tsx';
import { inclusiveEnd } from './dates.ts';
import type { PreviewPayer, RunTotals } from './types.ts';

const SOURCES = ['subscription', 'usage', 'recurring', 'charge', 'manual', 'credit'] as const;
export const sourceLabel = (t: Translate, s: string) => (SOURCES.includes(s as never) ? t(`billing.source.${s as (typeof SOURCES)[number]}`) : s);

const RUN_STATUS_COLORS: Record<string, string> = { queued: 'gray', running: 'blue', done: 'green', failed: 'red' };
export const RunStatusBadge = ({ status }: { status: string }) => {
  const t = useT();
  const known = ['queued', 'running', 'done', 'failed'].includes(status);
  return (
    <Badge size="sm" variant="light" color={RUN_STATUS_COLORS[status] ?? 'gray'} data-testid="run-status">
      {known ? t(`billing.status.${status as 'done'}`) : status}
    </Badge>
  );
};

export const runKindLabel = (t: Translate, kind: string) => (kind === 'daily' || kind === 'cycle' ? t(`billing.kind.${kind}`) : kind);

/** "01.01.2026 – 31.12.2026": the API's exclusive end shown as the last day billed. */
export const PeriodText = ({ start, end }: { start: string | null; end: string | null }) => {
  const fmt = useFormat();
  if (!start) return <>—</>;
  return (
    <Text size="sm" span style={{ whiteSpace: 'nowrap' }}>
      {fmt.date(start)}
      {end ? ` – ${fmt.date(inclusiveEnd(end))}` : ''}
    </Text>
  );
};

const Stat = ({ label, value, testId }: { label: string; value: string; testId?: string }) => (
  <Paper withBorder p="sm" radius="md">
    <Text size="xs" c="dimmed" tt="uppercase" fw={600} lts={0.3}>
      {label}
    </Text>
    <Text fz={22} fw={650} mt={2} style={{ fontVariantNumeric: 'tabular-nums' }} data-testid={testId}>
      {value}
    </Text>
  </Paper>
);

/** Key figures, totals by source, and totals by item as a bar chart. */
export const TotalsView = ({ totals, testId }: { totals: RunTotals; testId?: string }) => {
  const t = useT();
  const fmt = useFormat();
  const money = (a: { minor: string; currency: string }) => fmt.money(a.minor, a.currency);
  const linesText = (n: number) => (n === 1 ? t('billing.totals.oneLine') : t('billing.totals.linesCount', { count: fmt.number(n) }));
  const sources = Object.entries(totals.bySource).filter(([, v]) => v.lines > 0);
  const items = [...totals.byItem].sort((a, b) => (BigInt(b.amount.minor) > BigInt(a.amount.minor) ? 1 : BigInt(b.amount.minor) < BigInt(a.amount.minor) ? -1 : 0));
  const largest = items.reduce((m, i) => {
    const v = BigInt(i.amount.minor);
    const abs = v < 0n ? -v : v;
    return abs > m ? abs : m;
  }, 0n);
  const share = (minor: string) => {
    if (largest === 0n) return 0;
    const v = BigInt(minor);
    return Number(((v < 0n ? -v : v) * 1000n) / largest) / 10;
  };
  return (
    <Stack gap="md" data-testid={testId}>
      <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
        <Stat label={t('billing.totals.invoices')} value={fmt.number(totals.invoices)} testId="totals-invoices" />
        <Stat label={t('billing.totals.payers')} value={fmt.number(totals.payers)} />
        <Stat label={t('billing.totals.lines')} value={fmt.number(totals.lines)} />
        <Stat label={t('billing.totals.total')} value={money(totals.total)} testId="totals-total" />
      </SimpleGrid>
      {(totals.conversions > 0 || totals.endings > 0) && (
        <Group gap="lg">
          <Text size="sm" c="dimmed">
            {t('billing.totals.conversions')}: {fmt.number(totals.conversions)}
          </Text>
          <Text size="sm" c="dimmed">
            {t('billing.totals.endings')}: {fmt.number(totals.endings)}
          </Text>
        </Group>
      )}
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <SectionCard title={t('billing.totals.bySource')}>
          {sources.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('billing.totals.noItems')}
            </Text>
          ) : (
            <Table verticalSpacing={5} data-testid="totals-by-source">
              <Table.Tbody>
                {sources.map(([source, v]) => (
                  <Table.Tr key={source}>
                    <Table.Td>
                      <Text size="sm">{sourceLabel(t, source)}</Text>
                    </Table.Td>
                    <Table.Td ta="right">
                      <Text size="sm" c="dimmed">
                        {linesText(v.lines)}
                      </Text>
                    </Table.Td>
                    <Table.Td ta="right">
                      <Text size="sm" style={{ fontVariantNumeric: 'tabular-nums' }}>
                        {money(v.amount)}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </SectionCard>
        <SectionCard title={t('billing.totals.byItem')}>
          {items.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('billing.totals.noItems')}
            </Text>
          ) : (
            <Stack gap={8} data-testid="totals-by-item" role="list">
              {items.map((i) => (
                <Box key={`${i.itemType}:${i.code}`} role="listitem">
                  <Group justify="space-between" gap="xs" wrap="nowrap">
                    <Text size="sm" truncate>
                      <Text span size="sm" fw={600} className="gh-mono">
                        {i.code}
                      </Text>{' '}
                      <Text span size="sm" c="dimmed">
                        {i.name}
                      </Text>
                    </Text>
                    <Text size="sm" style={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>
                      {money(i.amount)}
                    </Text>
                  </Group>
                  <Group gap={8} wrap="nowrap" mt={3}>
                    <Box style={{ flex: 1, height: 10, borderRadius: 5, background: 'var(--mantine-color-gray-1)', overflow: 'hidden' }}>
                      <Box
                        h="100%"
                        style={{ width: `${Math.max(share(i.amount.minor), 0.5)}%`, borderRadius: 5, background: BigInt(i.amount.minor) < 0n ? 'var(--mantine-color-red-5)' : 'var(--mantine-color-guild-6)' }}
                      />
                    </Box>
                    <Text size="xs" c="dimmed" w={70} ta="right">
                      {linesText(i.lines)}
                    </Text>
                  </Group>
                </Box>
              ))}
            </Stack>
          )}
        </SectionCard>
      </SimpleGrid>
    </Stack>
  );
};

/** The first payers of a dry run, each with its lines. */
export const PreviewTable = ({ payers }: { payers: PreviewPayer[] }) => {
  const t = useT();
  const fmt = useFormat();
  return (
    <ReportTable minWidth={720} testId="preview-table">
      <TableHead labels={[t('billing.line.description'), t('billing.line.period'), t('billing.line.quantity'), t('billing.line.unitPrice'), t('billing.line.amount')]} left={2} />
      <Table.Tbody>
        {payers.map((p) => [
          <Table.Tr key={p.payerId} bg="var(--mantine-color-gray-0)" data-testid="preview-payer">
            <Table.Td colSpan={4}>
              <Text size="sm" fw={650}>
                {p.payerName}
              </Text>
            </Table.Td>
            <NumCell fw={650}>{fmt.money(p.total.minor, p.total.currency)}</NumCell>
          </Table.Tr>,
          ...p.lines.map((l) => (
            <Table.Tr key={`${p.payerId}:${l.chargeKey}`}>
              <Table.Td pl={28}>
                <Text size="sm">{l.description}</Text>
              </Table.Td>
              <Table.Td>
                <PeriodText start={l.periodStart} end={l.periodEnd} />
              </Table.Td>
              <NumCell>{fmt.number(Number(l.quantity))}</NumCell>
              <NumCell>{fmt.money(l.unitPrice.minor, l.unitPrice.currency)}</NumCell>
              <NumCell>{fmt.money(l.amount.minor, l.amount.currency)}</NumCell>
            </Table.Tr>
          )),
        ])}
      </Table.Tbody>
    </ReportTable>
  );
};
