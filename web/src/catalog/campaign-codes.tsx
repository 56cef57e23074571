import { useState } from 'react';
import { Badge, Group, MultiSelect, NumberInput, SegmentedControl, SimpleGrid, Input, Text, Textarea, TextInput } from '@mantine/core';
import type { Column } from '../ui/data-table.tsx';
import { useFormat } from '../ui/format.ts';
import { useT } from '../ui/language.tsx';
import { SaveForm, useSaveItem } from './item-form.tsx';
import { CatalogList, codeColumn } from './list-tab.tsx';
import { useAllMembershipTypes } from './membership-types.tsx';
import { useOrgToday, type TabProps } from './shared.tsx';
import { CAMPAIGN_KINDS, type CampaignCode, type CampaignKind } from './types.ts';

const PATH = '/campaign-codes';

const CampaignForm = ({ campaign, canEdit, onClose }: { campaign: CampaignCode | null; canEdit: boolean; onClose: () => void }) => {
  const t = useT();
  const today = useOrgToday();
  const types = useAllMembershipTypes().data?.items ?? [];
  const [code, setCode] = useState(campaign?.code ?? '');
  const [description, setDescription] = useState(campaign?.description ?? '');
  const [kind, setKind] = useState<CampaignKind>(campaign?.kind ?? 'percent');
  const [percent, setPercent] = useState(campaign?.percent ?? '');
  const [amount, setAmount] = useState(campaign?.amount ?? '');
  const [validFrom, setValidFrom] = useState(campaign?.validFrom ?? today);
  const [validTo, setValidTo] = useState(campaign?.validTo ?? '');
  const [maxUses, setMaxUses] = useState<number | string>(campaign?.maxUses ?? '');
  const [appliesTo, setAppliesTo] = useState<string[]>(campaign?.appliesTo ?? []);
  const save = useSaveItem<CampaignCode>({
    path: PATH,
    item: campaign,
    body: {
      code: code.trim(),
      description: description.trim(),
      kind,
      percent: kind === 'percent' ? percent.trim() : null,
      amount: kind === 'fixed_price' ? amount.trim() : null,
      validFrom,
      validTo,
      maxUses: maxUses === '' ? null : Number(maxUses),
      appliesTo: appliesTo.length ? appliesTo : null,
    },
    onSaved: onClose,
  });
  const valueMissing = kind === 'percent' ? !percent.trim() : !amount.trim();
  return (
    <SaveForm save={save} isNew={!campaign} onClose={onClose} submitDisabled={!canEdit || !code.trim() || valueMissing || !validFrom || !validTo}>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextInput label={t('catalog.code')} value={code} onChange={(e) => setCode(e.currentTarget.value.toUpperCase())} classNames={{ input: 'gh-mono' }} required data-autofocus maxLength={30} placeholder="SPRING26" readOnly={!canEdit} />
        <Input.Wrapper label={t('catalog.campaigns.kind')}>
          <SegmentedControl
            fullWidth
            value={kind}
            onChange={(v) => setKind(v as CampaignKind)}
            readOnly={!canEdit}
            data={CAMPAIGN_KINDS.map((k) => ({ value: k, label: t(`catalog.campaigns.kind.${k}`) }))}
          />
        </Input.Wrapper>
      </SimpleGrid>
      <Textarea label={t('common.description')} value={description} onChange={(e) => setDescription(e.currentTarget.value)} autosize minRows={1} readOnly={!canEdit} />
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        {kind === 'percent' ? (
          <TextInput label={t('catalog.campaigns.percent')} value={percent} onChange={(e) => setPercent(e.currentTarget.value)} inputMode="decimal" required placeholder="50" rightSection="%" readOnly={!canEdit} />
        ) : (
          <TextInput label={t('catalog.campaigns.amount')} value={amount} onChange={(e) => setAmount(e.currentTarget.value)} inputMode="decimal" required placeholder="100.00" readOnly={!canEdit} />
        )}
        <NumberInput label={t('catalog.campaigns.maxUses')} description={t('catalog.campaigns.maxUsesHint')} value={maxUses} onChange={setMaxUses} min={1} allowDecimal={false} readOnly={!canEdit} />
        <TextInput label={t('catalog.campaigns.validFrom')} type="date" value={validFrom} onChange={(e) => setValidFrom(e.currentTarget.value)} required readOnly={!canEdit} />
        <TextInput label={t('catalog.campaigns.validTo')} type="date" value={validTo} min={validFrom} onChange={(e) => setValidTo(e.currentTarget.value)} required readOnly={!canEdit} />
      </SimpleGrid>
      <MultiSelect
        label={t('catalog.campaigns.appliesTo')}
        description={t('catalog.campaigns.appliesToHint')}
        placeholder={appliesTo.length ? undefined : t('catalog.campaigns.allTypes')}
        data={types.filter((ty) => !ty.archived || appliesTo.includes(ty.id)).map((ty) => ({ value: ty.id, label: `${ty.code} · ${ty.name}` }))}
        value={appliesTo}
        onChange={setAppliesTo}
        clearable
        searchable
        readOnly={!canEdit}
        comboboxProps={{ withinPortal: true }}
      />
    </SaveForm>
  );
};

