import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Clock } from '../../kernel/clock.ts';
import { getSetting } from '../settings/index.ts';
import { queueInvoiceDeliveries, type QueuedSending } from './queue-deliveries.ts';

/**
 * The billing run's hook, in its batch transaction: when setting billing.send_after_run is on (the
 * default), every invoice it just issued gets its first sending queued — by e-mail or for print, as
 * each payer prefers — in bulk, with the deterministic job ids `invoice-delivery:<id>:1`.
 */
export const deliverIssuedInvoices = async (tx: Kysely<DB>, deps: { clock: Clock }, by: string, invoiceIds: readonly string[]): Promise<QueuedSending[]> => {
  if (!invoiceIds.length || !(await getSetting(tx, 'billing.send_after_run'))) return [];
  return queueInvoiceDeliveries(tx, deps.clock, by, invoiceIds);
};
