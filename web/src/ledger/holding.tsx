import { Badge, Button, Select, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from '@tanstack/react-router';
import { api } from '../ui/api.ts';
import { Page } from '../ui/components.tsx';
import { DataTable, useList, type Column } from '../ui/data-table.tsx';
import { useFormat } from '../ui/format.ts';
import { IconImport } from '../ui/icons.tsx';
import { useT } from '../ui/language.tsx';
import { notifySuccess } from '../ui/notify.tsx';
import { oneOf, parseListSearch, useUrlSearch } from '../ui/search.ts';
import { useCan } from '../ui/session.ts';
import { kindLabel } from '../invoices/shared.tsx';
import { LEDGER_KEY, MoneyCell, useInvalidateLedger } from './shared.tsx';
import { HOLDING_STATUSES, type HoldingItem } from './types.ts';

const parse = (raw: Record<string, unknown>) => ({ ...parseListSearch(raw), status: oneOf(raw.status, HOLDING_STATUSES) });

/** Ledger → Holding step: issued invoices and credit notes waiting to be posted (or taken by another system). */
export const HoldingPage = () => {
  const t = useT();
  const fmt = useFormat();
  const can = useCan();
  const router = useRouter();
  const invalidate = useInvalidateLedger();
  const [search, setSearch] = useUrlSearch(parse);
  const status = search.status ?? 'waiting';
  const items = useList<HoldingItem>(LEDGER_KEY, '/ledger/holding', { page: search.page, pageSize: search.pageSize, status });
  const run = useMutation({
    mutationFn: () => api.post<{ imported: number; batches: number }>('/ledger/holding/import'),
    onSuccess: async (r) => {
      await invalidate();
      notifySuccess(t('ledger.holding.imported', { count: fmt.number(r.imported) }));
    },
  });
  const columns: Column<HoldingItem>[] = [
    { key: 'number', header: t('invoices.number'), render: (h) => <Text size="sm" fw={600} className="gh-mono">{h.number ?? '–'}</Text> },
    { key: 'kind', header: t('invoices.kind'), render: (h) => <Text size="sm">{kindLabel(t, h.kind)}</Text> },
    { key: 'payer', header: t('invoices.payer'), render: (h) => <Text size="sm">{h.payerName ?? ''}</Text> },
    { key: 'issueDate', header: t('invoices.issueDate'), render: (h) => <Text size="sm">{fmt.date(h.issueDate)}</Text> },
    { key: 'total', header: t('invoices.total'), align: 'right', render: (h) => <MoneyCell m={h.total} dimZero={false} /> },
    { key: 'queued', header: t('ledger.holding.queuedAt'), render: (h) => <Text size="sm">{fmt.dateTime(h.queuedAt)}</Text> },
    {
      key: 'imported',
      header: t('ledger.holding.importedAt'),
      render: (h) =>
        h.importedAt ? (
          <Text size="sm">{fmt.dateTime(h.importedAt)}</Text>
        ) : (
          <Badge size="sm" variant="light" color="orange">
            {t('ledger.holding.waiting')}
          </Badge>
        ),
    },
    { key: 'exported', header: t('ledger.holding.exportedAt'), render: (h) => <Text size="sm" c={h.exportedAt ? undefined : 'dimmed'}>{h.exportedAt ? fmt.dateTime(h.exportedAt) : '–'}</Text> },
  ];
  return (
    <Page
      title={t('ledger.holding.title')}
      intro={t('ledger.holding.intro')}
      actions={
        can('ledger', 'update') ? (
          <Button leftSection={<IconImport size={16} />} onClick={() => run.mutate()} loading={run.isPending}>
            {t('ledger.holding.import')}
          </Button>
        ) : undefined
      }
    >
      <DataTable
        columns={columns}
        query={items}
        search={search}
        onSearchChange={setSearch}
        rowKey={(h) => h.invoiceId}
        onRowClick={(h) => void router.navigate({ href: h.entryId ? `/ledger/entries/${encodeURIComponent(h.entryId)}` : `/billing/invoices/${encodeURIComponent(h.invoiceId)}` })}
        empty={{ title: status === 'waiting' ? t('ledger.holding.emptyWaiting') : t('ledger.holding.empty'), description: status === 'waiting' ? t('ledger.holding.emptyWaitingHint') : undefined }}
        testId="holding-table"
        filters={
          <Select
            size="sm"
            w={220}
            aria-label={t('common.status')}
            data={HOLDING_STATUSES.map((s) => ({ value: s, label: t(`ledger.holding.status.${s}`) }))}
            value={status}
            onChange={(v) => setSearch({ status: v === 'waiting' ? undefined : (v ?? undefined), page: undefined })}
            allowDeselect={false}
            comboboxProps={{ withinPortal: true }}
          />
        }
      />
    </Page>
  );
};
