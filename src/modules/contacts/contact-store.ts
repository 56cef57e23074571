import { sql, type Kysely, type RawBuilder, type Selectable } from 'kysely';
import { inList, insertRows, updateRows } from '../../db/bulk.ts';
import { dbKind, toNumber } from '../../db/database.ts';
import type { ContactTable, CustomFieldTable, DB } from '../../db/schema.ts';
import {
  buildSearchText,
  CONSENT_KINDS,
  displayNameOf,
  sortNameOf,
  type ConsentKind,
  type ConsentState,
  type Contact,
  type ContactFields,
  type ContactKind,
  type ContactLanguage,
  type ContactRef,
  type ContactStatus,
  type ContactSummary,
  type HouseholdRole,
  type InvoiceDelivery,
} from './contact.ts';
import { fieldValueOut, type CustomField, type FieldAppliesTo, type FieldType, type FieldValue, type FieldVisibility } from './custom-field.ts';
import { nameKey, SQLITE_KEY_CHARS } from './name-key.ts';

/** Kysely queries for contacts and what hangs off them. No rules here. */
type Db = Kysely<DB>;
export type ContactRow = Selectable<ContactTable>;

export const findContactRow = (db: Db, id: string) => db.selectFrom('contact').selectAll().where('id', '=', id).executeTakeFirst();

export const findContactByMemberNumber = (db: Db, memberNumber: number) =>
  db.selectFrom('contact').selectAll().where('member_number', '=', memberNumber).executeTakeFirst();

/** Contacts with this e-mail (lowercase), oldest first; imports match on it. */
export const findContactsByEmail = (db: Db, email: string) =>
  db.selectFrom('contact').selectAll().where('email', '=', email.trim().toLowerCase()).orderBy('created_at').orderBy('id').execute();

export const fieldsOfRow = (r: ContactRow): ContactFields => ({
  kind: r.kind as ContactKind,
  salutation: r.salutation,
  firstNames: r.first_names,
  initial: r.initial,
  lastName: r.last_name,
  birthDate: r.birth_date,
  gender: r.gender,
  orgName: r.org_name,
  orgNumber: r.org_number,
  vatNumber: r.vat_number,
  addressLines: r.address_lines ? r.address_lines.split('\n') : [],
  postcode: r.postcode,
  place: r.place,
  region: r.region,
  country: r.country,
  phoneHome: r.phone_home,
  phoneWork: r.phone_work,
  phoneMobile: r.phone_mobile,
  email: r.email,
  invoiceDelivery: r.invoice_delivery as InvoiceDelivery,
  language: r.language as ContactLanguage | null,
  note: r.note,
});

/** The columns that follow from a contact's fields (display name, search and sort keys included). */
export const columnsOf = (f: ContactFields, memberNumber: number) => {
  const displayName = displayNameOf(f);
  return {
    kind: f.kind,
    salutation: f.salutation,
    first_names: f.firstNames,
    initial: f.initial,
    last_name: f.lastName,
    birth_date: f.birthDate,
    gender: f.gender,
    org_name: f.orgName,
    org_number: f.orgNumber,
    vat_number: f.vatNumber,
    display_name: displayName,
    sort_name: sortNameOf(displayName),
    address_lines: f.addressLines.length ? f.addressLines.join('\n') : null,
    postcode: f.postcode,
    place: f.place,
    region: f.region,
    country: f.country,
    phone_home: f.phoneHome,
    phone_work: f.phoneWork,
    phone_mobile: f.phoneMobile,
    email: f.email,
    invoice_delivery: f.invoiceDelivery,
    language: f.language,
    note: f.note,
    search_text: buildSearchText(f, memberNumber),
  };
};

// ---- custom fields

export const toCustomField = (r: Selectable<CustomFieldTable>): CustomField => ({
  id: r.id,
  key: r.key,
  label: r.label,
  description: r.description,
  type: r.type as FieldType,
  options: r.options ? (JSON.parse(r.options) as string[]) : [],
  visibility: r.visibility as FieldVisibility,
  appliesTo: r.applies_to as FieldAppliesTo,
  required: Boolean(toNumber(r.required)),
  position: toNumber(r.position),
  archived: Boolean(toNumber(r.archived)),
});

