import { useState } from 'react';
import { Button, Group, Select, Text, TextInput } from '@mantine/core';
import { useRouter } from '@tanstack/react-router';
import { Page } from '../ui/components.tsx';
import { DataTable, useList, type Column } from '../ui/data-table.tsx';
import { useFormat } from '../ui/format.ts';
import { IconPlus } from '../ui/icons.tsx';
import { useT } from '../ui/language.tsx';
import { oneOf, parseListSearch, str, useUrlSearch } from '../ui/search.ts';
import { useCan } from '../ui/session.ts';
import { RefundModal } from './refund.tsx';
import { methodLabel, methodOptions, num, PAYMENTS_KEY, paymentTitle, PaymentStatusBadge } from './shared.tsx';
import { PAYMENT_KINDS, PAYMENT_METHODS, PAYMENT_STATUSES, type PaymentSummary } from './types.ts';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const day = (v: unknown) => {
  const s = str(v);
  return s && DAY.test(s) ? s : undefined;
};
const parse = (raw: Record<string, unknown>) => ({
  ...parseListSearch(raw, { sort: '-received_on' }),
  kind: oneOf(raw.kind, PAYMENT_KINDS),
  method: oneOf(raw.method, PAYMENT_METHODS),
  status: oneOf(raw.status, PAYMENT_STATUSES),
  from: day(raw.from),
  to: day(raw.to),
  contactId: str(raw.contactId),
  invoiceId: str(raw.invoiceId),
});

/** Payments → Payments: receipts and refunds with filters and paging. */
export const PaymentsPage = () => {
  const t = useT();
  const fmt = useFormat();
  const can = useCan();
  const router = useRouter();
  const [refund, setRefund] = useState(false);
  const [search, setSearch] = useUrlSearch(parse);
  const { page, pageSize, sort, q, kind, method, status, from, to, contactId, invoiceId } = search;
  const list = useList<PaymentSummary>(PAYMENTS_KEY, '/payments', { page, pageSize, sort, q, kind, method, status, from, to, contactId, invoiceId });
  const columns: Column<PaymentSummary>[] = [
    { key: 'number', header: t('payments.number'), sort: 'number', render: (p) => <Text size="sm" fw={600}>{paymentTitle(t, p)}</Text> },
    { key: 'date', header: t('payments.receivedOn'), sort: 'received_on', render: (p) => <Text size="sm">{fmt.date(p.receivedOn)}</Text> },
    { key: 'payer', header: t('payments.payer'), render: (p) => <Text size="sm">{p.contactName}</Text> },
    { key: 'method', header: t('payments.method'), render: (p) => <Text size="sm">{methodLabel(t, p.method)}</Text> },
    { key: 'reference', header: t('payments.reference'), render: (p) => <Text size="sm" c="dimmed" lineClamp={1}>{p.reference ?? ''}</Text> },
    { key: 'status', header: t('common.status'), render: (p) => <PaymentStatusBadge p={p} /> },
    {
      key: 'amount',
      header: t('payments.amount'),
      sort: 'amount',
      align: 'right',
      render: (p) => (
        <Text size="sm" style={num} td={p.status === 'reversed' ? 'line-through' : undefined} c={p.kind === 'refund' ? 'orange.8' : undefined}>
          {p.kind === 'refund' ? '−' : ''}
          {fmt.money(p.amount.minor, p.amount.currency)}
        </Text>
      ),
    },
    {
      key: 'toCredit',
      header: t('payments.toCredit'),
      align: 'right',
      render: (p) => (
        <Text size="sm" style={num} c="dimmed">
          {p.toCredit.minor === '0' ? '–' : fmt.money(p.toCredit.minor, p.toCredit.currency)}
        </Text>
      ),
    },
  ];
  const filtered = Boolean(kind || method || status || from || to || contactId || invoiceId);
  return (
    <Page
      title={t('payments.list.title')}
      intro={t('payments.list.intro')}
      actions={
        can('payments', 'update') ? (
          <>
            <Button variant="default" onClick={() => setRefund(true)}>
              {t('payments.refund.action')}
            </Button>
            <Button leftSection={<IconPlus size={16} />} onClick={() => void router.navigate({ href: '/payments/new' })}>
              {t('payments.record')}
            </Button>
          </>
        ) : undefined
      }
    >
      <DataTable
        columns={columns}
        query={list}
        search={search}
        onSearchChange={setSearch}
        rowKey={(p) => p.id}
        onRowClick={(p) => void router.navigate({ href: `/payments/${encodeURIComponent(p.id)}` })}
        searchPlaceholder={t('payments.list.search')}
        filtered={filtered}
        onClearFilters={() => setSearch({ kind: undefined, method: undefined, status: undefined, from: undefined, to: undefined, contactId: undefined, invoiceId: undefined, q: undefined, page: undefined })}
        empty={{ title: t('payments.list.empty'), description: t('payments.list.emptyDescription') }}
        testId="payments-table"
        filters={
          <Group gap="sm" wrap="wrap">
            <Select size="sm" w={130} aria-label={t('payments.kind')} placeholder={t('payments.kind')} data={PAYMENT_KINDS.map((k) => ({ value: k, label: t(`payments.kind.${k}`) }))} value={kind ?? null} onChange={(v) => setSearch({ kind: v ?? undefined, page: undefined })} clearable comboboxProps={{ withinPortal: true }} />
            <Select size="sm" w={160} aria-label={t('payments.method')} placeholder={t('payments.method')} data={methodOptions(t)} value={method ?? null} onChange={(v) => setSearch({ method: v ?? undefined, page: undefined })} clearable comboboxProps={{ withinPortal: true }} />
            <Select size="sm" w={140} aria-label={t('common.status')} placeholder={t('common.status')} data={PAYMENT_STATUSES.map((s) => ({ value: s, label: t(`payments.status.${s}`) }))} value={status ?? null} onChange={(v) => setSearch({ status: v ?? undefined, page: undefined })} clearable comboboxProps={{ withinPortal: true }} />
            <TextInput size="sm" type="date" w={150} aria-label={t('ledger.from')} title={t('ledger.from')} value={from ?? ''} onChange={(e) => setSearch({ from: e.currentTarget.value || undefined, page: undefined }, { replace: true })} />
            <Text size="sm" c="dimmed">
              –
            </Text>
            <TextInput size="sm" type="date" w={150} aria-label={t('ledger.to')} title={t('ledger.to')} value={to ?? ''} onChange={(e) => setSearch({ to: e.currentTarget.value || undefined, page: undefined }, { replace: true })} />
          </Group>
        }
      />
      {refund && <RefundModal opened onClose={() => setRefund(false)} />}
    </Page>
  );
};
