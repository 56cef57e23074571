import { sql, type Kysely } from 'kysely';

/**
 * Indexes that cover only the rows their queries look for, so the billing run (hundreds of
 * thousands of invoices, entries and lines at once) does not pay for index entries nobody reads,
 * and the planner cannot take a poor path:
 * - `invoice_status (status, due_date)` let SQLite's planner, without statistics for a freshly
 *   filled invoice table, estimate `status in ('issued', 'paid')` as smaller than
 *   `payer_id in (…500 payers…)` or `id in (…)`, and scan every issued invoice for each batch of
 *   the run (quadratic at a million members). What it serves is the open invoices by due date
 *   (overdue lists, reminders, the open-invoice list sorted by due date then number): a partial
 *   index of the issued ones, which shrinks as they are paid.
 * - `ledger_holding_open`: queries ask for invoices still waiting (`imported_at is null`); with
 *   immediate posting no row waits, so the index stays empty instead of growing with every invoice.
 * - `ledger_line_contact`: only the receivable lines name a contact; the income and VAT lines
 *   (more than half) need no entry.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('invoice_status').execute();
  // Due date, then number: the open-invoice list's order, so its first page comes straight from the index.
  await db.schema.createIndex('invoice_open_due').on('invoice').columns(['due_date', 'number']).where(sql<boolean>`status = 'issued'`).execute();
  await db.schema.dropIndex('ledger_holding_open').execute();
  await db.schema.createIndex('ledger_holding_waiting').on('ledger_holding').column('queued_at').where(sql<boolean>`imported_at is null`).execute();
  await db.schema.dropIndex('ledger_line_contact').execute();
  await db.schema.createIndex('ledger_line_contact').on('ledger_line').columns(['contact_id', 'account_code']).where(sql<boolean>`contact_id is not null`).execute();
}
