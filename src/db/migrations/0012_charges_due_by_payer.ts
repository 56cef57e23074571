import { sql, type Kysely } from 'kysely';

/**
 * The billing run walks payers in id order (keyset batches) and asks each source for the next
 * payers with something due. Recurring and queued charges were indexed by due date first, so every
 * batch collected and sorted all due charges of the payers after the cursor (quadratic in the
 * number of batches at a million members). Partial indexes by payer, of only the charges that can
 * still be billed, let each batch read just the next payers. The open queued charges by date become
 * a partial index too (an index led by `invoice_id`, null on every open charge, was the planner's
 * pick for any query naming `invoice_id is null`).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('recurring_charge_payer_due').on('recurring_charge').columns(['payer_id', 'next_due']).where(sql<boolean>`archived = 0`).execute();
  await db.schema.dropIndex('queued_charge_open').execute();
  await db.schema
    .createIndex('queued_charge_open')
    .on('queued_charge')
    .columns(['charge_date', 'payer_id'])
    .where(sql<boolean>`invoice_id is null and cancelled = 0`)
    .execute();
  await db.schema
    .createIndex('queued_charge_payer_open')
    .on('queued_charge')
    .columns(['payer_id', 'charge_date'])
    .where(sql<boolean>`invoice_id is null and cancelled = 0`)
    .execute();
}
