import { useState, type ReactNode } from 'react';
import {
  Alert,
  Anchor,
  Badge,
  Box,
  Button,
  Center,
  DataList,
  Grid,
  Group,
  Loader,
  Menu,
  Modal,
  Paper,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useParams, useRouter } from '@tanstack/react-router';
import { api, downloadUrl } from '../ui/api.ts';
import { ErrorState, FormError, ModalForm } from '../ui/components.tsx';
import { useFormat } from '../ui/format.ts';
import {
  IconAlert,
  IconBuilding,
  IconChevronDown,
  IconDownload,
  IconEdit,
  IconEraser,
  IconFields,
  IconFile,
  IconHome,
  IconNote,
  IconShield,
  IconTrash,
  IconUser,
  IconUsersGroup,
  IconWallet,
  IconBilling,
  IconPayments,
} from '../ui/icons.tsx';
import { useLanguage, useT, type Translate } from '../ui/language.tsx';
import { notifySuccess } from '../ui/notify.tsx';
import { RecordHistory } from '../ui/record-history.tsx';
import { useCan } from '../ui/session.ts';
import { Card, ConsentsCard, ContactForCard, HouseholdCard, Muted, OrganizationContactsCard, PayerCard } from './contact-sections.tsx';
import { BackLink, countryName, KindBadge, memberNo, useContact, useCustomFields, useInvalidateContacts } from './shared.tsx';
import type { Contact, CustomField, FieldValue } from './types.ts';
import { ChargesCard, SubscriptionsCard } from '../subscriptions/subscriptions-section.tsx';
import { BalanceCard } from '../payments/contact-balance.tsx';

const icon = (I: (p: { size?: number }) => ReactNode) => (
  <Box c="guild.7" style={{ display: 'flex' }}>
    <I size={17} />
  </Box>
);

const Item = ({ label, children }: { label: string; children: ReactNode }) => (
  <DataList.Item>
    <DataList.ItemLabel>{label}</DataList.ItemLabel>
    <DataList.ItemValue>{children}</DataList.ItemValue>
  </DataList.Item>
);

const orNone = (v: string | null | undefined) => (v && v.trim() !== '' ? v : '—');

const DetailsCard = ({ c, t }: { c: Contact; t: Translate }) => {
  const fmt = useFormat();
  const { language } = useLanguage();
  const personName = [c.salutation, c.firstNames, c.initial, c.lastName].filter(Boolean).join(' ');
  const address = [...c.addressLines, [c.postcode, c.place].filter(Boolean).join(' '), c.region ?? '', c.country ? (countryName(language, c.country) ?? c.country) : '']
    .filter((l) => l && l.trim() !== '')
    .join('\n');
  return (
    <Card title={t('contacts.section.details')} icon={icon(c.kind === 'person' ? IconUser : IconBuilding)} testId="contact-details">
      <DataList labelWidth={150} size="sm" gap={8}>
        {c.kind === 'person' ? (
          <>
            <Item label={t('common.name')}>{orNone(personName)}</Item>
            <Item label={t('contacts.field.birthDate')}>{c.birthDate ? fmt.date(c.birthDate) : '—'}</Item>
            {c.gender && <Item label={t('contacts.field.gender')}>{['female', 'male', 'other'].includes(c.gender) ? t(`contacts.gender.${c.gender as 'female' | 'male' | 'other'}`) : c.gender}</Item>}
          </>
        ) : (
          <>
            <Item label={t('contacts.field.orgName')}>{orNone(c.orgName)}</Item>
            <Item label={t('contacts.field.orgNumber')}>{orNone(c.orgNumber)}</Item>
            <Item label={t('contacts.field.vatNumber')}>{orNone(c.vatNumber)}</Item>
          </>
        )}
        <Item label={t('common.email')}>
          {c.email ? (
            <Group gap={6}>
              <Anchor size="sm" href={`mailto:${c.email}`}>
                {c.email}
              </Anchor>
              {c.pseudoEmail && (
                <Badge size="xs" color="orange" variant="light" title={t('contacts.pseudoEmailHint')}>
                  {t('contacts.pseudoEmail')}
                </Badge>
              )}
            </Group>
          ) : (
            '—'
          )}
        </Item>
        <Item label={t('contacts.field.phoneMobile')}>{orNone(c.phoneMobile)}</Item>
        {c.phoneHome && <Item label={t('contacts.field.phoneHome')}>{c.phoneHome}</Item>}
        {c.phoneWork && <Item label={t('contacts.field.phoneWork')}>{c.phoneWork}</Item>}
        <Item label={t('contacts.section.address')}>
          <Text size="sm" style={{ whiteSpace: 'pre-line' }}>
            {address || '—'}
          </Text>
        </Item>
        <Item label={t('contacts.field.invoiceDelivery')}>{c.invoiceDelivery === 'print' ? t('contacts.delivery.print') : t('contacts.delivery.email')}</Item>
        <Item label={t('lang.label')}>{c.language === 'nb' ? 'Norsk' : c.language === 'en' ? 'English' : '—'}</Item>
      </DataList>
    </Card>
  );
};

