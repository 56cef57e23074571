import { useState } from 'react';
import { ActionIcon, Badge, Button, Group, NumberInput, Paper, Select, SimpleGrid, Table, Text, TextInput, Tooltip } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { api } from '../ui/api.ts';
import { ConfirmButton, ModalForm } from '../ui/components.tsx';
import type { Column } from '../ui/data-table.tsx';
import { useFormat } from '../ui/format.ts';
import { IconEdit, IconPlus } from '../ui/icons.tsx';
import { useT } from '../ui/language.tsx';
import { notifySuccess } from '../ui/notify.tsx';
import { PricedItemForm } from './item-form.tsx';
import { CatalogList, codeColumn, PricedItemDialog, priceColumn, vatColumn } from './list-tab.tsx';
import { glError, TablePanel, useInvalidateCatalog, type TabProps } from './shared.tsx';
import { ACCOUNT_FREQUENCIES, ATTRIBUTE_PER, type AccountAttribute, type AccountFrequency, type AccountType, type AttributePer } from './types.ts';

const BASE = '/catalog/account-types';

const AccountTypeForm = ({ type, canEdit, onSaved, onClose }: { type: AccountType | null; canEdit: boolean; onSaved: (a: AccountType) => void; onClose: () => void }) => {
  const t = useT();
  const [frequency, setFrequency] = useState<AccountFrequency>(type?.frequency ?? 'month');
  const [termPeriods, setTermPeriods] = useState<number>(type?.termPeriods ?? 1);
  return (
    <PricedItemForm
      item={type}
      path={BASE}
      canEdit={canEdit}
      body={{ frequency, termPeriods }}
      vatDefault="25"
      codeMaxLength={20}
      priceLabel={t('catalog.termFee')}
      pricePlaceholder="297.00"
      onSaved={onSaved}
      onClose={onClose}
    >
      {(glAndVat) => (
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Select
            label={t('catalog.accounts.period')}
            description={t('catalog.accounts.periodHint')}
            data={ACCOUNT_FREQUENCIES.map((f) => ({ value: f, label: t(`catalog.period.${f}`) }))}
            value={frequency}
            onChange={(v) => v && setFrequency(v as AccountFrequency)}
            allowDeselect={false}
            readOnly={!canEdit}
            comboboxProps={{ withinPortal: true }}
          />
          <NumberInput
            label={t('catalog.accounts.termPeriods')}
            description={t('catalog.accounts.termPeriodsHint')}
            value={termPeriods}
            onChange={(v) => setTermPeriods(typeof v === 'number' ? v : Number(v) || 1)}
            min={1}
            max={120}
            allowDecimal={false}
            readOnly={!canEdit}
          />
          {glAndVat}
        </SimpleGrid>
      )}
    </PricedItemForm>
  );
};

