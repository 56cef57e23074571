import type { Kysely } from 'kysely';

/**
 * The general ledger (chart of accounts, append-only hash-chained entries, closed journals, the
 * invoice holding step), payments with allocations, and invoice documents and delivery (templates,
 * delivery log, print batches, send counts).
 */
export async function up(db: Kysely<any>): Promise<void> {
  // ---- general ledger (seed 004 §3.3–3.5)
  await db.schema
    .createTable('gl_account')
    .addColumn('code', 'text', (c) => c.primaryKey()) // NNNNN-NNNN
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull()) // asset | liability | equity | income | expense
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('archived', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  // A starting chart (NS 4102 numbering with a 4-digit sub-account); every account is editable and
  // the ledger.* settings say which one plays which part.
  const now = new Date().toISOString();
  const chart: [string, string, string][] = [
    ['15000-0000', 'Accounts receivable', 'asset'],
    ['19000-0000', 'Cash', 'asset'],
    ['19200-0000', 'Bank account', 'asset'],
    ['20500-0000', 'Equity', 'equity'],
    ['27000-0000', 'Output VAT', 'liability'],
    ['29000-0000', 'Customer credit (prepayments)', 'liability'],
    ['30000-0000', 'Miscellaneous sales', 'income'],
    ['31000-0000', 'Membership dues', 'income'],
    ['38000-0000', 'Fees charged', 'income'],
    ['78300-0000', 'Bad debts written off', 'expense'],
  ];
  for (const [code, name, type] of chart) {
    await db.insertInto('gl_account').values({ code, name, type, description: '', archived: 0, created_at: now, updated_at: now }).execute();
  }

  // Append-only. `seq` orders every posting; `hash` chains each entry (with its lines) to the one before.
  await db.schema
    .createTable('ledger_entry')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('seq', 'bigint', (c) => c.notNull().unique())
    .addColumn('entry_date', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull()) // invoice | credit_note | void | payment | reversal | credit_applied | refund | writeoff | fee | manual
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('contact_id', 'text')
    .addColumn('invoice_id', 'text')
    .addColumn('payment_id', 'text')
    .addColumn('source_key', 'text', (c) => c.unique()) // posts once: 'invoice:<id>', 'payment:<id>', …
    .addColumn('journal_id', 'text')
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('ledger_entry_date').on('ledger_entry').columns(['entry_date', 'seq']).execute();
  await db.schema.createIndex('ledger_entry_contact').on('ledger_entry').columns(['contact_id', 'seq']).execute();
  await db.schema.createIndex('ledger_entry_invoice').on('ledger_entry').column('invoice_id').execute();
  await db.schema.createIndex('ledger_entry_journal').on('ledger_entry').column('journal_id').execute();

  await db.schema
    .createTable('ledger_line')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('entry_id', 'text', (c) => c.notNull().references('ledger_entry.id'))
    .addColumn('line_no', 'integer', (c) => c.notNull())
    .addColumn('entry_date', 'text', (c) => c.notNull()) // the entry's, for reports by date
    .addColumn('account_code', 'text', (c) => c.notNull().references('gl_account.code'))
    .addColumn('contact_id', 'text') // A/R and customer-credit lines name the contact
    .addColumn('invoice_id', 'text')
    .addColumn('debit_minor', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('credit_minor', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('ledger_line_entry').on('ledger_line').columns(['entry_id', 'line_no']).execute();
  await db.schema.createIndex('ledger_line_account').on('ledger_line').columns(['account_code', 'entry_date']).execute();
  await db.schema.createIndex('ledger_line_contact').on('ledger_line').columns(['contact_id', 'account_code']).execute();

  // "Journalize": all entries up to a date, closed with sums, counts and a hash over them and the journal before.
  await db.schema
    .createTable('journal')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('seq', 'integer', (c) => c.notNull().unique())
    .addColumn('up_to', 'text', (c) => c.notNull())
    .addColumn('first_seq', 'bigint')
    .addColumn('last_seq', 'bigint')
    .addColumn('entry_count', 'integer', (c) => c.notNull())
    .addColumn('debit_minor', 'bigint', (c) => c.notNull())
    .addColumn('credit_minor', 'bigint', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull()) // JSON: by kind, by account (debit, credit)
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('closed_by', 'text', (c) => c.notNull())
    .addColumn('closed_at', 'text', (c) => c.notNull())
    .execute();

  // The holding step (seed 004 §3.1.4): issued invoices and credit notes wait here until the built-in
  // A/R imports them (or an external accounting system takes them).
  await db.schema
    .createTable('ledger_holding')
    .addColumn('invoice_id', 'text', (c) => c.primaryKey())
    .addColumn('queued_at', 'text', (c) => c.notNull())
    .addColumn('imported_at', 'text')
    .addColumn('entry_id', 'text')
    .addColumn('exported_at', 'text')
    .execute();
  await db.schema.createIndex('ledger_holding_open').on('ledger_holding').columns(['imported_at', 'queued_at']).execute();

  // ---- payments (seed 002 receipts, seed 004 §3.3)
  await db.schema
    .createTable('payment')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull()) // receipt | refund
    .addColumn('number', 'bigint') // receipt number, gapless series 'receipt'
    .addColumn('contact_id', 'text', (c) => c.notNull().references('contact.id'))
    .addColumn('received_on', 'text', (c) => c.notNull())
    .addColumn('amount_minor', 'bigint', (c) => c.notNull()) // > 0
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull()) // cash | cheque | in_kind | visa | mastercard | bank_transfer | paypal | card_gateway | other
    .addColumn('reference', 'text')
    .addColumn('note', 'text')
    .addColumn('status', 'text', (c) => c.notNull()) // recorded | reversed
    .addColumn('reversed_on', 'text')
    .addColumn('reversal_reason', 'text')
    .addColumn('external_id', 'text', (c) => c.unique()) // bank/gateway transaction id: recorded once
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('payment_contact').on('payment').columns(['contact_id', 'received_on']).execute();
  await db.schema.createIndex('payment_received').on('payment').columns(['received_on', 'method']).execute();

  // Append-only: a reversal adds negative rows. An invoice's paid amount is the sum of its rows.
  await db.schema
    .createTable('payment_allocation')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('invoice_id', 'text', (c) => c.notNull().references('invoice.id'))
    .addColumn('payment_id', 'text') // null for credit applied or written off
    .addColumn('kind', 'text', (c) => c.notNull()) // payment | credit | writeoff | reversal
    .addColumn('amount_minor', 'bigint', (c) => c.notNull())
    .addColumn('entry_id', 'text') // the ledger entry that posted it
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('payment_allocation_invoice').on('payment_allocation').column('invoice_id').execute();
  await db.schema.createIndex('payment_allocation_payment').on('payment_allocation').column('payment_id').execute();

  // ---- documents and delivery (issue 5)
  await db.schema.alterTable('invoice').addColumn('sent_count', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('invoice').addColumn('last_sent_at', 'text').execute();

  // One row per template kind: text blocks, footer, colours, payment terms (JSON), logo from settings.
  await db.schema
    .createTable('document_template')
    .addColumn('kind', 'text', (c) => c.primaryKey()) // invoice | credit_note | statement | receipt
    .addColumn('content', 'text', (c) => c.notNull()) // JSON
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_by', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('mail_template')
    .addColumn('key', 'text', (c) => c.notNull()) // invoice | credit_note | receipt | statement | welcome
    .addColumn('language', 'text', (c) => c.notNull()) // en | nb
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_by', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('mail_template_pk', ['key', 'language'])
    .execute();

  await db.schema
    .createTable('print_batch')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('file', 'text', (c) => c.notNull()) // path under the data directory
    .addColumn('document_count', 'integer', (c) => c.notNull())
    .addColumn('page_count', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  // Every sending of an invoice or credit note, per recipient: by e-mail (through the outbox) or print.
  await db.schema
    .createTable('invoice_delivery')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('invoice_id', 'text', (c) => c.notNull().references('invoice.id'))
    .addColumn('sending', 'integer', (c) => c.notNull()) // 1 = first sending, 2 = first re-send, …
    .addColumn('channel', 'text', (c) => c.notNull()) // email | print
    .addColumn('recipient', 'text') // e-mail address; null for print
    .addColumn('status', 'text', (c) => c.notNull()) // queued | sent | stored | failed | waiting_print | printed
    .addColumn('mail_message_id', 'text')
    .addColumn('print_batch_id', 'text')
    .addColumn('error', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('invoice_delivery_invoice').on('invoice_delivery').columns(['invoice_id', 'created_at']).execute();
  await db.schema.createIndex('invoice_delivery_print').on('invoice_delivery').columns(['channel', 'status']).execute();
  await db.schema.createIndex('invoice_delivery_mail').on('invoice_delivery').column('mail_message_id').execute();
}
