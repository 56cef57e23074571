import type { Kysely } from 'kysely';
import { toBigInt, toNumber } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { notFound } from '../../kernel/app-error.ts';
import { money, type Money } from '../../kernel/money.ts';
import { listInvoices, payerSnapshot } from '../invoices/index.ts';

/**
 * A contact's statement (seed 002 stmt.tmpl): every invoice, credit note, payment, reversal, refund
 * and write-off, oldest first, with a running balance and the amount due. The balance is what the
 * contact owes (negative: what they have in their favour): invoices − credit notes − payments
 * + reversed payments + refunds − write-offs. Payments are read from the payments tables directly,
 * so statements show them whichever way they were recorded.
 */

export const STATEMENT_ENTRY_KINDS = ['invoice', 'credit_note', 'payment', 'reversal', 'refund', 'writeoff'] as const;
export type StatementEntryKind = (typeof STATEMENT_ENTRY_KINDS)[number];

/** One movement on the account, before the running balance is added. */
export interface StatementItem {
  date: string;
  kind: StatementEntryKind;
  /** The invoice (invoice, credit note, write-off) or payment (payment, reversal, refund) it comes from. */
  sourceId: string;
  /** Invoice, credit note or receipt number. */
  number: number | null;
  /** KID of an invoice, the invoice a credit note or write-off concerns, a payment's reference, a reversal's reason. */
  detail: string | null;
  /** Payments and refunds: cash, cheque, bank_transfer, … */
  method: string | null;
  dueDate: string | null;
  /** What it adds to the balance (charged, ≥ 0). */
  chargeMinor: bigint;
  /** What it takes off the balance (paid or credited, ≥ 0). */
  creditMinor: bigint;
}

export interface StatementEntry extends Omit<StatementItem, 'chargeMinor' | 'creditMinor'> {
  charge: Money;
  credit: Money;
  balance: Money;
}

export interface OpenInvoice {
  id: string;
  number: number | null;
  issueDate: string | null;
  dueDate: string | null;
  paymentReference: string | null;
  total: Money;
  open: Money;
  overdue: boolean;
}

export interface Statement {
  contact: { id: string; name: string; address: string[]; email: string | null; memberNumber: number | null; language: string | null; delivery: string };
  /** The statement date: nothing after it is shown. */
  asOf: string;
  currency: string;
  entries: StatementEntry[];
  totalCharged: Money;
  totalCredited: Money;
  balance: Money;
  /** The balance when positive, else 0. */
  amountDue: Money;
  /** Issued invoices with something still open, oldest due first. */
  openInvoices: OpenInvoice[];
}

const ORDER: Record<StatementEntryKind, number> = { invoice: 0, credit_note: 1, payment: 2, reversal: 3, refund: 4, writeoff: 5 };

/** Sorts oldest first (on one day: charges before what settles them) and adds the running balance. Pure. */
export const buildEntries = (items: readonly StatementItem[], currency: string): StatementEntry[] => {
  const sorted = [...items].sort(
    (a, b) => a.date.localeCompare(b.date) || ORDER[a.kind] - ORDER[b.kind] || (a.number ?? 0) - (b.number ?? 0) || a.sourceId.localeCompare(b.sourceId),
  );
  let balance = 0n;
  return sorted.map(({ chargeMinor, creditMinor, ...rest }) => {
    balance += chargeMinor - creditMinor;
    return { ...rest, charge: money(chargeMinor, currency), credit: money(creditMinor, currency), balance: money(balance, currency) };
  });
};

const day = (iso: string): string => iso.slice(0, 10);

