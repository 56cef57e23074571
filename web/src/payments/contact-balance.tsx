import { useState, type ReactNode } from 'react';
import { Button, Group, Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useRouter } from '@tanstack/react-router';
import { api } from '../ui/api.ts';
import { AppLink } from '../ui/components.tsx';
import { useFormat } from '../ui/format.ts';
import { useT } from '../ui/language.tsx';
import { useCan } from '../ui/session.ts';
import { Card, Muted } from '../contacts/contact-sections.tsx';
import { num, PAYMENTS_KEY } from './shared.tsx';
import { RefundModal } from './refund.tsx';
import type { ContactBalance } from './types.ts';

const Row = ({ label, children, strong }: { label: string; children: ReactNode; strong?: boolean }) => (
  <Group justify="space-between" gap="sm" wrap="nowrap" py={2}>
    <Text size="sm" c={strong ? undefined : 'dimmed'} fw={strong ? 650 : undefined}>
      {label}
    </Text>
    <Text size="sm" style={num} fw={strong ? 650 : undefined} component="div">
      {children}
    </Text>
  </Group>
);

/** Contact page: what the contact owes, their open invoices, customer credit, and a way into their ledger account. */
export const BalanceCard = ({ contactId, icon }: { contactId: string; icon?: ReactNode }) => {
  const t = useT();
  const fmt = useFormat();
  const can = useCan();
  const router = useRouter();
  const [refund, setRefund] = useState(false);
  const query = useQuery({ queryKey: [PAYMENTS_KEY, 'balance', contactId], queryFn: () => api.get<ContactBalance>(`/contacts/${encodeURIComponent(contactId)}/balance`) });
  const b = query.data;
  const money = (m: { minor: string; currency: string }) => fmt.money(m.minor, m.currency);
  const canUpdate = can('payments', 'update');
  return (
    <Card
      title={t('payments.balance.title')}
      icon={icon}
      testId="contact-balance"
      actions={
        canUpdate ? (
          <Button size="compact-sm" variant="subtle" onClick={() => void router.navigate({ href: `/payments/new?contactId=${encodeURIComponent(contactId)}` })}>
            {t('payments.record')}
          </Button>
        ) : undefined
      }
    >
      {query.error ? (
        <Muted>{t('common.error')}</Muted>
      ) : !b ? (
        <Muted>{t('common.loading')}</Muted>
      ) : (
        <Stack gap={6}>
          <Row label={t('payments.balance.open')}>{money(b.open)}</Row>
          {b.overdue.minor !== '0' && (
            <Row label={t('payments.balance.overdue')}>
              <Text span size="sm" c="red.7" style={num}>
                {money(b.overdue)}
              </Text>
            </Row>
          )}
          <Row label={t('payments.balance.credit')}>{money(b.customerCredit)}</Row>
          <Row label={t('payments.balance.balance')} strong>
            <span data-testid="contact-balance-amount">{money(b.balance)}</span>
          </Row>
          {b.openItems.length > 0 && (
            <Table verticalSpacing={2} mt={4}>
              <Table.Tbody>
                {b.openItems.slice(0, 8).map((i) => (
                  <Table.Tr key={i.invoiceId}>
                    <Table.Td px={0}>
                      <AppLink href={`/billing/invoices/${encodeURIComponent(i.invoiceId)}`}>{t('payments.receipt.invoice', { number: i.number ?? '' })}</AppLink>
                    </Table.Td>
                    <Table.Td>
                      <Text size="xs" c={i.daysOverdue > 0 ? 'red.7' : 'dimmed'}>
                        {fmt.date(i.dueDate)}
                      </Text>
                    </Table.Td>
                    <Table.Td ta="right" px={0}>
                      <Text size="sm" style={num}>
                        {money(i.open)}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          <Text size="xs" c="dimmed">
            {t('payments.balance.totals', { invoiced: money(b.invoiced), received: money(b.received) })}
          </Text>
          <Group gap="xs" mt={4}>
            {can('ledger', 'read') && <AppLink href={`/ledger/entries?contactId=${encodeURIComponent(contactId)}`}>{t('payments.balance.ledger')}</AppLink>}
            <AppLink href={`/payments/receipts?contactId=${encodeURIComponent(contactId)}`}>{t('payments.balance.payments')}</AppLink>
            {canUpdate && b.customerCredit.minor !== '0' && (
              <Button size="compact-xs" variant="light" onClick={() => setRefund(true)}>
                {t('payments.refund.action')}
              </Button>
            )}
          </Group>
        </Stack>
      )}
      {refund && <RefundModal contactId={contactId} opened onClose={() => setRefund(false)} />}
    </Card>
  );
};
