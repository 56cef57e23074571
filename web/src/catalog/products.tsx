import { useState } from 'react';
import { Select, SimpleGrid, Text } from '@mantine/core';
import type { Column } from '../ui/data-table.tsx';
import { useT } from '../ui/language.tsx';
import { PricedItemForm } from './item-form.tsx';
import { CatalogList, codeColumn, PricedItemDialog, priceColumn, vatColumn } from './list-tab.tsx';
import { freqLabel, type TabProps } from './shared.tsx';
import { PRODUCT_FREQUENCIES, PRODUCT_KINDS, type Product, type ProductFrequency, type ProductKind } from './types.ts';

const PATH = '/products';

const ProductForm = ({ product, canEdit, onSaved, onClose }: { product: Product | null; canEdit: boolean; onSaved: (p: Product) => void; onClose: () => void }) => {
  const t = useT();
  const [kind, setKind] = useState<ProductKind>(product?.kind ?? 'service');
  const [frequency, setFrequency] = useState<ProductFrequency>(product?.frequency ?? 'year');
  return (
    <PricedItemForm
      item={product}
      path={PATH}
      canEdit={canEdit}
      body={{ kind, frequency }}
      vatDefault="25"
      codeMaxLength={20}
      priceLabel={t('catalog.firstPrice')}
      pricePlaceholder="49.00"
      onSaved={onSaved}
      onClose={onClose}
    >
      {(glAndVat) => (
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Select
            label={t('catalog.products.kind')}
            data={PRODUCT_KINDS.map((k) => ({ value: k, label: t(`catalog.products.kind.${k}`) }))}
            value={kind}
            onChange={(v) => v && setKind(v as ProductKind)}
            allowDeselect={false}
            readOnly={!canEdit}
            comboboxProps={{ withinPortal: true }}
          />
          <Select
            label={t('catalog.frequency')}
            data={PRODUCT_FREQUENCIES.map((f) => ({ value: f, label: freqLabel(t, f) }))}
            value={frequency}
            onChange={(v) => v && setFrequency(v as ProductFrequency)}
            allowDeselect={false}
            readOnly={!canEdit}
            comboboxProps={{ withinPortal: true }}
          />
          {glAndVat}
        </SimpleGrid>
      )}
    </PricedItemForm>
  );
};

export const ProductsTab = (props: TabProps) => {
  const t = useT();
  const [editing, setEditing] = useState<Product | 'new' | null>(null);
  const close = () => setEditing(null);
  const columns: Column<Product>[] = [
    codeColumn(t, (p) => p.name),
    { key: 'kind', header: t('catalog.products.kind'), render: (p) => <Text size="sm">{t(`catalog.products.kind.${p.kind}`)}</Text> },
    { key: 'frequency', header: t('catalog.frequency'), render: (p) => <Text size="sm">{freqLabel(t, p.frequency)}</Text> },
    { key: 'gl', header: t('catalog.glAccount'), render: (p) => <Text size="sm" className="gh-mono" c={p.glAccount ? undefined : 'dimmed'}>{p.glAccount ?? '—'}</Text> },
    vatColumn(t),
    priceColumn(t('catalog.priceToday')),
  ];
  return (
    <CatalogList {...props} testId="products" path={PATH} texts="products" columns={columns} editing={editing} onOpen={setEditing} onClose={close}>
      <PricedItemDialog
        editing={editing}
        path={PATH}
        canEdit={props.canEdit}
        onChanged={setEditing}
        form={(p) => <ProductForm key={p?.updatedAt} product={p} canEdit={props.canEdit} onSaved={p ? close : setEditing} onClose={close} />}
      />
    </CatalogList>
  );
};
