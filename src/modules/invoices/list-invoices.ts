import { sql, type Kysely } from 'kysely';
import { ilike, sortedPage } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import type { InvoiceKind, InvoiceStatus, InvoiceSummary } from './invoice.ts';
import { invoiceQuery, toSummary } from './invoice-store.ts';
import { openAmountOf } from './open-amount.ts';

export const INVOICE_SORTS = ['number', 'issue_date', 'due_date', 'total', 'created_at'] as const;
export type InvoiceSort = (typeof INVOICE_SORTS)[number];

export interface InvoiceListQuery {
  page: number;
  pageSize: number;
  sort: { column: InvoiceSort; direction: 'asc' | 'desc' };
  /** The number (all digits), or part of the payer's name. */
  q?: string;
  status?: InvoiceStatus;
  kind?: InvoiceKind;
  payerId?: string;
  billingRunId?: string;
  /** Invoices with a line for this subscription. */
  subscriptionId?: string;
  /** The invoice a credit note corrects. */
  creditsInvoiceId?: string;
  issueDateFrom?: string;
  issueDateTo?: string;
  /** true: unpaid invoices only (issued, kind invoice, open > 0); false: the rest. */
  open?: boolean;
}

export interface InvoicePage {
  items: InvoiceSummary[];
  page: number;
  pageSize: number;
  total: number;
}

const SORT_COLUMN: Record<InvoiceSort, string> = {
  number: 'invoice.number',
  issue_date: 'invoice.issue_date',
  due_date: 'invoice.due_date',
  total: 'invoice.total_minor',
  created_at: 'invoice.created_at',
};

/** Invoices and credit notes, filtered, sorted (empty values last either way, the same on both databases) and paged. */
export const listInvoices = async (db: Kysely<DB>, query: InvoiceListQuery): Promise<InvoicePage> => {
  const openExpr = openAmountOf('invoice');
  let q = invoiceQuery(db);
  if (query.status) q = q.where('invoice.status', '=', query.status);
  if (query.kind) q = q.where('invoice.kind', '=', query.kind);
  if (query.payerId) q = q.where('invoice.payer_id', '=', query.payerId);
  if (query.billingRunId) q = q.where('invoice.billing_run_id', '=', query.billingRunId);
  if (query.creditsInvoiceId) q = q.where('invoice.credits_invoice_id', '=', query.creditsInvoiceId);
  if (query.subscriptionId) {
    const sub = query.subscriptionId;
    q = q.where((eb) => eb.exists(eb.selectFrom('invoice_line as sl').select('sl.id').whereRef('sl.invoice_id', '=', 'invoice.id').where('sl.subscription_id', '=', sub)));
  }
  if (query.issueDateFrom) q = q.where('invoice.issue_date', '>=', query.issueDateFrom);
  if (query.issueDateTo) q = q.where('invoice.issue_date', '<=', query.issueDateTo);
  if (query.open === true) q = q.where('invoice.kind', '=', 'invoice').where('invoice.status', '=', 'issued').where(sql<boolean>`${openExpr} > 0`);
  if (query.open === false) q = q.where(sql<boolean>`not (invoice.kind = 'invoice' and invoice.status = 'issued' and ${openExpr} > 0)`);
  const text = query.q?.trim();
  if (text) {
    const like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const name = sql`coalesce(invoice.payer_name, contact.display_name)`;
    q = /^\d{1,15}$/.test(text)
      ? q.where((eb) => eb.or([eb('invoice.number', '=', Number(text)), eb(name, ilike(db), like)]))
      : q.where(name, ilike(db), like);
  }
  const { rows, total } = await sortedPage(q, { column: SORT_COLUMN[query.sort.column], idColumn: 'invoice.id', direction: query.sort.direction }, query);
  return { items: rows.map(toSummary), page: query.page, pageSize: query.pageSize, total };
};
