import { useState } from 'react';
import { Alert, Badge, Button, Group, Modal, Paper, SegmentedControl, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, downloadUrl } from '../ui/api.ts';
import { AppLink, ErrorState, ModalForm } from '../ui/components.tsx';
import { useFormat } from '../ui/format.ts';
import { IconDownload, IconExternal, IconSend } from '../ui/icons.tsx';
import { useT, type Translate } from '../ui/language.tsx';
import { notifySuccess } from '../ui/notify.tsx';
import { useCan } from '../ui/session.ts';
import { INVOICES_KEY } from '../invoices/shared.tsx';
import type { Invoice } from '../invoices/types.ts';
import type { Deliveries, SendResult } from './types.ts';

const DELIVERY_STATUS_COLORS: Record<string, string> = { queued: 'yellow', sent: 'green', stored: 'blue', failed: 'red', waiting_print: 'grape', printed: 'teal' };
const KNOWN_STATUSES = ['queued', 'sent', 'stored', 'failed', 'waiting_print', 'printed'] as const;

export const deliveryStatusLabel = (t: Translate, status: string) =>
  (KNOWN_STATUSES as readonly string[]).includes(status) ? t(`documents.deliveryStatus.${status as (typeof KNOWN_STATUSES)[number]}`) : status;
export const channelLabel = (t: Translate, channel: string) => (channel === 'email' || channel === 'print' ? t(`invoices.delivery.${channel}`) : channel);

export const DeliveryStatusBadge = ({ status }: { status: string }) => {
  const t = useT();
  return (
    <Badge size="sm" variant="light" color={DELIVERY_STATUS_COLORS[status] ?? 'gray'}>
      {deliveryStatusLabel(t, status)}
    </Badge>
  );
};

const deliveriesKey = (id: string) => [INVOICES_KEY, 'one', id, 'deliveries'];

/** Parses "a@x.no, b@y.no" (commas, semicolons, spaces or lines) into addresses. */
const addressesOf = (text: string) =>
  text
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter(Boolean);

/** Send or re-send one invoice: the payer's preference, or e-mail (optionally to other addresses) or print. */
export const SendInvoiceModal = ({ invoice, opened, onClose, afterIssue }: { invoice: Invoice; opened: boolean; onClose: () => void; afterIssue?: boolean }) => {
  const t = useT();
  const queryClient = useQueryClient();
  const [channel, setChannel] = useState<'preference' | 'email' | 'print'>('preference');
  const [to, setTo] = useState('');
  const send = useMutation({
    mutationFn: () => {
      const body: { channel?: 'email' | 'print'; to?: string[] } = {};
      if (channel !== 'preference') body.channel = channel;
      const addresses = addressesOf(to);
      if (channel === 'email' && addresses.length) body.to = addresses;
      return api.post<SendResult>(`/invoices/${encodeURIComponent(invoice.id)}/send`, body);
    },
    meta: { inline: true },
    onSuccess: async (r) => {
      await queryClient.invalidateQueries({ queryKey: deliveriesKey(invoice.id) });
      notifySuccess(
        r.channel === 'print'
          ? t('documents.send.queuedPrint', { sending: r.sending })
          : t('documents.send.queuedEmail', { sending: r.sending, recipients: r.recipients.join(', ') }),
      );
      close();
    },
  });
  const close = () => {
    setChannel('preference');
    setTo('');
    send.reset();
    onClose();
  };
  const preference = invoice.delivery === 'email' || invoice.delivery === 'print' ? t(`invoices.delivery.${invoice.delivery}`) : invoice.delivery;
  return (
    <Modal
      opened={opened}
      onClose={close}
      title={<Text fw={600}>{afterIssue ? t('documents.send.afterIssueTitle', { number: invoice.number ?? '' }) : t('documents.send.title', { number: invoice.number ?? '' })}</Text>}
    >
      <ModalForm onSubmit={() => send.mutate()} onCancel={close} error={send.error} busy={send.isPending} submitLabel={t('documents.send.submit')}>
        <Text size="sm" c="dimmed">
          {afterIssue ? t('documents.send.afterIssueHint') : t('documents.send.hint')}
        </Text>
        <div>
          <Text size="sm" fw={500} mb={4}>
            {t('documents.send.channel')}
          </Text>
          <SegmentedControl
            fullWidth
            value={channel}
            onChange={(v) => setChannel(v as typeof channel)}
            data={[
              { value: 'preference', label: t('documents.send.preference', { preference }) },
              { value: 'email', label: t('invoices.delivery.email') },
              { value: 'print', label: t('invoices.delivery.print') },
            ]}
          />
        </div>
        {channel === 'email' && (
          <Textarea
            label={t('documents.send.to')}
            description={t('documents.send.toHint', { email: invoice.payerEmail ?? '—' })}
            placeholder="name@example.org"
            value={to}
            onChange={(e) => setTo(e.currentTarget.value)}
            autosize
            minRows={2}
          />
        )}
      </ModalForm>
    </Modal>
  );
};

/**
 * The invoice's document and delivery: the PDF as the payer sees it, the sent count, every sending
 * per recipient with its state, and "Send again".
 */
