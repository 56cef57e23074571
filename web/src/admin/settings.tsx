import { useMemo, useState, type ReactNode } from 'react';
import {
  Alert,
  Autocomplete,
  Badge,
  Box,
  Button,
  FileButton,
  Group,
  Image,
  Modal,
  NumberInput,
  Paper,
  Select,
  Skeleton,
  Stack,
  Switch,
  Tabs,
  Text,
  Textarea,
  TextInput,
  UnstyledButton,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { RecordHistory } from '../ui/record-history.tsx';
import { api } from '../ui/api.ts';
import { ErrorState, Page } from '../ui/components.tsx';
import { useFormat } from '../ui/format.ts';
import { IconEdit, IconLock } from '../ui/icons.tsx';
import { useLanguage, useT, type Translate } from '../ui/language.tsx';
import { notifySuccess } from '../ui/notify.tsx';
import { oneOf, useUrlSearch } from '../ui/search.ts';
import { useCan } from '../ui/session.ts';
import type { Language, Setting, SettingGroup } from '../ui/types.ts';
import { settingText } from './setting-texts.ts';

const GROUPS: readonly SettingGroup[] = ['organization', 'system', 'ledger', 'general', 'billing'];
/** Matches the server's limit (512 KB); checked here too so nobody waits for an upload that will be refused. */
const MAX_IMAGE_BYTES = 512 * 1024;
const COMMON_LOCALES = ['nb-NO', 'nn-NO', 'en-GB', 'en-US', 'sv-SE', 'da-DK', 'fi-FI', 'is-IS', 'de-DE', 'nl-NL', 'fr-FR', 'es-ES', 'pl-PL'];

const supported = (kind: 'timeZone' | 'currency'): string[] => {
  try {
    return Intl.supportedValuesOf(kind);
  } catch {
    return [];
  }
};

const displayName = (language: Language, type: 'currency' | 'language', code: string): string | undefined => {
  try {
    return new Intl.DisplayNames([language === 'nb' ? 'nb' : 'en'], { type }).of(code);
  } catch {
    return undefined;
  }
};

/** The current value as the settings list shows it. */
const ValueView = ({ setting, t }: { setting: Setting; t: Translate }) => {
  const fmt = useFormat();
  const { language } = useLanguage();
  const v = setting.value;
  const notSet = (
    <Text size="sm" c="dimmed" fs="italic">
      {t('settings.notSet')}
    </Text>
  );
  if (v === null || v === undefined || v === '') return notSet;
  switch (setting.type) {
    case 'boolean':
      return <Badge color={v ? 'guild' : 'gray'}>{v ? t('settings.on') : t('settings.off')}</Badge>;
    case 'image':
      return <Image src={String(v)} alt="" h={36} w="auto" maw={160} fit="contain" radius="sm" />;
    case 'money':
      return <Text size="sm">{fmt.moneyText(String(v))}</Text>;
    case 'currency': {
      const name = displayName(language, 'currency', String(v));
      return (
        <Text size="sm">
          {String(v)}
          {name && <Text span c="dimmed"> · {name}</Text>}
        </Text>
      );
    }
    case 'locale': {
      const name = displayName(language, 'language', String(v));
      return (
        <Text size="sm">
          {String(v)}
          {name && <Text span c="dimmed"> · {name}</Text>}
        </Text>
      );
    }
    case 'gl_account':
      return <Text className="gh-mono">{String(v)}</Text>;
    case 'text':
      return (
        <Text size="sm" style={{ whiteSpace: 'pre-line' }} lineClamp={3}>
          {String(v)}
        </Text>
      );
    case 'integer':
      return <Text size="sm">{fmt.number(Number(v))}</Text>;
    default:
      return (
        <Text size="sm" truncate maw={360}>
          {String(v)}
        </Text>
      );
  }
};

const readAsDataUrl = (file: File): Promise<string> =>
  new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('The file could not be read.'));
    reader.readAsDataURL(file);
  });

type Draft = string | number | boolean | null;

