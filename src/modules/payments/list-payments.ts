import type { Kysely } from 'kysely';
import { sortedPage } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import type { PaymentKind, PaymentMethod, PaymentStatus, PaymentSummary } from './payment.ts';
import { containsText, contactMatches, paymentQuery, toPaymentSummary } from './payment-store.ts';

export const PAYMENT_SORTS = ['received_on', 'number', 'amount', 'created_at'] as const;
export type PaymentSort = (typeof PAYMENT_SORTS)[number];

export interface PaymentListQuery {
  page: number;
  pageSize: number;
  sort: { column: PaymentSort; direction: 'asc' | 'desc' };
  /** The receipt number (all digits), or part of the payer's name, the reference or the external id. */
  q?: string;
  contactId?: string;
  kind?: PaymentKind;
  method?: PaymentMethod;
  status?: PaymentStatus;
  /** received_on from / to, inclusive. */
  from?: string;
  to?: string;
  /** Payments with an allocation on this invoice. */
  invoiceId?: string;
}

export interface PaymentPage {
  items: PaymentSummary[];
  page: number;
  pageSize: number;
  total: number;
}

const SORT_COLUMN: Record<PaymentSort, string> = {
  received_on: 'payment.received_on',
  number: 'payment.number',
  amount: 'payment.amount_minor',
  created_at: 'payment.created_at',
};

/** Receipts and refunds, filtered, sorted and paged. */
export const listPayments = async (db: Kysely<DB>, query: PaymentListQuery): Promise<PaymentPage> => {
  let q = paymentQuery(db);
  if (query.contactId) q = q.where('payment.contact_id', '=', query.contactId);
  if (query.kind) q = q.where('payment.kind', '=', query.kind);
  if (query.method) q = q.where('payment.method', '=', query.method);
  if (query.status) q = q.where('payment.status', '=', query.status);
  if (query.from) q = q.where('payment.received_on', '>=', query.from);
  if (query.to) q = q.where('payment.received_on', '<=', query.to);
  if (query.invoiceId) {
    const inv = query.invoiceId;
    q = q.where((eb) => eb.exists(eb.selectFrom('payment_allocation as pa').select('pa.id').whereRef('pa.payment_id', '=', 'payment.id').where('pa.invoice_id', '=', inv)));
  }
  const text = query.q?.trim();
  if (text) {
    q = q.where((eb) =>
      eb.or([
        ...(/^\d{1,15}$/.test(text) ? [eb('payment.number', '=', Number(text))] : []),
        contactMatches(db, 'payment.contact_id', text),
        containsText(db, 'payment.reference', text),
        containsText(db, 'payment.external_id', text),
      ]),
    );
  }
  const { rows, total } = await sortedPage(q, { column: SORT_COLUMN[query.sort.column], idColumn: 'payment.id', direction: query.sort.direction }, query);
  return { items: rows.map(toPaymentSummary), page: query.page, pageSize: query.pageSize, total };
};
