import { Badge, Button, Drawer, Group, Paper, Skeleton, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, downloadUrl } from '../ui/api.ts';
import { AppLink, ConfirmButton, ErrorState, Page } from '../ui/components.tsx';
import { DataTable, useList, type Column } from '../ui/data-table.tsx';
import { useFormat } from '../ui/format.ts';
import { IconDownload, IconExternal, IconFile } from '../ui/icons.tsx';
import { useT } from '../ui/language.tsx';
import { notifySuccess } from '../ui/notify.tsx';
import { parseListSearch, str, useUrlSearch } from '../ui/search.ts';
import { useCan } from '../ui/session.ts';
import { kindLabel } from '../invoices/shared.tsx';
import type { PrintBatch, PrintBatchDetail, WaitingPrint } from './types.ts';

const PRINT_KEY = 'print-batches';
const parse = (raw: Record<string, unknown>) => ({ ...parseListSearch(raw, {}), batch: str(raw.batch) });

const BatchLinks = ({ id }: { id: string }) => {
  const t = useT();
  const path = `/print-batches/${encodeURIComponent(id)}/pdf`;
  return (
    <Group gap="xs">
      <Button component="a" href={downloadUrl(path)} target="_blank" rel="noopener" size="compact-sm" variant="light" leftSection={<IconExternal size={14} />} data-testid="batch-pdf">
        {t('documents.print.openPdf')}
      </Button>
      <Button component="a" href={downloadUrl(path, { download: 'true' })} size="compact-sm" variant="subtle" leftSection={<IconDownload size={14} />}>
        {t('documents.pdf.download')}
      </Button>
    </Group>
  );
};

