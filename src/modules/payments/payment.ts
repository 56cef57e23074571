import type { Config } from '../../config.ts';
import { validation } from '../../kernel/app-error.ts';
import type { Clock } from '../../kernel/clock.ts';
import { isIsoDate } from '../../kernel/dates.ts';
import { parseMoney, type Money } from '../../kernel/money.ts';
import type { Database } from '../../db/database.ts';
import type { Actor } from '../audit/index.ts';

/**
 * Payments and accounts receivable (issue 6; seed 002 receipts, seed 004 §3.3): the types and the
 * input rules. Allocation and ageing rules are pure functions in allocation.ts and ageing.ts.
 *
 * The model, in the tables of migration 0007:
 * - `payment` rows are receipts (money in, numbered in the gapless series 'receipt') and refunds
 *   (money back out of a contact's customer credit, series 'refund'). A receipt can be reversed
 *   once (NSF, bounced cheque, charge-back): its status becomes 'reversed'.
 * - `payment_allocation` is append-only. Kinds: 'payment' (part of a receipt put on an invoice),
 *   'credit' (customer credit put on an invoice; negative when an overpaid invoice gives the excess
 *   back to credit or a reversal takes credit back), 'writeoff' (the open rest forgiven), and
 *   'reversal' (negative: a reversed receipt's allocation taken off the invoice again).
 *   `invoice.paid_minor` is the cached sum of an invoice's rows, kept in the same transaction.
 * - Customer credit of a contact = Σ over its receipts that are not reversed of (amount − Σ the
 *   allocation rows naming the receipt) − Σ its 'credit' allocation rows − Σ its refunds. It equals
 *   the contact's balance on the customer-credit account (setting ledger.credit_account).
 * - Every change posts one balanced ledger entry per event through the ledger module, in the same
 *   transaction, with a source key so the same event never posts twice.
 */
export const PAYMENT_METHODS = ['cash', 'cheque', 'in_kind', 'visa', 'mastercard', 'bank_transfer', 'paypal', 'card_gateway', 'other'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];
export const PAYMENT_KINDS = ['receipt', 'refund'] as const;
export type PaymentKind = (typeof PAYMENT_KINDS)[number];
export const PAYMENT_STATUSES = ['recorded', 'reversed'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];
export const ALLOCATION_KINDS = ['payment', 'credit', 'writeoff', 'reversal'] as const;
export type AllocationKind = (typeof ALLOCATION_KINDS)[number];

/** Gapless number series of receipts and of refunds. */
export const RECEIPT_SEQUENCE = 'receipt';
export const REFUND_SEQUENCE = 'refund';

export interface PaymentDeps {
  db: Database;
  clock: Clock;
  /** With it, a recorded receipt e-mails the payer its receipt (setting payments.send_receipt). */
  config?: Pick<Config, 'mailFrom' | 'publicUrl'>;
}
export interface ChangedBy {
  actor: Actor;
  requestId?: string | null;
}

export const isPaymentMethod = (m: string): m is PaymentMethod => (PAYMENT_METHODS as readonly string[]).includes(m);

/** Cash payments post to the cash account; everything else to the bank account. */
export const moneyAccountRole = (method: string): 'cash' | 'bank' => (method === 'cash' ? 'cash' : 'bank');

export interface Allocation {
  id: string;
  invoiceId: string;
  invoiceNumber: number | null;
  paymentId: string | null;
  kind: AllocationKind;
  amount: Money;
  entryId: string | null;
  createdBy: string;
  createdAt: string;
}

export interface LedgerLineView {
  account: string;
  debit: Money;
  credit: Money;
  contactId: string | null;
  invoiceId: string | null;
}

export interface LedgerEntryView {
  id: string;
  seq: number;
  date: string;
  kind: string;
  description: string;
  sourceKey: string | null;
  lines: LedgerLineView[];
}

export interface PaymentSummary {
  id: string;
  kind: PaymentKind;
  number: number | null;
  contactId: string;
  contactName: string;
  /** The day the money came in (receipt) or went out (refund). */
  receivedOn: string;
  amount: Money;
  currency: string;
  method: PaymentMethod;
  reference: string | null;
  note: string | null;
  status: PaymentStatus;
  reversedOn: string | null;
  reversalReason: string | null;
  externalId: string | null;
  /** Receipts: the part on invoices now (0 once reversed). */
  allocated: Money;
  /** Receipts: the part that went to the contact's customer credit (0 once reversed). */
  toCredit: Money;
  createdBy: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface Payment extends PaymentSummary {
  /** Every allocation row naming this payment, oldest first (a reversal adds negative rows). */
  allocations: Allocation[];
  /** The ledger entries that posted it (the receipt, a reversal, credit taken back). */
  entries: LedgerEntryView[];
}

// ---- input rules

export const assertPaymentDate = (value: string | undefined, fallback: string, field: string, what: string): string => {
  const d = (value ?? fallback).trim();
  if (!isIsoDate(d)) throw validation(`${what} must be a date written YYYY-MM-DD, like 2026-03-01; got "${value}".`, { field });
  return d;
};

/** A positive amount in the currency, like "450.00" or "450,5". */
export const assertPositiveAmount = (text: string | undefined, currency: string, field: string, what = 'The amount'): bigint => {
  if (text === undefined || text === null || String(text).trim() === '') throw validation(`${what} is missing; write it like 450.00.`, { field });
  let m: Money;
  try {
    m = parseMoney(String(text), currency);
  } catch (e) {
    throw validation(`${what}: ${(e as Error).message}`, { field });
  }
  if (m.minor <= 0n) throw validation(`${what} must be more than zero; got "${text}".`, { field });
  return m.minor;
};

export const assertMethod = (method: string | undefined): PaymentMethod => {
  const m = (method ?? '').trim();
  if (!isPaymentMethod(m)) throw validation(`The payment method must be one of ${PAYMENT_METHODS.join(', ')}; got "${method ?? ''}".`, { field: 'method' });
  return m;
};

/** Optional one-line text (a reference, an external id): trimmed, empty → null. */
export const optionalText = (value: string | null | undefined, field: string, label: string, max: number): string | null => {
  const t = (value ?? '').trim();
  if (!t) return null;
  if (t.length > max) throw validation(`${label} can be at most ${max} characters.`, { field });
  if (/[\u0000-\u001f\u007f]/.test(t)) throw validation(`${label} must be one line of text without control characters.`, { field });
  return t;
};

export const optionalNote = (value: string | null | undefined): string | null => {
  const t = (value ?? '').trim();
  if (t.length > 2000) throw validation('The note can be at most 2000 characters.', { field: 'note' });
  return t || null;
};

export const requiredReason = (value: string | undefined, what: string): string => {
  const r = (value ?? '').trim();
  if (!r) throw validation(`Give a reason ${what}; it is kept with the payment and in the audit trail.`, { field: 'reason' });
  if (r.length > 500) throw validation('The reason can be at most 500 characters.', { field: 'reason' });
  return r;
};

/**
 * The status an invoice has after its allocations change: 'paid' once nothing is open and something
 * was put on it, 'issued' otherwise (a reversal reopens a paid invoice).
 */
export const statusAfter = (openMinor: bigint, paidMinor: bigint): 'paid' | 'issued' => (openMinor <= 0n && paidMinor > 0n ? 'paid' : 'issued');
