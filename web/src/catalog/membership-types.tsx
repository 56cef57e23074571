import { useState } from 'react';
import { Badge, Divider, Group, NumberInput, Select, SimpleGrid, Stack, Switch, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api } from '../ui/api.ts';
import type { Column } from '../ui/data-table.tsx';
import { useT } from '../ui/language.tsx';
import type { Paged } from '../ui/types.ts';
import { PricedItemForm } from './item-form.tsx';
import { CatalogList, codeColumn, PricedItemDialog, priceColumn, vatColumn } from './list-tab.tsx';
import { CATALOG_KEY, freqLabel, type TabProps } from './shared.tsx';
import { TYPE_FREQUENCIES, type MembershipType, type TypeFrequency } from './types.ts';

const PATH = '/membership-types';

/** Every membership type (a handful), for pickers and for showing codes instead of ids. */
export const useAllMembershipTypes = () =>
  useQuery({ queryKey: [CATALOG_KEY, 'all-types'], queryFn: () => api.get<Paged<MembershipType>>(PATH, { pageSize: 500, sort: 'position' }), staleTime: 30_000 });

const TypeForm = ({ type, onSaved, onClose }: { type: MembershipType | null; onSaved: (t: MembershipType) => void; onClose: () => void }) => {
  const t = useT();
  const all = useAllMembershipTypes().data?.items ?? [];
  const [frequency, setFrequency] = useState<TypeFrequency>(type?.frequency ?? 'year');
  const [trialDays, setTrialDays] = useState<number>(type?.trialDays ?? 0);
  const [convertsToId, setConvertsToId] = useState<string | null>(type?.convertsToId ?? null);
  const [followsId, setFollowsId] = useState<string | null>(type?.followsId ?? null);
  const [signupAllowed, setSignupAllowed] = useState(type?.signupAllowed ?? true);
  const [specialPrice, setSpecialPrice] = useState(type?.specialPrice ?? false);
  const [invoiced, setInvoiced] = useState(type?.invoiced ?? true);
  const others = all.filter((o) => o.id !== type?.id && (!o.archived || o.id === convertsToId || o.id === followsId)).map((o) => ({ value: o.id, label: `${o.code} · ${o.name}` }));
  return (
    <PricedItemForm
      item={type}
      path={PATH}
      canEdit
      body={{ frequency, trialDays, convertsToId, followsId, signupAllowed, specialPrice, invoiced }}
      vatDefault="0"
      codeMaxLength={10}
      priceLabel={t('catalog.firstPrice')}
      pricePlaceholder="450.00"
      onSaved={onSaved}
      onClose={onClose}
    >
      {(glAndVat) => (
        <>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Select
              label={t('catalog.frequency')}
              data={TYPE_FREQUENCIES.map((f) => ({ value: f, label: freqLabel(t, f) }))}
              value={frequency}
              onChange={(v) => v && setFrequency(v as TypeFrequency)}
              allowDeselect={false}
              comboboxProps={{ withinPortal: true }}
            />
            <NumberInput label={t('catalog.types.trialDays')} description={t('catalog.types.trialDaysHint')} value={trialDays} onChange={(v) => setTrialDays(typeof v === 'number' ? v : Number(v) || 0)} min={0} max={3650} />
            <Select
              label={t('catalog.types.convertsTo')}
              description={t('catalog.types.convertsToHint')}
              data={others}
              value={convertsToId}
              onChange={setConvertsToId}
              clearable
              comboboxProps={{ withinPortal: true }}
            />
            <Select label={t('catalog.types.follows')} description={t('catalog.types.followsHint')} data={others} value={followsId} onChange={setFollowsId} clearable comboboxProps={{ withinPortal: true }} />
          </SimpleGrid>
          <Stack gap={8}>
            <Switch label={t('catalog.types.invoiced')} checked={invoiced} onChange={(e) => setInvoiced(e.currentTarget.checked)} />
            <Switch label={t('catalog.types.signupAllowed')} checked={signupAllowed} onChange={(e) => setSignupAllowed(e.currentTarget.checked)} />
            <Switch label={t('catalog.types.specialPrice')} checked={specialPrice} onChange={(e) => setSpecialPrice(e.currentTarget.checked)} />
          </Stack>
          <Divider label={t('catalog.types.accounting')} labelPosition="left" />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>{glAndVat}</SimpleGrid>
        </>
      )}
    </PricedItemForm>
  );
};

export const MembershipTypesTab = (props: TabProps) => {
  const t = useT();
  const all = useAllMembershipTypes().data?.items ?? [];
  const codeOf = (id: string | null) => all.find((o) => o.id === id)?.code ?? '';
  const [editing, setEditing] = useState<MembershipType | 'new' | null>(null);
  const close = () => setEditing(null);
  const columns: Column<MembershipType>[] = [
    codeColumn(t, (m) => m.name, 220),
    { key: 'frequency', header: t('catalog.frequency'), render: (m) => <Text size="sm">{freqLabel(t, m.frequency)}</Text> },
    {
      key: 'flags',
      header: '',
      render: (m) => (
        <Group gap={4}>
          {m.trialDays > 0 && (
            <Badge size="sm" variant="light" color="blue" tt="none">
              {t('catalog.types.trialBadge', { days: m.trialDays })} → {codeOf(m.convertsToId)}
            </Badge>
          )}
          {m.followsId && (
            <Badge size="sm" variant="light" color="grape" tt="none">
              {t('catalog.types.followsBadge', { code: codeOf(m.followsId) })}
            </Badge>
          )}
          {m.specialPrice && (
            <Badge size="sm" variant="light" color="orange" tt="none">
              {t('catalog.types.specialBadge')}
            </Badge>
          )}
          {!m.invoiced && (
            <Badge size="sm" variant="light" color="gray" tt="none">
              {t('catalog.notInvoiced')}
            </Badge>
          )}
        </Group>
      ),
    },
    vatColumn(t),
    priceColumn(t('catalog.priceToday')),
  ];
  return (
    <CatalogList {...props} testId="membership-types" path={PATH} texts="types" columns={columns} editing={editing} onOpen={setEditing} onClose={close}>
      <PricedItemDialog
        editing={editing}
        path={PATH}
        canEdit={props.canEdit}
        onChanged={setEditing}
        form={(m) => (!m ? <TypeForm type={null} onSaved={setEditing} onClose={close} /> : props.canEdit ? <TypeForm key={m.updatedAt} type={m} onSaved={close} onClose={close} /> : <ReadOnlyType type={m} />)}
      />
    </CatalogList>
  );
};

const ReadOnlyType = ({ type }: { type: MembershipType }) => {
  const t = useT();
  return (
    <Stack gap={4}>
      <Text size="sm">{type.name}</Text>
      <Text size="sm" c="dimmed">
        {type.description}
      </Text>
      <Text size="sm">
        {t('catalog.frequency')}: {freqLabel(t, type.frequency)} · {t('catalog.glAccount')}: {type.glAccount ?? '—'} · {t('catalog.vatRate')}: {type.vatRate}
      </Text>
    </Stack>
  );
};
