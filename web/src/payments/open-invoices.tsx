import { useEffect, useRef, useState } from 'react';
import { Anchor, Badge, Box, Button, Group, Pagination, Paper, Select, Skeleton, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useRouter } from '@tanstack/react-router';
import { api, ApiError } from '../ui/api.ts';
import { AppLink, ErrorState, Page } from '../ui/components.tsx';
import { FilterSelect } from '../ui/data-table.tsx';
import { useFormat } from '../ui/format.ts';
import { IconCheck, IconPlus, IconRefresh, IconSearch } from '../ui/icons.tsx';
import { useT } from '../ui/language.tsx';
import { oneOf, parseListSearch, PAGE_SIZES, useUrlSearch } from '../ui/search.ts';
import { useCan } from '../ui/session.ts';
import { currencyDigits, decimalForInput, MethodSelect, minorToDecimal, num, OPEN_INVOICES_KEY, paymentTitle, todayIso, toMinor, useInvalidateMoney } from './shared.tsx';
import type { OpenInvoice, OpenInvoicePage, Payment, PaymentMethod } from './types.ts';

const parse = (raw: Record<string, unknown>) => ({
  ...parseListSearch(raw, { sort: 'due_date', pageSize: 50 }),
  overdue: oneOf(raw.overdue, ['true', 'false'] as const),
});

type RowState = { amount: string; method: PaymentMethod } & ({ status: 'idle' } | { status: 'saving' } | { status: 'done'; payment: Payment } | { status: 'error'; message: string });

/**
 * Payments → Open invoices: record payments one row after another from the keyboard (seed 002 receipts.cgi).
 * Each row's amount is the suggested one; Enter records it and moves to the next row, which shows the receipt.
 */
