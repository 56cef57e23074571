import { sql, type Kysely } from 'kysely';
import { dbKind, toBigInt, toNumber } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { loadRoles } from './roles.ts';
import { verifyLedger, type LedgerAnchor, type LedgerVerification } from './verify-ledger.ts';

type Db = Kysely<DB>;

const MAX_REPORTED = 50;

const add = (m: Map<string, bigint>, key: string, v: bigint) => m.set(key, (m.get(key) ?? 0n) + v);

/**
 * Checks the books against the invoices and payments and returns every violation found, one
 * sentence each (empty: all is well). Every module's tests call it after each step.
 *
 * 1. Every entry balances (Σ debit = Σ credit > 0, at least two lines, each line on one side,
 *    never negative, the line's date the entry's), and so do all entries together.
 * 2. The entry chain and the closed journals verify (`verifyLedger`).
 * 3. Every A/R and customer-credit line names a contact.
 * 4. A/R per contact: Σ (debit − credit) of A/R lines with that contact = Σ over the contact's
 *    invoices (kind invoice, status issued or paid) of open = total − paid − credited, less what
 *    still waits in the holding step (invoices and credit notes not imported yet, signed totals).
 * 5. A/R per invoice: the A/R lines that name an invoice add up to its open amount (credit-note
 *    postings name the invoice they credit; a void invoice nets to 0).
 * 6. Every issued, paid or void invoice and credit note went through the holding step.
 * 7. `invoice.paid_minor` = Σ of its payment_allocation rows; an invoice marked paid owes nothing.
 * 8. Customer credit per contact: Σ (credit − debit) of credit-account lines with that contact =
 *    receipts − receipts reversed − allocations of those receipts (reversal rows included) −
 *    credit applied to the contact's invoices (allocations without a payment, kind credit or
 *    reversal) − refunds.
 * 9. The day totals (`ledger_day_total`, what the trial balance reads) are the sums of the lines:
 *    per account and day, Σ debit, Σ credit and the number of lines.
 * 10. Every reference resolves: no row names a parent row that does not exist. PostgreSQL enforces
 *    its foreign keys on every write; SQLite's bulk writers skip the per-row check
 *    (`withoutForeignKeyChecks`), so on SQLite this runs `foreign_key_check` over every table.
 */
export const checkInvariants = async (db: Db): Promise<string[]> => (await inspectLedger(db)).violations;

/** What `inspectLedger` found: the chain walk (invariant 2) and every violation. */
export interface LedgerInspection {
  verification: LedgerVerification;
  violations: string[];
}

/** The invariants in the order `inspectLedger` checks them (its progress names the current one). */
export const INSPECTION_STEPS = ['balance', 'chain', 'contacts', 'invoices', 'credit', 'day_totals', 'references'] as const;
export type InspectionStep = (typeof INSPECTION_STEPS)[number];

/**
 * `checkInvariants`, also returning the chain walk (with `anchors`, as `verifyLedger`), and saying
 * how far it has got: `onProgress(fraction 0–1, step)` after each step and each block of entries the
 * chain walk hashes (most of the time at a million members).
 */