/** Every custom field, archived ones included, in display order. */
export const loadCustomFields = async (db: Db): Promise<CustomField[]> =>
  (await db.selectFrom('custom_field').selectAll().execute())
    .map(toCustomField)
    .sort((a, b) => a.position - b.position || byText(a.label, b.label) || byText(a.id, b.id));

/** Custom values as the API shows them: typed, by key, in field order, archived fields left out. */
export const customValuesOut = (
  values: Array<{ key: string; type: string; position: number | string; value: string }>,
): Record<string, FieldValue> => {
  const out: Record<string, FieldValue> = {};
  const sorted = [...values].sort((a, b) => toNumber(a.position) - toNumber(b.position) || byText(a.key, b.key));
  for (const v of sorted) out[v.key] = fieldValueOut(v.type as FieldType, v.value);
  return out;
};

/** A contact's stored custom values by field id. */
export const loadFieldValues = async (db: Db, contactId: string): Promise<Record<string, string>> =>
  Object.fromEntries(
    (await db.selectFrom('contact_field_value').select(['field_id', 'value']).where('contact_id', '=', contactId).execute()).map((r) => [r.field_id, r.value]),
  );

export const saveFieldValues = async (tx: Db, contactId: string, changes: Map<string, string | null>): Promise<void> => {
  for (const [fieldId, value] of changes) {
    await tx.deleteFrom('contact_field_value').where('contact_id', '=', contactId).where('field_id', '=', fieldId).execute();
    if (value !== null) await tx.insertInto('contact_field_value').values({ contact_id: contactId, field_id: fieldId, value }).execute();
  }
};

// ---- tags

/** Plain code-unit order: what SQLite does, and what PostgreSQL does with collate "C". */
export const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export const loadTags = async (db: Db, contactIds: string[]): Promise<Map<string, string[]>> => {
  const map = new Map<string, string[]>(contactIds.map((id) => [id, []]));
  if (contactIds.length === 0) return map;
  const rows = await db.selectFrom('contact_tag').select(['contact_id', 'tag']).where('contact_id', 'in', contactIds).execute();
  for (const r of rows) map.get(r.contact_id)?.push(r.tag);
  // Sorted here, not by the database, so both databases give the same order whatever their collation.
  for (const list of map.values()) list.sort(byText);
  return map;
};

export const setTags = async (tx: Db, contactId: string, tags: string[]): Promise<void> => {
  await tx.deleteFrom('contact_tag').where('contact_id', '=', contactId).execute();
  if (tags.length) await tx.insertInto('contact_tag').values(tags.map((tag) => ({ contact_id: contactId, tag }))).execute();
};

// ---- reading a whole contact

const refsOf = (rows: Array<{ id: string; display_name: string }>): ContactRef[] => rows.map((r) => ({ id: r.id, displayName: r.display_name }));

const loadConsents = async (db: Db, contactId: string): Promise<Record<ConsentKind, ConsentState | null>> => {
  const out = Object.fromEntries(CONSENT_KINDS.map((k) => [k, null])) as Record<ConsentKind, ConsentState | null>;
  // Newest first: the first row seen per kind is the current state.
  const rows = await db.selectFrom('consent').selectAll().where('contact_id', '=', contactId).orderBy('at', 'desc').orderBy('id', 'desc').execute();
  for (const r of rows) {
    const kind = r.kind as ConsentKind;
    if (kind in out && out[kind] === null) {
      out[kind] = { granted: Boolean(toNumber(r.granted)), wording: r.wording, version: r.version, at: r.at, source: r.source };
    }
  }
  return out;
};

