import { useMemo, useState, type ReactNode } from 'react';
import {
  Box,
  Button,
  Center,
  Group,
  Input,
  Loader,
  Paper,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  TagsInput,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useParams, useRouter } from '@tanstack/react-router';
import { api, ApiError } from '../ui/api.ts';
import { ErrorState, FormError, Page, RequireAccess } from '../ui/components.tsx';
import { useFormat } from '../ui/format.ts';
import { LANGUAGES, useLanguage, useT, type Translate } from '../ui/language.tsx';
import { notifySuccess } from '../ui/notify.tsx';
import { oneOf, useUrlSearch } from '../ui/search.ts';
import type { Language } from '../ui/types.ts';
import { BackLink, countryName, plural, useContact, useCustomFields, useInvalidateContacts, useTags } from './shared.tsx';
import type { Contact, ContactKind, CustomField, FieldValue } from './types.ts';
import { checkBirthDate, checkCountry, checkDay, checkEmail, checkNumber, checkPhone, checkPostcode, fieldErrorsOf, parseDay, todayIso } from './validation.ts';
import type { MessageKey } from '../ui/i18n.ts';

interface FormValues {
  salutation: string;
  firstNames: string;
  initial: string;
  lastName: string;
  birthDate: string;
  gender: string;
  orgName: string;
  orgNumber: string;
  vatNumber: string;
  addressLines: string;
  postcode: string;
  place: string;
  region: string;
  country: string;
  phoneMobile: string;
  phoneHome: string;
  phoneWork: string;
  email: string;
  /** '' until someone chooses: e-mail when there is an address, else print (as the server decides). */
  invoiceDelivery: 'email' | 'print' | '';
  language: Language | '';
  note: string;
  tags: string[];
  /** Custom field values as typed (booleans as 'true'/'false', '' when empty). */
  customFields: Record<string, string>;
}
type TextKey = Exclude<keyof FormValues, 'invoiceDelivery' | 'language' | 'tags' | 'customFields'>;

const fieldText = (v: FieldValue | undefined): string => (v === null || v === undefined ? '' : String(v));

const initialValues = (c: Contact | null, fmtDate: (d: string) => string): FormValues => ({
  salutation: c?.salutation ?? '',
  firstNames: c?.firstNames ?? '',
  initial: c?.initial ?? '',
  lastName: c?.lastName ?? '',
  birthDate: c?.birthDate ? fmtDate(c.birthDate) : '',
  gender: c?.gender ?? '',
  orgName: c?.orgName ?? '',
  orgNumber: c?.orgNumber ?? '',
  vatNumber: c?.vatNumber ?? '',
  addressLines: (c?.addressLines ?? []).join('\n'),
  postcode: c?.postcode ?? '',
  place: c?.place ?? '',
  region: c?.region ?? '',
  country: c?.country ?? '',
  phoneMobile: c?.phoneMobile ?? '',
  phoneHome: c?.phoneHome ?? '',
  phoneWork: c?.phoneWork ?? '',
  email: c?.email ?? '',
  invoiceDelivery: c?.invoiceDelivery ?? '',
  language: c?.language ?? '',
  note: c?.note ?? '',
  tags: c?.tags ?? [],
  customFields: Object.fromEntries(Object.entries(c?.customFields ?? {}).map(([k, v]) => [k, fieldText(v)])),
});

const appliesTo = (f: CustomField, kind: ContactKind) => !f.archived && (f.appliesTo === 'both' || f.appliesTo === kind);

