import { Box, Group, Paper, SegmentedControl, SimpleGrid, Table, Text, TextInput, Title, Tooltip } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '../ui/api.ts';
import { AppLink, ErrorState, Page } from '../ui/components.tsx';
import { DataTable, type Column } from '../ui/data-table.tsx';
import { useFormat } from '../ui/format.ts';
import { useT } from '../ui/language.tsx';
import { parseListSearch, str, useUrlSearch } from '../ui/search.ts';
import { ReportTable, TableHead } from '../ui/tables.tsx';
import { methodLabel, num, PAYMENTS_KEY } from './shared.tsx';
import { BUCKETS, PAYMENT_METHODS, type AgeingReport, type Bucket, type Buckets, type CashReport, type PaymentMethod } from './types.ts';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const day = (v: unknown) => {
  const s = str(v);
  return s && DAY.test(s) ? s : undefined;
};

export const BUCKET_COLORS: Record<Bucket, string> = {
  current: 'var(--mantine-color-teal-5)',
  days1to30: 'var(--mantine-color-yellow-5)',
  days31to60: 'var(--mantine-color-orange-5)',
  days61to90: 'var(--mantine-color-red-5)',
  over90: 'var(--mantine-color-red-9)',
};

const share = (part: string, whole: string) => {
  const w = BigInt(whole);
  if (w <= 0n) return 0;
  return Number((BigInt(part) * 10000n) / w) / 100;
};

/** One stacked bar: the buckets of `b` side by side, widths by share of `scale` (default its own total). */
export const AgeingBar = ({ b, scale, height = 14, testId }: { b: Buckets; scale?: string; height?: number; testId?: string }) => {
  const t = useT();
  const fmt = useFormat();
  const whole = scale ?? b.total.minor;
  return (
    <Box data-testid={testId} style={{ display: 'flex', height, borderRadius: 4, overflow: 'hidden', background: 'var(--mantine-color-gray-1)' }} role="img" aria-label={BUCKETS.map((k) => `${t(`payments.ageing.${k}`)} ${fmt.money(b[k].minor, b[k].currency)}`).join(', ')}>
      {BUCKETS.map((k) =>
        b[k].minor === '0' ? null : (
          <Tooltip key={k} label={`${t(`payments.ageing.${k}`)}: ${fmt.money(b[k].minor, b[k].currency)}`} withinPortal>
            <Box style={{ width: `${share(b[k].minor, whole)}%`, background: BUCKET_COLORS[k], minWidth: 2 }} />
          </Tooltip>
        ),
      )}
    </Box>
  );
};

const parseAgeing = (raw: Record<string, unknown>) => ({ ...parseListSearch(raw, { sort: '-total' }), at: day(raw.at) });
type AgeingRow = AgeingReport['items'][number];

