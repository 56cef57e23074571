import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import { dbKind, toNumber } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { validation } from '../../kernel/app-error.ts';
import { CONSENT_KINDS, CONTACT_KINDS, CONTACT_STATUSES, searchTerms, type ConsentKind, type ContactKind, type ContactStatus, type ContactSummary } from './contact.ts';
import { loadCustomFields, loadTags, toSummary } from './contact-store.ts';
import { checkFieldValue } from './custom-field.ts';

/**
 * The contacts list: search, filters, sort and paging. The same filter serves bulk tagging, saved
 * views and the CSV export, and gives the same rows on SQLite and PostgreSQL.
 */
export const CONTACT_SORTS = ['displayName', 'memberNumber', 'createdAt', 'updatedAt', 'email', 'place'] as const;
export type ContactSort = (typeof CONTACT_SORTS)[number];

/** The filter keys of the list query (GET /contacts), as the query string carries them. */
export const FILTER_KEYS = ['q', 'kind', 'tag', 'hasEmail', 'householdRole', 'consent', 'status'] as const;
export const FIELD_PREFIX = 'field.';

/** A filter as it arrives: the list query's keys (values text, or booleans from JSON) plus `field.<key>`. */
export type RawContactFilter = Record<string, string | boolean | number | undefined>;

export interface ContactFilter {
  q?: string;
  kind?: ContactKind;
  tags?: string[];
  hasEmail?: boolean;
  householdRole?: 'primary' | 'secondary' | 'none';
  consent?: { kind: ConsentKind; granted: boolean };
  /** Custom field id → stored value it must equal. */
  fields?: Array<{ fieldId: string; value: string }>;
  status: ContactStatus;
}

const text = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : String(v).trim() || undefined);

/**
 * Checks a raw filter and resolves custom field keys and values (a number field compares "12.0"
 * as 12). Unknown keys and bad values are refused with what would work instead.
 */
export const resolveContactFilter = async (db: Kysely<DB>, raw: RawContactFilter, opts: { ignore?: readonly string[] } = {}): Promise<ContactFilter> => {
  const filter: ContactFilter = { status: 'active' };
  const fieldEntries: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined || opts.ignore?.includes(key)) continue;
    if (key.startsWith(FIELD_PREFIX)) {
      const v = text(value);
      if (v !== undefined) fieldEntries.push([key.slice(FIELD_PREFIX.length), v]);
    } else if (!(FILTER_KEYS as readonly string[]).includes(key)) {
      throw validation(`"${key}" is not a contact filter. Filters: ${FILTER_KEYS.join(', ')}, and field.<key> for custom fields.`, { field: key });
    }
  }

  filter.q = text(raw.q);
  const kind = text(raw.kind);
  if (kind) {
    if (!CONTACT_KINDS.includes(kind as ContactKind)) throw validation('kind must be person or organization.', { field: 'kind' });
    filter.kind = kind as ContactKind;
  }
  const tag = text(raw.tag);
  if (tag) filter.tags = [...new Set(tag.split(',').map((t) => t.replace(/\s+/g, ' ').trim()).filter(Boolean))];
  const hasEmail = text(raw.hasEmail);
  if (hasEmail) {
    if (hasEmail !== 'true' && hasEmail !== 'false') throw validation('hasEmail must be true or false.', { field: 'hasEmail' });
    filter.hasEmail = hasEmail === 'true';
  }
  const role = text(raw.householdRole);
  if (role) {
    if (role !== 'primary' && role !== 'secondary' && role !== 'none') throw validation('householdRole must be primary, secondary or none.', { field: 'householdRole' });
    filter.householdRole = role;
  }
  const consent = text(raw.consent);
  if (consent) {
    const [k, state] = consent.split(':');
    if (!CONSENT_KINDS.includes(k as ConsentKind) || (state !== 'granted' && state !== 'not_granted')) {
      throw validation(`consent must look like info_email:granted or info_email:not_granted; kinds are ${CONSENT_KINDS.join(', ')}.`, { field: 'consent' });
    }
    filter.consent = { kind: k as ConsentKind, granted: state === 'granted' };
  }
  const status = text(raw.status);
  if (status) {
    if (!CONTACT_STATUSES.includes(status as ContactStatus)) throw validation('status must be active or erased.', { field: 'status' });
    filter.status = status as ContactStatus;
  }
  if (fieldEntries.length) {
    const defs = await loadCustomFields(db);
    filter.fields = fieldEntries.map(([key, value]) => {
      const def = defs.find((d) => d.key === key);
      if (!def) {
        const known = defs.filter((d) => !d.archived).map((d) => d.key);
        throw validation(`There is no custom field "${key}" to filter on.${known.length ? ` Fields: ${known.join(', ')}.` : ''}`, { field: `field.${key}` });
      }
      const check = checkFieldValue(def, value);
      if (!check.ok) throw validation(check.message, { field: `field.${key}` });
      return { fieldId: def.id, value: check.value! };
    });
  }
  return filter;
};

