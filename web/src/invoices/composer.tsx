import { useEffect, useState } from 'react';
import { ActionIcon, Button, Group, Paper, Stack, Table, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useParams, useRouter } from '@tanstack/react-router';
import { api } from '../ui/api.ts';
import { AppLink, ErrorState, FormError, Page, RequireAccess } from '../ui/components.tsx';
import { useFormat } from '../ui/format.ts';
import { IconPlus, IconTrash } from '../ui/icons.tsx';
import { useT } from '../ui/language.tsx';
import { notifySuccess } from '../ui/notify.tsx';
import { ContactPicker } from '../contacts/shared.tsx';
import { DECIMAL, INVOICES_KEY, normalizeDecimal, useInvalidateInvoices } from './shared.tsx';
import type { Invoice, ManualLine } from './types.ts';

interface DraftLine {
  key: number;
  description: string;
  quantity: string;
  unitPrice: string;
  vatRate: string;
  glAccount: string;
}

let nextKey = 1;
const emptyLine = (): DraftLine => ({ key: nextKey++, description: '', quantity: '1', unitPrice: '', vatRate: '', glAccount: '' });
const GL = /^\d{5}-\d{4}$/;

/** Net of a line for the running total on screen (display only; the server computes the invoice). */
const lineNet = (l: DraftLine): number | null => {
  const q = normalizeDecimal(l.quantity || '1');
  const p = normalizeDecimal(l.unitPrice);
  if (!DECIMAL.test(q) || !DECIMAL.test(p)) return null;
  return Math.round(Number(q) * Number(p) * 100) / 100;
};