/** The contact as GET /contacts/:id shows it, with payer, household, tags, custom fields, consents and links. */
export const loadContact = async (db: Db, id: string): Promise<Contact | undefined> => {
  const row = await findContactRow(db, id);
  if (!row) return undefined;
  const fields = fieldsOfRow(row);

  const payer = row.payer_id ? await db.selectFrom('contact').select(['id', 'display_name']).where('id', '=', row.payer_id).executeTakeFirst() : undefined;
  const payerFor = (await db.selectFrom('contact').select(['id', 'display_name', 'sort_name']).where('payer_id', '=', id).execute()).sort(
    (a, b) => byText(a.sort_name, b.sort_name) || byText(a.id, b.id),
  );

  let household: Contact['household'] = null;
  if (row.household_id) {
    const h = await db.selectFrom('household').selectAll().where('id', '=', row.household_id).executeTakeFirst();
    if (h) {
      // The primary first, then by name.
      const members = (await db.selectFrom('contact').select(['id', 'display_name', 'household_role', 'sort_name']).where('household_id', '=', h.id).execute()).sort(
        (a, b) => byText(a.household_role ?? '', b.household_role ?? '') || byText(a.sort_name, b.sort_name) || byText(a.id, b.id),
      );
      household = {
        id: h.id,
        name: h.name,
        role: row.household_role as HouseholdRole,
        members: members.map((m) => ({ id: m.id, displayName: m.display_name, role: m.household_role as HouseholdRole })),
      };
    }
  }

  const customFields = customValuesOut(
    await db
      .selectFrom('contact_field_value as v')
      .innerJoin('custom_field as f', 'f.id', 'v.field_id')
      .select(['f.key', 'f.type', 'f.position', 'v.value'])
      .where('v.contact_id', '=', id)
      .where('f.archived', '=', 0)
      .execute(),
  );

  const orgLinks =
    fields.kind === 'organization'
      ? await db
          .selectFrom('organization_contact as l')
          .innerJoin('contact as p', 'p.id', 'l.person_id')
          .select(['l.id', 'l.person_id', 'p.display_name', 'p.email', 'l.role', 'l.status', 'l.invited_at', 'l.confirmed_at'])
          .where('l.organization_id', '=', id)
          .orderBy('l.role')
          .orderBy('p.sort_name')
          .orderBy('l.id')
          .execute()
      : [];
  const personLinks =
    fields.kind === 'person'
      ? await db
          .selectFrom('organization_contact as l')
          .innerJoin('contact as o', 'o.id', 'l.organization_id')
          .select(['l.id', 'l.organization_id', 'o.display_name', 'l.role', 'l.status'])
          .where('l.person_id', '=', id)
          .orderBy('o.sort_name')
          .orderBy('l.id')
          .execute()
      : [];

  return {
    id: row.id,
    memberNumber: toNumber(row.member_number),
    status: row.status as ContactStatus,
    ...fields,
    displayName: row.display_name,
    pseudoEmail: Boolean(toNumber(row.pseudo_email)),
    payer: payer ? { id: payer.id, displayName: payer.display_name } : null,
    payerFor: refsOf(payerFor),
    household,
    tags: (await loadTags(db, [id])).get(id) ?? [],
    customFields,
    consents: await loadConsents(db, id),
    organizationContacts: orgLinks.map((l) => ({
      id: l.id,
      personId: l.person_id,
      displayName: l.display_name,
      email: l.email,
      role: l.role,
      status: l.status,
      invitedAt: l.invited_at,
      confirmedAt: l.confirmed_at,
    })),
    organizations: personLinks.map((l) => ({ linkId: l.id, organizationId: l.organization_id, displayName: l.display_name, role: l.role, status: l.status })),
    version: toNumber(row.version),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
};

export const toSummary = (
  r: Pick<ContactRow, 'id' | 'kind' | 'member_number' | 'display_name' | 'email' | 'phone_mobile' | 'place' | 'household_role' | 'created_at' | 'updated_at'>,
  tags: string[],
): ContactSummary => ({
  id: r.id,
  kind: r.kind as ContactKind,
  memberNumber: toNumber(r.member_number),
  displayName: r.display_name,
  email: r.email,
  phoneMobile: r.phone_mobile,
  place: r.place,
  tags,
  householdRole: (r.household_role as HouseholdRole | null) ?? null,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/**
 * What the audit trail keeps of a contact: its fields, tags, custom values by key and payer.
 * Updates store only the keys that changed.
 */
export const contactSnapshot = (c: Pick<Contact, keyof ContactFields | 'memberNumber' | 'tags' | 'customFields' | 'payer' | 'status'>) => ({
  kind: c.kind,
  memberNumber: c.memberNumber,
  status: c.status,
  salutation: c.salutation,
  firstNames: c.firstNames,
  initial: c.initial,
  lastName: c.lastName,
  birthDate: c.birthDate,
  gender: c.gender,
  orgName: c.orgName,
  orgNumber: c.orgNumber,
  vatNumber: c.vatNumber,
  addressLines: c.addressLines,
  postcode: c.postcode,
  place: c.place,
  region: c.region,
  country: c.country,
  phoneHome: c.phoneHome,
  phoneWork: c.phoneWork,
  phoneMobile: c.phoneMobile,
  email: c.email,
  invoiceDelivery: c.invoiceDelivery,
  language: c.language,
  note: c.note,
  payerId: c.payer?.id ?? null,
  tags: c.tags,
  customFields: c.customFields,
});

/** Whether two values give the same JSON (null for undefined), without writing out plain values (imports compare thousands). */
export const sameJson = (a: unknown, b: unknown): boolean => {
  const x = a ?? null;
  const y = b ?? null;
  if (x === y) return true;
  const plain = (v: unknown) => v === null || (typeof v !== 'object' && typeof v !== 'number');
  if (plain(x) && plain(y)) return false;
  return JSON.stringify(x) === JSON.stringify(y);
};

/** The keys whose values differ, as { before, after } halves. Null when nothing changed. */
export const diffSnapshots = (before: Record<string, unknown>, after: Record<string, unknown>) => {
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (!sameJson(before[key], after[key])) {
      b[key] = before[key] ?? null;
      a[key] = after[key] ?? null;
    }
  }
  return Object.keys(a).length ? { before: b, after: a } : null;
};

// ---- many contacts at once (the CSV import)

/** `column in (numbers)` for integer columns: an int8 array on PostgreSQL, a parameter list padded to a power of two on SQLite. */
const numbersIn = (db: Db, column: string, values: readonly number[]): RawBuilder<boolean> => {
  if (dbKind(db) === 'postgres') return sql<boolean>`${sql.ref(column)} = any(${values.map(String)}::int8[])`;
  if (!values.length) return sql<boolean>`0 = 1`;
  let n = 1;
  while (n < values.length) n *= 2;
  const padded = [...values, ...Array<number>(n - values.length).fill(values[values.length - 1]!)];
  return sql<boolean>`${sql.ref(column)} in (${sql.join(padded.map((v) => sql`${v}`))})`;
};

const inChunks = async <T, R>(values: readonly T[], size: number, fn: (chunk: T[]) => Promise<R[]>): Promise<R[]> => {
  const out: R[] = [];
  for (let i = 0; i < values.length; i += size) out.push(...(await fn(values.slice(i, i + size))));
  return out;
};

/**
 * The contacts holding any of these member numbers, and those with any of these e-mails (oldest
 * first), whole rows. `forUpdate` locks them until the transaction ends (PostgreSQL), so an import
 * changing them cannot overwrite someone else's change made in between.
 */
export const findContactRowsByKeys = async (
  db: Db,
  keys: { numbers: readonly number[]; emails: readonly string[] },
  opts: { forUpdate?: boolean } = {},
): Promise<{ byNumber: ContactRow[]; byEmail: ContactRow[] }> => {
  const lock = opts.forUpdate && dbKind(db) === 'postgres';
  const byNumber = await inChunks(keys.numbers, 1000, (chunk) => {
    const q = db.selectFrom('contact').selectAll().where(numbersIn(db, 'member_number', chunk));
    return (lock ? q.forUpdate() : q).execute();
  });
  const byEmail = (
    await inChunks(keys.emails, 1000, (chunk) => {
      const q = db.selectFrom('contact').selectAll().where(inList(db, 'email', chunk));
      return (lock ? q.forUpdate() : q).execute();
    })
  ).sort((a, b) => byText(a.created_at, b.created_at) || byText(a.id, b.id));
  return { byNumber, byEmail };
};

/** Tags of many contacts (each list sorted, as loadTags gives it). */
export const loadTagsOf = async (db: Db, contactIds: readonly string[]): Promise<Map<string, string[]>> => {
  const map = new Map<string, string[]>(contactIds.map((id) => [id, []]));
  const rows = await inChunks(contactIds, 1000, (chunk) => db.selectFrom('contact_tag').select(['contact_id', 'tag']).where(inList(db, 'contact_id', chunk)).execute());
  for (const r of rows) map.get(r.contact_id)?.push(r.tag);
  for (const list of map.values()) list.sort(byText);
  return map;
};

/** Stored custom values of many contacts, by contact id and field id (loadFieldValues for many). */
export const loadFieldValuesOf = async (db: Db, contactIds: readonly string[]): Promise<Map<string, Record<string, string>>> => {
  const map = new Map<string, Record<string, string>>();
  const rows = await inChunks(contactIds, 1000, (chunk) =>
    db.selectFrom('contact_field_value').select(['contact_id', 'field_id', 'value']).where(inList(db, 'contact_id', chunk)).execute(),
  );
  for (const r of rows) {
    let values = map.get(r.contact_id);
    if (!values) map.set(r.contact_id, (values = {}));
    values[r.field_id] = r.value;
  }
  return map;
};

/** The current consent per kind (the newest row) of many contacts, with that row's time. */
export const loadConsentStatesOf = async (db: Db, contactIds: readonly string[]): Promise<Map<string, Partial<Record<ConsentKind, { granted: boolean; at: string }>>>> => {
  const map = new Map<string, Partial<Record<ConsentKind, { granted: boolean; at: string }>>>();
  const rows = await inChunks(contactIds, 1000, (chunk) =>
    db.selectFrom('consent').select(['contact_id', 'kind', 'granted', 'at', 'id']).where(inList(db, 'contact_id', chunk)).execute(),
  );
  // Newest first (at, then id, descending), as currentConsentStates reads them.
  rows.sort((a, b) => byText(b.at, a.at) || byText(b.id, a.id));
  for (const r of rows) {
    let states = map.get(r.contact_id);
    if (!states) map.set(r.contact_id, (states = {}));
    if (!(r.kind in states)) states[r.kind as ConsentKind] = { granted: Boolean(toNumber(r.granted)), at: r.at };
  }
  return map;
};

/** The contact table's columns in the order insertContactRows takes each row's values. */
export const CONTACT_INSERT_COLUMNS = [
  'id', 'member_number', 'status', 'kind', 'salutation', 'first_names', 'initial', 'last_name', 'birth_date', 'gender', 'org_name', 'org_number', 'vat_number',
  'display_name', 'sort_name', 'address_lines', 'postcode', 'place', 'region', 'country', 'phone_home', 'phone_work', 'phone_mobile', 'email', 'invoice_delivery',
  'language', 'note', 'search_text', 'payer_id', 'household_id', 'household_role', 'pseudo_email', 'version', 'created_at', 'updated_at', 'erased_at',
] as const;

type ContactColumns = ReturnType<typeof columnsOf>;

/** A new contact's row values in CONTACT_INSERT_COLUMNS order (no payer or household yet, version 1). */
export const newContactValues = (id: string, memberNumber: number, columns: ContactColumns, pseudoEmail: boolean, now: string): unknown[] => {
  const row: Record<(typeof CONTACT_INSERT_COLUMNS)[number], unknown> = {
    id, member_number: memberNumber, status: 'active', ...columns, payer_id: null, household_id: null, household_role: null,
    pseudo_email: pseudoEmail ? 1 : 0, version: 1, created_at: now, updated_at: now, erased_at: null,
  };
  return CONTACT_INSERT_COLUMNS.map((c) => row[c]);
};

const SORT_NAME_AT = CONTACT_INSERT_COLUMNS.indexOf('sort_name');

/**
 * Inserts new contacts (rows from newContactValues), hundreds per statement; the search triggers
 * fill contact_search. The rows go in name-key order: SQLite's FTS5 table is keyed by name (0014)
 * and writes out what it holds in memory whenever a key comes lower than the one before, which in
 * random order is every other row (twice the time per contact).
 */
export const insertContactRows = (tx: Db, rows: unknown[][]): Promise<void> => {
  const keyed = rows.map((row) => ({ row, key: nameKey(String(row[SORT_NAME_AT]), SQLITE_KEY_CHARS) }));
  keyed.sort((a, b) => a.key - b.key);
  return insertRows(tx, 'contact', CONTACT_INSERT_COLUMNS, keyed.map((k) => k.row), 512);
};

/** The columns a change of a contact's fields may set, in the order updateContactRows lists them. */
const CONTACT_UPDATE_COLUMNS = [...CONTACT_INSERT_COLUMNS.slice(3, 28), 'pseudo_email', 'version', 'updated_at'] as const;
const UPDATE_CASTS = { casts: { pseudo_email: 'integer', version: 'integer' }, perChunk: 512 };

/**
 * What a change writes to a contact's row: the columns whose values differ from the stored row,
 * pseudo_email when the e-mail changed, and always the next version and updated_at. Leaving equal
 * columns out spares the indexes (and SQLite's search trigger, which rewrites the contact's trigram
 * entries whenever search_text is set).
 */
export const changedContactColumns = (
  row: ContactRow,
  columns: ContactColumns,
  change: { pseudoEmail?: number; version: number; now: string },
): Record<string, unknown> => {
  const set: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(columns)) if (v !== (row as unknown as Record<string, unknown>)[k]) set[k] = v;
  if (change.pseudoEmail !== undefined) set.pseudo_email = change.pseudoEmail;
  set.version = change.version;
  set.updated_at = change.now;
  return set;
};

/** Updates many contacts by id (sets from changedContactColumns): one statement per chunk of rows that set the same columns. */
export const updateContactRows = async (tx: Db, rows: Array<{ id: string; set: Record<string, unknown> }>): Promise<void> => {
  const groups = new Map<string, { columns: string[]; rows: unknown[][] }>();
  for (const r of rows) {
    const columns = CONTACT_UPDATE_COLUMNS.filter((c) => c in r.set);
    const key = columns.join(',');
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { columns, rows: [] }));
    group.rows.push([r.id, ...columns.map((c) => r.set[c])]);
  }
  for (const g of groups.values()) await updateRows(tx, 'contact', 'id', g.columns, g.rows, UPDATE_CASTS);
};

/** Adds tags to many contacts (pairs of contact id and tag). */
export const insertTagRows = (tx: Db, rows: Array<[string, string]>): Promise<void> => insertRows(tx, 'contact_tag', ['contact_id', 'tag'], rows, 4096);

/** Custom values for many contacts: removes the listed (contact, field) pairs, then inserts the new values. */
export const replaceFieldValueRows = async (tx: Db, remove: Array<[string, string]>, insert: Array<[string, string, string]>): Promise<void> => {
  const byField = new Map<string, string[]>();
  for (const [contactId, fieldId] of remove) byField.set(fieldId, [...(byField.get(fieldId) ?? []), contactId]);
  for (const [fieldId, contactIds] of byField) {
    for (let i = 0; i < contactIds.length; i += 1000) {
      await tx.deleteFrom('contact_field_value').where('field_id', '=', fieldId).where(inList(tx, 'contact_id', contactIds.slice(i, i + 1000))).execute();
    }
  }
  await insertRows(tx, 'contact_field_value', ['contact_id', 'field_id', 'value'], insert, 4096);
};
