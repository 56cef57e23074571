import { sql, type Kysely, type RawBuilder } from 'kysely';
import { toBigInt, toNumber } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { money, type Money } from '../../kernel/money.ts';
import { daysPastDue } from './ageing.ts';
import { suggestedAmount } from './allocation.ts';
import { contactMatches } from './payment-store.ts';

export const OPEN_INVOICE_SORTS = ['due_date', 'number', 'open', 'payer'] as const;
export type OpenInvoiceSort = (typeof OPEN_INVOICE_SORTS)[number];

export interface OpenInvoiceQuery {
  page: number;
  pageSize: number;
  sort: { column: OpenInvoiceSort; direction: 'asc' | 'desc' };
  /** Digits: the invoice number, the payment reference (KID) or the payer's member number; text: part of the payer's name. */
  q?: string;
  payerId?: string;
  /** true: only invoices past their due date at `at`; false: only those not yet due. */
  overdue?: boolean;
  /** The day "overdue" and "days overdue" are counted at (the organization's today). */
  at: string;
}

/** One row of the quick-entry list (seed 002 receipts.cgi). */
export interface OpenInvoice {
  invoiceId: string;
  number: number | null;
  payerId: string;
  payerName: string;
  payerMemberNumber: number | null;
  issueDate: string | null;
  dueDate: string | null;
  /** Days past the due date at `at` (0 or less: not overdue). */
  daysOverdue: number;
  paymentReference: string | null;
  total: Money;
  paid: Money;
  credited: Money;
  open: Money;
  /** What to pay to settle it: what is open. */
  suggested: Money;
  version: number;
}

export interface OpenInvoicePage {
  items: OpenInvoice[];
  page: number;
  pageSize: number;
  total: number;
  /** Σ open over every row that matches (not just this page). */
  totalOpen: Money;
  at: string;
}

const SORT_COLUMN: Record<OpenInvoiceSort, string> = {
  due_date: 'invoice.due_date',
  number: 'invoice.number',
  open: 'open_minor',
  payer: 'payer_sort',
};

/**
 * Issued invoices with something open, for recording payments one after another: payer, number,
 * due date, total, paid, credited, open and the suggested amount; sorted by due date (oldest first) by default.
 *
 * What credit notes took off each invoice comes from one grouped read of the (few) issued credit
 * notes, joined by invoice, rather than a subquery per invoice: with a subquery per row PostgreSQL
 * estimated the count over 100,000 open invoices so dear that it compiled it (JIT) for most of a
 * second. A search finds the matching payers first, once; the count and Σ open read no contacts.
 */
export const listOpenInvoices = async (db: Kysely<DB>, query: OpenInvoiceQuery, currency: string): Promise<OpenInvoicePage> => {
  const credited = db
    .selectFrom('invoice as cr')
    .select(['cr.credits_invoice_id', sql<string | number>`cast(sum(cr.total_minor) as bigint)`.as('s')])
    .where('cr.credits_invoice_id', 'is not', null)
    .where('cr.kind', '=', 'credit_note')
    .where('cr.status', '=', 'issued')
    .groupBy('cr.credits_invoice_id')
    .as('cn');
  const open = sql<string | number>`(invoice.total_minor - invoice.paid_minor + coalesce(cn.s, 0))`;
  const text = query.q?.trim();
  const conds: RawBuilder<boolean>[] = [sql`invoice.kind = 'invoice'`, sql`invoice.status = 'issued'`, sql`${open} > 0`];
  if (query.payerId) conds.push(sql`invoice.payer_id = ${query.payerId}`);
  if (query.overdue === true) conds.push(sql`invoice.due_date < ${query.at}`);
  if (query.overdue === false) conds.push(sql`invoice.due_date >= ${query.at}`);
  const where = sql<boolean>`${sql.join(conds, sql` and `)}`;
  let base = db.selectFrom('invoice');
  if (text) {
    // The invoices a search names, each part an index lookup: of the payers whose name (or e-mail,
    // member number, phone) has every word, found once through the contacts' search index, and for a
    // number also the invoice with that number or KID. They drive the query (CROSS JOIN keeps them
    // first on SQLite), so it reads what was found instead of testing every open invoice.
    const found = [sql`select i.id from invoice i where ${contactMatches(db, 'i.payer_id', text)}`];
    if (/^\d{1,25}$/.test(text)) {
      found.push(sql`select i.id from invoice i where i.payment_reference = ${text}`);
      if (text.length <= 15) found.push(sql`select i.id from invoice i where i.number = ${Number(text)}`);
    }
    base = db
      .selectFrom(sql<{ id: string }>`(${sql.join(found, sql` union `)})`.as('found'))
      .crossJoin('invoice')
      .where(sql<boolean>`invoice.id = found.id`) as unknown as typeof base;
  }
  const withCredited = base.leftJoin(credited, 'cn.credits_invoice_id', 'invoice.id');
  const agg = await withCredited
    .where(where)
    .select((eb) => [eb.fn.countAll().as('n'), sql<string | number | null>`sum(${open})`.as('open_sum')])
    .executeTakeFirst();
  const col = sql.ref(SORT_COLUMN[query.sort.column]);
  const dir = query.sort.direction === 'desc' ? sql`desc` : sql`asc`;
  const rows = await withCredited
    .innerJoin('contact', 'contact.id', 'invoice.payer_id')
    .where(where)
    .select([
      'invoice.id',
      'invoice.number',
      'invoice.payer_id',
      'invoice.payer_member_number',
      'invoice.issue_date',
      'invoice.due_date',
      'invoice.payment_reference',
      'invoice.total_minor',
      'invoice.paid_minor',
      'invoice.currency',
      'invoice.version',
      sql<string>`coalesce(invoice.payer_name, contact.display_name)`.as('payer_name'),
      'contact.sort_name as payer_sort',
    ])
    .select(open.as('open_minor'))
    .orderBy(sql`${col} ${dir}`)
    .orderBy('invoice.number', query.sort.direction)
    .limit(query.pageSize)
    .offset((query.page - 1) * query.pageSize)
    .execute();
  return {
    items: rows.map((r) => {
      const total = toBigInt(r.total_minor);
      const paid = toBigInt(r.paid_minor);
      const open = toBigInt(r.open_minor);
      return {
        invoiceId: r.id,
        number: r.number === null ? null : toNumber(r.number),
        payerId: r.payer_id,
        payerName: r.payer_name,
        payerMemberNumber: r.payer_member_number === null ? null : toNumber(r.payer_member_number),
        issueDate: r.issue_date,
        dueDate: r.due_date,
        daysOverdue: r.due_date ? daysPastDue(r.due_date, query.at) : 0,
        paymentReference: r.payment_reference,
        total: money(total, r.currency),
        paid: money(paid, r.currency),
        credited: money(total - paid - open, r.currency),
        open: money(open, r.currency),
        suggested: money(suggestedAmount(open), r.currency),
        version: toNumber(r.version),
      };
    }),
    page: query.page,
    pageSize: query.pageSize,
    total: toNumber(agg?.n),
    totalOpen: money(toBigInt(agg?.open_sum), currency),
    at: query.at,
  };
};
