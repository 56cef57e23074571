import { useEffect, useState } from 'react';
import { Alert, Button, Group, Modal, SegmentedControl, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../ui/api.ts';
import { FormError } from '../ui/components.tsx';
import { useFormat } from '../ui/format.ts';
import { IconSend } from '../ui/icons.tsx';
import { useT } from '../ui/language.tsx';
import { notifySuccess } from '../ui/notify.tsx';
import { INVOICES_KEY } from '../invoices/shared.tsx';
import type { MassSendResult } from './types.ts';

/** The invoice list's filters, as far as a mass sending can use them. */
export interface InvoiceListFilters {
  status?: string;
  kind?: string;
  open?: string;
  billingRunId?: string;
  issueDateFrom?: string;
  issueDateTo?: string;
  q?: string;
}

/**
 * "Send / re-send the filtered invoices": counts first (a dry run with the list's filters), then
 * sends each one once more by the payer's preference, or by the channel chosen.
 */
export const MassSendButton = ({ filters }: { filters: InvoiceListFilters }) => {
  const t = useT();
  const fmt = useFormat();
  const queryClient = useQueryClient();
  const [opened, setOpened] = useState(false);
  const [channel, setChannel] = useState<'preference' | 'email' | 'print'>('preference');
  // Drafts and void invoices are never sent: those filters select nothing.
  const unsendable = filters.status === 'draft' || filters.status === 'void';
  const selection = {
    ...(filters.status === 'issued' || filters.status === 'paid' ? { status: filters.status } : {}),
    ...(filters.kind === 'invoice' || filters.kind === 'credit_note' ? { kind: filters.kind } : {}),
    ...(filters.open === 'true' ? { open: true } : {}),
    ...(filters.billingRunId ? { billingRunId: filters.billingRunId } : {}),
    ...(filters.issueDateFrom ? { issueDateFrom: filters.issueDateFrom } : {}),
    ...(filters.issueDateTo ? { issueDateTo: filters.issueDateTo } : {}),
  };
  const body = (dryRun: boolean) => ({ selection, dryRun, ...(channel === 'preference' ? {} : { channel }) });
  const count = useMutation({ mutationFn: () => api.post<MassSendResult>('/invoices/send', body(true)), meta: { inline: true } });
  const send = useMutation({
    mutationFn: () => api.post<MassSendResult>('/invoices/send', body(false)),
    meta: { inline: true },
    onSuccess: async (r) => {
      notifySuccess(t('documents.mass.sent', { count: fmt.number(r.count) }));
      await queryClient.invalidateQueries({ queryKey: [INVOICES_KEY] });
      close();
    },
  });
  const { mutate: countNow } = count;
  useEffect(() => {
    if (opened) countNow();
  }, [opened, channel, countNow]);
  const close = () => {
    setOpened(false);
    setChannel('preference');
    count.reset();
    send.reset();
  };
  const n = count.data?.count;
  return (
    <>
      <Button variant="default" leftSection={<IconSend size={16} />} onClick={() => setOpened(true)} disabled={unsendable} title={unsendable ? t('documents.mass.unsendable') : undefined}>
        {t('documents.mass.button')}
      </Button>
      <Modal opened={opened} onClose={close} title={<Text fw={600}>{t('documents.mass.title')}</Text>}>
        <Stack>
          <FormError error={count.error ?? send.error} />
          <Text size="sm" c="dimmed">
            {t('documents.mass.hint')}
          </Text>
          {filters.q && (
            <Alert color="yellow" variant="light">
              {t('documents.mass.searchIgnored', { q: filters.q })}
            </Alert>
          )}
          <SegmentedControl
            fullWidth
            value={channel}
            onChange={(v) => setChannel(v as typeof channel)}
            data={[
              { value: 'preference', label: t('documents.mass.preference') },
              { value: 'email', label: t('invoices.delivery.email') },
              { value: 'print', label: t('invoices.delivery.print') },
            ]}
          />
          <Text size="sm" fw={600} data-testid="mass-send-count">
            {n === undefined ? t('common.loading') : n === 0 ? t('documents.mass.none') : t('documents.mass.count', { count: fmt.number(n) })}
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('common.cancel')}
            </Button>
            <Button loading={send.isPending} disabled={!n || count.isPending} onClick={() => send.mutate()}>
              {t('documents.mass.confirm', { count: fmt.number(n ?? 0) })}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
};
