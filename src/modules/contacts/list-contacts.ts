import { sql, type Kysely, type Selectable, type SelectQueryBuilder } from 'kysely';
import { dbKind, toNumber } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { validation } from '../../kernel/app-error.ts';
import { CONSENT_KINDS, CONTACT_KINDS, CONTACT_STATUSES, searchTerms, type ConsentKind, type ContactKind, type ContactStatus, type ContactSummary } from './contact.ts';
import { loadCustomFields, loadTags, toSummary } from './contact-store.ts';
import { checkFieldValue } from './custom-field.ts';
import { lowestAboveKey, lowestWithKey, POSTGRES_KEY_CHARS, SQLITE_KEY_CHARS, SQLITE_ROWID_BITS } from './name-key.ts';

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
 * The schema with SQLite's FTS5 table (migrations 0010 and 0014), which the generated types leave
 * out. Its rowid is the name key (see name-key.ts) above the contact's rowid.
 */
type SearchDB = DB & { contact_search: { rowid: number; search_text: string; sort_name: string; id: string; contact_search: string } };

/** The contact's rowid in an FTS5 rowid: its low 28 bits. */
const CONTACT_ROWID = sql<number>`(contact_search.rowid & ${sql.raw(String(2 ** SQLITE_ROWID_BITS - 1))})`;
/** The name key in an FTS5 rowid: the bits above the contact's rowid. */
const NAME_KEY = sql<number>`(contact_search.rowid >> ${sql.raw(String(SQLITE_ROWID_BITS))})`;

/**
 * How a search is asked: on SQLite every term of three characters or more goes into one FTS5
 * expression (`"a" AND "b"`, which FTS5 intersects itself; one `rowid in (…)` per term read every
 * match of each). The FTS5 table holds active contacts only, so shorter terms, terms for erased
 * contacts, and every term on PostgreSQL (whose trigram index serves `like`) are `like` patterns.
 */
const searchParts = (db: Kysely<DB>, filter: ContactFilter) => {
  const fts = dbKind(db) === 'sqlite' && filter.status === 'active';
  const phrases: string[] = [];
  const likes: string[] = [];
  for (const term of filter.q ? searchTerms(filter.q) : []) {
    if (fts && [...term].length >= 3) phrases.push(trigramPhrase(term));
    else likes.push(likeContaining(term));
  }
  return { fts: phrases.length ? phrases.join(' AND ') : null, likes };
};

/** Every search word as a `like` pattern (for paths that test `search_text` directly). */
const likePatterns = (filter: ContactFilter): string[] => (filter.q ? searchTerms(filter.q) : []).map(likeContaining);

/** Nothing but the search words narrows the list (the FTS5 table alone can answer it on SQLite). */
const searchOnly = (filter: ContactFilter) =>
  filter.status === 'active' && !filter.kind && !filter.tags?.length && filter.hasEmail === undefined && !filter.householdRole && !filter.consent && !filter.fields?.length;