const fieldValueText = (f: CustomField, v: FieldValue | undefined, t: Translate, date: (d: string) => string): string => {
  if (v === null || v === undefined || v === '') return '—';
  if (f.type === 'boolean') return v === true || v === 'true' ? t('common.yes') : t('common.no');
  if (f.type === 'date' && typeof v === 'string') return date(v);
  return String(v);
};

const CustomFieldsCard = ({ c, t }: { c: Contact; t: Translate }) => {
  const fmt = useFormat();
  const fields = useCustomFields();
  const list = (fields.data ?? []).filter((f) => (f.appliesTo === 'both' || f.appliesTo === c.kind) && (!f.archived || c.customFields[f.key] != null)).sort((a, b) => a.position - b.position);
  if (list.length === 0) return null;
  return (
    <Card title={t('contacts.section.customFields')} icon={icon(IconFields)} testId="contact-custom-fields">
      <DataList labelWidth={150} size="sm" gap={8}>
        {list.map((f) => (
          <Item key={f.key} label={f.label}>
            <Text size="sm" style={{ whiteSpace: 'pre-line' }}>
              {fieldValueText(f, c.customFields[f.key], t, fmt.date)}
            </Text>
          </Item>
        ))}
      </DataList>
    </Card>
  );
};

const NoteCard = ({ c, canEdit, t }: { c: Contact; canEdit: boolean; t: Translate }) => {
  const invalidate = useInvalidateContacts();
  const [editing, setEditing] = useState(false);
  const [note, setNote] = useState(c.note ?? '');
  const save = useMutation({
    mutationFn: () => api.patch(`/contacts/${c.id}`, { note: note.trim(), version: c.version }),
    meta: { inline: true },
    onSuccess: async () => {
      await invalidate();
      setEditing(false);
    },
  });
  return (
    <Card
      title={t('contacts.field.note')}
      icon={icon(IconNote)}
      testId="admin-note"
      actions={
        canEdit &&
        !editing && (
          <Button
            size="compact-sm"
            variant="subtle"
            color="gray"
            leftSection={<IconEdit size={14} />}
            onClick={() => {
              setNote(c.note ?? '');
              setEditing(true);
            }}
          >
            {t('common.edit')}
          </Button>
        )
      }
    >
      {editing ? (
        <Stack gap="xs">
          <FormError error={save.error} />
          <Textarea aria-label={t('contacts.field.note')} value={note} onChange={(e) => setNote(e.currentTarget.value)} autosize minRows={3} autoFocus />
          <Group justify="flex-end" gap="xs">
            <Button size="xs" variant="default" onClick={() => setEditing(false)}>
              {t('common.cancel')}
            </Button>
            <Button size="xs" loading={save.isPending} onClick={() => save.mutate()}>
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      ) : c.note ? (
        <Text size="sm" style={{ whiteSpace: 'pre-line' }}>
          {c.note}
        </Text>
      ) : (
        <Muted>{t('contacts.noteEmpty')}</Muted>
      )}
      <Text size="xs" c="dimmed" mt="xs">
        {t('contacts.field.noteHint')}
      </Text>
    </Card>
  );
};

// ---------------------------------------------------------------- actions

