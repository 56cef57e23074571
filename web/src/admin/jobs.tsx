import { Badge, Box, Button, Group, Paper, Skeleton, Table, Tabs, Text, Title, Tooltip } from '@mantine/core';
import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../ui/api.ts';
import { ErrorState, Page } from '../ui/components.tsx';
import { DataTable, useList, type Column } from '../ui/data-table.tsx';
import { useFormat } from '../ui/format.ts';
import { IconCheck, IconClock, IconRefresh } from '../ui/icons.tsx';
import { useT } from '../ui/language.tsx';
import { notifySuccess } from '../ui/notify.tsx';
import { oneOf, parseListSearch, useUrlSearch } from '../ui/search.ts';
import { useCan } from '../ui/session.ts';
import type { Job, JobStatus, Paged, ScheduledTask } from '../ui/types.ts';

const STATUSES: readonly JobStatus[] = ['failed', 'pending', 'running', 'done'];

const parse = (raw: Record<string, unknown>) => ({
  ...parseListSearch(raw, { sort: '-created_at' }),
  status: oneOf(raw.status, STATUSES) ?? 'failed',
});

const ScheduledTasks = () => {
  const t = useT();
  const fmt = useFormat();
  const tasks = useQuery({ queryKey: ['scheduled-tasks'], queryFn: () => api.get<{ items: ScheduledTask[] }>('/scheduled-tasks') });
  return (
    <Box mt={36}>
      <Title order={3} fz={17} mb={2}>
        {t('jobs.scheduled')}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {t('jobs.scheduledIntro')}
      </Text>
      {tasks.error ? (
        <ErrorState error={tasks.error} onRetry={() => void tasks.refetch()} />
      ) : (
        <Paper withBorder style={{ overflow: 'hidden' }}>
          <Table.ScrollContainer minWidth={760} type="native">
            <Table className="gh-table" verticalSpacing={9} horizontalSpacing="md" data-testid="scheduled-tasks">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('jobs.task')}</Table.Th>
                  <Table.Th>{t('jobs.cron')}</Table.Th>
                  <Table.Th>{t('jobs.nextRun')}</Table.Th>
                  <Table.Th>{t('jobs.lastRun')}</Table.Th>
                  <Table.Th>{t('jobs.lastStatus')}</Table.Th>
                  <Table.Th ta="right">{t('jobs.duration')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {!tasks.data
                  ? Array.from({ length: 3 }, (_, i) => (
                      <Table.Tr key={i}>
                        {Array.from({ length: 6 }, (_, j) => (
                          <Table.Td key={j}>
                            <Skeleton h={12} w="70%" />
                          </Table.Td>
                        ))}
                      </Table.Tr>
                    ))
                  : tasks.data.items.map((task) => (
                      <Table.Tr key={task.name}>
                        <Table.Td>
                          <Group gap={8} wrap="nowrap">
                            <Text className="gh-mono" fw={500}>
                              {task.name}
                            </Text>
                            {!task.enabled && (
                              <Badge color="gray" size="xs">
                                {t('jobs.disabled')}
                              </Badge>
                            )}
                          </Group>
                        </Table.Td>
                        <Table.Td>
                          <Text className="gh-mono">{task.cron}</Text>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                            {fmt.dateTime(task.nextRunAt)}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm" c={task.lastRunAt ? undefined : 'dimmed'} style={{ whiteSpace: 'nowrap' }}>
                            {fmt.dateTime(task.lastRunAt)}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          {task.lastStatus ? (
                            <Tooltip label={task.lastError} disabled={!task.lastError} multiline maw={420}>
                              <Badge color={task.lastStatus === 'ok' || task.lastStatus === 'done' || task.lastStatus === 'success' ? 'green' : task.lastStatus === 'failed' || task.lastStatus === 'error' ? 'red' : 'gray'} size="sm">
                                {task.lastStatus}
                              </Badge>
                            </Tooltip>
                          ) : (
                            <Text size="sm" c="dimmed">
                              —
                            </Text>
                          )}
                        </Table.Td>
                        <Table.Td ta="right">
                          <Text size="sm" c="dimmed">
                            {task.lastDurationMs === null ? '—' : `${fmt.number(task.lastDurationMs)} ms`}
                          </Text>
                        </Table.Td>
                      </Table.Tr>
                    ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {tasks.data && tasks.data.items.length === 0 && (
            <Text size="sm" c="dimmed" p="md">
              {t('jobs.noTasks')}
            </Text>
          )}
        </Paper>
      )}
    </Box>
  );
};

export const JobsPage = () => {
  const t = useT();
  const fmt = useFormat();
  const can = useCan();
  const queryClient = useQueryClient();
  const [search, setSearch] = useUrlSearch(parse);
  const list = useList<Job>('jobs', '/jobs', { ...search });
  const counts = useQueries({
    queries: STATUSES.map((status) => ({
      queryKey: ['jobs', { status, pageSize: 1 }],
      queryFn: () => api.get<Paged<Job>>('/jobs', { status, pageSize: 1 }),
      meta: { silent: true },
    })),
  });
  const retry = useMutation({
    mutationFn: (id: string) => api.post<Job>(`/jobs/${encodeURIComponent(id)}/retry`),
    onSuccess: async () => {
      notifySuccess(t('jobs.retried'));
      await queryClient.invalidateQueries({ queryKey: ['jobs'] });
    },
  });
  const canRetry = can('settings', 'update');

  const columns: Column<Job>[] = [
    {
      key: 'type',
      header: t('common.type'),
      sort: 'type',
      render: (j) => (
        <div>
          <Text className="gh-mono" fw={500}>
            {j.type}
          </Text>
          <Text size="xs" c="dimmed" className="gh-mono" truncate maw={260} title={j.id}>
            {j.id}
          </Text>
        </div>
      ),
    },
    {
      key: 'attempts',
      header: t('jobs.attempts'),
      width: 90,
      render: (j) => (
        <Text size="sm" c={j.attempts >= j.maxAttempts ? 'red' : undefined}>
          {j.attempts} / {j.maxAttempts}
        </Text>
      ),
    },
    { key: 'runAt', header: t('jobs.runAt'), sort: 'run_at', width: 150, render: (j) => <Text size="sm" style={{ whiteSpace: 'nowrap' }}>{fmt.dateTime(j.runAt)}</Text> },
    { key: 'updated', header: search.status === 'done' || search.status === 'failed' ? t('jobs.finished') : t('common.created'), sort: search.status === 'done' || search.status === 'failed' ? 'updated_at' : 'created_at', width: 150, render: (j) => <Text size="sm" style={{ whiteSpace: 'nowrap' }}>{fmt.dateTime(search.status === 'done' || search.status === 'failed' ? (j.finishedAt ?? j.updatedAt) : j.createdAt)}</Text> },
    {
      key: 'error',
      header: t('jobs.lastError'),
      render: (j) =>
        j.lastError ? (
          <Tooltip label={<pre className="gh-pre">{j.lastError}</pre>} multiline maw={520}>
            <Text size="sm" c="red.8" lineClamp={2} maw={380}>
              {j.lastError}
            </Text>
          </Tooltip>
        ) : (
          <Text size="sm" c="dimmed">
            —
          </Text>
        ),
    },
  ];
  if (canRetry && search.status === 'failed') {
    columns.push({
      key: 'retry',
      header: '',
      align: 'right',
      width: 100,
      render: (j) => (
        <Button size="compact-sm" variant="light" leftSection={<IconRefresh size={14} />} loading={retry.isPending && retry.variables === j.id} onClick={() => retry.mutate(j.id)}>
          {t('jobs.retry')}
        </Button>
      ),
    });
  }

  return (
    <Page
      title={t('jobs.title')}
      intro={t('jobs.intro')}
      actions={
        <Button variant="default" leftSection={<IconRefresh size={16} />} onClick={() => void queryClient.invalidateQueries({ queryKey: ['jobs'] })}>
          {t('common.refresh')}
        </Button>
      }
    >
      <Tabs value={search.status} onChange={(s) => setSearch({ status: s === 'failed' ? undefined : (s ?? undefined), page: undefined, sort: undefined })} mb="md">
        <Tabs.List>
          {STATUSES.map((s, i) => {
            const n = counts[i]?.data?.total;
            return (
              <Tabs.Tab
                key={s}
                value={s}
                rightSection={
                  n !== undefined ? (
                    <Badge size="xs" circle={n < 100} variant={s === 'failed' && n > 0 ? 'filled' : 'light'} color={s === 'failed' && n > 0 ? 'red' : 'gray'}>
                      {n}
                    </Badge>
                  ) : undefined
                }
              >
                {t(`jobs.status.${s}`)}
              </Tabs.Tab>
            );
          })}
        </Tabs.List>
      </Tabs>
      <DataTable
        testId="jobs-table"
        columns={columns}
        query={list}
        search={search}
        onSearchChange={setSearch}
        rowKey={(j) => j.id}
        searchPlaceholder={t('jobs.searchPlaceholder')}
        empty={
          search.status === 'failed'
            ? { title: t('jobs.emptyFailed'), description: t('jobs.emptyFailedDescription'), icon: <IconCheck size={24} /> }
            : { title: t('jobs.emptyTitle'), description: t('jobs.emptyDescription'), icon: <IconClock size={24} /> }
        }
      />
      <ScheduledTasks />
    </Page>
  );
};
