import { sql, type Kysely } from 'kysely';

/**
 * What reading a payment looked up by scanning:
 * - A payment's ledger entries (`ledger_entry.payment_id`) and the allocations its entries posted
 *   (`payment_allocation.entry_id`): reading one payment (its page, a reversal, a refund) read every
 *   ledger entry and every allocation, about 10 ms at 10,000 members and growing with the books.
 *   Only entries of receipts, refunds and reversals name a payment; that index covers just those.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('ledger_entry_payment').on('ledger_entry').column('payment_id').where(sql<boolean>`payment_id is not null`).execute();
  await db.schema.createIndex('payment_allocation_entry').on('payment_allocation').column('entry_id').execute();
}