/** Every problem the form can see on its own, by field; `cf.<key>` for custom fields. */
const validate = (v: FormValues, kind: ContactKind, fields: CustomField[], language: Language): Record<string, MessageKey> => {
  const e: Record<string, MessageKey | null> = {};
  if (kind === 'person') {
    e.lastName = v.lastName.trim() === '' ? 'contacts.error.lastNameRequired' : null;
    e.birthDate = checkBirthDate(v.birthDate, todayIso());
    e.initial = v.initial.trim().length > 3 ? 'contacts.error.initial' : null;
  } else {
    e.orgName = v.orgName.trim() === '' ? 'contacts.error.orgNameRequired' : null;
  }
  e.email = checkEmail(v.email);
  e.invoiceDelivery = v.invoiceDelivery === 'email' && v.email.trim() === '' ? 'contacts.error.deliveryNeedsEmail' : null;
  e.phoneMobile = checkPhone(v.phoneMobile);
  e.phoneHome = checkPhone(v.phoneHome);
  e.phoneWork = checkPhone(v.phoneWork);
  e.country = checkCountry(v.country, language);
  e.postcode = checkPostcode(v.postcode, v.country);
  for (const f of fields) {
    const value = v.customFields[f.key] ?? '';
    let err: MessageKey | null = null;
    if (f.required && value.trim() === '' && f.type !== 'boolean') err = 'contacts.error.required';
    else if (f.type === 'number') err = checkNumber(value);
    else if (f.type === 'date') err = checkDay(value);
    else if (f.type === 'choice' && value && f.options && !f.options.includes(value)) err = 'contacts.error.choice';
    e[`cf.${f.key}`] = err;
  }
  return Object.fromEntries(Object.entries(e).filter((x): x is [string, MessageKey] => x[1] !== null));
};

const customValue = (f: CustomField, raw: string): FieldValue => {
  const s = raw.trim();
  if (s === '') return f.type === 'boolean' ? false : null;
  if (f.type === 'number') return Number(s.replace(',', '.'));
  if (f.type === 'boolean') return s === 'true';
  if (f.type === 'date') return parseDay(s);
  return s;
};

/** The request body: every field (an empty string clears it on the server). */
const toInput = (v: FormValues, kind: ContactKind, fields: CustomField[]) => {
  const trim = (s: string) => s.trim();
  const person = kind === 'person';
  const body: Record<string, unknown> = {
    ...(person
      ? {
          salutation: trim(v.salutation),
          firstNames: trim(v.firstNames),
          initial: trim(v.initial),
          lastName: trim(v.lastName),
          birthDate: v.birthDate.trim() ? (parseDay(v.birthDate) ?? v.birthDate.trim()) : '',
          gender: trim(v.gender),
        }
      : { orgName: trim(v.orgName), orgNumber: trim(v.orgNumber), vatNumber: trim(v.vatNumber) }),
    addressLines: v.addressLines.split('\n').map((l) => l.trim()).filter(Boolean),
    postcode: trim(v.postcode),
    place: trim(v.place),
    region: trim(v.region),
    country: trim(v.country).toUpperCase(),
    phoneMobile: trim(v.phoneMobile),
    phoneHome: trim(v.phoneHome),
    phoneWork: trim(v.phoneWork),
    email: trim(v.email),
    ...(v.invoiceDelivery ? { invoiceDelivery: v.invoiceDelivery } : {}),
    note: v.note.trim(),
    tags: v.tags,
  };
  if (v.language) body.language = v.language;
  const custom: Record<string, FieldValue> = {};
  for (const f of fields) custom[f.key] = customValue(f, v.customFields[f.key] ?? '');
  if (fields.length) body.customFields = custom;
  return body;
};

