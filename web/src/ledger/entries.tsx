import type { ReactNode } from 'react';
import { Badge, Group, Paper, SimpleGrid, Stack, Table, Text, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useParams, useRouter } from '@tanstack/react-router';
import { api } from '../ui/api.ts';
import { AppLink, ErrorState, Page } from '../ui/components.tsx';
import { DataTable, FilterSelect, useList, type Column } from '../ui/data-table.tsx';
import { useFormat } from '../ui/format.ts';
import { useT } from '../ui/language.tsx';
import { TableHead } from '../ui/tables.tsx';
import { oneOf, parseListSearch, str, useUrlSearch } from '../ui/search.ts';
import type { Paged } from '../ui/types.ts';
import { AccountLabel, entryKindLabel, LEDGER_KEY, MoneyCell, MoneyTd, num, TotalRow } from './shared.tsx';
import { ENTRY_KINDS, type GlAccount, type LedgerEntry } from './types.ts';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const day = (v: unknown) => {
  const s = str(v);
  return s && DAY.test(s) ? s : undefined;
};
const parse = (raw: Record<string, unknown>) => ({
  ...parseListSearch(raw, { sort: '-seq' }),
  kind: oneOf(raw.kind, ENTRY_KINDS),
  from: day(raw.from),
  to: day(raw.to),
  account: str(raw.account),
  contactId: str(raw.contactId),
  invoiceId: str(raw.invoiceId),
  paymentId: str(raw.paymentId),
  journalId: str(raw.journalId),
  journalized: oneOf(raw.journalized, ['true', 'false'] as const),
});

/** Accounts for pick lists (the whole chart; it is small). */
export const useAccountOptions = () => {
  const accounts = useQuery({
    queryKey: [LEDGER_KEY, 'account-options'],
    queryFn: () => api.get<Paged<GlAccount>>('/ledger/accounts', { pageSize: 500, archived: 'all' }),
    staleTime: 60_000,
  });
  return (accounts.data?.items ?? []).map((a) => ({ value: a.code, label: `${a.code} ${a.name}` }));
};

/** The lines of an entry: account, debit, credit, and totals that balance. */
export const LinesTable = ({ entry, testId }: { entry: LedgerEntry; testId?: string }) => {
  const t = useT();
  return (
    <Table verticalSpacing={5} horizontalSpacing="md" data-testid={testId}>
      <TableHead labels={[t('ledger.line.account'), t('ledger.debit'), t('ledger.credit')]} />
      <Table.Tbody>
        {entry.lines.map((l) => (
          <Table.Tr key={l.lineNo}>
            <Table.Td>
              <AccountLabel code={l.account} name={l.accountName} href={`/ledger/entries?account=${encodeURIComponent(l.account)}`} span pl={l.credit.minor !== '0' ? 'lg' : 0} />
            </Table.Td>
            <MoneyTd m={l.debit} />
            <MoneyTd m={l.credit} />
          </Table.Tr>
        ))}
        <TotalRow>
          <MoneyTd m={entry.amount} fw={650} />
          <MoneyTd m={entry.amount} fw={650} />
        </TotalRow>
      </Table.Tbody>
    </Table>
  );
};

