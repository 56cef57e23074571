import { useState, type ReactNode } from 'react';
import { Alert, Badge, Box, Button, Checkbox, Divider, Group, Modal, Paper, SimpleGrid, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { api } from '../ui/api.ts';
import { AppLink, ErrorState, ModalForm, Page } from '../ui/components.tsx';
import { useFormat } from '../ui/format.ts';
import { IconAlert, IconFile } from '../ui/icons.tsx';
import { useT } from '../ui/language.tsx';
import { notifySuccess } from '../ui/notify.tsx';
import { useCan, useOrganization } from '../ui/session.ts';
import { SectionCard } from '../ui/tables.tsx';
import { entryKindLabel, MoneyCell } from '../ledger/shared.tsx';
import { methodLabel, num, PAYMENTS_KEY, paymentTitle, PaymentStatusBadge, todayIso, useInvalidateMoney } from './shared.tsx';
import type { Payment } from './types.ts';

const Field = ({ label, children }: { label: string; children: ReactNode }) => (
  <Group justify="space-between" gap="sm" wrap="nowrap" py={3} align="flex-start">
    <Text size="sm" c="dimmed">
      {label}
    </Text>
    <Text size="sm" ta="right" component="div">
      {children}
    </Text>
  </Group>
);

type ReverseResult = Payment & { feeCharge: { id: string; description: string; amount: { minor: string; currency: string }; chargeDate: string } | null };

const ReverseModal = ({ payment, opened, onClose }: { payment: Payment; opened: boolean; onClose: () => void }) => {
  const t = useT();
  const fmt = useFormat();
  const invalidate = useInvalidateMoney();
  const [reason, setReason] = useState('');
  const [reversedOn, setReversedOn] = useState(todayIso());
  const [chargeFee, setChargeFee] = useState(true);
  const reverse = useMutation({
    mutationFn: () => api.post<ReverseResult>(`/payments/${encodeURIComponent(payment.id)}/reverse`, { reason: reason.trim(), reversedOn, chargeFee, version: payment.version }),
    meta: { inline: true },
    onSuccess: async (r) => {
      await invalidate();
      notifySuccess(
        r.feeCharge
          ? t('payments.reverse.doneWithFee', { title: paymentTitle(t, r), fee: fmt.money(r.feeCharge.amount.minor, r.feeCharge.amount.currency) })
          : t('payments.reverse.done', { title: paymentTitle(t, r) }),
      );
      onClose();
    },
  });
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={600}>{t('payments.reverse.title', { title: paymentTitle(t, payment) })}</Text>}>
      <ModalForm onSubmit={() => reverse.mutate()} onCancel={onClose} error={reverse.error} busy={reverse.isPending} submitLabel={t('payments.reverse.submit')} submitDisabled={!reason.trim()}>
        <Text size="sm" c="dimmed">
          {t('payments.reverse.hint')}
        </Text>
        <Textarea label={t('payments.reverse.reason')} placeholder={t('payments.reverse.reasonPlaceholder')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} required autosize minRows={2} maxLength={500} data-autofocus />
        <TextInput type="date" label={t('payments.reverse.date')} value={reversedOn} min={payment.receivedOn} max={todayIso()} onChange={(e) => setReversedOn(e.currentTarget.value)} />
        <Checkbox label={t('payments.reverse.fee')} description={t('payments.reverse.feeHint')} checked={chargeFee} onChange={(e) => setChargeFee(e.currentTarget.checked)} />
      </ModalForm>
    </Modal>
  );
};

