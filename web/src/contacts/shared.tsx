import { useState } from 'react';
import { Badge, Box, Group, Loader, Select, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../ui/api.ts';
import { AppLink } from '../ui/components.tsx';
import { useT, type Translate } from '../ui/language.tsx';
import type { Language, Paged } from '../ui/types.ts';
import type { Contact, ContactKind, ContactSummary, CustomField, SavedView, TagCount } from './types.ts';

// ---------------------------------------------------------------- queries

export const contactQueryKey = (id: string) => ['contacts', 'one', id] as const;

export const useContact = (id: string) =>
  useQuery({ queryKey: contactQueryKey(id), queryFn: () => api.get<Contact>(`/contacts/${encodeURIComponent(id)}`) });

/** Custom field definitions (a handful; the list is small enough to keep whole). */
export const useCustomFields = () =>
  useQuery({ queryKey: ['custom-fields'], queryFn: () => api.get<{ items: CustomField[] }>('/custom-fields'), staleTime: 30_000, select: (d) => d.items });

export const useTags = () =>
  useQuery({ queryKey: ['contacts', 'tags'], queryFn: () => api.get<{ items: TagCount[] }>('/contacts/tags'), staleTime: 30_000, select: (d) => d.items });

export const useSavedViews = () =>
  useQuery({ queryKey: ['saved-views', 'contacts'], queryFn: () => api.get<{ items: SavedView[] }>('/saved-views', { area: 'contacts' }), select: (d) => d.items });

/** After any change to the registry: lists, tags, open contact pages and their histories refresh. */
export const useInvalidateContacts = () => {
  const queryClient = useQueryClient();
  return () => Promise.all([queryClient.invalidateQueries({ queryKey: ['contacts'] }), queryClient.invalidateQueries({ queryKey: ['audit'] })]);
};

// ---------------------------------------------------------------- small pieces

/** "← Contacts" above a page's title. */
export const BackLink = ({ href, label }: { href: string; label: string }) => (
  <Box maw={1280} mx="auto" mb={6}>
    <AppLink href={href} size="sm">
      ← {label}
    </AppLink>
  </Box>
);

/** A count in a sentence: the `…One` variant of the key when there is exactly one. */
export const plural = <K extends string>(count: number, many: K, one: K): K => (count === 1 ? one : many);

export const KindBadge = ({ kind, t }: { kind: ContactKind; t: Translate }) => (
  <Badge size="sm" variant="light" color={kind === 'organization' ? 'grape' : 'blue'} style={{ flexShrink: 0, minWidth: 'max-content' }}>
    {t(kind === 'organization' ? 'contacts.kind.organization' : 'contacts.kind.person')}
  </Badge>
);

export const memberNo = (n: number | string | null | undefined): string => (n === null || n === undefined || n === '' ? '—' : `#${n}`);

/** "Norway" / "Norge" for "NO"; undefined when the code is not a country Intl knows. */
export const countryName = (language: Language, code: string): string | undefined => {
  if (!/^[A-Za-z]{2}$/.test(code)) return undefined;
  try {
    const name = new Intl.DisplayNames([language], { type: 'region' }).of(code.toUpperCase());
    return name && name.toUpperCase() !== code.toUpperCase() ? name : undefined;
  } catch {
    return undefined;
  }
};

// ---------------------------------------------------------------- contact picker

/**
 * Pick a contact by typing part of a name, e-mail or member number; the server searches
 * (accent-insensitive), so this works the same with ten contacts or a million.
 */
export const ContactPicker = ({
  label,
  kind,
  value,
  onChange,
  exclude = [],
  required,
  autoFocus,
}: {
  label: string;
  kind?: ContactKind;
  value: string | null;
  onChange: (id: string | null, contact: ContactSummary | null) => void;
  exclude?: string[];
  required?: boolean;
  autoFocus?: boolean;
}) => {
  const t = useT();
  const [search, setSearch] = useState('');
  const [picked, setPicked] = useState<ContactSummary | null>(null);
  const pickedLabel = picked ? `${picked.displayName} (${memberNo(picked.memberNumber)})` : '';
  // Once a contact is chosen the box shows its label; that text is not a new search.
  const term = search === pickedLabel ? '' : search.trim();
  const [debounced] = useDebouncedValue(term, 250);
  const found = useQuery({
    queryKey: ['contacts', 'picker', kind ?? 'any', debounced],
    queryFn: () => api.get<Paged<ContactSummary>>('/contacts', { q: debounced || undefined, kind, pageSize: 10, sort: 'displayName' }),
  });
  // Options only for what is typed now: a list still showing an earlier search's answer is about to
  // be replaced under the pointer, and a click on it picked nothing (or could pick another contact).
  const current = term === debounced && !found.isFetching;
  const items = (current ? (found.data?.items ?? []) : []).filter((c) => !exclude.includes(c.id));
  if (picked && !items.some((c) => c.id === picked.id)) items.unshift(picked);
  const byId = new Map(items.map((c) => [c.id, c]));
  return (
    <Select
      label={label}
      placeholder={t('contacts.picker.placeholder')}
      searchable
      required={required}
      data-autofocus={autoFocus || undefined}
      searchValue={search}
      onSearchChange={setSearch}
      // The server has already filtered; do not filter its answer again on the client.
      filter={({ options }) => options}
      data={items.map((c) => ({ value: c.id, label: `${c.displayName} (${memberNo(c.memberNumber)})` }))}
      value={value}
      onChange={(id) => {
        const c = id ? (byId.get(id) ?? null) : null;
        setPicked(c);
        onChange(id, c);
      }}
      renderOption={({ option }) => {
        const c = byId.get(option.value);
        return (
          <Group gap={6} wrap="nowrap">
            <Text size="sm">{c?.displayName ?? option.label}</Text>
            <Text size="xs" c="dimmed">
              {memberNo(c?.memberNumber)}
              {c?.email ? ` · ${c.email}` : ''}
            </Text>
          </Group>
        );
      }}
      rightSection={found.isFetching ? <Loader size={14} /> : undefined}
      nothingFoundMessage={current ? t('contacts.picker.nothing') : t('common.loading')}
      clearable
      comboboxProps={{ withinPortal: true }}
    />
  );
};
