import { sql, type RawBuilder } from 'kysely';

/**
 * What an invoice has been credited: the sum of its issued credit notes' totals (negative), or
 * null when none. `alias` names the invoice row in the caller's query (`invoice`, `i`). Served by
 * the partial index on credit notes (migration 0008).
 */
export const creditedOf = (alias: string): RawBuilder<string | number | null> =>
  sql`(select sum(c.total_minor) from invoice c where c.credits_invoice_id = ${sql.ref(`${alias}.id`)} and c.kind = 'credit_note' and c.status = 'issued')`;

/** What is still to pay on an invoice: total − paid + credited (credit note totals are negative). */
export const openAmountOf = (alias: string): RawBuilder<string | number> =>
  sql`(${sql.ref(`${alias}.total_minor`)} - ${sql.ref(`${alias}.paid_minor`)} + coalesce(${creditedOf(alias)}, 0))`;
