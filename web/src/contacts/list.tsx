import { useEffect, useMemo, useState } from 'react';
import {
  ActionBar,
  ActionIcon,
  Anchor,
  Autocomplete,
  Badge,
  Box,
  Button,
  Checkbox,
  Divider,
  Group,
  Indicator,
  Menu,
  Modal,
  Pill,
  Popover,
  ScrollArea,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  Text,
  TextInput,
  Tooltip,
} from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from '@tanstack/react-router';
import { api, downloadUrl } from '../ui/api.ts';
import { ModalForm, Page } from '../ui/components.tsx';
import { DataTable, useList, type Column } from '../ui/data-table.tsx';
import { useFormat } from '../ui/format.ts';
import { IconBookmark, IconChevronDown, IconContacts, IconDownload, IconFields, IconFilter, IconImport, IconPlus, IconTag, IconTrash } from '../ui/icons.tsx';
import { useT, type Translate } from '../ui/language.tsx';
import { notifySuccess } from '../ui/notify.tsx';
import { oneOf, parseListSearch, str, useUrlSearch, type SearchPatch } from '../ui/search.ts';
import { useCan } from '../ui/session.ts';

import { KindBadge, memberNo, plural, useCustomFields, useInvalidateContacts, useSavedViews, useTags } from './shared.tsx';
import { CONSENT_KINDS, type ContactQuery, type ContactSummary, type CustomField, type SavedView } from './types.ts';

const KINDS = ['person', 'organization'] as const;
const HAS_EMAIL = ['true', 'false'] as const;
const HOUSEHOLD_ROLES = ['primary', 'secondary', 'none'] as const;
const STATUSES = ['active', 'erased'] as const;
const FIELD_PREFIX = 'field.';

const parse = (raw: Record<string, unknown>) => {
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    const value = str(v);
    if (k.startsWith(FIELD_PREFIX) && k.length > FIELD_PREFIX.length && value) fields[k.slice(FIELD_PREFIX.length)] = value;
  }
  return {
    ...parseListSearch(raw, { sort: 'displayName' }),
    kind: oneOf(raw.kind, KINDS),
    tag: str(raw.tag),
    hasEmail: oneOf(raw.hasEmail, HAS_EMAIL),
    householdRole: oneOf(raw.householdRole, HOUSEHOLD_ROLES),
    consent: str(raw.consent),
    status: oneOf(raw.status, STATUSES),
    fields,
  };
};
type ContactSearch = ReturnType<typeof parse>;

/** The filters alone, spelled as the API takes them: for mass actions, the CSV export and saved views. */
const filterQuery = (s: ContactSearch): ContactQuery => {
  const out: ContactQuery = {};
  if (s.q) out.q = s.q;
  if (s.kind) out.kind = s.kind;
  if (s.tag) out.tag = s.tag;
  if (s.hasEmail) out.hasEmail = s.hasEmail;
  if (s.householdRole) out.householdRole = s.householdRole;
  if (s.consent) out.consent = s.consent;
  if (s.status) out.status = s.status;
  for (const [k, v] of Object.entries(s.fields)) out[`${FIELD_PREFIX}${k}`] = v;
  return out;
};

/** A patch that removes every filter (and the page) from the URL. */
const clearPatch = (s: ContactSearch): SearchPatch => {
  const patch: SearchPatch = { q: undefined, kind: undefined, tag: undefined, hasEmail: undefined, householdRole: undefined, consent: undefined, status: undefined, page: undefined };
  for (const k of Object.keys(s.fields)) patch[`${FIELD_PREFIX}${k}`] = undefined;
  return patch;
};

const sameQuery = (a: ContactQuery, b: ContactQuery) => {
  const norm = (q: ContactQuery) => JSON.stringify(Object.entries(q).filter(([, v]) => v !== '' && v !== undefined).sort(([x], [y]) => x.localeCompare(y)));
  return norm(a) === norm(b);
};

