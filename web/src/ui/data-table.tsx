import { Fragment, useEffect, useState, type ReactNode } from 'react';
import { ActionIcon, Autocomplete, Box, Button, Checkbox, CloseButton, EmptyState, Group, Pagination, Paper, Select, Skeleton, type SelectProps, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from './api.ts';
import { IconArrowDown, IconArrowUp, IconChevronDown, IconChevronRight, IconInbox, IconPlus, IconSearch, IconSelector } from './icons.tsx';
import { useT } from './language.tsx';
import { ErrorState } from './components.tsx';
import { useFormat } from './format.ts';
import { PAGE_SIZES, type ListSearch, type SearchPatch } from './search.ts';
import type { Paged } from './types.ts';

export interface Column<T> {
  key: string;
  header: ReactNode;
  /** The API's sort field; the header becomes a button that toggles `sort=field` / `sort=-field`. */
  sort?: string;
  render: (row: T) => ReactNode;
  width?: number | string;
  align?: 'left' | 'right' | 'center';
}

/** What the table needs of a list query (a `useList` result). */
export interface ListQueryState<T> {
  data: Paged<T> | undefined;
  isPending: boolean;
  error: unknown;
  refetch: () => unknown;
}

/** A page of a list endpoint; the previous page stays on screen while the next one loads. */
export const useList = <T,>(key: string, path: string, params: Record<string, string | number | undefined>) =>
  useQuery({ queryKey: [key, 'list', path, params], queryFn: () => api.get<Paged<T>>(path, params), placeholderData: keepPreviousData });

/** The "New …" button at the right end of a table's toolbar. */
export const NewButton = ({ label, onClick }: { label: string; onClick: () => void }) => (
  <Button ml="auto" leftSection={<IconPlus size={16} />} onClick={onClick}>
    {label}
  </Button>
);

interface DataTableProps<T> {
  columns: Column<T>[];
  query: ListQueryState<T>;
  search: ListSearch;
  onSearchChange: (patch: SearchPatch, options?: { replace?: boolean }) => void;
  rowKey: (row: T) => string;
  onRowClick?: (row: T) => void;
  /** Details shown under a row when it is expanded. */
  expand?: (row: T) => ReactNode;
  /** A free-text box bound to `q`; omitted when the list has none. */
  searchPlaceholder?: string;
  /** Extra filter inputs, next to the search box. */
  filters?: ReactNode;
  /** True when something other than `q` filters the list (to offer "clear filters"). */
  filtered?: boolean;
  onClearFilters?: () => void;
  empty: { title: string; description?: string; icon?: ReactNode };
  testId?: string;
  /** Row checkboxes (for mass actions): the keys ticked, and how to change them. */
  selection?: { selected: ReadonlySet<string>; onChange: (next: Set<string>) => void };
  /** A line between the toolbar and the table (active filters, "select all matching"). */
  banner?: ReactNode;
}

const SortIcon = ({ state }: { state: 'asc' | 'desc' | null }) =>
  state === 'asc' ? <IconArrowUp size={13} /> : state === 'desc' ? <IconArrowDown size={13} /> : <IconSelector size={13} opacity={0.45} />;

/** One table for every list: paging, sorting by header, search and filters, all kept in the URL. */
export const DataTable = <T,>(props: DataTableProps<T>) => {
  const { columns, query, search, onSearchChange, rowKey, onRowClick, expand, empty } = props;
  const { data, error } = query;
  const loading = query.isPending;
  const t = useT();
  const [q, setQ] = useState(search.q ?? '');
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  // Follow the URL when it changes from outside (back button, a shared link).
  useEffect(() => setQ(search.q ?? ''), [search.q]);
  const pushQ = useDebouncedCallback((value: string) => onSearchChange({ q: value.trim() || undefined, page: undefined }, { replace: true }), 300);

  const sortState = (field: string): 'asc' | 'desc' | null =>
    search.sort === field ? 'asc' : search.sort === `-${field}` ? 'desc' : null;
  const toggleSort = (field: string) => onSearchChange({ sort: sortState(field) === 'asc' ? `-${field}` : field, page: undefined });

  const fmt = useFormat();
  const total = data?.total ?? 0;
  // A list that stops counting says so: "1–50 of 10,000+".
  const totalText = data?.totalCapped ? `${fmt.number(total)}+` : String(total);
  const pages = Math.max(1, Math.ceil(total / search.pageSize));
  const from = total === 0 ? 0 : (search.page - 1) * search.pageSize + 1;
  const to = Math.min(total, search.page * search.pageSize);
  const selection = props.selection;
  const colSpan = columns.length + (expand ? 1 : 0) + (selection ? 1 : 0);
  const pageKeys = data?.items.map(rowKey) ?? [];
  const pageTicked = selection ? pageKeys.filter((k) => selection.selected.has(k)).length : 0;
  const tickPage = (on: boolean) => {
    if (!selection) return;
    const next = new Set(selection.selected);
    for (const k of pageKeys) {
      if (on) next.add(k);
      else next.delete(k);
    }
    selection.onChange(next);
  };
  const tickRow = (key: string, on: boolean) => {
    if (!selection) return;
    const next = new Set(selection.selected);
    if (on) next.add(key);
    else next.delete(key);
    selection.onChange(next);
  };
  const isFiltered = Boolean(search.q) || Boolean(props.filtered);
  const showToolbar = props.searchPlaceholder !== undefined || props.filters !== undefined;

  const toggleRow = (key: string) =>
    setExpanded((prev) => {
      const next = new Set(prev);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });

  return (
    <Paper withBorder data-testid={props.testId} style={{ overflow: 'hidden' }}>
      {showToolbar && (
        <Group gap="sm" p="sm" wrap="wrap" style={{ borderBottom: '1px solid var(--gh-border)' }}>
          {props.searchPlaceholder !== undefined && (
            <TextInput
              aria-label={t('common.search')}
              placeholder={props.searchPlaceholder}
              leftSection={<IconSearch size={15} />}
              value={q}
              onChange={(e) => {
                setQ(e.currentTarget.value);
                pushQ(e.currentTarget.value);
              }}
              rightSection={q ? <CloseButton size="sm" aria-label={t('common.clearFilters')} onClick={() => { setQ(''); onSearchChange({ q: undefined, page: undefined }); }} /> : null}
              w={280}
              size="sm"
            />
          )}
          {props.filters}
        </Group>
      )}
      {props.banner}
      {error ? (
        <Box p="md">
          <ErrorState error={error} onRetry={() => void query.refetch()} />
        </Box>
      ) : (
        <Table.ScrollContainer minWidth={640} type="native">
          <Table className="gh-table" highlightOnHover={Boolean(onRowClick || expand)} verticalSpacing={9} horizontalSpacing="md" striped={false}>
            <Table.Thead>
              <Table.Tr>
                {selection && (
                  <Table.Th w={40}>
                    <Checkbox
                      size="xs"
                      aria-label={t('table.selectPage')}
                      checked={pageKeys.length > 0 && pageTicked === pageKeys.length}
                      indeterminate={pageTicked > 0 && pageTicked < pageKeys.length}
                      onChange={(e) => tickPage(e.currentTarget.checked)}
                    />
                  </Table.Th>
                )}
                {expand && <Table.Th w={36} />}
                {columns.map((c) => (
                  <Table.Th key={c.key} w={c.width} ta={c.align} aria-sort={c.sort ? (sortState(c.sort) === 'asc' ? 'ascending' : sortState(c.sort) === 'desc' ? 'descending' : 'none') : undefined}>
                    {c.sort ? (
                      <button type="button" className="gh-sort" onClick={() => toggleSort(c.sort!)} title={typeof c.header === 'string' ? t('table.sortBy', { column: c.header }) : undefined}>
                        {c.header}
                        <SortIcon state={sortState(c.sort)} />
                      </button>
                    ) : (
                      c.header
                    )}
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {loading && !data
                ? Array.from({ length: 6 }, (_, i) => (
                    <Table.Tr key={`sk${i}`}>
                      {Array.from({ length: colSpan }, (_, j) => (
                        <Table.Td key={j}>
                          <Skeleton height={12} radius="sm" width={j === 0 && expand ? 12 : `${55 + ((i * 7 + j * 13) % 40)}%`} />
                        </Table.Td>
                      ))}
                    </Table.Tr>
                  ))
                : data?.items.map((row) => {
                    const key = rowKey(row);
                    const open = expanded.has(key);
                    return (
                      <Fragment key={key}>
                        <Table.Tr
                          className={onRowClick || expand ? 'gh-clickable' : undefined}
                          onClick={onRowClick ? () => onRowClick(row) : expand ? () => toggleRow(key) : undefined}
                          data-row={key}
                          data-selected={selection?.selected.has(key) || undefined}
                        >
                          {selection && (
                            <Table.Td onClick={(e) => e.stopPropagation()}>
                              <Checkbox size="xs" aria-label={t('table.selectRow')} checked={selection.selected.has(key)} onChange={(e) => tickRow(key, e.currentTarget.checked)} />
                            </Table.Td>
                          )}
                          {expand && (
                            <Table.Td>
                              <ActionIcon variant="subtle" color="gray" size="sm" aria-label={t('audit.showChanges')} aria-expanded={open} onClick={(e) => { e.stopPropagation(); toggleRow(key); }}>
                                {open ? <IconChevronDown size={14} /> : <IconChevronRight size={14} />}
                              </ActionIcon>
                            </Table.Td>
                          )}
                          {columns.map((c) => (
                            <Table.Td key={c.key} ta={c.align}>
                              {c.render(row)}
                            </Table.Td>
                          ))}
                        </Table.Tr>
                        {expand && open && (
                          <Table.Tr>
                            <Table.Td colSpan={colSpan} bg="var(--mantine-color-gray-0)" p="md">
                              {expand(row)}
                            </Table.Td>
                          </Table.Tr>
                        )}
                      </Fragment>
                    );
                  })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {!error && data && data.items.length === 0 && (
        <Box py={48} px="md">
          {isFiltered ? (
            <EmptyState color="gray" icon={<IconSearch size={24} />} withIndicatorBackground title={t('table.emptyFiltered')} description={t('table.emptyFilteredHint')}>
              <EmptyState.Actions>
                <Button
                  variant="default"
                  size="xs"
                  onClick={() => {
                    setQ('');
                    if (props.onClearFilters) props.onClearFilters();
                    else onSearchChange({ q: undefined, page: undefined });
                  }}
                >
                  {t('common.clearFilters')}
                </Button>
              </EmptyState.Actions>
            </EmptyState>
          ) : (
            <EmptyState withIndicatorBackground icon={empty.icon ?? <IconInbox size={24} />} title={empty.title} description={empty.description} />
          )}
        </Box>
      )}
      {!error && data && total > 0 && (
        <Group justify="space-between" px="sm" py={8} style={{ borderTop: '1px solid var(--gh-border)' }} wrap="wrap" gap="sm">
          <Text size="xs" c="dimmed">
            {t('table.rows', { from, to, total: totalText })}
          </Text>
          <Group gap="md">
            <Group gap={6}>
              <Text size="xs" c="dimmed">
                {t('table.perPage')}
              </Text>
              <Select
                size="xs"
                w={76}
                aria-label={t('table.perPage')}
                data={PAGE_SIZES.map(String)}
                value={String(search.pageSize)}
                onChange={(v) => v && onSearchChange({ pageSize: Number(v), page: undefined })}
                allowDeselect={false}
                comboboxProps={{ withinPortal: true }}
              />
            </Group>
            {pages > 1 && <Pagination size="sm" total={pages} value={Math.min(search.page, pages)} onChange={(p) => onSearchChange({ page: p === 1 ? undefined : p })} />}
          </Group>
        </Group>
      )}
    </Paper>
  );
};

/** A filter box that keeps its own text while typing and tells the URL after a short pause. */
export const FilterInput = ({ value, onCommit, label, options, width = 170 }: { value: string | undefined; onCommit: (v: string | undefined) => void; label: string; options?: string[]; width?: number }) => {
  const [text, setText] = useState(value ?? '');
  useEffect(() => setText(value ?? ''), [value]);
  const commit = useDebouncedCallback((v: string) => onCommit(v.trim() || undefined), 350);
  const change = (v: string) => {
    setText(v);
    commit(v);
  };
  return options ? (
    <Autocomplete aria-label={label} placeholder={label} data={options} value={text} onChange={change} onOptionSubmit={(v) => { setText(v); onCommit(v); }} w={width} size="sm" comboboxProps={{ withinPortal: true }} />
  ) : (
    <TextInput aria-label={label} placeholder={label} value={text} onChange={(e) => change(e.currentTarget.value)} w={width} size="sm" />
  );
};

/** A clearable pick-list filter: the label doubles as placeholder; clearing tells `undefined`. */
export const FilterSelect = ({
  label,
  placeholder = label,
  width,
  data,
  value,
  onChange,
  searchable,
}: {
  label: string;
  placeholder?: string;
  width: number;
  data: SelectProps['data'];
  value: string | undefined;
  onChange: (v: string | undefined) => void;
  searchable?: boolean;
}) => (
  <Select
    size="sm"
    w={width}
    aria-label={label}
    placeholder={placeholder}
    data={data}
    value={value ?? null}
    onChange={(v) => onChange(v ?? undefined)}
    clearable
    searchable={searchable}
    comboboxProps={{ withinPortal: true }}
  />
);
