import { inTransaction, lockResource } from '../../db/database.ts';
import { conflict } from '../../kernel/app-error.ts';
import { recordAudit } from '../audit/index.ts';
import { recordVoidedInvoice } from '../ledger/index.ts';
import { assertReason, type ChangedBy, type Invoice, type InvoiceDeps } from './invoice.ts';
import { getInvoice } from './invoice-store.ts';

/**
 * Voids an issued invoice that nothing has been paid on and no credit note corrects: it keeps its
 * number (the series has no gaps) and its lines, and is never in an unpaid list again. Its charges
 * stay billed: the billing run does not charge them again.
 */
export const voidInvoice = async (deps: InvoiceDeps, by: ChangedBy, id: string, input: { reason: string; version?: number }): Promise<Invoice> => {
  const reason = assertReason(input.reason, 'for voiding the invoice');
  return inTransaction(deps.db, async (tx) => {
    await lockResource(tx, `invoice:${id}`);
    const before = await getInvoice(tx, id);
    if (before.kind !== 'invoice') throw conflict('A credit note cannot be voided. If it was wrong, issue a new invoice for the amount.');
    if (before.status === 'void') throw conflict(`Invoice ${before.number} is already void.`);
    if (before.status !== 'issued') throw conflict(`Only an issued invoice can be voided; this one is ${before.status}.${before.status === 'draft' ? ' Delete the draft instead.' : ''}`);
    if (before.paid.minor > 0n) throw conflict(`Invoice ${before.number} has payments on it, so it cannot be voided. Credit it instead (a credit note for all or some of its lines).`);
    if (before.creditNotes.length) throw conflict(`Invoice ${before.number} has credit notes, so it cannot be voided. Credit what is left of it instead.`);
    if (input.version !== undefined && input.version !== before.version) {
      throw conflict('Someone else changed this invoice since you opened it. Reload it and try again.', { field: 'version' });
    }
    const now = deps.clock.now().toISOString();
    await tx
      .updateTable('invoice')
      .set({ status: 'void', void_reason: reason, voided_at: now, updated_at: now, version: before.version + 1 })
      .where('id', '=', id)
      .where('status', '=', 'issued')
      .execute();
    // The ledger mirrors the invoice's posting with a new entry (postings are never changed).
    await recordVoidedInvoice(tx, deps, by.actor.name ?? by.actor.type, id);
    await recordAudit(tx, deps.clock, by.actor, {
      entityType: 'invoice',
      entityId: id,
      action: 'void',
      before: { status: 'issued' },
      after: { status: 'void', voidReason: reason },
      requestId: by.requestId,
    });
    return getInvoice(tx, id);
  });
};