/** Escapes LIKE wildcards so a search for "50%" finds the text "50%". */
const likeContaining = (term: string) => `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * An FTS5 trigram phrase: the term's trigrams in a row, i.e. the term as a substring. MATCH uses the
 * trigram index; LIKE with an ESCAPE clause would not (SQLite then scans the whole table).
 */
const trigramPhrase = (term: string) => `"${term.replace(/"/g, '""')}"`;

type ContactQuery = SelectQueryBuilder<DB, 'contact', {}>;

/**
 * The contacts matching a filter, as a query to select from. Search terms must all be found in
 * the folded search text: PostgreSQL's trigram index serves `like`; on SQLite the FTS5 trigram table
 * does for terms of three characters or more.
 */
export const filteredContacts = (db: Kysely<DB>, filter: ContactFilter): ContactQuery => {
  let query = db.selectFrom('contact').where('contact.status', '=', filter.status);
  const sqlite = dbKind(db) === 'sqlite';
  for (const term of filter.q ? searchTerms(filter.q) : []) {
    const pattern = likeContaining(term);
    query =
      sqlite && [...term].length >= 3
        ? query.where(sql<boolean>`contact.rowid in (select rowid from contact_search where contact_search match ${trigramPhrase(term)})`)
        : query.where(sql<boolean>`contact.search_text like ${pattern} escape '\\'`);
  }
  if (filter.kind) query = query.where('contact.kind', '=', filter.kind);
  for (const tag of filter.tags ?? []) {
    query = query.where((eb) =>
      eb.exists(eb.selectFrom('contact_tag as t').select(sql`1`.as('one')).whereRef('t.contact_id', '=', 'contact.id').where('t.tag', '=', tag)),
    );
  }
  if (filter.hasEmail === true) query = query.where('contact.email', 'is not', null).where('contact.pseudo_email', '=', 0);
  if (filter.hasEmail === false) query = query.where((eb) => eb.or([eb('contact.email', 'is', null), eb('contact.pseudo_email', '=', 1)]));
  if (filter.householdRole === 'none') query = query.where('contact.household_role', 'is', null);
  else if (filter.householdRole) query = query.where('contact.household_role', '=', filter.householdRole);
  if (filter.consent) {
    // The current consent is the newest row for the kind; no row means not granted.
    const newest = sql<number>`(select c.granted from consent c where c.contact_id = contact.id and c.kind = ${filter.consent.kind} order by c.at desc, c.id desc limit 1)`;
    query = filter.consent.granted ? query.where(sql<boolean>`${newest} = 1`) : query.where(sql<boolean>`coalesce(${newest}, 0) = 0`);
  }
  for (const f of filter.fields ?? []) {
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('contact_field_value as v')
          .select(sql`1`.as('one'))
          .whereRef('v.contact_id', '=', 'contact.id')
          .where('v.field_id', '=', f.fieldId)
          .where('v.value', '=', f.value),
      ),
    );
  }
  return query;
};