export const CampaignCodesTab = (props: TabProps) => {
  const t = useT();
  const fmt = useFormat();
  const today = useOrgToday();
  const types = useAllMembershipTypes().data?.items ?? [];
  const [editing, setEditing] = useState<CampaignCode | 'new' | null>(null);
  const close = () => setEditing(null);
  const columns: Column<CampaignCode>[] = [
    codeColumn(t, (c) => c.description),
    {
      key: 'discount',
      header: t('catalog.campaigns.kind'),
      render: (c) => <Text size="sm">{c.kind === 'percent' ? `−${c.percent} %` : fmt.moneyText(c.amount ?? '0', c.currency ?? undefined)}</Text>,
    },
    {
      key: 'valid',
      header: t('catalog.campaigns.valid'),
      sort: 'valid_from',
      render: (c) => (
        <Group gap={6} wrap="nowrap">
          <Text size="sm">
            {fmt.date(c.validFrom)} – {fmt.date(c.validTo)}
          </Text>
          {c.validTo < today ? (
            <Badge size="xs" color="gray" variant="light">
              {t('catalog.campaigns.expired')}
            </Badge>
          ) : c.validFrom > today ? (
            <Badge size="xs" color="blue" variant="light">
              {t('catalog.campaigns.upcoming')}
            </Badge>
          ) : (
            <Badge size="xs" color="green" variant="light">
              {t('catalog.campaigns.active')}
            </Badge>
          )}
        </Group>
      ),
    },
    {
      key: 'types',
      header: t('catalog.campaigns.appliesTo'),
      render: (c) =>
        c.appliesTo ? (
          <Group gap={4}>
            {c.appliesTo.map((id) => (
              <Badge key={id} size="sm" variant="light" color="gray" tt="none">
                {types.find((ty) => ty.id === id)?.code ?? id}
              </Badge>
            ))}
          </Group>
        ) : (
          <Text size="sm" c="dimmed">
            {t('catalog.campaigns.allTypes')}
          </Text>
        ),
    },
    {
      key: 'uses',
      header: t('catalog.campaigns.uses'),
      align: 'right',
      width: 100,
      render: (c) => <Text size="sm">{c.maxUses === null ? c.uses : t('catalog.campaigns.usesOf', { uses: c.uses, max: c.maxUses })}</Text>,
    },
  ];
  return (
    <CatalogList {...props} testId="campaign-codes" path={PATH} texts="campaigns" columns={columns} editing={editing} onOpen={setEditing} onClose={close} modalSize="lg">
      {editing !== null && <CampaignForm key={editing === 'new' ? 'new' : editing.id} campaign={editing === 'new' ? null : editing} canEdit={props.canEdit} onClose={close} />}
    </CatalogList>
  );
};
