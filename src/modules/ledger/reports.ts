import { sql, type Kysely } from 'kysely';
import { toBigInt, toNumber } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { notFound, validation } from '../../kernel/app-error.ts';
import { isIsoDate } from '../../kernel/dates.ts';
import { money, type Money } from '../../kernel/money.ts';
import { getSetting } from '../settings/index.ts';
import type { AccountType } from './ledger.ts';
import { loadRoles } from './roles.ts';

type Db = Kysely<DB>;

export interface TrialBalanceRow {
  code: string;
  name: string;
  type: AccountType;
  /** Σ debits and Σ credits posted up to the date. */
  debit: Money;
  credit: Money;
  /** debit − credit: positive is a debit balance, negative a credit balance. */
  balance: Money;
  /** The balance in its column: one of the two is zero. */
  debitBalance: Money;
  creditBalance: Money;
}

export interface TrialBalance {
  at: string;
  currency: string;
  accounts: TrialBalanceRow[];
  /** Σ of each column; debit = credit and debitBalance = creditBalance in a ledger that balances. */
  totals: { debit: Money; credit: Money; debitBalance: Money; creditBalance: Money };
}

/**
 * The trial balance at the end of day `at`: every account with postings up to then, its debits,
 * credits and balance. The columns add up to equal totals.
 */
export const trialBalance = async (db: Db, opts: { at: string; includeEmpty?: boolean }): Promise<TrialBalance> => {
  if (!isIsoDate(opts.at)) throw validation(`The date must be written YYYY-MM-DD; got "${opts.at}".`, { field: 'at' });
  const currency = await getSetting(db, 'organization.currency');
  const rows = await sql<{ code: string; name: string; type: string; d: unknown; c: unknown; n: unknown }>`
    select a.code, a.name, a.type, coalesce(t.d, 0) as d, coalesce(t.c, 0) as c, coalesce(t.n, 0) as n
    from gl_account a left join (
      select account_code, sum(debit_minor) as d, sum(credit_minor) as c, sum(lines) as n from ledger_day_total where entry_date <= ${opts.at} group by account_code
    ) t on t.account_code = a.code
    order by a.code`.execute(db);
  const m = (v: bigint) => money(v, currency);
  const t = { debit: 0n, credit: 0n, debitBalance: 0n, creditBalance: 0n };
  const accounts: TrialBalanceRow[] = [];
  for (const r of rows.rows) {
    if (!opts.includeEmpty && toNumber(r.n) === 0) continue;
    const d = toBigInt(r.d);
    const c = toBigInt(r.c);
    const b = d - c;
    t.debit += d;
    t.credit += c;
    if (b > 0n) t.debitBalance += b;
    else t.creditBalance -= b;
    accounts.push({ code: r.code, name: r.name, type: r.type as AccountType, debit: m(d), credit: m(c), balance: m(b), debitBalance: m(b > 0n ? b : 0n), creditBalance: m(b < 0n ? -b : 0n) });
  }
  return { at: opts.at, currency, accounts, totals: { debit: m(t.debit), credit: m(t.credit), debitBalance: m(t.debitBalance), creditBalance: m(t.creditBalance) } };
};

export interface ContactAccountLine {
  entryId: string;
  seq: number;
  date: string;
  kind: string;
  description: string;
  account: string;
  /** 'receivable' (A/R) or 'credit' (customer credit). */
  accountRole: 'receivable' | 'credit';
  invoiceId: string | null;
  invoiceNumber: number | null;
  paymentId: string | null;
  debit: Money;
  credit: Money;
  /** Running balance after this line: what the contact owes (negative: what we owe them). */
  balance: Money;
}

export interface ContactAccount {
  contactId: string;
  contactName: string;
  currency: string;
  from: string | null;
  to: string | null;
  /** What the contact owed before `from` (0 without `from`). */
  openingBalance: Money;
  lines: ContactAccountLine[];
  /** At `to` (or now): A/R, customer credit (positive: we hold it for them), and the net they owe. */
  receivable: Money;
  customerCredit: Money;
  balance: Money;
}

