import type { ReactNode } from 'react';
import { Anchor, Badge, Box, Group, Paper, SimpleGrid, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api } from '../ui/api.ts';
import { AppLink, Page, SectionIcon } from '../ui/components.tsx';
import { IconExternal, IconJobs, IconMail } from '../ui/icons.tsx';
import { useT } from '../ui/language.tsx';
import { useFormat } from '../ui/format.ts';
import { useCan, useMe, useOrganization } from '../ui/session.ts';
import type { AuditEntry, Paged } from '../ui/types.ts';
import { changedFields } from './audit.tsx';

const StatCard = ({ icon, label, hint, value, loading, tone, href, action, testId }: {
  icon: ReactNode;
  label: string;
  hint: string;
  value: ReactNode;
  loading: boolean;
  tone?: { color: string; text: string };
  href?: string;
  action?: string;
  testId?: string;
}) => {
  return (
    <Paper withBorder p="lg" data-testid={testId}>
      <Group justify="space-between" align="flex-start" mb="md">
        <SectionIcon color={tone?.color === 'red' ? 'red' : 'guild'}>{icon}</SectionIcon>
        {tone && !loading && (
          <Badge color={tone.color} variant="light">
            {tone.text}
          </Badge>
        )}
      </Group>
      <Text size="sm" c="dimmed" fw={500}>
        {label}
      </Text>
      {loading ? <Skeleton h={34} w={60} my={4} /> : <Text fz={32} fw={700} lh={1.3} data-testid={testId ? `${testId}-value` : undefined}>{value}</Text>}
      <Group justify="space-between" mt={4}>
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
        {href && action && (
          <AppLink size="xs" href={href}>
            {action} →
          </AppLink>
        )}
      </Group>
    </Paper>
  );
};

const RecentChanges = () => {
  const t = useT();
  const fmt = useFormat();
  const recent = useQuery({ queryKey: ['audit', 'recent'], queryFn: () => api.get<Paged<AuditEntry>>('/audit', { pageSize: 8, sort: '-seq' }) });
  return (
    <Paper withBorder mt="md">
      <Group justify="space-between" px="lg" py="sm" style={{ borderBottom: '1px solid var(--gh-border)' }}>
        <Title order={3} fz={15}>
          {t('dashboard.recent')}
        </Title>
        <AppLink size="xs" href="/audit">
          {t('dashboard.allChanges')} →
        </AppLink>
      </Group>
      <Stack gap={0} className="gh-setting-list">
        {!recent.data
          ? Array.from({ length: 4 }, (_, i) => (
              <Box key={i} px="lg" py={10}>
                <Skeleton h={12} w={`${40 + i * 10}%`} />
              </Box>
            ))
          : recent.data.items.map((e) => (
              <Group key={e.seq} px="lg" py={9} gap="md" wrap="nowrap">
                <Text size="xs" c="dimmed" w={118} style={{ flexShrink: 0 }}>
                  {fmt.dateTime(e.at)}
                </Text>
                <Badge size="sm" variant="light" color="gray" tt="none" ff="monospace" style={{ flexShrink: 0 }}>
                  {e.entityType}
                </Badge>
                <Text size="sm" truncate style={{ flex: 1 }}>
                  <Text span fw={600}>
                    {e.actorName ?? e.actorType}
                  </Text>{' '}
                  <Text span c="dimmed">
                    {e.action}
                  </Text>{' '}
                  <Text span className="gh-mono">
                    {e.entityId}
                  </Text>
                  {changedFields(e.before, e.after).length > 0 && (
                    <Text span c="dimmed" size="xs">
                      {' '}
                      · {changedFields(e.before, e.after).join(', ')}
                    </Text>
                  )}
                </Text>
              </Group>
            ))}
        {recent.data && recent.data.items.length === 0 && (
          <Text size="sm" c="dimmed" px="lg" py="md">
            {t('dashboard.recentEmpty')}
          </Text>
        )}
      </Stack>
    </Paper>
  );
};

export const DashboardPage = () => {
  const t = useT();
  const me = useMe();
  const org = useOrganization();
  const can = useCan();
  const fmt = useFormat();
  const seeJobs = can('settings', 'read');
  const seeMail = can('communications', 'read');
  const failed = useQuery({
    queryKey: ['jobs', { status: 'failed', pageSize: 1 }],
    queryFn: () => api.get<Paged<unknown>>('/jobs', { status: 'failed', pageSize: 1 }),
    enabled: seeJobs,
  });
  const queued = useQuery({
    queryKey: ['mail', { status: 'queued', pageSize: 1 }],
    queryFn: () => api.get<Paged<unknown>>('/mail', { status: 'queued', pageSize: 1 }),
    enabled: seeMail,
  });
  const failedCount = failed.data?.total ?? 0;
  const queuedCount = queued.data?.total ?? 0;
  return (
    <Page title={t('dashboard.welcome', { name: me.name.split(' ')[0] || me.email })} intro={t('dashboard.intro', { org: org.name })}>
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="md">
        {seeJobs && (
          <StatCard
            testId="failed-jobs"
            icon={<IconJobs size={20} />}
            label={t('dashboard.failedJobs')}
            hint={t('dashboard.failedJobsHint')}
            value={failed.isError ? '—' : fmt.number(failedCount)}
            loading={failed.isPending}
            tone={failedCount > 0 ? { color: 'red', text: t('dashboard.needsAttention') } : { color: 'green', text: t('dashboard.allGood') }}
            href="/jobs?status=failed"
            action={t('dashboard.view')}
          />
        )}
        {seeMail && (
          <StatCard
            testId="queued-mail"
            icon={<IconMail size={20} />}
            label={t('dashboard.queuedMail')}
            hint={t('dashboard.queuedMailHint')}
            value={queued.isError ? '—' : fmt.number(queuedCount)}
            loading={queued.isPending}
            href="/outbox?status=queued"
            action={t('dashboard.view')}
          />
        )}
        <Paper withBorder p="lg">
          <Stack gap={6} h="100%">
            <Group justify="space-between" align="flex-start" mb={10}>
              <SectionIcon>
                <IconExternal size={20} />
              </SectionIcon>
            </Group>
            <Text size="sm" c="dimmed" fw={500}>
              {t('dashboard.api')}
            </Text>
            <Text size="sm">{t('dashboard.apiHint')}</Text>
            <Anchor href="/api/docs" target="_blank" rel="noopener" size="sm" fw={600} mt="auto">
              {t('dashboard.openDocs')} ↗
            </Anchor>
          </Stack>
        </Paper>
      </SimpleGrid>
      {can('staff', 'read') && <RecentChanges />}
    </Page>
  );
};