/** The input that fits the setting's type. */
const ValueInput = ({ setting, label, value, onChange, error, t }: { setting: Setting; label: string; value: Draft; onChange: (v: Draft) => void; error: string | null; t: Translate }) => {
  const { language } = useLanguage();
  const [fileError, setFileError] = useState<string | null>(null);
  const common = { label, error, 'data-autofocus': true } as const;
  const timeZones = useMemo(() => (setting.type === 'time_zone' ? supported('timeZone') : []), [setting.type]);
  const currencies = useMemo(() => (setting.type === 'currency' ? supported('currency') : []), [setting.type]);
  const withCurrent = (list: string[]) => (typeof value === 'string' && value && !list.includes(value) ? [value, ...list] : list);

  switch (setting.type) {
    case 'boolean':
      return <Switch label={label} checked={Boolean(value)} onChange={(e) => onChange(e.currentTarget.checked)} error={error} size="md" />;
    case 'integer':
      return <NumberInput {...common} value={typeof value === 'number' ? value : String(value ?? '')} onChange={(v) => onChange(typeof v === 'number' ? v : v === '' ? '' : Number(v))} allowDecimal={false} thousandSeparator=" " />;
    case 'decimal':
    case 'money':
      return <TextInput {...common} inputMode="decimal" value={String(value ?? '')} onChange={(e) => onChange(e.currentTarget.value)} />;
    case 'text':
      return <Textarea {...common} autosize minRows={3} maxRows={10} value={String(value ?? '')} onChange={(e) => onChange(e.currentTarget.value)} />;
    case 'list':
      return <Select {...common} data={setting.options ?? []} value={String(value ?? '')} onChange={(v) => onChange(v ?? '')} allowDeselect={false} comboboxProps={{ withinPortal: true }} />;
    case 'time_zone':
      return <Select {...common} searchable data={withCurrent(setting.options ?? timeZones)} value={String(value ?? '')} onChange={(v) => onChange(v ?? '')} allowDeselect={false} limit={200} comboboxProps={{ withinPortal: true }} />;
    case 'currency':
      return (
        <Select
          {...common}
          searchable
          data={withCurrent(setting.options ?? currencies).map((c) => ({ value: c, label: `${c}${displayName(language, 'currency', c) ? ` — ${displayName(language, 'currency', c)}` : ''}` }))}
          value={String(value ?? '')}
          onChange={(v) => onChange(v ?? '')}
          allowDeselect={false}
          limit={200}
          comboboxProps={{ withinPortal: true }}
        />
      );
    case 'locale':
      return <Autocomplete {...common} data={setting.options ?? COMMON_LOCALES} value={String(value ?? '')} onChange={(v) => onChange(v)} comboboxProps={{ withinPortal: true }} />;
    case 'email':
      return <TextInput {...common} type="email" value={String(value ?? '')} onChange={(e) => onChange(e.currentTarget.value)} />;
    case 'gl_account':
      return <TextInput {...common} placeholder="NNNNN-NNNN" className="gh-mono" value={String(value ?? '')} onChange={(e) => onChange(e.currentTarget.value)} />;
    case 'image':
      return (
        <Stack gap="xs">
          <Text size="sm" fw={500}>
            {label}
          </Text>
          <Paper withBorder p="md" bg="gray.0">
            <Group justify="center" mih={80}>
              {value ? <Image src={String(value)} alt="" mah={120} w="auto" maw="100%" fit="contain" data-testid="logo-preview" /> : <Text c="dimmed" size="sm">{t('settings.notSet')}</Text>}
            </Group>
          </Paper>
          <Group gap="xs">
            <FileButton
              accept="image/png,image/jpeg,image/svg+xml"
              onChange={async (file) => {
                if (!file) return;
                if (file.size > MAX_IMAGE_BYTES) return setFileError(t('settings.logoTooBig'));
                setFileError(null);
                onChange(await readAsDataUrl(file));
              }}
            >
              {(props) => (
                <Button variant="default" size="xs" {...props}>
                  {t('settings.uploadLogo')}
                </Button>
              )}
            </FileButton>
            {value && (
              <Button variant="subtle" color="red" size="xs" onClick={() => onChange(null)}>
                {t('settings.removeLogo')}
              </Button>
            )}
          </Group>
          <Text size="xs" c={fileError || error ? 'red' : 'dimmed'}>
            {fileError ?? error ?? t('settings.logoHint')}
          </Text>
        </Stack>
      );
    default:
      return <TextInput {...common} value={String(value ?? '')} onChange={(e) => onChange(e.currentTarget.value)} />;
  }
};

const EditSetting = ({ setting, onClose }: { setting: Setting; onClose: () => void }) => {
  const t = useT();
  const { language } = useLanguage();
  const queryClient = useQueryClient();
  const text = settingText(setting, language);
  const [draft, setDraft] = useState<Draft>(setting.value === undefined ? null : (setting.value as Draft));
  const [error, setError] = useState<string | null>(null);
  // `value: null` puts a setting back to its default.
  const save = useMutation({
    mutationFn: (value: Draft) => api.patch<Setting>(`/settings/${encodeURIComponent(setting.key)}`, { value: value === '' && setting.type === 'image' ? null : value }),
    meta: { inline: true },
    onSuccess: async () => {
      await Promise.all([queryClient.invalidateQueries({ queryKey: ['settings'] }), queryClient.invalidateQueries({ queryKey: ['organization'] })]);
      notifySuccess(t('settings.saved', { label: text.label }));
      onClose();
    },
    onError: (e) => setError(e.message),
  });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        setError(null);
        save.mutate(draft);
      }}
    >
      <Stack>
        <Text size="sm" c="dimmed">
          {text.description}
        </Text>
        <ValueInput setting={setting} label={text.label} value={draft} onChange={(v) => { setDraft(v); setError(null); }} error={setting.type === 'image' ? null : error} t={t} />
        {setting.type === 'image' && error && (
          <Alert color="red" variant="light">
            {error}
          </Alert>
        )}
        <Group justify="space-between">
          <div>
            {setting.updatedAt && setting.type !== 'image' && (
              <Button variant="subtle" color="gray" onClick={() => save.mutate(null)} disabled={save.isPending}>
                {t('settings.reset')}
              </Button>
            )}
          </div>
          <Group gap="sm">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending}>
              {t('common.save')}
            </Button>
          </Group>
        </Group>
      </Stack>
    </form>
  );
};

