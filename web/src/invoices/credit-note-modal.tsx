import { useState } from 'react';
import { Checkbox, Modal, SegmentedControl, Table, Text, TextInput, Textarea } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { api } from '../ui/api.ts';
import { ModalForm } from '../ui/components.tsx';
import { useFormat } from '../ui/format.ts';
import { useT } from '../ui/language.tsx';
import { notifySuccess } from '../ui/notify.tsx';
import { DECIMAL, normalizeDecimal, quantityText, useInvalidateInvoices } from './shared.tsx';
import type { Invoice, InvoiceLine } from './types.ts';

/** What is left to credit on a line (quantity − credited), as a plain decimal string. */
const leftOf = (l: InvoiceLine) => {
  const left = Number(l.quantity) - Number(l.creditedQuantity);
  return Number.isFinite(left) ? String(Math.round(left * 1e6) / 1e6) : l.quantity;
};
export const creditableLines = (invoice: Invoice) => invoice.lines.filter((l) => Number(leftOf(l)) > 0);

/** Issue a credit note: everything that is left, or the chosen lines and quantities, with a reason. */
export const CreditNoteModal = ({ invoice, opened, onClose }: { invoice: Invoice; opened: boolean; onClose: () => void }) => {
  const t = useT();
  const fmt = useFormat();
  const invalidate = useInvalidateInvoices();
  const lines = creditableLines(invoice);
  const [mode, setMode] = useState<'all' | 'chosen'>('all');
  const [chosen, setChosen] = useState<Record<string, string>>({});
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<Error | null>(null);
  const reset = () => {
    setMode('all');
    setChosen({});
    setReason('');
    setProblem(null);
    create.reset();
  };
  const close = () => {
    reset();
    onClose();
  };
  const create = useMutation({
    mutationFn: (body: { lines?: Array<{ lineId: string; quantity?: string }>; reason: string }) => api.post<Invoice>(`/invoices/${encodeURIComponent(invoice.id)}/credit-notes`, body),
    meta: { inline: true },
    onSuccess: async (note) => {
      await invalidate();
      notifySuccess(t('invoices.credited', { number: note.number ?? '' }));
      close();
    },
  });
  const submit = () => {
    setProblem(null);
    if (mode === 'all') return create.mutate({ reason: reason.trim() });
    const picked = Object.entries(chosen);
    if (picked.length === 0) return setProblem(new Error(t('invoices.creditNothing')));
    const body = picked.map(([lineId, q]) => {
      const line = lines.find((l) => l.id === lineId)!;
      const quantity = normalizeDecimal(q);
      return quantity === leftOf(line) || !quantity ? { lineId } : { lineId, quantity };
    });
    const bad = body.find((b) => b.quantity !== undefined && !DECIMAL.test(b.quantity));
    if (bad) return setProblem(new Error(t('invoices.creditQuantity')));
    create.mutate({ lines: body, reason: reason.trim() });
  };
  const num = { fontVariantNumeric: 'tabular-nums' } as const;
  return (
    <Modal opened={opened} onClose={close} size="xl" title={<Text fw={600}>{t('invoices.creditTitle', { number: invoice.number ?? '' })}</Text>}>
      <ModalForm onSubmit={submit} onCancel={close} error={problem ?? create.error} busy={create.isPending} submitLabel={t('invoices.creditCreate')} submitDisabled={!reason.trim()}>
        <SegmentedControl
          value={mode}
          onChange={(v) => setMode(v as 'all' | 'chosen')}
          data={[
            { value: 'all', label: t('invoices.creditAll') },
            { value: 'chosen', label: t('invoices.creditChosen') },
          ]}
        />
        <Table verticalSpacing={6} data-testid="credit-lines">
          <Table.Thead>
            <Table.Tr>
              {mode === 'chosen' && <Table.Th w={36} />}
              <Table.Th>{t('billing.line.description')}</Table.Th>
              <Table.Th ta="right">{t('invoices.creditLeft')}</Table.Th>
              <Table.Th ta="right">{t('billing.line.unitPrice')}</Table.Th>
              {mode === 'chosen' && <Table.Th ta="right">{t('invoices.creditQuantity')}</Table.Th>}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {lines.map((l) => {
              const on = l.id in chosen;
              return (
                <Table.Tr key={l.id}>
                  {mode === 'chosen' && (
                    <Table.Td>
                      <Checkbox
                        aria-label={l.description}
                        checked={on}
                        onChange={(e) => {
                          const next = { ...chosen };
                          if (e.currentTarget.checked) next[l.id] = leftOf(l);
                          else delete next[l.id];
                          setChosen(next);
                        }}
                      />
                    </Table.Td>
                  )}
                  <Table.Td>
                    <Text size="sm">{l.description}</Text>
                  </Table.Td>
                  <Table.Td ta="right">
                    <Text size="sm" style={num}>
                      {quantityText(leftOf(l), fmt.locale)}
                    </Text>
                  </Table.Td>
                  <Table.Td ta="right">
                    <Text size="sm" style={num}>
                      {fmt.money(l.unitPrice.minor, l.unitPrice.currency)}
                    </Text>
                  </Table.Td>
                  {mode === 'chosen' && (
                    <Table.Td ta="right">
                      <TextInput
                        size="xs"
                        w={100}
                        ml="auto"
                        inputMode="decimal"
                        aria-label={`${t('invoices.creditQuantity')}: ${l.description}`}
                        disabled={!on}
                        value={chosen[l.id] ?? ''}
                        onChange={(e) => setChosen({ ...chosen, [l.id]: e.currentTarget.value })}
                      />
                    </Table.Td>
                  )}
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
        <Textarea label={t('invoices.creditReason')} description={t('invoices.creditReasonHint')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} required autosize minRows={2} maxLength={1000} />
      </ModalForm>
    </Modal>
  );
};
