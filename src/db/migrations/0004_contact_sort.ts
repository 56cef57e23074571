import { sql, type Kysely } from 'kysely';
import { PostgresAdapter } from 'kysely';

/**
 * Lists sorted by name must come out in the same order on SQLite and PostgreSQL, whatever the
 * database's collation: contacts get `sort_name` (the display name lowercased with accents folded,
 * kept by app code) and text sorts use byte order ("C") on PostgreSQL, as SQLite does.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema.alterTable('contact').addColumn('sort_name', 'text', (c) => c.notNull().defaultTo('')).execute();
  if (postgres) {
    await sql`create index contact_sort_name_idx on contact (sort_name collate "C", id)`.execute(db);
    await sql`create index contact_email_c_idx on contact (email collate "C", id)`.execute(db);
  } else {
    await db.schema.createIndex('contact_sort_name_idx').on('contact').columns(['sort_name', 'id']).execute();
  }
}