/** A receipt as the payer would get it; printable. */
const Receipt = ({ p }: { p: Payment }) => {
  const t = useT();
  const fmt = useFormat();
  const org = useOrganization();
  const paid = p.allocations.filter((a) => a.kind === 'payment');
  return (
    <Paper withBorder p="lg" radius="md" className="gh-receipt" data-testid="receipt" maw={420}>
      <Group justify="space-between" align="flex-start">
        <Text fw={700}>{org.name}</Text>
        <Text size="sm" c="dimmed">
          {fmt.date(p.receivedOn)}
        </Text>
      </Group>
      <Title order={3} fz="lg" mt="sm">
        {paymentTitle(t, p)}
      </Title>
      <Text size="sm" mt={4}>
        {p.kind === 'refund' ? t('payments.receipt.paidTo', { name: p.contactName }) : t('payments.receipt.receivedFrom', { name: p.contactName })}
      </Text>
      <Divider my="sm" variant="dashed" />
      {paid.map((a) => (
        <Group key={a.id} justify="space-between">
          <Text size="sm">{t('payments.receipt.invoice', { number: a.invoiceNumber ?? '' })}</Text>
          <Text size="sm" style={num}>
            {fmt.money(a.amount.minor, a.amount.currency)}
          </Text>
        </Group>
      ))}
      {p.kind === 'receipt' && p.toCredit.minor !== '0' && (
        <Group justify="space-between">
          <Text size="sm">{t('payments.receipt.credit')}</Text>
          <Text size="sm" style={num}>
            {fmt.money(p.toCredit.minor, p.toCredit.currency)}
          </Text>
        </Group>
      )}
      <Group justify="space-between" mt="xs" pt="xs" style={{ borderTop: '1px solid var(--gh-border)' }}>
        <Text fw={700}>{t('payments.receipt.total')}</Text>
        <Text fw={700} style={num} data-testid="receipt-amount">
          {fmt.money(p.amount.minor, p.amount.currency)}
        </Text>
      </Group>
      <Text size="xs" c="dimmed" mt="xs">
        {methodLabel(t, p.method)}
        {p.reference ? ` · ${p.reference}` : ''}
      </Text>
      {p.status === 'reversed' && (
        <Badge color="red" variant="outline" mt="sm">
          {t('payments.status.reversed')}
        </Badge>
      )}
    </Paper>
  );
};

