import type { ReactNode } from 'react';
import { Modal, Tabs, Text } from '@mantine/core';
import { DataTable, NewButton, useList, type Column } from '../ui/data-table.tsx';
import { useT, type Translate } from '../ui/language.tsx';
import { ArchiveButton, archivedParam, CATALOG_KEY, CodeCell, PriceHistory, PriceText, ShowFilter, type TabProps } from './shared.tsx';
import type { Priced } from './types.ts';

/** What every catalog list shows of an item: its id, code and whether it is archived. */
interface Listed {
  id: string;
  code: string;
  archived: boolean;
}

/** Which tab's texts: catalog.<tab>.new / .edit / .empty / .emptyDescription. */
type ListTexts = 'types' | 'products' | 'accounts' | 'campaigns';

/** The first column: the code in monospace, with a dimmed name under it. */
export const codeColumn = <T extends Listed>(t: Translate, name: (item: T) => string, width = 240): Column<T> => ({
  key: 'code',
  header: t('catalog.code'),
  sort: 'code',
  width,
  render: (item) => <CodeCell code={item.code} name={name(item)} archived={item.archived} />,
});

export const vatColumn = <T extends { vatRate: string }>(t: Translate): Column<T> => ({
  key: 'vat',
  header: t('catalog.vatRate'),
  align: 'right',
  width: 80,
  render: (item) => <Text size="sm">{item.vatRate}</Text>,
});

export const priceColumn = <T extends Priced>(header: string): Column<T> => ({ key: 'price', header, align: 'right', width: 140, render: (item) => <PriceText price={item.price} /> });

/**
 * One catalog tab: the list (search box, in use / archived / all, "New …", archive or restore on
 * each row for editors) and the dialog an item opens in.
 */
export const CatalogList = <T extends Listed>({
  search,
  setSearch,
  canEdit,
  testId,
  path,
  texts,
  columns,
  editing,
  onOpen,
  onClose,
  modalSize = 'xl',
  children,
}: TabProps & {
  testId: string;
  /** The list's API path; an item's is `${path}/${id}`. */
  path: string;
  texts: ListTexts;
  columns: Column<T>[];
  /** The item open in the dialog, 'new' while one is created, null when the dialog is closed. */
  editing: T | 'new' | null;
  onOpen: (item: T | 'new') => void;
  onClose: () => void;
  modalSize?: 'lg' | 'xl';
  /** The dialog's content. */
  children: ReactNode;
}) => {
  const t = useT();
  const { show, ...listSearch } = search;
  const list = useList<T>(CATALOG_KEY, path, { ...listSearch, archived: archivedParam(show) });
  const archiveColumn: Column<T> = {
    key: 'actions',
    header: '',
    align: 'right',
    width: 120,
    render: (item) => (
      <div onClick={(e) => e.stopPropagation()}>
        <ArchiveButton path={`${path}/${item.id}`} code={item.code} archived={item.archived} />
      </div>
    ),
  };
  return (
    <>
      <DataTable
        testId={testId}
        columns={canEdit ? [...columns, archiveColumn] : columns}
        query={list}
        search={listSearch}
        onSearchChange={setSearch}
        rowKey={(item) => item.id}
        onRowClick={(item) => onOpen(item)}
        searchPlaceholder={t('catalog.searchPlaceholder')}
        filters={
          <>
            <ShowFilter search={search} setSearch={setSearch} />
            {canEdit && <NewButton label={t(`catalog.${texts}.new`)} onClick={() => onOpen('new')} />}
          </>
        }
        filtered={show !== 'active'}
        onClearFilters={() => setSearch({ q: undefined, show: undefined, page: undefined })}
        empty={{ title: t(`catalog.${texts}.empty`), description: t(`catalog.${texts}.emptyDescription`) }}
      />
      <Modal
        opened={editing !== null}
        onClose={onClose}
        size={modalSize}
        title={<Text fw={600}>{editing === 'new' ? t(`catalog.${texts}.new`) : editing ? t(`catalog.${texts}.edit`, { code: editing.code }) : ''}</Text>}
      >
        {children}
      </Modal>
    </>
  );
};

/**
 * The dialog of a priced item: the form alone while a new one is created; for one that exists,
 * tabs for the details, any extra tabs, and the price history.
 */
export const PricedItemDialog = <T extends Priced>({
  editing,
  path,
  canEdit,
  form,
  onChanged,
  extraTabs = [],
  tab,
  onTabChange,
}: {
  editing: T | 'new' | null;
  /** The list's API path; the item's is `${path}/${id}`. */
  path: string;
  canEdit: boolean;
  /** The details form: for a new item (null) or the one open. */
  form: (item: T | null) => ReactNode;
  onChanged: (item: T) => void;
  extraTabs?: { value: string; label: ReactNode; rightSection?: ReactNode; panel: ReactNode }[];
  /** The open tab, when the caller chooses it; otherwise the details open first. */
  tab?: string | null;
  onTabChange?: (tab: string | null) => void;
}) => {
  const t = useT();
  if (editing === null) return null;
  if (editing === 'new') return form(null);
  return (
    <Tabs defaultValue="details" value={tab} onChange={onTabChange} keepMounted={false}>
      <Tabs.List mb="md">
        <Tabs.Tab value="details">{t('catalog.details')}</Tabs.Tab>
        {extraTabs.map((x) => (
          <Tabs.Tab key={x.value} value={x.value} rightSection={x.rightSection}>
            {x.label}
          </Tabs.Tab>
        ))}
        <Tabs.Tab value="prices">{t('catalog.prices')}</Tabs.Tab>
      </Tabs.List>
      <Tabs.Panel value="details">{form(editing)}</Tabs.Panel>
      {extraTabs.map((x) => (
        <Tabs.Panel key={x.value} value={x.value}>
          {x.panel}
        </Tabs.Panel>
      ))}
      <Tabs.Panel value="prices">
        <PriceHistory item={editing} path={`${path}/${editing.id}`} canEdit={canEdit} onChanged={onChanged} />
      </Tabs.Panel>
    </Tabs>
  );
};
