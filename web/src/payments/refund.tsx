import { useState } from 'react';
import { Group, Modal, Text, Textarea, TextInput } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useRouter } from '@tanstack/react-router';
import { api } from '../ui/api.ts';
import { ModalForm } from '../ui/components.tsx';
import { useFormat } from '../ui/format.ts';
import { useT } from '../ui/language.tsx';
import { notifySuccess } from '../ui/notify.tsx';
import { useOrganization } from '../ui/session.ts';
import { ContactPicker } from '../contacts/shared.tsx';
import { currencyDigits, decimalForInput, MethodSelect, minorToDecimal, PAYMENTS_KEY, paymentTitle, todayIso, toMinor, useInvalidateMoney } from './shared.tsx';
import type { ContactBalance, Payment, PaymentMethod } from './types.ts';

/** Pay a contact's customer credit back (credit ↔ bank or cash). */
export const RefundModal = ({ contactId: fixed, opened, onClose }: { contactId?: string; opened: boolean; onClose: () => void }) => {
  const t = useT();
  const fmt = useFormat();
  const org = useOrganization();
  const router = useRouter();
  const invalidate = useInvalidateMoney();
  const [contactId, setContactId] = useState<string | null>(fixed ?? null);
  const [amount, setAmount] = useState('');
  const [method, setMethod] = useState<PaymentMethod>('bank_transfer');
  const [paidOn, setPaidOn] = useState(todayIso());
  const [reference, setReference] = useState('');
  const [note, setNote] = useState('');
  const digits = currencyDigits(org.currency);
  const balance = useQuery({
    queryKey: [PAYMENTS_KEY, 'balance', contactId ?? ''],
    queryFn: () => api.get<ContactBalance>(`/contacts/${encodeURIComponent(contactId!)}/balance`),
    enabled: Boolean(contactId),
  });
  const credit = balance.data?.customerCredit;
  const amountText = amount === '' && credit && credit.minor !== '0' ? decimalForInput(credit.amount, fmt.locale) : amount;
  const minor = toMinor(amountText, digits);
  const save = useMutation({
    mutationFn: () => api.post<Payment>('/refunds', { contactId, amount: minorToDecimal(minor ?? 0n, digits), method, paidOn, reference: reference.trim() || null, note: note.trim() || null }),
    meta: { inline: true },
    onSuccess: async (p) => {
      await invalidate();
      notifySuccess(t('payments.refund.done', { title: paymentTitle(t, p) }));
      onClose();
      await router.navigate({ href: `/payments/${encodeURIComponent(p.id)}` });
    },
  });
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={600}>{t('payments.refund.title')}</Text>}>
      <ModalForm onSubmit={() => save.mutate()} onCancel={onClose} error={save.error} busy={save.isPending} submitLabel={t('payments.refund.submit')} submitDisabled={!contactId || minor === null || minor <= 0n}>
        {!fixed && <ContactPicker label={t('payments.payer')} value={contactId} onChange={(id) => setContactId(id)} required autoFocus />}
        {contactId && credit && (
          <Text size="sm" c={credit.minor === '0' ? 'red' : 'dimmed'}>
            {credit.minor === '0' ? t('payments.refund.noCredit') : t('payments.refund.available', { amount: fmt.money(credit.minor, credit.currency) })}
          </Text>
        )}
        <Group grow>
          <TextInput label={t('payments.amount')} value={amountText} onChange={(e) => setAmount(e.currentTarget.value)} required inputMode="decimal" data-autofocus={fixed ? true : undefined} />
          <TextInput type="date" label={t('payments.refund.paidOn')} value={paidOn} max={todayIso()} onChange={(e) => setPaidOn(e.currentTarget.value)} />
        </Group>
        <MethodSelect label={t('payments.method')} value={method} onChange={setMethod} />
        <TextInput label={t('payments.reference')} value={reference} onChange={(e) => setReference(e.currentTarget.value)} maxLength={200} />
        <Textarea label={t('payments.note')} value={note} onChange={(e) => setNote(e.currentTarget.value)} autosize minRows={2} maxLength={2000} />
      </ModalForm>
    </Modal>
  );
};
