import type { Kysely } from 'kysely';

/**
 * Contact imports write in batches, each its own transaction. Each committed batch keeps its rows'
 * report here until the import finishes and the whole report is stored on the import; a run cut
 * short by a failure or a restart continues after the last batch (`next_row`: the index of the
 * file's next row, counting non-blank rows), with the same mapping (`request`). Kept apart from
 * contact_import so that a batch does not rewrite the row holding the uploaded file.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('contact_import_batch')
    .addColumn('import_id', 'text', (c) => c.notNull().references('contact_import.id').onDelete('cascade'))
    .addColumn('first_row', 'integer', (c) => c.notNull())
    .addColumn('next_row', 'integer', (c) => c.notNull())
    .addColumn('request', 'text', (c) => c.notNull()) // JSON: what decides each row (mapping, matching, made-up e-mail domain)
    .addColumn('rows', 'text', (c) => c.notNull()) // JSON: the report's rows of this batch
    .addPrimaryKeyConstraint('contact_import_batch_pk', ['import_id', 'first_row'])
    .execute();
}