const Section = ({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) => (
  <Paper withBorder p="lg" data-testid={testId}>
    <Title order={2} fz={16} mb="md">
      {title}
    </Title>
    {children}
  </Paper>
);

/** A day typed the local way (15.03.1984) or as ISO; the reading of it is shown underneath. */
export const DayInput = ({ label, value, onChange, onBlur, error, description, required }: { label: string; value: string; onChange: (v: string) => void; onBlur?: () => void; error?: ReactNode; description?: string; required?: boolean }) => {
  const t = useT();
  const { language } = useLanguage();
  const day = parseDay(value);
  const reading = day ? new Intl.DateTimeFormat(language === 'nb' ? 'nb-NO' : 'en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`)) : undefined;
  return (
    <TextInput
      label={label}
      placeholder={t('contacts.datePlaceholder')}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      onBlur={onBlur}
      error={error}
      required={required}
      description={reading && !error ? reading : description}
      inputWrapperOrder={['label', 'input', 'description', 'error']}
      inputMode="numeric"
    />
  );
};

/** One custom field, drawn by its type. */
export const CustomFieldInput = ({ field, value, onChange, onBlur, error }: { field: CustomField; value: string; onChange: (v: string) => void; onBlur?: () => void; error?: ReactNode }) => {
  const t = useT();
  const common = { label: field.label, description: field.description || undefined, error, required: field.required && field.type !== 'boolean', onBlur };
  switch (field.type) {
    case 'long_text':
      return <Textarea {...common} value={value} onChange={(e) => onChange(e.currentTarget.value)} autosize minRows={2} />;
    case 'number':
      return <TextInput {...common} value={value} onChange={(e) => onChange(e.currentTarget.value)} inputMode="decimal" />;
    case 'date':
      return <DayInput {...common} value={value} onChange={onChange} />;
    case 'boolean':
      return (
        <Switch
          mt={common.description ? 0 : 26}
          label={field.label}
          description={field.description || undefined}
          checked={value === 'true'}
          onChange={(e) => onChange(e.currentTarget.checked ? 'true' : 'false')}
          error={error}
        />
      );
    case 'choice':
      return (
        <Select {...common} data={field.options ?? []} value={value || null} onChange={(v) => onChange(v ?? '')} clearable searchable placeholder={t('contacts.choose')} comboboxProps={{ withinPortal: true }} />
      );
    default:
      return <TextInput {...common} value={value} onChange={(e) => onChange(e.currentTarget.value)} />;
  }
};

const ContactForm = ({ kind, contact }: { kind: ContactKind; contact: Contact | null }) => {
  const t = useT();
  const fmt = useFormat();
  const { language } = useLanguage();
  const router = useRouter();
  const invalidate = useInvalidateContacts();
  const allFields = useCustomFields();
  const tags = useTags();
  const fields = useMemo(() => (allFields.data ?? []).filter((f) => appliesTo(f, kind)).sort((a, b) => a.position - b.position), [allFields.data, kind]);
  const [values, setValues] = useState<FormValues>(() => initialValues(contact, fmt.date));
  // A field's problem shows once it has been touched (typed in or left), or after a save attempt.
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const errors = validate(values, kind, fields, language);
  const shown = (key: string): string | undefined => {
    if (serverErrors[key]) return serverErrors[key];
    const e = errors[key];
    return e && (submitted || touched.has(key)) ? t(e) : undefined;
  };
  const touch = (key: string) => setTouched((s) => (s.has(key) ? s : new Set(s).add(key)));
  const set = <K extends keyof FormValues>(key: K, value: FormValues[K]) => {
    setValues((v) => ({ ...v, [key]: value }));
    setServerErrors(({ [key]: _drop, ...rest }) => rest);
    touch(key);
  };
  const text = (key: TextKey, label: string, extra: { required?: boolean; description?: string; type?: string; placeholder?: string; autoFocus?: boolean } = {}) => (
    <TextInput
      label={label}
      value={values[key]}
      onChange={(e) => set(key, e.currentTarget.value)}
      onBlur={() => touch(key)}
      error={shown(key)}
      required={extra.required}
      description={extra.description}
      type={extra.type}
      placeholder={extra.placeholder}
      data-autofocus={extra.autoFocus || undefined}
      autoFocus={extra.autoFocus}
    />
  );
  const setCustom = (key: string, value: string) => {
    setValues((v) => ({ ...v, customFields: { ...v.customFields, [key]: value } }));
    setServerErrors(({ [`customFields.${key}`]: _drop, ...rest }) => rest);
    touch(`cf.${key}`);
  };

  const save = useMutation({
    mutationFn: () => {
      const body = toInput(values, kind, fields);
      return contact ? api.patch<Contact>(`/contacts/${contact.id}`, { ...body, version: contact.version }) : api.post<Contact>('/contacts', { kind, ...body });
    },
    meta: { inline: true },
    onSuccess: async (saved) => {
      await invalidate();
      notifySuccess(t('contacts.savedNamed', { name: saved.displayName }));
      void router.navigate({ href: `/contacts/${saved.id}` });
    },
    onError: (e) => {
      if (e instanceof ApiError) {
        const byField = fieldErrorsOf(e.details, e.message);
        // customFields.<key> from the server lines up with cf.<key> in the form.
        setServerErrors(Object.fromEntries(Object.entries(byField).map(([k, v]) => [k.startsWith('customFields.') ? `cf.${k.slice(13)}` : k, v])));
      }
    },
  });
  const submit = () => {
    setSubmitted(true);
    if (Object.keys(errors).length > 0) {
      // Bring the first problem into view.
      requestAnimationFrame(() => document.querySelector('[data-error], .mantine-InputWrapper-error')?.scrollIntoView({ block: 'center', behavior: 'smooth' }));
      return;
    }
    save.mutate();
  };
  const countryLabel = values.country.trim().length === 2 ? countryName(language, values.country.trim()) : undefined;
  const problemCount = submitted ? Object.keys(errors).length : 0;
  const cancelHref = contact ? `/contacts/${contact.id}` : '/contacts';

  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
      data-testid="contact-form"
    >
      <Stack gap="md">
        <FormError error={save.error} testId="contact-form-error" />
        {problemCount > 0 && (
          <Text size="sm" c="red" role="status">
            {t(plural(problemCount, 'contacts.form.problems', 'contacts.form.problemsOne'), { count: problemCount })}
          </Text>
        )}
        {kind === 'person' ? (
          <Section title={t('contacts.section.name')}>
            <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }}>
              {text('salutation', t('contacts.field.salutation'), { placeholder: t('contacts.field.salutationHint') })}
              {text('firstNames', t('contacts.field.firstNames'), { autoFocus: !contact })}
              {text('initial', t('contacts.field.initial'))}
              {text('lastName', t('contacts.field.lastName'), { required: true })}
            </SimpleGrid>
            <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }} mt="sm">
              <DayInput label={t('contacts.field.birthDate')} value={values.birthDate} onChange={(v) => set('birthDate', v)} onBlur={() => touch('birthDate')} error={shown('birthDate')} />
              <Select
                label={t('contacts.field.gender')}
                data={[
                  { value: 'female', label: t('contacts.gender.female') },
                  { value: 'male', label: t('contacts.gender.male') },
                  { value: 'other', label: t('contacts.gender.other') },
                ]}
                value={values.gender || null}
                onChange={(v) => set('gender', v ?? '')}
                clearable
                placeholder={t('contacts.notGiven')}
                comboboxProps={{ withinPortal: true }}
                error={shown('gender')}
              />
            </SimpleGrid>
          </Section>
        ) : (
          <Section title={t('contacts.section.organization')}>
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              {text('orgName', t('contacts.field.orgName'), { required: true, autoFocus: !contact })}
              {text('orgNumber', t('contacts.field.orgNumber'))}
              {text('vatNumber', t('contacts.field.vatNumber'))}
            </SimpleGrid>
          </Section>
        )}
        <Section title={t('contacts.section.contact')}>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            {text('email', t('common.email'), { type: 'email' })}
            {text('phoneMobile', t('contacts.field.phoneMobile'), { type: 'tel' })}
            {text('phoneHome', t('contacts.field.phoneHome'), { type: 'tel' })}
            {text('phoneWork', t('contacts.field.phoneWork'), { type: 'tel' })}
          </SimpleGrid>
          {contact?.pseudoEmail && (
            <Text size="xs" c="orange" mt="xs">
              {t('contacts.pseudoEmailHint')}
            </Text>
          )}
        </Section>
        <Section title={t('contacts.section.address')}>
          <Stack gap="sm">
            <Textarea
              label={t('contacts.field.addressLines')}
              description={t('contacts.field.addressLinesHint')}
              value={values.addressLines}
              onChange={(e) => set('addressLines', e.currentTarget.value)}
              autosize
              minRows={2}
              maxRows={4}
              error={shown('addressLines')}
            />
            <SimpleGrid cols={{ base: 1, sm: 4 }}>
              {text('postcode', t('contacts.field.postcode'))}
              {text('place', t('contacts.field.place'))}
              {text('region', t('contacts.field.region'))}
              <TextInput
                label={t('contacts.field.country')}
                value={values.country}
                onChange={(e) => set('country', e.currentTarget.value.toUpperCase())}
                onBlur={() => touch('country')}
                error={shown('country')}
                description={shown('country') ? undefined : (countryLabel ?? t('contacts.field.countryHint'))}
                maxLength={2}
                inputWrapperOrder={['label', 'input', 'description', 'error']}
                placeholder="NO"
              />
            </SimpleGrid>
          </Stack>
        </Section>
        <Section title={t('contacts.section.preferences')}>
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <Input.Wrapper label={t('contacts.field.invoiceDelivery')} error={shown('invoiceDelivery')}>
              <SegmentedControl
                fullWidth
                aria-label={t('contacts.field.invoiceDelivery')}
                value={values.invoiceDelivery || (values.email.trim() ? 'email' : 'print')}
                onChange={(v) => set('invoiceDelivery', v === 'print' ? 'print' : 'email')}
                data={[
                  { value: 'email', label: t('contacts.delivery.email') },
                  { value: 'print', label: t('contacts.delivery.print') },
                ]}
              />
            </Input.Wrapper>
            <Select
              label={t('lang.label')}
              data={LANGUAGES.map((l) => ({ value: l.value, label: l.label }))}
              value={values.language || null}
              onChange={(v) => set('language', (v as Language | null) ?? '')}
              clearable
              placeholder={t('contacts.notGiven')}
              comboboxProps={{ withinPortal: true }}
            />
            <TagsInput
              label={t('contacts.tags')}
              data={(tags.data ?? []).map((x) => x.tag)}
              value={values.tags}
              onChange={(v) => set('tags', v)}
              clearable
              comboboxProps={{ withinPortal: true }}
              description={t('contacts.tagsHint')}
            />
          </SimpleGrid>
        </Section>
        {fields.length > 0 && (
          <Section title={t('contacts.section.customFields')} testId="custom-fields-section">
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              {fields.map((f) => (
                <Box key={f.key} style={f.type === 'long_text' ? { gridColumn: '1 / -1' } : undefined}>
                  <CustomFieldInput field={f} value={values.customFields[f.key] ?? ''} onChange={(v) => setCustom(f.key, v)} onBlur={() => touch(`cf.${f.key}`)} error={shown(`cf.${f.key}`)} />
                </Box>
              ))}
            </SimpleGrid>
          </Section>
        )}
        <Section title={t('contacts.section.note')}>
          <Textarea
            aria-label={t('contacts.field.note')}
            description={t('contacts.field.noteHint')}
            value={values.note}
            onChange={(e) => set('note', e.currentTarget.value)}
            autosize
            minRows={2}
            error={shown('note')}
          />
        </Section>
        <Group justify="flex-end">
            <Button variant="default" onClick={() => void router.navigate({ href: cancelHref })}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending}>
              {contact ? t('common.save') : t('common.create')}
            </Button>
        </Group>
      </Stack>
    </form>
  );
};

