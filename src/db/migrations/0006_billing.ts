import type { Kysely } from 'kysely';

/**
 * Subscriptions ("billing groups", seed 004 §2.1), account types with usage attributes, usage,
 * recurring and queued charges, invoices and credit notes, billing runs and annual cycles.
 *
 * Exactly-once billing rests on `invoice_line.charge_key` being unique: every charge the run makes
 * has a key (`<subscription>:<period start>`, `…:usage:<attr>`, `recurring:<id>:<start>`,
 * `charge:<id>`), written in the same transaction that moves the subscription's cursors.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // Membership types gain a G/L account and VAT rate (like products), and FM2 "follows" FM1.
  await db.schema.alterTable('membership_type').addColumn('gl_account', 'text').execute();
  await db.schema.alterTable('membership_type').addColumn('vat_rate', 'text', (c) => c.notNull().defaultTo('0')).execute();
  await db.schema.alterTable('membership_type').addColumn('follows_id', 'text', (c) => c.references('membership_type.id')).execute();
  await db.updateTable('membership_type').set({ follows_id: 'mt_fm1' }).where('id', '=', 'mt_fm2').execute();

  await db.schema
    .createTable('account_type')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('frequency', 'text', (c) => c.notNull()) // month | quarter | year: the period
    .addColumn('term_periods', 'integer', (c) => c.notNull().defaultTo(1)) // periods per term; the fee is per term
    .addColumn('gl_account', 'text')
    .addColumn('vat_rate', 'text', (c) => c.notNull().defaultTo('0'))
    .addColumn('archived', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // The term fee of an account type is a catalog_price row with item_type 'account_type'.

  await db.schema
    .createTable('account_attribute')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_type_id', 'text', (c) => c.notNull().references('account_type.id'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull().defaultTo('')) // MB, GB, hours…
    .addColumn('included', 'text', (c) => c.notNull().defaultTo('0')) // decimal quantity per period (or term)
    .addColumn('rate_minor', 'bigint', (c) => c.notNull()) // price of one unit beyond the included quantity
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('per', 'text', (c) => c.notNull().defaultTo('period')) // period | term
    .addColumn('gl_account', 'text')
    .addColumn('vat_rate', 'text', (c) => c.notNull().defaultTo('0'))
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('account_attribute_code').on('account_attribute').columns(['account_type_id', 'code']).unique().execute();

  await db.schema
    .createTable('subscription')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('contact_id', 'text', (c) => c.notNull().references('contact.id'))
    .addColumn('payer_id', 'text', (c) => c.notNull().references('contact.id'))
    .addColumn('item_type', 'text', (c) => c.notNull()) // membership_type | product | account_type
    .addColumn('item_id', 'text', (c) => c.notNull())
    .addColumn('quantity', 'text', (c) => c.notNull().defaultTo('1'))
    .addColumn('status', 'text', (c) => c.notNull()) // pending | trial | active | grace | suspended | ended
    .addColumn('start_date', 'text', (c) => c.notNull()) // billing begins (activation date)
    .addColumn('anchor_day', 'integer', (c) => c.notNull())
    .addColumn('end_date', 'text') // first day without service; auto-renew moves it on
    .addColumn('disconnect_date', 'text') // once set, never billed again; ended after it
    .addColumn('auto_renew', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('special_price_minor', 'bigint') // SPC and staff overrides: the price per term
    .addColumn('campaign_code_id', 'text')
    .addColumn('campaign_price_minor', 'bigint') // first term only
    .addColumn('trial_ends_on', 'text') // first day after the trial
    .addColumn('fee_cursor', 'text') // start of the last term whose fee was billed
    .addColumn('usage_cursor', 'text') // start of the last period whose usage was billed
    .addColumn('next_due', 'text') // the next day the run has something to do; null = nothing ever
    .addColumn('paid_through', 'text') // "member to": end of the last paid term (issue 6 moves it)
    .addColumn('follows_id', 'text') // household secondary: the primary's subscription
    .addColumn('replaces_id', 'text') // the subscription this one converted from (trial → NUL…)
    .addColumn('note', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('subscription_contact').on('subscription').column('contact_id').execute();
  await db.schema.createIndex('subscription_payer_due').on('subscription').columns(['payer_id', 'next_due']).execute();
  await db.schema.createIndex('subscription_due').on('subscription').columns(['next_due', 'payer_id']).execute();
  await db.schema.createIndex('subscription_follows').on('subscription').column('follows_id').execute();

  // Status history: "member from/to" and every transition, as data.
  await db.schema
    .createTable('subscription_event')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subscription_id', 'text', (c) => c.notNull().references('subscription.id'))
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text', (c) => c.notNull())
    .addColumn('effective_date', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('subscription_event_sub').on('subscription_event').columns(['subscription_id', 'created_at']).execute();

  await db.schema
    .createTable('usage_record')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subscription_id', 'text', (c) => c.notNull().references('subscription.id'))
    .addColumn('attribute_code', 'text', (c) => c.notNull())
    .addColumn('used_on', 'text', (c) => c.notNull())
    .addColumn('quantity', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull()) // api | csv | staff
    .addColumn('external_ref', 'text') // a sender's id: the same record sent twice is stored once
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('usage_record_period').on('usage_record').columns(['subscription_id', 'used_on']).execute();
  await db.schema.createIndex('usage_record_ref').on('usage_record').columns(['subscription_id', 'external_ref']).unique().execute();

  await db.schema
    .createTable('recurring_charge')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('contact_id', 'text', (c) => c.notNull().references('contact.id'))
    .addColumn('payer_id', 'text', (c) => c.notNull().references('contact.id'))
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('amount_minor', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('frequency', 'text', (c) => c.notNull()) // month | quarter | year
    .addColumn('start_date', 'text', (c) => c.notNull())
    .addColumn('anchor_day', 'integer', (c) => c.notNull())
    .addColumn('end_date', 'text')
    .addColumn('gl_account', 'text')
    .addColumn('vat_rate', 'text', (c) => c.notNull().defaultTo('0'))
    .addColumn('cursor', 'text') // start of the last billed period
    .addColumn('next_due', 'text')
    .addColumn('archived', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('recurring_charge_due').on('recurring_charge').columns(['next_due', 'payer_id']).execute();
  await db.schema.createIndex('recurring_charge_contact').on('recurring_charge').column('contact_id').execute();

  // One-off charges waiting for the payer's next invoice (seed 004: queued charges; later NSF fees).
  await db.schema
    .createTable('queued_charge')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('contact_id', 'text', (c) => c.notNull().references('contact.id'))
    .addColumn('payer_id', 'text', (c) => c.notNull().references('contact.id'))
    .addColumn('subscription_id', 'text')
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('quantity', 'text', (c) => c.notNull().defaultTo('1'))
    .addColumn('unit_price_minor', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('gl_account', 'text')
    .addColumn('vat_rate', 'text', (c) => c.notNull().defaultTo('0'))
    .addColumn('charge_date', 'text', (c) => c.notNull()) // billed by the first run on or after it
    .addColumn('source', 'text', (c) => c.notNull().defaultTo('staff'))
    .addColumn('invoice_id', 'text') // set when billed
    .addColumn('cancelled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('queued_charge_open').on('queued_charge').columns(['invoice_id', 'charge_date', 'payer_id']).execute();
  await db.schema.createIndex('queued_charge_contact').on('queued_charge').column('contact_id').execute();

  await db.schema
    .createTable('billing_run')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull()) // daily | cycle
    .addColumn('as_of', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()) // running | done | failed
    .addColumn('started_by', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('progress_done', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('progress_total', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('invoices', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('lines', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('total_minor', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('summary', 'text') // JSON: totals by source and by item
    .addColumn('error', 'text')
    .execute();
  await db.schema.createIndex('billing_run_started').on('billing_run').column('started_at').execute();

  await db.schema
    .createTable('billing_cycle')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('period_start', 'text', (c) => c.notNull().unique())
    .addColumn('period_end', 'text', (c) => c.notNull())
    .addColumn('run_id', 'text')
    .addColumn('opened_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('invoice')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull()) // invoice | credit_note
    .addColumn('status', 'text', (c) => c.notNull()) // draft | issued | paid | void
    .addColumn('number', 'bigint') // gapless, set when issued
    .addColumn('payer_id', 'text', (c) => c.notNull().references('contact.id'))
    // Frozen at issue: the payer as they were.
    .addColumn('payer_name', 'text')
    .addColumn('payer_address', 'text') // JSON array of lines
    .addColumn('payer_email', 'text')
    .addColumn('payer_member_number', 'bigint')
    .addColumn('delivery', 'text', (c) => c.notNull().defaultTo('email')) // email | print
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('issue_date', 'text')
    .addColumn('due_date', 'text')
    .addColumn('net_minor', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('vat_minor', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('total_minor', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('paid_minor', 'bigint', (c) => c.notNull().defaultTo(0)) // kept by payments (issue 6)
    .addColumn('payment_reference', 'text')
    .addColumn('credits_invoice_id', 'text') // a credit note: the invoice it corrects
    .addColumn('billing_run_id', 'text')
    .addColumn('origin', 'text', (c) => c.notNull()) // run | cycle | manual | credit
    .addColumn('note', 'text')
    .addColumn('void_reason', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('issued_at', 'text')
    .addColumn('voided_at', 'text')
    .execute();
  await db.schema.createIndex('invoice_number').on('invoice').column('number').unique().execute();
  await db.schema.createIndex('invoice_reference').on('invoice').column('payment_reference').unique().execute();
  await db.schema.createIndex('invoice_payer').on('invoice').columns(['payer_id', 'issue_date']).execute();
  await db.schema.createIndex('invoice_status').on('invoice').columns(['status', 'due_date']).execute();
  await db.schema.createIndex('invoice_run').on('invoice').column('billing_run_id').execute();
  await db.schema.createIndex('invoice_credits').on('invoice').column('credits_invoice_id').execute();

  await db.schema
    .createTable('invoice_line')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('invoice_id', 'text', (c) => c.notNull().references('invoice.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('charge_key', 'text') // unique: the same charge is never billed twice
    .addColumn('source', 'text', (c) => c.notNull()) // subscription | usage | recurring | charge | manual | credit
    .addColumn('subscription_id', 'text')
    .addColumn('item_type', 'text') // membership_type | product | account_type (for the run summary)
    .addColumn('item_id', 'text')
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('quantity', 'text', (c) => c.notNull())
    .addColumn('unit_price_minor', 'bigint', (c) => c.notNull())
    .addColumn('net_minor', 'bigint', (c) => c.notNull())
    .addColumn('vat_rate', 'text', (c) => c.notNull())
    .addColumn('vat_minor', 'bigint', (c) => c.notNull())
    .addColumn('period_start', 'text')
    .addColumn('period_end', 'text')
    .addColumn('gl_account', 'text', (c) => c.notNull())
    .addColumn('credits_line_id', 'text') // on a credit note: the line it reverses
    .execute();
  await db.schema.createIndex('invoice_line_invoice').on('invoice_line').columns(['invoice_id', 'position']).execute();
  await db.schema.createIndex('invoice_line_charge').on('invoice_line').column('charge_key').unique().execute();
  await db.schema.createIndex('invoice_line_subscription').on('invoice_line').column('subscription_id').execute();
}
