import { useState } from 'react';
import { Alert, Button, Group, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../ui/api.ts';
import { AppLink, ConfirmButton, FormError } from '../ui/components.tsx';
import { useFormat } from '../ui/format.ts';
import { IconCheck } from '../ui/icons.tsx';
import { useT } from '../ui/language.tsx';
import { notifySuccess } from '../ui/notify.tsx';
import { inclusiveEnd } from './dates.ts';
import { TotalsView } from './totals.tsx';
import type { CycleResult } from './types.ts';

/** Preview the annual cycle, then open it for real (asks first). The API's refusals are shown as they come. */
export const CycleCard = () => {
  const t = useT();
  const fmt = useFormat();
  const queryClient = useQueryClient();
  const [periodStart, setPeriodStart] = useState('');
  const body = (dryRun: boolean) => ({ periodStart: periodStart || undefined, dryRun, limit: 0 });
  const preview = useMutation({ mutationFn: () => api.post<CycleResult>('/billing/cycles', body(true)), meta: { inline: true } });
  const open = useMutation({
    mutationFn: () => api.post<CycleResult>('/billing/cycles', body(false)),
    meta: { inline: true },
    onSuccess: (r) => {
      preview.reset();
      void queryClient.invalidateQueries({ queryKey: ['billing', 'list'] });
      notifySuccess(t('billing.cycle.opened', { from: fmt.date(r.periodStart), to: fmt.date(inclusiveEnd(r.periodEnd)), count: fmt.number(r.invoices) }));
    },
  });
  const shown = open.data ?? preview.data;
  const period = (r: CycleResult) => ({ from: fmt.date(r.periodStart), to: fmt.date(inclusiveEnd(r.periodEnd)) });
  return (
    <Paper withBorder p="md" radius="md" data-testid="cycle-card">
      <Stack gap="sm">
        <div>
          <Title order={2} fz="md">
            {t('billing.cycle.title')}
          </Title>
          <Text size="sm" c="dimmed" mt={2}>
            {t('billing.cycle.intro')}
          </Text>
        </div>
        <Group align="flex-end" gap="sm">
          <TextInput
            label={t('billing.cycle.periodStart')}
            description={t('billing.cycle.periodStartHint')}
            type="date"
            value={periodStart}
            onChange={(e) => {
              setPeriodStart(e.currentTarget.value);
              preview.reset();
              open.reset();
            }}
            w={220}
          />
          <Button variant="light" onClick={() => { open.reset(); preview.mutate(); }} loading={preview.isPending}>
            {t('billing.cycle.preview')}
          </Button>
          {preview.data && !open.data && (
            <ConfirmButton
              size="sm"
              variant="filled"
              color="guild"
              message={t('billing.cycle.confirm', period(preview.data))}
              confirmLabel={t('billing.cycle.open')}
              onConfirm={() => open.mutateAsync().catch(() => undefined)}
            >
              {t('billing.cycle.open')}
            </ConfirmButton>
          )}
        </Group>
        <FormError error={preview.error ?? open.error} testId="cycle-error" />
        {shown && (
          <Stack gap="sm" data-testid="cycle-result">
            {open.data ? (
              <Alert color="green" variant="light" icon={<IconCheck size={18} />}>
                <Group justify="space-between" gap="sm">
                  <Text size="sm">{t('billing.cycle.opened', { ...period(open.data), count: fmt.number(open.data.invoices) })}</Text>
                  {open.data.runId && <AppLink href={`/billing/invoices?billingRunId=${encodeURIComponent(open.data.runId)}`}>{t('billing.run.showInvoices')}</AppLink>}
                </Group>
              </Alert>
            ) : (
              <Text size="sm" fw={600}>
                {t('billing.cycle.period', period(shown))} · <Text span size="sm" c="dimmed" fw={400}>{t('billing.cycle.previewNote')}</Text>
              </Text>
            )}
            <TotalsView totals={shown} />
          </Stack>
        )}
      </Stack>
    </Paper>
  );
};
