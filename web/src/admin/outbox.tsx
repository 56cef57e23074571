import { Alert, Badge, Box, Drawer, Group, Paper, SegmentedControl, Skeleton, Stack, Table, Tabs, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api } from '../ui/api.ts';
import { ErrorState, Page } from '../ui/components.tsx';
import { DataTable, useList, type Column } from '../ui/data-table.tsx';
import { useFormat } from '../ui/format.ts';
import { IconAlert, IconMail, IconPaperclip } from '../ui/icons.tsx';
import { useT, type Translate } from '../ui/language.tsx';
import { oneOf, parseListSearch, str, useUrlSearch } from '../ui/search.ts';
import type { Mail, MailDetail, MailStatus } from '../ui/types.ts';
import { CommunicationsTabs } from '../documents/mail-templates.tsx';

const STATUSES: readonly MailStatus[] = ['queued', 'sent', 'stored', 'failed'];
const STATUS_COLORS: Record<MailStatus, string> = { queued: 'yellow', sent: 'green', stored: 'blue', failed: 'red' };

const parse = (raw: Record<string, unknown>) => ({
  ...parseListSearch(raw, { sort: '-created_at' }),
  status: oneOf(raw.status, STATUSES),
  open: str(raw.open),
});

export const MailStatusBadge = ({ status, t }: { status: string; t: Translate }) => {
  const known = oneOf(status, STATUSES);
  return (
    <Badge color={known ? STATUS_COLORS[known] : 'gray'} variant="light" size="sm">
      {known ? t(`outbox.status.${known}`) : status}
    </Badge>
  );
};

const Meta = ({ label, children }: { label: string; children: React.ReactNode }) => (
  <Table.Tr>
    <Table.Td w={110} c="dimmed" fz="sm" style={{ verticalAlign: 'top' }}>
      {label}
    </Table.Td>
    <Table.Td fz="sm">{children}</Table.Td>
  </Table.Tr>
);

const MessageView = ({ id }: { id: string }) => {
  const t = useT();
  const fmt = useFormat();
  const mail = useQuery({ queryKey: ['mail', id], queryFn: () => api.get<MailDetail>(`/mail/${encodeURIComponent(id)}`) });
  if (mail.error) return <ErrorState error={mail.error} onRetry={() => void mail.refetch()} />;
  if (!mail.data) {
    return (
      <Stack>
        <Skeleton h={24} w="70%" />
        <Skeleton h={120} />
        <Skeleton h={300} />
      </Stack>
    );
  }
  const m = mail.data;
  return (
    <Stack gap="md" data-testid="mail-view">
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Title order={3} fz={18}>
          {m.subject}
        </Title>
        <MailStatusBadge status={m.status} t={t} />
      </Group>
      <Table verticalSpacing={4} horizontalSpacing={0} withRowBorders={false}>
        <Table.Tbody>
          <Meta label={t('outbox.from')}>{m.from}</Meta>
          <Meta label={t('outbox.to')}>{m.to.join(', ')}</Meta>
          {m.cc && m.cc.length > 0 && <Meta label={t('outbox.cc')}>{m.cc.join(', ')}</Meta>}
          <Meta label={t('outbox.created')}>{fmt.dateTime(m.createdAt)}</Meta>
          {m.sentAt && <Meta label={t('outbox.sent')}>{fmt.dateTime(m.sentAt)}</Meta>}
          <Meta label={t('outbox.attempts')}>{m.attempts}</Meta>
          {m.relatedType && (
            <Meta label={t('outbox.related')}>
              <Text span className="gh-mono">
                {m.relatedType} {m.relatedId}
              </Text>
            </Meta>
          )}
        </Table.Tbody>
      </Table>
      {m.lastError && (
        <Alert color="red" variant="light" icon={<IconAlert size={16} />} title={t('outbox.lastError')}>
          <pre className="gh-pre">{m.lastError}</pre>
        </Alert>
      )}
      <Tabs defaultValue={m.htmlBody ? 'html' : 'text'} keepMounted={false}>
        <Tabs.List>
          {m.htmlBody && <Tabs.Tab value="html">{t('outbox.html')}</Tabs.Tab>}
          <Tabs.Tab value="text">{t('outbox.text')}</Tabs.Tab>
        </Tabs.List>
        {m.htmlBody && (
          <Tabs.Panel value="html" pt="sm">
            {/* No scripts, no forms, no same-origin: mail HTML is shown, never trusted. */}
            <iframe className="gh-mail-frame" title={m.subject} sandbox="" srcDoc={m.htmlBody} referrerPolicy="no-referrer" />
          </Tabs.Panel>
        )}
        <Tabs.Panel value="text" pt="sm">
          <Paper withBorder p="md" bg="white">
            <pre className="gh-pre" data-testid="mail-text">
              {m.textBody}
            </pre>
          </Paper>
        </Tabs.Panel>
      </Tabs>
      <div>
        <Text fw={600} size="sm" mb={6}>
          {t('outbox.attachments')}
        </Text>
        {m.attachments.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('outbox.noAttachments')}
          </Text>
        ) : (
          <Stack gap={4}>
            {m.attachments.map((a, i) => (
              <Group key={`${a.filename}-${i}`} gap="xs">
                <IconPaperclip size={14} />
                <Text size="sm">{a.filename}</Text>
                <Text size="xs" c="dimmed">
                  {a.contentType} · {fmt.bytes(a.size)}
                </Text>
              </Group>
            ))}
          </Stack>
        )}
      </div>
    </Stack>
  );
};

