import { Box, Group, Paper, SegmentedControl, Stack, Text, UnstyledButton } from '@mantine/core';
import { useQueries } from '@tanstack/react-query';
import { useRouter } from '@tanstack/react-router';
import { api } from '../ui/api.ts';
import { Page } from '../ui/components.tsx';
import { DataTable, useList, type Column } from '../ui/data-table.tsx';
import { useFormat } from '../ui/format.ts';
import { useT } from '../ui/language.tsx';
import { oneOf, parseListSearch, useUrlSearch } from '../ui/search.ts';
import type { Paged } from '../ui/types.ts';
import { channelLabel } from './invoice-documents.tsx';
import type { SentReportRow } from './types.ts';

const COUNTS = ['1', '2', '3'] as const;
const parse = (raw: Record<string, unknown>) => ({ ...parseListSearch(raw, { sort: 'name' }), count: oneOf(raw.count, COUNTS) ?? ('1' as const) });
const KEY = 'invoices-sent';
const BAR_COLORS = { '1': 'var(--mantine-color-yellow-5)', '2': 'var(--mantine-color-orange-6)', '3': 'var(--mantine-color-red-7)' } as const;

/** How many contacts are in each group, as bars; a click opens that group. */
const GroupBars = ({ current, onPick }: { current: string; onPick: (c: (typeof COUNTS)[number]) => void }) => {
  const t = useT();
  const fmt = useFormat();
  const totals = useQueries({
    queries: COUNTS.map((c) => ({ queryKey: [KEY, 'total', c], queryFn: () => api.get<Paged<SentReportRow>>('/reports/invoices-sent', { count: c, pageSize: 1 }) })),
  });
  const values = totals.map((q) => q.data?.total ?? 0);
  const max = Math.max(1, ...values);
  return (
    <Paper withBorder p="md" radius="md" data-testid="sent-groups">
      <Stack gap={8}>
        {COUNTS.map((c, i) => (
          <UnstyledButton key={c} onClick={() => onPick(c)} aria-pressed={current === c}>
            <Group gap="sm" wrap="nowrap">
              <Text size="sm" w={170} fw={current === c ? 700 : 400}>
                {t(`documents.reminders.group.${c}`)}
              </Text>
              <Box style={{ flex: 1, background: 'var(--gh-border, #eee)', borderRadius: 4, height: 14 }}>
                <Box style={{ width: `${(values[i]! / max) * 100}%`, minWidth: values[i] ? 3 : 0, background: BAR_COLORS[c], height: 14, borderRadius: 4 }} />
              </Box>
              <Text size="sm" w={60} ta="right" style={{ fontVariantNumeric: 'tabular-nums' }} data-testid={`sent-group-${c}`}>
                {totals[i]!.data ? fmt.number(values[i]!) : '…'}
              </Text>
            </Group>
          </UnstyledButton>
        ))}
      </Stack>
    </Paper>
  );
};

/** Billing → Reminders: contacts whose unpaid invoices were sent once, twice, or three times or more. */
export const RemindersPage = () => {
  const t = useT();
  const fmt = useFormat();
  const router = useRouter();
  const [search, setSearch] = useUrlSearch(parse);
  const { count, ...listSearch } = search;
  const list = useList<SentReportRow>(KEY, '/reports/invoices-sent', { ...listSearch, count });
  const columns: Column<SentReportRow>[] = [
    {
      key: 'name',
      header: t('common.name'),
      sort: 'name',
      render: (r) => (
        <div>
          <Text size="sm" fw={500}>
            {r.name}
          </Text>
          <Text size="xs" c="dimmed">
            {r.email ?? '—'} · {channelLabel(t, r.delivery)}
          </Text>
        </div>
      ),
    },
    { key: 'invoices', header: t('documents.reminders.openInvoices'), align: 'right', render: (r) => <Text size="sm">{fmt.number(r.openInvoices)}</Text> },
    { key: 'open', header: t('invoices.open'), sort: 'open', align: 'right', render: (r) => <Text size="sm" style={{ fontVariantNumeric: 'tabular-nums' }}>{fmt.money(r.open.minor, r.open.currency)}</Text> },
    { key: 'times', header: t('documents.reminders.timesSent'), align: 'right', render: (r) => <Text size="sm">{fmt.number(r.timesSent)}</Text> },
    { key: 'due', header: t('documents.reminders.oldestDue'), sort: 'oldest_due', render: (r) => <Text size="sm">{fmt.date(r.oldestDueDate)}</Text> },
    { key: 'last', header: t('documents.reminders.lastSent'), sort: 'last_sent', render: (r) => <Text size="sm">{fmt.dateTime(r.lastSentAt)}</Text> },
  ];
  return (
    <Page title={t('documents.reminders.title')} intro={t('documents.reminders.intro')}>
      <Stack gap="md">
        <GroupBars current={count} onPick={(c) => setSearch({ count: c, page: undefined })} />
        <DataTable
          testId="invoices-sent-table"
          columns={columns}
          query={list}
          search={listSearch}
          onSearchChange={setSearch}
          rowKey={(r) => r.contactId}
          onRowClick={(r) => void router.navigate({ href: `/billing/statements?contact=${encodeURIComponent(r.contactId)}` })}
          searchPlaceholder={t('documents.reminders.search')}
          filters={
            <SegmentedControl
              size="sm"
              value={count}
              onChange={(v) => setSearch({ count: v, page: undefined })}
              data={COUNTS.map((c) => ({ value: c, label: t(`documents.reminders.group.${c}`) }))}
            />
          }
          empty={{ title: t('documents.reminders.empty'), description: t('documents.reminders.emptyHint') }}
        />
      </Stack>
    </Page>
  );
};
