import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { NewInvoice } from './invoice.ts';
import { writeInvoices, type PayerSnapshot } from './invoice-store.ts';

export interface IssueNewInvoicesInput {
  origin: 'run' | 'cycle' | 'manual';
  billingRunId: string | null;
  /** YYYY-MM-DD; the due date is this plus the setting general.invoice_due_days. */
  issueDate: string;
  /** Who the invoices are recorded as created by (a staff name, "billing run", …). */
  createdBy: string;
  invoices: NewInvoice[];
  /** Written as sent once (the caller queues the first sending in the same transaction; see documents' queueFirstSendings). */
  firstSending?: boolean;
  /** The payers as `loadPayerSnapshots` read them in a snapshot the caller knows to be current; otherwise read here. */
  payers?: ReadonlyMap<string, PayerSnapshot>;
}

export interface IssuedInvoiceRef {
  id: string;
  number: number;
  payerId: string;
  /** Net + VAT in minor units. */
  total: bigint;
}

/**
 * Issues new invoices in bulk, inside the caller's transaction (the billing run's hot path): the
 * payers are loaded in one query and frozen on the invoices, the numbers are taken in one block
 * (gapless, in input order), VAT is computed per line, the due date and payment reference are
 * set, and invoices and lines are written with multi-row INSERTs. No audit row per invoice: the
 * caller audits the batch. A charge key that is already billed (or repeated in the batch) throws
 * a conflict AppError; the caller must roll back. Returns one entry per input invoice, in order.
 */
export const issueNewInvoices = async (tx: Kysely<DB>, deps: { clock: Clock }, input: IssueNewInvoicesInput): Promise<IssuedInvoiceRef[]> => {
  const written = await writeInvoices(
    tx,
    deps.clock,
    { kind: 'invoice', origin: input.origin, billingRunId: input.billingRunId, issueDate: input.issueDate, createdBy: input.createdBy, status: 'issued', firstSending: input.firstSending, payers: input.payers },
    input.invoices,
  );
  return written.map((w) => ({ id: w.id, number: w.number!, payerId: w.payerId, total: w.total }));
};
