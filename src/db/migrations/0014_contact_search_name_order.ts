import { sql, type Kysely } from 'kysely';
import { PostgresAdapter } from 'kysely';

/**
 * A search for a common name ("hansen": 66,000 of a million contacts) read every match to find the
 * first page in name order: 50–80 ms on SQLite, 100–280 ms on PostgreSQL. Both databases now keep
 * the search index in name order, so the first page is found by reading a few matches in order.
 *
 * The order comes from a name key: the first characters of `sort_name`, 5 bits each, as a number
 * that never decreases as the name sorts later. Space, comma, hyphen and a–y keep their own values;
 * every other character stands for its range (before space, between space and comma, between hyphen
 * and "a", "z" and beyond) and ends the key, so names that differ only after it share one.
 *
 * SQLite: the FTS5 table's rowid becomes the name key of the first 7 characters (35 bits) above the
 * contact's rowid (28 bits): matches stream out of the trigram index in name order, group by group,
 * and the contact is still found from the rowid. The table is filled again with the new rowids.
 * The cost is on writes: FTS5 writes out what it holds in memory whenever a rowid comes lower than
 * the one before, so an INSERT of contacts in random name order takes up to twice as long as
 * before; the app's bulk insert (imports) sorts its rows by name key.
 *
 * PostgreSQL: a narrow table of the active contacts (id, sort_name, search_text and the key of the
 * first 10 characters, 50 bits, exact as a float), kept by triggers, with two indexes: a GIN
 * trigram index to count matches without reading the 300 MB contact table, and a GiST index on the
 * key and the trigrams, which walks the names in order and skips subtrees whose trigram signature
 * lacks a search word (`order by name_point <-> point(0, 0)`). The key is a point on the diagonal
 * (core GiST's point ordering, so no extension beyond pg_trgm): GiST orders points by distance and
 * splits boxes by area, and points on a line would all have area 0. The GiST index is partial so that plain searches, which cannot use it well, never
 * pick it: only queries that name its condition (`name_point is not null`) can.
 */
const SQLITE_KEY_CHARS = 7;
const SQLITE_ROWID_BITS = 28;
const POSTGRES_KEY_CHARS = 10;

/**
 * The SQLite expression of the name key of `col` (a nested CASE per character: SQLite has no loops,
 * and CTEs are not allowed in triggers). `unicode(substr(…))` is the code point, NULL past the end.
 */
const sqliteNameKey = (col: string): string => {
  const at = (i: number) => `unicode(substr(${col}, ${i}, 1))`;
  const part = (i: number): string => {
    const c = at(i);
    const value = `(case when ${c} is null or ${c} < 32 then 0 when ${c} = 32 then 1 when ${c} < 44 then 2 when ${c} = 44 then 3 when ${c} = 45 then 4 when ${c} < 97 then 5 when ${c} < 122 then ${c} - 91 else 31 end) * ${32 ** (SQLITE_KEY_CHARS - i)}`;
    if (i === SQLITE_KEY_CHARS) return value;
    return `${value} + (case when ${c} in (32, 44, 45) or ${c} between 97 and 121 then ${part(i + 1)} else 0 end)`;
  };
  return `(${part(1)})`;
};

/** The FTS5 rowid of a contact: name key above its rowid. */
const sqliteSearchRowid = (row: 'new' | 'old' | 'contact') => `((${sqliteNameKey(`${row}.sort_name`)} << ${SQLITE_ROWID_BITS}) | ${row}.rowid)`;

export async function up(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) return upPostgres(db);
  const limit = 2 ** SQLITE_ROWID_BITS;
  const { max } = (await sql<{ max: number | null }>`select max(rowid) as max from contact`.execute(db)).rows[0] ?? { max: null };
  if ((max ?? 0) >= limit) throw new Error(`Contact rowids reach ${max}; the search index holds rowids below ${limit}.`);
  for (const t of ['contact_search_ai', 'contact_search_ad', 'contact_search_au']) await sql`drop trigger ${sql.ref(t)}`.execute(db);
  // The table of 0010 keeps its columns and loses its rows (dropping a contentless_unindexed FTS5
  // table leaves its content table behind, which SQLite then refuses to drop or create again).
  await sql`insert into contact_search(contact_search) values ('delete-all')`.execute(db);
  // In rowid order: FTS5 then appends to what it holds in memory instead of writing it out per row.
  await sql`insert into contact_search(rowid, search_text, sort_name, id)
    select ${sql.raw(sqliteSearchRowid('contact'))} as k, search_text, sort_name, id from contact where status = 'active' order by k`.execute(db);
  // A contact rowid needs 28 bits: 268 million contacts created over the registry's life.
  const guard = sql.raw(`select raise(abort, 'The contact search index holds contact rowids below ${limit}.') where new.rowid >= ${limit};`);
  await sql`create trigger contact_search_ai after insert on contact when new.status = 'active' begin ${guard}
    insert into contact_search(rowid, search_text, sort_name, id) values (${sql.raw(sqliteSearchRowid('new'))}, new.search_text, new.sort_name, new.id); end`.execute(db);
  await sql`create trigger contact_search_ad after delete on contact when old.status = 'active' begin
    delete from contact_search where rowid = ${sql.raw(sqliteSearchRowid('old'))}; end`.execute(db);
  await sql`create trigger contact_search_au after update of search_text, sort_name, id, status on contact begin ${guard}
    delete from contact_search where rowid = ${sql.raw(sqliteSearchRowid('old'))} and old.status = 'active';
    insert into contact_search(rowid, search_text, sort_name, id)
      select ${sql.raw(sqliteSearchRowid('new'))}, new.search_text, new.sort_name, new.id where new.status = 'active'; end`.execute(db);
}

