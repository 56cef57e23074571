import { inTransaction } from '../../db/database.ts';
import { validation } from '../../kernel/app-error.ts';
import { isIsoDate } from '../../kernel/dates.ts';
import { recordAudit } from '../audit/index.ts';
import { recordIssuedInvoiceIds } from '../ledger/index.ts';
import { applyCustomerCreditInTx } from '../payments/index.ts';
import { orgToday } from '../catalog/index.ts';
import { assertNotNegativeTotal, type ChangedBy, type Invoice, type InvoiceDeps } from './invoice.ts';
import { addDays, getInvoice, issuedColumns, loadIssueSettings, loadPayerSnapshots, takeInvoiceNumbers } from './invoice-store.ts';
import { lockDraft } from './update-invoice.ts';

export interface IssueInvoiceInput {
  /** YYYY-MM-DD; today (organization time zone) when left out. */
  issueDate?: string;
  version?: number;
}

/**
 * Issues a draft: takes the next number of the series, freezes the payer's name, address and
 * e-mail, sets the due date and the payment reference. From here on only its status changes.
 */
export const issueInvoice = async (deps: InvoiceDeps, by: ChangedBy, id: string, input: IssueInvoiceInput = {}): Promise<Invoice> =>
  inTransaction(deps.db, async (tx) => {
    await lockDraft(tx, id, input.version, 'issued');
    const draft = await getInvoice(tx, id);
    if (!draft.lines.length) throw validation('Add at least one line before issuing the invoice.', { field: 'lines' });
    assertNotNegativeTotal(draft.total.minor);
    const issueDate = input.issueDate ?? (await orgToday(tx, deps.clock));
    if (!isIsoDate(issueDate)) throw validation(`The issue date must be a date written YYYY-MM-DD, like 2026-03-01; got "${issueDate}".`, { field: 'issueDate' });
    const settings = await loadIssueSettings(tx);
    const payer = (await loadPayerSnapshots(tx, [draft.payerId])).get(draft.payerId)!;
    const number = await takeInvoiceNumbers(tx, settings, 1);
    const now = deps.clock.now().toISOString();
    await tx
      .updateTable('invoice')
      .set({ ...issuedColumns(settings, draft.kind, number, payer, issueDate, addDays(issueDate, settings.dueDays), now), version: draft.version + 1 })
      .where('id', '=', id)
      .execute();
    await recordIssuedInvoiceIds(tx, deps, by.actor.name ?? by.actor.type, [id]);
    // The payer's customer credit pays what it can of the new invoice.
    if (draft.kind === 'invoice') await applyCustomerCreditInTx(tx, deps, by, [draft.payerId], { date: issueDate, tryLocks: true });
    const issued = await getInvoice(tx, id);
    await recordAudit(tx, deps.clock, by.actor, {
      entityType: 'invoice',
      entityId: id,
      action: 'issue',
      before: { status: 'draft' },
      after: { status: 'issued', number, issueDate, dueDate: issued.dueDate, paymentReference: issued.paymentReference, payerName: payer.name },
      requestId: by.requestId,
    });
    return issued;
  });