/** Sorts by a whitelisted column; text sorts use byte order on both databases, empty values last, then id. */
const ordered = <O>(db: Kysely<DB>, query: SelectQueryBuilder<DB, 'contact', O>, sort: { column: ContactSort; direction: 'asc' | 'desc' }) => {
  const pg = dbKind(db) === 'postgres';
  const bytes = (column: string) => (pg ? sql`${sql.ref(column)} collate "C"` : sql.ref(column));
  const dir = sort.direction;
  switch (sort.column) {
    case 'displayName':
      query = query.orderBy(bytes('contact.sort_name'), dir);
      break;
    case 'memberNumber':
      query = query.orderBy('contact.member_number', dir);
      break;
    case 'createdAt':
      query = query.orderBy('contact.created_at', dir);
      break;
    case 'updatedAt':
      query = query.orderBy('contact.updated_at', dir);
      break;
    case 'email':
    case 'place': {
      const column = sort.column === 'email' ? 'contact.email' : 'contact.place';
      query = query.orderBy(sql`case when ${sql.ref(column)} is null then 1 else 0 end`).orderBy(bytes(column), dir);
      break;
    }
  }
  return query.orderBy('contact.id', dir);
};

export interface ListContactsSpec {
  filter: ContactFilter;
  sort: { column: ContactSort; direction: 'asc' | 'desc' };
  limit: number;
  offset: number;
}

const SUMMARY_COLUMNS = [
  'contact.id',
  'contact.kind',
  'contact.member_number',
  'contact.display_name',
  'contact.email',
  'contact.phone_mobile',
  'contact.place',
  'contact.household_role',
  'contact.created_at',
  'contact.updated_at',
] as const;

export const listContacts = async (db: Kysely<DB>, spec: ListContactsSpec): Promise<{ items: ContactSummary[]; total: number }> => {
  const { rows, total } = spec.filter.q ? await searchPage(db, spec) : await listPage(db, spec);
  const tags = await loadTags(db, rows.map((r) => r.id));
  return { items: rows.map((r) => toSummary(r, tags.get(r.id) ?? [])), total };
};

/** Without a search the name index gives the page in order; the count is a second query. */
const listPage = async (db: Kysely<DB>, spec: ListContactsSpec) => {
  const base = filteredContacts(db, spec.filter);
  const total = toNumber((await base.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const rows = await ordered(db, base.select(SUMMARY_COLUMNS), spec.sort).limit(spec.limit).offset(spec.offset).execute();
  return { rows, total };
};

/**
 * With a search, find the matches first (trigram index) and sort only them, counting them in the
 * same pass. Left to itself PostgreSQL walks the name index and tests every contact for a common
 * name (seconds at a million contacts); `offset 0` keeps the search a subquery of its own.
 */
const searchPage = async (db: Kysely<DB>, spec: ListContactsSpec) => {
  const inner = filteredContacts(db, spec.filter).select([...SUMMARY_COLUMNS, 'contact.sort_name']);
  // SQLite already starts from the trigram table's matches (and takes OFFSET only after LIMIT).
  const matches = (dbKind(db) === 'postgres' ? inner.offset(0) : inner).as('contact');
  // The subquery is named like the table, so the shared ordering applies to it unchanged.
  const page = db.selectFrom(matches).selectAll().select(sql<number | string>`count(*) over ()`.as('total_matches'));
  const rows = await ordered(db, page as unknown as SelectQueryBuilder<DB, 'contact', (typeof page extends SelectQueryBuilder<any, any, infer O> ? O : never)>, spec.sort)
    .limit(spec.limit)
    .offset(spec.offset)
    .execute();
  const first = rows[0];
  if (first) return { rows, total: toNumber(first.total_matches) };
  // A page past the end has no row to carry the count.
  const { n } = await filteredContacts(db, spec.filter).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  return { rows, total: toNumber(n) };
};

/** Ids of every contact matching a filter, in list order (bulk actions, exports). */
export const contactIdsMatching = async (db: Kysely<DB>, filter: ContactFilter, sort: ListContactsSpec['sort'] = { column: 'displayName', direction: 'asc' }) =>
  (await ordered(db, filteredContacts(db, filter).select('contact.id'), sort).execute()).map((r) => r.id);