const tagList = (tag: string | undefined) => (tag ? tag.split(',').map((s) => s.trim()).filter(Boolean) : []);

const fieldValueLabel = (field: CustomField | undefined, value: string, t: Translate) =>
  field?.type === 'boolean' ? (value === 'true' ? t('common.yes') : t('common.no')) : value;

// ---------------------------------------------------------------- filters

/** Tags to filter by (contacts must have all of them), picked from the tags in use with their counts. */
const TagFilter = ({ value, onChange }: { value: string[]; onChange: (tags: string[]) => void }) => {
  const t = useT();
  const fmt = useFormat();
  const tags = useTags();
  const [find, setFind] = useState('');
  const all = [...(tags.data ?? [])];
  for (const v of value) if (!all.some((x) => x.tag === v)) all.push({ tag: v, count: 0 });
  const shown = all.filter((x) => x.tag.toLowerCase().includes(find.trim().toLowerCase()));
  const toggle = (tag: string, on: boolean) => onChange(on ? [...value, tag] : value.filter((v) => v !== tag));
  const label = value.length === 0 ? t('contacts.filter.tags') : value.length === 1 ? value[0] : t('contacts.filter.tagsCount', { count: value.length });
  return (
    <Popover position="bottom-start" width={260} shadow="md" onClose={() => setFind('')}>
      <Popover.Target>
        <Button
          variant={value.length ? 'light' : 'default'}
          size="sm"
          leftSection={<IconTag size={15} />}
          rightSection={<IconChevronDown size={12} />}
          aria-label={t('contacts.filter.tags')}
          maw={220}
          styles={{ label: { overflow: 'hidden', textOverflow: 'ellipsis' } }}
        >
          {label}
        </Button>
      </Popover.Target>
      <Popover.Dropdown p="xs" data-testid="tag-filter">
        <TextInput size="xs" placeholder={t('common.search')} aria-label={t('common.search')} value={find} onChange={(e) => setFind(e.currentTarget.value)} mb="xs" data-autofocus />
        <ScrollArea.Autosize mah={260} type="auto">
          <Stack gap={6} pr="xs">
            {shown.map((x) => (
              <Group key={x.tag} justify="space-between" wrap="nowrap" gap="xs">
                <Checkbox size="xs" label={x.tag} checked={value.includes(x.tag)} onChange={(e) => toggle(x.tag, e.currentTarget.checked)} />
                <Text size="xs" c="dimmed">
                  {fmt.number(x.count)}
                </Text>
              </Group>
            ))}
            {shown.length === 0 && (
              <Text size="xs" c="dimmed">
                {t('contacts.filter.noTags')}
              </Text>
            )}
          </Stack>
        </ScrollArea.Autosize>
        {value.length > 0 && (
          <Button size="compact-xs" variant="subtle" color="gray" mt="xs" onClick={() => onChange([])}>
            {t('common.clearFilters')}
          </Button>
        )}
      </Popover.Dropdown>
    </Popover>
  );
};

