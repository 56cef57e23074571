import { useState, type ReactNode } from 'react';
import { Badge, Box, Button, Checkbox, Group, Modal, NumberInput, SegmentedControl, Select, Stack, Table, Tabs, Text, TextInput, Textarea } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../ui/api.ts';
import { AppLink, ConfirmButton, ModalForm } from '../ui/components.tsx';
import { useFormat } from '../ui/format.ts';
import { IconPlus } from '../ui/icons.tsx';
import { useT, type Translate } from '../ui/language.tsx';
import { notifySuccess } from '../ui/notify.tsx';
import { Card, Muted } from '../contacts/contact-sections.tsx';
import { STATUS_TRANSITIONS, type ItemType, type Page, type QueuedCharge, type RecurringCharge, type Subscription, type SubscriptionStatus, type UsageRecord, type UsageTotal } from './types.ts';

const STATUS_COLORS: Record<SubscriptionStatus, string> = { pending: 'gray', trial: 'cyan', active: 'green', grace: 'yellow', suspended: 'orange', ended: 'gray' };

export const StatusBadge = ({ status }: { status: SubscriptionStatus }) => {
  const t = useT();
  return (
    <Badge size="sm" variant="light" color={STATUS_COLORS[status]}>
      {t(`subs.status.${status}`)}
    </Badge>
  );
};

const useInvalidate = () => {
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ queryKey: ['subscriptions'] });
    void qc.invalidateQueries({ queryKey: ['charges'] });
  };
};
const orNull = (v: string) => (v.trim() ? v.trim() : null);