/** One payment: the receipt, what it paid, its ledger entries, and reversal. */
export const PaymentPage = () => {
  const t = useT();
  const fmt = useFormat();
  const can = useCan();
  const { id } = useParams({ strict: false }) as { id: string };
  const [reverseOpen, setReverseOpen] = useState(false);
  const query = useQuery({ queryKey: [PAYMENTS_KEY, 'one', id], queryFn: () => api.get<Payment>(`/payments/${encodeURIComponent(id)}`) });
  if (query.error) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  const p = query.data;
  if (!p) return null;
  const canReverse = can('payments', 'update') && p.kind === 'receipt' && p.status === 'recorded';
  const allocLabel = (k: string) => (['payment', 'credit', 'writeoff', 'reversal'].includes(k) ? t(`payments.alloc.${k as 'payment'}`) : k);
  return (
    <Page
      title={
        <Group gap="sm" component="span">
          <span data-testid="payment-title">{paymentTitle(t, p)}</span>
          <PaymentStatusBadge p={p} size="lg" />
        </Group>
      }
      intro={<AppLink href="/payments/receipts">← {t('payments.page.back')}</AppLink>}
      actions={
        <>
          <Button variant="default" leftSection={<IconFile size={15} />} onClick={() => window.print()}>
            {t('payments.page.print')}
          </Button>
          {canReverse && (
            <Button variant="default" color="red" onClick={() => setReverseOpen(true)}>
              {t('payments.reverse.action')}
            </Button>
          )}
        </>
      }
    >
      <Stack gap="md">
        {p.status === 'reversed' && (
          <Alert color="red" variant="light" icon={<IconAlert size={18} />}>
            {t('payments.page.reversed', { date: fmt.date(p.reversedOn), reason: p.reversalReason ?? '' })}
          </Alert>
        )}
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
          <Paper withBorder p="md" radius="md" data-testid="payment-details">
            <Field label={t('payments.payer')}>
              <AppLink href={`/contacts/${encodeURIComponent(p.contactId)}`}>{p.contactName}</AppLink>
            </Field>
            <Field label={p.kind === 'refund' ? t('payments.refund.paidOn') : t('payments.receivedOn')}>{fmt.date(p.receivedOn)}</Field>
            <Field label={t('payments.amount')}>
              <Text span size="sm" fw={650} style={num}>
                {fmt.money(p.amount.minor, p.amount.currency)}
              </Text>
            </Field>
            <Field label={t('payments.method')}>{methodLabel(t, p.method)}</Field>
            {p.reference && <Field label={t('payments.reference')}>{p.reference}</Field>}
            {p.externalId && (
              <Field label={t('payments.externalId')}>
                <span className="gh-mono">{p.externalId}</span>
              </Field>
            )}
            {p.note && <Field label={t('payments.note')}>{p.note}</Field>}
            {p.kind === 'receipt' && (
              <>
                <Field label={t('payments.allocated')}>
                  <span style={num}>{fmt.money(p.allocated.minor, p.allocated.currency)}</span>
                </Field>
                <Field label={t('payments.toCredit')}>
                  <span style={num}>{fmt.money(p.toCredit.minor, p.toCredit.currency)}</span>
                </Field>
              </>
            )}
            <Field label={t('payments.page.recordedBy')}>
              {p.createdBy} · {fmt.dateTime(p.createdAt)}
            </Field>
          </Paper>
          <Box>
            <Receipt p={p} />
          </Box>
        </SimpleGrid>

        {p.allocations.length > 0 && (
          <SectionCard title={t('payments.page.allocations')}>
            <Table verticalSpacing={4} data-testid="payment-allocations">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('invoices.number')}</Table.Th>
                  <Table.Th>{t('payments.kind')}</Table.Th>
                  <Table.Th>{t('payments.page.when')}</Table.Th>
                  <Table.Th ta="right">{t('payments.amount')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {p.allocations.map((a) => (
                  <Table.Tr key={a.id}>
                    <Table.Td>
                      <AppLink href={`/billing/invoices/${encodeURIComponent(a.invoiceId)}`}>{t('payments.receipt.invoice', { number: a.invoiceNumber ?? '' })}</AppLink>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{allocLabel(a.kind)}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{fmt.dateTime(a.createdAt)}</Text>
                    </Table.Td>
                    <Table.Td ta="right">
                      <MoneyCell m={a.amount} dimZero={false} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </SectionCard>
        )}

        {p.entries.length > 0 && (
          <SectionCard title={t('payments.page.entries')}>
            <Stack gap="sm" data-testid="payment-entries">
              {p.entries.map((e) => (
                <Box key={e.id}>
                  <Group gap="xs" mb={4}>
                    <AppLink href={`/ledger/entries/${encodeURIComponent(e.id)}`}>{t('ledger.entry.title', { seq: e.seq })}</AppLink>
                    <Badge size="xs" variant="light" color="gray">
                      {entryKindLabel(t, e.kind)}
                    </Badge>
                    <Text size="xs" c="dimmed">
                      {fmt.date(e.date)} · {e.description}
                    </Text>
                  </Group>
                  <Table verticalSpacing={2} fz="sm">
                    <Table.Tbody>
                      {e.lines.map((l, k) => (
                        <Table.Tr key={k}>
                          <Table.Td className="gh-mono" pl={l.credit.minor !== '0' ? 'xl' : 'xs'}>
                            {l.account}
                          </Table.Td>
                          <Table.Td ta="right" w={160}>
                            <MoneyCell m={l.debit} />
                          </Table.Td>
                          <Table.Td ta="right" w={160}>
                            <MoneyCell m={l.credit} />
                          </Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Box>
              ))}
            </Stack>
          </SectionCard>
        )}
      </Stack>
      {reverseOpen && <ReverseModal payment={p} opened onClose={() => setReverseOpen(false)} />}
    </Page>
  );
};