export const OutboxPage = () => {
  const t = useT();
  const fmt = useFormat();
  const [search, setSearch] = useUrlSearch(parse);
  const { open, ...listSearch } = search;
  const list = useList<Mail>('mail', '/mail', { ...listSearch });
  const columns: Column<Mail>[] = [
    { key: 'status', header: t('common.status'), sort: 'status', width: 110, render: (m) => <MailStatusBadge status={m.status} t={t} /> },
    { key: 'to', header: t('outbox.to'), render: (m) => <Text size="sm" truncate maw={260}>{m.to.join(', ')}</Text> },
    { key: 'subject', header: t('outbox.subject'), sort: 'subject', render: (m) => <Text size="sm" fw={500} truncate maw={420}>{m.subject}</Text> },
    { key: 'created', header: t('outbox.created'), sort: 'created_at', width: 150, render: (m) => <Text size="sm" style={{ whiteSpace: 'nowrap' }}>{fmt.dateTime(m.createdAt)}</Text> },
    { key: 'sent', header: t('outbox.sent'), sort: 'sent_at', width: 150, render: (m) => <Text size="sm" c={m.sentAt ? undefined : 'dimmed'} style={{ whiteSpace: 'nowrap' }}>{fmt.dateTime(m.sentAt)}</Text> },
  ];
  return (
    <>
    <CommunicationsTabs />
    <Page title={t('outbox.title')} intro={t('outbox.intro')}>
      <DataTable
        testId="outbox-table"
        columns={columns}
        query={list}
        search={listSearch}
        onSearchChange={setSearch}
        rowKey={(m) => m.id}
        onRowClick={(m) => setSearch({ open: m.id })}
        searchPlaceholder={t('outbox.searchPlaceholder')}
        filters={
          <SegmentedControl
            size="sm"
            value={search.status ?? 'all'}
            onChange={(v) => setSearch({ status: v === 'all' ? undefined : v, page: undefined })}
            data={[{ value: 'all', label: t('common.all') }, ...STATUSES.map((s) => ({ value: s, label: t(`outbox.status.${s}`) }))]}
          />
        }
        filtered={Boolean(search.status)}
        onClearFilters={() => setSearch({ status: undefined, q: undefined, page: undefined })}
        empty={{ title: t('outbox.emptyTitle'), description: t('outbox.emptyDescription'), icon: <IconMail size={24} /> }}
      />
      <Drawer opened={Boolean(open)} onClose={() => setSearch({ open: undefined })} position="right" size="xl" title={<Text fw={600}>{t('outbox.title')}</Text>}>
        <Box>{open && <MessageView id={open} />}</Box>
      </Drawer>
    </Page>
    </>
  );
};