const SummaryModal = ({ id, onClose }: { id: string; onClose: () => void }) => {
  const t = useT();
  const summary = useQuery({ queryKey: ['contacts', 'one', id, 'personal-data-summary'], queryFn: () => api.text(`/contacts/${id}/personal-data.txt`), staleTime: 0 });
  return (
    <Modal opened onClose={onClose} size="xl" title={<Text fw={600}>{t('contacts.gdpr.summaryTitle')}</Text>}>
      {summary.error ? (
        <ErrorState error={summary.error} />
      ) : summary.data === undefined ? (
        <Loader size="sm" />
      ) : (
        <Stack>
          <Paper withBorder p="md" bg="gray.0" mah="60vh" style={{ overflow: 'auto' }}>
            <pre className="gh-pre" data-testid="personal-data-summary">
              {summary.data}
            </pre>
          </Paper>
          <Group justify="flex-end">
            <Button variant="default" component="a" href={downloadUrl(`/contacts/${id}/personal-data.txt`)} download leftSection={<IconDownload size={15} />}>
              {t('contacts.gdpr.downloadText')}
            </Button>
            <Button component="a" href={downloadUrl(`/contacts/${id}/personal-data`)} download leftSection={<IconDownload size={15} />}>
              {t('contacts.gdpr.downloadJson')}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
};

const EraseModal = ({ c, onClose }: { c: Contact; onClose: () => void }) => {
  const t = useT();
  const invalidate = useInvalidateContacts();
  const [reason, setReason] = useState('');
  const [typed, setTyped] = useState('');
  const matches = typed.trim() === c.displayName.trim();
  const erase = useMutation({
    mutationFn: () => api.post(`/contacts/${c.id}/erase`, { confirm: true, reason: reason.trim() }),
    meta: { inline: true },
    onSuccess: async () => {
      await invalidate();
      notifySuccess(t('contacts.gdpr.erased'));
      onClose();
    },
  });
  return (
    <Modal opened onClose={onClose} title={<Text fw={600}>{t('contacts.gdpr.eraseTitle')}</Text>}>
      <ModalForm onSubmit={() => erase.mutate()} onCancel={onClose} error={erase.error} busy={erase.isPending} submitLabel={t('contacts.gdpr.eraseSubmit')} submitDisabled={!matches || !reason.trim()}>
        <Alert color="red" variant="light" icon={<IconAlert size={16} />}>
          <Text size="sm">{t('contacts.gdpr.eraseExplain')}</Text>
        </Alert>
        <Textarea label={t('contacts.gdpr.reason')} placeholder={t('contacts.gdpr.reasonHint')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} required autosize minRows={2} data-autofocus />
        <TextInput
          label={t('contacts.gdpr.typeName', { name: c.displayName })}
          value={typed}
          onChange={(e) => setTyped(e.currentTarget.value)}
          required
          error={typed && !matches ? t('contacts.gdpr.nameMismatch') : undefined}
          autoComplete="off"
        />
      </ModalForm>
    </Modal>
  );
};

const DeleteModal = ({ c, onClose }: { c: Contact; onClose: () => void }) => {
  const t = useT();
  const router = useRouter();
  const invalidate = useInvalidateContacts();
  const del = useMutation({
    mutationFn: () => api.del(`/contacts/${c.id}`),
    meta: { inline: true },
    onSuccess: async () => {
      notifySuccess(t('contacts.deleted', { name: c.displayName }));
      await router.navigate({ href: '/contacts' });
      await invalidate();
    },
  });
  return (
    <Modal opened onClose={onClose} title={<Text fw={600}>{t('common.confirm')}</Text>} size="sm">
      <ModalForm onSubmit={() => del.mutate()} onCancel={onClose} error={del.error} busy={del.isPending} submitLabel={t('common.delete')}>
        <Text size="sm">{t('contacts.deleteConfirm', { name: c.displayName })}</Text>
      </ModalForm>
    </Modal>
  );
};

// ---------------------------------------------------------------- page

export const ContactPage = () => {
  const t = useT();
  const fmt = useFormat();
  const can = useCan();
  const router = useRouter();
  const { id } = useParams({ strict: false }) as { id: string };
  const contact = useContact(id);
  const [dialog, setDialog] = useState<'summary' | 'erase' | 'delete' | null>(null);
  if (contact.error) {
    return (
      <Box maw={1280} mx="auto">
        <ErrorState error={contact.error} onRetry={() => void contact.refetch()} />
      </Box>
    );
  }
  if (!contact.data) {
    return (
      <Center h="50vh">
        <Loader color="guild" />
      </Center>
    );
  }
  const c = contact.data;
  const erased = c.status === 'erased';
  const canEdit = can('contacts', 'update') && !erased;
  const close = () => setDialog(null);
  return (
    <Box maw={1280} mx="auto" data-testid="contact-page">
      <BackLink href="/contacts" label={t('contacts.title')} />
      <Group justify="space-between" align="flex-start" mb="lg" gap="md" wrap="wrap">
        <Box>
          <Group gap="sm" align="center">
            <Title order={1} fz={24} lh={1.25}>
              {c.displayName}
            </Title>
            <KindBadge kind={c.kind} t={t} />
            {erased && (
              <Badge color="red" variant="light">
                {t('contacts.erasedBadge')}
              </Badge>
            )}
          </Group>
          <Group gap={6} mt={6}>
            <Text size="sm" c="dimmed" className="gh-mono" data-testid="member-number">
              {memberNo(c.memberNumber)}
            </Text>
            <Text size="sm" c="dimmed">
              · {t('contacts.since', { date: fmt.date(c.createdAt) })}
            </Text>
            {c.tags.map((tag) => (
              <Badge key={tag} size="sm" variant="light" color="gray">
                {tag}
              </Badge>
            ))}
          </Group>
        </Box>
        <Group gap="sm">
          {canEdit && (
            <Button leftSection={<IconEdit size={16} />} onClick={() => void router.navigate({ href: `/contacts/${c.id}/edit` })}>
              {t('common.edit')}
            </Button>
          )}
          <Menu position="bottom-end" width={260} shadow="md">
            <Menu.Target>
              <Button variant="default" rightSection={<IconChevronDown size={12} />}>
                {t('contacts.more')}
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Label>{t('contacts.gdpr.title')}</Menu.Label>
              <Menu.Item leftSection={<IconFile size={15} />} onClick={() => setDialog('summary')}>
                {t('contacts.gdpr.viewSummary')}
              </Menu.Item>
              <Menu.Item leftSection={<IconDownload size={15} />} component="a" href={downloadUrl(`/contacts/${c.id}/personal-data`)} download>
                {t('contacts.gdpr.downloadJson')}
              </Menu.Item>
              {canEdit && (
                <>
                  <Menu.Divider />
                  <Menu.Item leftSection={<IconEraser size={15} />} color="red" onClick={() => setDialog('erase')}>
                    {t('contacts.gdpr.erase')}
                  </Menu.Item>
                  <Menu.Item leftSection={<IconTrash size={15} />} color="red" onClick={() => setDialog('delete')}>
                    {t('common.delete')}
                  </Menu.Item>
                </>
              )}
            </Menu.Dropdown>
          </Menu>
        </Group>
      </Group>
      {erased && (
        <Alert color="gray" variant="light" icon={<IconEraser size={16} />} mb="md">
          {t('contacts.erasedNotice')}
        </Alert>
      )}
      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Stack gap="md">
            <DetailsCard c={c} t={t} />
            <CustomFieldsCard c={c} t={t} />
            {can('billing', 'read') && !erased && (
              <>
                <SubscriptionsCard contactId={c.id} contactName={c.displayName} canEdit={can('billing', 'update')} icon={icon(IconBilling)} />
                <ChargesCard contactId={c.id} canEdit={can('billing', 'update')} icon={icon(IconWallet)} />
              </>
            )}
            {c.kind === 'organization' ? (
              <OrganizationContactsCard contact={c} canEdit={canEdit} icon={icon(IconUsersGroup)} />
            ) : (
              <ContactForCard contact={c} icon={icon(IconBuilding)} />
            )}
            <ConsentsCard contact={c} canEdit={canEdit} icon={icon(IconShield)} />
            <Paper withBorder p="md" pt={4}>
              <RecordHistory entityType="contact" entityId={c.id} />
            </Paper>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Stack gap="md">
            {c.kind === 'person' && <HouseholdCard contact={c} canEdit={canEdit} icon={icon(IconHome)} />}
            {can('payments', 'read') && !erased && <BalanceCard contactId={c.id} icon={icon(IconPayments)} />}
            <PayerCard contact={c} canEdit={canEdit} icon={icon(IconWallet)} />
            <NoteCard key={c.version} c={c} canEdit={canEdit} t={t} />
            <Text size="xs" c="dimmed" px={4}>
              {t('contacts.lastChanged', { when: fmt.dateTime(c.updatedAt) })}
            </Text>
          </Stack>
        </Grid.Col>
      </Grid>
      {dialog === 'summary' && <SummaryModal id={c.id} onClose={close} />}
      {dialog === 'erase' && <EraseModal c={c} onClose={close} />}
      {dialog === 'delete' && <DeleteModal c={c} onClose={close} />}
    </Box>
  );
};
