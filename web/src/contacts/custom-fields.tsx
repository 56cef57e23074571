import { useState } from 'react';
import {
  ActionIcon,
  Badge,
  Box,
  Button,
  EmptyState,
  Group,
  Input,
  Modal,
  NumberInput,
  Paper,
  Radio,
  SegmentedControl,
  Select,
  Skeleton,
  Stack,
  Switch,
  Table,
  TagsInput,
  Text,
  Textarea,
  TextInput,
  Tooltip,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../ui/api.ts';
import { ConfirmButton, ErrorState, ModalForm, Page } from '../ui/components.tsx';
import { IconEdit, IconFields, IconPlus } from '../ui/icons.tsx';
import { useT, type Translate } from '../ui/language.tsx';
import { notifySuccess } from '../ui/notify.tsx';
import { useCan } from '../ui/session.ts';
import { BackLink, useCustomFields } from './shared.tsx';
import { FIELD_APPLIES, FIELD_TYPES, FIELD_VISIBILITIES, type CustomField, type FieldAppliesTo, type FieldType, type FieldVisibility } from './types.ts';

/** "Parking place" → "parking_place": the key imports and the API use. */
export const slugOf = (label: string): string =>
  label
    .toLowerCase()
    .replace(/æ/g, 'ae')
    .replace(/ø/g, 'o')
    .replace(/å/g, 'a')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .replace(/^(\d)/, 'f_$1')
    .slice(0, 40);

const KEY = /^[a-z][a-z0-9_]*$/;

export const typeLabel = (t: Translate, type: FieldType) => t(`contacts.fields.type.${type}`);

const FieldForm = ({ field, onClose, nextPosition }: { field: CustomField | null; onClose: () => void; nextPosition: number }) => {
  const t = useT();
  const queryClient = useQueryClient();
  const [label, setLabel] = useState(field?.label ?? '');
  const [key, setKey] = useState(field?.key ?? '');
  const [keyEdited, setKeyEdited] = useState(Boolean(field));
  const [description, setDescription] = useState(field?.description ?? '');
  const [type, setType] = useState<FieldType>(field?.type ?? 'text');
  const [options, setOptions] = useState<string[]>(field?.options ?? []);
  const [visibility, setVisibility] = useState<FieldVisibility>(field?.visibility ?? 'staff');
  const [applies, setApplies] = useState<FieldAppliesTo>(field?.appliesTo ?? 'both');
  const [required, setRequired] = useState(field?.required ?? false);
  const [position, setPosition] = useState<number>(field?.position ?? nextPosition);
  const effectiveKey = keyEdited ? key : slugOf(label);
  const keyError = effectiveKey && !KEY.test(effectiveKey) ? t('contacts.fields.keyInvalid') : undefined;
  const optionsError = type === 'choice' && options.length === 0 ? t('contacts.fields.optionsRequired') : undefined;
  const save = useMutation({
    mutationFn: () => {
      const body = {
        label: label.trim(),
        description: description.trim(),
        visibility,
        appliesTo: applies,
        required,
        position,
        ...(type === 'choice' ? { options } : {}),
      };
      return field ? api.patch<CustomField>(`/custom-fields/${field.id}`, body) : api.post<CustomField>('/custom-fields', { ...body, key: effectiveKey, type });
    },
    meta: { inline: true },
    onSuccess: async (saved) => {
      await queryClient.invalidateQueries({ queryKey: ['custom-fields'] });
      notifySuccess(t('settings.saved', { label: saved.label }));
      onClose();
    },
  });
  return (
    <ModalForm
      onSubmit={() => save.mutate()}
      onCancel={onClose}
      error={save.error}
      busy={save.isPending}
      submitLabel={field ? t('common.save') : t('common.create')}
      submitDisabled={!label.trim() || !effectiveKey || Boolean(keyError) || Boolean(optionsError)}
    >
      <Group grow align="flex-start">
        <TextInput label={t('contacts.fields.label')} value={label} onChange={(e) => setLabel(e.currentTarget.value)} required data-autofocus />
        <TextInput
          label={t('contacts.fields.key')}
          description={field ? t('contacts.fields.keyFixed') : t('contacts.fields.keyHint')}
          value={effectiveKey}
          onChange={(e) => {
            setKeyEdited(true);
            setKey(e.currentTarget.value);
          }}
          disabled={Boolean(field)}
          error={keyError}
          classNames={{ input: 'gh-mono' }}
          required
        />
      </Group>
      <Textarea label={t('common.description')} description={t('contacts.fields.descriptionHint')} value={description} onChange={(e) => setDescription(e.currentTarget.value)} autosize minRows={1} />
      <Group grow align="flex-start">
        <Select
          label={t('common.type')}
          data={FIELD_TYPES.map((ft) => ({ value: ft, label: typeLabel(t, ft) }))}
          value={type}
          onChange={(v) => v && setType(v as FieldType)}
          allowDeselect={false}
          disabled={Boolean(field)}
          description={field ? t('contacts.fields.typeFixed') : undefined}
          comboboxProps={{ withinPortal: true }}
        />
        <NumberInput label={t('contacts.fields.position')} description={t('contacts.fields.positionHint')} value={position} onChange={(v) => setPosition(typeof v === 'number' ? v : Number(v) || 0)} min={0} step={10} />
      </Group>
      {type === 'choice' && (
        <TagsInput
          label={t('contacts.fields.options')}
          description={t('contacts.fields.optionsHint')}
          value={options}
          onChange={setOptions}
          error={optionsError}
          required
          clearable
          splitChars={[',', ';']}
        />
      )}
      <Radio.Group label={t('contacts.fields.visibility')} value={visibility} onChange={(v) => setVisibility(v as FieldVisibility)}>
        <Stack gap={6} mt={6}>
          {FIELD_VISIBILITIES.map((v) => (
            <Radio key={v} value={v} label={t(`contacts.fields.visibility.${v}`)} description={t(`contacts.fields.visibilityHint.${v}`)} />
          ))}
        </Stack>
      </Radio.Group>
      <Input.Wrapper label={t('contacts.fields.appliesTo')}>
        <SegmentedControl
          fullWidth
          aria-label={t('contacts.fields.appliesTo')}
          value={applies}
          onChange={(v) => setApplies(v as FieldAppliesTo)}
          data={FIELD_APPLIES.map((a) => ({ value: a, label: t(`contacts.fields.applies.${a}`) }))}
        />
      </Input.Wrapper>
      <Switch label={t('contacts.fields.required')} description={t('contacts.fields.requiredHint')} checked={required} onChange={(e) => setRequired(e.currentTarget.checked)} />
    </ModalForm>
  );
};

export const CustomFieldsPage = () => {
  const t = useT();
  const can = useCan();
  const canEdit = can('contacts', 'update');
  const queryClient = useQueryClient();
  const fields = useCustomFields();
  const [showArchived, setShowArchived] = useState(false);
  const [editing, setEditing] = useState<CustomField | 'new' | null>(null);
  const restore = useMutation({
    mutationFn: (f: CustomField) => api.patch(`/custom-fields/${f.id}`, { archived: false }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['custom-fields'] }),
  });
  const all = [...(fields.data ?? [])].sort((a, b) => a.position - b.position || a.label.localeCompare(b.label));
  const rows = all.filter((f) => showArchived || !f.archived);
  const archivedCount = all.filter((f) => f.archived).length;
  const nextPosition = (all.reduce((m, f) => Math.max(m, f.position), 0) || 0) + 10;
  return (
    <>
    <BackLink href="/contacts" label={t('contacts.title')} />
    <Page
      title={t('contacts.fields.title')}
      intro={t('contacts.fields.intro')}
      actions={
        canEdit && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>
            {t('contacts.fields.new')}
          </Button>
        )
      }
    >
      {archivedCount > 0 && (
        <Group justify="flex-end" mb="sm">
          <Switch size="sm" label={t('contacts.fields.showArchived', { count: archivedCount })} checked={showArchived} onChange={(e) => setShowArchived(e.currentTarget.checked)} />
        </Group>
      )}
      {fields.error ? (
        <ErrorState error={fields.error} onRetry={() => void fields.refetch()} />
      ) : (
        <Paper withBorder style={{ overflow: 'hidden' }}>
          <Table.ScrollContainer minWidth={760} type="native">
            <Table className="gh-table" verticalSpacing={9} horizontalSpacing="md" data-testid="custom-fields-table" highlightOnHover={canEdit}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('contacts.fields.label')}</Table.Th>
                  <Table.Th>{t('common.type')}</Table.Th>
                  <Table.Th>{t('contacts.fields.appliesTo')}</Table.Th>
                  <Table.Th>{t('contacts.fields.visibility')}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {fields.isPending
                  ? Array.from({ length: 3 }, (_, i) => (
                      <Table.Tr key={i}>
                        {Array.from({ length: 5 }, (_, j) => (
                          <Table.Td key={j}>
                            <Skeleton h={12} w="60%" />
                          </Table.Td>
                        ))}
                      </Table.Tr>
                    ))
                  : rows.map((f) => (
                      <Table.Tr key={f.id} className={canEdit ? 'gh-clickable' : undefined} onClick={canEdit ? () => setEditing(f) : undefined} data-row={f.key}>
                        <Table.Td>
                          <Group gap={6}>
                            <Text size="sm" fw={600} c={f.archived ? 'dimmed' : undefined}>
                              {f.label}
                            </Text>
                            {f.required && (
                              <Badge size="xs" color="red" variant="light">
                                {t('contacts.fields.requiredBadge')}
                              </Badge>
                            )}
                            {f.archived && (
                              <Badge size="xs" color="gray">
                                {t('contacts.fields.archived')}
                              </Badge>
                            )}
                          </Group>
                          <Text size="xs" c="dimmed" className="gh-mono">
                            {f.key}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">{typeLabel(t, f.type)}</Text>
                          {f.type === 'choice' && f.options && (
                            <Text size="xs" c="dimmed" truncate maw={260}>
                              {f.options.join(' · ')}
                            </Text>
                          )}
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">{t(`contacts.fields.applies.${f.appliesTo}`)}</Text>
                        </Table.Td>
                        <Table.Td>
                          <Badge size="sm" variant="light" color={f.visibility === 'staff' ? 'gray' : f.visibility === 'member_visible' ? 'blue' : 'guild'}>
                            {t(`contacts.fields.visibility.${f.visibility}`)}
                          </Badge>
                        </Table.Td>
                        <Table.Td ta="right" onClick={(e) => e.stopPropagation()}>
                          {canEdit && (
                            <Group gap={4} justify="flex-end" wrap="nowrap">
                              <Tooltip label={t('common.edit')}>
                                <ActionIcon variant="subtle" color="gray" aria-label={`${t('common.edit')} ${f.label}`} onClick={() => setEditing(f)}>
                                  <IconEdit size={16} />
                                </ActionIcon>
                              </Tooltip>
                              {f.archived ? (
                                <Button size="compact-sm" variant="subtle" onClick={() => restore.mutate(f)} loading={restore.isPending && restore.variables?.id === f.id}>
                                  {t('contacts.fields.restore')}
                                </Button>
                              ) : (
                                <ConfirmButton
                                  message={t('contacts.fields.archiveConfirm', { label: f.label })}
                                  confirmLabel={t('contacts.fields.archive')}
                                  onConfirm={async () => {
                                    await api.del(`/custom-fields/${f.id}`);
                                    await queryClient.invalidateQueries({ queryKey: ['custom-fields'] });
                                    notifySuccess(t('contacts.fields.archivedNamed', { label: f.label }));
                                  }}
                                >
                                  {t('contacts.fields.archive')}
                                </ConfirmButton>
                              )}
                            </Group>
                          )}
                        </Table.Td>
                      </Table.Tr>
                    ))}
                {!fields.isPending && rows.length === 0 && (
                  <Table.Tr>
                    <Table.Td colSpan={5}>
                      <Box py={40}>
                        <EmptyState withIndicatorBackground icon={<IconFields size={24} />} title={t('contacts.fields.emptyTitle')} description={t('contacts.fields.emptyDescription')} />
                      </Box>
                    </Table.Td>
                  </Table.Tr>
                )}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        size="lg"
        title={<Text fw={600}>{editing === 'new' ? t('contacts.fields.new') : editing ? t('contacts.fields.editTitle', { label: editing.label }) : ''}</Text>}
      >
        {editing !== null && <FieldForm key={editing === 'new' ? 'new' : editing.id} field={editing === 'new' ? null : editing} onClose={() => setEditing(null)} nextPosition={nextPosition} />}
      </Modal>
    </Page>
    </>
  );
};
