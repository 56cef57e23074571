import { useState, type ReactNode } from 'react';
import { SimpleGrid, Textarea, TextInput } from '@mantine/core';
import { useMutation, type UseMutationResult } from '@tanstack/react-query';
import { api } from '../ui/api.ts';
import { ModalForm } from '../ui/components.tsx';
import { useT } from '../ui/language.tsx';
import { notifySuccess } from '../ui/notify.tsx';
import { glError, useInvalidateCatalog } from './shared.tsx';
import type { Priced } from './types.ts';

/**
 * Saves a catalog item: PATCH `${path}/${id}` for one that exists, POST `path` (with `createExtra`
 * added to the body) for a new one; then refreshes the catalog and says "{code} is saved.".
 */
export const useSaveItem = <T extends { code: string }>({
  path,
  item,
  body,
  createExtra,
  onSaved,
}: {
  path: string;
  item: { id: string } | null;
  body: Record<string, unknown>;
  createExtra?: Record<string, unknown>;
  onSaved: (saved: T) => void;
}) => {
  const t = useT();
  const invalidate = useInvalidateCatalog();
  return useMutation({
    mutationFn: () => (item ? api.patch<T>(`${path}/${item.id}`, body) : api.post<T>(path, { ...body, ...createExtra })),
    meta: { inline: true },
    onSuccess: async (saved) => {
      await invalidate();
      notifySuccess(t('catalog.savedNamed', { code: saved.code }));
      onSaved(saved);
    },
  });
};

/** A dialog form that runs a `useSaveItem` mutation: "Create" for a new item, "Save" for one that exists. */
export const SaveForm = <T,>({
  save,
  isNew,
  onClose,
  submitDisabled,
  children,
}: {
  save: UseMutationResult<T, Error, void>;
  isNew: boolean;
  onClose: () => void;
  submitDisabled: boolean;
  children: ReactNode;
}) => {
  const t = useT();
  return (
    <ModalForm onSubmit={() => save.mutate()} onCancel={onClose} error={save.error} busy={save.isPending} submitLabel={isNew ? t('common.create') : t('common.save')} submitDisabled={submitDisabled}>
      {children}
    </ModalForm>
  );
};

/**
 * The form of a membership type, product or account type: code, name and description on top, the
 * caller's own fields (with the G/L account and VAT inputs handed to it to place), and for a new
 * item its first price.
 */
export const PricedItemForm = <T extends Priced>({
  item,
  path,
  canEdit,
  body,
  vatDefault,
  codeMaxLength,
  priceLabel,
  pricePlaceholder,
  onSaved,
  onClose,
  children,
}: {
  item: T | null;
  /** The list's API path. */
  path: string;
  canEdit: boolean;
  /** The caller's fields for the request body, between the description and the G/L account. */
  body: Record<string, unknown>;
  vatDefault: string;
  codeMaxLength: number;
  priceLabel: string;
  pricePlaceholder: string;
  onSaved: (saved: T) => void;
  onClose: () => void;
  children: (glAndVat: ReactNode) => ReactNode;
}) => {
  const t = useT();
  const [code, setCode] = useState(item?.code ?? '');
  const [name, setName] = useState(item?.name ?? '');
  const [description, setDescription] = useState(item?.description ?? '');
  const [glAccount, setGlAccount] = useState(item?.glAccount ?? '');
  const [vatRate, setVatRate] = useState(item?.vatRate ?? vatDefault);
  const [price, setPrice] = useState('');
  const [priceFrom, setPriceFrom] = useState('');
  const save = useSaveItem<T>({
    path,
    item,
    body: { code: code.trim(), name: name.trim(), description: description.trim(), ...body, glAccount: glAccount.trim() || null, vatRate: vatRate.trim() || '0' },
    createExtra: { price: price.trim(), ...(priceFrom ? { priceEffectiveFrom: priceFrom } : {}) },
    onSaved,
  });
  const gl = glError(t, glAccount);
  return (
    <SaveForm save={save} isNew={!item} onClose={onClose} submitDisabled={!canEdit || !code.trim() || !name.trim() || Boolean(gl) || (!item && !price.trim())}>
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <TextInput label={t('catalog.code')} value={code} onChange={(e) => setCode(e.currentTarget.value.toUpperCase())} classNames={{ input: 'gh-mono' }} required data-autofocus maxLength={codeMaxLength} readOnly={!canEdit} />
        <TextInput label={t('common.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} required style={{ gridColumn: 'span 2' }} readOnly={!canEdit} />
      </SimpleGrid>
      <Textarea label={t('common.description')} value={description} onChange={(e) => setDescription(e.currentTarget.value)} autosize minRows={1} readOnly={!canEdit} />
      {children(
        <>
          <TextInput label={t('catalog.glAccount')} description={t('catalog.glAccountHint')} value={glAccount} onChange={(e) => setGlAccount(e.currentTarget.value)} error={gl} classNames={{ input: 'gh-mono' }} placeholder="30000-0000" readOnly={!canEdit} />
          <TextInput label={t('catalog.vatRate')} description={t('catalog.vatRateHint')} value={vatRate} onChange={(e) => setVatRate(e.currentTarget.value)} inputMode="decimal" readOnly={!canEdit} />
        </>,
      )}
      {!item && (
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label={priceLabel} value={price} onChange={(e) => setPrice(e.currentTarget.value)} inputMode="decimal" required placeholder={pricePlaceholder} />
          <TextInput label={t('catalog.firstPriceFrom')} description={t('catalog.firstPriceFromHint')} type="date" value={priceFrom} onChange={(e) => setPriceFrom(e.currentTarget.value)} />
        </SimpleGrid>
      )}
    </SaveForm>
  );
};