/** Loads a contact's statement at `asOf` (YYYY-MM-DD). */
export const loadStatement = async (db: Kysely<DB>, contactId: string, asOf: string, currency: string): Promise<Statement> => {
  const c = await db
    .selectFrom('contact')
    .select(['id', 'display_name', 'address_lines', 'postcode', 'place', 'region', 'country', 'email', 'pseudo_email', 'member_number', 'invoice_delivery', 'language', 'erased_at'])
    .where('id', '=', contactId)
    .executeTakeFirst();
  if (!c) throw notFound('The contact');
  const snapshot = payerSnapshot(c);

  const all = await listInvoices(db, { page: 1, pageSize: 1_000_000, sort: { column: 'number', direction: 'asc' }, payerId: contactId, issueDateTo: asOf });
  const items: StatementItem[] = [];
  const numberOf = new Map(all.items.map((i) => [i.id, i.number]));
  const openInvoices: OpenInvoice[] = [];
  for (const i of all.items) {
    if (!i.issueDate || i.status === 'draft' || i.status === 'void') continue;
    if (i.kind === 'invoice') {
      items.push({ date: i.issueDate, kind: 'invoice', sourceId: i.id, number: i.number, detail: i.paymentReference, method: null, dueDate: i.dueDate, chargeMinor: i.total.minor, creditMinor: 0n });
      if (i.open.minor > 0n) {
        openInvoices.push({ id: i.id, number: i.number, issueDate: i.issueDate, dueDate: i.dueDate, paymentReference: i.paymentReference, total: i.total, open: i.open, overdue: !!i.dueDate && i.dueDate < asOf });
      }
    } else {
      const credited = numberOf.get(i.creditsInvoiceId ?? '');
      items.push({ date: i.issueDate, kind: 'credit_note', sourceId: i.id, number: i.number, detail: credited ? String(credited) : null, method: null, dueDate: null, chargeMinor: 0n, creditMinor: -i.total.minor });
    }
  }

  const payments = await db
    .selectFrom('payment')
    .select(['id', 'kind', 'number', 'received_on', 'amount_minor', 'method', 'reference', 'status', 'reversed_on', 'reversal_reason'])
    .where('contact_id', '=', contactId)
    .where('received_on', '<=', asOf)
    .execute();
  for (const p of payments) {
    const amount = toBigInt(p.amount_minor);
    const number = p.number === null ? null : toNumber(p.number);
    const detail = p.reference || null;
    const method = p.method;
    if (p.kind === 'refund') {
      items.push({ date: p.received_on, kind: 'refund', sourceId: p.id, number, detail, method, dueDate: null, chargeMinor: amount, creditMinor: 0n });
      continue;
    }
    items.push({ date: p.received_on, kind: 'payment', sourceId: p.id, number, detail, method, dueDate: null, chargeMinor: 0n, creditMinor: amount });
    if (p.status === 'reversed' && p.reversed_on && p.reversed_on <= asOf) {
      items.push({ date: p.reversed_on, kind: 'reversal', sourceId: p.id, number, detail: p.reversal_reason, method, dueDate: null, chargeMinor: amount, creditMinor: 0n });
    }
  }

  const writeoffs = await db
    .selectFrom('payment_allocation as a')
    .innerJoin('invoice as i', 'i.id', 'a.invoice_id')
    .select(['a.id', 'a.invoice_id', 'a.amount_minor', 'a.created_at', 'i.number'])
    .where('i.payer_id', '=', contactId)
    .where('a.kind', '=', 'writeoff')
    .execute();
  for (const w of writeoffs) {
    if (day(w.created_at) > asOf) continue;
    const amount = toBigInt(w.amount_minor);
    items.push({
      date: day(w.created_at),
      kind: 'writeoff',
      sourceId: w.invoice_id,
      number: null,
      detail: w.number === null ? null : String(toNumber(w.number)),
      method: null,
      dueDate: null,
      chargeMinor: amount < 0n ? -amount : 0n,
      creditMinor: amount > 0n ? amount : 0n,
    });
  }

  const entries = buildEntries(items, currency);
  const totalCharged = entries.reduce((s, e) => s + e.charge.minor, 0n);
  const totalCredited = entries.reduce((s, e) => s + e.credit.minor, 0n);
  const balance = totalCharged - totalCredited;
  openInvoices.sort((a, b) => (a.dueDate ?? '').localeCompare(b.dueDate ?? '') || (a.number ?? 0) - (b.number ?? 0));
  return {
    contact: {
      id: c.id,
      name: snapshot.name,
      address: snapshot.address,
      email: snapshot.email,
      memberNumber: snapshot.memberNumber,
      language: c.language,
      delivery: snapshot.delivery,
    },
    asOf,
    currency,
    entries,
    totalCharged: money(totalCharged, currency),
    totalCredited: money(totalCredited, currency),
    balance: money(balance, currency),
    amountDue: money(balance > 0n ? balance : 0n, currency),
    openInvoices,
  };
};