/** One batch: its file and, in file order, what it holds (payer, address, pages). */
export const PrintBatchView = ({ id }: { id: string }) => {
  const t = useT();
  const fmt = useFormat();
  const batch = useQuery({ queryKey: [PRINT_KEY, 'one', id], queryFn: () => api.get<PrintBatchDetail>(`/print-batches/${encodeURIComponent(id)}`) });
  if (batch.error) return <ErrorState error={batch.error} onRetry={() => void batch.refetch()} />;
  if (!batch.data) return <Skeleton h={200} />;
  const b = batch.data;
  return (
    <Stack gap="sm" data-testid="print-batch">
      <Text size="sm">{t('documents.print.batchSummary', { documents: fmt.number(b.documentCount), pages: fmt.number(b.pageCount), when: fmt.dateTime(b.createdAt), by: b.createdBy })}</Text>
      <Text size="xs" c="dimmed" className="gh-mono">
        {b.file}
      </Text>
      <BatchLinks id={b.id} />
      <Table verticalSpacing={5} fz="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('documents.print.pages')}</Table.Th>
            <Table.Th>{t('invoices.number')}</Table.Th>
            <Table.Th>{t('invoices.payer')}</Table.Th>
            <Table.Th>{t('documents.print.address')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {b.items.map((i) => (
            <Table.Tr key={i.invoiceId}>
              <Table.Td style={{ whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' }}>{i.firstPage === null ? '—' : i.firstPage === i.lastPage ? i.firstPage : `${i.firstPage}–${i.lastPage}`}</Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>
                <AppLink href={`/billing/invoices/${encodeURIComponent(i.invoiceId)}`}>{`${kindLabel(t, i.kind)} ${i.number ?? ''}`}</AppLink>
              </Table.Td>
              <Table.Td>{i.payerName}</Table.Td>
              <Table.Td>
                <Text size="xs" c="dimmed">
                  {i.address.join(', ')}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
};

/** Billing → Print: what waits for print, "create print batch", and the batches made before. */
export const PrintPage = () => {
  const t = useT();
  const fmt = useFormat();
  const can = useCan();
  const queryClient = useQueryClient();
  const [search, setSearch] = useUrlSearch(parse);
  const { batch, ...listSearch } = search;
  const waiting = useQuery({ queryKey: [PRINT_KEY, 'waiting'], queryFn: () => api.get<WaitingPrint>('/print-batches/waiting') });
  const batches = useList<PrintBatch>(PRINT_KEY, '/print-batches', { page: listSearch.page, pageSize: listSearch.pageSize });
  const create = useMutation({
    mutationFn: () => api.post<PrintBatchDetail>('/print-batches', {}),
    onSuccess: async (b) => {
      notifySuccess(t('documents.print.created', { count: fmt.number(b.documentCount) }));
      await queryClient.invalidateQueries({ queryKey: [PRINT_KEY] });
      setSearch({ batch: b.id });
    },
  });
  const w = waiting.data;
  const columns: Column<PrintBatch>[] = [
    { key: 'created', header: t('common.created'), render: (b) => <Text size="sm">{fmt.dateTime(b.createdAt)}</Text> },
    { key: 'documents', header: t('documents.print.documents'), align: 'right', render: (b) => <Text size="sm">{fmt.number(b.documentCount)}</Text> },
    { key: 'pages', header: t('documents.print.pageCount'), align: 'right', render: (b) => <Text size="sm">{fmt.number(b.pageCount)}</Text> },
    { key: 'by', header: t('documents.print.by'), render: (b) => <Text size="sm">{b.createdBy}</Text> },
    {
      key: 'file',
      header: t('documents.print.file'),
      render: (b) => (
        <Button component="a" href={downloadUrl(`/print-batches/${encodeURIComponent(b.id)}/pdf`)} target="_blank" rel="noopener" size="compact-xs" variant="subtle" leftSection={<IconFile size={13} />} onClick={(e: React.MouseEvent) => e.stopPropagation()}>
          PDF
        </Button>
      ),
    },
  ];
  return (
    <Page
      title={t('documents.print.title')}
      intro={t('documents.print.intro')}
      actions={
        can('billing', 'update') ? (
          <ConfirmButton
            variant="filled"
            color="guild"
            size="sm"
            disabled={!w?.total}
            message={t('documents.print.confirm', { count: fmt.number(w?.total ?? 0) })}
            confirmLabel={t('documents.print.create')}
            onConfirm={() => create.mutateAsync()}
          >
            {t('documents.print.create')}
          </ConfirmButton>
        ) : undefined
      }
    >
      <Stack gap="lg">
        <Paper withBorder p="md" radius="md" data-testid="print-waiting">
          <Group gap="xs" mb="xs">
            <Title order={2} fz="md">
              {t('documents.print.waiting')}
            </Title>
            {w && (
              <Badge variant="light" color={w.total ? 'grape' : 'gray'}>
                {fmt.number(w.total)}
              </Badge>
            )}
          </Group>
          {waiting.error ? <ErrorState error={waiting.error} onRetry={() => void waiting.refetch()} /> : null}
          {!w && !waiting.error && <Skeleton h={80} />}
          {w && w.total === 0 && (
            <Text size="sm" c="dimmed">
              {t('documents.print.nothingWaiting')}
            </Text>
          )}
          {w && w.total > 0 && (
            <Table.ScrollContainer minWidth={560} mah={360} type="native">
              <Table verticalSpacing={5} fz="sm" stickyHeader>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('invoices.number')}</Table.Th>
                    <Table.Th>{t('invoices.payer')}</Table.Th>
                    <Table.Th ta="right">{t('documents.print.sending')}</Table.Th>
                    <Table.Th>{t('documents.print.queuedAt')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {w.items.map((i) => (
                    <Table.Tr key={i.deliveryId}>
                      <Table.Td>
                        <AppLink href={`/billing/invoices/${encodeURIComponent(i.invoiceId)}`}>{`${kindLabel(t, i.kind)} ${i.number ?? ''}`}</AppLink>
                      </Table.Td>
                      <Table.Td>{i.payerName}</Table.Td>
                      <Table.Td ta="right">{i.sending}</Table.Td>
                      <Table.Td>{fmt.dateTime(i.queuedAt)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
          {w && w.total > w.items.length && (
            <Text size="xs" c="dimmed" mt={4}>
              {t('documents.print.moreWaiting', { shown: fmt.number(w.items.length), total: fmt.number(w.total) })}
            </Text>
          )}
        </Paper>
        <div>
          <Title order={2} fz="md" mb="xs">
            {t('documents.print.batches')}
          </Title>
          <DataTable
            testId="print-batches-table"
            columns={columns}
            query={batches}
            search={listSearch}
            onSearchChange={setSearch}
            rowKey={(b) => b.id}
            onRowClick={(b) => setSearch({ batch: b.id })}
            empty={{ title: t('documents.print.noBatches'), description: t('documents.print.noBatchesHint') }}
          />
        </div>
      </Stack>
      <Drawer opened={Boolean(batch)} onClose={() => setSearch({ batch: undefined })} position="right" size="xl" title={<Text fw={600}>{t('documents.print.batch')}</Text>}>
        {batch && <PrintBatchView id={batch} />}
      </Drawer>
    </Page>
  );
};
