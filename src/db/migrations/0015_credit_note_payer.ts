import { sql, type Kysely } from 'kysely';

/**
 * Credit notes by payer. Settling customer credit (after every invoice the billing run issues, and
 * after a credit note or a payment) first asks which payers can have something to settle; an
 * invoice is overpaid only after a credit note for it, so "has this payer an issued credit note"
 * is one of the two questions. Without this index it read every invoice of the payer (the
 * payer's whole history, on every run). Credit notes are few: the index stays small.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('invoice_credit_note_payer').on('invoice').column('payer_id').where(sql<boolean>`kind = 'credit_note'`).execute();
}
