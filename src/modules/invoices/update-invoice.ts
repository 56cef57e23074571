import type { Kysely } from 'kysely';
import { inTransaction, lockResource, toNumber } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { conflict, notFound } from '../../kernel/app-error.ts';
import { newId } from '../../kernel/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { assertNote, type ChangedBy, type Invoice, type InvoiceDeps, type ManualLineInput } from './invoice.ts';
import { diff, getInvoice, invoiceSnapshot } from './invoice-store.ts';
import { assertPayer, priceManualLines } from './create-invoice.ts';
import { invoiceTotals } from './vat.ts';

export interface InvoicePatch {
  payerId?: string;
  /** Replaces every line. */
  lines?: ManualLineInput[];
  note?: string | null;
  /** The version the caller last read; a stale one gets 409. */
  version?: number;
}

/** Locks an invoice for the rest of the transaction and checks it is a draft (and at `version`, when given). */
export const lockDraft = async (tx: Kysely<DB>, id: string, version: number | undefined, doing: string) => {
  await lockResource(tx, `invoice:${id}`);
  const row = await tx.selectFrom('invoice').select(['id', 'status', 'version', 'kind']).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('The invoice');
  if (row.status !== 'draft') throw conflict(`Only a draft can be ${doing}; this invoice is ${row.status}. An issued invoice is corrected with a credit note, or voided.`);
  if (version !== undefined && toNumber(row.version) !== version) {
    throw conflict('Someone else changed this invoice since you opened it. Reload it and make your change again.', { field: 'version' });
  }
  return row;
};

/** Changes a draft invoice: payer, note, or all its lines. */
export const updateInvoice = async (deps: InvoiceDeps, by: ChangedBy, id: string, patch: InvoicePatch): Promise<Invoice> =>
  inTransaction(deps.db, async (tx) => {
    await lockDraft(tx, id, patch.version, 'changed');
    const before = await getInvoice(tx, id);
    if (patch.payerId !== undefined) await assertPayer(tx, patch.payerId);
    const now = deps.clock.now().toISOString();
    const set: Record<string, unknown> = { updated_at: now, version: before.version + 1 };
    if (patch.payerId !== undefined) set.payer_id = patch.payerId;
    if (patch.note !== undefined) set.note = assertNote(patch.note);
    if (patch.lines !== undefined) {
      const priced = await priceManualLines(tx, patch.lines);
      const totals = invoiceTotals(priced.lines);
      Object.assign(set, { net_minor: totals.netMinor.toString(), vat_minor: totals.vatMinor.toString(), total_minor: totals.totalMinor.toString(), currency: priced.currency });
      await tx.deleteFrom('invoice_line').where('invoice_id', '=', id).execute();
      const nowMs = deps.clock.now().getTime();
      await tx
        .insertInto('invoice_line')
        .values(
          priced.lines.map((l, position) => ({
            id: newId(nowMs),
            invoice_id: id,
            position,
            charge_key: null,
            source: 'manual',
            subscription_id: null,
            item_type: null,
            item_id: null,
            description: l.description,
            quantity: l.quantity,
            unit_price_minor: l.unitPriceMinor.toString(),
            net_minor: l.netMinor.toString(),
            vat_rate: l.vatRate,
            vat_minor: l.vatMinor.toString(),
            period_start: l.periodStart,
            period_end: l.periodEnd,
            gl_account: l.glAccount,
            credits_line_id: null,
          })),
        )
        .execute();
    }
    await tx.updateTable('invoice').set(set).where('id', '=', id).execute();
    const after = await getInvoice(tx, id);
    const changes = diff(invoiceSnapshot(before), invoiceSnapshot(after));
    if (changes) await recordAudit(tx, deps.clock, by.actor, { entityType: 'invoice', entityId: id, action: 'update', ...changes, requestId: by.requestId });
    return after;
  });

/** Deletes a draft invoice and its lines (issued invoices are never deleted). */
export const deleteInvoice = async (deps: InvoiceDeps, by: ChangedBy, id: string, version?: number): Promise<void> =>
  inTransaction(deps.db, async (tx) => {
    await lockDraft(tx, id, version, 'deleted');
    const before = await getInvoice(tx, id);
    await tx.deleteFrom('invoice_line').where('invoice_id', '=', id).execute();
    await tx.deleteFrom('invoice').where('id', '=', id).execute();
    await recordAudit(tx, deps.clock, by.actor, { entityType: 'invoice', entityId: id, action: 'delete', before: invoiceSnapshot(before), requestId: by.requestId });
  });
