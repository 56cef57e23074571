import { useState } from 'react';
import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Code,
  CopyButton,
  Group,
  Modal,
  MultiSelect,
  PasswordInput,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  Table,
  Tabs,
  Text,
  Textarea,
  TextInput,
  Tooltip,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../ui/api.ts';
import { ConfirmButton, ModalForm, Page } from '../ui/components.tsx';
import { RecordHistory } from '../ui/record-history.tsx';
import { DataTable, NewButton, useList, type Column } from '../ui/data-table.tsx';
import { useFormat } from '../ui/format.ts';
import { IconAlert, IconCheck, IconCopy, IconEdit, IconKey, IconShield, IconUsersGroup } from '../ui/icons.tsx';
import { LANGUAGES, useT, type Translate } from '../ui/language.tsx';
import { notifySuccess } from '../ui/notify.tsx';
import { oneOf, parseListSearch, useUrlSearch, type ListSearch, type SearchPatch } from '../ui/search.ts';
import { useCan, useMe } from '../ui/session.ts';
import { AREAS, type AccessGroup, type AccessLevel, type ApiKey, type Area, type Language, type Paged, type Permissions, type StaffUser } from '../ui/types.ts';

const TABS = ['staff', 'groups', 'keys'] as const;
type Tab = (typeof TABS)[number];

const parse = (raw: Record<string, unknown>) => {
  const tab: Tab = oneOf(raw.tab, TABS) ?? 'staff';
  return { tab, ...parseListSearch(raw) };
};

/** Every group, for names in the staff list and the pickers (organizations have a handful). */
const useAllGroups = () =>
  useQuery({ queryKey: ['access-groups', 'all'], queryFn: () => api.get<Paged<AccessGroup>>('/access-groups', { pageSize: 500, sort: 'name' }), staleTime: 30_000 });
const useAllStaff = (enabled: boolean) =>
  useQuery({ queryKey: ['staff', 'all'], queryFn: () => api.get<Paged<StaffUser>>('/staff', { pageSize: 500, sort: 'name' }), staleTime: 30_000, enabled });

const useInvalidateStaff = () => {
  const queryClient = useQueryClient();
  return () => Promise.all(['staff', 'access-groups', 'api-keys', 'me'].map((k) => queryClient.invalidateQueries({ queryKey: [k] })));
};

/** Saving a staff member or group: errors stay in the form; on success the lists refresh and the dialog closes. */
const useSaveNamed = <T extends { name: string }>(save: () => Promise<T>, onClose: () => void) => {
  const t = useT();
  const invalidate = useInvalidateStaff();
  return useMutation({
    mutationFn: save,
    meta: { inline: true },
    onSuccess: async (saved) => {
      await invalidate();
      notifySuccess(t('settings.saved', { label: saved.name }));
      onClose();
    },
  });
};

// ---------------------------------------------------------------- staff

