import { sql, type Kysely } from 'kysely';
import { toNumber } from '../../db/database.ts';
import { inList, insertRows } from '../../db/bulk.ts';
import type { DB } from '../../db/schema.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { DeliveryChannel } from './delivery-plan.ts';

export const INVOICE_DELIVERY_JOB = 'invoice.deliver';

/** One job per sending of an invoice: enqueuing the same sending twice keeps the first. */
export const deliveryJobId = (invoiceId: string, sending: number): string => `invoice-delivery:${invoiceId}:${sending}`;

export interface DeliveryPayload {
  invoiceId: string;
  /** 1 = the first sending, 2 = the first re-send, … */
  sending: number;
  /** Override the payer's preference. */
  channel?: DeliveryChannel;
  /** Send to these addresses instead of the payer's. */
  to?: string[];
  /** Who asked (kept on the delivery log). */
  by: string;
}

export interface QueuedSending {
  invoiceId: string;
  sending: number;
  jobId: string;
}

const CHUNK = 5000;
const JOB_COLUMNS = ['id', 'type', 'payload', 'status', 'run_at', 'attempts', 'max_attempts', 'last_error', 'locked_by', 'locked_at', 'created_at', 'updated_at', 'finished_at'] as const;

const jobRow = (invoiceId: string, sending: number, by: string, now: string, opts: { channel?: DeliveryChannel; to?: string[] }) => {
  const payload: DeliveryPayload = { invoiceId, sending, by, ...(opts.channel ? { channel: opts.channel } : {}), ...(opts.to?.length ? { to: opts.to } : {}) };
  return [deliveryJobId(invoiceId, sending), INVOICE_DELIVERY_JOB, JSON.stringify(payload), 'pending', now, 0, 8, null, null, null, now, now, null];
};

/**
 * In the caller's transaction: counts one more sending of each issued (or paid) invoice and credit
 * note — `sent_count + 1`, `last_sent_at` — and queues its delivery job
 * `invoice-delivery:<invoice>:<sending>`. Drafts and void invoices are skipped. Bulk: one UPDATE …
 * RETURNING and one multi-row INSERT per 5,000 invoices.
 */
export const queueInvoiceDeliveries = async (
  tx: Kysely<DB>,
  clock: Clock,
  by: string,
  invoiceIds: readonly string[],
  opts: { channel?: DeliveryChannel; to?: string[] } = {},
): Promise<QueuedSending[]> => {
  const out: QueuedSending[] = [];
  const now = clock.now().toISOString();
  const ids = [...new Set(invoiceIds)];
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    const inIds = inList(tx, 'id', chunk);
    const { rows } = await sql<{ id: string; sent_count: number | string }>`update invoice set sent_count = sent_count + 1, last_sent_at = ${now}
      where ${inIds} and status in ('issued', 'paid') returning id, sent_count`.execute(tx);
    const jobs = rows.map((r) => {
      const sending = toNumber(r.sent_count);
      out.push({ invoiceId: r.id, sending, jobId: deliveryJobId(r.id, sending) });
      return jobRow(r.id, sending, by, now, opts);
    });
    await insertRows(tx, 'job', JOB_COLUMNS, jobs);
  }
  return out;
};

/**
 * The first sending of invoices just issued in the caller's transaction with `firstSending` (their
 * rows already say sent once, at issue): only the delivery jobs `invoice-delivery:<invoice>:1` are
 * queued, by e-mail or for print as each payer prefers. The billing run's path: no second write
 * of every invoice row.
 */
export const queueFirstSendings = async (tx: Kysely<DB>, clock: Clock, by: string, invoiceIds: readonly string[]): Promise<QueuedSending[]> => {
  const now = clock.now().toISOString();
  await insertRows(tx, 'job', JOB_COLUMNS, invoiceIds.map((id) => jobRow(id, 1, by, now, {})));
  return invoiceIds.map((invoiceId) => ({ invoiceId, sending: 1, jobId: deliveryJobId(invoiceId, 1) }));
};