/** Payments → A/R ageing: what is open, by days past due, per contact and in total, with a chart. */
export const AgeingPage = () => {
  const t = useT();
  const fmt = useFormat();
  const [search, setSearch] = useUrlSearch(parseAgeing);
  const query = useQuery({
    queryKey: [PAYMENTS_KEY, 'ageing', search],
    queryFn: () => api.get<AgeingReport>('/reports/ageing', { page: search.page, pageSize: search.pageSize, sort: search.sort, q: search.q, at: search.at }),
    placeholderData: keepPreviousData,
  });
  const r = query.data;
  const largest = r?.items.reduce((m, i) => (BigInt(i.total.minor) > m ? BigInt(i.total.minor) : m), 0n) ?? 0n;
  const money = (m: { minor: string; currency: string }) => fmt.money(m.minor, m.currency);
  const bucketCol = (k: Bucket): Column<AgeingRow> => ({
    key: k,
    header: t(`payments.ageing.${k}`),
    sort: k === 'over90' ? 'over90' : undefined,
    align: 'right',
    render: (i) => (
      <Text size="sm" style={num} c={i[k].minor === '0' ? 'dimmed' : undefined}>
        {i[k].minor === '0' ? '–' : money(i[k])}
      </Text>
    ),
  });
  const columns: Column<AgeingRow>[] = [
    {
      key: 'name',
      header: t('payments.ageing.contact'),
      sort: 'name',
      render: (i) => (
        <Box miw={180}>
          <AppLink href={`/contacts/${encodeURIComponent(i.contactId)}`}>{i.name}</AppLink>
          <Box mt={4}>
            <AgeingBar b={i} scale={largest.toString()} height={6} />
          </Box>
        </Box>
      ),
    },
    { key: 'invoices', header: t('payments.ageing.invoices'), align: 'right', render: (i) => <Text size="sm">{fmt.number(i.invoices)}</Text> },
    ...BUCKETS.map(bucketCol),
    { key: 'total', header: t('ledger.total'), sort: 'total', align: 'right', render: (i) => <Text size="sm" fw={650} style={num}>{money(i.total)}</Text> },
  ];
  return (
    <Page
      title={t('payments.ageing.title')}
      intro={t('payments.ageing.intro')}
      actions={<TextInput type="date" size="sm" w={160} aria-label={t('payments.ageing.at')} title={t('payments.ageing.at')} value={search.at ?? r?.at ?? ''} onChange={(e) => setSearch({ at: e.currentTarget.value || undefined, page: undefined }, { replace: true })} />}
    >
      {query.error && <ErrorState error={query.error} onRetry={() => void query.refetch()} />}
      {r && (
        <Paper withBorder p="md" radius="md" mb="md" data-testid="ageing-totals">
          <Group justify="space-between" mb="sm">
            <Title order={3} fz="sm">
              {t('payments.ageing.totalAt', { date: fmt.date(r.at) })}
            </Title>
            <Text size="sm" c="dimmed">
              {t('payments.ageing.counts', { contacts: fmt.number(r.totals.contacts), invoices: fmt.number(r.totals.invoices) })}
            </Text>
          </Group>
          <AgeingBar b={r.totals} height={28} testId="ageing-chart" />
          <SimpleGrid cols={{ base: 2, sm: 3, md: 6 }} spacing="sm" mt="md">
            {BUCKETS.map((k) => (
              <Box key={k}>
                <Group gap={6} wrap="nowrap">
                  <Box w={10} h={10} style={{ borderRadius: 2, background: BUCKET_COLORS[k], flex: 'none' }} />
                  <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
                    {t(`payments.ageing.${k}`)}
                  </Text>
                </Group>
                <Text fw={650} style={num} data-testid={`ageing-${k}`}>
                  {money(r.totals[k])}
                </Text>
                <Text size="xs" c="dimmed">
                  {share(r.totals[k].minor, r.totals.total.minor).toLocaleString(fmt.locale, { maximumFractionDigits: 1 })} %
                </Text>
              </Box>
            ))}
            <Box>
              <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
                {t('ledger.total')}
              </Text>
              <Text fw={700} style={num} data-testid="ageing-total">
                {money(r.totals.total)}
              </Text>
            </Box>
          </SimpleGrid>
        </Paper>
      )}
      <DataTable
        columns={columns}
        query={{ data: r ? { items: r.items, page: r.page, pageSize: r.pageSize, total: r.total } : undefined, isPending: query.isPending, error: query.error, refetch: query.refetch }}
        search={search}
        onSearchChange={setSearch}
        rowKey={(i) => i.contactId}
        searchPlaceholder={t('payments.ageing.search')}
        empty={{ title: t('payments.ageing.empty') }}
        testId="ageing-table"
      />
    </Page>
  );
};

const METHOD_COLORS: Record<PaymentMethod, string> = {
  bank_transfer: 'var(--mantine-color-guild-6)',
  cash: 'var(--mantine-color-teal-5)',
  cheque: 'var(--mantine-color-grape-5)',
  in_kind: 'var(--mantine-color-lime-6)',
  visa: 'var(--mantine-color-blue-5)',
  mastercard: 'var(--mantine-color-orange-5)',
  paypal: 'var(--mantine-color-cyan-5)',
  card_gateway: 'var(--mantine-color-indigo-4)',
  other: 'var(--mantine-color-gray-5)',
};

const yearStart = () => `${new Date().getFullYear()}-01-01`;
const today = () => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};
const parseCash = (raw: Record<string, unknown>) => ({ from: day(raw.from), to: day(raw.to), by: raw.by === 'day' ? ('day' as const) : ('month' as const) });

