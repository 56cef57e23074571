import { useState, type ReactNode } from 'react';
import { Badge, Button, Group, Paper, SegmentedControl, Stack, Table, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../ui/api.ts';
import { ConfirmButton, FormError } from '../ui/components.tsx';
import { useFormat } from '../ui/format.ts';
import { IconPlus } from '../ui/icons.tsx';
import { useT, type Translate } from '../ui/language.tsx';
import { notifySuccess } from '../ui/notify.tsx';
import { oneOf, parseListSearch, type ListSearch, type SearchPatch } from '../ui/search.ts';
import { useOrganization } from '../ui/session.ts';
import type { Price, PriceVersion } from './types.ts';

export const CATALOG_KEY = 'catalog';
export const SHOW = ['active', 'archived', 'all'] as const;
export type Show = (typeof SHOW)[number];

export interface CatalogSearch extends ListSearch {
  show: Show;
}
export const parseCatalogSearch = (raw: Record<string, unknown>): CatalogSearch => ({ ...parseListSearch(raw), show: oneOf(raw.show, SHOW) ?? 'active' });
export const archivedParam = (show: Show) => (show === 'all' ? undefined : show === 'archived' ? 'true' : 'false');

export interface TabProps {
  search: CatalogSearch;
  setSearch: (patch: SearchPatch, options?: { replace?: boolean }) => void;
  canEdit: boolean;
}

/** Refreshes every catalog list and item after a change. */
export const useInvalidateCatalog = () => {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: [CATALOG_KEY] });
};

/** The organization's calendar day, YYYY-MM-DD. */
export const useOrgToday = (): string => {
  const org = useOrganization();
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone: org.timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  } catch {
    return new Date().toISOString().slice(0, 10);
  }
};

export const GL_ACCOUNT = /^\d{5}-\d{4}$/;
export const glError = (t: Translate, v: string) => (v.trim() && !GL_ACCOUNT.test(v.trim()) ? t('catalog.glAccountInvalid') : undefined);

export const freqLabel = (t: Translate, f: string) => t(`catalog.freq.${f}` as 'catalog.freq.month');

/** "Active / Archived / All", kept in the URL as `show`. */
export const ShowFilter = ({ search, setSearch }: Pick<TabProps, 'search' | 'setSearch'>) => {
  const t = useT();
  return (
    <SegmentedControl
      size="xs"
      aria-label={t('catalog.archived')}
      value={search.show}
      onChange={(v) => setSearch({ show: v === 'active' ? undefined : v, page: undefined })}
      data={SHOW.map((s) => ({ value: s, label: t(`catalog.show.${s}`) }))}
    />
  );
};

/** The price in force today, or "free" / "no price". */
export const PriceText = ({ price }: { price: Price | null }) => {
  const t = useT();
  const fmt = useFormat();
  if (!price) return <Text size="sm" c="dimmed">{t('catalog.noPrice')}</Text>;
  return (
    <Text size="sm" ta="right" style={{ fontVariantNumeric: 'tabular-nums' }}>
      {price.amount === '0.00' || Number(price.amount) === 0 ? t('catalog.free') : fmt.moneyText(price.amount, price.currency)}
    </Text>
  );
};

export const ArchivedBadge = () => {
  const t = useT();
  return (
    <Badge size="xs" color="gray">
      {t('catalog.archived')}
    </Badge>
  );
};

/** Archive (asks first) or restore an item through PATCH {archived}. */
export const ArchiveButton = ({ path, code, archived }: { path: string; code: string; archived: boolean }) => {
  const t = useT();
  const invalidate = useInvalidateCatalog();
  const change = useMutation({
    mutationFn: (next: boolean) => api.patch(path, { archived: next }),
    onSuccess: async (_d, next) => {
      await invalidate();
      notifySuccess(next ? t('catalog.archivedNamed', { code }) : t('catalog.restoredNamed', { code }));
    },
  });
  return archived ? (
    <Button size="compact-sm" variant="subtle" onClick={() => change.mutate(false)} loading={change.isPending}>
      {t('catalog.restore')}
    </Button>
  ) : (
    <ConfirmButton message={t('catalog.archiveConfirm', { code })} confirmLabel={t('catalog.archive')} color="orange" onConfirm={() => change.mutateAsync(true)}>
      {t('catalog.archive')}
    </ConfirmButton>
  );
};

