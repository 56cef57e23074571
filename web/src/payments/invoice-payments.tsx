import { useState } from 'react';
import { Button, Modal, Table, Text, Textarea, TextInput } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useRouter } from '@tanstack/react-router';
import { api } from '../ui/api.ts';
import { AppLink, ModalForm } from '../ui/components.tsx';
import { useFormat } from '../ui/format.ts';
import { useT } from '../ui/language.tsx';
import { notifySuccess } from '../ui/notify.tsx';
import { useCan } from '../ui/session.ts';
import type { Paged } from '../ui/types.ts';
import { SectionCard } from '../ui/tables.tsx';
import type { Invoice } from '../invoices/types.ts';
import { methodLabel, num, PAYMENTS_KEY, paymentTitle, PaymentStatusBadge, todayIso, useInvalidateMoney } from './shared.tsx';
import type { Payment, PaymentSummary } from './types.ts';

/** "Record payment" for an invoice with something open: the payment form with this invoice chosen. */
export const RecordPaymentButton = ({ invoice }: { invoice: Invoice }) => {
  const t = useT();
  const can = useCan();
  const router = useRouter();
  if (invoice.kind !== 'invoice' || invoice.status !== 'issued' || invoice.open.minor === '0' || !can('payments', 'update')) return null;
  return (
    <Button
      color="green"
      onClick={() => void router.navigate({ href: `/payments/new?contactId=${encodeURIComponent(invoice.payerId)}&invoiceId=${encodeURIComponent(invoice.id)}` })}
    >
      {t('payments.record')}
    </Button>
  );
};

const WriteOffModal = ({ invoice, onClose }: { invoice: Invoice; onClose: () => void }) => {
  const t = useT();
  const fmt = useFormat();
  const invalidate = useInvalidateMoney();
  const [reason, setReason] = useState('');
  const [date, setDate] = useState(todayIso());
  const save = useMutation({
    mutationFn: () => api.post<{ amount: { minor: string; currency: string } }>(`/invoices/${encodeURIComponent(invoice.id)}/write-off`, { reason: reason.trim(), date, version: invoice.version }),
    meta: { inline: true },
    onSuccess: async (w) => {
      await invalidate();
      notifySuccess(t('payments.writeoff.done', { amount: fmt.money(w.amount.minor, w.amount.currency), number: invoice.number ?? '' }));
      onClose();
    },
  });
  return (
    <Modal opened onClose={onClose} title={<Text fw={600}>{t('payments.writeoff.title', { number: invoice.number ?? '' })}</Text>}>
      <ModalForm onSubmit={() => save.mutate()} onCancel={onClose} error={save.error} busy={save.isPending} submitLabel={t('payments.writeoff.submit')} submitDisabled={!reason.trim()}>
        <Text size="sm">{t('payments.writeoff.hint', { amount: fmt.money(invoice.open.minor, invoice.open.currency) })}</Text>
        <Textarea label={t('payments.reverse.reason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} required autosize minRows={2} maxLength={500} data-autofocus />
        <TextInput type="date" label={t('payments.writeoff.date')} value={date} max={todayIso()} onChange={(e) => setDate(e.currentTarget.value)} />
      </ModalForm>
    </Modal>
  );
};

/** "Write off the rest": for someone with update access to payments and the ledger. */
export const WriteOffButton = ({ invoice }: { invoice: Invoice }) => {
  const t = useT();
  const can = useCan();
  const [open, setOpen] = useState(false);
  if (invoice.kind !== 'invoice' || invoice.status !== 'issued' || invoice.open.minor === '0' || !can('payments', 'update') || !can('ledger', 'update')) return null;
  return (
    <>
      <Button variant="default" onClick={() => setOpen(true)}>
        {t('payments.writeoff.action')}
      </Button>
      {open && <WriteOffModal invoice={invoice} onClose={() => setOpen(false)} />}
    </>
  );
};

/** The payments on an invoice (and what each put on it), shown on the invoice page. */
export const InvoicePaymentsSection = ({ invoice }: { invoice: Invoice }) => {
  const t = useT();
  const fmt = useFormat();
  const can = useCan();
  const query = useQuery({
    queryKey: [PAYMENTS_KEY, 'for-invoice', invoice.id, invoice.paid.minor],
    queryFn: async () => {
      const page = await api.get<Paged<PaymentSummary>>('/payments', { invoiceId: invoice.id, pageSize: 50, sort: 'received_on' });
      // What each payment put on this invoice (net of reversals), from its allocations.
      const details = await Promise.all(page.items.map((p) => api.get<Payment>(`/payments/${encodeURIComponent(p.id)}`)));
      return details.map((p) => ({ ...p, onInvoice: p.allocations.filter((a) => a.invoiceId === invoice.id).reduce((s, a) => s + BigInt(a.amount.minor), 0n) }));
    },
    enabled: can('payments', 'read') && invoice.kind === 'invoice' && invoice.status !== 'draft',
  });
  const items = query.data ?? [];
  if (items.length === 0) return null;
  return (
    <SectionCard title={t('payments.invoice.title')} testId="invoice-payments">
      <Table verticalSpacing={4}>
        <Table.Tbody>
          {items.map((p) => (
            <Table.Tr key={p.id}>
              <Table.Td>
                <AppLink href={`/payments/${encodeURIComponent(p.id)}`}>{paymentTitle(t, p)}</AppLink>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{fmt.date(p.receivedOn)}</Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{methodLabel(t, p.method)}</Text>
              </Table.Td>
              <Table.Td>
                <PaymentStatusBadge p={p} />
              </Table.Td>
              <Table.Td ta="right">
                <Text size="xs" c="dimmed" style={num}>
                  {t('payments.invoice.ofPayment', { amount: fmt.money(p.amount.minor, p.amount.currency) })}
                </Text>
              </Table.Td>
              <Table.Td ta="right">
                <Text size="sm" style={num} fw={600} td={p.status === 'reversed' ? 'line-through' : undefined}>
                  {fmt.money(p.status === 'reversed' ? p.allocations.filter((a) => a.invoiceId === invoice.id && a.kind === 'payment').reduce((s, a) => s + BigInt(a.amount.minor), 0n) : p.onInvoice, p.amount.currency)}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Text size="xs" c="dimmed" mt={6}>
        {t('payments.invoice.hint')}
      </Text>
    </SectionCard>
  );
};