const titleOf = (t: Translate, kind: ContactKind, contact: Contact | null) =>
  contact ? t('contacts.editTitle', { name: contact.displayName }) : kind === 'person' ? t('contacts.newPerson') : t('contacts.newOrganization');

export const NewContactPage = () => {
  const t = useT();
  const [search] = useUrlSearch((raw) => ({ kind: oneOf(raw.kind, ['person', 'organization'] as const) ?? 'person' }));
  return (
    <RequireAccess area="contacts" level="update">
      <BackLink href="/contacts" label={t('contacts.title')} />
      <Page title={titleOf(t, search.kind, null)} intro={search.kind === 'person' ? t('contacts.form.introPerson') : t('contacts.form.introOrganization')}>
        <Box maw={980}>
          <ContactForm key={search.kind} kind={search.kind} contact={null} />
        </Box>
      </Page>
    </RequireAccess>
  );
};

export const EditContactPage = () => {
  const t = useT();
  const { id } = useParams({ strict: false }) as { id: string };
  const contact = useContact(id);
  const fields = useCustomFields();
  return (
    <RequireAccess area="contacts" level="update">
      {contact.error ? (
        <ErrorState error={contact.error} onRetry={() => void contact.refetch()} />
      ) : !contact.data || fields.isPending ? (
        <Center h="40vh">
          <Loader color="guild" />
        </Center>
      ) : (
        <>
        <BackLink href={`/contacts/${contact.data.id}`} label={contact.data.displayName} />
        <Page title={titleOf(t, contact.data.kind, contact.data)}>
          <Box maw={980}>
            <ContactForm key={contact.data.id} kind={contact.data.kind} contact={contact.data} />
          </Box>
        </Page>
        </>
      )}
    </RequireAccess>
  );
};