/**
 * Every price version of an item, oldest first, with the one in force marked, and (for editors) a
 * way to add a version from a date. Versions are never changed.
 */
export const PriceHistory = <T extends { prices: PriceVersion[]; price: Price | null }>({
  item,
  path,
  canEdit,
  onChanged,
}: {
  item: T;
  /** The item's API path, like /membership-types/ID. */
  path: string;
  canEdit: boolean;
  onChanged: (item: T) => void;
}) => {
  const t = useT();
  const fmt = useFormat();
  const today = useOrgToday();
  const invalidate = useInvalidateCatalog();
  const [amount, setAmount] = useState('');
  const [from, setFrom] = useState(today);
  const add = useMutation({
    mutationFn: () => api.post<T>(`${path}/prices`, { amount: amount.trim(), effectiveFrom: from }),
    meta: { inline: true },
    onSuccess: async (saved) => {
      await invalidate();
      notifySuccess(t('catalog.priceAdded', { date: fmt.date(from) }));
      setAmount('');
      onChanged(saved);
    },
  });
  const inForce = item.price?.effectiveFrom;
  return (
    <TablePanel
      hint={t('catalog.priceHistoryHint')}
      table={
        <Table className="gh-table" verticalSpacing={7} horizontalSpacing="md" data-testid="price-history">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('catalog.effectiveFrom')}</Table.Th>
              <Table.Th ta="right">{t('catalog.amount')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {[...item.prices].reverse().map((p) => (
              <Table.Tr key={p.id}>
                <Table.Td>
                  <Text size="sm">{fmt.date(p.effectiveFrom)}</Text>
                </Table.Td>
                <Table.Td ta="right">
                  <Text size="sm" style={{ fontVariantNumeric: 'tabular-nums' }}>
                    {fmt.moneyText(p.amount, p.currency)}
                  </Text>
                </Table.Td>
                <Table.Td ta="right">
                  {p.effectiveFrom === inForce ? (
                    <Badge size="sm" color="green" variant="light">
                      {t('catalog.inForce')}
                    </Badge>
                  ) : p.effectiveFrom > today ? (
                    <Badge size="sm" color="blue" variant="light">
                      {t('catalog.upcoming')}
                    </Badge>
                  ) : null}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      }
    >
      {canEdit && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            add.mutate();
          }}
        >
          <Stack gap="xs">
            <FormError error={add.error} />
            <Group align="flex-end" gap="sm">
              <TextInput label={t('catalog.amount')} value={amount} onChange={(e) => setAmount(e.currentTarget.value)} inputMode="decimal" w={160} required />
              <TextInput label={t('catalog.effectiveFrom')} type="date" value={from} min={today} onChange={(e) => setFrom(e.currentTarget.value)} w={180} required />
              <Button type="submit" variant="light" leftSection={<IconPlus size={16} />} loading={add.isPending} disabled={!amount.trim() || !from}>
                {t('catalog.addPrice')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </TablePanel>
  );
};

/** A dimmed hint, a bordered table under it, and what goes below (like an add form), in a dialog tab. */
export const TablePanel = ({ hint, table, children }: { hint: string; table: ReactNode; children?: ReactNode }) => (
  <Stack gap="sm">
    <Text size="sm" c="dimmed">
      {hint}
    </Text>
    <Paper withBorder style={{ overflow: 'hidden' }}>
      {table}
    </Paper>
    {children}
  </Stack>
);

/** Code in monospace with a dimmed name under it, for the first column of the lists. */
export const CodeCell = ({ code, name, archived }: { code: string; name?: string; archived: boolean }) => (
  <div>
    <Group gap={6} wrap="nowrap">
      <Text size="sm" fw={600} className="gh-mono" c={archived ? 'dimmed' : undefined}>
        {code}
      </Text>
      {archived && <ArchivedBadge />}
    </Group>
    {name && (
      <Text size="xs" c="dimmed">
        {name}
      </Text>
    )}
  </div>
);
