import type { Kysely } from 'kysely';

/**
 * Stored checks of the books (`ledger_check`): the chain walk and the invariants, run off the
 * request thread on their own connection, their progress while they run and their findings after.
 * The ledger pages show the latest one instead of checking the whole ledger on every visit (about
 * 20 s of one core at a million members).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('ledger_check')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('started_by', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('progress_permille', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('step', 'text')
    .addColumn('head_seq', 'bigint')
    .addColumn('ok', 'integer')
    .addColumn('result', 'text')
    .addColumn('error', 'text')
    .execute();
  await db.schema.createIndex('ledger_check_started').on('ledger_check').columns(['started_at']).execute();
}
