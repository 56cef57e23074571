import { inTransaction, lockResource } from '../../db/database.ts';
import { conflict } from '../../kernel/app-error.ts';
import { recordAudit } from '../audit/index.ts';
import { applyCustomerCreditInTx } from '../payments/index.ts';
import { orgToday } from '../catalog/index.ts';
import { assertReason, creditAmounts, type ChangedBy, type CreditPick, type Invoice, type InvoiceDeps } from './invoice.ts';
import { getInvoice, invoiceSnapshot, loadCredited, writeInvoices, type WriteLine } from './invoice-store.ts';

export interface CreditNoteInput {
  /** Lines to credit, each with a quantity (default: what is left of the line); left out: every line, in full. */
  lines?: CreditPick[];
  reason: string;
}

/**
 * Issues a credit note for an issued invoice at once: negative lines reversing all or chosen
 * lines (and quantities) of it, numbered in the same series, with `credits_invoice_id` set. The
 * invoice itself is not changed; its `credited` grows and its `open` amount shrinks.
 */
export const createCreditNote = async (deps: InvoiceDeps, by: ChangedBy, invoiceId: string, input: CreditNoteInput): Promise<Invoice> => {
  const reason = assertReason(input.reason, 'for the credit note');
  return inTransaction(deps.db, async (tx) => {
    // Two credit notes for one invoice at once must not both credit the same line.
    await lockResource(tx, `invoice:${invoiceId}`);
    const invoice = await getInvoice(tx, invoiceId);
    if (invoice.kind !== 'invoice') throw conflict('A credit note cannot itself be credited.');
    if (invoice.status === 'draft') throw conflict('A draft has nothing to credit: change or delete the draft instead.');
    if (invoice.status === 'void') throw conflict(`Invoice ${invoice.number} is void; there is nothing to credit.`);
    const credited = await loadCredited(tx, invoiceId);
    const creditable = invoice.lines.map((l) => {
      const c = credited.get(l.id);
      return {
        id: l.id,
        quantity: l.quantity,
        netMinor: l.net.minor,
        vatMinor: l.vat.minor,
        vatRate: l.vatRate,
        creditedQuantity: c?.quantity ?? '0',
        creditedNetMinor: c?.netMinor ?? 0n,
        creditedVatMinor: c?.vatMinor ?? 0n,
      };
    });
    const amounts = creditAmounts(creditable, input.lines);
    const byId = new Map(invoice.lines.map((l) => [l.id, l]));
    const lines: WriteLine[] = amounts.map((a) => {
      const l = byId.get(a.lineId)!;
      return {
        chargeKey: null,
        source: 'credit',
        subscriptionId: l.subscriptionId,
        itemType: l.itemType,
        itemId: l.itemId,
        description: l.description,
        quantity: a.quantity,
        unitPriceMinor: l.unitPrice.minor,
        netMinor: a.netMinor,
        vatMinor: a.vatMinor,
        vatRate: l.vatRate,
        periodStart: l.periodStart,
        periodEnd: l.periodEnd,
        glAccount: l.glAccount,
        creditsLineId: l.id,
      };
    });
    const [written] = await writeInvoices(
      tx,
      deps.clock,
      { kind: 'credit_note', origin: 'credit', billingRunId: null, issueDate: await orgToday(tx, deps.clock), createdBy: by.actor.name ?? by.actor.type, status: 'issued' },
      [{ payerId: invoice.payerId, currency: invoice.currency, lines, note: reason, creditsInvoiceId: invoiceId }],
    );
    // Crediting a paid invoice leaves it overpaid: the excess goes to the payer's customer credit and
    // on to their other open invoices (skipped, and left for the next issue, if the payer is busy).
    await applyCustomerCreditInTx(tx, deps, by, [invoice.payerId], { tryLocks: true });
    const note = await getInvoice(tx, written!.id);
    await recordAudit(tx, deps.clock, by.actor, { entityType: 'invoice', entityId: note.id, action: 'credit', after: invoiceSnapshot(note), requestId: by.requestId });
    return note;
  });
};
