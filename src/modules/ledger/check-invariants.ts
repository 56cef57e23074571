import { sql, type Kysely, type RawBuilder } from 'kysely';
import { dbKind, toBigInt, toNumber } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { loadRoles } from './roles.ts';
import { verifyLedger, type LedgerAnchor, type LedgerVerification } from './verify-ledger.ts';

type Db = Kysely<DB>;

const MAX_REPORTED = 50;

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

  // 4–7. Invoices against A/R. The database adds up and compares; only disagreements come back, so
  // memory stays flat however many invoices there are (at a million, holding them took a gigabyte).
  const label = (i: { kind: string | null; number: unknown; id: string }) => `${i.kind === 'credit_note' ? 'Credit note' : 'Invoice'} ${i.number === null || i.number === undefined ? i.id : toNumber(i.number)}`;
  // What credit notes issued on each invoice took off it.
  const credited = sql`select credits_invoice_id as id, sum(total_minor) as s from invoice
    where kind = 'credit_note' and status = 'issued' and credits_invoice_id is not null group by credits_invoice_id`;
  const allocated = sql`select invoice_id, sum(amount_minor) as s from payment_allocation group by invoice_id`;
  // What A/R should hold per invoice (and its payer): what is open on it, less what still waits in
  // the holding step (an invoice not imported yet; a credit note not imported yet, on the invoice it credits).
  const expectedAr = sql`
    select i.id as invoice_id, i.payer_id,
      (case when i.status in ('issued', 'paid') then i.total_minor - i.paid_minor + coalesce(cn.s, 0) else 0 end)
        - (case when h.invoice_id is not null and h.imported_at is null then i.total_minor else 0 end) as amount
    from invoice i left join ledger_holding h on h.invoice_id = i.id left join (${credited}) cn on cn.id = i.id
    where i.kind = 'invoice' and i.status <> 'draft'
    union all
    select coalesce(i.credits_invoice_id, i.id), i.payer_id, -i.total_minor
    from invoice i inner join ledger_holding h on h.invoice_id = i.id
    where i.kind <> 'invoice' and i.status <> 'draft' and h.imported_at is null`;
  /**
   * The first problem rows `found` finds, in `orderBy` order. The rows are found in a materialized
   * CTE and sorted and limited after it: a LIMIT on the query itself made PostgreSQL expect its
   * first rows early and join invoices to allocations by nested loop (at a million invoices,
   * 2 billion comparisons: 83 s instead of under a second).
   */
  const firstFound = <R,>(found: RawBuilder<unknown>, orderBy: string) =>
    sql<R>`with found as materialized (${found}) select * from found order by ${sql.ref(orderBy)} limit ${MAX_REPORTED + 1}`;
  /** Keys where the amounts of two lists of (id, amount) rows add up differently (one sort, no join). */
  const disagreeing = (expected: RawBuilder<unknown>, ledger: RawBuilder<unknown>) =>
    firstFound<{ id: string; ledger: unknown; expected: unknown }>(
      sql`select id, sum(l) as ledger, sum(e) as expected from (
        select id, 0 as l, amount as e from (${expected}) ex
        union all
        select id, amount, 0 from (${ledger}) le
      ) x group by id having sum(l) <> sum(e)`,
      'id',
    );
  const arLines = (by: 'invoice_id' | 'contact_id') => sql`select ${sql.ref(by)} as id, debit_minor - credit_minor as amount
    from ledger_line where account_code = ${roles.ar} and ${sql.ref(by)} is not null`;

  const unheld = (
    await firstFound<{ id: string; kind: string; number: unknown; status: string }>(
      sql`select i.id, i.kind, i.number, i.status from invoice i left join ledger_holding h on h.invoice_id = i.id
        where i.status <> 'draft' and h.invoice_id is null`,
      'number',
    ).execute(db)
  ).rows;
  for (const i of unheld) report(`${label(i)} (${i.status}) never went to the ledger: it has no row in the holding step.`);
  const invoiceProblems = await firstFound<{ id: string; kind: string; number: unknown; status: string; paid: unknown; allocated: unknown; open: unknown }>(
    sql`select i.id, i.kind, i.number, i.status, i.paid_minor as paid, coalesce(a.s, 0) as allocated,
        i.total_minor - i.paid_minor + coalesce(cn.s, 0) as open
      from invoice i left join (${allocated}) a on a.invoice_id = i.id left join (${credited}) cn on cn.id = i.id
      where i.kind = 'invoice' and i.status <> 'draft'
        and (i.paid_minor <> coalesce(a.s, 0) or (i.status = 'paid' and i.total_minor - i.paid_minor + coalesce(cn.s, 0) > 0) or (i.status = 'void' and i.paid_minor <> 0))`,
    'number',
  ).execute(db);
  for (const i of invoiceProblems.rows) {
    const paid = toBigInt(i.paid);
    const open = toBigInt(i.open);
    if (paid !== toBigInt(i.allocated)) report(`${label(i)}: paid ${paid} but its payment allocations add up to ${toBigInt(i.allocated)} (minor units).`);
    if (i.status === 'paid' && open > 0n) report(`${label(i)} is marked paid but ${open} (minor units) is still open.`);
    if (i.status === 'void' && paid !== 0n) report(`${label(i)} is void but has ${paid} (minor units) paid on it.`);
  }
  const strays = await firstFound<{ invoice_id: string }>(
    sql`select distinct pa.invoice_id from payment_allocation pa
      where not exists (select 1 from invoice i where i.id = pa.invoice_id and i.status <> 'draft')`,
    'invoice_id',
  ).execute(db);
  for (const r of strays.rows) report(`Payment allocations name invoice ${r.invoice_id}, which is not an issued invoice.`);

  const byInvoice = await sql<{ id: string; ledger: unknown; expected: unknown; kind: string | null; number: unknown }>`
    select d.id, d.ledger, d.expected, i.kind, i.number
    from (${disagreeing(sql`select invoice_id as id, amount from (${expectedAr}) x`, arLines('invoice_id'))}) d
    left join invoice i on i.id = d.id
    order by d.id`.execute(db);
  for (const r of byInvoice.rows) {
    report(`${label(r)}: accounts receivable in the ledger is ${toBigInt(r.ledger)} but the invoice has ${toBigInt(r.expected)} open (minor units).`);
  }
  const byContact = await disagreeing(sql`select payer_id as id, amount from (${expectedAr}) x`, arLines('contact_id')).execute(db);
  for (const r of byContact.rows) report(`Contact ${r.id}: accounts receivable in the ledger is ${toBigInt(r.ledger)} but their open invoices add up to ${toBigInt(r.expected)} (minor units).`);

  finished('invoices');

  // 8. Customer credit: receipts (not reversed) − refunds (not reversed) − what receipts paid −
  // credit applied to the contact's invoices, against the credit account's lines per contact.
  const expectedCredit = sql`
      select contact_id as id, case when kind = 'receipt' and status <> 'reversed' then amount_minor when kind = 'refund' and status <> 'reversed' then -amount_minor else 0 end as amount
      from payment
      union all
      select p.contact_id, -pa.amount_minor from payment_allocation pa inner join payment p on p.id = pa.payment_id where p.kind = 'receipt'
      union all
      select i.payer_id, -pa.amount_minor from payment_allocation pa inner join invoice i on i.id = pa.invoice_id
      where pa.payment_id is null and pa.kind in ('credit', 'reversal')`;
  const creditLines = sql`select contact_id as id, credit_minor - debit_minor as amount
    from ledger_line where account_code = ${roles.credit} and contact_id is not null`;
  const credit = await disagreeing(expectedCredit, creditLines).execute(db);
  for (const r of credit.rows) report(`Contact ${r.id}: customer credit in the ledger is ${toBigInt(r.ledger)} but their receipts, allocations and refunds leave ${toBigInt(r.expected)} (minor units).`);

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