export const InvoiceDocuments = ({ invoice, offerSend, onOfferClosed }: { invoice: Invoice; offerSend?: boolean; onOfferClosed?: () => void }) => {
  const t = useT();
  const fmt = useFormat();
  const can = useCan();
  const [sendOpen, setSendOpen] = useState(false);
  const sendable = invoice.status === 'issued' || invoice.status === 'paid';
  const deliveries = useQuery({
    queryKey: deliveriesKey(invoice.id),
    queryFn: () => api.get<Deliveries>(`/invoices/${encodeURIComponent(invoice.id)}/deliveries`),
    enabled: invoice.status !== 'draft',
    // Follow a sending until its outbox message has gone (or failed): rows appear when the delivery
    // job runs, so also while a counted sending has no row yet.
    refetchInterval: (q) => {
      const data = q.state.data;
      if (!data) return false;
      const logged = Math.max(0, ...data.items.map((d) => d.sending));
      return data.items.some((d) => d.status === 'queued') || logged < data.sentCount ? 2000 : false;
    },
  });
  const pdfPath = `/invoices/${encodeURIComponent(invoice.id)}/pdf`;
  // The version in the address: a changed draft or a newly issued invoice is fetched again.
  const pdfUrl = downloadUrl(pdfPath, { v: `${invoice.status}-${invoice.version}` });
  const d = deliveries.data;
  return (
    <Stack gap="md">
      <Paper withBorder p="md" radius="md" data-testid="invoice-deliveries">
        <Group justify="space-between" mb="xs" wrap="nowrap">
          <Group gap="xs">
            <Title order={3} fz="sm">
              {t('documents.deliveries.title')}
            </Title>
            {d && (
              <Badge variant="light" color={d.sentCount ? 'guild' : 'gray'} data-testid="sent-count">
                {t('documents.deliveries.sentCount', { count: d.sentCount })}
              </Badge>
            )}
          </Group>
          {can('billing', 'update') && sendable && (
            <Button size="compact-sm" leftSection={<IconSend size={14} />} onClick={() => setSendOpen(true)}>
              {d?.sentCount ? t('documents.send.again') : t('documents.send.now')}
            </Button>
          )}
        </Group>
        {invoice.status === 'draft' && (
          <Text size="sm" c="dimmed">
            {t('documents.deliveries.draft')}
          </Text>
        )}
        {deliveries.error ? <ErrorState error={deliveries.error} onRetry={() => void deliveries.refetch()} /> : null}
        {d && (
          <Stack gap="xs">
            <Text size="sm" c="dimmed">
              {d.lastSentAt ? t('documents.deliveries.lastSent', { when: fmt.dateTime(d.lastSentAt), preference: channelLabel(t, d.delivery) }) : t('documents.deliveries.never', { preference: channelLabel(t, d.delivery) })}
            </Text>
            {d.items.length > 0 && (
              <Table.ScrollContainer minWidth={520} type="native">
                <Table verticalSpacing={5} fz="sm" data-testid="deliveries-table">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>#</Table.Th>
                      <Table.Th>{t('documents.deliveries.channel')}</Table.Th>
                      <Table.Th>{t('documents.deliveries.recipient')}</Table.Th>
                      <Table.Th>{t('common.status')}</Table.Th>
                      <Table.Th>{t('documents.deliveries.when')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {d.items.map((row) => (
                      <Table.Tr key={row.id}>
                        <Table.Td style={{ fontVariantNumeric: 'tabular-nums' }}>{row.sending}</Table.Td>
                        <Table.Td>{channelLabel(t, row.channel)}</Table.Td>
                        <Table.Td>
                          {row.mailMessageId ? (
                            <AppLink href={`/outbox?open=${encodeURIComponent(row.mailMessageId)}`}>
                              {row.recipient ?? '—'}
                            </AppLink>
                          ) : row.printBatchId ? (
                            <AppLink href={`/billing/print?batch=${encodeURIComponent(row.printBatchId)}`}>
                              {t('documents.deliveries.printBatch')}
                            </AppLink>
                          ) : (
                            (row.recipient ?? '—')
                          )}
                          {row.error && (
                            <Text size="xs" c="red" style={{ overflowWrap: 'anywhere' }}>
                              {row.error}
                            </Text>
                          )}
                        </Table.Td>
                        <Table.Td>
                          <DeliveryStatusBadge status={row.status} />
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                            {fmt.dateTime(row.createdAt)}
                          </Text>
                          <Text size="xs" c="dimmed">
                            {row.createdBy}
                          </Text>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )}
            {d.items.some((r) => r.status === 'failed') && (
              <Alert color="red" variant="light">
                {t('documents.deliveries.failedHint')}
              </Alert>
            )}
          </Stack>
        )}
      </Paper>
      <Paper withBorder p="md" radius="md" data-testid="invoice-document">
        <Group justify="space-between" mb="xs">
          <Title order={3} fz="sm">
            {t('documents.pdf.title')}
          </Title>
          <Group gap="xs">
            <Button component="a" href={pdfUrl} target="_blank" rel="noopener" size="compact-sm" variant="subtle" leftSection={<IconExternal size={14} />}>
              {t('documents.pdf.open')}
            </Button>
            <Button component="a" href={downloadUrl(pdfPath, { download: 'true' })} size="compact-sm" variant="light" leftSection={<IconDownload size={14} />} data-testid="pdf-download">
              {t('documents.pdf.download')}
            </Button>
          </Group>
        </Group>
        <iframe className="gh-pdf-frame" title={t('documents.pdf.frameTitle')} src={pdfUrl} data-testid="invoice-pdf" style={{ width: '100%', height: 760, border: '1px solid var(--gh-border)', borderRadius: 6, background: '#f4f4f4' }} />
      </Paper>
      <SendInvoiceModal invoice={invoice} opened={sendOpen} onClose={() => setSendOpen(false)} />
      {sendable && can('billing', 'update') && <SendInvoiceModal invoice={invoice} opened={Boolean(offerSend)} onClose={() => onOfferClosed?.()} afterIssue />}
    </Stack>
  );
};
