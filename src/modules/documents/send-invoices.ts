import { sql, type Kysely } from 'kysely';
import { inTransaction, lockResource } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { validation } from '../../kernel/app-error.ts';
import { newId } from '../../kernel/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { orgToday } from '../settings/index.ts';
import type { DeliveryChannel } from './delivery-plan.ts';
import { queueInvoiceDeliveries } from './queue-deliveries.ts';
import type { ChangedBy, TemplateDeps } from './template-store.ts';
import { openAmountOf } from '../invoices/open-amount.ts';

/** Which invoices a mass send takes (all conditions must hold). Only issued or paid ones are ever sent. */
export interface InvoiceSelection {
  /** Exactly these (at most 10,000); other conditions still apply. */
  invoiceIds?: string[];
  kind?: 'invoice' | 'credit_note';
  status?: 'issued' | 'paid';
  payerId?: string;
  billingRunId?: string;
  issueDateFrom?: string;
  issueDateTo?: string;
  /** Invoices with something still to pay. */
  open?: boolean;
  /** Open and past their due date (organization time zone). */
  overdue?: boolean;
  /** Sent exactly this many times so far (0: never sent). */
  timesSent?: number;
  /** The preference frozen on the invoice at issue. */
  delivery?: DeliveryChannel;
}

export interface SendInvoicesResult {
  /** How many invoices were (or, in a dry run, would be) sent. */
  count: number;
  dryRun: boolean;
  /** The first 100 ids, for a look. */
  invoiceIds: string[];
}

export const MAX_MASS_SEND = 50_000;

const openExpr = openAmountOf('invoice');

/** The ids a selection takes, oldest number first. */
export const selectInvoices = async (db: Kysely<DB>, s: InvoiceSelection, today: string): Promise<string[]> => {
  if (s.invoiceIds && s.invoiceIds.length > 10_000) throw validation('Give at most 10,000 invoice ids; use the filters for more.', { field: 'invoiceIds' });
  if (s.invoiceIds && !s.invoiceIds.length) return [];
  let q = db.selectFrom('invoice').select('invoice.id').where('invoice.status', 'in', s.status ? [s.status] : ['issued', 'paid']);
  if (s.invoiceIds) q = q.where('invoice.id', 'in', s.invoiceIds);
  if (s.kind) q = q.where('invoice.kind', '=', s.kind);
  if (s.payerId) q = q.where('invoice.payer_id', '=', s.payerId);
  if (s.billingRunId) q = q.where('invoice.billing_run_id', '=', s.billingRunId);
  if (s.issueDateFrom) q = q.where('invoice.issue_date', '>=', s.issueDateFrom);
  if (s.issueDateTo) q = q.where('invoice.issue_date', '<=', s.issueDateTo);
  if (s.delivery) q = q.where('invoice.delivery', '=', s.delivery);
  if (s.timesSent !== undefined) q = q.where('invoice.sent_count', '=', s.timesSent);
  if (s.open || s.overdue) q = q.where('invoice.kind', '=', 'invoice').where('invoice.status', '=', 'issued').where(sql<boolean>`${openExpr} > 0`);
  if (s.open === false) q = q.where(sql<boolean>`not (invoice.kind = 'invoice' and invoice.status = 'issued' and ${openExpr} > 0)`);
  if (s.overdue) q = q.where('invoice.due_date', '<', today);
  const rows = await q.orderBy('invoice.number').limit(MAX_MASS_SEND + 1).execute();
  if (rows.length > MAX_MASS_SEND) throw validation(`The selection holds more than ${MAX_MASS_SEND.toLocaleString('en')} invoices; narrow it (by issue date or billing run) and send in parts.`);
  return rows.map((r) => r.id);
};

/**
 * Mass send or re-send (seed 001, seed 002 "ExistingInvoice"): every invoice the selection takes gets
 * one more sending, each through its own delivery job, in one transaction with one audit row for the
 * batch. `dryRun` only counts. `channel` overrides every payer's preference.
 */
export const sendInvoices = async (
  deps: TemplateDeps,
  by: ChangedBy,
  input: { selection: InvoiceSelection; channel?: DeliveryChannel; dryRun?: boolean },
): Promise<SendInvoicesResult> => {
  const today = await orgToday(deps.db, deps.clock);
  if (input.dryRun) {
    const ids = await selectInvoices(deps.db, input.selection, today);
    return { count: ids.length, dryRun: true, invoiceIds: ids.slice(0, 100) };
  }
  return inTransaction(deps.db, async (tx) => {
    await lockResource(tx, 'invoice-mass-send');
    const ids = await selectInvoices(tx, input.selection, today);
    const queued = await queueInvoiceDeliveries(tx, deps.clock, by.actor.name ?? by.actor.type, ids, { channel: input.channel });
    if (queued.length) {
      await recordAudit(tx, deps.clock, by.actor, {
        entityType: 'invoice_delivery',
        entityId: newId(deps.clock.now().getTime()),
        action: 'mass_send',
        after: { count: queued.length, selection: input.selection, channel: input.channel ?? null, first: queued.slice(0, 20).map((q) => q.invoiceId) },
        requestId: by.requestId,
      });
    }
    return { count: queued.length, dryRun: false, invoiceIds: queued.slice(0, 100).map((q) => q.invoiceId) };
  });
};
