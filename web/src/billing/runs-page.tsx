import { useEffect, useState } from 'react';
import { Alert, Box, Button, Group, Paper, Progress, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../ui/api.ts';
import { AppLink, ConfirmButton, FormError, Page } from '../ui/components.tsx';
import { DataTable, useList, type Column } from '../ui/data-table.tsx';
import { useFormat } from '../ui/format.ts';
import { IconAlert, IconCheck } from '../ui/icons.tsx';
import { useT } from '../ui/language.tsx';
import { notifySuccess } from '../ui/notify.tsx';
import { parseListSearch, str, useUrlSearch } from '../ui/search.ts';
import { useCan } from '../ui/session.ts';
import { useOrgToday } from '../catalog/shared.tsx';
import { CycleCard } from './cycle-card.tsx';
import { PreviewTable, RunStatusBadge, runKindLabel, TotalsView } from './totals.tsx';
import type { BillingRun, RunResult } from './types.ts';

export const BILLING_KEY = 'billing';
const PREVIEW_LIMIT = 100;
const finished = (status: string | undefined) => status === 'done' || status === 'failed';

const parse = (raw: Record<string, unknown>) => ({ ...parseListSearch(raw, { pageSize: 25 }), run: str(raw.run) });

/** The run being watched: polled every second until it is done or failed, then its summary. */
const RunProgress = ({ runId }: { runId: string }) => {
  const t = useT();
  const fmt = useFormat();
  const queryClient = useQueryClient();
  const run = useQuery({
    queryKey: [BILLING_KEY, 'run', runId],
    queryFn: () => api.get<BillingRun>(`/billing/runs/${encodeURIComponent(runId)}`),
    refetchInterval: (q) => (finished(q.state.data?.status) ? false : 1000),
  });
  const status = run.data?.status;
  useEffect(() => {
    // The list below shows the run's new status and totals once it has finished.
    if (finished(status)) void queryClient.invalidateQueries({ queryKey: [BILLING_KEY, 'list'] });
  }, [status, queryClient]);
  if (run.error) return <FormError error={run.error} />;
  const r = run.data;
  if (!r) return null;
  const pct = r.progress.total > 0 ? Math.round((r.progress.done / r.progress.total) * 100) : r.status === 'done' ? 100 : 0;
  return (
    <Paper withBorder p="md" radius="md" data-testid="run-progress">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={2} fz="md">
            {t('billing.run.current')} · {fmt.date(r.asOf)} · {runKindLabel(t, r.kind)}
          </Title>
          <RunStatusBadge status={r.status} />
        </Group>
        {!finished(r.status) && (
          <>
            <Progress value={pct} size="lg" animated striped aria-label={t('billing.run.progress', { done: r.progress.done, total: r.progress.total })} />
            <Text size="sm" c="dimmed">
              {r.status === 'queued' && r.progress.total === 0 ? t('billing.run.queued') : t('billing.run.progress', { done: fmt.number(r.progress.done), total: fmt.number(r.progress.total) })}
            </Text>
          </>
        )}
        {r.status === 'failed' && (
          <Alert color="red" variant="light" icon={<IconAlert size={18} />} role="alert">
            {t('billing.run.failed', { date: fmt.date(r.asOf), error: r.error ?? '' })}
          </Alert>
        )}
        {r.status === 'done' && (
          <>
            <Alert color="green" variant="light" icon={<IconCheck size={18} />}>
              <Group justify="space-between" gap="sm">
                <Text size="sm">{t('billing.run.done', { date: fmt.date(r.asOf) })}</Text>
                <AppLink href={`/billing/invoices?billingRunId=${encodeURIComponent(r.id)}`}>{t('billing.run.showInvoices')}</AppLink>
              </Group>
            </Alert>
            {r.summary && <TotalsView totals={r.summary} testId="run-summary" />}
          </>
        )}
      </Stack>
    </Paper>
  );
};

/** Billing → Runs: preview what is due, run it and watch it, the annual cycle, and past runs. */
export const BillingRunsPage = () => {
  const t = useT();
  const fmt = useFormat();
  const can = useCan();
  const canRun = can('billing', 'update');
  const today = useOrgToday();
  const [search, setSearch] = useUrlSearch(parse);
  const [asOf, setAsOf] = useState(today);
  const queryClient = useQueryClient();

  const preview = useMutation({
    mutationFn: () => api.post<RunResult>('/billing/preview', { asOf: asOf || undefined, limit: PREVIEW_LIMIT }),
    meta: { inline: true },
    onMutate: () => {
      start.reset();
      setSearch({ run: undefined });
    },
  });
  const start = useMutation({
    mutationFn: () => api.post<BillingRun>('/billing/runs', { asOf: asOf || undefined }),
    meta: { inline: true },
    onSuccess: (run) => {
      queryClient.setQueryData([BILLING_KEY, 'run', run.id], run);
      void queryClient.invalidateQueries({ queryKey: [BILLING_KEY, 'list'] });
      notifySuccess(t('billing.run.started'));
      preview.reset();
      setSearch({ run: run.id });
    },
  });

  const runs = useList<BillingRun>(BILLING_KEY, '/billing/runs', { page: search.page, pageSize: search.pageSize });
  const columns: Column<BillingRun>[] = [
    { key: 'asOf', header: t('billing.past.asOf'), render: (r) => <Text size="sm" fw={500}>{fmt.date(r.asOf)}</Text> },
    { key: 'kind', header: t('billing.past.kind'), render: (r) => <Text size="sm">{runKindLabel(t, r.kind)}</Text> },
    { key: 'status', header: t('common.status'), render: (r) => <RunStatusBadge status={r.status} /> },
    { key: 'invoices', header: t('billing.totals.invoices'), align: 'right', render: (r) => <Text size="sm">{fmt.number(r.invoices)}</Text> },
    { key: 'total', header: t('billing.totals.total'), align: 'right', render: (r) => <Text size="sm" style={{ fontVariantNumeric: 'tabular-nums' }}>{fmt.money(r.total.minor, r.total.currency)}</Text> },
    { key: 'started', header: t('billing.past.started'), render: (r) => <Text size="sm">{fmt.dateTime(r.startedAt)}</Text> },
    { key: 'by', header: t('billing.past.startedBy'), render: (r) => <Text size="sm" c="dimmed" truncate maw={200}>{r.startedBy}</Text> },
    {
      key: 'invoicesLink',
      header: '',
      align: 'right',
      render: (r) =>
        r.invoices > 0 ? (
          <span onClick={(e) => e.stopPropagation()}>
            <AppLink href={`/billing/invoices?billingRunId=${encodeURIComponent(r.id)}`}>{t('billing.tab.invoices')}</AppLink>
          </span>
        ) : null,
    },
  ];

  const result = preview.data;
  return (
    <Page title={t('billing.runs.title')} intro={t('billing.runs.intro')}>
      <Stack gap="lg">
        <Paper withBorder p="md" radius="md">
          <form
            onSubmit={(e) => {
              e.preventDefault();
              preview.mutate();
            }}
          >
            <Stack gap="sm">
              <Title order={2} fz="md">
                {t('billing.preview.title')}
              </Title>
              <Group align="flex-end" gap="sm">
                <TextInput
                  label={t('billing.preview.asOf')}
                  description={t('billing.preview.asOfHint')}
                  type="date"
                  value={asOf}
                  onChange={(e) => {
                    setAsOf(e.currentTarget.value);
                    preview.reset();
                    start.reset();
                  }}
                  w={220}
                />
                <Button type="submit" variant="light" loading={preview.isPending}>
                  {t('billing.preview.button')}
                </Button>
                {canRun && (
                  <ConfirmButton
                    size="sm"
                    variant="filled"
                    color="guild"
                    message={t('billing.run.confirm', { date: fmt.date(asOf || today) })}
                    confirmLabel={t('billing.run.confirmLabel')}
                    onConfirm={() => start.mutateAsync().catch(() => undefined)}
                    disabled={start.isPending}
                  >
                    {t('billing.run.button')}
                  </ConfirmButton>
                )}
              </Group>
              <FormError error={preview.error ?? start.error} />
            </Stack>
          </form>
        </Paper>

        {search.run && <RunProgress runId={search.run} />}

        {result && (
          <Stack gap="md" data-testid="preview-result">
            {result.lines === 0 ? (
              <Alert color="gray" variant="light">
                {t('billing.preview.nothing', { date: fmt.date(result.asOf) })}
              </Alert>
            ) : (
              <>
                <TotalsView totals={result} testId="preview-totals" />
                {result.preview && result.preview.length > 0 && (
                  <>
                    {result.preview.length < result.payers && (
                      <Text size="sm" c="dimmed">
                        {t('billing.preview.shown', { shown: fmt.number(result.preview.length), payers: fmt.number(result.payers) })}
                      </Text>
                    )}
                    <PreviewTable payers={result.preview} />
                  </>
                )}
              </>
            )}
          </Stack>
        )}

        {canRun && <CycleCard />}

        <Box>
          <Title order={2} fz="md" mb="sm">
            {t('billing.past.title')}
          </Title>
          <DataTable
            columns={columns}
            query={runs}
            search={search}
            onSearchChange={setSearch}
            rowKey={(r) => r.id}
            onRowClick={(r) => {
              preview.reset();
              setSearch({ run: r.id });
              window.scrollTo({ top: 0, behavior: 'smooth' });
            }}
            empty={{ title: t('billing.past.empty'), description: t('billing.past.emptyDescription') }}
            testId="runs-table"
          />
        </Box>
      </Stack>
    </Page>
  );
};
