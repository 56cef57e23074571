import { sql, type Kysely } from 'kysely';
import { ilike, toBigInt, toNumber } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { notFound, validation } from '../../kernel/app-error.ts';
import { money, type Money } from '../../kernel/money.ts';
import { openAmountOf } from '../invoices/open-amount.ts';

export interface DeliveryItem {
  id: string;
  sending: number;
  channel: string;
  /** The e-mail address; null for print. */
  recipient: string | null;
  /**
   * email: queued → sent (or stored, without SMTP) or failed, as the outbox message stands;
   * print: waiting_print → printed; failed when the sending could not be made.
   */
  status: string;
  error: string | null;
  mailMessageId: string | null;
  printBatchId: string | null;
  createdBy: string;
  createdAt: string;
  /** When the e-mail left (SMTP accepted it) or the print batch was made. */
  deliveredAt: string | null;
}

export interface InvoiceDeliveries {
  invoiceId: string;
  /** First sending and every re-send. */
  sentCount: number;
  lastSentAt: string | null;
  /** The payer's preference frozen at issue: email | print. */
  delivery: string;
  /** Newest sending first; within one, in the order written. */
  items: DeliveryItem[];
}

/** The delivery log of one invoice, each e-mail with the state of its outbox message. */
export const getInvoiceDeliveries = async (db: Kysely<DB>, invoiceId: string): Promise<InvoiceDeliveries> => {
  const inv = await db.selectFrom('invoice').select(['id', 'sent_count', 'last_sent_at', 'delivery']).where('id', '=', invoiceId).executeTakeFirst();
  if (!inv) throw notFound('The invoice');
  const rows = await db
    .selectFrom('invoice_delivery as d')
    .leftJoin('mail_message as m', 'm.id', 'd.mail_message_id')
    .leftJoin('print_batch as b', 'b.id', 'd.print_batch_id')
    .select(['d.id', 'd.sending', 'd.channel', 'd.recipient', 'd.status', 'd.error', 'd.mail_message_id', 'd.print_batch_id', 'd.created_by', 'd.created_at', 'm.status as mail_status', 'm.last_error as mail_error', 'm.sent_at as mail_sent_at', 'b.created_at as printed_at'])
    .where('d.invoice_id', '=', invoiceId)
    .orderBy('d.sending', 'desc')
    .orderBy('d.created_at')
    .orderBy('d.id')
    .execute();
  return {
    invoiceId,
    sentCount: toNumber(inv.sent_count),
    lastSentAt: inv.last_sent_at,
    delivery: inv.delivery,
    items: rows.map((r) => ({
      id: r.id,
      sending: toNumber(r.sending),
      channel: r.channel,
      recipient: r.recipient,
      status: r.mail_status ?? r.status,
      error: r.mail_status ? (r.mail_error ?? null) : r.error,
      mailMessageId: r.mail_message_id,
      printBatchId: r.print_batch_id,
      createdBy: r.created_by,
      createdAt: r.created_at,
      deliveredAt: r.mail_sent_at ?? r.printed_at ?? null,
    })),
  };
};

// ---- who has been sent how many invoices and still not paid (seed 001)

export interface SentReportItem {
  contactId: string;
  name: string;
  email: string | null;
  /** Its preference: email | print. */
  delivery: string;
  /** How many open invoices the contact has. */
  openInvoices: number;
  /** What those invoices still owe. */
  open: Money;
  /** The most times any of its open invoices has been sent. */
  timesSent: number;
  oldestDueDate: string | null;
  lastSentAt: string | null;
}

export interface SentReportQuery {
  /** 1, 2, or 3 (meaning three or more). */
  count: 1 | 2 | 3;
  page: number;
  pageSize: number;
  q?: string;
  sort?: { column: 'name' | 'open' | 'oldest_due' | 'last_sent'; direction: 'asc' | 'desc' };
}

export const SENT_REPORT_SORTS = ['name', 'open', 'oldest_due', 'last_sent'] as const;

const openExpr = openAmountOf('i');

/**
 * Contacts with unpaid invoices, by how many times they have been sent (seed 001: "a list of
 * organizations to whom one, two, or three invoices have been sent"): a contact counts by the most
 * times any of its open invoices was sent; 3 means three or more.
 */
export const invoicesSentReport = async (db: Kysely<DB>, query: SentReportQuery, currency: string): Promise<{ items: SentReportItem[]; page: number; pageSize: number; total: number }> => {
  if (![1, 2, 3].includes(query.count)) throw validation('count must be 1, 2 or 3 (three or more).', { field: 'count' });
  const having = query.count === 3 ? sql`max(x.sent_count) >= 3` : sql`max(x.sent_count) = ${query.count}`;
  const text = query.q?.trim();
  const nameFilter = text ? sql`and ct.display_name ${sql.raw(ilike(db))} ${`%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}` : sql``;
  const grouped = sql`
    select x.payer_id, count(*) as open_invoices, sum(x.open_minor) as open_minor, max(x.sent_count) as times_sent, min(x.due_date) as oldest_due, max(x.last_sent_at) as last_sent
    from (select i.payer_id, i.sent_count, i.due_date, i.last_sent_at, ${openExpr} as open_minor from invoice i where i.kind = 'invoice' and i.status = 'issued') x
    where x.open_minor > 0
    group by x.payer_id
    having ${having}`;
  const sortColumn = { name: sql`ct.sort_name`, open: sql`g.open_minor`, oldest_due: sql`g.oldest_due`, last_sent: sql`g.last_sent` }[query.sort?.column ?? 'name'];
  const dir = query.sort?.direction === 'desc' ? sql`desc` : sql`asc`;
  const { rows: countRows } = await sql<{ n: number | string }>`select count(*) as n from (${grouped}) g join contact ct on ct.id = g.payer_id where 1 = 1 ${nameFilter}`.execute(db);
  const { rows } = await sql<{
    payer_id: string;
    display_name: string;
    email: string | null;
    pseudo_email: number | string;
    invoice_delivery: string;
    open_invoices: number | string;
    open_minor: number | string;
    times_sent: number | string;
    oldest_due: string | null;
    last_sent: string | null;
  }>`select g.*, ct.display_name, ct.email, ct.pseudo_email, ct.invoice_delivery
     from (${grouped}) g join contact ct on ct.id = g.payer_id
     where 1 = 1 ${nameFilter}
     order by ${sortColumn} ${dir}, g.payer_id
     limit ${query.pageSize} offset ${(query.page - 1) * query.pageSize}`.execute(db);
  return {
    items: rows.map((r) => ({
      contactId: r.payer_id,
      name: r.display_name,
      email: r.email && toNumber(r.pseudo_email) !== 1 ? r.email : null,
      delivery: r.invoice_delivery,
      openInvoices: toNumber(r.open_invoices),
      open: money(toBigInt(r.open_minor), currency),
      timesSent: toNumber(r.times_sent),
      oldestDueDate: r.oldest_due,
      lastSentAt: r.last_sent,
    })),
    page: query.page,
    pageSize: query.pageSize,
    total: toNumber(countRows[0]?.n),
  };
};