/**
 * A contact's account as the ledger sees it: their lines on accounts receivable and customer credit,
 * oldest first, with a running balance (debit − credit over both: what they owe, less credit held).
 */
export const contactAccount = async (db: Db, contactId: string, opts: { from?: string; to?: string } = {}): Promise<ContactAccount> => {
  for (const [k, v] of Object.entries(opts)) if (v !== undefined && !isIsoDate(v)) throw validation(`${k} must be a date written YYYY-MM-DD; got "${v}".`, { field: k });
  const contact = await db.selectFrom('contact').select(['id', 'display_name']).where('id', '=', contactId).executeTakeFirst();
  if (!contact) throw notFound('The contact');
  const roles = await loadRoles(db);
  const currency = await getSetting(db, 'organization.currency');
  const m = (v: bigint) => money(v, currency);
  let opening = 0n;
  if (opts.from) {
    const o = await db
      .selectFrom('ledger_line')
      .select((eb) => [eb.fn.sum<string | number | null>('debit_minor').as('d'), eb.fn.sum<string | number | null>('credit_minor').as('c')])
      .where('contact_id', '=', contactId)
      .where('account_code', 'in', [roles.ar, roles.credit])
      .where('entry_date', '<', opts.from)
      .executeTakeFirst();
    opening = toBigInt(o?.d) - toBigInt(o?.c);
  }
  let q = db
    .selectFrom('ledger_line as l')
    .innerJoin('ledger_entry as e', 'e.id', 'l.entry_id')
    .leftJoin('invoice as i', 'i.id', 'l.invoice_id')
    .select(['e.id', 'e.seq', 'e.entry_date', 'e.kind', 'e.description', 'e.payment_id', 'l.account_code', 'l.invoice_id', 'i.number', 'l.debit_minor', 'l.credit_minor', 'l.line_no'])
    .where('l.contact_id', '=', contactId)
    .where('l.account_code', 'in', [roles.ar, roles.credit]);
  if (opts.from) q = q.where('l.entry_date', '>=', opts.from);
  if (opts.to) q = q.where('l.entry_date', '<=', opts.to);
  const rows = await q.orderBy('e.entry_date').orderBy('e.seq').orderBy('l.line_no').execute();
  let running = opening;
  let ar = 0n;
  let credit = 0n;
  const lines: ContactAccountLine[] = rows.map((r) => {
    const d = toBigInt(r.debit_minor);
    const c = toBigInt(r.credit_minor);
    running += d - c;
    return {
      entryId: r.id,
      seq: toNumber(r.seq),
      date: r.entry_date,
      kind: r.kind,
      description: r.description,
      account: r.account_code,
      accountRole: r.account_code === roles.ar ? 'receivable' : 'credit',
      invoiceId: r.invoice_id,
      invoiceNumber: r.number === null || r.number === undefined ? null : toNumber(r.number),
      paymentId: r.payment_id,
      debit: m(d),
      credit: m(c),
      balance: m(running),
    };
  });
  // Balances at `to` over all time (not only the window).
  const totals = await db
    .selectFrom('ledger_line')
    .select(['account_code', (eb) => eb.fn.sum<string | number>('debit_minor').as('d'), (eb) => eb.fn.sum<string | number>('credit_minor').as('c')])
    .where('contact_id', '=', contactId)
    .where('account_code', 'in', [roles.ar, roles.credit])
    .$if(!!opts.to, (qb) => qb.where('entry_date', '<=', opts.to!))
    .groupBy('account_code')
    .execute();
  for (const t of totals) {
    const b = toBigInt(t.d) - toBigInt(t.c);
    if (t.account_code === roles.ar) ar += b;
    else credit -= b;
  }
  return {
    contactId,
    contactName: contact.display_name,
    currency,
    from: opts.from ?? null,
    to: opts.to ?? null,
    openingBalance: m(opening),
    lines,
    receivable: m(ar),
    customerCredit: m(credit),
    balance: m(ar - credit),
  };
};
