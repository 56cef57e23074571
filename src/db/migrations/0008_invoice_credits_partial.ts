import type { Kysely } from 'kysely';

/**
 * `invoice.credits_invoice_id` is null on every invoice and set only on credit notes. With
 * statistics (ANALYZE) SQLite judged the full index useless and scanned the invoice table for each
 * invoice's credited amount (open-invoice list, ageing, payments); an index of only the credit
 * notes stays small and is always used for `credits_invoice_id = …`.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('invoice_credits').execute();
  await db.schema
    .createIndex('invoice_credits')
    .on('invoice')
    .column('credits_invoice_id')
    .where((eb) => eb('credits_invoice_id', 'is not', null))
    .execute();
}
