import { useState } from 'react';
import { Alert, Badge, Button, Group, Modal, Paper, SimpleGrid, Table, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useParams, useRouter } from '@tanstack/react-router';
import { api } from '../ui/api.ts';
import { AppLink, ErrorState, ModalForm, Page } from '../ui/components.tsx';
import { DataTable, useList, type Column } from '../ui/data-table.tsx';
import { useFormat } from '../ui/format.ts';
import { IconCheck, IconLock } from '../ui/icons.tsx';
import { useT } from '../ui/language.tsx';
import { notifySuccess } from '../ui/notify.tsx';
import { SectionCard, TableHead } from '../ui/tables.tsx';
import { parseListSearch, useUrlSearch } from '../ui/search.ts';
import { useCan } from '../ui/session.ts';
import { Field } from './entries.tsx';
import { AccountLabel, entryKindLabel, LEDGER_KEY, MoneyCell, MoneyTd, TotalRow, useInvalidateLedger } from './shared.tsx';
import type { Journal, JournalDetail, Money } from './types.ts';

/** The last day of the month before `today` (YYYY-MM-DD): the usual "up to". */
export const endOfPreviousMonth = (today = new Date()) => {
  const d = new Date(Date.UTC(today.getFullYear(), today.getMonth(), 0));
  return d.toISOString().slice(0, 10);
};
export const todayIso = () => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

const JournalizeModal = ({ opened, onClose }: { opened: boolean; onClose: () => void }) => {
  const t = useT();
  const router = useRouter();
  const invalidate = useInvalidateLedger();
  const [upTo, setUpTo] = useState(endOfPreviousMonth());
  const close = useMutation({
    mutationFn: () => api.post<JournalDetail>('/ledger/journals', { upTo }),
    meta: { inline: true },
    onSuccess: async (j) => {
      await invalidate();
      notifySuccess(t('ledger.journals.closed', { seq: j.seq, count: j.entryCount }));
      onClose();
      await router.navigate({ href: `/ledger/journals/${encodeURIComponent(j.id)}` });
    },
  });
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={600}>{t('ledger.journals.journalize')}</Text>}>
      <ModalForm onSubmit={() => close.mutate()} onCancel={onClose} error={close.error} busy={close.isPending} submitLabel={t('ledger.journals.journalizeSubmit')} submitDisabled={!upTo}>
        <Text size="sm" c="dimmed">
          {t('ledger.journals.journalizeHint')}
        </Text>
        <TextInput type="date" label={t('ledger.journals.upTo')} value={upTo} max={todayIso()} onChange={(e) => setUpTo(e.currentTarget.value)} required data-autofocus />
      </ModalForm>
    </Modal>
  );
};

