import { useState } from 'react';
import { Badge, Button, Group, Modal, Select, Stack, Switch, Text, Textarea, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { api } from '../ui/api.ts';
import { ConfirmButton, ModalForm, Page } from '../ui/components.tsx';
import { DataTable, FilterSelect, NewButton, useList, type Column } from '../ui/data-table.tsx';
import { IconArchive, IconEdit, IconTrash } from '../ui/icons.tsx';
import { useT } from '../ui/language.tsx';
import { notifySuccess } from '../ui/notify.tsx';
import { oneOf, parseListSearch, useUrlSearch } from '../ui/search.ts';
import { useCan } from '../ui/session.ts';
import { LEDGER_KEY, useInvalidateLedger } from './shared.tsx';
import { ACCOUNT_TYPES, type AccountType, type GlAccount } from './types.ts';

const parse = (raw: Record<string, unknown>) => ({
  ...parseListSearch(raw, { sort: 'code', pageSize: 100 }),
  type: oneOf(raw.type, ACCOUNT_TYPES),
  archived: oneOf(raw.archived, ['true', 'all'] as const),
});

const TYPE_COLORS: Record<AccountType, string> = { asset: 'blue', liability: 'orange', equity: 'grape', income: 'green', expense: 'red' };

const AccountModal = ({ account, opened, onClose }: { account: GlAccount | null; opened: boolean; onClose: () => void }) => {
  const t = useT();
  const invalidate = useInvalidateLedger();
  const [code, setCode] = useState(account?.code ?? '');
  const [name, setName] = useState(account?.name ?? '');
  const [type, setType] = useState<AccountType>(account?.type ?? 'income');
  const [description, setDescription] = useState(account?.description ?? '');
  const [archived, setArchived] = useState(account?.archived ?? false);
  const save = useMutation({
    mutationFn: () =>
      account
        ? api.patch<GlAccount>(`/ledger/accounts/${encodeURIComponent(account.code)}`, {
            name: name.trim(),
            description: description.trim() || null,
            ...(account.inUse ? {} : { type }),
            ...(archived !== account.archived ? { archived } : {}),
          })
        : api.post<GlAccount>('/ledger/accounts', { code: code.trim(), name: name.trim(), type, description: description.trim() || null }),
    meta: { inline: true },
    onSuccess: async (a) => {
      await invalidate();
      notifySuccess(t(account ? 'ledger.accounts.saved' : 'ledger.accounts.created', { code: a.code }));
      onClose();
    },
  });
  // Offered for every account: one with postings is refused, and the server's reason is shown here.
  const remove = useMutation({
    mutationFn: () => api.del(`/ledger/accounts/${encodeURIComponent(account!.code)}`),
    meta: { inline: true },
    onSuccess: async () => {
      await invalidate();
      notifySuccess(t('ledger.accounts.deleted', { code: account!.code }));
      onClose();
    },
  });
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={600}>{account ? t('ledger.accounts.editTitle', { code: account.code }) : t('ledger.accounts.new')}</Text>}>
      <ModalForm onSubmit={() => save.mutate()} onCancel={onClose} error={save.error ?? remove.error} busy={save.isPending} submitLabel={account ? t('common.save') : t('common.create')} submitDisabled={!name.trim() || (!account && !code.trim())}>
        <TextInput
          label={t('ledger.accounts.code')}
          description={account ? undefined : t('ledger.accounts.codeHint')}
          value={code}
          onChange={(e) => setCode(e.currentTarget.value)}
          disabled={Boolean(account)}
          required
          className="gh-mono"
          placeholder="51001-1006"
          data-autofocus={account ? undefined : true}
        />
        <TextInput label={t('ledger.accounts.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} required maxLength={200} data-autofocus={account ? true : undefined} />
        <Select
          label={t('ledger.accounts.type')}
          data={ACCOUNT_TYPES.map((ty) => ({ value: ty, label: t(`ledger.type.${ty}`) }))}
          value={type}
          onChange={(v) => v && setType(v as AccountType)}
          allowDeselect={false}
          disabled={account?.inUse}
          description={account?.inUse ? t('ledger.accounts.typeLocked') : undefined}
          comboboxProps={{ withinPortal: true }}
        />
        <Textarea label={t('ledger.accounts.description')} value={description} onChange={(e) => setDescription(e.currentTarget.value)} autosize minRows={2} maxLength={2000} />
        {account && (
          <Switch
            label={t('ledger.accounts.archived')}
            description={account.role ? t('ledger.accounts.roleLocked', { role: account.role }) : t('ledger.accounts.archivedHint')}
            checked={archived}
            disabled={Boolean(account.role) && !account.archived}
            onChange={(e) => setArchived(e.currentTarget.checked)}
          />
        )}
        {account && (
          <Group>
            <Button variant="subtle" color="red" size="compact-sm" leftSection={<IconTrash size={14} />} loading={remove.isPending} onClick={() => remove.mutate()} data-testid="account-delete">
              {t('ledger.accounts.deleteAccount')}
            </Button>
          </Group>
        )}
      </ModalForm>
    </Modal>
  );
};

/** Ledger → Chart of accounts: G/L numbers, types; accounts with postings can be archived, never deleted. */
export const AccountsPage = () => {
  const t = useT();
  const can = useCan();
  const canEdit = can('ledger', 'update');
  const invalidate = useInvalidateLedger();
  const [search, setSearch] = useUrlSearch(parse);
  const { page, pageSize, sort, q, type, archived } = search;
  const accounts = useList<GlAccount>(LEDGER_KEY, '/ledger/accounts', { page, pageSize, sort, q, type, archived });
  const [editing, setEditing] = useState<GlAccount | 'new' | null>(null);
  const remove = useMutation({
    mutationFn: (a: GlAccount) => api.del(`/ledger/accounts/${encodeURIComponent(a.code)}`),
    onSuccess: async (_r, a) => {
      await invalidate();
      notifySuccess(t('ledger.accounts.deleted', { code: a.code }));
    },
  });
  const archive = useMutation({
    mutationFn: (a: GlAccount) => api.patch<GlAccount>(`/ledger/accounts/${encodeURIComponent(a.code)}`, { archived: !a.archived }),
    onSuccess: async (a) => {
      await invalidate();
      notifySuccess(t(a.archived ? 'ledger.accounts.archivedDone' : 'ledger.accounts.restored', { code: a.code }));
    },
  });

  const columns: Column<GlAccount>[] = [
    {
      key: 'code',
      header: t('ledger.accounts.code'),
      sort: 'code',
      width: 130,
      render: (a) => (
        <Text size="sm" fw={600} className="gh-mono" c={a.archived ? 'dimmed' : undefined}>
          {a.code}
        </Text>
      ),
    },
    {
      key: 'name',
      header: t('ledger.accounts.name'),
      sort: 'name',
      render: (a) => (
        <Stack gap={0}>
          <Group gap={6}>
            <Text size="sm" c={a.archived ? 'dimmed' : undefined}>
              {a.name}
            </Text>
            {a.archived && (
              <Badge size="xs" variant="light" color="gray">
                {t('ledger.accounts.archivedBadge')}
              </Badge>
            )}
            {a.role && (
              <Badge size="xs" variant="outline" color="gray" className="gh-mono" tt="none">
                {a.role}
              </Badge>
            )}
          </Group>
          {a.description && (
            <Text size="xs" c="dimmed" lineClamp={1}>
              {a.description}
            </Text>
          )}
        </Stack>
      ),
    },
    {
      key: 'type',
      header: t('ledger.accounts.type'),
      sort: 'type',
      width: 130,
      render: (a) => (
        <Badge size="sm" variant="light" color={TYPE_COLORS[a.type]}>
          {t(`ledger.type.${a.type}`)}
        </Badge>
      ),
    },
    {
      key: 'inUse',
      header: t('ledger.accounts.inUse'),
      width: 110,
      render: (a) => (
        <Text size="sm" c={a.inUse ? undefined : 'dimmed'}>
          {a.inUse ? t('common.yes') : t('common.no')}
        </Text>
      ),
    },
  ];
  if (canEdit)
    columns.push({
      key: 'actions',
      header: '',
      align: 'right',
      width: 220,
      render: (a) => (
        <Group gap={4} justify="flex-end" wrap="nowrap" onClick={(e) => e.stopPropagation()}>
          <Button size="compact-sm" variant="subtle" leftSection={<IconEdit size={14} />} onClick={() => setEditing(a)}>
            {t('common.edit')}
          </Button>
          {a.inUse || a.role ? (
            !a.role && (
              <Button size="compact-sm" variant="subtle" color="gray" leftSection={<IconArchive size={14} />} onClick={() => archive.mutate(a)} loading={archive.isPending && archive.variables?.code === a.code}>
                {a.archived ? t('ledger.accounts.restore') : t('ledger.accounts.archive')}
              </Button>
            )
          ) : (
            <ConfirmButton leftSection={<IconTrash size={14} />} message={t('ledger.accounts.deleteConfirm', { code: a.code, name: a.name })} confirmLabel={t('common.delete')} onConfirm={() => remove.mutateAsync(a)}>
              {t('common.delete')}
            </ConfirmButton>
          )}
        </Group>
      ),
    });

  return (
    <Page title={t('ledger.accounts.title')} intro={t('ledger.accounts.intro')} actions={canEdit ? <NewButton label={t('ledger.accounts.new')} onClick={() => setEditing('new')} /> : undefined}>
      <DataTable
        columns={columns}
        query={accounts}
        search={search}
        onSearchChange={setSearch}
        rowKey={(a) => a.code}
        onRowClick={canEdit ? (a) => setEditing(a) : undefined}
        searchPlaceholder={t('ledger.accounts.search')}
        filtered={Boolean(type || archived)}
        onClearFilters={() => setSearch({ type: undefined, archived: undefined, q: undefined, page: undefined })}
        empty={{ title: t('ledger.accounts.empty') }}
        testId="accounts-table"
        filters={
          <Group gap="sm">
            <FilterSelect label={t('ledger.accounts.type')} width={150} data={ACCOUNT_TYPES.map((ty) => ({ value: ty, label: t(`ledger.type.${ty}`) }))} value={type} onChange={(v) => setSearch({ type: v, page: undefined })} />
            <Select
              size="sm"
              w={190}
              aria-label={t('ledger.accounts.show')}
              data={[
                { value: 'active', label: t('ledger.accounts.showActive') },
                { value: 'true', label: t('ledger.accounts.showArchived') },
                { value: 'all', label: t('ledger.accounts.showAll') },
              ]}
              value={archived ?? 'active'}
              onChange={(v) => setSearch({ archived: v === 'active' ? undefined : (v ?? undefined), page: undefined })}
              allowDeselect={false}
              comboboxProps={{ withinPortal: true }}
            />
          </Group>
        }
      />
      {editing && <AccountModal key={editing === 'new' ? 'new' : editing.code} account={editing === 'new' ? null : editing} opened onClose={() => setEditing(null)} />}
    </Page>
  );
};