const upPostgres = async (db: Kysely<any>): Promise<void> => {
  await sql`create function contact_name_key(name text) returns double precision language plpgsql immutable strict parallel safe as $$
    declare
      k double precision := 0;
      c int;
      v int;
      open boolean := true;
    begin
      for i in 1..${sql.raw(String(POSTGRES_KEY_CHARS))} loop
        c := case when open then ascii(substr(name, i, 1)) else 0 end;
        v := case when c < 32 then 0 when c = 32 then 1 when c < 44 then 2 when c = 44 then 3 when c = 45 then 4
                  when c < 97 then 5 when c < 122 then c - 91 else 31 end;
        open := open and (c in (32, 44, 45) or c between 97 and 121);
        k := k * 32 + v;
      end loop;
      return k;
    end $$`.execute(db);
  await sql`create table contact_search (
    id text primary key,
    sort_name text not null,
    search_text text not null,
    name_point point not null)`.execute(db);
  await sql`insert into contact_search (id, sort_name, search_text, name_point)
    select id, sort_name, search_text, point(k, k) from (select id, sort_name, search_text, contact_name_key(sort_name) as k from contact where status = 'active') c`.execute(db);
  await sql`create index contact_search_text_trgm_idx on contact_search using gin (search_text gin_trgm_ops)`.execute(db);
  // A longer trigram signature (PostgreSQL 13+) lets the walk skip more of the index.
  const version = Number((await sql<{ v: string }>`select current_setting('server_version_num') as v`.execute(db)).rows[0]?.v ?? 0);
  const trigrams = version >= 130000 ? sql`gist_trgm_ops (siglen = 256)` : sql`gist_trgm_ops`;
  await sql`create index contact_search_name_gist on contact_search using gist (name_point, search_text ${trigrams}) where name_point is not null`.execute(db);
  // Statement triggers with transition tables: an import's INSERT of 500 contacts writes the narrow
  // table with one INSERT … SELECT instead of 500 trigger calls.
  const insertFromNew = sql.raw(`insert into contact_search (id, sort_name, search_text, name_point)
    select n.id, n.sort_name, n.search_text, point(k, k) from new_rows n, contact_name_key(n.sort_name) k where n.status = 'active'`);
  await sql`create function contact_search_insert() returns trigger language plpgsql as $$
    begin
      ${insertFromNew};
      return null;
    end $$`.execute(db);
  await sql`create function contact_search_delete() returns trigger language plpgsql as $$
    begin
      delete from contact_search s using old_rows o where s.id = o.id and o.status = 'active';
      return null;
    end $$`.execute(db);
  // Only rows whose id, sort name, search text or status changed; the others are left alone.
  await sql`create function contact_search_update() returns trigger language plpgsql as $$
    begin
      delete from contact_search s using old_rows o where s.id = o.id and o.status = 'active' and not exists (
        select 1 from new_rows n where n.id = o.id and n.status = o.status and n.sort_name = o.sort_name and n.search_text = o.search_text);
      ${insertFromNew} and not exists (
        select 1 from old_rows o where o.id = n.id and o.status = n.status and o.sort_name = n.sort_name and o.search_text = n.search_text);
      return null;
    end $$`.execute(db);
  await sql`create trigger contact_search_insert after insert on contact referencing new table as new_rows
    for each statement execute function contact_search_insert()`.execute(db);
  await sql`create trigger contact_search_delete after delete on contact referencing old table as old_rows
    for each statement execute function contact_search_delete()`.execute(db);
  await sql`create trigger contact_search_update after update on contact referencing old table as old_rows new table as new_rows
    for each statement execute function contact_search_update()`.execute(db);
};