/** Payments → Cash received: receipts per day or month by payment method, as a stacked chart and a table. */
export const CashReceivedPage = () => {
  const t = useT();
  const fmt = useFormat();
  const [search, setSearch] = useUrlSearch(parseCash);
  const from = search.from ?? yearStart();
  const to = search.to ?? today();
  const query = useQuery({
    queryKey: [PAYMENTS_KEY, 'cash', from, to, search.by],
    queryFn: () => api.get<CashReport>('/reports/cash-received', { from, to, by: search.by }),
    placeholderData: keepPreviousData,
  });
  const r = query.data;
  const periods = r ? [...new Set(r.rows.map((x) => x.period))].sort() : [];
  const methods = r ? PAYMENT_METHODS.filter((m) => r.byMethod.some((b) => b.method === m && b.received.minor !== '0')) : [];
  const cell = (period: string, m: PaymentMethod) => r?.rows.find((x) => x.period === period && x.method === m);
  const perPeriod = periods.map((p) => methods.reduce((s, m) => s + BigInt(cell(p, m)?.received.minor ?? '0'), 0n));
  const max = perPeriod.reduce((a, b) => (b > a ? b : a), 0n);
  const periodLabel = (p: string) => {
    if (p.length === 7) {
      const d = new Date(`${p}-01T00:00:00Z`);
      return d.toLocaleDateString(fmt.locale, { month: 'short', year: '2-digit', timeZone: 'UTC' });
    }
    return fmt.date(p);
  };
  const H = 220;
  return (
    <Page
      title={t('payments.cash.title')}
      intro={t('payments.cash.intro')}
      actions={
        <Group gap="sm">
          <TextInput type="date" size="sm" w={150} aria-label={t('ledger.from')} title={t('ledger.from')} value={from} onChange={(e) => setSearch({ from: e.currentTarget.value || undefined }, { replace: true })} />
          <Text c="dimmed">–</Text>
          <TextInput type="date" size="sm" w={150} aria-label={t('ledger.to')} title={t('ledger.to')} value={to} onChange={(e) => setSearch({ to: e.currentTarget.value || undefined }, { replace: true })} />
          <SegmentedControl
            size="sm"
            value={search.by}
            onChange={(v) => setSearch({ by: v === 'day' ? 'day' : undefined })}
            data={[
              { value: 'month', label: t('payments.cash.byMonth') },
              { value: 'day', label: t('payments.cash.byDay') },
            ]}
          />
        </Group>
      }
    >
      {query.error && <ErrorState error={query.error} onRetry={() => void query.refetch()} />}
      {r && (
        <>
          <Paper withBorder p="md" radius="md" mb="md" data-testid="cash-chart">
            {periods.length === 0 ? (
              <Text size="sm" c="dimmed">
                {t('payments.cash.empty')}
              </Text>
            ) : (
              <>
                <Box style={{ display: 'flex', alignItems: 'flex-end', gap: periods.length > 40 ? 1 : 6, height: H, overflowX: 'auto' }} role="img" aria-label={t('payments.cash.title')}>
                  {periods.map((p, k) => (
                    <Tooltip
                      key={p}
                      withinPortal
                      multiline
                      label={
                        <Box>
                          <Text size="xs" fw={700}>
                            {periodLabel(p)}: {fmt.money(perPeriod[k]!, r.currency)}
                          </Text>
                          {methods.map((m) => {
                            const c = cell(p, m);
                            return c && c.received.minor !== '0' ? (
                              <Text size="xs" key={m}>
                                {methodLabel(t, m)}: {fmt.money(c.received.minor, r.currency)}
                              </Text>
                            ) : null;
                          })}
                        </Box>
                      }
                    >
                      <Box style={{ flex: 1, minWidth: periods.length > 40 ? 3 : 18, maxWidth: 72, display: 'flex', flexDirection: 'column', alignItems: 'stretch' }}>
                        <Box style={{ height: max === 0n ? 0 : Number((perPeriod[k]! * BigInt(H - 28)) / max), display: 'flex', flexDirection: 'column-reverse', borderRadius: '3px 3px 0 0', overflow: 'hidden' }}>
                          {methods.map((m) => {
                            const v = BigInt(cell(p, m)?.received.minor ?? '0');
                            return v === 0n ? null : <Box key={m} style={{ flex: `${Number(v)} 0 0`, background: METHOD_COLORS[m] }} />;
                          })}
                        </Box>
                        {periods.length <= 24 && (
                          <Text size="xs" c="dimmed" ta="center" mt={4} style={{ whiteSpace: 'nowrap' }}>
                            {periodLabel(p)}
                          </Text>
                        )}
                      </Box>
                    </Tooltip>
                  ))}
                </Box>
                <Group gap="md" mt="sm">
                  {methods.map((m) => (
                    <Group key={m} gap={6}>
                      <Box w={10} h={10} style={{ borderRadius: 2, background: METHOD_COLORS[m] }} />
                      <Text size="xs">{methodLabel(t, m)}</Text>
                    </Group>
                  ))}
                </Group>
              </>
            )}
          </Paper>
          <ReportTable minWidth={720} testId="cash-by-method">
            <TableHead labels={[t('payments.method'), t('payments.cash.receipts'), t('payments.cash.received'), t('payments.cash.reversed'), t('payments.cash.refunded'), t('payments.cash.net')]} />
            <Table.Tbody>
              {[...r.byMethod.map((b) => ({ ...b, label: methodLabel(t, b.method), bold: false })), { ...r.totals, method: 'total', label: t('ledger.total'), bold: true }].map((b) => (
                <Table.Tr key={b.method} style={b.bold ? { borderTop: '2px solid var(--gh-border)' } : undefined}>
                  <Table.Td>
                    <Text size="sm" fw={b.bold ? 700 : undefined}>
                      {b.label}
                    </Text>
                  </Table.Td>
                  <Table.Td ta="right">
                    <Text size="sm">{fmt.number(b.receipts)}</Text>
                  </Table.Td>
                  {[b.received, b.reversed, b.refunded, b.net].map((m, k) => (
                    <Table.Td ta="right" key={k}>
                      <Text size="sm" style={num} fw={b.bold || k === 3 ? 650 : undefined} c={m.minor === '0' ? 'dimmed' : undefined}>
                        {fmt.money(m.minor, m.currency)}
                      </Text>
                    </Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </ReportTable>
        </>
      )}
    </Page>
  );
};
