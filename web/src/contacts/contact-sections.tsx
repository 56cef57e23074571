import { useState, type ReactNode } from 'react';
import {
  ActionIcon,
  Badge,
  Box,
  Button,
  Group,
  Input,
  Menu,
  Modal,
  Paper,
  SegmentedControl,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  Tooltip,
} from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { api } from '../ui/api.ts';
import { AppLink, ConfirmButton, ModalForm } from '../ui/components.tsx';
import { useFormat } from '../ui/format.ts';
import { IconDots, IconEdit, IconHistory, IconPlus, IconSend } from '../ui/icons.tsx';
import { useT, type Translate } from '../ui/language.tsx';
import { notifySuccess } from '../ui/notify.tsx';
import { ContactPicker, useInvalidateContacts } from './shared.tsx';
import { CONSENT_KINDS, type ConsentEntry, type ConsentKind, type Contact, type OrgContactRole, type OrgContactStatus } from './types.ts';

/** A titled card on the contact page, with its actions on the right. */
export const Card = ({ title, icon, actions, children, testId }: { title: string; icon?: ReactNode; actions?: ReactNode; children: ReactNode; testId?: string }) => (
  <Paper withBorder p="md" data-testid={testId}>
    <Group justify="space-between" mb="sm" gap="xs" wrap="nowrap">
      <Group gap={8} wrap="nowrap">
        {icon}
        <Title order={2} fz={15}>
          {title}
        </Title>
      </Group>
      {actions && (
        <Group gap={4} wrap="nowrap">
          {actions}
        </Group>
      )}
    </Group>
    {children}
  </Paper>
);

export const Muted = ({ children }: { children: ReactNode }) => (
  <Text size="sm" c="dimmed">
    {children}
  </Text>
);

const StatusBadge = ({ status, t }: { status: OrgContactStatus; t: Translate }) => (
  <Badge size="sm" variant="light" color={status === 'confirmed' ? 'green' : 'yellow'}>
    {t(status === 'confirmed' ? 'contacts.orgContacts.confirmed' : 'contacts.orgContacts.pending')}
  </Badge>
);

const RoleBadge = ({ role, t }: { role: OrgContactRole; t: Translate }) => (
  <Badge size="sm" variant="outline" color={role === 'administrative' ? 'guild' : 'gray'}>
    {t(role === 'administrative' ? 'contacts.orgContacts.administrative' : 'contacts.orgContacts.technical')}
  </Badge>
);

// ---------------------------------------------------------------- organization contacts

const AddOrgContact = ({ contact, onClose }: { contact: Contact; onClose: () => void }) => {
  const t = useT();
  const invalidate = useInvalidateContacts();
  const links = contact.organizationContacts ?? [];
  const hasAdmin = links.some((l) => l.role === 'administrative');
  const [role, setRole] = useState<OrgContactRole>(hasAdmin ? 'technical' : 'administrative');
  const [personId, setPersonId] = useState<string | null>(null);
  const [name, setName] = useState('');
  const add = useMutation({
    mutationFn: () => api.post(`/contacts/${contact.id}/organization-contacts`, { personId, role }),
    meta: { inline: true },
    onSuccess: async () => {
      await invalidate();
      notifySuccess(t('contacts.orgContacts.added', { name }));
      onClose();
    },
  });
  return (
    <ModalForm onSubmit={() => add.mutate()} onCancel={onClose} error={add.error} busy={add.isPending} submitLabel={t('contacts.orgContacts.addSubmit')} submitDisabled={!personId}>
      <Input.Wrapper label={t('contacts.orgContacts.role')} description={hasAdmin ? t('contacts.orgContacts.oneAdmin') : undefined} inputWrapperOrder={['label', 'input', 'description']}>
        <SegmentedControl
          fullWidth
          value={role}
          onChange={(v) => setRole(v as OrgContactRole)}
          data={[
            { value: 'administrative', label: t('contacts.orgContacts.administrative'), disabled: hasAdmin },
            { value: 'technical', label: t('contacts.orgContacts.technical') },
          ]}
        />
      </Input.Wrapper>
      <ContactPicker
        label={t('contacts.orgContacts.person')}
        kind="person"
        value={personId}
        onChange={(id, c) => {
          setPersonId(id);
          setName(c?.displayName ?? '');
        }}
        exclude={links.filter((l) => l.role === role).map((l) => l.personId)}
        required
        autoFocus
      />
      <Text size="xs" c="dimmed">
        {t('contacts.orgContacts.confirmHint')}
      </Text>
    </ModalForm>
  );
};

