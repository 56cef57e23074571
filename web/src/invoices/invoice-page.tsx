import { useState, type ReactNode } from 'react';
import { Alert, Badge, Button, Group, Modal, Paper, SimpleGrid, Stack, Table, Text, Textarea } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useParams, useRouter } from '@tanstack/react-router';
import { api } from '../ui/api.ts';
import { AppLink, ConfirmButton, ErrorState, ModalForm, Page } from '../ui/components.tsx';
import { useFormat } from '../ui/format.ts';
import { IconAlert } from '../ui/icons.tsx';
import { useT } from '../ui/language.tsx';
import { notifySuccess } from '../ui/notify.tsx';
import { useCan } from '../ui/session.ts';
import { NumCell, ReportTable, SectionCard, TableHead } from '../ui/tables.tsx';
import { PeriodText, sourceLabel } from '../billing/totals.tsx';
import { CreditNoteModal, creditableLines } from './credit-note-modal.tsx';
import { InvoiceDocuments } from '../documents/invoice-documents.tsx';
import { InvoicePaymentsSection, RecordPaymentButton, WriteOffButton } from '../payments/invoice-payments.tsx';
import { InvoiceStatusBadge, INVOICES_KEY, invoiceTitle, kindLabel, originLabel, quantityText, useInvalidateInvoices } from './shared.tsx';
import type { Invoice, Money } from './types.ts';

const num = { fontVariantNumeric: 'tabular-nums' } as const;

const Field = ({ label, children }: { label: string; children: ReactNode }) => (
  <Group justify="space-between" gap="sm" wrap="nowrap" py={3}>
    <Text size="sm" c="dimmed">
      {label}
    </Text>
    <Text size="sm" ta="right" component="div">
      {children}
    </Text>
  </Group>
);