const MoreFilters = ({ search, setSearch, fields }: { search: ContactSearch; setSearch: (p: SearchPatch) => void; fields: CustomField[] }) => {
  const t = useT();
  const [opened, setOpened] = useState(false);
  const [consentKind, setConsentKind] = useState<string | null>(search.consent?.split(':')[0] ?? null);
  // Follow the URL when the consent filter changes elsewhere (its pill removed, a saved view chosen).
  useEffect(() => setConsentKind(search.consent?.split(':')[0] ?? null), [search.consent]);
  const [fieldKey, setFieldKey] = useState<string | null>(null);
  const [fieldValue, setFieldValue] = useState('');
  const field = fields.find((f) => f.key === fieldKey);
  const active = [search.hasEmail, search.householdRole, search.consent, search.status].filter(Boolean).length + Object.keys(search.fields).length;
  const inPopover = { withinPortal: false } as const;
  const addField = () => {
    if (!fieldKey || fieldValue.trim() === '') return;
    setSearch({ [`${FIELD_PREFIX}${fieldKey}`]: fieldValue.trim(), page: undefined });
    setFieldKey(null);
    setFieldValue('');
  };
  return (
    <Popover opened={opened} onChange={setOpened} position="bottom-start" width={340} shadow="md" trapFocus>
      <Popover.Target>
        <Indicator label={active} size={16} disabled={active === 0} offset={4}>
          <Button variant="default" size="sm" leftSection={<IconFilter size={15} />} rightSection={<IconChevronDown size={12} />} onClick={() => setOpened((o) => !o)}>
            {t('contacts.filters')}
          </Button>
        </Indicator>
      </Popover.Target>
      <Popover.Dropdown data-testid="contact-filters">
        <Stack gap="sm">
          <Select
            label={t('contacts.filter.email')}
            size="xs"
            data={[
              { value: 'any', label: t('common.all') },
              { value: 'true', label: t('contacts.filter.hasEmail') },
              { value: 'false', label: t('contacts.filter.noEmail') },
            ]}
            value={search.hasEmail ?? 'any'}
            onChange={(v) => setSearch({ hasEmail: v === 'any' ? undefined : (v ?? undefined), page: undefined })}
            allowDeselect={false}
            comboboxProps={inPopover}
          />
          <Select
            label={t('contacts.filter.household')}
            size="xs"
            data={[{ value: 'any', label: t('common.all') }, ...HOUSEHOLD_ROLES.map((r) => ({ value: r, label: t(`contacts.household.role.${r}`) }))]}
            value={search.householdRole ?? 'any'}
            onChange={(v) => setSearch({ householdRole: v === 'any' ? undefined : (v ?? undefined), page: undefined })}
            allowDeselect={false}
            comboboxProps={inPopover}
          />
          <Group gap="xs" grow align="flex-end">
            <Select
              label={t('contacts.filter.consent')}
              size="xs"
              placeholder={t('common.all')}
              data={CONSENT_KINDS.map((k) => ({ value: k, label: t(`contacts.consent.${k}`) }))}
              value={consentKind}
              onChange={(v) => {
                setConsentKind(v);
                if (!v) setSearch({ consent: undefined, page: undefined });
                else setSearch({ consent: `${v}:${search.consent?.endsWith(':not_granted') ? 'not_granted' : 'granted'}`, page: undefined });
              }}
              clearable
              comboboxProps={inPopover}
            />
            <SegmentedControl
              size="xs"
              disabled={!consentKind}
              value={search.consent?.endsWith(':not_granted') ? 'not_granted' : 'granted'}
              onChange={(v) => consentKind && setSearch({ consent: `${consentKind}:${v}`, page: undefined })}
              data={[
                { value: 'granted', label: t('contacts.consent.granted') },
                { value: 'not_granted', label: t('contacts.consent.notGranted') },
              ]}
            />
          </Group>
          {fields.length > 0 && (
            <Box>
              <Text size="xs" fw={500} mb={4}>
                {t('contacts.filter.field')}
              </Text>
              <Group gap="xs" align="flex-end" wrap="nowrap">
                <Select
                  size="xs"
                  aria-label={t('contacts.filter.fieldName')}
                  placeholder={t('contacts.filter.fieldName')}
                  data={fields.map((f) => ({ value: f.key, label: f.label }))}
                  value={fieldKey}
                  onChange={(v) => {
                    setFieldKey(v);
                    setFieldValue('');
                  }}
                  searchable
                  comboboxProps={inPopover}
                  w={140}
                />
                {field?.type === 'choice' || field?.type === 'boolean' ? (
                  <Select
                    size="xs"
                    aria-label={t('contacts.filter.fieldValue')}
                    placeholder={t('contacts.filter.fieldValue')}
                    data={field.type === 'boolean' ? [{ value: 'true', label: t('common.yes') }, { value: 'false', label: t('common.no') }] : (field.options ?? [])}
                    value={fieldValue || null}
                    onChange={(v) => setFieldValue(v ?? '')}
                    comboboxProps={inPopover}
                    style={{ flex: 1 }}
                  />
                ) : (
                  <TextInput
                    size="xs"
                    aria-label={t('contacts.filter.fieldValue')}
                    placeholder={field?.type === 'date' ? 'YYYY-MM-DD' : t('contacts.filter.fieldValue')}
                    value={fieldValue}
                    onChange={(e) => setFieldValue(e.currentTarget.value)}
                    onKeyDown={(e) => {
                      if (e.key === 'Enter') addField();
                    }}
                    disabled={!fieldKey}
                    style={{ flex: 1 }}
                  />
                )}
                <ActionIcon variant="light" size={30} aria-label={t('contacts.filter.addField')} disabled={!fieldKey || fieldValue.trim() === ''} onClick={addField}>
                  <IconPlus size={15} />
                </ActionIcon>
              </Group>
            </Box>
          )}
          <Divider />
          <Switch
            size="xs"
            label={t('contacts.filter.showErased')}
            checked={search.status === 'erased'}
            onChange={(e) => setSearch({ status: e.currentTarget.checked ? 'erased' : undefined, page: undefined })}
          />
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
};

/** The active filters as removable pills under the toolbar. */
const FilterPills = ({ search, setSearch, fields }: { search: ContactSearch; setSearch: (p: SearchPatch) => void; fields: CustomField[] }) => {
  const t = useT();
  const pills: Array<{ key: string; label: string; remove: SearchPatch }> = [];
  if (search.hasEmail) pills.push({ key: 'hasEmail', label: search.hasEmail === 'true' ? t('contacts.filter.hasEmail') : t('contacts.filter.noEmail'), remove: { hasEmail: undefined } });
  if (search.householdRole)
    pills.push({ key: 'householdRole', label: `${t('contacts.filter.household')}: ${t(`contacts.household.role.${search.householdRole}`)}`, remove: { householdRole: undefined } });
  if (search.consent) {
    const [kind, state] = search.consent.split(':');
    const kindOk = oneOf(kind, CONSENT_KINDS);
    pills.push({
      key: 'consent',
      label: `${kindOk ? t(`contacts.consent.${kindOk}`) : kind}: ${state === 'not_granted' ? t('contacts.consent.notGranted') : t('contacts.consent.granted')}`,
      remove: { consent: undefined },
    });
  }
  for (const [k, v] of Object.entries(search.fields)) {
    const f = fields.find((x) => x.key === k);
    pills.push({ key: `f-${k}`, label: `${f?.label ?? k} = ${fieldValueLabel(f, v, t)}`, remove: { [`${FIELD_PREFIX}${k}`]: undefined } });
  }
  if (search.status === 'erased') pills.push({ key: 'status', label: t('contacts.filter.showErased'), remove: { status: undefined } });
  if (pills.length === 0) return null;
  return (
    <Group gap={6} px="sm" py={6} style={{ borderBottom: '1px solid var(--gh-border)' }} data-testid="filter-pills">
      {pills.map((p) => (
        <Pill key={p.key} withRemoveButton onRemove={() => setSearch({ ...p.remove, page: undefined })} removeButtonProps={{ 'aria-label': `${t('contacts.filter.remove')} ${p.label}` }}>
          {p.label}
        </Pill>
      ))}
    </Group>
  );
};

// ---------------------------------------------------------------- saved views

const SaveViewModal = ({ query, onClose }: { query: ContactQuery; onClose: () => void }) => {
  const t = useT();
  const views = useSavedViews();
  const invalidateViews = useInvalidateViews();
  const [name, setName] = useState('');
  const [shared, setShared] = useState(false);
  const save = useMutation({
    mutationFn: () => api.post<SavedView>('/saved-views', { area: 'contacts', name: name.trim(), query, shared }),
    meta: { inline: true },
    onSuccess: async (v) => {
      await invalidateViews();
      notifySuccess(t('contacts.views.saved', { name: v.name }));
      onClose();
    },
  });
  const taken = views.data?.some((v) => v.name.toLowerCase() === name.trim().toLowerCase());
  return (
    <ModalForm onSubmit={() => save.mutate()} onCancel={onClose} error={save.error} busy={save.isPending} submitLabel={t('common.save')} submitDisabled={!name.trim() || taken}>
      <TextInput
        label={t('common.name')}
        value={name}
        onChange={(e) => setName(e.currentTarget.value)}
        required
        data-autofocus
        error={taken ? t('contacts.views.nameTaken') : undefined}
        placeholder={t('contacts.views.namePlaceholder')}
      />
      <Switch label={t('contacts.views.shared')} description={t('contacts.views.sharedHint')} checked={shared} onChange={(e) => setShared(e.currentTarget.checked)} />
    </ModalForm>
  );
};

const useInvalidateViews = () => {
  const invalidate = useInvalidateContacts();
  const views = useSavedViews();
  return async () => {
    await views.refetch();
    await invalidate();
  };
};

const ViewsMenu = ({ current, onApply, canSave }: { current: ContactQuery; onApply: (v: SavedView) => void; canSave: boolean }) => {
  const t = useT();
  const views = useSavedViews();
  const [saving, setSaving] = useState(false);
  const remove = useMutation({ mutationFn: (v: SavedView) => api.del(`/saved-views/${v.id}`), onSuccess: () => views.refetch() });
  const active = views.data?.find((v) => sameQuery(v.query, current));
  return (
    <>
      <Menu position="bottom-start" width={280} shadow="md" closeOnItemClick>
        <Menu.Target>
          <Button variant="default" size="sm" leftSection={<IconBookmark size={15} />} rightSection={<IconChevronDown size={12} />} data-testid="views-menu">
            {active ? active.name : t('contacts.views.title')}
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>{t('contacts.views.title')}</Menu.Label>
          {(views.data ?? []).length === 0 && (
            <Text size="xs" c="dimmed" px="sm" py={6}>
              {t('contacts.views.none')}
            </Text>
          )}
          {(views.data ?? []).map((v) => (
            <Menu.Item
              key={v.id}
              onClick={() => onApply(v)}
              fw={active?.id === v.id ? 600 : 400}
              rightSection={
                <Group gap={4} wrap="nowrap">
                  {v.shared && (
                    <Badge size="xs" variant="light" color="gray">
                      {t('contacts.views.sharedBadge')}
                    </Badge>
                  )}
                  <Tooltip label={t('common.delete')}>
                    <ActionIcon
                      size="sm"
                      variant="subtle"
                      color="red"
                      component="span"
                      aria-label={`${t('common.delete')} ${v.name}`}
                      onClick={(e) => {
                        e.stopPropagation();
                        remove.mutate(v);
                      }}
                    >
                      <IconTrash size={13} />
                    </ActionIcon>
                  </Tooltip>
                </Group>
              }
            >
              {v.name}
            </Menu.Item>
          ))}
          {canSave && (
            <>
              <Menu.Divider />
              <Menu.Item leftSection={<IconPlus size={14} />} onClick={() => setSaving(true)}>
                {t('contacts.views.saveCurrent')}
              </Menu.Item>
            </>
          )}
        </Menu.Dropdown>
      </Menu>
      <Modal opened={saving} onClose={() => setSaving(false)} title={<Text fw={600}>{t('contacts.views.saveCurrent')}</Text>}>
        {saving && <SaveViewModal query={current} onClose={() => setSaving(false)} />}
      </Modal>
    </>
  );
};

// ---------------------------------------------------------------- mass actions

type Target = { ids: string[] } | { filter: ContactQuery };

const BulkTagModal = ({ mode, target, count, onClose }: { mode: 'tag' | 'untag'; target: Target; count: string; onClose: () => void }) => {
  const t = useT();
  const tags = useTags();
  const invalidate = useInvalidateContacts();
  const [tag, setTag] = useState('');
  const run = useMutation({
    mutationFn: () => api.post<{ affected: number }>(`/contacts/bulk/${mode}`, { tag: tag.trim(), ...target }),
    meta: { inline: true },
    onSuccess: async (r) => {
      await invalidate();
      notifySuccess(t(mode === 'tag' ? plural(r.affected, 'contacts.bulk.tagged', 'contacts.bulk.taggedOne') : plural(r.affected, 'contacts.bulk.untagged', 'contacts.bulk.untaggedOne'), { tag: tag.trim(), count: r.affected }));
      onClose();
    },
  });
  return (
    <ModalForm onSubmit={() => run.mutate()} onCancel={onClose} error={run.error} busy={run.isPending} submitLabel={mode === 'tag' ? t('contacts.bulk.addTag') : t('contacts.bulk.removeTag')} submitDisabled={!tag.trim()}>
      <Text size="sm">{t(mode === 'tag' ? 'contacts.bulk.tagIntro' : 'contacts.bulk.untagIntro', { count })}</Text>
      <Autocomplete
        label={t('contacts.tag')}
        data={(tags.data ?? []).map((x) => x.tag)}
        value={tag}
        onChange={setTag}
        data-autofocus
        required
        comboboxProps={{ withinPortal: true }}
      />
    </ModalForm>
  );
};

// ---------------------------------------------------------------- page

export const ContactsPage = () => {
  const t = useT();
  const fmt = useFormat();
  const can = useCan();
  const router = useRouter();
  const canEdit = can('contacts', 'update');
  const [search, setSearch] = useUrlSearch(parse);
  const fields = useCustomFields();
  const activeFields = (fields.data ?? []).filter((f) => !f.archived);
  const filters = useMemo(() => filterQuery(search), [search]);
  const filtersKey = JSON.stringify(filters);
  const list = useList<ContactSummary>('contacts', '/contacts', { ...filters, page: search.page, pageSize: search.pageSize, sort: search.sort });

  // Selection: ticked rows, or everything the filter matches (across pages). A new filter starts afresh.
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [allMatching, setAllMatching] = useState(false);
  useEffect(() => {
    setSelected(new Set());
    setAllMatching(false);
  }, [filtersKey]);
  const [bulk, setBulk] = useState<'tag' | 'untag' | null>(null);
  const total = list.data?.total ?? 0;
  // Past 10,000 matches the API stops counting: "10,000+" wherever the count is shown.
  const capped = list.data?.totalCapped ?? false;
  const totalText = capped ? t('contacts.countCapped', { count: fmt.number(total) }) : fmt.number(total);
  const pageIds = list.data?.items.map((c) => c.id) ?? [];
  const pageAllTicked = pageIds.length > 0 && pageIds.every((id) => selected.has(id));
  const count = allMatching ? total : selected.size;
  const countText = allMatching ? totalText : fmt.number(selected.size);
  // Every row the filter matches is ticked (one page holds them all): the same as "select all that match".
  const everything = allMatching || (total > 0 && selected.size === total && pageIds.length === total && pageAllTicked);
  const target: Target = allMatching ? { filter: filters } : { ids: [...selected] };
  const clearSelection = () => {
    setSelected(new Set());
    setAllMatching(false);
  };
  // The header's export takes the whole filtered list; the mass-action bar's takes the selection.
  const filterExportHref = downloadUrl('/contacts/export.csv', { ...filters, sort: search.sort });

  const tagFilter = tagList(search.tag);
  const columns: Column<ContactSummary>[] = [
    {
      key: 'name',
      header: t('common.name'),
      sort: 'displayName',
      render: (c) => (
        <Group gap={8} wrap="nowrap" preventGrowOverflow={false}>
          <Text size="sm" fw={600} style={{ whiteSpace: 'nowrap' }}>
            {c.displayName}
          </Text>
          {c.kind === 'organization' && <KindBadge kind={c.kind} t={t} />}
        </Group>
      ),
    },
    { key: 'number', header: t('contacts.memberNumber'), sort: 'memberNumber', width: 90, render: (c) => <Text size="sm" className="gh-mono">{memberNo(c.memberNumber)}</Text> },
    {
      key: 'email',
      header: t('common.email'),
      sort: 'email',
      // The mobile number under the address: one column for "how to reach them".
      render: (c) => (
        <>
          <Text size="sm" truncate maw={280}>
            {c.email ?? ''}
          </Text>
          {c.phoneMobile && (
            <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
              {c.phoneMobile}
            </Text>
          )}
        </>
      ),
    },
    { key: 'place', header: t('contacts.field.place'), sort: 'place', render: (c) => <Text size="sm">{c.place ?? ''}</Text> },
    {
      key: 'tags',
      header: t('contacts.tags'),
      render: (c) => (
        <Group gap={4} preventGrowOverflow={false}>
          {c.householdRole && (
            <Badge size="sm" variant="outline" color="gray" style={{ flexShrink: 0, minWidth: 'max-content' }}>
              {t(`contacts.household.role.${c.householdRole}`)}
            </Badge>
          )}
          {c.tags.map((tag) => (
            <Badge key={tag} size="sm" variant="light" color="gray" style={{ flexShrink: 0, minWidth: 'max-content' }}>
              {tag}
            </Badge>
          ))}
        </Group>
      ),
    },
    { key: 'updated', header: t('contacts.changed'), sort: 'updatedAt', width: 110, render: (c) => <Text size="sm">{fmt.date(c.updatedAt)}</Text> },
  ];

  const banner = (
    <>
      <FilterPills search={search} setSearch={setSearch} fields={activeFields} />
      {canEdit && (pageAllTicked || allMatching) && total > pageIds.length && (
        <Group gap="xs" justify="center" px="sm" py={6} bg="var(--mantine-color-guild-0)" style={{ borderBottom: '1px solid var(--gh-border)' }} data-testid="select-all-banner">
          {allMatching ? (
            <>
              <Text size="sm">{t('contacts.select.allMatching', { count: totalText })}</Text>
              <Anchor size="sm" component="button" type="button" onClick={clearSelection}>
                {t('contacts.select.clear')}
              </Anchor>
            </>
          ) : (
            <>
              <Text size="sm">{t('contacts.select.pageTicked', { count: pageIds.length })}</Text>
              <Anchor size="sm" component="button" type="button" onClick={() => setAllMatching(true)}>
                {t('contacts.select.selectAll', { count: totalText })}
              </Anchor>
            </>
          )}
        </Group>
      )}
    </>
  );

  return (
    <Page
      title={t('contacts.title')}
      intro={t('contacts.intro')}
      actions={
        <>
          <Button variant="default" component="a" href={filterExportHref} download leftSection={<IconDownload size={16} />}>
            {t('contacts.exportCsv')}
          </Button>
          <Button variant="default" leftSection={<IconFields size={16} />} onClick={() => void router.navigate({ href: '/contacts/fields' })}>
            {t('contacts.fields.title')}
          </Button>
          {canEdit && (
            <Button variant="default" leftSection={<IconImport size={16} />} onClick={() => void router.navigate({ href: '/contacts/import' })}>
              {t('contacts.import.title')}
            </Button>
          )}
          {canEdit && (
            <Menu position="bottom-end" width={200}>
              <Menu.Target>
                <Button leftSection={<IconPlus size={16} />} rightSection={<IconChevronDown size={12} />}>
                  {t('contacts.new')}
                </Button>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Item onClick={() => void router.navigate({ href: '/contacts/new?kind=person' })}>{t('contacts.newPerson')}</Menu.Item>
                <Menu.Item onClick={() => void router.navigate({ href: '/contacts/new?kind=organization' })}>{t('contacts.newOrganization')}</Menu.Item>
              </Menu.Dropdown>
            </Menu>
          )}
        </>
      }
    >
      <DataTable
        testId="contacts-table"
        columns={columns}
        query={list}
        search={search}
        onSearchChange={setSearch}
        rowKey={(c) => c.id}
        onRowClick={(c) => void router.navigate({ href: `/contacts/${c.id}` })}
        searchPlaceholder={t('contacts.searchPlaceholder')}
        selection={canEdit ? { selected, onChange: (next) => { setSelected(next); setAllMatching(false); } } : undefined}
        banner={banner}
        filters={
          <>
            <SegmentedControl
              size="sm"
              value={search.kind ?? 'all'}
              onChange={(v) => setSearch({ kind: v === 'all' ? undefined : v, page: undefined })}
              data={[
                { value: 'all', label: t('common.all') },
                { value: 'person', label: t('contacts.kind.persons') },
                { value: 'organization', label: t('contacts.kind.organizations') },
              ]}
              aria-label={t('contacts.filter.kind')}
            />
            <TagFilter value={tagFilter} onChange={(v) => setSearch({ tag: v.length ? v.join(',') : undefined, page: undefined })} />
            <MoreFilters search={search} setSearch={setSearch} fields={activeFields} />
            <ViewsMenu
              current={{ ...filters, ...(search.sort && search.sort !== 'displayName' ? { sort: search.sort } : {}) }}
              canSave={can('contacts', 'read')}
              onApply={(v) => setSearch({ ...clearPatch(search), sort: undefined, ...v.query })}
            />
          </>
        }
        filtered={Object.keys(filters).some((k) => k !== 'q')}
        onClearFilters={() => setSearch(clearPatch(search))}
        empty={{ title: t('contacts.emptyTitle'), description: t('contacts.emptyDescription'), icon: <IconContacts size={24} /> }}
      />
      <ActionBar opened={count > 0} zIndex={150} aria-label={t('contacts.bulk.label')} data-testid="bulk-bar">
        <Text size="sm" fw={600} px="xs">
          {t('contacts.bulk.selected', { count: countText })}
        </Text>
        <ActionBar.Divider />
        <Button size="compact-sm" variant="subtle" leftSection={<IconTag size={14} />} onClick={() => setBulk('tag')}>
          {t('contacts.bulk.addTag')}
        </Button>
        <Button size="compact-sm" variant="subtle" leftSection={<IconTag size={14} />} onClick={() => setBulk('untag')}>
          {t('contacts.bulk.removeTag')}
        </Button>
        {/* The export takes a filter, not a list of ids: offered once everything matching is selected. */}
        {everything ? (
          <Button size="compact-sm" variant="subtle" leftSection={<IconDownload size={14} />} component="a" href={filterExportHref} download>
            {t('contacts.exportCsv')}
          </Button>
        ) : (
          <Tooltip label={t('contacts.bulk.exportHint')} multiline w={260}>
            <Button size="compact-sm" variant="subtle" leftSection={<IconDownload size={14} />} data-disabled onClick={(e) => e.preventDefault()}>
              {t('contacts.exportCsv')}
            </Button>
          </Tooltip>
        )}
        <ActionBar.Divider />
        <ActionBar.CloseButton aria-label={t('contacts.select.clear')} onClick={clearSelection} />
      </ActionBar>
      <Modal opened={bulk !== null} onClose={() => setBulk(null)} title={<Text fw={600}>{bulk === 'untag' ? t('contacts.bulk.removeTag') : t('contacts.bulk.addTag')}</Text>}>
        {bulk && <BulkTagModal mode={bulk} target={target} count={countText} onClose={() => setBulk(null)} />}
      </Modal>
    </Page>
  );
};