const AttributeForm = ({ type, attribute, onDone }: { type: AccountType; attribute: AccountAttribute | null; onDone: (saved: AccountType | null) => void }) => {
  const t = useT();
  const invalidate = useInvalidateCatalog();
  const [code, setCode] = useState(attribute?.code ?? '');
  const [description, setDescription] = useState(attribute?.description ?? '');
  const [unit, setUnit] = useState(attribute?.unit ?? '');
  const [included, setIncluded] = useState(attribute?.included ?? '0');
  const [rate, setRate] = useState(attribute?.rate ?? '');
  const [per, setPer] = useState<AttributePer>(attribute?.per ?? 'period');
  const [glAccount, setGlAccount] = useState(attribute?.glAccount ?? '');
  const [vatRate, setVatRate] = useState(attribute?.vatRate ?? '');
  const save = useMutation({
    mutationFn: () => {
      const body = {
        code: code.trim(),
        description: description.trim(),
        unit: unit.trim(),
        included: included.trim() || '0',
        rate: rate.trim(),
        per,
        glAccount: glAccount.trim() || null,
        ...(vatRate.trim() ? { vatRate: vatRate.trim() } : {}),
      };
      return attribute ? api.patch<AccountType>(`${BASE}/${type.id}/attributes/${attribute.id}`, body) : api.post<AccountType>(`${BASE}/${type.id}/attributes`, body);
    },
    meta: { inline: true },
    onSuccess: async (saved) => {
      await invalidate();
      notifySuccess(t('catalog.accounts.attributeSaved', { code: code.trim().toLowerCase() }));
      onDone(saved);
    },
  });
  const gl = glError(t, glAccount);
  return (
    <Paper withBorder p="md" bg="var(--mantine-color-gray-0)">
      <Text fw={600} size="sm" mb="sm">
        {attribute ? t('catalog.accounts.editAttribute', { code: attribute.code }) : t('catalog.accounts.addAttribute')}
      </Text>
      <ModalForm
        onSubmit={() => save.mutate()}
        onCancel={() => onDone(null)}
        error={save.error}
        busy={save.isPending}
        submitLabel={attribute ? t('common.save') : t('catalog.accounts.addAttribute')}
        submitDisabled={!code.trim() || !description.trim() || !rate.trim() || Boolean(gl)}
      >
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <TextInput label={t('catalog.accounts.attrCode')} description={t('catalog.accounts.attrCodeHint')} value={code} onChange={(e) => setCode(e.currentTarget.value)} classNames={{ input: 'gh-mono' }} required data-autofocus />
          <TextInput
            label={t('catalog.accounts.attrDescription')}
            description={t('catalog.accounts.attrDescriptionHint')}
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
            required
            style={{ gridColumn: 'span 2' }}
          />
          <TextInput label={t('catalog.accounts.unit')} value={unit} onChange={(e) => setUnit(e.currentTarget.value)} placeholder="MB" />
          <TextInput label={t('catalog.accounts.included')} value={included} onChange={(e) => setIncluded(e.currentTarget.value)} inputMode="decimal" />
          <TextInput label={t('catalog.accounts.rate')} value={rate} onChange={(e) => setRate(e.currentTarget.value)} inputMode="decimal" required placeholder="0.50" />
          <Select
            label={t('catalog.accounts.per')}
            data={ATTRIBUTE_PER.map((p) => ({ value: p, label: t(`catalog.accounts.per.${p}`) }))}
            value={per}
            onChange={(v) => v && setPer(v as AttributePer)}
            allowDeselect={false}
            comboboxProps={{ withinPortal: true }}
          />
          <TextInput label={t('catalog.glAccount')} value={glAccount} onChange={(e) => setGlAccount(e.currentTarget.value)} error={gl} classNames={{ input: 'gh-mono' }} placeholder={type.glAccount ?? '30000-0000'} />
          <TextInput label={t('catalog.vatRate')} description={attribute ? undefined : t('catalog.accounts.vatDefault')} value={vatRate} onChange={(e) => setVatRate(e.currentTarget.value)} inputMode="decimal" placeholder={type.vatRate} />
        </SimpleGrid>
      </ModalForm>
    </Paper>
  );
};

