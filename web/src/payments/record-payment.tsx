import { useMemo, useState } from 'react';
import { Alert, Button, Checkbox, Group, Paper, SegmentedControl, SimpleGrid, Stack, Table, Text, Textarea, TextInput } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useRouter } from '@tanstack/react-router';
import { api } from '../ui/api.ts';
import { AppLink, FormError, Page } from '../ui/components.tsx';
import { useFormat } from '../ui/format.ts';
import { useT } from '../ui/language.tsx';
import { notifySuccess } from '../ui/notify.tsx';
import { str, useUrlSearch } from '../ui/search.ts';
import { useOrganization } from '../ui/session.ts';
import { SectionCard } from '../ui/tables.tsx';
import { ContactPicker } from '../contacts/shared.tsx';
import type { Contact } from '../contacts/types.ts';
import { currencyDigits, decimalForInput, MethodSelect, minorToDecimal, num, OPEN_INVOICES_KEY, paymentTitle, todayIso, toMinor, useInvalidateMoney } from './shared.tsx';
import type { OpenInvoicePage, Payment, PaymentMethod } from './types.ts';

const parse = (raw: Record<string, unknown>) => ({ contactId: str(raw.contactId), invoiceId: str(raw.invoiceId) });

/** Payments → Record a payment: payer, date, amount, method, reference, note; oldest invoices first or chosen ones. */
export const RecordPaymentPage = () => {
  const t = useT();
  const fmt = useFormat();
  const org = useOrganization();
  const router = useRouter();
  const invalidate = useInvalidateMoney();
  const [search] = useUrlSearch(parse);
  const [contactId, setContactId] = useState<string | null>(search.contactId ?? null);
  const [changePayer, setChangePayer] = useState(false);
  const [receivedOn, setReceivedOn] = useState(todayIso());
  const [amount, setAmount] = useState('');
  const [method, setMethod] = useState<PaymentMethod>('bank_transfer');
  const [reference, setReference] = useState('');
  const [note, setNote] = useState('');
  const [mode, setMode] = useState<'oldest' | 'chosen'>(search.invoiceId ? 'chosen' : 'oldest');
  const [chosen, setChosen] = useState<Record<string, string>>({});
  const [touchedChoice, setTouchedChoice] = useState(false);
  const digits = currencyDigits(org.currency);

  const fixedContact = useQuery({
    queryKey: ['contacts', 'one', search.contactId ?? ''],
    queryFn: () => api.get<Contact>(`/contacts/${encodeURIComponent(search.contactId!)}`),
    enabled: Boolean(search.contactId) && !changePayer,
  });
  const open = useQuery({
    queryKey: [OPEN_INVOICES_KEY, 'payer', contactId ?? ''],
    queryFn: () => api.get<OpenInvoicePage>('/open-invoices', { payerId: contactId!, pageSize: 200, sort: 'due_date' }),
    enabled: Boolean(contactId),
  });
  const items = open.data?.items ?? [];
  // The invoice named in the address is chosen at first, for its open amount, which is also the amount paid.
  const choice: Record<string, string> = useMemo(() => {
    if (touchedChoice || !search.invoiceId) return chosen;
    const inv = items.find((i) => i.invoiceId === search.invoiceId);
    return inv ? { [inv.invoiceId]: decimalForInput(inv.open.amount, fmt.locale) } : chosen;
  }, [touchedChoice, chosen, items, search.invoiceId, fmt.locale]);
  const amountText = amount === '' && !touchedChoice && search.invoiceId && choice[search.invoiceId] ? choice[search.invoiceId]! : amount;

  const amountMinor = toMinor(amountText, digits);
  const chosenMinor = Object.values(choice).reduce((s, v) => s + (toMinor(v, digits) ?? 0n), 0n);
  const openMinor = items.reduce((s, i) => s + BigInt(i.open.minor), 0n);
  const badChoice = mode === 'chosen' && Object.values(choice).some((v) => toMinor(v, digits) === null || (toMinor(v, digits) ?? 0n) <= 0n);
  const overChosen = mode === 'chosen' && amountMinor !== null && chosenMinor > amountMinor;
  const rest = amountMinor === null ? 0n : mode === 'chosen' ? amountMinor - chosenMinor : amountMinor - openMinor;

  const save = useMutation({
    mutationFn: () =>
      api.post<Payment>('/payments', {
        contactId,
        receivedOn,
        amount: minorToDecimal(amountMinor ?? 0n, digits),
        method,
        reference: reference.trim() || null,
        note: note.trim() || null,
        ...(mode === 'chosen' ? { allocations: Object.entries(choice).map(([invoiceId, v]) => ({ invoiceId, amount: minorToDecimal(toMinor(v, digits) ?? 0n, digits) })) } : {}),
      }),
    meta: { inline: true },
    onSuccess: async (p) => {
      await invalidate();
      notifySuccess(t('payments.recorded', { title: paymentTitle(t, p) }));
      await router.navigate({ href: `/payments/${encodeURIComponent(p.id)}` });
    },
  });

  const toggle = (invoiceId: string, on: boolean, openAmount: string) => {
    setTouchedChoice(true);
    const next = { ...choice };
    if (on) next[invoiceId] = decimalForInput(openAmount, fmt.locale);
    else delete next[invoiceId];
    setChosen(next);
    if (amount === '' && amountText) setAmount(amountText);
  };
  const canSubmit = Boolean(contactId) && amountMinor !== null && amountMinor > 0n && !badChoice && !overChosen;
  const showFixed = search.contactId && !changePayer;

  return (
    <Page title={t('payments.new.title')} intro={<AppLink href="/payments/open">← {t('payments.new.back')}</AppLink>}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (canSubmit) save.mutate();
        }}
      >
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
          <Paper withBorder p="md" radius="md">
            <Stack gap="sm">
              <FormError error={save.error} testId="payment-error" />
              {showFixed ? (
                <div>
                  <Text size="sm" fw={500}>
                    {t('payments.payer')}
                  </Text>
                  <Group gap="xs">
                    <Text size="sm" data-testid="payment-payer">
                      {fixedContact.data?.displayName ?? '…'}
                    </Text>
                    <Button size="compact-xs" variant="subtle" onClick={() => setChangePayer(true)}>
                      {t('payments.new.changePayer')}
                    </Button>
                  </Group>
                </div>
              ) : (
                <ContactPicker
                  label={t('payments.payer')}
                  value={contactId}
                  onChange={(id) => {
                    setContactId(id);
                    setChosen({});
                    setTouchedChoice(true);
                  }}
                  required
                  autoFocus
                />
              )}
              <Group grow>
                <TextInput type="date" label={t('payments.receivedOn')} value={receivedOn} max={todayIso()} onChange={(e) => setReceivedOn(e.currentTarget.value)} required />
                <TextInput
                  label={t('payments.amount')}
                  value={amountText}
                  onChange={(e) => setAmount(e.currentTarget.value)}
                  inputMode="decimal"
                  required
                  error={amountText && amountMinor === null ? t('payments.quick.badAmount') : undefined}
                  styles={{ input: { textAlign: 'right', fontVariantNumeric: 'tabular-nums' } }}
                />
              </Group>
              <MethodSelect label={t('payments.method')} value={method} onChange={setMethod} />
              <TextInput label={t('payments.reference')} description={t('payments.referenceHint')} value={reference} onChange={(e) => setReference(e.currentTarget.value)} maxLength={200} />
              <Textarea label={t('payments.note')} value={note} onChange={(e) => setNote(e.currentTarget.value)} autosize minRows={2} maxLength={2000} />
            </Stack>
          </Paper>
          <SectionCard title={t('payments.new.allocation')}>
            <SegmentedControl
              fullWidth
              mb="sm"
              value={mode}
              onChange={(v) => setMode(v as 'oldest' | 'chosen')}
              data={[
                { value: 'oldest', label: t('payments.new.oldestFirst') },
                { value: 'chosen', label: t('payments.new.chosen') },
              ]}
            />
            {!contactId ? (
              <Text size="sm" c="dimmed">
                {t('payments.new.pickPayer')}
              </Text>
            ) : items.length === 0 ? (
              <Text size="sm" c="dimmed">
                {open.isPending ? t('common.loading') : t('payments.new.nothingOpen')}
              </Text>
            ) : (
              <Table verticalSpacing={4} data-testid="payer-open-invoices">
                <Table.Thead>
                  <Table.Tr>
                    {mode === 'chosen' && <Table.Th w={30} />}
                    <Table.Th>{t('invoices.number')}</Table.Th>
                    <Table.Th>{t('invoices.dueDate')}</Table.Th>
                    <Table.Th ta="right">{t('invoices.open')}</Table.Th>
                    {mode === 'chosen' && <Table.Th w={130} ta="right">{t('payments.amount')}</Table.Th>}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((i) => (
                    <Table.Tr key={i.invoiceId}>
                      {mode === 'chosen' && (
                        <Table.Td>
                          <Checkbox size="xs" aria-label={t('payments.quick.amountFor', { number: i.number ?? '' })} checked={i.invoiceId in choice} onChange={(e) => toggle(i.invoiceId, e.currentTarget.checked, i.open.amount)} />
                        </Table.Td>
                      )}
                      <Table.Td>
                        <Text size="sm" className="gh-mono">
                          {i.number}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{fmt.date(i.dueDate)}</Text>
                      </Table.Td>
                      <Table.Td ta="right">
                        <Text size="sm" style={num}>
                          {fmt.money(i.open.minor, i.open.currency)}
                        </Text>
                      </Table.Td>
                      {mode === 'chosen' && (
                        <Table.Td>
                          {i.invoiceId in choice && (
                            <TextInput
                              size="xs"
                              value={choice[i.invoiceId]}
                              onChange={(e) => {
                                setTouchedChoice(true);
                                setChosen({ ...choice, [i.invoiceId]: e.currentTarget.value });
                              }}
                              styles={{ input: { textAlign: 'right' } }}
                            />
                          )}
                        </Table.Td>
                      )}
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
            {contactId && amountMinor !== null && amountMinor > 0n && (
              <Alert variant="light" color={overChosen ? 'red' : rest > 0n ? 'blue' : 'gray'} mt="sm">
                {overChosen
                  ? t('payments.new.overChosen')
                  : rest > 0n
                    ? t('payments.new.restToCredit', { amount: fmt.money(rest, org.currency) })
                    : mode === 'oldest'
                      ? t('payments.new.allOnInvoices')
                      : t('payments.new.allOnChosen')}
              </Alert>
            )}
          </SectionCard>
        </SimpleGrid>
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={() => router.history.back()}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" disabled={!canSubmit} loading={save.isPending}>
            {t('payments.record')}
          </Button>
        </Group>
      </form>
    </Page>
  );
};
