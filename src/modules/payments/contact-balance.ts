import { sql, type Kysely } from 'kysely';
import { toBigInt } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { notFound } from '../../kernel/app-error.ts';
import { money, type Money } from '../../kernel/money.ts';
import { listOpenInvoices, type OpenInvoice } from './list-open-invoices.ts';
import { customerCredit } from './payment-store.ts';
import { openAmountOf } from '../invoices/open-amount.ts';

export interface ContactBalance {
  contactId: string;
  name: string;
  currency: string;
  /** Σ invoices issued (not void). */
  invoiced: Money;
  /** Σ credit notes (positive). */
  credited: Money;
  /** Σ receipts, including those reversed later. */
  received: Money;
  /** Σ receipts reversed. */
  reversed: Money;
  /** Σ customer credit paid back. */
  refunded: Money;
  /** Σ written off. */
  writtenOff: Money;
  /** Σ open over the contact's invoices (what the invoices still ask for; negative on an overpaid invoice). */
  open: Money;
  /** Of `open`, what is past its due date. */
  overdue: Money;
  /** Paid in advance or overpaid, not yet applied or refunded. */
  customerCredit: Money;
  /**
   * What the contact owes, all told: invoiced − credited − received + reversed + refunded −
   * written off; always equal to open − customer credit. Negative: the organization owes them.
   */
  balance: Money;
  /** Open invoices, oldest due first (at most 500). */
  openItems: OpenInvoice[];
}

/** A contact's balance and open items, from the invoices and payments (the ledger's A/R and customer credit agree with it). */
export const contactBalance = async (db: Kysely<DB>, contactId: string, at: string, currency: string): Promise<ContactBalance> => {
  const contact = await db.selectFrom('contact').select(['id', 'display_name']).where('id', '=', contactId).executeTakeFirst();
  if (!contact) throw notFound('The contact');
  const inv = await db
    .selectFrom('invoice')
    .select([
      sql<string | number | null>`sum(case when kind = 'invoice' and status in ('issued', 'paid') then total_minor else 0 end)`.as('invoiced'),
      sql<string | number | null>`sum(case when kind = 'credit_note' and status = 'issued' then -total_minor else 0 end)`.as('credited'),
      sql<string | number | null>`sum(case when kind = 'invoice' and status in ('issued', 'paid') then ${openAmountOf('invoice')} else 0 end)`.as('open'),
      sql<string | number | null>`sum(case when kind = 'invoice' and status = 'issued' and due_date < ${at} then ${openAmountOf('invoice')} else 0 end)`.as('overdue'),
    ])
    .where('payer_id', '=', contactId)
    .executeTakeFirst();
  const pay = await db
    .selectFrom('payment')
    .select([
      sql<string | number | null>`sum(case when kind = 'receipt' then amount_minor else 0 end)`.as('received'),
      sql<string | number | null>`sum(case when kind = 'receipt' and status = 'reversed' then amount_minor else 0 end)`.as('reversed'),
      sql<string | number | null>`sum(case when kind = 'refund' then amount_minor else 0 end)`.as('refunded'),
    ])
    .where('contact_id', '=', contactId)
    .executeTakeFirst();
  const wo = await db
    .selectFrom('payment_allocation as a')
    .innerJoin('invoice as i', 'i.id', 'a.invoice_id')
    .select(sql<string | number | null>`sum(a.amount_minor)`.as('s'))
    .where('i.payer_id', '=', contactId)
    .where('a.kind', '=', 'writeoff')
    .executeTakeFirst();
  const credit = (await customerCredit(db, [contactId])).get(contactId) ?? 0n;
  const invoiced = toBigInt(inv?.invoiced);
  const credited = toBigInt(inv?.credited);
  const received = toBigInt(pay?.received);
  const reversed = toBigInt(pay?.reversed);
  const refunded = toBigInt(pay?.refunded);
  const writtenOff = toBigInt(wo?.s);
  const m = (v: bigint) => money(v, currency);
  const items = await listOpenInvoices(db, { page: 1, pageSize: 500, sort: { column: 'due_date', direction: 'asc' }, payerId: contactId, at }, currency);
  return {
    contactId,
    name: contact.display_name,
    currency,
    invoiced: m(invoiced),
    credited: m(credited),
    received: m(received),
    reversed: m(reversed),
    refunded: m(refunded),
    writtenOff: m(writtenOff),
    open: m(toBigInt(inv?.open)),
    overdue: m(toBigInt(inv?.overdue)),
    customerCredit: m(credit),
    balance: m(invoiced - credited - received + reversed + refunded - writtenOff),
    openItems: items.items,
  };
};