export const inspectLedger = async (
  db: Db,
  opts: { anchors?: readonly LedgerAnchor[]; onProgress?: (fraction: number, step: InspectionStep) => void } = {},
): Promise<LedgerInspection> => {
  // The chain walk counts as half of the work, the other steps share the rest.
  const weights: Record<InspectionStep, number> = { balance: 0.1, chain: 0.5, contacts: 0.02, invoices: 0.13, credit: 0.1, day_totals: 0.05, references: 0.1 };
  let done = 0;
  const progress = (step: InspectionStep, within = 1) => opts.onProgress?.(Math.min(1, done + weights[step] * within), step);
  const finished = (step: InspectionStep) => {
    done += weights[step];
    progress(step, 0);
  };
  const out: string[] = [];
  const report = (text: string) => {
    if (out.length < MAX_REPORTED) out.push(text);
    else if (out.length === MAX_REPORTED) out.push('… and more violations (only the first 50 are listed).');
  };
  const roles = await loadRoles(db);

  // 1. Balanced entries and well-formed lines.
  const unbalanced = await sql<{ seq: unknown; kind: string; description: string; d: unknown; c: unknown; n: unknown }>`
    select e.seq, e.kind, e.description, coalesce(sum(l.debit_minor), 0) as d, coalesce(sum(l.credit_minor), 0) as c, count(l.id) as n
    from ledger_entry e left join ledger_line l on l.entry_id = e.id
    group by e.id, e.seq, e.kind, e.description
    having coalesce(sum(l.debit_minor), 0) <> coalesce(sum(l.credit_minor), 0) or coalesce(sum(l.debit_minor), 0) <= 0 or count(l.id) < 2
    order by e.seq`.execute(db);
  for (const r of unbalanced.rows) {
    report(`Ledger entry ${toNumber(r.seq)} (${r.kind}: ${r.description}) does not balance: ${toNumber(r.n)} lines, debits ${toBigInt(r.d)}, credits ${toBigInt(r.c)}.`);
  }
  const badLines = await sql<{ seq: unknown; line_no: unknown; account_code: string }>`
    select e.seq, l.line_no, l.account_code from ledger_line l join ledger_entry e on e.id = l.entry_id
    where l.debit_minor < 0 or l.credit_minor < 0 or (l.debit_minor > 0 and l.credit_minor > 0) or (l.debit_minor = 0 and l.credit_minor = 0) or l.entry_date <> e.entry_date
    order by e.seq, l.line_no`.execute(db);
  for (const r of badLines.rows) report(`Ledger entry ${toNumber(r.seq)}, line ${toNumber(r.line_no)} (${r.account_code}) is not one positive amount on one side, or its date differs from its entry's.`);
  const totals = await db
    .selectFrom('ledger_line')
    .select((eb) => [eb.fn.sum<string | number | null>('debit_minor').as('d'), eb.fn.sum<string | number | null>('credit_minor').as('c')])
    .executeTakeFirst();
  if (toBigInt(totals?.d) !== toBigInt(totals?.c)) report(`The ledger does not balance in total: debits ${toBigInt(totals?.d)}, credits ${toBigInt(totals?.c)} (minor units).`);

  finished('balance');

  // 2. Chain and journals.
  const verified = await verifyLedger(db, { anchors: opts.anchors, onProgress: (f) => progress('chain', f) });
  if (!verified.ok) report(verified.firstBad!.message);
  finished('chain');

  // 3. A/R and customer-credit lines name a contact.
  const anonymous = await db
    .selectFrom('ledger_line')
    .innerJoin('ledger_entry', 'ledger_entry.id', 'ledger_line.entry_id')
    .select(['ledger_entry.seq', 'ledger_line.account_code'])
    .where('ledger_line.account_code', 'in', [roles.ar, roles.credit])
    .where('ledger_line.contact_id', 'is', null)
    .orderBy('ledger_entry.seq')
    .execute();
  for (const r of anonymous) report(`Ledger entry ${toNumber(r.seq)} has a line on ${r.account_code} (${r.account_code === roles.ar ? 'accounts receivable' : 'customer credit'}) without a contact.`);

  finished('contacts');

  // 4–7. Invoices against A/R.
  const invoices = await db
    .selectFrom('invoice')
    .leftJoin('ledger_holding', 'ledger_holding.invoice_id', 'invoice.id')
    .select([
      'invoice.id',
      'invoice.kind',
      'invoice.status',
      'invoice.number',
      'invoice.payer_id',
      'invoice.total_minor',
      'invoice.paid_minor',
      'invoice.credits_invoice_id',
      'ledger_holding.invoice_id as held_id',
      'ledger_holding.imported_at',
    ])
    .where('invoice.status', '<>', 'draft')
    .execute();
  const byId = new Map(invoices.map((i) => [i.id, i]));
  const allocated = new Map<string, bigint>();
  for (const r of await db.selectFrom('payment_allocation').select(['invoice_id', (eb) => eb.fn.sum<string | number>('amount_minor').as('s')]).groupBy('invoice_id').execute()) {
    allocated.set(r.invoice_id, toBigInt(r.s));
  }
  const expectedByInvoice = new Map<string, bigint>();
  const expectedByContact = new Map<string, bigint>();
  const credited = new Map<string, bigint>();
  for (const i of invoices) {
    if (i.kind === 'credit_note' && i.status === 'issued' && i.credits_invoice_id) add(credited, i.credits_invoice_id, toBigInt(i.total_minor));
  }
  const label = (i: { kind: string; number: unknown; id: string }) => `${i.kind === 'credit_note' ? 'Credit note' : 'Invoice'} ${i.number === null ? i.id : toNumber(i.number)}`;
  for (const i of invoices) {
    const total = toBigInt(i.total_minor);
    const paid = toBigInt(i.paid_minor);
    if (!i.held_id) report(`${label(i)} (${i.status}) never went to the ledger: it has no row in the holding step.`);
    const waiting = i.held_id !== null && i.imported_at === null;
    if (i.kind === 'invoice') {
      const owes = i.status === 'issued' || i.status === 'paid';
      const open = owes ? total - paid + (credited.get(i.id) ?? 0n) : 0n;
      const expected = open - (waiting ? total : 0n);
      if (expected !== 0n) {
        add(expectedByInvoice, i.id, expected);
        add(expectedByContact, i.payer_id, expected);
      }
      if (paid !== (allocated.get(i.id) ?? 0n)) report(`${label(i)}: paid ${paid} but its payment allocations add up to ${allocated.get(i.id) ?? 0n} (minor units).`);
      if (i.status === 'paid' && open > 0n) report(`${label(i)} is marked paid but ${open} (minor units) is still open.`);
      if (i.status === 'void' && paid !== 0n) report(`${label(i)} is void but has ${paid} (minor units) paid on it.`);
    } else if (waiting) {
      // A credit note not imported yet: its A/R credit is missing from the ledger.
      const target = i.credits_invoice_id ?? i.id;
      add(expectedByInvoice, target, -total);
      add(expectedByContact, i.payer_id, -total);
    }
  }
  for (const id of allocated.keys()) if (!byId.has(id)) report(`Payment allocations name invoice ${id}, which is not an issued invoice.`);

  const arByInvoice = new Map<string, bigint>();
  for (const r of await db
    .selectFrom('ledger_line')
    .select(['invoice_id', (eb) => eb.fn.sum<string | number>('debit_minor').as('d'), (eb) => eb.fn.sum<string | number>('credit_minor').as('c')])
    .where('account_code', '=', roles.ar)
    .where('invoice_id', 'is not', null)
    .groupBy('invoice_id')
    .execute()) {
    arByInvoice.set(r.invoice_id!, toBigInt(r.d) - toBigInt(r.c));
  }
  for (const id of new Set([...arByInvoice.keys(), ...expectedByInvoice.keys()])) {
    const ledger = arByInvoice.get(id) ?? 0n;
    const expected = expectedByInvoice.get(id) ?? 0n;
    if (ledger !== expected) {
      const i = byId.get(id);
      report(`${i ? label(i) : `Invoice ${id}`}: accounts receivable in the ledger is ${ledger} but the invoice has ${expected} open (minor units).`);
    }
  }

  const arByContact = new Map<string, bigint>();
  for (const r of await db
    .selectFrom('ledger_line')
    .select(['contact_id', (eb) => eb.fn.sum<string | number>('debit_minor').as('d'), (eb) => eb.fn.sum<string | number>('credit_minor').as('c')])
    .where('account_code', '=', roles.ar)
    .where('contact_id', 'is not', null)
    .groupBy('contact_id')
    .execute()) {
    arByContact.set(r.contact_id!, toBigInt(r.d) - toBigInt(r.c));
  }
  for (const id of new Set([...arByContact.keys(), ...expectedByContact.keys()])) {
    const ledger = arByContact.get(id) ?? 0n;
    const expected = expectedByContact.get(id) ?? 0n;
    if (ledger !== expected) report(`Contact ${id}: accounts receivable in the ledger is ${ledger} but their open invoices add up to ${expected} (minor units).`);
  }

  finished('invoices');

  // 8. Customer credit.
  const expectedCredit = new Map<string, bigint>();
  for (const r of await db
    .selectFrom('payment')
    .select(['contact_id', 'kind', 'status', (eb) => eb.fn.sum<string | number>('amount_minor').as('s')])
    .groupBy(['contact_id', 'kind', 'status'])
    .execute()) {
    const s = toBigInt(r.s);
    if (r.kind === 'receipt') add(expectedCredit, r.contact_id, r.status === 'reversed' ? 0n : s);
    else if (r.kind === 'refund' && r.status !== 'reversed') add(expectedCredit, r.contact_id, -s);
  }
  for (const r of await db
    .selectFrom('payment_allocation')
    .innerJoin('payment', 'payment.id', 'payment_allocation.payment_id')
    .select(['payment.contact_id', (eb) => eb.fn.sum<string | number>('payment_allocation.amount_minor').as('s')])
    .where('payment.kind', '=', 'receipt')
    .groupBy('payment.contact_id')
    .execute()) {
    add(expectedCredit, r.contact_id, -toBigInt(r.s));
  }
  for (const r of await db
    .selectFrom('payment_allocation')
    .innerJoin('invoice', 'invoice.id', 'payment_allocation.invoice_id')
    .select(['invoice.payer_id', (eb) => eb.fn.sum<string | number>('payment_allocation.amount_minor').as('s')])
    .where('payment_allocation.payment_id', 'is', null)
    .where('payment_allocation.kind', 'in', ['credit', 'reversal'])
    .groupBy('invoice.payer_id')
    .execute()) {
    add(expectedCredit, r.payer_id, -toBigInt(r.s));
  }
  const creditByContact = new Map<string, bigint>();
  for (const r of await db
    .selectFrom('ledger_line')
    .select(['contact_id', (eb) => eb.fn.sum<string | number>('debit_minor').as('d'), (eb) => eb.fn.sum<string | number>('credit_minor').as('c')])
    .where('account_code', '=', roles.credit)
    .where('contact_id', 'is not', null)
    .groupBy('contact_id')
    .execute()) {
    creditByContact.set(r.contact_id!, toBigInt(r.c) - toBigInt(r.d));
  }
  for (const id of new Set([...creditByContact.keys(), ...expectedCredit.keys()])) {
    const ledger = creditByContact.get(id) ?? 0n;
    const expected = expectedCredit.get(id) ?? 0n;
    if (ledger !== expected) report(`Contact ${id}: customer credit in the ledger is ${ledger} but their receipts, allocations and refunds leave ${expected} (minor units).`);
  }

  finished('credit');

  // 9. Day totals = the lines' sums.
  const fromLines = new Map<string, string>();
  for (const r of await db
    .selectFrom('ledger_line')
    .select(['account_code', 'entry_date', (eb) => eb.fn.sum<string | number>('debit_minor').as('d'), (eb) => eb.fn.sum<string | number>('credit_minor').as('c'), (eb) => eb.fn.countAll<string | number>().as('n')])
    .groupBy(['account_code', 'entry_date'])
    .execute()) {
    fromLines.set(`${r.account_code} ${r.entry_date}`, `debit ${toBigInt(r.d)}, credit ${toBigInt(r.c)}, ${toNumber(r.n)} lines`);
  }
  const fromTotals = new Map<string, string>();
  for (const r of await db.selectFrom('ledger_day_total').selectAll().execute()) {
    fromTotals.set(`${r.account_code} ${r.entry_date}`, `debit ${toBigInt(r.debit_minor)}, credit ${toBigInt(r.credit_minor)}, ${toNumber(r.lines)} lines`);
  }
  for (const key of new Set([...fromLines.keys(), ...fromTotals.keys()])) {
    const lines = fromLines.get(key) ?? 'no lines';
    const totals = fromTotals.get(key) ?? 'no day total';
    if (lines !== totals) report(`Account and day ${key}: the day total says ${totals}, the lines add up to ${lines}.`);
  }

  finished('day_totals');

  // 10. References resolve (SQLite; PostgreSQL refuses such a write).
  if (dbKind(db) === 'sqlite') {
    const broken = await sql<{ table: string; rowid: unknown; parent: string }>`select "table", rowid, parent from pragma_foreign_key_check`.execute(db);
    for (const r of broken.rows) report(`A row of ${r.table} (rowid ${toNumber(r.rowid)}) refers to a row of ${r.parent} that does not exist.`);
  }
  finished('references');
  return { verification: verified, violations: out };
};