const SettingRow = ({ setting, canEdit, onEdit }: { setting: Setting; canEdit: boolean; onEdit: () => void }) => {
  const t = useT();
  const fmt = useFormat();
  const { language } = useLanguage();
  const text = settingText(setting, language);
  const editable = canEdit && !setting.readOnly;
  const body: ReactNode = (
    <Group justify="space-between" wrap="nowrap" align="flex-start" gap="xl" px="lg" py="md">
      <Box style={{ flex: 1, minWidth: 0 }}>
        <Group gap={8} mb={2}>
          <Text fw={600} size="sm">
            {text.label}
          </Text>
          <Badge size="xs" color="gray" variant="light" tt="none" ff="monospace">
            {setting.type}
          </Badge>
          {setting.readOnly && (
            <Badge size="xs" color="gray" variant="outline" leftSection={<IconLock size={10} />}>
              {t('settings.readOnly')}
            </Badge>
          )}
        </Group>
        <Text size="xs" c="dimmed" maw={620}>
          {text.description}
        </Text>
        {setting.updatedAt && (
          <Text size="xs" c="dimmed" mt={4} opacity={0.8}>
            {setting.updatedBy ? t('settings.updated', { when: fmt.dateTime(setting.updatedAt), who: setting.updatedBy }) : t('settings.updatedNoWho', { when: fmt.dateTime(setting.updatedAt) })}
          </Text>
        )}
      </Box>
      <Group gap="md" wrap="nowrap" justify="flex-end" style={{ flexShrink: 0, maxWidth: '45%' }}>
        <Box ta="right" data-testid={`setting-value-${setting.key}`}>
          <ValueView setting={setting} t={t} />
        </Box>
        <Box w={18} c="dimmed">
          {editable && <IconEdit size={16} />}
        </Box>
      </Group>
    </Group>
  );
  return editable ? (
    <UnstyledButton onClick={onEdit} w="100%" aria-label={t('settings.edit', { label: text.label })} data-setting={setting.key} className="gh-setting-row">
      {body}
    </UnstyledButton>
  ) : (
    <Box data-setting={setting.key}>{body}</Box>
  );
};

export const SettingsPage = () => {
  const t = useT();
  const can = useCan();
  const { language } = useLanguage();
  const [search, setSearch] = useUrlSearch((raw) => ({ group: oneOf(raw.group, GROUPS) ?? 'organization' }));
  const settings = useQuery({ queryKey: ['settings'], queryFn: () => api.get<{ items: Setting[] }>('/settings') });
  const [editing, setEditing] = useState<Setting | null>(null);
  const canEdit = can('settings', 'update');
  const items = settings.data?.items ?? [];
  return (
    <Page title={t('settings.title')} intro={t('settings.intro')}>
      <Tabs value={search.group} onChange={(g) => setSearch({ group: g === 'organization' ? undefined : (g ?? undefined) })} keepMounted={false}>
        <Tabs.List mb="md">
          {GROUPS.map((g) => (
            <Tabs.Tab
              key={g}
              value={g}
              rightSection={
                settings.data ? (
                  <Badge size="xs" variant="light" color="gray" circle>
                    {items.filter((s) => s.group === g).length}
                  </Badge>
                ) : undefined
              }
            >
              {t(`settings.group.${g}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {GROUPS.map((g) => (
          <Tabs.Panel key={g} value={g}>
            {settings.error ? (
              <ErrorState error={settings.error} onRetry={() => void settings.refetch()} />
            ) : (
              <Paper withBorder style={{ overflow: 'hidden' }}>
                <Stack gap={0} className="gh-setting-list">
                  {settings.isPending
                    ? Array.from({ length: 5 }, (_, i) => (
                        <Box key={i} px="lg" py="md">
                          <Skeleton h={12} w="30%" mb={8} />
                          <Skeleton h={10} w="60%" />
                        </Box>
                      ))
                    : items
                        .filter((s) => s.group === g)
                        .map((s) => <SettingRow key={s.key} setting={s} canEdit={canEdit} onEdit={() => setEditing(s)} />)}
                  {settings.data && items.filter((s) => s.group === g).length === 0 && (
                    <Text c="dimmed" size="sm" p="lg">
                      {t('settings.emptyGroup')}
                    </Text>
                  )}
                </Stack>
              </Paper>
            )}
          </Tabs.Panel>
        ))}
      </Tabs>
      <Modal opened={editing !== null} onClose={() => setEditing(null)} title={editing && <Text fw={600}>{t('settings.edit', { label: settingText(editing, language).label })}</Text>} size="lg">
        {editing && <EditSetting key={editing.key} setting={editing} onClose={() => setEditing(null)} />}
        {editing && <RecordHistory entityType="setting" entityId={editing.key} />}
      </Modal>
    </Page>
  );
};