/** Ledger → Journals: closed journals, newest first, and "journalize up to a date". */
export const JournalsPage = () => {
  const t = useT();
  const fmt = useFormat();
  const can = useCan();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [search, setSearch] = useUrlSearch((raw) => parseListSearch(raw));
  const journals = useList<Journal>(LEDGER_KEY, '/ledger/journals', { page: search.page, pageSize: search.pageSize });
  const columns: Column<Journal>[] = [
    { key: 'seq', header: t('ledger.journals.seq'), width: 70, render: (j) => <Text size="sm" fw={600} className="gh-mono">#{j.seq}</Text> },
    { key: 'upTo', header: t('ledger.journals.upTo'), render: (j) => <Text size="sm">{fmt.date(j.upTo)}</Text> },
    { key: 'entries', header: t('ledger.journals.entries'), align: 'right', render: (j) => <Text size="sm">{fmt.number(j.entryCount)}</Text> },
    { key: 'range', header: t('ledger.journals.range'), render: (j) => <Text size="sm" c="dimmed" className="gh-mono">{j.firstSeq === null ? '–' : `${j.firstSeq}–${j.lastSeq}`}</Text> },
    { key: 'debit', header: t('ledger.debit'), align: 'right', render: (j) => <MoneyCell m={j.debit} dimZero={false} /> },
    { key: 'credit', header: t('ledger.credit'), align: 'right', render: (j) => <MoneyCell m={j.credit} dimZero={false} /> },
    { key: 'closed', header: t('ledger.journals.closedAt'), render: (j) => <Text size="sm">{fmt.dateTime(j.closedAt)} · {j.closedBy}</Text> },
    { key: 'hash', header: t('ledger.entry.hash'), render: (j) => <Text size="xs" c="dimmed" className="gh-mono">{j.hash.slice(0, 12)}…</Text> },
  ];
  return (
    <Page
      title={t('ledger.journals.title')}
      intro={t('ledger.journals.intro')}
      actions={
        can('ledger', 'update') ? (
          <Button leftSection={<IconLock size={16} />} onClick={() => setOpen(true)}>
            {t('ledger.journals.journalize')}
          </Button>
        ) : undefined
      }
    >
      <DataTable
        columns={columns}
        query={journals}
        search={search}
        onSearchChange={setSearch}
        rowKey={(j) => j.id}
        onRowClick={(j) => void router.navigate({ href: `/ledger/journals/${encodeURIComponent(j.id)}` })}
        empty={{ title: t('ledger.journals.empty'), description: t('ledger.journals.emptyDescription') }}
        testId="journals-table"
      />
      {open && <JournalizeModal opened onClose={() => setOpen(false)} />}
    </Page>
  );
};

const sumMinor = (rows: Money[]) => rows.reduce((s, m) => s + BigInt(m.minor), 0n);

/** One closed journal: its sums, hash, and the summaries by transaction type and by G/L account. */
export const JournalPage = () => {
  const t = useT();
  const fmt = useFormat();
  const router = useRouter();
  const { id } = useParams({ strict: false }) as { id: string };
  const query = useQuery({ queryKey: [LEDGER_KEY, 'journal', id], queryFn: () => api.get<JournalDetail>(`/ledger/journals/${encodeURIComponent(id)}`) });
  if (query.error) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  const j = query.data;
  if (!j) return null;
  const balanced = j.debit.minor === j.credit.minor;
  const accDebit = sumMinor(j.summary.byAccount.map((a) => a.debit));
  const accCredit = sumMinor(j.summary.byAccount.map((a) => a.credit));
  const m = (minor: bigint) => ({ minor: minor.toString(), currency: j.debit.currency, amount: '' });
  return (
    <Page
      title={
        <Group gap="sm" component="span">
          <span data-testid="journal-title">{t('ledger.journals.one', { seq: j.seq })}</span>
          <Badge size="lg" variant="light" color="gray" leftSection={<IconLock size={12} />}>
            {t('ledger.journals.closedBadge')}
          </Badge>
        </Group>
      }
      intro={<AppLink href="/ledger/journals">← {t('ledger.journals.back')}</AppLink>}
      actions={
        <Button variant="default" onClick={() => void router.navigate({ href: `/ledger/entries?journalId=${encodeURIComponent(j.id)}` })}>
          {t('ledger.journals.showEntries')}
        </Button>
      }
    >
      {balanced && (
        <Alert color="green" variant="light" icon={<IconCheck size={18} />} mb="md" data-testid="journal-balanced">
          {t('ledger.journals.balanced', { amount: fmt.money(j.debit.minor, j.debit.currency) })}
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md" mb="md">
        <Paper withBorder p="md" radius="md">
          <Field label={t('ledger.journals.upTo')}>{fmt.date(j.upTo)}</Field>
          <Field label={t('ledger.journals.entries')}>
            {fmt.number(j.entryCount)} {j.firstSeq !== null && <Text span size="sm" c="dimmed" className="gh-mono">({j.firstSeq}–{j.lastSeq})</Text>}
          </Field>
          <Field label={t('ledger.debit')}>
            <MoneyCell m={j.debit} dimZero={false} />
          </Field>
          <Field label={t('ledger.credit')}>
            <MoneyCell m={j.credit} dimZero={false} />
          </Field>
          <Field label={t('ledger.journals.closedAt')}>
            {fmt.dateTime(j.closedAt)} · {j.closedBy}
          </Field>
        </Paper>
        <Paper withBorder p="md" radius="md">
          <Field label={t('ledger.entry.prevHash')}>
            <Text span size="xs" className="gh-mono">
              {j.prevHash}
            </Text>
          </Field>
          <Field label={t('ledger.entry.hash')}>
            <Text span size="xs" className="gh-mono">
              {j.hash}
            </Text>
          </Field>
          <Text size="xs" c="dimmed" mt="xs">
            {t('ledger.journals.hashHint')}
          </Text>
        </Paper>
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
        <SectionCard title={t('ledger.journals.byKind')}>
          <Table verticalSpacing={5} data-testid="journal-by-kind">
            <TableHead labels={[t('ledger.entry.kind'), t('ledger.journals.entries'), t('ledger.debit'), t('ledger.credit')]} />
            <Table.Tbody>
              {j.summary.byKind.map((k) => (
                <Table.Tr key={k.kind}>
                  <Table.Td>
                    <Text size="sm">{entryKindLabel(t, k.kind)}</Text>
                  </Table.Td>
                  <Table.Td ta="right">
                    <Text size="sm">{fmt.number(k.entries)}</Text>
                  </Table.Td>
                  <MoneyTd m={k.debit} />
                  <MoneyTd m={k.credit} />
                </Table.Tr>
              ))}
              <TotalRow>
                <Table.Td ta="right">
                  <Text size="sm" fw={650}>
                    {fmt.number(j.entryCount)}
                  </Text>
                </Table.Td>
                <MoneyTd m={j.debit} fw={650} dimZero={false} />
                <MoneyTd m={j.credit} fw={650} dimZero={false} />
              </TotalRow>
            </Table.Tbody>
          </Table>
        </SectionCard>
        <SectionCard title={t('ledger.journals.byAccount')}>
          <Table verticalSpacing={5} data-testid="journal-by-account">
            <TableHead labels={[t('ledger.line.account'), t('ledger.debit'), t('ledger.credit')]} />
            <Table.Tbody>
              {j.summary.byAccount.map((a) => (
                <Table.Tr key={a.account}>
                  <Table.Td>
                    <AccountLabel code={a.account} name={a.name} />
                  </Table.Td>
                  <MoneyTd m={a.debit} />
                  <MoneyTd m={a.credit} />
                </Table.Tr>
              ))}
              <TotalRow>
                <MoneyTd m={m(accDebit)} fw={650} dimZero={false} />
                <MoneyTd m={m(accCredit)} fw={650} dimZero={false} />
              </TotalRow>
            </Table.Tbody>
          </Table>
        </SectionCard>
      </SimpleGrid>
    </Page>
  );
};