export const OpenInvoicesPage = () => {
  const t = useT();
  const fmt = useFormat();
  const can = useCan();
  const router = useRouter();
  const canRecord = can('payments', 'update');
  const invalidate = useInvalidateMoney();
  const [search, setSearch] = useUrlSearch(parse);
  const [q, setQ] = useState(search.q ?? '');
  useEffect(() => setQ(search.q ?? ''), [search.q]);
  const pushQ = useDebouncedCallback((v: string) => setSearch({ q: v.trim() || undefined, page: undefined }, { replace: true }), 300);
  const [receivedOn, setReceivedOn] = useState(todayIso());
  const [defaultMethod, setDefaultMethod] = useState<PaymentMethod>('bank_transfer');
  const [rows, setRows] = useState<Record<string, RowState>>({});
  const inputs = useRef<Array<HTMLInputElement | null>>([]);

  const query = useQuery({
    queryKey: [OPEN_INVOICES_KEY, search],
    queryFn: () => api.get<OpenInvoicePage>('/open-invoices', { page: search.page, pageSize: search.pageSize, sort: search.sort, q: search.q, overdue: search.overdue }),
    placeholderData: keepPreviousData,
    // Rows stay where they are while someone is typing; Refresh reloads them.
    refetchOnWindowFocus: false,
    staleTime: Infinity,
    refetchOnMount: 'always',
  });
  const data = query.data;
  const items = data?.items ?? [];
  const digits = currencyDigits(data?.totalOpen.currency ?? 'NOK');

  const rowOf = (i: OpenInvoice): RowState => rows[i.invoiceId] ?? { status: 'idle', amount: decimalForInput(i.suggested.amount, fmt.locale), method: defaultMethod };
  const setRow = (id: string, patch: Partial<RowState> & object, base: RowState) => setRows((prev) => ({ ...prev, [id]: { ...(prev[id] ?? base), ...patch } as RowState }));

  const focusRow = (index: number) => {
    const el = inputs.current[index];
    if (el) {
      el.focus();
      el.select();
    }
  };

  const record = async (i: OpenInvoice, index: number) => {
    const row = rowOf(i);
    if (row.status === 'saving' || row.status === 'done') {
      focusRow(index + 1);
      return;
    }
    const amount = toMinor(row.amount, digits);
    if (amount === null || amount <= 0n) {
      setRow(i.invoiceId, { status: 'error', message: t('payments.quick.badAmount') }, row);
      return;
    }
    const open = BigInt(i.open.minor);
    const onInvoice = amount < open ? amount : open;
    setRow(i.invoiceId, { status: 'saving' }, row);
    // Move on at once: the volunteer keeps typing while the server records this one.
    focusRow(index + 1);
    try {
      const payment = await api.post<Payment>('/payments', {
        contactId: i.payerId,
        receivedOn,
        amount: minorToDecimal(amount, digits),
        method: row.method,
        allocations: [{ invoiceId: i.invoiceId, amount: minorToDecimal(onInvoice, digits) }],
      });
      setRow(i.invoiceId, { status: 'done', payment }, row);
      void invalidate(false);
    } catch (e) {
      setRow(i.invoiceId, { status: 'error', message: e instanceof ApiError || e instanceof Error ? e.message : String(e) }, row);
    }
  };

  const doneCount = Object.values(rows).filter((r) => r.status === 'done').length;
  const total = data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / search.pageSize));

  return (
    <Page
      title={t('payments.quick.title')}
      intro={t('payments.quick.intro')}
      actions={
        canRecord ? (
          <Button leftSection={<IconPlus size={16} />} onClick={() => void router.navigate({ href: '/payments/new' })}>
            {t('payments.record')}
          </Button>
        ) : undefined
      }
    >
      <Paper withBorder style={{ overflow: 'hidden' }} data-testid="open-invoices">
        <Group gap="sm" p="sm" wrap="wrap" style={{ borderBottom: '1px solid var(--gh-border)' }}>
          <TextInput
            aria-label={t('common.search')}
            placeholder={t('payments.quick.search')}
            leftSection={<IconSearch size={15} />}
            value={q}
            onChange={(e) => {
              setQ(e.currentTarget.value);
              pushQ(e.currentTarget.value);
            }}
            w={300}
            size="sm"
          />
          <FilterSelect
            label={t('payments.quick.overdue')}
            placeholder={t('payments.quick.allDue')}
            width={170}
            data={[
              { value: 'true', label: t('payments.quick.overdueOnly') },
              { value: 'false', label: t('payments.quick.notDue') },
            ]}
            value={search.overdue}
            onChange={(v) => setSearch({ overdue: v, page: undefined })}
          />
          {canRecord && (
            <Group gap="sm" ml="auto">
              <TextInput size="sm" type="date" w={155} aria-label={t('payments.receivedOn')} title={t('payments.receivedOn')} value={receivedOn} max={todayIso()} onChange={(e) => setReceivedOn(e.currentTarget.value)} />
              <MethodSelect w={170} aria-label={t('payments.quick.defaultMethod')} value={defaultMethod} onChange={setDefaultMethod} />
            </Group>
          )}
          <Button variant="subtle" size="sm" leftSection={<IconRefresh size={15} />} onClick={() => { setRows({}); void query.refetch(); }}>
            {t('common.refresh')}
          </Button>
        </Group>
        {query.error ? (
          <Box p="md">
            <ErrorState error={query.error} onRetry={() => void query.refetch()} />
          </Box>
        ) : (
          <Table.ScrollContainer minWidth={1100} type="native">
            <Table className="gh-table" verticalSpacing={6} horizontalSpacing="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('invoices.payer')}</Table.Th>
                  <Table.Th>{t('invoices.number')}</Table.Th>
                  <Table.Th>{t('invoices.dueDate')}</Table.Th>
                  <Table.Th ta="right">{t('invoices.total')}</Table.Th>
                  <Table.Th ta="right">{t('payments.paid')}</Table.Th>
                  <Table.Th ta="right">{t('invoices.open')}</Table.Th>
                  {canRecord && <Table.Th w={130}>{t('payments.amount')}</Table.Th>}
                  {canRecord && <Table.Th w={160}>{t('payments.method')}</Table.Th>}
                  {canRecord && <Table.Th w={190} />}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {query.isPending && !data
                  ? Array.from({ length: 6 }, (_, k) => (
                      <Table.Tr key={k}>
                        {Array.from({ length: canRecord ? 9 : 6 }, (_, j) => (
                          <Table.Td key={j}>
                            <Skeleton height={12} width="70%" />
                          </Table.Td>
                        ))}
                      </Table.Tr>
                    ))
                  : items.map((i, index) => {
                      const row = rowOf(i);
                      const done = row.status === 'done';
                      return (
                        <Table.Tr key={i.invoiceId} data-row={i.number ?? i.invoiceId} data-state={row.status} bg={done ? 'var(--mantine-color-green-0)' : undefined}>
                          <Table.Td style={{ whiteSpace: 'nowrap' }}>
                            <AppLink href={`/contacts/${encodeURIComponent(i.payerId)}`}>{i.payerName}</AppLink>
                            {i.payerMemberNumber !== null && (
                              <Text span size="xs" c="dimmed">
                                {' '}
                                #{i.payerMemberNumber}
                              </Text>
                            )}
                          </Table.Td>
                          <Table.Td>
                            <AppLink href={`/billing/invoices/${encodeURIComponent(i.invoiceId)}`}>
                              <span className="gh-mono">{i.number}</span>
                            </AppLink>
                          </Table.Td>
                          <Table.Td>
                            <Group gap={6} wrap="nowrap">
                              <Text size="sm" style={num}>
                                {fmt.date(i.dueDate)}
                              </Text>
                              {i.daysOverdue > 0 && (
                                <Badge size="xs" variant="light" color={i.daysOverdue > 60 ? 'red' : 'orange'} style={{ flex: 'none', overflow: 'visible' }} tt="none">
                                  {t('payments.quick.daysLate', { days: i.daysOverdue })}
                                </Badge>
                              )}
                            </Group>
                          </Table.Td>
                          <Table.Td ta="right">
                            <Text size="sm" style={num}>
                              {fmt.money(i.total.minor, i.total.currency)}
                            </Text>
                          </Table.Td>
                          <Table.Td ta="right">
                            <Text size="sm" style={num} c={i.paid.minor === '0' ? 'dimmed' : undefined}>
                              {fmt.money(i.paid.minor, i.paid.currency)}
                            </Text>
                          </Table.Td>
                          <Table.Td ta="right">
                            <Text size="sm" style={num} fw={600}>
                              {fmt.money(i.open.minor, i.open.currency)}
                            </Text>
                          </Table.Td>
                          {canRecord && (
                            <Table.Td>
                              <TextInput
                                size="xs"
                                ref={(el) => {
                                  inputs.current[index] = el;
                                }}
                                aria-label={t('payments.quick.amountFor', { number: i.number ?? '' })}
                                value={row.amount}
                                disabled={done || row.status === 'saving'}
                                inputMode="decimal"
                                styles={{ input: { textAlign: 'right', fontVariantNumeric: 'tabular-nums' } }}
                                onFocus={(e) => e.currentTarget.select()}
                                onChange={(e) => setRow(i.invoiceId, { amount: e.currentTarget.value, ...(row.status === 'error' ? { status: 'idle' } : {}) }, row)}
                                onKeyDown={(e) => {
                                  if (e.key === 'Enter') {
                                    e.preventDefault();
                                    void record(i, index);
                                  } else if (e.key === 'ArrowDown') {
                                    e.preventDefault();
                                    focusRow(index + 1);
                                  } else if (e.key === 'ArrowUp') {
                                    e.preventDefault();
                                    focusRow(index - 1);
                                  }
                                }}
                              />
                            </Table.Td>
                          )}
                          {canRecord && (
                            <Table.Td>
                              <MethodSelect
                                size="xs"
                                aria-label={t('payments.quick.methodFor', { number: i.number ?? '' })}
                                value={row.method}
                                onChange={(m) => setRow(i.invoiceId, { method: m }, row)}
                                onKeyDown={(e) => {
                                  if (e.key === 'Enter') {
                                    e.preventDefault();
                                    void record(i, index);
                                  }
                                }}
                              />
                            </Table.Td>
                          )}
                          {canRecord && (
                            <Table.Td data-testid="row-result">
                              {row.status === 'done' ? (
                                <Group gap={6} wrap="nowrap">
                                  <IconCheck size={14} color="var(--mantine-color-green-7)" />
                                  <AppLink href={`/payments/${encodeURIComponent(row.payment.id)}`}>{paymentTitle(t, row.payment)}</AppLink>
                                  {row.payment.toCredit.minor !== '0' && (
                                    <Text span size="xs" c="dimmed">
                                      {t('payments.quick.toCredit', { amount: fmt.money(row.payment.toCredit.minor, row.payment.toCredit.currency) })}
                                    </Text>
                                  )}
                                </Group>
                              ) : row.status === 'saving' ? (
                                <Text size="xs" c="dimmed">
                                  {t('payments.quick.saving')}
                                </Text>
                              ) : row.status === 'error' ? (
                                <Text size="xs" c="red" role="alert">
                                  {row.message}
                                </Text>
                              ) : (
                                <Button size="compact-xs" variant="light" tabIndex={-1} onClick={() => void record(i, index)}>
                                  {t('payments.quick.recordRow')}
                                </Button>
                              )}
                            </Table.Td>
                          )}
                        </Table.Tr>
                      );
                    })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {data && items.length === 0 && (
          <Text p="xl" ta="center" c="dimmed" size="sm">
            {search.q || search.overdue ? t('table.emptyFiltered') : t('payments.quick.empty')}
          </Text>
        )}
        {data && total > 0 && (
          <Group justify="space-between" px="sm" py={8} style={{ borderTop: '1px solid var(--gh-border)' }} wrap="wrap" gap="sm">
            <Text size="xs" c="dimmed">
              {t('payments.quick.footer', { count: fmt.number(total), amount: fmt.money(data.totalOpen.minor, data.totalOpen.currency) })}
              {doneCount > 0 && ` · ${t('payments.quick.recordedHere', { count: doneCount })}`}
            </Text>
            <Group gap="md">
              <Select size="xs" w={76} aria-label={t('table.perPage')} data={PAGE_SIZES.map(String)} value={String(search.pageSize)} onChange={(v) => v && setSearch({ pageSize: Number(v), page: undefined })} allowDeselect={false} />
              {pages > 1 && <Pagination size="sm" total={pages} value={Math.min(search.page, pages)} onChange={(p) => setSearch({ page: p === 1 ? undefined : p })} />}
            </Group>
          </Group>
        )}
      </Paper>
      {canRecord && (
        <Text size="xs" c="dimmed" mt="xs">
          {t('payments.quick.keys')}{' '}
          <Anchor size="xs" onClick={() => focusRow(0)}>
            {t('payments.quick.start')}
          </Anchor>
        </Text>
      )}
    </Page>
  );
};