/** Ledger → Entries: every posting in chain order, filtered by kind, dates, account or journal. */
export const EntriesPage = () => {
  const t = useT();
  const fmt = useFormat();
  const router = useRouter();
  const [search, setSearch] = useUrlSearch(parse);
  const { page, pageSize, sort, q, kind, from, to, account, contactId, invoiceId, paymentId, journalId, journalized } = search;
  const entries = useList<LedgerEntry>(LEDGER_KEY, '/ledger/entries', { page, pageSize, sort, q, kind, from, to, account, contactId, invoiceId, paymentId, journalId, journalized });
  const accountOptions = useAccountOptions();
  const columns: Column<LedgerEntry>[] = [
    { key: 'seq', header: t('ledger.entry.seq'), sort: 'seq', width: 80, render: (e) => <Text size="sm" className="gh-mono" fw={600}>{e.seq}</Text> },
    { key: 'date', header: t('ledger.entry.date'), sort: 'date', width: 110, render: (e) => <Text size="sm">{fmt.date(e.date)}</Text> },
    { key: 'kind', header: t('ledger.entry.kind'), width: 150, render: (e) => <Badge size="sm" variant="light" color="gray">{entryKindLabel(t, e.kind)}</Badge> },
    {
      key: 'description',
      header: t('ledger.entry.description'),
      render: (e) => (
        <Stack gap={0}>
          <Text size="sm" lineClamp={1}>
            {e.description}
          </Text>
          <Text size="xs" c="dimmed" lineClamp={1}>
            {e.lines.map((l) => l.account).filter((a, i, all) => all.indexOf(a) === i).join(' · ')}
          </Text>
        </Stack>
      ),
    },
    { key: 'contact', header: t('ledger.entry.contact'), render: (e) => <Text size="sm">{e.contactName ?? ''}</Text> },
    { key: 'amount', header: t('ledger.entry.amount'), align: 'right', render: (e) => <MoneyCell m={e.amount} /> },
    {
      key: 'journal',
      header: t('ledger.entry.journal'),
      width: 90,
      render: (e) => (e.journalSeq === null ? <Text size="sm" c="dimmed">–</Text> : <Text size="sm" className="gh-mono">#{e.journalSeq}</Text>),
    },
  ];
  const filtered = Boolean(kind || from || to || account || contactId || invoiceId || paymentId || journalId || journalized);
  return (
    <Page title={t('ledger.entries.title')} intro={t('ledger.entries.intro')}>
      <DataTable
        columns={columns}
        query={entries}
        search={search}
        onSearchChange={setSearch}
        rowKey={(e) => e.id}
        onRowClick={(e) => void router.navigate({ href: `/ledger/entries/${encodeURIComponent(e.id)}` })}
        searchPlaceholder={t('ledger.entries.search')}
        filtered={filtered}
        onClearFilters={() =>
          setSearch({ kind: undefined, from: undefined, to: undefined, account: undefined, contactId: undefined, invoiceId: undefined, paymentId: undefined, journalId: undefined, journalized: undefined, q: undefined, page: undefined })
        }
        empty={{ title: t('ledger.entries.empty'), description: t('ledger.entries.emptyDescription') }}
        testId="entries-table"
        banner={
          contactId || invoiceId || paymentId || journalId ? (
            <Group px="sm" py={6} gap="xs" style={{ borderBottom: '1px solid var(--gh-border)' }}>
              <Text size="xs" c="dimmed">
                {[contactId && t('ledger.entries.forContact'), invoiceId && t('ledger.entries.forInvoice'), paymentId && t('ledger.entries.forPayment'), journalId && t('ledger.entries.forJournal', { journal: journalId })]
                  .filter(Boolean)
                  .join(' · ')}
              </Text>
            </Group>
          ) : undefined
        }
        filters={
          <Group gap="sm" wrap="wrap">
            <FilterSelect label={t('ledger.entry.kind')} width={160} data={ENTRY_KINDS.map((k) => ({ value: k, label: entryKindLabel(t, k) }))} value={kind} onChange={(v) => setSearch({ kind: v, page: undefined })} />
            <FilterSelect label={t('ledger.line.account')} width={240} data={accountOptions} value={account} onChange={(v) => setSearch({ account: v, page: undefined })} searchable />
            <TextInput size="sm" type="date" w={150} aria-label={t('ledger.from')} title={t('ledger.from')} value={from ?? ''} onChange={(e) => setSearch({ from: e.currentTarget.value || undefined, page: undefined }, { replace: true })} />
            <Text size="sm" c="dimmed">
              –
            </Text>
            <TextInput size="sm" type="date" w={150} aria-label={t('ledger.to')} title={t('ledger.to')} value={to ?? ''} onChange={(e) => setSearch({ to: e.currentTarget.value || undefined, page: undefined }, { replace: true })} />
            <FilterSelect
              label={t('ledger.entries.journalized')}
              width={170}
              data={[
                { value: 'true', label: t('ledger.entries.inJournal') },
                { value: 'false', label: t('ledger.entries.notInJournal') },
              ]}
              value={journalized}
              onChange={(v) => setSearch({ journalized: v, page: undefined })}
            />
          </Group>
        }
      />
    </Page>
  );
};

export const Field = ({ label, children }: { label: string; children: ReactNode }) => (
  <Group justify="space-between" gap="sm" wrap="nowrap" py={3} align="flex-start">
    <Text size="sm" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
      {label}
    </Text>
    <Text size="sm" ta="right" component="div" style={{ overflowWrap: 'anywhere' }}>
      {children}
    </Text>
  </Group>
);

/** One entry: what it posts, where it came from, and its place in the hash chain. */
export const EntryPage = () => {
  const t = useT();
  const fmt = useFormat();
  const { id } = useParams({ strict: false }) as { id: string };
  const query = useQuery({ queryKey: [LEDGER_KEY, 'entry', id], queryFn: () => api.get<LedgerEntry>(`/ledger/entries/${encodeURIComponent(id)}`) });
  if (query.error) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  const e = query.data;
  if (!e) return null;
  return (
    <Page
      title={
        <Group gap="sm" component="span">
          <span data-testid="entry-title">{t('ledger.entry.title', { seq: e.seq })}</span>
          <Badge size="lg" variant="light" color="gray">
            {entryKindLabel(t, e.kind)}
          </Badge>
        </Group>
      }
      intro={<AppLink href="/ledger/entries">← {t('ledger.entries.back')}</AppLink>}
    >
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <Paper withBorder p="md" radius="md">
          <Text fw={600} mb="xs">
            {e.description}
          </Text>
          <Field label={t('ledger.entry.date')}>{fmt.date(e.date)}</Field>
          {e.contactId && (
            <Field label={t('ledger.entry.contact')}>
              <AppLink href={`/contacts/${encodeURIComponent(e.contactId)}`}>{e.contactName ?? e.contactId}</AppLink>
            </Field>
          )}
          {e.invoiceId && (
            <Field label={t('ledger.entry.invoice')}>
              <AppLink href={`/billing/invoices/${encodeURIComponent(e.invoiceId)}`}>{e.invoiceNumber ?? e.invoiceId}</AppLink>
            </Field>
          )}
          {e.paymentId && (
            <Field label={t('ledger.entry.payment')}>
              <AppLink href={`/payments/${encodeURIComponent(e.paymentId)}`}>{t('ledger.entry.openPayment')}</AppLink>
            </Field>
          )}
          <Field label={t('ledger.entry.journal')}>
            {e.journalId ? <AppLink href={`/ledger/journals/${encodeURIComponent(e.journalId)}`}>#{e.journalSeq}</AppLink> : t('ledger.entry.notJournalized')}
          </Field>
          <Field label={t('ledger.entry.createdBy')}>
            {e.createdBy} · {fmt.dateTime(e.createdAt)}
          </Field>
        </Paper>
        <Paper withBorder p="md" radius="md">
          <Text size="xs" c="dimmed" tt="uppercase" fw={600} mb={6}>
            {t('ledger.entry.chain')}
          </Text>
          {e.sourceKey && (
            <Field label={t('ledger.entry.source')}>
              <span className="gh-mono">{e.sourceKey}</span>
            </Field>
          )}
          <Field label={t('ledger.entry.prevHash')}>
            <Text span size="xs" className="gh-mono">
              {e.prevHash}
            </Text>
          </Field>
          <Field label={t('ledger.entry.hash')}>
            <Text span size="xs" className="gh-mono">
              {e.hash}
            </Text>
          </Field>
        </Paper>
      </SimpleGrid>
      <Paper withBorder mt="md" p="xs" style={{ overflow: 'hidden' }}>
        <Table.ScrollContainer minWidth={560} type="native">
          <LinesTable entry={e} testId="entry-lines" />
        </Table.ScrollContainer>
      </Paper>
      <Text size="xs" c="dimmed" mt="xs" style={num}>
        {t('ledger.entry.appendOnly')}
      </Text>
    </Page>
  );
};
