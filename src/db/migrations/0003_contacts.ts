import { sql, type Kysely } from 'kysely';
import { PostgresAdapter } from 'kysely';

/**
 * The member registry: contacts (persons and organizations), households, organization contacts,
 * custom fields and their values, consents (append-only history), tags, saved views, imports,
 * and number sequences (member numbers now; invoice series later).
 */
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;

  await db.schema
    .createTable('number_sequence')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('next_value', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('household')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('contact')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull()) // 'person' | 'organization'
    .addColumn('member_number', 'bigint', (c) => c.unique())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active')) // 'active' | 'erased'
    // persons
    .addColumn('salutation', 'text')
    .addColumn('first_names', 'text')
    .addColumn('initial', 'text')
    .addColumn('last_name', 'text')
    .addColumn('birth_date', 'text')
    .addColumn('gender', 'text')
    // organizations
    .addColumn('org_name', 'text')
    .addColumn('org_number', 'text')
    .addColumn('vat_number', 'text')
    // both
    .addColumn('display_name', 'text', (c) => c.notNull()) // "Last, First" for persons; name for organizations; sorts lists
    .addColumn('address_lines', 'text') // newline-separated
    .addColumn('postcode', 'text')
    .addColumn('place', 'text')
    .addColumn('region', 'text')
    .addColumn('country', 'text') // ISO 3166-1 alpha-2
    .addColumn('phone_home', 'text')
    .addColumn('phone_work', 'text')
    .addColumn('phone_mobile', 'text')
    .addColumn('email', 'text')
    .addColumn('invoice_delivery', 'text', (c) => c.notNull().defaultTo('email')) // 'email' | 'print'
    .addColumn('language', 'text')
    .addColumn('note', 'text') // admin-only
    .addColumn('payer_id', 'text', (c) => c.references('contact.id'))
    .addColumn('household_id', 'text', (c) => c.references('household.id'))
    .addColumn('household_role', 'text') // 'primary' | 'secondary'
    .addColumn('pseudo_email', 'integer', (c) => c.notNull().defaultTo(0)) // e-mail was made up by an import
    // Lowercased, accents folded (ø→o, æ→ae, é→e): names, e-mail, phone digits, member number, org name.
    .addColumn('search_text', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('erased_at', 'text')
    .execute();
  await db.schema.createIndex('contact_display_name_idx').on('contact').column('display_name').execute();
  await db.schema.createIndex('contact_email_idx').on('contact').column('email').execute();
  await db.schema.createIndex('contact_payer_idx').on('contact').column('payer_id').execute();
  await db.schema.createIndex('contact_household_idx').on('contact').column('household_id').execute();
  await db.schema.createIndex('contact_created_idx').on('contact').column('created_at').execute();

  // Substring search that stays fast at a million contacts: trigram indexes on both databases.
  if (postgres) {
    await sql`create extension if not exists pg_trgm`.execute(db);
    await sql`create index contact_search_trgm_idx on contact using gin (search_text gin_trgm_ops)`.execute(db);
  } else {
    await sql`create virtual table contact_search using fts5(search_text, content='contact', content_rowid='rowid', tokenize='trigram')`.execute(db);
    await sql`create trigger contact_search_ai after insert on contact begin
      insert into contact_search(rowid, search_text) values (new.rowid, new.search_text); end`.execute(db);
    await sql`create trigger contact_search_ad after delete on contact begin
      insert into contact_search(contact_search, rowid, search_text) values ('delete', old.rowid, old.search_text); end`.execute(db);
    await sql`create trigger contact_search_au after update of search_text on contact begin
      insert into contact_search(contact_search, rowid, search_text) values ('delete', old.rowid, old.search_text);
      insert into contact_search(rowid, search_text) values (new.rowid, new.search_text); end`.execute(db);
  }

  await db.schema
    .createTable('organization_contact')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('contact.id').onDelete('cascade'))
    .addColumn('person_id', 'text', (c) => c.notNull().references('contact.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull()) // 'administrative' | 'technical'
    .addColumn('status', 'text', (c) => c.notNull()) // 'pending' | 'confirmed'
    .addColumn('confirm_token_hash', 'text', (c) => c.unique())
    .addColumn('invited_at', 'text', (c) => c.notNull())
    .addColumn('confirmed_at', 'text')
    .execute();
  await db.schema.createIndex('organization_contact_unique').on('organization_contact').columns(['organization_id', 'person_id', 'role']).unique().execute();
  // One administrative contact per organization.
  await db.schema
    .createIndex('organization_contact_one_admin')
    .on('organization_contact')
    .column('organization_id')
    .unique()
    .where(sql.ref('role'), '=', 'administrative')
    .execute();
  await db.schema.createIndex('organization_contact_person_idx').on('organization_contact').column('person_id').execute();

  await db.schema
    .createTable('custom_field')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('key', 'text', (c) => c.notNull().unique()) // slug, used in imports and the API
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('type', 'text', (c) => c.notNull()) // text | long_text | number | date | boolean | choice
    .addColumn('options', 'text') // JSON array of choices
    .addColumn('visibility', 'text', (c) => c.notNull()) // staff | member_visible | member_editable
    .addColumn('applies_to', 'text', (c) => c.notNull().defaultTo('both')) // person | organization | both
    .addColumn('required', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('archived', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('contact_field_value')
    .addColumn('contact_id', 'text', (c) => c.notNull().references('contact.id').onDelete('cascade'))
    .addColumn('field_id', 'text', (c) => c.notNull().references('custom_field.id').onDelete('cascade'))
    .addColumn('value', 'text', (c) => c.notNull()) // normalised text: numbers as decimal strings, dates ISO, booleans true/false
    .addPrimaryKeyConstraint('contact_field_value_pk', ['contact_id', 'field_id'])
    .execute();
  await db.schema.createIndex('contact_field_value_field_idx').on('contact_field_value').columns(['field_id', 'value']).execute();

  await db.schema
    .createTable('consent')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('contact_id', 'text', (c) => c.notNull().references('contact.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull()) // statutes | data_processing | info_email | info_sms
    .addColumn('granted', 'integer', (c) => c.notNull())
    .addColumn('wording', 'text', (c) => c.notNull()) // the text shown when it was given or withdrawn
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull()) // staff | member | import | api
    .addColumn('actor_name', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('consent_contact_kind_idx').on('consent').columns(['contact_id', 'kind', 'at']).execute();

  await db.schema
    .createTable('contact_tag')
    .addColumn('contact_id', 'text', (c) => c.notNull().references('contact.id').onDelete('cascade'))
    .addColumn('tag', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('contact_tag_pk', ['contact_id', 'tag'])
    .execute();
  await db.schema.createIndex('contact_tag_tag_idx').on('contact_tag').columns(['tag', 'contact_id']).execute();

  await db.schema
    .createTable('saved_view')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('area', 'text', (c) => c.notNull()) // 'contacts' now; other lists later
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('query', 'text', (c) => c.notNull()) // JSON: the list's filters and sort
    .addColumn('owner_id', 'text') // null: shared with all staff
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('saved_view_area_name').on('saved_view').columns(['area', 'name']).unique().execute();

  await db.schema
    .createTable('contact_import')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('status', 'text', (c) => c.notNull()) // analyzed | running | done | failed
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('file', postgres ? 'bytea' : 'blob', (c) => c.notNull()) // the uploaded bytes, kept until the import is done
    .addColumn('encoding', 'text', (c) => c.notNull())
    .addColumn('separator', 'text', (c) => c.notNull())
    .addColumn('mapping', 'text', (c) => c.notNull()) // JSON: column → field
    .addColumn('options', 'text', (c) => c.notNull()) // JSON: pseudo e-mail domain, import valid rows only, …
    .addColumn('total_rows', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_rows', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_rows', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('skipped_rows', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('report', 'text') // JSON: every row's fate
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
}