const VoidModal = ({ invoice, opened, onClose }: { invoice: Invoice; opened: boolean; onClose: () => void }) => {
  const t = useT();
  const invalidate = useInvalidateInvoices();
  const [reason, setReason] = useState('');
  const doVoid = useMutation({
    mutationFn: () => api.post<Invoice>(`/invoices/${encodeURIComponent(invoice.id)}/void`, { reason: reason.trim(), version: invoice.version }),
    meta: { inline: true },
    onSuccess: async () => {
      await invalidate();
      notifySuccess(t('invoices.voided', { number: invoice.number ?? '' }));
      close();
    },
  });
  const close = () => {
    setReason('');
    doVoid.reset();
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title={<Text fw={600}>{t('invoices.voidTitle', { number: invoice.number ?? '' })}</Text>}>
      <ModalForm onSubmit={() => doVoid.mutate()} onCancel={close} error={doVoid.error} busy={doVoid.isPending} submitLabel={t('invoices.void')} submitDisabled={!reason.trim()}>
        <Text size="sm" c="dimmed">
          {t('invoices.voidHint')}
        </Text>
        <Textarea label={t('invoices.voidReason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} required autosize minRows={2} maxLength={1000} data-autofocus />
      </ModalForm>
    </Modal>
  );
};

/** One invoice or credit note: who pays, the lines, VAT by rate and totals, and what can be done with it. */
export const InvoicePage = () => {
  const t = useT();
  const fmt = useFormat();
  const can = useCan();
  const router = useRouter();
  const canEdit = can('billing', 'update');
  const { id } = useParams({ strict: false }) as { id: string };
  const invalidate = useInvalidateInvoices();
  const [creditOpen, credit] = useDisclosure(false);
  const [voidOpen, voidModal] = useDisclosure(false);
  // After a draft is issued, offer to send it (documents).
  const [offerSend, setOfferSend] = useState(false);
  const query = useQuery({ queryKey: [INVOICES_KEY, 'one', id], queryFn: () => api.get<Invoice>(`/invoices/${encodeURIComponent(id)}`) });
  const credited = useQuery({
    queryKey: [INVOICES_KEY, 'one', query.data?.creditsInvoiceId ?? '', 'header'],
    queryFn: () => api.get<Invoice>(`/invoices/${encodeURIComponent(query.data!.creditsInvoiceId!)}`),
    enabled: Boolean(query.data?.creditsInvoiceId),
  });
  const issue = useMutation({
    mutationFn: (inv: Invoice) => api.post<Invoice>(`/invoices/${encodeURIComponent(inv.id)}/issue`, { version: inv.version }),
    onSuccess: async (inv) => {
      await invalidate();
      notifySuccess(t('invoices.issued', { number: inv.number ?? '' }));
      setOfferSend(true);
    },
  });
  const remove = useMutation({
    mutationFn: (inv: Invoice) => api.del(`/invoices/${encodeURIComponent(inv.id)}?version=${inv.version}`),
    onSuccess: async () => {
      notifySuccess(t('invoices.deleted'));
      await router.navigate({ href: '/billing/invoices' });
      await invalidate();
    },
  });

  if (query.error) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  const inv = query.data;
  if (!inv) return null;
  const money = (m: Money) => fmt.money(m.minor, m.currency);
  const isInvoice = inv.kind === 'invoice';
  const canVoid = canEdit && isInvoice && inv.status === 'issued' && inv.paid.minor === '0' && inv.creditNotes.length === 0;
  const canCredit = canEdit && isInvoice && (inv.status === 'issued' || inv.status === 'paid') && creditableLines(inv).length > 0;

  const actions = (
    <>
      {canEdit && inv.status === 'draft' && (
        <>
          <ConfirmButton size="sm" variant="subtle" message={t('invoices.deleteConfirm')} confirmLabel={t('invoices.delete')} onConfirm={() => remove.mutateAsync(inv)}>
            {t('invoices.delete')}
          </ConfirmButton>
          <Button variant="default" onClick={() => void router.navigate({ href: `/billing/invoices/${encodeURIComponent(inv.id)}/edit` })}>
            {t('invoices.edit')}
          </Button>
          <ConfirmButton size="sm" variant="filled" color="guild" message={t('invoices.issueConfirm')} confirmLabel={t('invoices.issue')} onConfirm={() => issue.mutateAsync(inv)}>
            {t('invoices.issue')}
          </ConfirmButton>
        </>
      )}
      {canVoid && (
        <Button variant="default" color="red" onClick={voidModal.open}>
          {t('invoices.void')}
        </Button>
      )}
      {canCredit && <Button onClick={credit.open}>{t('invoices.credit')}</Button>}
      <WriteOffButton invoice={inv} />
      <RecordPaymentButton invoice={inv} />
    </>
  );

  return (
    <Page
      title={
        <Group gap="sm" component="span">
          <span data-testid="invoice-title">{invoiceTitle(t, inv)}</span>
          <InvoiceStatusBadge status={inv.status} size="lg" />
        </Group>
      }
      intro={<AppLink href="/billing/invoices">← {t('invoices.page.back')}</AppLink>}
      actions={actions}
    >
      <Stack gap="md">
        {inv.status === 'void' && (
          <Alert color="red" variant="light" icon={<IconAlert size={18} />}>
            {t('invoices.page.voided', { date: fmt.dateTime(inv.voidedAt), reason: inv.voidReason ?? '' })}
          </Alert>
        )}
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
          <Paper withBorder p="md" radius="md" data-testid="invoice-payer">
            <Text size="xs" c="dimmed" tt="uppercase" fw={600} mb={6}>
              {t('invoices.page.billTo')}
            </Text>
            <Text fw={650}>
              <AppLink href={`/contacts/${encodeURIComponent(inv.payerId)}`}>{inv.payerName}</AppLink>
            </Text>
            {inv.payerAddress.map((line, i) => (
              <Text size="sm" key={i}>
                {line}
              </Text>
            ))}
            {inv.payerEmail && (
              <Text size="sm" c="dimmed">
                {inv.payerEmail}
              </Text>
            )}
            {inv.payerMemberNumber !== null && (
              <Text size="sm" c="dimmed">
                {t('invoices.page.memberNumber', { number: inv.payerMemberNumber })}
              </Text>
            )}
            {inv.status === 'draft' && (
              <Text size="xs" c="dimmed" mt="xs">
                {t('invoices.page.draftPayer')}
              </Text>
            )}
          </Paper>
          <Paper withBorder p="md" radius="md" data-testid="invoice-details">
            <Text size="xs" c="dimmed" tt="uppercase" fw={600} mb={6}>
              {t('invoices.page.details')}
            </Text>
            <Field label={t('invoices.kind')}>{kindLabel(t, inv.kind)}</Field>
            <Field label={t('invoices.issueDate')}>{fmt.date(inv.issueDate)}</Field>
            {isInvoice && <Field label={t('invoices.dueDate')}>{fmt.date(inv.dueDate)}</Field>}
            {isInvoice && (
              <Field label={t('invoices.page.reference')}>
                <Text span size="sm" className="gh-mono" fw={600} data-testid="payment-reference">
                  {inv.paymentReference ?? '—'}
                </Text>
              </Field>
            )}
            <Field label={t('invoices.page.origin')}>
              {inv.billingRunId ? <AppLink href={`/billing/invoices?billingRunId=${encodeURIComponent(inv.billingRunId)}`}>{originLabel(t, inv.origin)}</AppLink> : originLabel(t, inv.origin)}
            </Field>
            <Field label={t('invoices.page.delivery')}>{inv.delivery === 'email' || inv.delivery === 'print' ? t(`invoices.delivery.${inv.delivery}`) : inv.delivery}</Field>
            {inv.creditsInvoiceId && (
              <Field label={t('invoices.page.credits')}>
                <AppLink href={`/billing/invoices/${encodeURIComponent(inv.creditsInvoiceId)}`}>{credited.data?.number ?? '…'}</AppLink>
              </Field>
            )}
            {inv.note && <Field label={inv.kind === 'credit_note' ? t('invoices.page.reason') : t('invoices.page.note')}>{inv.note}</Field>}
          </Paper>
        </SimpleGrid>

        <ReportTable minWidth={820} verticalSpacing={7} testId="invoice-lines">
          <TableHead labels={[t('billing.line.description'), t('billing.line.period'), t('billing.line.quantity'), t('billing.line.unitPrice'), t('invoices.page.vatRate'), t('billing.line.amount')]} left={2} />
          <Table.Tbody>
            {inv.lines.map((l) => (
              <Table.Tr key={l.id}>
                <Table.Td>
                  <Text size="sm">{l.description}</Text>
                  <Group gap={6} mt={2}>
                    <Text size="xs" c="dimmed">
                      {sourceLabel(t, l.source)} · {t('invoices.page.glAccount')} <span className="gh-mono">{l.glAccount}</span>
                    </Text>
                    {Number(l.creditedQuantity) > 0 && (
                      <Badge size="xs" variant="light" color="orange">
                        {t('invoices.page.credited', { quantity: quantityText(l.creditedQuantity, fmt.locale) })}
                      </Badge>
                    )}
                  </Group>
                </Table.Td>
                <Table.Td>
                  <PeriodText start={l.periodStart} end={l.periodEnd} />
                </Table.Td>
                <NumCell>{quantityText(l.quantity, fmt.locale)}</NumCell>
                <NumCell>{money(l.unitPrice)}</NumCell>
                <NumCell>{quantityText(l.vatRate, fmt.locale)} %</NumCell>
                <NumCell>{money(l.net)}</NumCell>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </ReportTable>

        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
          <SectionCard title={t('invoices.page.vatByRate')}>
            <Table verticalSpacing={4} data-testid="vat-by-rate">
              <TableHead labels={[t('invoices.page.rate'), t('invoices.page.base'), t('invoices.page.vat')]} />
              <Table.Tbody>
                {inv.vatByRate.map((v) => (
                  <Table.Tr key={v.rate}>
                    <Table.Td>
                      <Text size="sm">{quantityText(v.rate, fmt.locale)} %</Text>
                    </Table.Td>
                    <NumCell>{money(v.net)}</NumCell>
                    <NumCell>{money(v.vat)}</NumCell>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </SectionCard>
          <Paper withBorder p="md" radius="md" data-testid="invoice-totals">
            <Field label={t('invoices.page.net')}>
              <span style={num}>{money(inv.net)}</span>
            </Field>
            <Field label={t('invoices.page.totalVat')}>
              <span style={num}>{money(inv.vat)}</span>
            </Field>
            <Group justify="space-between" py={6} mt={4} style={{ borderTop: '1px solid var(--gh-border)' }}>
              <Text fw={650}>{t('invoices.page.total')}</Text>
              <Text fw={650} style={num} data-testid="invoice-total">
                {money(inv.total)}
              </Text>
            </Group>
            {isInvoice && inv.status !== 'draft' && (
              <>
                <Field label={t('invoices.page.paid')}>
                  <span style={num}>{money(inv.paid)}</span>
                </Field>
                <Field label={t('invoices.page.creditedAmount')}>
                  <span style={num} data-testid="invoice-credited">
                    {money(inv.credited)}
                  </span>
                </Field>
                <Group justify="space-between" py={6} mt={4} style={{ borderTop: '1px solid var(--gh-border)' }}>
                  <Text fw={650}>{t('invoices.page.openAmount')}</Text>
                  <Text fw={650} style={num} data-testid="invoice-open">
                    {money(inv.open)}
                  </Text>
                </Group>
              </>
            )}
          </Paper>
        </SimpleGrid>

        <InvoicePaymentsSection invoice={inv} />

        {inv.creditNotes.length > 0 && (
          <SectionCard title={t('invoices.page.creditNotes')} testId="credit-notes">
            <Table verticalSpacing={4}>
              <Table.Tbody>
                {inv.creditNotes.map((c) => (
                  <Table.Tr key={c.id}>
                    <Table.Td>
                      <AppLink href={`/billing/invoices/${encodeURIComponent(c.id)}`}>{invoiceTitle(t, { kind: 'credit_note', number: c.number })}</AppLink>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{fmt.date(c.issueDate)}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" c="dimmed">
                        {c.note}
                      </Text>
                    </Table.Td>
                    <NumCell>{money(c.total)}</NumCell>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </SectionCard>
        )}

        <InvoiceDocuments invoice={inv} offerSend={offerSend} onOfferClosed={() => setOfferSend(false)} />
      </Stack>
      {canCredit && <CreditNoteModal invoice={inv} opened={creditOpen} onClose={credit.close} />}
      {canVoid && <VoidModal invoice={inv} opened={voidOpen} onClose={voidModal.close} />}
    </Page>
  );
};