export const OrganizationContactsCard = ({ contact, canEdit, icon }: { contact: Contact; canEdit: boolean; icon: ReactNode }) => {
  const t = useT();
  const fmt = useFormat();
  const invalidate = useInvalidateContacts();
  const [adding, setAdding] = useState(false);
  const links = [...(contact.organizationContacts ?? [])].sort((a, b) => (a.role === b.role ? a.displayName.localeCompare(b.displayName) : a.role === 'administrative' ? -1 : 1));
  const resend = useMutation({
    mutationFn: (linkId: string) => api.post(`/contacts/${contact.id}/organization-contacts/${linkId}/resend`),
    onSuccess: () => notifySuccess(t('contacts.orgContacts.resent')),
  });
  return (
    <Card
      title={t('contacts.orgContacts.title')}
      icon={icon}
      testId="organization-contacts"
      actions={
        canEdit && (
          <Button size="compact-sm" variant="light" leftSection={<IconPlus size={14} />} onClick={() => setAdding(true)}>
            {t('contacts.orgContacts.add')}
          </Button>
        )
      }
    >
      {links.length === 0 ? (
        <Muted>{t('contacts.orgContacts.none')}</Muted>
      ) : (
        <Table verticalSpacing={6} horizontalSpacing="xs">
          <Table.Tbody>
            {links.map((l) => (
              <Table.Tr key={l.id} data-testid={`org-contact-${l.personId}`}>
                <Table.Td>
                  <AppLink href={`/contacts/${l.personId}`}>{l.displayName}</AppLink>
                  {l.email && (
                    <Text size="xs" c="dimmed">
                      {l.email}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <RoleBadge role={l.role} t={t} />
                </Table.Td>
                <Table.Td>
                  <StatusBadge status={l.status} t={t} />
                  <Text size="xs" c="dimmed" mt={2}>
                    {l.status === 'confirmed' ? t('contacts.orgContacts.confirmedAt', { when: fmt.date(l.confirmedAt) }) : t('contacts.orgContacts.invitedAt', { when: fmt.date(l.invitedAt) })}
                  </Text>
                </Table.Td>
                {canEdit && (
                  <Table.Td ta="right">
                    <Group gap={2} justify="flex-end" wrap="nowrap">
                      {l.status === 'pending' && (
                        <Tooltip label={t('contacts.orgContacts.resend')}>
                          <ActionIcon variant="subtle" color="gray" aria-label={`${t('contacts.orgContacts.resend')} ${l.displayName}`} loading={resend.isPending && resend.variables === l.id} onClick={() => resend.mutate(l.id)}>
                            <IconSend size={15} />
                          </ActionIcon>
                        </Tooltip>
                      )}
                      <ConfirmButton
                        variant="subtle"
                        size="compact-sm"
                        message={t('contacts.orgContacts.removeConfirm', { name: l.displayName })}
                        confirmLabel={t('contacts.remove')}
                        onConfirm={async () => {
                          await api.del(`/contacts/${contact.id}/organization-contacts/${l.id}`);
                          await invalidate();
                        }}
                      >
                        {t('contacts.remove')}
                      </ConfirmButton>
                    </Group>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Modal opened={adding} onClose={() => setAdding(false)} title={<Text fw={600}>{t('contacts.orgContacts.add')}</Text>}>
        {adding && <AddOrgContact contact={contact} onClose={() => setAdding(false)} />}
      </Modal>
    </Card>
  );
};

export const ContactForCard = ({ contact, icon }: { contact: Contact; icon: ReactNode }) => {
  const t = useT();
  const orgs = contact.organizations ?? [];
  if (orgs.length === 0) return null;
  return (
    <Card title={t('contacts.contactFor.title')} icon={icon} testId="contact-for">
      <Stack gap={6}>
        {orgs.map((o) => (
          <Group key={o.linkId} gap="xs" justify="space-between" wrap="nowrap">
            <AppLink href={`/contacts/${o.organizationId}`}>{o.displayName}</AppLink>
            <Group gap={4} wrap="nowrap">
              <RoleBadge role={o.role} t={t} />
              <StatusBadge status={o.status} t={t} />
            </Group>
          </Group>
        ))}
      </Stack>
    </Card>
  );
};

// ---------------------------------------------------------------- household

const CreateHousehold = ({ contact, onClose }: { contact: Contact; onClose: () => void }) => {
  const t = useT();
  const invalidate = useInvalidateContacts();
  const [name, setName] = useState(contact.lastName ? t('contacts.household.defaultName', { name: contact.lastName }) : '');
  const [secondaryId, setSecondaryId] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: () => api.post('/households', { name: name.trim() || undefined, primaryId: contact.id, secondaryIds: secondaryId ? [secondaryId] : [] }),
    meta: { inline: true },
    onSuccess: async () => {
      await invalidate();
      onClose();
    },
  });
  return (
    <ModalForm onSubmit={() => create.mutate()} onCancel={onClose} error={create.error} busy={create.isPending} submitLabel={t('common.create')}>
      <TextInput label={t('common.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus />
      <Text size="sm">{t('contacts.household.primaryIs', { name: contact.displayName })}</Text>
      <ContactPicker label={t('contacts.household.firstMember')} kind="person" value={secondaryId} onChange={(id) => setSecondaryId(id)} exclude={[contact.id]} />
      <Text size="xs" c="dimmed">
        {t('contacts.household.addressHint')}
      </Text>
    </ModalForm>
  );
};

const AddMember = ({ householdId, exclude, onClose }: { householdId: string; exclude: string[]; onClose: () => void }) => {
  const t = useT();
  const invalidate = useInvalidateContacts();
  const [id, setId] = useState<string | null>(null);
  const add = useMutation({
    mutationFn: () => api.post(`/households/${householdId}/members`, { contactId: id, role: 'secondary' }),
    meta: { inline: true },
    onSuccess: async () => {
      await invalidate();
      onClose();
    },
  });
  return (
    <ModalForm onSubmit={() => add.mutate()} onCancel={onClose} error={add.error} busy={add.isPending} submitLabel={t('contacts.household.addMember')} submitDisabled={!id}>
      <ContactPicker label={t('contacts.household.member')} kind="person" value={id} onChange={(v) => setId(v)} exclude={exclude} required autoFocus />
      <Text size="xs" c="dimmed">
        {t('contacts.household.addressHint')}
      </Text>
    </ModalForm>
  );
};

const RenameHousehold = ({ id, name: initial, onClose }: { id: string; name: string; onClose: () => void }) => {
  const t = useT();
  const invalidate = useInvalidateContacts();
  const [name, setName] = useState(initial);
  const save = useMutation({
    mutationFn: () => api.patch(`/households/${id}`, { name: name.trim() }),
    meta: { inline: true },
    onSuccess: async () => {
      await invalidate();
      onClose();
    },
  });
  return (
    <ModalForm onSubmit={() => save.mutate()} onCancel={onClose} error={save.error} busy={save.isPending} submitLabel={t('common.save')} submitDisabled={!name.trim()}>
      <TextInput label={t('common.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} required data-autofocus />
    </ModalForm>
  );
};

export const HouseholdCard = ({ contact, canEdit, icon }: { contact: Contact; canEdit: boolean; icon: ReactNode }) => {
  const t = useT();
  const invalidate = useInvalidateContacts();
  const [dialog, setDialog] = useState<'create' | 'add' | 'rename' | null>(null);
  const h = contact.household;
  const makePrimary = useMutation({
    mutationFn: (memberId: string) => api.patch(`/households/${h!.id}`, { primaryId: memberId }),
    onSuccess: () => invalidate(),
  });
  const [removing, setRemoving] = useState<{ id: string; name: string } | null>(null);
  const remove = useMutation({
    mutationFn: (memberId: string) => api.del(`/households/${h!.id}/members/${memberId}`),
    meta: { inline: true },
    onSuccess: async () => {
      await invalidate();
      setRemoving(null);
    },
  });
  const close = () => setDialog(null);
  return (
    <Card
      title={t('contacts.household.title')}
      icon={icon}
      testId="household"
      actions={
        canEdit &&
        (h ? (
          <>
            <Tooltip label={t('contacts.household.rename')}>
              <ActionIcon variant="subtle" color="gray" aria-label={t('contacts.household.rename')} onClick={() => setDialog('rename')}>
                <IconEdit size={15} />
              </ActionIcon>
            </Tooltip>
            <Button size="compact-sm" variant="light" leftSection={<IconPlus size={14} />} onClick={() => setDialog('add')}>
              {t('contacts.household.addMember')}
            </Button>
          </>
        ) : (
          <Button size="compact-sm" variant="light" leftSection={<IconPlus size={14} />} onClick={() => setDialog('create')}>
            {t('contacts.household.create')}
          </Button>
        ))
      }
    >
      {!h ? (
        <Muted>{t('contacts.household.none')}</Muted>
      ) : (
        <Stack gap={6}>
          <Text size="sm" fw={600}>
            {h.name}
          </Text>
          {h.members.map((m) => (
            <Group key={m.id} gap="xs" justify="space-between" wrap="nowrap" align="flex-start" data-testid={`member-${m.id}`}>
              <Group gap={6} style={{ minWidth: 0 }}>
                {m.id === contact.id ? (
                  <Text size="sm" fw={500}>
                    {m.displayName}
                  </Text>
                ) : (
                  <AppLink href={`/contacts/${m.id}`}>{m.displayName}</AppLink>
                )}
                <Badge size="xs" variant={m.role === 'primary' ? 'filled' : 'light'} color="guild" style={{ flexShrink: 0, minWidth: 'max-content' }}>
                  {t(`contacts.household.role.${m.role}`)}
                </Badge>
              </Group>
              {canEdit && (m.role === 'secondary' || h.members.length === 1) && (
                <Menu position="bottom-end" width={220} withinPortal>
                  <Menu.Target>
                    <ActionIcon variant="subtle" color="gray" size="sm" aria-label={`${t('common.actions')}: ${m.displayName}`}>
                      <IconDots size={16} />
                    </ActionIcon>
                  </Menu.Target>
                  <Menu.Dropdown>
                    {m.role === 'secondary' && (
                      <Menu.Item onClick={() => makePrimary.mutate(m.id)}>
                        <Text size="sm">{t('contacts.household.makePrimary')}</Text>
                        <Text size="xs" c="dimmed">
                          {t('contacts.household.makePrimaryHint')}
                        </Text>
                      </Menu.Item>
                    )}
                    <Menu.Item color="red" onClick={() => setRemoving({ id: m.id, name: m.displayName })}>
                      {t('contacts.remove')}
                    </Menu.Item>
                  </Menu.Dropdown>
                </Menu>
              )}
            </Group>
          ))}
        </Stack>
      )}
      <Modal opened={dialog !== null} onClose={close} title={<Text fw={600}>{dialog === 'create' ? t('contacts.household.create') : dialog === 'add' ? t('contacts.household.addMember') : t('contacts.household.rename')}</Text>}>
        {dialog === 'create' && <CreateHousehold contact={contact} onClose={close} />}
        {dialog === 'add' && h && <AddMember householdId={h.id} exclude={h.members.map((m) => m.id)} onClose={close} />}
        {dialog === 'rename' && h && <RenameHousehold id={h.id} name={h.name} onClose={close} />}
      </Modal>
      <Modal opened={removing !== null} onClose={() => setRemoving(null)} title={<Text fw={600}>{t('common.confirm')}</Text>} size="sm">
        {removing && h && (
          <ModalForm onSubmit={() => remove.mutate(removing.id)} onCancel={() => setRemoving(null)} error={remove.error} busy={remove.isPending} submitLabel={t('contacts.remove')}>
            <Text size="sm">{t('contacts.household.removeConfirm', { name: removing.name, household: h.name })}</Text>
          </ModalForm>
        )}
      </Modal>
    </Card>
  );
};

// ---------------------------------------------------------------- payer

const SetPayer = ({ contact, onClose }: { contact: Contact; onClose: () => void }) => {
  const t = useT();
  const invalidate = useInvalidateContacts();
  const [id, setId] = useState<string | null>(contact.payer?.id ?? null);
  const save = useMutation({
    mutationFn: () => api.patch(`/contacts/${contact.id}`, { payerId: id, version: contact.version }),
    meta: { inline: true },
    onSuccess: async () => {
      await invalidate();
      onClose();
    },
  });
  return (
    <ModalForm onSubmit={() => save.mutate()} onCancel={onClose} error={save.error} busy={save.isPending} submitLabel={t('common.save')} submitDisabled={!id}>
      <Text size="sm">{t('contacts.payer.intro', { name: contact.displayName })}</Text>
      <ContactPicker label={t('contacts.payer.payer')} value={id} onChange={(v) => setId(v)} exclude={[contact.id]} required autoFocus />
    </ModalForm>
  );
};

export const PayerCard = ({ contact, canEdit, icon }: { contact: Contact; canEdit: boolean; icon: ReactNode }) => {
  const t = useT();
  const invalidate = useInvalidateContacts();
  const [setting, setSetting] = useState(false);
  const clear = useMutation({
    mutationFn: () => api.patch(`/contacts/${contact.id}`, { payerId: null, version: contact.version }),
    onSuccess: () => invalidate(),
  });
  return (
    <Card
      title={t('contacts.payer.title')}
      icon={icon}
      testId="payer"
      actions={
        canEdit && (
          <>
            {contact.payer && (
              <Button size="compact-sm" variant="subtle" color="gray" onClick={() => clear.mutate()} loading={clear.isPending}>
                {t('contacts.payer.clear')}
              </Button>
            )}
            <Button size="compact-sm" variant="light" onClick={() => setSetting(true)}>
              {contact.payer ? t('contacts.payer.change') : t('contacts.payer.set')}
            </Button>
          </>
        )
      }
    >
      {contact.payer ? (
        <Text size="sm">
          {t('contacts.payer.paidBy')} <AppLink href={`/contacts/${contact.payer.id}`}>{contact.payer.displayName}</AppLink>
        </Text>
      ) : (
        <Muted>{t('contacts.payer.self')}</Muted>
      )}
      {contact.payerFor.length > 0 && (
        <Box mt="sm">
          <Text size="xs" fw={600} c="dimmed" tt="uppercase" mb={4}>
            {t('contacts.payer.paysFor')}
          </Text>
          <Stack gap={2}>
            {contact.payerFor.map((p) => (
              <AppLink key={p.id} href={`/contacts/${p.id}`}>
                {p.displayName}
              </AppLink>
            ))}
          </Stack>
        </Box>
      )}
      <Modal opened={setting} onClose={() => setSetting(false)} title={<Text fw={600}>{t('contacts.payer.set')}</Text>}>
        {setting && <SetPayer contact={contact} onClose={() => setSetting(false)} />}
      </Modal>
    </Card>
  );
};

// ---------------------------------------------------------------- consents

const ConsentHistory = ({ contactId }: { contactId: string }) => {
  const t = useT();
  const fmt = useFormat();
  const history = useQuery({
    queryKey: ['contacts', 'one', contactId, 'consents'],
    queryFn: async () => {
      const r = await api.get<{ items: ConsentEntry[] } | ConsentEntry[]>(`/contacts/${contactId}/consents`);
      return Array.isArray(r) ? r : r.items;
    },
  });
  if (!history.data) return <Muted>{t('common.loading')}</Muted>;
  if (history.data.length === 0) return <Muted>{t('contacts.consent.noHistory')}</Muted>;
  return (
    <Table verticalSpacing={4} horizontalSpacing="xs" fz="xs" data-testid="consent-history">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('audit.when')}</Table.Th>
          <Table.Th>{t('contacts.consent.kind')}</Table.Th>
          <Table.Th>{t('common.status')}</Table.Th>
          <Table.Th>{t('contacts.consent.version')}</Table.Th>
          <Table.Th>{t('contacts.consent.source')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {[...history.data]
          .sort((a, b) => b.at.localeCompare(a.at))
          .map((c, i) => (
            <Table.Tr key={c.id ?? i}>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{fmt.dateTime(c.at)}</Table.Td>
              <Table.Td>{CONSENT_KINDS.includes(c.kind) ? t(`contacts.consent.${c.kind}`) : c.kind}</Table.Td>
              <Table.Td>{c.granted ? t('contacts.consent.granted') : t('contacts.consent.withdrawn')}</Table.Td>
              <Table.Td>{c.version}</Table.Td>
              <Table.Td>
                {c.source}
                {c.actorName ? ` · ${c.actorName}` : ''}
              </Table.Td>
            </Table.Tr>
          ))}
      </Table.Tbody>
    </Table>
  );
};

export const ConsentsCard = ({ contact, canEdit, icon }: { contact: Contact; canEdit: boolean; icon: ReactNode }) => {
  const t = useT();
  const fmt = useFormat();
  const invalidate = useInvalidateContacts();
  const [showHistory, setShowHistory] = useState(false);
  const [asking, setAsking] = useState<{ kind: ConsentKind; granted: boolean } | null>(null);
  const record = useMutation({
    mutationFn: (v: { kind: ConsentKind; granted: boolean }) => api.post<Contact>(`/contacts/${contact.id}/consents`, v),
    onSuccess: async (_c, v) => {
      await invalidate();
      setAsking(null);
      notifySuccess(v.granted ? t('contacts.consent.recordedGranted') : t('contacts.consent.recordedWithdrawn'));
    },
  });
  return (
    <Card
      title={t('contacts.consent.title')}
      icon={icon}
      testId="consents"
      actions={
        <Button size="compact-sm" variant="subtle" color="gray" leftSection={<IconHistory size={14} />} onClick={() => setShowHistory((s) => !s)}>
          {showHistory ? t('contacts.consent.hideHistory') : t('contacts.consent.showHistory')}
        </Button>
      }
    >
      <Stack gap={0} className="gh-setting-list">
        {CONSENT_KINDS.map((kind) => {
          const c = contact.consents[kind] ?? null;
          return (
            <Group key={kind} justify="space-between" align="flex-start" py={8} wrap="nowrap" data-testid={`consent-${kind}`}>
              <Box style={{ minWidth: 0 }}>
                <Group gap={8}>
                  <Text size="sm" fw={500}>
                    {t(`contacts.consent.${kind}`)}
                  </Text>
                  <Badge size="sm" variant="light" color={c === null ? 'gray' : c.granted ? 'green' : 'orange'}>
                    {c === null ? t('contacts.consent.notRecorded') : c.granted ? t('contacts.consent.granted') : t('contacts.consent.withdrawn')}
                  </Badge>
                </Group>
                {c && (
                  <>
                    <Text size="xs" c="dimmed" mt={2}>
                      {t('contacts.consent.meta', { version: c.version, when: fmt.dateTime(c.at), source: c.source })}
                    </Text>
                    {c.wording && (
                      <Text size="xs" mt={2} fs="italic" lineClamp={2} title={c.wording}>
                        “{c.wording}”
                      </Text>
                    )}
                  </>
                )}
              </Box>
              {canEdit && contact.status === 'active' && (
                <Button size="compact-xs" variant={c?.granted ? 'subtle' : 'light'} color={c?.granted ? 'orange' : undefined} onClick={() => setAsking({ kind, granted: !c?.granted })} style={{ flexShrink: 0 }}>
                  {c?.granted ? t('contacts.consent.withdraw') : t('contacts.consent.give')}
                </Button>
              )}
            </Group>
          );
        })}
      </Stack>
      {showHistory && (
        <Box mt="sm">
          <ConsentHistory contactId={contact.id} />
        </Box>
      )}
      <Modal opened={asking !== null} onClose={() => setAsking(null)} title={<Text fw={600}>{t('common.confirm')}</Text>} size="sm">
        {asking && (
          <ModalForm
            onSubmit={() => record.mutate(asking)}
            onCancel={() => setAsking(null)}
            error={record.error}
            busy={record.isPending}
            submitLabel={asking.granted ? t('contacts.consent.give') : t('contacts.consent.withdraw')}
          >
            <Text size="sm">
              {t(asking.granted ? 'contacts.consent.giveConfirm' : 'contacts.consent.withdrawConfirm', { name: contact.displayName, kind: t(`contacts.consent.${asking.kind}`) })}
            </Text>
            <Text size="xs" c="dimmed">
              {t('contacts.consent.wordingHint')}
            </Text>
          </ModalForm>
        )}
      </Modal>
    </Card>
  );
};