/** The "Subscriptions" card of a contact page. */
export const SubscriptionsCard = ({ contactId, contactName, canEdit, icon }: { contactId: string; contactName: string; canEdit: boolean; icon?: ReactNode }) => {
  const t = useT();
  const fmt = useFormat();
  const [adding, setAdding] = useState(false);
  const [open, setOpen] = useState<string | null>(null);
  const subs = useQuery({ queryKey: ['subscriptions', 'contact', contactId], queryFn: () => api.get<Page<Subscription>>('/subscriptions', { contactId, pageSize: 100 }) });
  const span = (from: string | null, to: string | null) => (from ? `${fmt.date(from)} – ${to ? fmt.date(to) : ''}` : '—');
  return (
    <Card
      title={t('subs.title')}
      icon={icon}
      testId="subscriptions"
      actions={
        canEdit && (
          <Button size="compact-sm" variant="light" leftSection={<IconPlus size={14} />} onClick={() => setAdding(true)}>
            {t('subs.add')}
          </Button>
        )
      }
    >
      {subs.data && subs.data.items.length === 0 && <Muted>{t('subs.empty')}</Muted>}
      {subs.data && subs.data.items.length > 0 && (
        <Table.ScrollContainer minWidth={640}>
          <Table fz="sm" verticalSpacing={6}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('subs.item')}</Table.Th>
                <Table.Th>{t('subs.status')}</Table.Th>
                <Table.Th>{t('subs.dates')}</Table.Th>
                <Table.Th>{t('subs.payer')}</Table.Th>
                <Table.Th>{t('subs.nextDue')}</Table.Th>
                <Table.Th>{t('subs.member')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {subs.data.items.map((s) => (
                <Table.Tr key={s.id}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {s.itemCode}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {s.itemName}
                      {s.quantity !== '1' ? ` × ${s.quantity}` : ''}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <StatusBadge status={s.status} />
                    {s.status === 'trial' && s.trialEndsOn && (
                      <Text size="xs" c="dimmed">
                        {t('subs.trialEnds', { date: fmt.date(s.trialEndsOn) })}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {fmt.date(s.startDate)} – {s.endDate ? fmt.date(s.endDate) : t('subs.noEnd')}
                    {s.disconnectDate && (
                      <Text size="xs" c="red">
                        {t('subs.field.disconnectDate')}: {fmt.date(s.disconnectDate)}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{s.payerId === contactId ? '—' : <AppLink href={`/contacts/${s.payerId}`}>{s.payerName}</AppLink>}</Table.Td>
                  <Table.Td>{s.nextDue ? fmt.date(s.nextDue) : '—'}</Table.Td>
                  <Table.Td>{span(s.memberFrom, s.memberTo)}</Table.Td>
                  <Table.Td>
                    <Button size="compact-xs" variant="subtle" onClick={() => setOpen(s.id)}>
                      {t('subs.open')}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Modal opened={adding} onClose={() => setAdding(false)} size="lg" title={<Text fw={600}>{t('subs.add')}</Text>}>
        {adding && <AddSubscription contactId={contactId} onClose={() => setAdding(false)} />}
      </Modal>
      <Modal opened={open !== null} onClose={() => setOpen(null)} size="xl" title={<Text fw={600}>{t('subs.title')}</Text>}>
        {open && <ManageSubscription id={open} contactName={contactName} canEdit={canEdit} onClose={() => setOpen(null)} />}
      </Modal>
    </Card>
  );
};

interface CatalogOption {
  id: string;
  code: string;
  name: string;
  specialPrice?: boolean;
  trialDays?: number;
  archived: boolean;
}
const CATALOG_PATHS: Record<ItemType, string> = { membership_type: '/membership-types', product: '/products', account_type: '/catalog/account-types' };

const AddSubscription = ({ contactId, onClose }: { contactId: string; onClose: () => void }) => {
  const t = useT();
  const fmt = useFormat();
  const invalidate = useInvalidate();
  const [itemType, setItemType] = useState<ItemType>('membership_type');
  const [itemId, setItemId] = useState<string | null>(null);
  const [startDate, setStartDate] = useState('');
  const [endDate, setEndDate] = useState('');
  const [quantity, setQuantity] = useState('1');
  const [specialPrice, setSpecialPrice] = useState('');
  const [campaignCode, setCampaignCode] = useState('');
  const [autoRenew, setAutoRenew] = useState(true);
  const [pending, setPending] = useState(false);
  const [check, setCheck] = useState<string | null>(null);
  const items = useQuery({
    queryKey: ['catalog', itemType, 'active'],
    queryFn: () => api.get<Page<CatalogOption>>(CATALOG_PATHS[itemType], { archived: 'false', pageSize: 500 }),
  });
  const item = items.data?.items.find((i) => i.id === itemId);
  const save = useMutation({
    mutationFn: () =>
      api.post('/subscriptions', {
        contactId,
        itemType,
        itemId,
        quantity: quantity.trim() || '1',
        ...(startDate ? { startDate } : {}),
        ...(endDate ? { endDate } : {}),
        autoRenew,
        ...(item?.specialPrice ? { specialPrice } : {}),
        ...(campaignCode.trim() ? { campaignCode: campaignCode.trim() } : {}),
        ...(pending ? { pending: true } : {}),
      }),
    onSuccess: () => {
      invalidate();
      notifySuccess(t('subs.created'));
      onClose();
    },
  });
  const checkCode = useMutation({
    mutationFn: () =>
      api.post<{ valid: boolean; price: { amount: string } | null; regularPrice: { amount: string } | null; reason?: string }>('/campaign-codes/check', {
        code: campaignCode,
        membershipTypeId: itemId,
        ...(startDate ? { date: startDate } : {}),
      }),
    onSuccess: (r) => setCheck(r.valid ? t('subs.codeValid', { price: fmt.moneyText(r.price!.amount), regular: r.regularPrice ? fmt.moneyText(r.regularPrice.amount) : '—' }) : (r.reason ?? '')),
  });
  return (
    <ModalForm onSubmit={() => save.mutate()} onCancel={onClose} error={save.error} busy={save.isPending} submitLabel={t('subs.create')} submitDisabled={!itemId}>
      <SegmentedControl
        value={itemType}
        onChange={(v) => {
          setItemType(v as ItemType);
          setItemId(null);
        }}
        data={(['membership_type', 'product', 'account_type'] as const).map((v) => ({ value: v, label: t(`subs.itemType.${v}`) }))}
      />
      <Select
        label={t('subs.field.item')}
        searchable
        value={itemId}
        onChange={setItemId}
        data={(items.data?.items ?? []).map((i) => ({ value: i.id, label: `${i.code} — ${i.name}` }))}
        nothingFoundMessage="—"
      />
      <Group grow>
        <TextInput type="date" label={t('subs.field.startDate')} value={startDate} onChange={(e) => setStartDate(e.currentTarget.value)} />
        <TextInput type="date" label={t('subs.field.endDate')} description={t('subs.field.endDateHint')} value={endDate} onChange={(e) => setEndDate(e.currentTarget.value)} />
      </Group>
      <Group grow align="flex-start">
        <TextInput label={t('subs.field.quantity')} value={quantity} onChange={(e) => setQuantity(e.currentTarget.value)} />
        {item?.specialPrice && <TextInput required label={t('subs.field.specialPrice')} value={specialPrice} onChange={(e) => setSpecialPrice(e.currentTarget.value)} />}
      </Group>
      {itemType === 'membership_type' && !item?.specialPrice && (
        <Box>
          <Group align="flex-end" gap="xs">
            <TextInput
              style={{ flex: 1 }}
              label={t('subs.field.campaignCode')}
              value={campaignCode}
              onChange={(e) => {
                setCampaignCode(e.currentTarget.value);
                setCheck(null);
              }}
            />
            <Button variant="default" disabled={!campaignCode.trim() || !itemId} loading={checkCode.isPending} onClick={() => checkCode.mutate()}>
              {t('subs.checkCode')}
            </Button>
          </Group>
          {check && (
            <Text size="xs" mt={4} c={checkCode.data?.valid ? 'green' : 'red'}>
              {check}
            </Text>
          )}
        </Box>
      )}
      <Checkbox label={t('subs.field.autoRenew')} checked={autoRenew} onChange={(e) => setAutoRenew(e.currentTarget.checked)} />
      <Checkbox label={t('subs.field.pending')} checked={pending} onChange={(e) => setPending(e.currentTarget.checked)} />
    </ModalForm>
  );
};

const ManageSubscription = ({ id, contactName, canEdit, onClose }: { id: string; contactName: string; canEdit: boolean; onClose: () => void }) => {
  const t = useT();
  const sub = useQuery({ queryKey: ['subscriptions', 'one', id], queryFn: () => api.get<Subscription>(`/subscriptions/${id}`) });
  if (!sub.data) return null;
  const s = sub.data;
  return (
    <Stack>
      <Group gap="xs">
        <Text fw={600}>{t('subs.manageTitle', { item: `${s.itemCode} — ${s.itemName}`, name: contactName })}</Text>
        <StatusBadge status={s.status} />
      </Group>
      {s.followsId && <Muted>{t('subs.follows')}</Muted>}
      <Tabs defaultValue="details">
        <Tabs.List>
          <Tabs.Tab value="details">{t('subs.tab.details')}</Tabs.Tab>
          <Tabs.Tab value="status">{t('subs.tab.status')}</Tabs.Tab>
          <Tabs.Tab value="history">{t('subs.tab.history')}</Tabs.Tab>
          {s.itemType === 'account_type' && <Tabs.Tab value="usage">{t('subs.tab.usage')}</Tabs.Tab>}
        </Tabs.List>
        <Tabs.Panel value="details" pt="md">
          <EditSubscription key={s.version} s={s} canEdit={canEdit} onClose={onClose} />
        </Tabs.Panel>
        <Tabs.Panel value="status" pt="md">
          <ChangeStatus s={s} canEdit={canEdit} />
        </Tabs.Panel>
        <Tabs.Panel value="history" pt="md">
          <Events s={s} t={t} />
        </Tabs.Panel>
        {s.itemType === 'account_type' && (
          <Tabs.Panel value="usage" pt="md">
            <Usage s={s} canEdit={canEdit} />
          </Tabs.Panel>
        )}
      </Tabs>
    </Stack>
  );
};

const EditSubscription = ({ s, canEdit, onClose }: { s: Subscription; canEdit: boolean; onClose: () => void }) => {
  const t = useT();
  const invalidate = useInvalidate();
  const [v, setV] = useState({
    startDate: s.startDate,
    anchorDay: s.anchorDay,
    endDate: s.endDate ?? '',
    disconnectDate: s.disconnectDate ?? '',
    autoRenew: s.autoRenew,
    quantity: s.quantity,
    specialPrice: s.specialPrice?.amount ?? '',
    note: s.note ?? '',
  });
  const set = <K extends keyof typeof v>(k: K, value: (typeof v)[K]) => setV((o) => ({ ...o, [k]: value }));
  const save = useMutation({
    mutationFn: () =>
      api.patch(`/subscriptions/${s.id}`, {
        version: s.version,
        ...(v.startDate !== s.startDate ? { startDate: v.startDate } : {}),
        ...(v.anchorDay !== s.anchorDay ? { anchorDay: v.anchorDay } : {}),
        ...(orNull(v.endDate) !== s.endDate ? { endDate: orNull(v.endDate) } : {}),
        ...(orNull(v.disconnectDate) !== s.disconnectDate ? { disconnectDate: orNull(v.disconnectDate) } : {}),
        ...(v.autoRenew !== s.autoRenew ? { autoRenew: v.autoRenew } : {}),
        ...(v.quantity !== s.quantity ? { quantity: v.quantity } : {}),
        ...(s.specialPrice && v.specialPrice !== s.specialPrice.amount ? { specialPrice: v.specialPrice } : {}),
        ...(orNull(v.note) !== s.note ? { note: orNull(v.note) } : {}),
      }),
    onSuccess: () => {
      invalidate();
      notifySuccess(t('subs.saved'));
    },
  });
  const readOnly = !canEdit || s.status === 'ended';
  const datesFixed = readOnly || s.followsId !== null;
  return (
    <ModalForm onSubmit={() => save.mutate()} onCancel={onClose} error={save.error} busy={save.isPending} submitLabel={t('common.save')} submitDisabled={!canEdit}>
      <Group grow>
        <TextInput type="date" label={t('subs.field.startDate')} value={v.startDate} disabled={datesFixed} onChange={(e) => set('startDate', e.currentTarget.value)} />
        <NumberInput label={t('subs.field.anchorDay')} min={1} max={31} value={v.anchorDay} disabled={datesFixed} onChange={(n) => set('anchorDay', Number(n) || 1)} />
      </Group>
      <Group grow align="flex-start">
        <TextInput type="date" label={t('subs.field.endDate')} value={v.endDate} disabled={datesFixed} onChange={(e) => set('endDate', e.currentTarget.value)} />
        <TextInput type="date" label={t('subs.field.disconnectDate')} description={t('subs.field.disconnectHint')} value={v.disconnectDate} disabled={datesFixed} onChange={(e) => set('disconnectDate', e.currentTarget.value)} />
      </Group>
      <Group grow>
        <TextInput label={t('subs.field.quantity')} value={v.quantity} disabled={readOnly} onChange={(e) => set('quantity', e.currentTarget.value)} />
        {s.specialPrice && <TextInput label={t('subs.field.specialPrice')} value={v.specialPrice} disabled={readOnly} onChange={(e) => set('specialPrice', e.currentTarget.value)} />}
      </Group>
      <Checkbox label={t('subs.field.autoRenew')} checked={v.autoRenew} disabled={readOnly} onChange={(e) => set('autoRenew', e.currentTarget.checked)} />
      <Textarea label={t('subs.field.note')} value={v.note} disabled={!canEdit} autosize minRows={2} onChange={(e) => set('note', e.currentTarget.value)} />
    </ModalForm>
  );
};

const ChangeStatus = ({ s, canEdit }: { s: Subscription; canEdit: boolean }) => {
  const t = useT();
  const invalidate = useInvalidate();
  const next = STATUS_TRANSITIONS[s.status];
  const [status, setStatus] = useState<SubscriptionStatus | null>(next[0] ?? null);
  const [reason, setReason] = useState('');
  const [effectiveDate, setEffectiveDate] = useState('');
  const save = useMutation({
    mutationFn: () => api.post(`/subscriptions/${s.id}/status`, { status, reason, version: s.version, ...(effectiveDate ? { effectiveDate } : {}) }),
    onSuccess: () => {
      invalidate();
      setReason('');
      notifySuccess(t('subs.statusChanged'));
    },
  });
  if (!next.length) return <Muted>{t('subs.final')}</Muted>;
  return (
    <ModalForm onSubmit={() => save.mutate()} onCancel={() => setReason('')} error={save.error} busy={save.isPending} submitLabel={t('subs.changeStatus')} submitDisabled={!canEdit || !status || !reason.trim()}>
      <SegmentedControl value={status ?? ''} onChange={(v) => setStatus(v as SubscriptionStatus)} data={next.map((n) => ({ value: n, label: t(`subs.status.${n}`) }))} />
      <TextInput required label={t('subs.reason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
      <TextInput type="date" label={t('subs.effectiveDate')} value={effectiveDate} onChange={(e) => setEffectiveDate(e.currentTarget.value)} />
    </ModalForm>
  );
};

const Events = ({ s, t }: { s: Subscription; t: Translate }) => {
  const fmt = useFormat();
  return (
    <Table fz="sm">
      <Table.Tbody>
        {[...(s.events ?? [])].reverse().map((e) => (
          <Table.Tr key={e.id}>
            <Table.Td w={110}>{fmt.date(e.effectiveDate)}</Table.Td>
            <Table.Td>
              {e.fromStatus
                ? t('subs.event', { from: t(`subs.status.${e.fromStatus}`), to: t(`subs.status.${e.toStatus}`) })
                : t('subs.created.event', { to: t(`subs.status.${e.toStatus}`) })}
            </Table.Td>
            <Table.Td c="dimmed">{e.reason}</Table.Td>
            <Table.Td c="dimmed" w={150}>
              {fmt.dateTime(e.createdAt)}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
};

const Usage = ({ s, canEdit }: { s: Subscription; canEdit: boolean }) => {
  const t = useT();
  const fmt = useFormat();
  const qc = useQueryClient();
  const usage = useQuery({ queryKey: ['subscriptions', 'usage', s.id], queryFn: () => api.get<Page<UsageRecord> & { totals: UsageTotal[] }>(`/subscriptions/${s.id}/usage`, { pageSize: 50 }) });
  const [v, setV] = useState({ attributeCode: '', usedOn: '', quantity: '', externalRef: '' });
  const add = useMutation({
    mutationFn: () => api.post(`/subscriptions/${s.id}/usage`, { attributeCode: v.attributeCode, usedOn: v.usedOn, quantity: v.quantity, ...(v.externalRef.trim() ? { externalRef: v.externalRef.trim() } : {}) }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['subscriptions', 'usage', s.id] });
      setV((o) => ({ ...o, quantity: '', externalRef: '' }));
      notifySuccess(t('subs.usage.added'));
    },
  });
  const num = (d: string) => fmt.number(Number(d));
  return (
    <Stack>
      {canEdit && s.status !== 'ended' && (
        <ModalForm onSubmit={() => add.mutate()} onCancel={() => setV({ attributeCode: '', usedOn: '', quantity: '', externalRef: '' })} error={add.error} busy={add.isPending} submitLabel={t('subs.usage.add')}>
          <Group grow>
            <TextInput label={t('subs.usage.attribute')} value={v.attributeCode} onChange={(e) => setV({ ...v, attributeCode: e.currentTarget.value })} />
            <TextInput type="date" label={t('subs.usage.usedOn')} value={v.usedOn} onChange={(e) => setV({ ...v, usedOn: e.currentTarget.value })} />
            <TextInput label={t('subs.usage.quantity')} value={v.quantity} onChange={(e) => setV({ ...v, quantity: e.currentTarget.value })} />
            <TextInput label={t('subs.usage.ref')} value={v.externalRef} onChange={(e) => setV({ ...v, externalRef: e.currentTarget.value })} />
          </Group>
        </ModalForm>
      )}
      {usage.data && usage.data.totals.length > 0 && (
        <Box>
          <Text size="xs" fw={600} c="dimmed" tt="uppercase" mb={4}>
            {t('subs.usage.totals')}
          </Text>
          <Table fz="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('subs.usage.period')}</Table.Th>
                <Table.Th>{t('subs.usage.attribute')}</Table.Th>
                <Table.Th ta="right">{t('subs.usage.quantity')}</Table.Th>
                <Table.Th ta="right">{t('subs.usage.included')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {usage.data.totals.map((x) => (
                <Table.Tr key={`${x.periodStart}${x.attributeCode}`}>
                  <Table.Td>
                    {fmt.date(x.periodStart)} – {fmt.date(x.periodEnd)}
                  </Table.Td>
                  <Table.Td>{x.attributeCode}</Table.Td>
                  <Table.Td ta="right">
                    {num(x.quantity)} {x.unit}
                  </Table.Td>
                  <Table.Td ta="right">
                    {num(x.included)} {x.unit}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Box>
      )}
      {usage.data && usage.data.items.length === 0 ? (
        <Muted>{t('subs.usage.empty')}</Muted>
      ) : (
        <Table fz="sm">
          <Table.Tbody>
            {usage.data?.items.map((u) => (
              <Table.Tr key={u.id}>
                <Table.Td>{fmt.date(u.usedOn)}</Table.Td>
                <Table.Td>{u.attributeCode}</Table.Td>
                <Table.Td ta="right">{num(u.quantity)}</Table.Td>
                <Table.Td c="dimmed">{u.externalRef ?? ''}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
};

// ---------------------------------------------------------------- charges

/** Recurring and queued charges of a contact. */
export const ChargesCard = ({ contactId, canEdit, icon }: { contactId: string; canEdit: boolean; icon?: ReactNode }) => {
  const t = useT();
  const fmt = useFormat();
  const invalidate = useInvalidate();
  const [adding, setAdding] = useState<'recurring' | 'queued' | null>(null);
  const recurring = useQuery({ queryKey: ['charges', 'recurring', contactId], queryFn: () => api.get<Page<RecurringCharge>>('/recurring-charges', { contactId, pageSize: 100 }) });
  const queued = useQuery({ queryKey: ['charges', 'queued', contactId], queryFn: () => api.get<Page<QueuedCharge>>('/queued-charges', { contactId, pageSize: 100 }) });
  const heading = (text: string) => (
    <Text size="xs" fw={600} c="dimmed" tt="uppercase" mb={4}>
      {text}
    </Text>
  );
  return (
    <Card
      title={t('charges.title')}
      icon={icon}
      testId="charges"
      actions={
        canEdit && (
          <>
            <Button size="compact-sm" variant="light" onClick={() => setAdding('recurring')}>
              {t('charges.addRecurring')}
            </Button>
            <Button size="compact-sm" variant="light" onClick={() => setAdding('queued')}>
              {t('charges.addQueued')}
            </Button>
          </>
        )
      }
    >
      <Stack gap="sm">
        <Box>
          {heading(t('charges.recurring'))}
          {recurring.data?.items.length === 0 && <Muted>{t('charges.none')}</Muted>}
          <Table fz="sm">
            <Table.Tbody>
              {recurring.data?.items.map((c) => (
                <Table.Tr key={c.id} c={c.archived ? 'dimmed' : undefined}>
                  <Table.Td>{c.description}</Table.Td>
                  <Table.Td ta="right">{fmt.moneyText(c.amount, c.currency)}</Table.Td>
                  <Table.Td>{t(`charges.frequency.${c.frequency}`)}</Table.Td>
                  <Table.Td>
                    {fmt.date(c.startDate)} – {c.endDate ? fmt.date(c.endDate) : ''}
                  </Table.Td>
                  <Table.Td ta="right">
                    {c.archived ? (
                      <Badge size="sm" variant="light" color="gray">
                        {t('charges.stopped')}
                      </Badge>
                    ) : (
                      canEdit && (
                        <ConfirmButton
                          message={t('charges.stopConfirm', { description: c.description })}
                          confirmLabel={t('charges.stop')}
                          onConfirm={() => api.patch(`/recurring-charges/${c.id}`, { archived: true }).then(invalidate)}
                        >
                          {t('charges.stop')}
                        </ConfirmButton>
                      )
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Box>
        <Box>
          {heading(t('charges.queued'))}
          {queued.data?.items.length === 0 && <Muted>{t('charges.none')}</Muted>}
          <Table fz="sm">
            <Table.Tbody>
              {queued.data?.items.map((c) => (
                <Table.Tr key={c.id}>
                  <Table.Td>{fmt.date(c.chargeDate)}</Table.Td>
                  <Table.Td>
                    {c.description}
                    {c.quantity !== '1' ? ` × ${c.quantity}` : ''}
                  </Table.Td>
                  <Table.Td ta="right">{fmt.moneyText(c.unitPrice, c.currency)}</Table.Td>
                  <Table.Td>
                    <Badge size="sm" variant="light" color={c.state === 'open' ? 'blue' : c.state === 'billed' ? 'green' : 'gray'}>
                      {t(`charges.state.${c.state}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td ta="right">
                    {canEdit && c.state === 'open' && (
                      <ConfirmButton
                        message={t('charges.cancelConfirm', { description: c.description })}
                        confirmLabel={t('charges.cancel')}
                        onConfirm={() => api.post(`/queued-charges/${c.id}/cancel`, {}).then(invalidate)}
                      >
                        {t('charges.cancel')}
                      </ConfirmButton>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Box>
      </Stack>
      <Modal opened={adding !== null} onClose={() => setAdding(null)} title={<Text fw={600}>{adding === 'queued' ? t('charges.addQueued') : t('charges.addRecurring')}</Text>}>
        {adding && <AddCharge kind={adding} contactId={contactId} onClose={() => setAdding(null)} />}
      </Modal>
    </Card>
  );
};

const AddCharge = ({ kind, contactId, onClose }: { kind: 'recurring' | 'queued'; contactId: string; onClose: () => void }) => {
  const t = useT();
  const invalidate = useInvalidate();
  const [v, setV] = useState({ description: '', amount: '', quantity: '1', frequency: 'month', date: '', vatRate: '0', glAccount: '' });
  const save = useMutation({
    mutationFn: () =>
      kind === 'recurring'
        ? api.post('/recurring-charges', { contactId, description: v.description, amount: v.amount, frequency: v.frequency, vatRate: v.vatRate, glAccount: orNull(v.glAccount), ...(v.date ? { startDate: v.date } : {}) })
        : api.post('/queued-charges', { contactId, description: v.description, unitPrice: v.amount, quantity: v.quantity, vatRate: v.vatRate, glAccount: orNull(v.glAccount), ...(v.date ? { chargeDate: v.date } : {}) }),
    onSuccess: () => {
      invalidate();
      notifySuccess(t('charges.saved'));
      onClose();
    },
  });
  return (
    <ModalForm onSubmit={() => save.mutate()} onCancel={onClose} error={save.error} busy={save.isPending} submitLabel={t('common.save')}>
      <TextInput data-autofocus required label={t('charges.description')} value={v.description} onChange={(e) => setV({ ...v, description: e.currentTarget.value })} />
      <Group grow>
        <TextInput required label={kind === 'recurring' ? t('charges.amount') : t('charges.unitPrice')} value={v.amount} onChange={(e) => setV({ ...v, amount: e.currentTarget.value })} />
        {kind === 'queued' && <TextInput label={t('subs.field.quantity')} value={v.quantity} onChange={(e) => setV({ ...v, quantity: e.currentTarget.value })} />}
        {kind === 'recurring' && (
          <Select
            label={t('charges.frequency')}
            value={v.frequency}
            onChange={(f) => setV({ ...v, frequency: f ?? 'month' })}
            data={(['month', 'quarter', 'year'] as const).map((f) => ({ value: f, label: t(`charges.frequency.${f}`) }))}
          />
        )}
      </Group>
      <Group grow>
        <TextInput type="date" label={kind === 'recurring' ? t('subs.field.startDate') : t('charges.chargeDate')} value={v.date} onChange={(e) => setV({ ...v, date: e.currentTarget.value })} />
        <TextInput label={t('charges.vatRate')} value={v.vatRate} onChange={(e) => setV({ ...v, vatRate: e.currentTarget.value })} />
        <TextInput label={t('charges.glAccount')} placeholder="30000-0000" value={v.glAccount} onChange={(e) => setV({ ...v, glAccount: e.currentTarget.value })} />
      </Group>
    </ModalForm>
  );
};
