import { Alert, Badge, Checkbox, Group, Table, Text, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api } from '../ui/api.ts';
import { ErrorState, Page } from '../ui/components.tsx';
import { useFormat } from '../ui/format.ts';
import { IconAlert, IconCheck } from '../ui/icons.tsx';
import { useT } from '../ui/language.tsx';
import { str, useUrlSearch } from '../ui/search.ts';
import { ReportTable, TableHead } from '../ui/tables.tsx';
import { AccountLabel, LEDGER_KEY, MoneyTd, TotalRow } from './shared.tsx';
import { ACCOUNT_TYPES, type TrialBalance } from './types.ts';

const parse = (raw: Record<string, unknown>) => {
  const at = str(raw.at);
  return { at: at && /^\d{4}-\d{2}-\d{2}$/.test(at) ? at : undefined, includeEmpty: raw.includeEmpty === 'true' ? ('true' as const) : undefined };
};

/** Ledger → Trial balance at the end of a day: each account's debits, credits and balance; the totals agree. */
export const TrialBalancePage = () => {
  const t = useT();
  const fmt = useFormat();
  const [search, setSearch] = useUrlSearch(parse);
  const query = useQuery({
    queryKey: [LEDGER_KEY, 'trial-balance', search.at ?? 'today', search.includeEmpty ?? ''],
    queryFn: () => api.get<TrialBalance>('/ledger/trial-balance', { at: search.at, includeEmpty: search.includeEmpty }),
  });
  const tb = query.data;
  const balanced = tb ? tb.totals.debit.minor === tb.totals.credit.minor && tb.totals.debitBalance.minor === tb.totals.creditBalance.minor : false;
  const groups = tb ? ACCOUNT_TYPES.map((type) => ({ type, rows: tb.accounts.filter((a) => a.type === type) })).filter((g) => g.rows.length > 0) : [];
  return (
    <Page
      title={t('ledger.trial.title')}
      intro={t('ledger.trial.intro')}
      actions={
        <Group gap="sm">
          <TextInput type="date" size="sm" w={160} aria-label={t('ledger.trial.at')} title={t('ledger.trial.at')} value={search.at ?? tb?.at ?? ''} onChange={(e) => setSearch({ at: e.currentTarget.value || undefined }, { replace: true })} />
          <Checkbox size="sm" label={t('ledger.trial.includeEmpty')} checked={Boolean(search.includeEmpty)} onChange={(e) => setSearch({ includeEmpty: e.currentTarget.checked ? 'true' : undefined })} />
        </Group>
      }
    >
      {query.error ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : tb ? (
        <>
          {balanced ? (
            <Alert color="green" variant="light" icon={<IconCheck size={18} />} mb="md" data-testid="trial-balanced">
              {t('ledger.trial.balanced', { date: fmt.date(tb.at), amount: fmt.money(tb.totals.debit.minor, tb.totals.debit.currency) })}
            </Alert>
          ) : (
            <Alert color="red" variant="light" icon={<IconAlert size={18} />} mb="md" data-testid="trial-unbalanced">
              {t('ledger.trial.unbalanced')}
            </Alert>
          )}
          <ReportTable minWidth={760} testId="trial-balance">
            <TableHead labels={[t('ledger.line.account'), t('ledger.debit'), t('ledger.credit'), t('ledger.trial.debitBalance'), t('ledger.trial.creditBalance')]} />
            <Table.Tbody>
              {groups.map((g) => [
                <Table.Tr key={g.type} bg="var(--mantine-color-gray-0)">
                  <Table.Td colSpan={5}>
                    <Badge size="sm" variant="transparent" color="gray" px={0}>
                      {t(`ledger.type.${g.type}`)}
                    </Badge>
                  </Table.Td>
                </Table.Tr>,
                ...g.rows.map((a) => (
                  <Table.Tr key={a.code} data-account={a.code}>
                    <Table.Td>
                      <AccountLabel code={a.code} name={a.name} href={`/ledger/entries?account=${encodeURIComponent(a.code)}${search.at ? `&to=${search.at}` : ''}`} />
                    </Table.Td>
                    <MoneyTd m={a.debit} />
                    <MoneyTd m={a.credit} />
                    <MoneyTd m={a.debitBalance} />
                    <MoneyTd m={a.creditBalance} />
                  </Table.Tr>
                )),
              ])}
              <TotalRow fw={700}>
                <MoneyTd m={tb.totals.debit} fw={700} dimZero={false} testId="trial-total-debit" />
                <MoneyTd m={tb.totals.credit} fw={700} dimZero={false} testId="trial-total-credit" />
                <MoneyTd m={tb.totals.debitBalance} fw={700} dimZero={false} />
                <MoneyTd m={tb.totals.creditBalance} fw={700} dimZero={false} />
              </TotalRow>
            </Table.Tbody>
          </ReportTable>
          {tb.accounts.length === 0 && (
            <Text size="sm" c="dimmed" mt="md">
              {t('ledger.trial.empty')}
            </Text>
          )}
        </>
      ) : null}
    </Page>
  );
};