const StaffForm = ({ user, onClose }: { user: StaffUser | null; onClose: () => void }) => {
  const t = useT();
  const groups = useAllGroups();
  const [name, setName] = useState(user?.name ?? '');
  const [email, setEmail] = useState(user?.email ?? '');
  const [password, setPassword] = useState('');
  const [language, setLanguage] = useState<Language | null>(user?.language ?? null);
  const [isAdmin, setIsAdmin] = useState(user?.isAdmin ?? false);
  const [active, setActive] = useState(user?.active ?? true);
  const [groupIds, setGroupIds] = useState<string[]>(user?.groupIds ?? []);
  const save = useSaveNamed(() => {
    const body = { name: name.trim(), email: email.trim(), isAdmin, active, language, groupIds, ...(password ? { password } : {}) };
    return user ? api.patch<StaffUser>(`/staff/${user.id}`, body) : api.post<StaffUser>('/staff', body);
  }, onClose);
  return (
    <ModalForm onSubmit={() => save.mutate()} onCancel={onClose} error={save.error} busy={save.isPending} submitLabel={user ? t('common.save') : t('common.create')}>
      <Group grow align="flex-start">
        <TextInput label={t('common.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} required data-autofocus />
        <TextInput label={t('common.email')} type="email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} required />
      </Group>
      <Group grow align="flex-start">
        <PasswordInput
          label={user ? t('password.new') : t('staff.password')}
          description={user ? undefined : t('staff.passwordHint')}
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          autoComplete="new-password"
        />
        <Select
          label={t('lang.label')}
          data={LANGUAGES.map((l) => ({ value: l.value, label: l.label }))}
          value={language}
          onChange={(v) => setLanguage((v as Language | null) ?? null)}
          clearable
          placeholder="—"
          comboboxProps={{ withinPortal: true }}
        />
      </Group>
      <MultiSelect
        label={t('staff.groups')}
        data={(groups.data?.items ?? []).map((g) => ({ value: g.id, label: g.name }))}
        value={groupIds}
        onChange={setGroupIds}
        searchable
        comboboxProps={{ withinPortal: true }}
      />
      <Switch label={t('staff.isAdmin')} checked={isAdmin} onChange={(e) => setIsAdmin(e.currentTarget.checked)} />
      <Switch label={t('staff.active')} checked={active} onChange={(e) => setActive(e.currentTarget.checked)} />
    </ModalForm>
  );
};

const StaffTab = ({ search, setSearch, canEdit }: { search: ListSearch; setSearch: (p: SearchPatch, o?: { replace?: boolean }) => void; canEdit: boolean }) => {
  const t = useT();
  const fmt = useFormat();
  const me = useMe();
  const invalidate = useInvalidateStaff();
  const groups = useAllGroups();
  const [editing, setEditing] = useState<StaffUser | 'new' | null>(null);
  const list = useList<StaffUser>('staff', '/staff', { ...search });
  const setActive = useMutation({
    mutationFn: (u: StaffUser) => api.patch<StaffUser>(`/staff/${u.id}`, { active: !u.active }),
    onSuccess: () => invalidate(),
  });
  const groupName = (id: string) => groups.data?.items.find((g) => g.id === id)?.name ?? id;
  const columns: Column<StaffUser>[] = [
    {
      key: 'name',
      header: t('common.name'),
      sort: 'name',
      render: (u) => (
        <Text size="sm" fw={600}>
          {u.name}
        </Text>
      ),
    },
    { key: 'email', header: t('common.email'), sort: 'email', render: (u) => <Text size="sm">{u.email}</Text> },
    {
      key: 'groups',
      header: t('staff.groups'),
      render: (u) => (
        <Group gap={4}>
          {u.isAdmin && (
            <Badge color="guild" variant="filled" size="sm">
              {t('staff.adminBadge')}
            </Badge>
          )}
          {u.groupIds.map((id) => (
            <Badge key={id} color="gray" variant="light" size="sm" tt="none">
              {groupName(id)}
            </Badge>
          ))}
        </Group>
      ),
    },
    {
      key: 'status',
      header: t('common.status'),
      width: 150,
      render: (u) => (
        <Badge color={u.active ? 'green' : 'gray'} variant="dot" size="sm">
          {u.active ? t('staff.statusActive') : t('staff.statusInactive')}
        </Badge>
      ),
    },
    { key: 'created', header: t('common.created'), sort: 'created_at', width: 120, render: (u) => <Text size="sm">{fmt.date(u.createdAt)}</Text> },
  ];
  if (canEdit) {
    columns.push({
      key: 'actions',
      header: '',
      align: 'right',
      width: 220,
      render: (u) => (
        <Group gap={4} justify="flex-end" wrap="nowrap" onClick={(e) => e.stopPropagation()}>
          <Tooltip label={t('common.edit')}>
            <ActionIcon variant="subtle" color="gray" aria-label={`${t('common.edit')} ${u.name}`} onClick={() => setEditing(u)}>
              <IconEdit size={16} />
            </ActionIcon>
          </Tooltip>
          {u.id !== me.id && (
            <>
              <Button size="compact-sm" variant="subtle" color={u.active ? 'orange' : 'green'} onClick={() => setActive.mutate(u)} loading={setActive.isPending && setActive.variables?.id === u.id}>
                {u.active ? t('staff.deactivate') : t('staff.activate')}
              </Button>
              <ConfirmButton
                message={t('staff.deleteConfirm', { name: u.name })}
                confirmLabel={t('common.delete')}
                onConfirm={async () => {
                  await api.del(`/staff/${u.id}`);
                  await invalidate();
                  notifySuccess(t('staff.deleted', { name: u.name }));
                }}
              >
                {t('common.delete')}
              </ConfirmButton>
            </>
          )}
        </Group>
      ),
    });
  }
  return (
    <>
      <DataTable
        testId="staff-table"
        columns={columns}
        query={list}
        search={search}
        onSearchChange={setSearch}
        rowKey={(u) => u.id}
        onRowClick={canEdit ? (u) => setEditing(u) : undefined}
        searchPlaceholder={t('staff.searchPlaceholder')}
        filters={canEdit ? <NewButton label={t('staff.new')} onClick={() => setEditing('new')} /> : undefined}
        empty={{ title: t('staff.emptyTitle'), description: t('staff.emptyDescription') }}
      />
      <Modal opened={editing !== null} onClose={() => setEditing(null)} title={<Text fw={600}>{editing === 'new' ? t('staff.new') : editing ? t('staff.editTitle', { name: editing.name }) : ''}</Text>} size="lg">
        {editing !== null && <StaffForm key={editing === 'new' ? 'new' : editing.id} user={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
        {editing !== null && editing !== 'new' && <RecordHistory entityType="staff_user" entityId={editing.id} />}
      </Modal>
    </>
  );
};

// ---------------------------------------------------------------- access groups

const LEVELS = ['none', 'read', 'update'] as const;

const PermissionMatrix = ({ value, onChange, disabled, t }: { value: Permissions; onChange: (p: Permissions) => void; disabled?: boolean; t: Translate }) => (
  <Table withTableBorder verticalSpacing={4} data-testid="permission-matrix">
    <Table.Tbody>
      {AREAS.map((area) => (
        <Table.Tr key={area}>
          <Table.Td>
            <Text size="sm" fw={500}>
              {t(`area.${area}`)}
            </Text>
          </Table.Td>
          <Table.Td ta="right">
            <SegmentedControl
              size="xs"
              disabled={disabled}
              aria-label={t(`area.${area}`)}
              value={value[area] ?? 'none'}
              onChange={(level) => {
                const next: Permissions = { ...value };
                if (level === 'none') delete next[area];
                else next[area] = level as AccessLevel;
                onChange(next);
              }}
              data={LEVELS.map((l) => ({ value: l, label: t(`groups.level.${l}`) }))}
              // "None" keeps the plain white marker; a grant is coloured so the matrix reads at a glance.
              color={value[area] === 'update' ? 'guild' : value[area] === 'read' ? 'blue' : undefined}
            />
          </Table.Td>
        </Table.Tr>
      ))}
    </Table.Tbody>
  </Table>
);

const GroupForm = ({ group, onClose }: { group: AccessGroup | null; onClose: () => void }) => {
  const t = useT();
  const staff = useAllStaff(true);
  const [name, setName] = useState(group?.name ?? '');
  const [description, setDescription] = useState(group?.description ?? '');
  const [permissions, setPermissions] = useState<Permissions>(group?.permissions ?? {});
  const [memberIds, setMemberIds] = useState<string[]>(group?.memberIds ?? []);
  const save = useSaveNamed(() => {
    const body = { name: name.trim(), description: description.trim(), permissions, memberIds };
    return group ? api.patch<AccessGroup>(`/access-groups/${group.id}`, body) : api.post<AccessGroup>('/access-groups', body);
  }, onClose);
  return (
    <ModalForm onSubmit={() => save.mutate()} onCancel={onClose} error={save.error} busy={save.isPending} submitLabel={group ? t('common.save') : t('common.create')}>
      <TextInput label={t('common.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} required disabled={group?.builtin} data-autofocus />
      <Textarea label={t('common.description')} value={description} onChange={(e) => setDescription(e.currentTarget.value)} autosize minRows={2} />
      <div>
        <Text size="sm" fw={500} mb={6}>
          {t('groups.matrix')}
        </Text>
        <PermissionMatrix value={permissions} onChange={setPermissions} disabled={group?.builtin} t={t} />
      </div>
      <MultiSelect
        label={t('groups.membersLabel')}
        data={(staff.data?.items ?? []).map((s) => ({ value: s.id, label: `${s.name} <${s.email}>` }))}
        value={memberIds}
        onChange={setMemberIds}
        searchable
        comboboxProps={{ withinPortal: true }}
      />
    </ModalForm>
  );
};

const AccessSummary = ({ permissions, t }: { permissions: Permissions; t: Translate }) => {
  const granted = AREAS.filter((a) => permissions[a]);
  if (granted.length === AREAS.length && granted.every((a) => permissions[a] === 'update')) {
    return (
      <Badge color="guild" variant="light" size="sm">
        {t('groups.fullAccess')}
      </Badge>
    );
  }
  return (
    <Group gap={4}>
      {granted.map((a: Area) => (
        <Badge key={a} size="sm" tt="none" variant="light" color={permissions[a] === 'update' ? 'guild' : 'blue'}>
          {t(`area.${a}`)}: {t(`groups.level.${permissions[a] ?? 'none'}`)}
        </Badge>
      ))}
      {granted.length === 0 && (
        <Text size="sm" c="dimmed">
          {t('groups.level.none')}
        </Text>
      )}
    </Group>
  );
};

const GroupsTab = ({ search, setSearch, canEdit }: { search: ListSearch; setSearch: (p: SearchPatch, o?: { replace?: boolean }) => void; canEdit: boolean }) => {
  const t = useT();
  const invalidate = useInvalidateStaff();
  const [editing, setEditing] = useState<AccessGroup | 'new' | null>(null);
  const list = useList<AccessGroup>('access-groups', '/access-groups', { ...search });
  const columns: Column<AccessGroup>[] = [
    {
      key: 'name',
      header: t('common.name'),
      sort: 'name',
      width: 220,
      render: (g) => (
        <Group gap={6} wrap="nowrap">
          <Text size="sm" fw={600}>
            {g.name}
          </Text>
          {g.builtin && (
            <Badge size="xs" color="gray" variant="outline">
              {t('groups.builtin')}
            </Badge>
          )}
        </Group>
      ),
    },
    { key: 'access', header: t('groups.matrix'), render: (g) => <AccessSummary permissions={g.permissions} t={t} /> },
    { key: 'members', header: t('staff.tab.staff'), width: 120, render: (g) => <Text size="sm">{g.memberIds.length === 1 ? t('groups.member') : t('groups.members', { count: g.memberIds.length })}</Text> },
  ];
  if (canEdit) {
    columns.push({
      key: 'actions',
      header: '',
      align: 'right',
      width: 140,
      render: (g) => (
        <Group gap={4} justify="flex-end" wrap="nowrap" onClick={(e) => e.stopPropagation()}>
          <ActionIcon variant="subtle" color="gray" aria-label={`${t('common.edit')} ${g.name}`} onClick={() => setEditing(g)}>
            <IconEdit size={16} />
          </ActionIcon>
          {!g.builtin && (
            <ConfirmButton
              message={t('groups.deleteConfirm', { name: g.name })}
              confirmLabel={t('common.delete')}
              onConfirm={async () => {
                await api.del(`/access-groups/${g.id}`);
                await invalidate();
              }}
            >
              {t('common.delete')}
            </ConfirmButton>
          )}
        </Group>
      ),
    });
  }
  return (
    <>
      <DataTable
        testId="groups-table"
        columns={columns}
        query={list}
        search={search}
        onSearchChange={setSearch}
        rowKey={(g) => g.id}
        onRowClick={canEdit ? (g) => setEditing(g) : undefined}
        searchPlaceholder={t('common.search')}
        filters={canEdit ? <NewButton label={t('groups.new')} onClick={() => setEditing('new')} /> : undefined}
        empty={{ title: t('groups.emptyTitle'), description: t('groups.emptyDescription'), icon: <IconUsersGroup size={24} /> }}
      />
      <Modal opened={editing !== null} onClose={() => setEditing(null)} title={<Text fw={600}>{editing === 'new' ? t('groups.new') : editing ? t('groups.editTitle', { name: editing.name }) : ''}</Text>} size="lg">
        {editing !== null && <GroupForm key={editing === 'new' ? 'new' : editing.id} group={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
        {editing !== null && editing !== 'new' && <RecordHistory entityType="access_group" entityId={editing.id} />}
      </Modal>
    </>
  );
};

// ---------------------------------------------------------------- API keys

const NewKeyForm = ({ onCreated, onClose }: { onCreated: (key: ApiKey & { key: string }) => void; onClose: () => void }) => {
  const t = useT();
  const groups = useAllGroups();
  const invalidate = useInvalidateStaff();
  const [name, setName] = useState('');
  const [groupId, setGroupId] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: () => api.post<ApiKey & { key: string }>('/api-keys', { name: name.trim(), groupId }),
    meta: { inline: true },
    onSuccess: async (created) => {
      await invalidate();
      onCreated(created);
    },
  });
  return (
    <ModalForm onSubmit={() => create.mutate()} onCancel={onClose} error={create.error} busy={create.isPending} submitLabel={t('common.create')} submitDisabled={!groupId}>
      <TextInput label={t('common.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} required data-autofocus placeholder="Accounting export" />
      <Select
        label={t('keys.group')}
        data={(groups.data?.items ?? []).map((g) => ({ value: g.id, label: g.name }))}
        value={groupId}
        onChange={setGroupId}
        required
        searchable
        comboboxProps={{ withinPortal: true }}
      />
    </ModalForm>
  );
};

const KeysTab = ({ search, setSearch, canEdit }: { search: ListSearch; setSearch: (p: SearchPatch, o?: { replace?: boolean }) => void; canEdit: boolean }) => {
  const t = useT();
  const fmt = useFormat();
  const invalidate = useInvalidateStaff();
  const groups = useAllGroups();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<(ApiKey & { key: string }) | null>(null);
  const list = useList<ApiKey>('api-keys', '/api-keys', { ...search });
  const columns: Column<ApiKey>[] = [
    { key: 'name', header: t('common.name'), sort: 'name', render: (k) => <Text size="sm" fw={600} td={k.revokedAt ? 'line-through' : undefined}>{k.name}</Text> },
    { key: 'prefix', header: t('keys.prefix'), render: (k) => <Code>{k.prefix}…</Code> },
    { key: 'group', header: t('keys.group'), render: (k) => <Badge color="gray" variant="light" tt="none" size="sm">{groups.data?.items.find((g) => g.id === k.groupId)?.name ?? k.groupId}</Badge> },
    { key: 'created', header: t('common.created'), sort: 'created_at', width: 120, render: (k) => <Text size="sm">{fmt.date(k.createdAt)}</Text> },
    { key: 'lastUsed', header: t('keys.lastUsed'), sort: 'last_used_at', width: 150, render: (k) => <Text size="sm" c={k.lastUsedAt ? undefined : 'dimmed'}>{k.lastUsedAt ? fmt.dateTime(k.lastUsedAt) : t('keys.never')}</Text> },
    {
      key: 'status',
      header: t('common.status'),
      width: 170,
      render: (k) =>
        k.revokedAt ? (
          <Badge color="red" variant="light" size="sm">
            {t('keys.revoked')} {fmt.date(k.revokedAt)}
          </Badge>
        ) : (
          <Badge color="green" variant="dot" size="sm">
            {t('staff.statusActive')}
          </Badge>
        ),
    },
  ];
  if (canEdit) {
    columns.push({
      key: 'actions',
      header: '',
      align: 'right',
      width: 120,
      render: (k) =>
        k.revokedAt ? null : (
          <ConfirmButton
            message={t('keys.revokeConfirm', { name: k.name })}
            confirmLabel={t('keys.revoke')}
            onConfirm={async () => {
              await api.del(`/api-keys/${k.id}`);
              await invalidate();
            }}
          >
            {t('keys.revoke')}
          </ConfirmButton>
        ),
    });
  }
  return (
    <>
      <DataTable
        testId="keys-table"
        columns={columns}
        query={list}
        search={search}
        onSearchChange={setSearch}
        rowKey={(k) => k.id}
        searchPlaceholder={t('common.search')}
        filters={canEdit ? <NewButton label={t('keys.new')} onClick={() => setCreating(true)} /> : undefined}
        empty={{ title: t('keys.emptyTitle'), description: t('keys.emptyDescription'), icon: <IconKey size={24} /> }}
      />
      <Modal opened={creating} onClose={() => setCreating(false)} title={<Text fw={600}>{t('keys.new')}</Text>}>
        {creating && (
          <NewKeyForm
            onClose={() => setCreating(false)}
            onCreated={(k) => {
              setCreating(false);
              setCreated(k);
            }}
          />
        )}
      </Modal>
      <Modal opened={created !== null} onClose={() => setCreated(null)} title={<Text fw={600}>{t('keys.createdTitle')}</Text>} size="lg" closeOnClickOutside={false}>
        {created && (
          <Stack>
            <Alert color="yellow" variant="light" icon={<IconAlert size={16} />}>
              {t('keys.createdWarning')}
            </Alert>
            <Group gap="xs" wrap="nowrap">
              <Code block style={{ flex: 1, wordBreak: 'break-all', whiteSpace: 'pre-wrap' }} data-testid="new-api-key">
                {created.key}
              </Code>
              <CopyButton value={created.key}>
                {({ copied, copy }) => (
                  <Button variant={copied ? 'light' : 'filled'} color={copied ? 'green' : undefined} leftSection={copied ? <IconCheck size={16} /> : <IconCopy size={16} />} onClick={copy}>
                    {copied ? t('common.copied') : t('common.copy')}
                  </Button>
                )}
              </CopyButton>
            </Group>
            <Text size="sm" c="dimmed">
              {t('keys.usage')}
            </Text>
            <Group justify="flex-end">
              <Button onClick={() => setCreated(null)}>{t('common.close')}</Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </>
  );
};

export const StaffPage = () => {
  const t = useT();
  const can = useCan();
  const [search, setSearch] = useUrlSearch(parse);
  const canEdit = can('staff', 'update');
  const { tab, ...listSearch } = search;
  const props = { search: listSearch, setSearch, canEdit };
  return (
    <Page title={t('staff.title')} intro={t('staff.intro')}>
      <Tabs
        value={tab}
        // Each tab has its own columns, so paging, sorting and search start afresh.
        onChange={(v) => setSearch({ tab: v === 'staff' ? undefined : (v ?? undefined), page: undefined, sort: undefined, q: undefined, pageSize: undefined })}
        mb="md"
      >
        <Tabs.List>
          <Tabs.Tab value="staff" leftSection={<IconShield size={15} />}>
            {t('staff.tab.staff')}
          </Tabs.Tab>
          <Tabs.Tab value="groups" leftSection={<IconUsersGroup size={15} />}>
            {t('staff.tab.groups')}
          </Tabs.Tab>
          <Tabs.Tab value="keys" leftSection={<IconKey size={15} />}>
            {t('staff.tab.keys')}
          </Tabs.Tab>
        </Tabs.List>
      </Tabs>
      {tab === 'staff' && <StaffTab {...props} />}
      {tab === 'groups' && <GroupsTab {...props} />}
      {tab === 'keys' && <KeysTab {...props} />}
    </Page>
  );
};