/** The filter's conditions other than the FTS5 match, on a query that has `contact` in it. */
const withConditions = (query: ContactQuery, filter: ContactFilter, likes: string[]): ContactQuery => {
  query = query.where('contact.status', '=', filter.status);
  for (const pattern of likes) query = query.where(sql<boolean>`contact.search_text like ${pattern} escape '\\'`);
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

/**
 * The contacts matching a filter, as a query to select from. Search terms must all be found in
 * the folded search text: PostgreSQL's trigram index serves `like`; on SQLite the FTS5 trigram table
 * does for terms of three characters or more.
 */
export const filteredContacts = (db: Kysely<DB>, filter: ContactFilter): ContactQuery => {
  const { fts, likes } = searchParts(db, filter);
  let query = db.selectFrom('contact');
  if (fts) query = query.where(sql<boolean>`contact.rowid in (select ${CONTACT_ROWID} from contact_search where contact_search match ${fts})`);
  return withConditions(query, filter, likes);
};

/**
 * The same rows with the FTS5 table as the outer loop on SQLite (CROSS JOIN fixes the order), so
 * matches stream out of the trigram index and a LIMIT stops reading it early. `rowid in (…)` reads
 * every match first, which for a common name at a million contacts is most of the time spent.
 * Elsewhere (PostgreSQL, or no term of three characters) it is `filteredContacts`.
 */
const searchDriven = (db: Kysely<DB>, filter: ContactFilter): ContactQuery => {
  const { fts, likes } = searchParts(db, filter);
  if (!fts) return filteredContacts(db, filter);
  const query = (db as unknown as Kysely<SearchDB>)
    .selectFrom('contact_search')
    .crossJoin('contact')
    .where(sql<boolean>`contact_search match ${fts}`)
    .where(sql<boolean>`contact.rowid = ${CONTACT_ROWID}`);
  // Every condition and column names `contact`, so the query is used like one on that table alone.
  return withConditions(query as unknown as ContactQuery, filter, likes);
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

/**
 * Counts stop after this many matches: the list then says "10,000+" instead of counting every
 * contact named Hansen, which at a million contacts costs far more than finding the page.
 */
export const CONTACT_COUNT_CAP = 10_000;

export interface ListContactsSpec {
  filter: ContactFilter;
  sort: { column: ContactSort; direction: 'asc' | 'desc' };
  limit: number;
  offset: number;
  /** Count at most this many matches (default CONTACT_COUNT_CAP). */
  countCap?: number;
  /** A search of short words first reads this many contacts in name order (default NAME_WALK). */
  nameWalk?: number;
  /** Matches a search on SQLite sorts and counts in one statement (default ONE_PASS). */
  onePass?: number;
  /** Matches of one name key a search on SQLite sorts rather than walking the names (default GROUP_READ). */
  groupRead?: number;
}

export interface ContactPage {
  items: ContactSummary[];
  /** How many contacts match, or the cap when more do (`totalCapped`). */
  total: number;
  /** More than `total` contacts match: show "10,000+". */
  totalCapped: boolean;
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

type SummaryRow = Pick<Selectable<DB['contact']>, 'id' | 'kind' | 'member_number' | 'display_name' | 'email' | 'phone_mobile' | 'place' | 'household_role' | 'created_at' | 'updated_at'>;

/**
 * A page of the list and how many contacts match (up to the cap). No way of asking reads the
 * whole registry unless the search itself needs it:
 * - no search: the count stops at the cap; the sort column's index gives the page in order;
 * - a search with nothing else to filter on: the search index of the active contacts counts up to
 *   the cap without reading `contact`, and a search with more matches than that finds its page in
 *   name order by reading the index in name order (SQLite `ftsPage`, PostgreSQL `narrowPage`);
 * - any other search: one pass over the matches sorts and counts them (see `searchPage`).
 */
export const listContacts = async (db: Kysely<DB>, spec: ListContactsSpec): Promise<ContactPage> => {
  const cap = spec.countCap ?? CONTACT_COUNT_CAP;
  const { rows, counted } = !spec.filter.q
    ? await listPage(db, spec, cap)
    : ftsAlone(db, spec.filter)
      ? await ftsPage(db, spec, cap)
      : narrowAlone(db, spec)
        ? await narrowPage(db, spec, cap)
        : await searchPage(db, spec, cap);
  const tags = await loadTags(db, rows.map((r) => r.id));
  const totalCapped = counted > cap;
  return { items: rows.map((r) => toSummary(r, tags.get(r.id) ?? [])), total: totalCapped ? cap : counted, totalCapped };
};

/** How many rows a query gives, reading at most `limit` of them. */
const countUpTo = async (db: Kysely<DB>, query: SelectQueryBuilder<any, any, any>, limit: number): Promise<number> => {
  const { n } = await db
    .selectFrom(query.select(sql`1`.as('one')).limit(limit).as('m'))
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return toNumber(n);
};

/** A page needs no query when it starts past the last match (and the count was not cut short). */
const pastTheEnd = (spec: ListContactsSpec, counted: number, cap: number) => counted <= cap && spec.offset >= counted;

/** No search: the count stops at the cap; the index of the sort column gives the page in order. */
const listPage = async (db: Kysely<DB>, spec: ListContactsSpec, cap: number) => {
  const counted = await countUpTo(db, filteredContacts(db, spec.filter), cap + 1);
  if (pastTheEnd(spec, counted, cap)) return { rows: [], counted };
  const rows = await ordered(db, filteredContacts(db, spec.filter).select(SUMMARY_COLUMNS), spec.sort).limit(spec.limit).offset(spec.offset).execute();
  return { rows: rows as SummaryRow[], counted };
};

/** SQLite, and nothing but search words of three characters or more: the FTS5 table can answer. */
const ftsAlone = (db: Kysely<DB>, filter: ContactFilter) => {
  if (dbKind(db) !== 'sqlite' || !searchOnly(filter)) return false;
  const { fts, likes } = searchParts(db, filter);
  return fts !== null && likes.length === 0;
};

/** A search word the trigram index can serve (three characters or more; on SQLite, among active contacts). */
const indexable = (db: Kysely<DB>, filter: ContactFilter) =>
  (dbKind(db) === 'postgres' || filter.status === 'active') && (filter.q ? searchTerms(filter.q) : []).some((t) => [...t].length >= 3);

/** Matches a search on SQLite sorts and counts in one statement before it counts them on their own. */
const ONE_PASS = 2500;

/** Contacts read in name order before a search of short words gives up on finding its page that way. */
const NAME_WALK = 2000;

/** Matches of the page's last name key sorted from the FTS5 table; more are walked in name order. */
const GROUP_READ = 2000;

/**
 * SQLite, only search words. The FTS5 table holds the active contacts with `sort_name` and `id`
 * beside its index, so matches are counted and sorted by name without reading `contact`; then the
 * page's rows are read. One statement reads the first ONE_PASS matches, sorting and counting them
 * (reading the trigram index is the costly part of a search, so most searches read it once); more
 * matches are counted up to the cap from the index alone, and the page is found in name order
 * (`nameOrderPage`) instead of sorting every match: 66,000 "hansen" at a million contacts.
 */
const ftsPage = async (db: Kysely<DB>, spec: ListContactsSpec, cap: number) => {
  const fts = searchParts(db, spec.filter).fts!;
  const sdb = db as unknown as Kysely<SearchDB>;
  const found = sdb.selectFrom('contact_search').where(sql<boolean>`contact_search match ${fts}`);
  const matches = found.select(CONTACT_ROWID.as('r')).select(['contact_search.sort_name', 'contact_search.id']);
  if (spec.sort.column !== 'displayName') {
    const counted = await countUpTo(db, found, cap + 1);
    if (pastTheEnd(spec, counted, cap)) return { rows: [], counted };
    const rows = await ordered(db, searchDriven(db, spec.filter).select(SUMMARY_COLUMNS), spec.sort).limit(spec.limit).offset(spec.offset).execute();
    return { rows: rows as SummaryRow[], counted };
  }
  const dir = spec.sort.direction;
  const sortedPage = <Q extends SelectQueryBuilder<any, any, any>>(query: Q) => query.orderBy('m.sort_name', dir).orderBy('m.id', dir).limit(spec.limit).offset(spec.offset) as Q;
  // Up to ONE_PASS matches (or the cap, if lower): sorted and counted in one statement.
  const onePass = Math.min(spec.onePass ?? ONE_PASS, cap);
  const first = await sortedPage(sdb.selectFrom(matches.limit(onePass + 1).as('m')).select(['m.r', 'm.sort_name', 'm.id', sql<number>`count(*) over ()`.as('n')])).execute();
  // An empty page from the start means no match; one further on does not say how many there are.
  let counted = first[0] ? toNumber(first[0].n) : spec.offset === 0 ? 0 : await countUpTo(db, found, onePass + 1);
  let page: Array<{ r: number }> = first;
  if (counted > onePass) {
    counted = await countUpTo(db, found, cap + 1);
    if (pastTheEnd(spec, counted, cap)) return { rows: [], counted };
    page = await nameOrderPage(db, spec, fts);
  }
  if (!page.length) return { rows: [], counted };
  const byRowid = new Map(
    (await sdb.selectFrom('contact').select(SUMMARY_COLUMNS).select(sql<number>`contact.rowid`.as('r')).where(sql<boolean>`contact.rowid in (${sql.join(page.map((p) => p.r))})`).execute()).map((row) => [row.r, row]),
  );
  return { rows: page.map((p) => byRowid.get(p.r)!).filter(Boolean) as SummaryRow[], counted };
};

/**
 * SQLite: the page of a search by name, read from the FTS5 table in name order. Its rowids order
 * the matches by name key (the first 7 characters), so the first `offset + limit` of them come out
 * of the trigram index first. Matches with a key before the last one read are all among them; those
 * with that key (the same first characters, such as 33,000 "pettersen") are not in order among
 * themselves, so they are sorted when there are at most GROUP_READ of them, and otherwise walked in
 * name order from the lowest name with that key, testing each contact's search text. Exact either
 * way: a larger key always sorts later. Returns contact rowids in page order.
 */
const nameOrderPage = async (db: Kysely<DB>, spec: ListContactsSpec, fts: string): Promise<Array<{ r: number }>> => {
  const sdb = db as unknown as Kysely<SearchDB>;
  const dir = spec.sort.direction;
  const wanted = spec.offset + spec.limit;
  const found = () => sdb.selectFrom('contact_search').where(sql<boolean>`contact_search match ${fts}`);
  const inKeyOrder = await found().select(NAME_KEY.as('k')).orderBy(sql`contact_search.rowid`, dir).limit(wanted).execute();
  const sorted = (query: ReturnType<typeof found>) => query.select(CONTACT_ROWID.as('r')).orderBy('contact_search.sort_name', dir).orderBy('contact_search.id', dir);
  // Fewer matches than the page needs (a page past the end): sort them all.
  const key = wanted > 0 && inKeyOrder.length === wanted ? inKeyOrder.at(-1)!.k : undefined;
  if (key === undefined) return sorted(found()).limit(spec.limit).offset(spec.offset).execute();
  const low = sql<number>`${key} << ${sql.raw(String(SQLITE_ROWID_BITS))}`;
  const high = sql<number>`((${key} + 1) << ${sql.raw(String(SQLITE_ROWID_BITS))}) - 1`;
  // One bound on the rowid each (FTS5 seeks to it; an `or` would read every match).
  const before = dir === 'asc' ? sql<boolean>`contact_search.rowid < ${low}` : sql<boolean>`contact_search.rowid > ${high}`;
  const upToKey = dir === 'asc' ? sql<boolean>`contact_search.rowid <= ${high}` : sql<boolean>`contact_search.rowid >= ${low}`;
  const groupRead = spec.groupRead ?? GROUP_READ;
  if ((await countUpTo(db, found().where(sql<boolean>`contact_search.rowid between ${low} and ${high}`), groupRead + 1)) <= groupRead) {
    return sorted(found().where(upToKey)).limit(spec.limit).offset(spec.offset).execute();
  }
  const earlier = await sorted(found().where(before)).execute();
  const likes = likePatterns(spec.filter);
  const bound = dir === 'asc' ? lowestWithKey(key, SQLITE_KEY_CHARS) : lowestAboveKey(key, SQLITE_KEY_CHARS);
  let walk = withConditions(db.selectFrom('contact'), spec.filter, likes);
  if (bound !== undefined) walk = walk.where('contact.sort_name', dir === 'asc' ? '>=' : '<', bound);
  const walked = await ordered(db, walk.select(sql<number>`contact.rowid`.as('r')), spec.sort).limit(wanted - earlier.length).execute();
  return [...earlier, ...walked].slice(spec.offset, wanted);
};

/** PostgreSQL, only search words (one of three characters or more), by name: `contact_search` answers. */
const narrowAlone = (db: Kysely<DB>, spec: ListContactsSpec) =>
  dbKind(db) === 'postgres' && searchOnly(spec.filter) && spec.sort.column === 'displayName' && indexable(db, spec.filter);

/** PostgreSQL's name keys are below this (5 bits per character, see name-key.ts). */
const POSTGRES_KEY_END = 32 ** POSTGRES_KEY_CHARS;

/**
 * PostgreSQL, only search words, by name: the narrow table of the active contacts (migration 0014)
 * counts the matches up to the cap and sorts them, reading neither `contact` nor more matches than
 * the cap. Past the cap its GiST index walks the names in order (`order by name_point <-> …`),
 * skipping parts of the index without a search word: the `offset + limit` first keys give the last
 * key the page needs, and the matches up to that key are sorted exactly. 66,000 "hansen" at a
 * million contacts no longer means 66,000 rows read from a 300 MB table. The planner is told not to
 * scan the table (it expects a common word's matches soon and reads 150,000 rows to count to the
 * cap) and, for the walk, not to use bitmaps (which read every match).
 */
const narrowPage = async (db: Kysely<DB>, spec: ListContactsSpec, cap: number) => {
  const likes = likePatterns(spec.filter);
  const matching = sql.join(likes.map((pattern) => sql`search_text like ${pattern} escape '\\'`), sql` and `);
  const asc = spec.sort.direction === 'asc';
  const dir = sql.raw(asc ? 'asc' : 'desc');
  const wanted = spec.offset + spec.limit;
  const inTransaction = async <T>(fn: (tx: Kysely<DB>) => Promise<T>) => (db.isTransaction ? fn(db) : db.transaction().execute(fn));
  const { ids, counted } = await inTransaction(async (tx) => {
    await sql`select set_config('enable_seqscan', 'off', true)`.execute(tx);
    const first = await sql<{ id: string; n: string }>`select id, count(*) over () as n
      from (select id, sort_name from contact_search where ${matching} limit ${cap + 1}) m
      order by sort_name collate "C" ${dir}, id ${dir} limit ${spec.limit} offset ${spec.offset}`.execute(tx);
    const counted = first.rows[0]
      ? toNumber(first.rows[0].n)
      : spec.offset === 0
        ? 0
        : toNumber((await sql<{ n: string }>`select count(*) as n from (select 1 from contact_search where ${matching} limit ${cap + 1}) m`.execute(tx)).rows[0]?.n);
    if (counted <= cap) return { ids: first.rows.map((r) => r.id), counted };
    await sql`select set_config('enable_bitmapscan', 'off', true)`.execute(tx);
    const origin = asc ? sql`point(0, 0)` : sql`point(${sql.lit(POSTGRES_KEY_END)}, ${sql.lit(POSTGRES_KEY_END)})`;
    const edge = sql.raw(asc ? 'max' : 'min');
    const last = sql`(select point(${edge}(k), ${edge}(k)) from (select name_point[0] as k from contact_search
      where name_point is not null and ${matching} order by name_point <-> ${origin} limit ${wanted}) w)`;
    const upTo = asc ? sql`box(point(0, 0), ${last})` : sql`box(${last}, ${origin})`;
    const page = await sql<{ id: string }>`select id from contact_search
      where name_point is not null and ${matching} and name_point <@ ${upTo}
      order by sort_name collate "C" ${dir}, id ${dir} limit ${spec.limit} offset ${spec.offset}`.execute(tx);
    return { ids: page.rows.map((r) => r.id), counted };
  });
  return { rows: await summariesOf(db, ids), counted };
};

/**
 * The page from the first NAME_WALK contacts in name order, testing each against the filter (search
 * words by `like` on its search text), or null when they hold fewer matches than the page needs:
 * the page lies further on, and sorting the matches is quicker. Exact either way, as contacts past
 * those sort after them.
 */
const nameWalk = async (db: Kysely<DB>, spec: ListContactsSpec): Promise<SummaryRow[] | null> => {
  const walk = spec.nameWalk ?? NAME_WALK;
  if (spec.sort.column !== 'displayName' || spec.offset + spec.limit > walk) return null;
  const first = ordered(db, db.selectFrom('contact').where('contact.status', '=', spec.filter.status).selectAll('contact'), spec.sort).limit(walk);
  const likes = likePatterns(spec.filter);
  const walked = withConditions(db.selectFrom(first.as('contact')) as unknown as ContactQuery, spec.filter, likes);
  const rows = (await ordered(db, walked.select(SUMMARY_COLUMNS), spec.sort).limit(spec.limit).offset(spec.offset).execute()) as SummaryRow[];
  return rows.length === spec.limit ? rows : null;
};

/** The column each sort reads (with `contact.id` for ties). */
const SORT_COLUMN = {
  displayName: 'contact.sort_name',
  memberNumber: 'contact.member_number',
  createdAt: 'contact.created_at',
  updatedAt: 'contact.updated_at',
  email: 'contact.email',
  place: 'contact.place',
} as const satisfies Record<ContactSort, string>;

/** The summary rows of the given contacts, in the order given. */
const summariesOf = async (db: Kysely<DB>, ids: string[]): Promise<SummaryRow[]> => {
  if (!ids.length) return [];
  const byId = new Map((await db.selectFrom('contact').select(SUMMARY_COLUMNS).where('contact.id', 'in', ids).execute()).map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id)).filter((r) => r !== undefined);
};

/**
 * Any other search: one pass over the matches (the trigram index first, then only the matching
 * rows) sorts them and counts them, carrying only the id and the sort column so the sort and the
 * count stay in memory; the page's rows are read afterwards. Left to itself PostgreSQL walks the
 * name index and tests every contact for a common name (seconds at a million contacts); `offset 0`
 * keeps the search a subquery of its own. SQLite reads the matches from the FTS5 table first.
 */
const searchPage = async (db: Kysely<DB>, spec: ListContactsSpec, cap: number) => {
  const pg = dbKind(db) === 'postgres';
  // Words too short for the trigram index ("ol", typed on the way to "olsen") are a scan either way;
  // they usually match much of the registry, so count to the cap and try the name order first.
  if (!indexable(db, spec.filter)) {
    const counted = await countUpTo(db, filteredContacts(db, spec.filter), cap + 1);
    if (pastTheEnd(spec, counted, cap)) return { rows: [], counted };
    const walked = counted > cap ? await nameWalk(db, spec) : null;
    if (walked) return { rows: walked, counted };
  }
  const inner = searchDriven(db, spec.filter).select(['contact.id', SORT_COLUMN[spec.sort.column]]);
  const matches = (pg ? db.selectFrom(inner.offset(0).as('contact')).selectAll() : inner) as typeof inner;
  const page = await ordered(db, matches.select(sql<number | string>`count(*) over ()`.as('total_matches')), spec.sort).limit(spec.limit).offset(spec.offset).execute();
  if (page[0]) return { rows: await summariesOf(db, page.map((r) => r.id)), counted: toNumber(page[0].total_matches) };
  if (spec.offset === 0) return { rows: [], counted: 0 };
  // A page past the end has no row to carry the count.
  const all = searchDriven(db, spec.filter).select('contact.id');
  return { rows: [], counted: await countUpTo(db, pg ? db.selectFrom(all.offset(0).as('m')) : all, cap + 1) };
};

/** Ids of every contact matching a filter, in list order (bulk actions, exports). */
export const contactIdsMatching = async (db: Kysely<DB>, filter: ContactFilter, sort: ListContactsSpec['sort'] = { column: 'displayName', direction: 'asc' }) =>
  (await ordered(db, filteredContacts(db, filter).select('contact.id'), sort).execute()).map((r) => r.id);