/** The attributes of an account type: a table, and for editors add / change / remove. */
const AttributesEditor = ({ type, canEdit, onChanged }: { type: AccountType; canEdit: boolean; onChanged: (a: AccountType) => void }) => {
  const t = useT();
  const fmt = useFormat();
  const invalidate = useInvalidateCatalog();
  const [editing, setEditing] = useState<AccountAttribute | 'new' | null>(null);
  const remove = useMutation({
    mutationFn: (a: AccountAttribute) => api.del<AccountType>(`${BASE}/${type.id}/attributes/${a.id}`),
    onSuccess: async (saved, a) => {
      await invalidate();
      notifySuccess(t('catalog.accounts.attributeRemoved', { code: a.code }));
      onChanged(saved);
    },
  });
  return (
    <TablePanel
      hint={t('catalog.accounts.attributesHint')}
      table={
        <Table.ScrollContainer minWidth={640} type="native">
          <Table className="gh-table" verticalSpacing={7} horizontalSpacing="md" data-testid="attributes">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('catalog.accounts.attrCode')}</Table.Th>
                <Table.Th ta="right">{t('catalog.accounts.included')}</Table.Th>
                <Table.Th ta="right">{t('catalog.accounts.rate')}</Table.Th>
                <Table.Th>{t('catalog.accounts.per')}</Table.Th>
                <Table.Th ta="right">{t('catalog.vatRate')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {type.attributes.map((a) => (
                <Table.Tr key={a.id} data-row={a.code}>
                  <Table.Td>
                    <Text size="sm" fw={600} className="gh-mono">
                      {a.code}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {a.description}
                    </Text>
                  </Table.Td>
                  <Table.Td ta="right">
                    <Text size="sm">
                      {a.included} {a.unit}
                    </Text>
                  </Table.Td>
                  <Table.Td ta="right">
                    <Text size="sm">
                      {fmt.moneyText(a.rate, a.currency)}
                      {a.unit ? ` / ${a.unit}` : ''}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge size="sm" variant="light" color={a.per === 'term' ? 'grape' : 'blue'} tt="none">
                      {t(`catalog.accounts.per.${a.per}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td ta="right">
                    <Text size="sm">{a.vatRate}</Text>
                  </Table.Td>
                  <Table.Td ta="right">
                    {canEdit && (
                      <Group gap={4} justify="flex-end" wrap="nowrap">
                        <Tooltip label={t('common.edit')}>
                          <ActionIcon variant="subtle" color="gray" aria-label={`${t('common.edit')} ${a.code}`} onClick={() => setEditing(a)}>
                            <IconEdit size={16} />
                          </ActionIcon>
                        </Tooltip>
                        <ConfirmButton message={t('catalog.accounts.removeAttributeConfirm', { code: a.code })} confirmLabel={t('catalog.accounts.removeAttribute')} onConfirm={() => remove.mutateAsync(a)}>
                          {t('catalog.accounts.removeAttribute')}
                        </ConfirmButton>
                      </Group>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
              {type.attributes.length === 0 && (
                <Table.Tr>
                  <Table.Td colSpan={6}>
                    <Text size="sm" c="dimmed" ta="center" py="md">
                      {t('catalog.accounts.noAttributes')}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              )}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      }
    >
      {canEdit && editing === null && (
        <Group>
          <Button variant="light" leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>
            {t('catalog.accounts.addAttribute')}
          </Button>
        </Group>
      )}
      {editing !== null && (
        <AttributeForm
          key={editing === 'new' ? 'new' : editing.id}
          type={type}
          attribute={editing === 'new' ? null : editing}
          onDone={(saved) => {
            if (saved) onChanged(saved);
            setEditing(null);
          }}
        />
      )}
    </TablePanel>
  );
};

export const AccountTypesTab = (props: TabProps) => {
  const t = useT();
  const [editing, setEditing] = useState<AccountType | 'new' | null>(null);
  const [tab, setTab] = useState<string | null>('details');
  const open = (a: AccountType | 'new', to = 'details') => {
    setTab(to);
    setEditing(a);
  };
  const close = () => setEditing(null);
  const columns: Column<AccountType>[] = [
    codeColumn(t, (a) => a.name),
    {
      key: 'term',
      header: t('catalog.accounts.period'),
      render: (a) => <Text size="sm">{a.termPeriods === 1 ? t(`catalog.period.${a.frequency}`) : t('catalog.accounts.term', { count: a.termPeriods, period: t(`catalog.period.${a.frequency}`) })}</Text>,
    },
    {
      key: 'attributes',
      header: t('catalog.accounts.attributes'),
      render: (a) => (
        <Group gap={4}>
          {a.attributes.map((x) => (
            <Badge key={x.id} size="sm" variant="light" color="gray" tt="none" className="gh-mono">
              {x.code}
            </Badge>
          ))}
        </Group>
      ),
    },
    vatColumn(t),
    priceColumn(t('catalog.termFee')),
  ];
  return (
    <CatalogList {...props} testId="account-types" path={BASE} texts="accounts" columns={columns} editing={editing} onOpen={(a) => open(a)} onClose={close}>
      <PricedItemDialog
        editing={editing}
        path={BASE}
        canEdit={props.canEdit}
        onChanged={setEditing}
        tab={tab}
        onTabChange={setTab}
        form={(a) => <AccountTypeForm key={a?.updatedAt} type={a} canEdit={props.canEdit} onSaved={a ? close : (saved) => open(saved, 'attributes')} onClose={close} />}
        extraTabs={
          editing && editing !== 'new'
            ? [
                {
                  value: 'attributes',
                  label: t('catalog.accounts.attributes'),
                  rightSection: (
                    <Badge size="xs" variant="light" color="gray" circle>
                      {editing.attributes.length}
                    </Badge>
                  ),
                  panel: <AttributesEditor type={editing} canEdit={props.canEdit} onChanged={setEditing} />,
                },
              ]
            : []
        }
      />
    </CatalogList>
  );
};
