import { useState } from 'react';
import { Alert, Button, Checkbox, Group, Modal, Paper, SimpleGrid, Skeleton, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { api, downloadUrl } from '../ui/api.ts';
import { AppLink, ConfirmButton, ErrorState, FormError, Page } from '../ui/components.tsx';
import { useFormat } from '../ui/format.ts';
import { IconArchive, IconDownload, IconExternal, IconSend } from '../ui/icons.tsx';
import { useT, type Translate } from '../ui/language.tsx';
import { notifySuccess } from '../ui/notify.tsx';
import { str, useUrlSearch } from '../ui/search.ts';
import { useCan } from '../ui/session.ts';
import { ContactPicker } from '../contacts/shared.tsx';
import type { Statement, StatementEntry, StatementsSendResult } from './types.ts';

const num = { fontVariantNumeric: 'tabular-nums' } as const;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const parse = (raw: Record<string, unknown>) => ({ contact: str(raw.contact), asOf: str(raw.asOf) && DAY.test(str(raw.asOf)!) ? str(raw.asOf) : undefined });

const entryLabel = (t: Translate, kind: StatementEntry['kind']) => t(`documents.statement.kind.${kind}`);
const entryHref = (e: StatementEntry) => (['invoice', 'credit_note', 'writeoff'].includes(e.kind) ? `/billing/invoices/${encodeURIComponent(e.sourceId)}` : null);

/** The running balance after each entry, as a small step line (zero marked). */
const BalanceChart = ({ entries }: { entries: StatementEntry[] }) => {
  const t = useT();
  const fmt = useFormat();
  if (entries.length < 2) return null;
  const values = entries.map((e) => Number(e.balance.minor));
  const max = Math.max(0, ...values);
  const min = Math.min(0, ...values);
  const span = max - min || 1;
  const W = 600;
  const H = 90;
  const x = (i: number) => (i / (entries.length - 1)) * W;
  const y = (v: number) => H - ((v - min) / span) * H;
  let d = `M0,${y(values[0]!)}`;
  values.forEach((v, i) => {
    if (i > 0) d += ` H${x(i)} V${y(v)}`;
  });
  const last = entries[entries.length - 1]!;
  return (
    <div>
      <Text size="xs" c="dimmed" mb={4}>
        {t('documents.statement.chart', { max: fmt.money(max, last.balance.currency), now: fmt.money(last.balance.minor, last.balance.currency) })}
      </Text>
      <svg viewBox={`-2 -4 ${W + 4} ${H + 8}`} width="100%" height={H + 8} preserveAspectRatio="none" role="img" aria-label={t('documents.statement.chartLabel')} data-testid="balance-chart">
        <line x1={0} x2={W} y1={y(0)} y2={y(0)} stroke="var(--gh-border, #ccc)" strokeDasharray="4 3" />
        <path d={d} fill="none" stroke="var(--mantine-color-guild-6, #2f6f5e)" strokeWidth={2} vectorEffect="non-scaling-stroke" />
      </svg>
    </div>
  );
};

const StatementView = ({ contactId, asOf }: { contactId: string; asOf?: string }) => {
  const t = useT();
  const fmt = useFormat();
  const can = useCan();
  const statement = useQuery({
    queryKey: ['statements', contactId, asOf ?? ''],
    queryFn: () => api.get<Statement>(`/contacts/${encodeURIComponent(contactId)}/statement`, { format: 'json', asOf }),
  });
  const send = useMutation({
    mutationFn: () => api.post<{ recipients: string[] }>(`/contacts/${encodeURIComponent(contactId)}/statement/send`, asOf ? { asOf } : {}),
    onSuccess: (r) => notifySuccess(t('documents.statement.sent', { recipients: r.recipients.join(', ') })),
  });
  if (statement.error) return <ErrorState error={statement.error} onRetry={() => void statement.refetch()} />;
  if (!statement.data) return <Skeleton h={240} />;
  const s = statement.data;
  const pdfPath = `/contacts/${encodeURIComponent(contactId)}/statement`;
  const money = (m: { minor: string; currency: string }) => fmt.money(m.minor, m.currency);
  return (
    <Stack gap="md" data-testid="statement">
      <Group justify="space-between" align="flex-start">
        <div>
          <Text fw={650}>
            <AppLink href={`/contacts/${encodeURIComponent(s.contact.id)}`}>{s.contact.name}</AppLink>
          </Text>
          {s.contact.address.map((l, i) => (
            <Text size="sm" key={i}>
              {l}
            </Text>
          ))}
          <Text size="sm" c="dimmed">
            {s.contact.email ?? t('documents.statement.noEmail')}
          </Text>
        </div>
        <Stack gap={6} align="flex-end">
          <Text size="sm" c="dimmed">
            {t('documents.statement.asOf', { date: fmt.date(s.asOf) })}
          </Text>
          <Group gap="xs">
            <Button component="a" href={downloadUrl(pdfPath, { format: 'pdf', asOf })} target="_blank" rel="noopener" size="compact-sm" variant="light" leftSection={<IconExternal size={14} />} data-testid="statement-pdf">
              PDF
            </Button>
            <Button component="a" href={downloadUrl(pdfPath, { format: 'pdf', asOf, download: 'true' })} size="compact-sm" variant="subtle" leftSection={<IconDownload size={14} />}>
              {t('documents.pdf.download')}
            </Button>
            {can('billing', 'update') && (
              <ConfirmButton
                size="compact-sm"
                variant="light"
                color="guild"
                leftSection={<IconSend size={14} />}
                message={t('documents.statement.sendConfirm', { name: s.contact.name })}
                confirmLabel={t('documents.statement.send')}
                onConfirm={() => send.mutateAsync()}
              >
                {t('documents.statement.send')}
              </ConfirmButton>
            )}
          </Group>
        </Stack>
      </Group>
      <BalanceChart entries={s.entries} />
      {s.entries.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('documents.statement.empty')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={760} type="native">
          <Table verticalSpacing={5} fz="sm" data-testid="statement-entries">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('documents.statement.date')}</Table.Th>
                <Table.Th>{t('documents.statement.entry')}</Table.Th>
                <Table.Th>{t('documents.statement.detail')}</Table.Th>
                <Table.Th>{t('invoices.dueDate')}</Table.Th>
                <Table.Th ta="right">{t('documents.statement.charge')}</Table.Th>
                <Table.Th ta="right">{t('documents.statement.credit')}</Table.Th>
                <Table.Th ta="right">{t('documents.statement.balance')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {s.entries.map((e, i) => {
                const href = entryHref(e);
                const label = `${entryLabel(t, e.kind)}${e.number !== null ? ` ${e.number}` : ''}`;
                return (
                  <Table.Tr key={`${e.sourceId}-${e.kind}-${i}`}>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{fmt.date(e.date)}</Table.Td>
                    <Table.Td>{href ? <AppLink href={href}>{label}</AppLink> : label}</Table.Td>
                    <Table.Td>
                      <Text size="xs" c="dimmed">
                        {[e.detail, e.method ? t('documents.statement.method', { method: e.method }) : null].filter(Boolean).join(' · ')}
                      </Text>
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{e.dueDate ? fmt.date(e.dueDate) : ''}</Table.Td>
                    <Table.Td ta="right" style={num}>
                      {e.charge.minor === '0' ? '' : money(e.charge)}
                    </Table.Td>
                    <Table.Td ta="right" style={num}>
                      {e.credit.minor === '0' ? '' : money(e.credit)}
                    </Table.Td>
                    <Table.Td ta="right" style={num} fw={600}>
                      {money(e.balance)}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <SimpleGrid cols={{ base: 1, sm: 4 }} spacing="sm">
        {(
          [
            ['documents.statement.totalCharged', s.totalCharged],
            ['documents.statement.totalCredited', s.totalCredited],
            ['documents.statement.balance', s.balance],
            ['documents.statement.amountDue', s.amountDue],
          ] as const
        ).map(([label, m]) => (
          <Paper key={label} withBorder p="sm" radius="md">
            <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
              {t(label)}
            </Text>
            <Text fw={650} style={num} data-testid={label === 'documents.statement.amountDue' ? 'statement-due' : undefined}>
              {money(m)}
            </Text>
          </Paper>
        ))}
      </SimpleGrid>
      {s.openInvoices.some((o) => o.overdue) && (
        <Alert color="orange" variant="light">
          {t('documents.statement.overdue', { count: s.openInvoices.filter((o) => o.overdue).length })}
        </Alert>
      )}
    </Stack>
  );
};

/** Statements for every active contact: a zip of PDFs, or e-mails (counted first). */
const AllStatements = () => {
  const t = useT();
  const fmt = useFormat();
  const can = useCan();
  const [onlyWithBalance, setOnlyWithBalance] = useState(true);
  const [asOf, setAsOf] = useState('');
  const [opened, setOpened] = useState(false);
  const body = (dryRun: boolean) => ({ onlyWithBalance, dryRun, ...(DAY.test(asOf) ? { asOf } : {}) });
  const count = useMutation({ mutationFn: () => api.post<StatementsSendResult>('/statements/send', body(true)), meta: { inline: true } });
  const send = useMutation({
    mutationFn: () => api.post<StatementsSendResult>('/statements/send', body(false)),
    meta: { inline: true },
    onSuccess: (r) => {
      notifySuccess(t('documents.statements.sent', { count: fmt.number(r.count) }));
      close();
    },
  });
  const close = () => {
    setOpened(false);
    count.reset();
    send.reset();
  };
  const r = count.data;
  return (
    <Paper withBorder p="md" radius="md" data-testid="all-statements">
      <Title order={2} fz="md" mb={4}>
        {t('documents.statements.allTitle')}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {t('documents.statements.allHint')}
      </Text>
      <Group gap="md" align="flex-end">
        <TextInput type="date" label={t('documents.statements.asOf')} value={asOf} onChange={(e) => setAsOf(e.currentTarget.value)} w={170} />
        <Checkbox label={t('documents.statements.onlyWithBalance')} checked={onlyWithBalance} onChange={(e) => setOnlyWithBalance(e.currentTarget.checked)} mb={8} />
        <Button component="a" href={downloadUrl('/statements/zip', { onlyWithBalance: String(onlyWithBalance), asOf: DAY.test(asOf) ? asOf : undefined })} variant="default" leftSection={<IconArchive size={16} />}>
          {t('documents.statements.zip')}
        </Button>
        {can('billing', 'update') && (
          <Button
            leftSection={<IconSend size={16} />}
            onClick={() => {
              setOpened(true);
              count.mutate();
            }}
          >
            {t('documents.statements.email')}
          </Button>
        )}
      </Group>
      <Modal opened={opened} onClose={close} title={<Text fw={600}>{t('documents.statements.email')}</Text>}>
        <Stack>
          <FormError error={count.error ?? send.error} />
          <Text size="sm" data-testid="statements-count">
            {!r ? t('common.loading') : t('documents.statements.count', { count: fmt.number(r.count), without: fmt.number(r.withoutEmail) })}
          </Text>
          {r && r.withoutEmail > 0 && (
            <Alert color="yellow" variant="light">
              {t('documents.statements.withoutEmail', { count: fmt.number(r.withoutEmail) })}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('common.cancel')}
            </Button>
            <Button disabled={!r || r.count - r.withoutEmail <= 0} loading={send.isPending} onClick={() => send.mutate()}>
              {t('documents.statements.sendConfirm', { count: fmt.number(r ? r.count - r.withoutEmail : 0) })}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Paper>
  );
};

/** Billing → Statements: one contact's statement on screen, as PDF or by e-mail; or all of them. */
export const StatementsPage = () => {
  const t = useT();
  const [search, setSearch] = useUrlSearch(parse);
  return (
    <Page title={t('documents.statements.title')} intro={t('documents.statements.intro')}>
      <Stack gap="lg">
        <Paper withBorder p="md" radius="md">
          <Group gap="md" align="flex-end" mb="md">
            <div style={{ flex: '1 1 320px', maxWidth: 460 }}>
              <ContactPicker label={t('documents.statements.contact')} value={search.contact ?? null} onChange={(id) => setSearch({ contact: id ?? undefined })} />
            </div>
            <TextInput type="date" label={t('documents.statements.asOf')} value={search.asOf ?? ''} onChange={(e) => setSearch({ asOf: e.currentTarget.value || undefined }, { replace: true })} w={170} />
          </Group>
          {search.contact ? (
            <StatementView contactId={search.contact} asOf={search.asOf} />
          ) : (
            <Text size="sm" c="dimmed">
              {t('documents.statements.pick')}
            </Text>
          )}
        </Paper>
        <AllStatements />
      </Stack>
    </Page>
  );
};
