import { sql, type Kysely } from 'kysely';
import { PostgresAdapter } from 'kysely';

/**
 * SQLite's search table holds what a search needs to count and sort its matches, so neither reads
 * the contact table: at a million contacts, "hansen" matches 66,000 of them, and looking each one
 * up in `contact` (300 MB, mostly outside the page cache) to check its status and read its sort key
 * took a tenth of a second or more. The FTS5 trigram table becomes contentless (the text lives in
 * `contact.search_text`) with `sort_name` and `id` stored unindexed beside it in a narrow table, and
 * holds active contacts only, so counting matches is reading the index and the first page of a
 * search is sorted from the narrow table alone. Erased contacts keep only their member number as
 * search text and are searched with LIKE (rarely, and there are few).
 *
 * PostgreSQL is unchanged: its trigram index on `contact.search_text` stays.
 * Needs SQLite 3.47 (contentless_unindexed); better-sqlite3 brings its own.
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) return;
  for (const t of ['contact_search_ai', 'contact_search_ad', 'contact_search_au']) await sql`drop trigger ${sql.ref(t)}`.execute(db);
  await sql`drop table contact_search`.execute(db);
  await sql`create virtual table contact_search using fts5(search_text, sort_name unindexed, id unindexed,
    content='', contentless_delete=1, contentless_unindexed=1, tokenize='trigram')`.execute(db);
  await sql`insert into contact_search(rowid, search_text, sort_name, id)
    select rowid, search_text, sort_name, id from contact where status = 'active'`.execute(db);
  await sql`create trigger contact_search_ai after insert on contact when new.status = 'active' begin
    insert into contact_search(rowid, search_text, sort_name, id) values (new.rowid, new.search_text, new.sort_name, new.id); end`.execute(db);
  await sql`create trigger contact_search_ad after delete on contact when old.status = 'active' begin
    delete from contact_search where rowid = old.rowid; end`.execute(db);
  await sql`create trigger contact_search_au after update of search_text, sort_name, id, status on contact begin
    delete from contact_search where rowid = old.rowid and old.status = 'active';
    insert into contact_search(rowid, search_text, sort_name, id) select new.rowid, new.search_text, new.sort_name, new.id where new.status = 'active'; end`.execute(db);
}
