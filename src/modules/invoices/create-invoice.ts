import type { Kysely } from 'kysely';
import { inTransaction } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { validation } from '../../kernel/app-error.ts';
import { recordAudit } from '../audit/index.ts';
import { getSettings } from '../settings/index.ts';
import { assertNote, assertNotNegativeTotal, checkManualLines, type ChangedBy, type CheckedLine, type Invoice, type InvoiceDeps, type ManualLineInput } from './invoice.ts';
import { getInvoice, invoiceSnapshot, writeInvoices } from './invoice-store.ts';
import { invoiceTotals } from './vat.ts';

export interface ManualInvoiceInput {
  payerId: string;
  lines: ManualLineInput[];
  note?: string | null;
}

/** The payer of a manual invoice: an existing contact that has not been erased. */
export const assertPayer = async (tx: Kysely<DB>, payerId: string): Promise<void> => {
  const row = await tx.selectFrom('contact').select(['id', 'erased_at']).where('id', '=', payerId).executeTakeFirst();
  if (!row) throw validation(`No contact has the id ${payerId}: choose the contact who pays the invoice.`, { field: 'payerId' });
  if (row.erased_at) throw validation('That contact has been erased and cannot be invoiced.', { field: 'payerId' });
};

/** Prices manual lines in the organization currency with the VAT and G/L defaults from the settings. */
export const priceManualLines = async (tx: Kysely<DB>, lines: ManualLineInput[]): Promise<{ currency: string; lines: CheckedLine[] }> => {
  const s = await getSettings(tx);
  const currency = s['organization.currency'];
  const checked = checkManualLines(lines, currency, { vatRate: s['general.vat_rate'], glAccount: s['ledger.misc_sales_account'] });
  assertNotNegativeTotal(invoiceTotals(checked).totalMinor);
  return { currency, lines: checked };
};

/** Creates a manual draft invoice for a payer. It gets its number, reference and frozen payer when issued. */
export const createInvoice = async (deps: InvoiceDeps, by: ChangedBy, input: ManualInvoiceInput): Promise<Invoice> => {
  const note = assertNote(input.note);
  return inTransaction(deps.db, async (tx) => {
    await assertPayer(tx, input.payerId);
    const priced = await priceManualLines(tx, input.lines);
    const [written] = await writeInvoices(
      tx,
      deps.clock,
      { kind: 'invoice', origin: 'manual', billingRunId: null, issueDate: '', createdBy: by.actor.name ?? by.actor.type, status: 'draft' },
      [{ payerId: input.payerId, currency: priced.currency, lines: priced.lines, note }],
    );
    const created = await getInvoice(tx, written!.id);
    await recordAudit(tx, deps.clock, by.actor, { entityType: 'invoice', entityId: created.id, action: 'create', after: invoiceSnapshot(created), requestId: by.requestId });
    return created;
  });
};
