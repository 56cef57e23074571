import { Checkbox, Group, Text, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useRouter } from '@tanstack/react-router';
import { api } from '../ui/api.ts';
import { Page } from '../ui/components.tsx';
import { DataTable, FilterSelect, NewButton, useList, type Column } from '../ui/data-table.tsx';
import { MassSendButton } from '../documents/mass-send.tsx';
import { useFormat } from '../ui/format.ts';
import { useT } from '../ui/language.tsx';
import { oneOf, parseListSearch, str, useUrlSearch } from '../ui/search.ts';
import { useCan } from '../ui/session.ts';
import type { Paged } from '../ui/types.ts';
import type { BillingRun } from '../billing/types.ts';
import { InvoiceStatusBadge, INVOICES_KEY, kindLabel } from './shared.tsx';
import { INVOICE_KINDS, INVOICE_STATUSES, type InvoiceSummary } from './types.ts';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const day = (v: unknown) => {
  const s = str(v);
  return s && DAY.test(s) ? s : undefined;
};
const parse = (raw: Record<string, unknown>) => ({
  ...parseListSearch(raw, { sort: '-number' }),
  status: oneOf(raw.status, INVOICE_STATUSES),
  kind: oneOf(raw.kind, INVOICE_KINDS),
  open: raw.open === 'true' ? ('true' as const) : undefined,
  billingRunId: str(raw.billingRunId),
  issueDateFrom: day(raw.issueDateFrom),
  issueDateTo: day(raw.issueDateTo),
});

const num = { fontVariantNumeric: 'tabular-nums' } as const;

/** Billing → Invoices: every invoice and credit note, with paging, sorting and filters kept in the URL. */
export const InvoicesPage = () => {
  const t = useT();
  const fmt = useFormat();
  const can = useCan();
  const router = useRouter();
  const [search, setSearch] = useUrlSearch(parse);
  const { page, pageSize, sort, q, status, kind, open, billingRunId, issueDateFrom, issueDateTo } = search;
  const invoices = useList<InvoiceSummary>(INVOICES_KEY, '/invoices', { page, pageSize, sort, q, status, kind, open, billingRunId, issueDateFrom, issueDateTo });
  const runs = useQuery({ queryKey: ['billing', 'list', 'runs-for-filter'], queryFn: () => api.get<Paged<BillingRun>>('/billing/runs', { pageSize: 100 }) });
  const runOptions = (runs.data?.items ?? []).map((r) => ({ value: r.id, label: `${t('invoices.runFilter', { date: fmt.date(r.asOf) })} · ${fmt.dateTime(r.startedAt)}` }));
  if (billingRunId && !runOptions.some((o) => o.value === billingRunId)) runOptions.unshift({ value: billingRunId, label: billingRunId });

  const columns: Column<InvoiceSummary>[] = [
    {
      key: 'number',
      header: t('invoices.number'),
      sort: 'number',
      render: (i) => (
        <Text size="sm" fw={600} className="gh-mono" c={i.number === null ? 'dimmed' : undefined}>
          {i.number ?? t('invoices.draftNumber')}
        </Text>
      ),
    },
    { key: 'payer', header: t('invoices.payer'), render: (i) => <Text size="sm">{i.payerName}</Text> },
    { key: 'kind', header: t('invoices.kind'), render: (i) => <Text size="sm">{kindLabel(t, i.kind)}</Text> },
    { key: 'status', header: t('common.status'), render: (i) => <InvoiceStatusBadge status={i.status} /> },
    { key: 'issueDate', header: t('invoices.issueDate'), sort: 'issue_date', render: (i) => <Text size="sm">{fmt.date(i.issueDate)}</Text> },
    { key: 'dueDate', header: t('invoices.dueDate'), sort: 'due_date', render: (i) => <Text size="sm">{fmt.date(i.dueDate)}</Text> },
    { key: 'total', header: t('invoices.total'), sort: 'total', align: 'right', render: (i) => <Text size="sm" style={num}>{fmt.money(i.total.minor, i.total.currency)}</Text> },
    {
      key: 'open',
      header: t('invoices.open'),
      align: 'right',
      render: (i) => (
        <Text size="sm" style={num} c={i.open.minor === '0' ? 'dimmed' : undefined}>
          {fmt.money(i.open.minor, i.open.currency)}
        </Text>
      ),
    },
  ];

  const filtered = Boolean(status || kind || open || billingRunId || issueDateFrom || issueDateTo);
  const clear = { status: undefined, kind: undefined, open: undefined, billingRunId: undefined, issueDateFrom: undefined, issueDateTo: undefined, q: undefined, page: undefined };
  return (
    <Page
      title={t('invoices.title')}
      intro={t('invoices.intro')}
      actions={
        can('billing', 'update') ? (
          <Group gap="sm">
            <MassSendButton filters={{ status, kind, open, billingRunId, issueDateFrom, issueDateTo, q }} />
            <NewButton label={t('invoices.new')} onClick={() => void router.navigate({ href: '/billing/invoices/new' })} />
          </Group>
        ) : undefined
      }
    >
      <DataTable
        columns={columns}
        query={invoices}
        search={search}
        onSearchChange={setSearch}
        rowKey={(i) => i.id}
        onRowClick={(i) => void router.navigate({ href: `/billing/invoices/${encodeURIComponent(i.id)}` })}
        searchPlaceholder={t('invoices.searchPlaceholder')}
        filtered={filtered}
        onClearFilters={() => setSearch(clear)}
        empty={{ title: t('invoices.empty'), description: t('invoices.emptyDescription') }}
        testId="invoices-table"
        filters={
          <Group gap="sm" wrap="wrap">
            <FilterSelect label={t('common.status')} width={130} data={INVOICE_STATUSES.map((s) => ({ value: s, label: t(`invoices.status.${s}`) }))} value={status} onChange={(v) => setSearch({ status: v, page: undefined })} />
            <FilterSelect label={t('invoices.kind')} width={140} data={INVOICE_KINDS.map((k) => ({ value: k, label: kindLabel(t, k) }))} value={kind} onChange={(v) => setSearch({ kind: v, page: undefined })} />
            <FilterSelect label={t('invoices.billingRun')} width={250} data={runOptions} value={billingRunId} onChange={(v) => setSearch({ billingRunId: v, page: undefined })} searchable />
            <TextInput
              size="sm"
              type="date"
              w={150}
              aria-label={t('invoices.from')}
              title={t('invoices.from')}
              value={issueDateFrom ?? ''}
              onChange={(e) => setSearch({ issueDateFrom: e.currentTarget.value || undefined, page: undefined }, { replace: true })}
            />
            <Text size="sm" c="dimmed">
              –
            </Text>
            <TextInput
              size="sm"
              type="date"
              w={150}
              aria-label={t('invoices.to')}
              title={t('invoices.to')}
              value={issueDateTo ?? ''}
              onChange={(e) => setSearch({ issueDateTo: e.currentTarget.value || undefined, page: undefined }, { replace: true })}
            />
            <Checkbox
              size="sm"
              label={t('invoices.openOnly')}
              checked={open === 'true'}
              onChange={(e) => setSearch({ open: e.currentTarget.checked ? 'true' : undefined, page: undefined })}
            />
          </Group>
        }
      />
    </Page>
  );
};