/** The manual invoice composer: a new draft (/billing/invoices/new) or a draft being changed (/billing/invoices/$id/edit). */
const Composer = ({ draft }: { draft: Invoice | null }) => {
  const t = useT();
  const fmt = useFormat();
  const router = useRouter();
  const invalidate = useInvalidateInvoices();
  const [payerId, setPayerId] = useState<string | null>(draft?.payerId ?? null);
  const [changingPayer, setChangingPayer] = useState(!draft);
  const [lines, setLines] = useState<DraftLine[]>(() =>
    draft && draft.lines.length > 0
      ? draft.lines.map((l) => ({ key: nextKey++, description: l.description, quantity: l.quantity, unitPrice: l.unitPrice.amount, vatRate: l.vatRate, glAccount: l.glAccount }))
      : [emptyLine()],
  );
  const [note, setNote] = useState(draft?.note ?? '');
  const [problem, setProblem] = useState<Error | null>(null);

  const setLine = (key: number, patch: Partial<DraftLine>) => setLines((ls) => ls.map((l) => (l.key === key ? { ...l, ...patch } : l)));

  const validLines = (): ManualLine[] | null => {
    if (lines.length === 0) {
      setProblem(new Error(t('invoices.composer.noLines')));
      return null;
    }
    const out: ManualLine[] = [];
    for (const [i, l] of lines.entries()) {
      const quantity = normalizeDecimal(l.quantity || '1');
      const unitPrice = normalizeDecimal(l.unitPrice);
      const vatRate = normalizeDecimal(l.vatRate);
      if (!l.description.trim() || !DECIMAL.test(quantity) || !DECIMAL.test(unitPrice) || (vatRate && !DECIMAL.test(vatRate))) {
        setProblem(new Error(t('invoices.composer.lineInvalid', { n: i + 1 })));
        return null;
      }
      if (l.glAccount.trim() && !GL.test(l.glAccount.trim())) {
        setProblem(new Error(t('invoices.composer.glInvalid', { n: i + 1 })));
        return null;
      }
      out.push({ description: l.description.trim(), quantity, unitPrice, vatRate: vatRate || undefined, glAccount: l.glAccount.trim() || undefined });
    }
    return out;
  };

  const save = useMutation({
    mutationFn: async ({ issue }: { issue: boolean }) => {
      const body = { payerId: payerId!, lines: validLines()!, note: note.trim() || null };
      let saved = draft
        ? await api.patch<Invoice>(`/invoices/${encodeURIComponent(draft.id)}`, { ...body, version: draft.version })
        : await api.post<Invoice>('/invoices', body);
      if (issue) saved = await api.post<Invoice>(`/invoices/${encodeURIComponent(saved.id)}/issue`, { version: saved.version });
      return saved;
    },
    meta: { inline: true },
    onSuccess: async (saved, { issue }) => {
      await invalidate();
      notifySuccess(issue ? t('invoices.issued', { number: saved.number ?? '' }) : t('invoices.composer.saved'));
      await router.navigate({ href: `/billing/invoices/${encodeURIComponent(saved.id)}` });
    },
  });
  const submit = (issue: boolean) => {
    setProblem(null);
    if (!payerId) return setProblem(new Error(t('invoices.composer.payerRequired')));
    if (!validLines()) return;
    save.mutate({ issue });
  };

  const nets = lines.map(lineNet);
  const netTotal = nets.reduce<number>((s, n) => s + (n ?? 0), 0);
  const num = { fontVariantNumeric: 'tabular-nums' } as const;
  return (
    <Page
      title={draft ? t('invoices.composer.editTitle') : t('invoices.composer.title')}
      intro={
        <>
          {t('invoices.composer.intro')} <AppLink href={draft ? `/billing/invoices/${encodeURIComponent(draft.id)}` : '/billing/invoices'}>{t('common.back')}</AppLink>
        </>
      }
    >
      <form
        data-testid="invoice-composer"
        onSubmit={(e) => {
          e.preventDefault();
          submit(false);
        }}
      >
        <Stack gap="md">
          <FormError error={problem ?? save.error} />
          <Paper withBorder p="md" radius="md" maw={560}>
            {changingPayer ? (
              <ContactPicker label={t('invoices.composer.payer')} value={payerId} onChange={(id) => setPayerId(id)} required autoFocus />
            ) : (
              <Group justify="space-between">
                <div>
                  <Text size="sm" c="dimmed">
                    {t('invoices.composer.payer')}
                  </Text>
                  <Text fw={600}>{draft?.payerName}</Text>
                </div>
                <Button variant="subtle" size="compact-sm" onClick={() => setChangingPayer(true)}>
                  {t('common.edit')}
                </Button>
              </Group>
            )}
          </Paper>
          <Paper withBorder style={{ overflow: 'hidden' }}>
            <Group justify="space-between" p="sm" style={{ borderBottom: '1px solid var(--gh-border)' }}>
              <Title order={2} fz="md">
                {t('invoices.composer.lines')}
              </Title>
              <Button variant="light" size="xs" leftSection={<IconPlus size={14} />} onClick={() => setLines((ls) => [...ls, emptyLine()])}>
                {t('invoices.composer.addLine')}
              </Button>
            </Group>
            <Table.ScrollContainer minWidth={860} type="native">
              <Table verticalSpacing={6} horizontalSpacing="sm" data-testid="composer-lines">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('invoices.composer.description')}</Table.Th>
                    <Table.Th w={90}>{t('invoices.composer.quantity')}</Table.Th>
                    <Table.Th w={130}>{t('invoices.composer.unitPrice')}</Table.Th>
                    <Table.Th w={90}>{t('invoices.composer.vatRate')}</Table.Th>
                    <Table.Th w={140}>{t('invoices.composer.glAccount')}</Table.Th>
                    <Table.Th w={120} ta="right">
                      {t('invoices.composer.amount')}
                    </Table.Th>
                    <Table.Th w={40} />
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {lines.map((l, i) => (
                    <Table.Tr key={l.key}>
                      <Table.Td>
                        <TextInput size="sm" aria-label={`${t('invoices.composer.description')} ${i + 1}`} value={l.description} onChange={(e) => setLine(l.key, { description: e.currentTarget.value })} maxLength={1000} />
                      </Table.Td>
                      <Table.Td>
                        <TextInput size="sm" inputMode="decimal" aria-label={`${t('invoices.composer.quantity')} ${i + 1}`} value={l.quantity} onChange={(e) => setLine(l.key, { quantity: e.currentTarget.value })} />
                      </Table.Td>
                      <Table.Td>
                        <TextInput size="sm" inputMode="decimal" aria-label={`${t('invoices.composer.unitPrice')} ${i + 1}`} value={l.unitPrice} onChange={(e) => setLine(l.key, { unitPrice: e.currentTarget.value })} />
                      </Table.Td>
                      <Table.Td>
                        <TextInput size="sm" inputMode="decimal" placeholder={t('invoices.composer.vatRateDefault')} aria-label={`${t('invoices.composer.vatRate')} ${i + 1}`} value={l.vatRate} onChange={(e) => setLine(l.key, { vatRate: e.currentTarget.value })} />
                      </Table.Td>
                      <Table.Td>
                        <TextInput
                          size="sm"
                          placeholder={t('invoices.composer.glAccountDefault')}
                          aria-label={`${t('invoices.composer.glAccount')} ${i + 1}`}
                          value={l.glAccount}
                          onChange={(e) => setLine(l.key, { glAccount: e.currentTarget.value })}
                          error={l.glAccount.trim() && !GL.test(l.glAccount.trim()) ? true : undefined}
                        />
                      </Table.Td>
                      <Table.Td ta="right">
                        <Text size="sm" style={num}>
                          {nets[i] === null ? '—' : fmt.moneyText(nets[i]!.toFixed(2))}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <ActionIcon variant="subtle" color="gray" aria-label={t('invoices.composer.removeLine')} onClick={() => setLines((ls) => ls.filter((x) => x.key !== l.key))} disabled={lines.length === 1}>
                          <IconTrash size={16} />
                        </ActionIcon>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <Group justify="flex-end" p="sm" gap="md" style={{ borderTop: '1px solid var(--gh-border)' }}>
              <Text size="sm" c="dimmed">
                {t('invoices.composer.netTotal')}
              </Text>
              <Text fw={650} style={num} data-testid="composer-net-total">
                {fmt.moneyText(netTotal.toFixed(2))}
              </Text>
            </Group>
          </Paper>
          <Textarea label={t('invoices.composer.note')} value={note} onChange={(e) => setNote(e.currentTarget.value)} autosize minRows={2} maxLength={4000} maw={720} />
          <Group justify="flex-end">
            <Button type="submit" variant="default" loading={save.isPending && save.variables?.issue === false}>
              {t('invoices.composer.saveDraft')}
            </Button>
            <Button onClick={() => submit(true)} loading={save.isPending && save.variables?.issue === true}>
              {t('invoices.composer.saveAndIssue')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Page>
  );
};

export const NewInvoicePage = () => (
  <RequireAccess area="billing" level="update">
    <Composer draft={null} />
  </RequireAccess>
);

const EditDraft = () => {
  const { id } = useParams({ strict: false }) as { id: string };
  const router = useRouter();
  const query = useQuery({ queryKey: [INVOICES_KEY, 'one', id], queryFn: () => api.get<Invoice>(`/invoices/${encodeURIComponent(id)}`) });
  const issued = query.data && query.data.status !== 'draft';
  useEffect(() => {
    // Only drafts change; an issued invoice is shown as it is.
    if (issued) void router.navigate({ href: `/billing/invoices/${encodeURIComponent(id)}`, replace: true });
  }, [issued, id, router]);
  if (query.error) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  if (!query.data || issued) return null;
  return <Composer key={query.data.id} draft={query.data} />;
};

export const EditInvoicePage = () => (
  <RequireAccess area="billing" level="update">
    <EditDraft />
  </RequireAccess>
);
