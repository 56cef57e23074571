import { CompiledQuery, sql, type Kysely, type RawBuilder } from 'kysely';
import { dbKind, toBigInt, toNumber } from '../../db/database.ts';
import { inList, insertRows } from '../../db/bulk.ts';
import type { DB, PaymentTable } from '../../db/schema.ts';
import { conflict, notFound, validation } from '../../kernel/app-error.ts';
import type { Clock } from '../../kernel/clock.ts';
import { newId } from '../../kernel/ids.ts';
import { money, parseMoney, toDecimalString, type Money } from '../../kernel/money.ts';
import { filteredContacts } from '../contacts/index.ts';
import { getSettings, type SettingValues } from '../settings/index.ts';
import { changeSubscriptionStatusInTx } from '../subscriptions/index.ts';
import type { OpenItem } from './allocation.ts';
import { statusAfter, type Allocation, type AllocationKind, type ChangedBy, type LedgerEntryView, type Payment, type PaymentKind, type PaymentMethod, type PaymentStatus, type PaymentSummary } from './payment.ts';
import { creditedOf } from '../invoices/open-amount.ts';

type Db = Kysely<DB>;

export { inList };

/** Takes a transaction-scoped advisory lock if it is free (PostgreSQL); SQLite has one writer, so always true. */
export const tryLockResource = async (tx: Db, name: string): Promise<boolean> => {
  if (dbKind(tx) !== 'postgres') return true;
  const { rows } = await sql<{ ok: boolean }>`select pg_try_advisory_xact_lock(hashtext(${name})) as ok`.execute(tx);
  return rows[0]?.ok === true;
};

export const payerLock = (contactId: string) => `payer:${contactId}`;

const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** `column` contains `text`, case-insensitively, with %, _ and \\ taken literally (both databases). */
export const containsText = (db: Db, column: string, text: string): RawBuilder<boolean> =>
  sql<boolean>`${sql.ref(column)} ${sql.raw(dbKind(db) === 'postgres' ? 'ilike' : 'like')} ${likePattern(text)} escape '\\'`;

/**
 * `column` (a contact id) names a contact whose search text (name, e-mail, member number, phone)
 * has every word of `text`. The contacts are found once, through the contacts' search index
 * (`filteredContacts`: SQLite's FTS5 trigram table, PostgreSQL's trigram index), not by testing the
 * search text of every contact (a second at a million contacts). Only active contacts are in that
 * index: an erased contact keeps just its member number, which a number still finds.
 */
export const contactMatches = (db: Db, column: string, text: string): RawBuilder<boolean> => {
  const found = filteredContacts(db, { q: text, status: 'active' }).select('contact.id');
  const number = text.trim();
  // One IN over a union (not two INs joined by OR, which PostgreSQL can only test row by row).
  const byNumber = /^\d{1,15}$/.test(number) ? sql` union select c.id from contact c where c.member_number = ${Number(number)}` : sql``;
  return sql<boolean>`${sql.ref(column)} in (select f.id from ${found} as f${byNumber})`;
};

// ---- accounts and the organization

/** The accounts payments post to (settings ledger.*). */
export interface PaymentAccounts {
  ar: string;
  bank: string;
  cash: string;
  credit: string;
  writeoff: string;
  fee: string;
}

export interface PaymentSettings {
  accounts: PaymentAccounts;
  currency: string;
  reversalFeeMinor: bigint;
  writeoffLimitMinor: bigint;
}

export const loadPaymentSettings = async (db: Db): Promise<PaymentSettings> => paymentSettingsOf(await getSettings(db));

/** The payment settings out of settings already read (`getSettings`), so a use case reads them once. */
export const paymentSettingsOf = (s: SettingValues): PaymentSettings => {
  const currency = s['organization.currency'];
  const minorOf = (text: string) => parseMoney(text, currency).minor;
  return {
    accounts: {
      ar: s['ledger.ar_account'],
      bank: s['ledger.bank_account'],
      cash: s['ledger.cash_account'],
      credit: s['ledger.credit_account'],
      writeoff: s['ledger.writeoff_account'],
      fee: s['ledger.fee_account'],
    },
    currency,
    reversalFeeMinor: minorOf(s['payments.reversal_fee']),
    writeoffLimitMinor: minorOf(s['payments.writeoff_limit']),
  };
};

/** A new payment row (receipt or refund), recorded now. */
export const newPaymentRow = (p: {
  id: string;
  kind: 'receipt' | 'refund';
  number: number;
  contactId: string;
  on: string;
  amountMinor: bigint;
  currency: string;
  method: string;
  reference: string | null;
  note: string | null;
  externalId: string | null;
  createdBy: string;
  now: string;
}) => ({
  id: p.id,
  kind: p.kind,
  number: p.number,
  contact_id: p.contactId,
  received_on: p.on,
  amount_minor: p.amountMinor.toString(),
  currency: p.currency,
  method: p.method,
  reference: p.reference,
  note: p.note,
  status: 'recorded',
  reversed_on: null,
  reversal_reason: null,
  external_id: p.externalId,
  created_by: p.createdBy,
  version: 1,
  created_at: p.now,
  updated_at: p.now,
});

export const moneyAccount = (accounts: PaymentAccounts, method: string): string => (method === 'cash' ? accounts.cash : accounts.bank);

/** A contact that can pay: it exists and is not erased. */
export const loadPayer = async (db: Db, contactId: string, field = 'contactId'): Promise<{ id: string; name: string; memberNumber: number | null }> => {
  const row = await db.selectFrom('contact').select(['id', 'display_name', 'erased_at', 'member_number']).where('id', '=', contactId).executeTakeFirst();
  if (!row) throw validation(`No contact has the id ${contactId}.`, { field });
  if (row.erased_at) throw validation(`${row.display_name} has been erased; no payments can be recorded for them.`, { field });
  return { id: row.id, name: row.display_name, memberNumber: row.member_number === null ? null : toNumber(row.member_number) };
};

// ---- invoices as payments see them

const creditedSum = sql<string | number>`coalesce(${creditedOf('invoice')}, 0)`;
/** total − paid − credited (credit note totals are negative). */
export const openExpr = sql<string | number>`(invoice.total_minor - invoice.paid_minor + ${creditedSum})`;

export interface InvoiceRow extends OpenItem {
  payerId: string;
  currency: string;
  status: 'issued' | 'paid';
  totalMinor: bigint;
  paidMinor: bigint;
  creditedMinor: bigint;
  version: number;
}

type RawInvoice = {
  id: string;
  number: number | string | bigint | null;
  due_date: string | null;
  payer_id: string;
  currency: string;
  status: string;
  total_minor: number | string | bigint;
  paid_minor: number | string | bigint;
  credited: string | number | null;
  version: number;
};

const toInvoiceRow = (r: RawInvoice): InvoiceRow => {
  const total = toBigInt(r.total_minor);
  const paid = toBigInt(r.paid_minor);
  const credited = -toBigInt(r.credited);
  return {
    invoiceId: r.id,
    number: r.number === null ? null : toNumber(r.number),
    dueDate: r.due_date,
    payerId: r.payer_id,
    currency: r.currency,
    status: r.status as 'issued' | 'paid',
    totalMinor: total,
    paidMinor: paid,
    creditedMinor: credited,
    openMinor: total - paid - credited,
    version: toNumber(r.version),
  };
};

const invoiceRows = (db: Db) =>
  db
    .selectFrom('invoice')
    .select(['invoice.id', 'invoice.number', 'invoice.due_date', 'invoice.payer_id', 'invoice.currency', 'invoice.status', 'invoice.total_minor', 'invoice.paid_minor', 'invoice.version'])
    .select(creditedSum.as('credited'))
    .where('invoice.kind', '=', 'invoice')
    .where('invoice.status', 'in', ['issued', 'paid']);

/**
 * Locks invoices (`invoice:<id>`, the lock voids and credit notes take) in id order, after the
 * payer's lock and before the ledger's, so a void or a credit note and a payment on the same
 * invoice run one after the other. With `tryLocks`, returns false instead of waiting when one is held.
 */
export const lockInvoices = async (tx: Db, invoiceIds: readonly string[], opts: { tryLocks?: boolean } = {}): Promise<boolean> => {
  const sorted = [...new Set(invoiceIds)].sort();
  if (!sorted.length || dbKind(tx) !== 'postgres') return true; // SQLite has one writer: nothing to wait for.
  if (opts.tryLocks) {
    for (const id of sorted) if (!(await tryLockResource(tx, `invoice:${id}`))) return false;
    return true;
  }
  // One statement takes the locks one after another in the array's (id) order, as one statement per
  // invoice would, with one round trip.
  await sql`select pg_advisory_xact_lock(hashtext(s.name)) from (select t.name from unnest(${sorted.map((id) => `invoice:${id}`)}::text[]) with ordinality as t(name, n) order by t.n) s`.execute(tx);
  return true;
};

/** Ids of the payers' invoices with something open or overpaid (for locking before reading them). */
export const unsettledInvoiceIds = async (db: Db, payerIds: readonly string[]): Promise<{ id: string; payerId: string }[]> => {
  if (!payerIds.length) return [];
  const rows = await db
    .selectFrom('invoice')
    .select(['invoice.id', 'invoice.payer_id'])
    .where(inList(db, 'invoice.payer_id', payerIds))
    .where('invoice.kind', '=', 'invoice')
    .where('invoice.status', 'in', ['issued', 'paid'])
    .where(sql<boolean>`${openExpr} <> 0`)
    .execute();
  return rows.map((r) => ({ id: r.id, payerId: r.payer_id }));
};

/** The payers' invoices with something open, or overpaid (open < 0), oldest first. Call after locking the payers and the invoices. */
export const loadUnsettledInvoices = async (db: Db, payerIds: readonly string[]): Promise<InvoiceRow[]> => {
  if (!payerIds.length) return [];
  const rows = await invoiceRows(db)
    .where(inList(db, 'invoice.payer_id', payerIds))
    .where(sql<boolean>`${openExpr} <> 0`)
    .orderBy('invoice.due_date')
    .orderBy('invoice.number')
    .execute();
  return rows.map(toInvoiceRow);
};

/** Invoices (issued or paid) by id, as payments see them. */
export const loadInvoiceRows = async (db: Db, invoiceIds: readonly string[]): Promise<InvoiceRow[]> => {
  if (!invoiceIds.length) return [];
  return (await invoiceRows(db).where(inList(db, 'invoice.id', invoiceIds)).execute()).map(toInvoiceRow);
};

/** One invoice as payments see it; 404 when there is none, 409 when it cannot take payments. */
export const loadPayableInvoice = async (db: Db, invoiceId: string): Promise<InvoiceRow> => {
  const row = await db.selectFrom('invoice').select(['id', 'kind', 'status', 'number']).where('id', '=', invoiceId).executeTakeFirst();
  if (!row) throw notFound('The invoice');
  const label = row.number === null ? 'the draft' : `invoice ${toNumber(row.number)}`;
  if (row.kind !== 'invoice') throw conflict(`${label[0]!.toUpperCase()}${label.slice(1)} is a credit note; credit notes are not paid.`);
  if (row.status === 'draft') throw conflict('A draft cannot take payments; issue it first.');
  if (row.status === 'void') throw conflict(`Invoice ${toNumber(row.number)} is void and cannot take payments.`);
  const full = await invoiceRows(db).where('invoice.id', '=', invoiceId).executeTakeFirstOrThrow();
  return toInvoiceRow(full);
};

export interface InvoiceChange {
  invoiceId: string;
  /** Added to paid_minor (negative reopens). */
  deltaMinor: bigint;
}

export interface InvoiceTransition {
  invoiceId: string;
  number: number | null;
  from: 'issued' | 'paid';
  to: 'issued' | 'paid';
}

/**
 * Applies allocation amounts to the invoices' cached paid sum and status, each only if the invoice
 * is still as read: not voided, and its paid sum unchanged (writers of paid_minor hold the payer's
 * lock; on PostgreSQL a concurrent void holds the row, and this waits for it, then fails with 409).
 * Other changes to the row (the send count) do not get in the way. Call before posting to the ledger, so a concurrent void that holds the
 * invoice and waits for the ledger cannot deadlock with this transaction. One statement for up to
 * 200 invoices, in id order.
 */
export const applyInvoiceChanges = async (tx: Db, clock: Clock, rows: ReadonlyMap<string, InvoiceRow>, changes: readonly InvoiceChange[]): Promise<InvoiceTransition[]> => {
  const byInvoice = new Map<string, bigint>();
  for (const c of changes) byInvoice.set(c.invoiceId, (byInvoice.get(c.invoiceId) ?? 0n) + c.deltaMinor);
  const now = clock.now().toISOString();
  const out: InvoiceTransition[] = [];
  const updates: { row: InvoiceRow; paid: bigint; status: 'issued' | 'paid' }[] = [];
  for (const [invoiceId, delta] of [...byInvoice].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (delta === 0n) continue;
    const row = rows.get(invoiceId)!;
    const paid = row.paidMinor + delta;
    const status = statusAfter(row.totalMinor - paid - row.creditedMinor, paid);
    updates.push({ row, paid, status });
  }
  for (let i = 0; i < updates.length; i += INVOICE_UPDATE_CHUNK) {
    const chunk = updates.slice(i, i + INVOICE_UPDATE_CHUNK);
    const { rows: done } = await tx.executeQuery<{ id: string }>(
      CompiledQuery.raw(invoiceUpdateText(dbKind(tx), chunk.length), [...chunk.flatMap((u) => [u.row.invoiceId, u.paid.toString(), u.status, u.row.paidMinor.toString()]), now]),
    );
    if (done.length !== chunk.length) {
      const updated = new Set(done.map((r) => r.id));
      const row = chunk.find((u) => !updated.has(u.row.invoiceId))!.row;
      throw conflict(`Invoice ${row.number ?? row.invoiceId} changed while the payment was being recorded (voided, credited or paid at the same moment). Nothing was saved; try again.`);
    }
  }
  for (const u of updates) if (u.status !== u.row.status) out.push({ invoiceId: u.row.invoiceId, number: u.row.number, from: u.row.status, to: u.status });
  return out;
};

const INVOICE_UPDATE_CHUNK = 200;
const invoiceUpdateTexts = new Map<string, string>();

/**
 * `update invoice … from (values …)` for n invoices: the new paid sum and status of each, only
 * where the invoice is still issued or paid and its paid sum is what was read; returns the ids
 * updated. One statement per call instead of one per invoice.
 */
const invoiceUpdateText = (kind: 'sqlite' | 'postgres', n: number): string => {
  const key = `${kind}:${n}`;
  let text = invoiceUpdateTexts.get(key);
  if (!text) {
    // Parameters in the order they appear (SQLite numbers "?" that way): the values, then the time.
    const p = (i: number, cast = '') => (kind === 'postgres' ? `$${i}${cast}` : '?');
    const values = Array.from({ length: n }, (_, k) => `(${p(1 + k * 4)}, ${p(2 + k * 4, '::bigint')}, ${p(3 + k * 4)}, ${p(4 + k * 4, '::bigint')})`).join(', ');
    text = `with v(id, paid, status, expected) as (values ${values}) update invoice set paid_minor = v.paid, status = v.status, updated_at = ${p(4 * n + 1)}, version = invoice.version + 1 from v where invoice.id = v.id and invoice.status in ('issued', 'paid') and invoice.paid_minor = v.expected returning invoice.id`;
    invoiceUpdateTexts.set(key, text);
  }
  return text;
};

export interface NewAllocation {
  invoiceId: string;
  paymentId: string | null;
  kind: AllocationKind;
  amountMinor: bigint;
  entryId: string;
}

const ALLOCATION_COLUMNS = ['id', 'invoice_id', 'payment_id', 'kind', 'amount_minor', 'entry_id', 'created_by', 'created_at'] as const;

/** Inserts allocation rows (created now, or at `at`: a caller that shows the rows it wrote passes its own time) and returns their ids, in order. */
export const insertAllocations = async (tx: Db, clock: Clock, createdBy: string, rows: readonly NewAllocation[], at?: Date): Promise<string[]> => {
  if (!rows.length) return [];
  const when = at ?? clock.now();
  const nowMs = when.getTime();
  const now = when.toISOString();
  const ids = rows.map(() => newId(nowMs));
  await insertRows(
    tx,
    'payment_allocation',
    ALLOCATION_COLUMNS,
    rows.map((r, i) => [ids[i], r.invoiceId, r.paymentId, r.kind, r.amountMinor.toString(), r.entryId, createdBy, now]),
  );
  return ids;
};

// ---- customer credit

/**
 * Customer credit of each contact, from the payment tables: Σ receipts that are not reversed −
 * Σ allocation rows naming them − Σ 'credit' allocations on the contact's invoices − Σ refunds.
 * It equals the contact's balance on the customer-credit account. Three grouped queries for any
 * number of contacts; contacts with no payments get 0.
 */
export const customerCredit = async (db: Db, contactIds: readonly string[]): Promise<Map<string, bigint>> => {
  const out = new Map<string, bigint>(contactIds.map((id) => [id, 0n]));
  if (!contactIds.length) return out;
  const add = (id: string, v: unknown, sign: 1n | -1n) => out.set(id, (out.get(id) ?? 0n) + sign * toBigInt(v));
  const payments = await db
    .selectFrom('payment')
    .select(['contact_id', sql<string | number>`sum(case when kind = 'receipt' and status = 'recorded' then amount_minor when kind = 'refund' then -amount_minor else 0 end)`.as('net')])
    .where(inList(db, 'contact_id', contactIds))
    .groupBy('contact_id')
    .execute();
  for (const r of payments) add(r.contact_id, r.net, 1n);
  const allocated = await db
    .selectFrom('payment_allocation as a')
    .innerJoin('payment as p', 'p.id', 'a.payment_id')
    .select(['p.contact_id', sql<string | number>`sum(a.amount_minor)`.as('s')])
    .where(inList(db, 'p.contact_id', contactIds))
    .where('p.status', '=', 'recorded')
    .groupBy('p.contact_id')
    .execute();
  for (const r of allocated) add(r.contact_id, r.s, -1n);
  const applied = await db
    .selectFrom('payment_allocation as a')
    .innerJoin('invoice as i', 'i.id', 'a.invoice_id')
    .select(['i.payer_id', sql<string | number>`sum(a.amount_minor)`.as('s')])
    .where(inList(db, 'i.payer_id', contactIds))
    .where('a.kind', '=', 'credit')
    .groupBy('i.payer_id')
    .execute();
  for (const r of applied) add(r.payer_id, r.s, -1n);
  return out;
};

/** Net 'credit' allocation per invoice of a contact, with when credit was last put on it. */
export const creditAllocationsOf = async (db: Db, contactId: string) => {
  const rows = await db
    .selectFrom('payment_allocation as a')
    .innerJoin('invoice as i', 'i.id', 'a.invoice_id')
    .select(['a.invoice_id', sql<string | number>`sum(a.amount_minor)`.as('net'), sql<string>`max(a.created_at)`.as('last_at')])
    .where('i.payer_id', '=', contactId)
    .where('a.kind', '=', 'credit')
    .groupBy('a.invoice_id')
    .execute();
  return rows.map((r) => ({ invoiceId: r.invoice_id, netMinor: toBigInt(r.net), lastAt: r.last_at }));
};

// ---- subscriptions: an invoice paid in full moves what it billed on

export interface SubscriptionMove {
  subscriptionId: string;
  /** The invoice whose payment (or reopening) moved it. */
  invoiceId: string;
  paidThrough?: { from: string | null; to: string | null };
  status?: { from: string; to: string };
}

/**
 * For every line of the invoices that became paid: the subscription's `paid_through` moves to the
 * line's period end if that is later, and a pending or trial subscription becomes active (a paid
 * trial is not converted). When an invoice is reopened (a reversal), `paid_through` goes back to
 * what the subscription's other paid invoices cover, if this invoice was what set it.
 */
export const moveSubscriptions = async (tx: Db, clock: Clock, by: ChangedBy, transitions: readonly InvoiceTransition[]): Promise<SubscriptionMove[]> => {
  const paid = transitions.filter((t) => t.to === 'paid').map((t) => t.invoiceId);
  const reopened = transitions.filter((t) => t.from === 'paid' && t.to === 'issued').map((t) => t.invoiceId);
  if (!paid.length && !reopened.length) return [];
  const ids = [...paid, ...reopened];
  // The lines with a subscription, and each subscription as it is now, in one query.
  const lines = await tx
    .selectFrom('invoice_line as l')
    .innerJoin('subscription as s', 's.id', 'l.subscription_id')
    .select(['l.invoice_id', 'l.subscription_id', 'l.period_end', 's.status', 's.paid_through'])
    .where(inList(tx, 'l.invoice_id', ids))
    .execute();
  if (!lines.length) return [];
  const numberOf = new Map(transitions.map((t) => [t.invoiceId, t.number]));
  const subs = new Map(lines.map((l) => [l.subscription_id!, { id: l.subscription_id!, status: l.status, paid_through: l.paid_through }]));
  const moves = new Map<string, SubscriptionMove>();
  const now = clock.now().toISOString();
  const paidSet = new Set(paid);

  // Paid: the latest period end of the lines per subscription.
  const ends = new Map<string, { end: string | null; invoiceId: string }>();
  for (const l of lines) {
    if (!paidSet.has(l.invoice_id)) continue;
    const cur = ends.get(l.subscription_id!);
    if (!cur || (l.period_end !== null && (cur.end === null || l.period_end > cur.end))) ends.set(l.subscription_id!, { end: l.period_end, invoiceId: l.invoice_id });
  }
  for (const [subId, { end, invoiceId }] of ends) {
    const sub = subs.get(subId);
    if (!sub) continue;
    const move: SubscriptionMove = { subscriptionId: subId, invoiceId };
    if (end !== null && (sub.paid_through === null || end > sub.paid_through)) {
      await tx.updateTable('subscription').set({ paid_through: end, updated_at: now }).where('id', '=', subId).execute();
      move.paidThrough = { from: sub.paid_through, to: end };
    }
    if (sub.status === 'pending' || sub.status === 'trial') {
      const after = await changeSubscriptionStatusInTx(tx, clock, by, subId, { status: 'active', reason: `Invoice ${numberOf.get(invoiceId) ?? invoiceId} paid in full.` }, { audit: false });
      move.status = { from: sub.status, to: after.status };
    }
    if (move.paidThrough || move.status) moves.set(subId, move);
  }

  // Reopened: paid_through back to what the other paid invoices cover, when this invoice set it.
  const reopenedSet = new Set(reopened);
  for (const subId of new Set(lines.filter((l) => reopenedSet.has(l.invoice_id)).map((l) => l.subscription_id!))) {
    const sub = subs.get(subId);
    if (!sub || sub.paid_through === null) continue;
    const mine = lines.filter((l) => l.subscription_id === subId && reopenedSet.has(l.invoice_id) && l.period_end !== null).map((l) => l.period_end!);
    if (!mine.includes(sub.paid_through)) continue;
    const other = await tx
      .selectFrom('invoice_line as l')
      .innerJoin('invoice as i', 'i.id', 'l.invoice_id')
      .select((eb) => eb.fn.max('l.period_end').as('end'))
      .where('l.subscription_id', '=', subId)
      .where('i.kind', '=', 'invoice')
      .where('i.status', '=', 'paid')
      .where((eb) => eb.not(inList(tx, 'i.id', reopened)))
      .executeTakeFirst();
    const back = (other?.end as string | null | undefined) ?? null;
    if (back === sub.paid_through) continue;
    await tx.updateTable('subscription').set({ paid_through: back, updated_at: now }).where('id', '=', subId).execute();
    const invoiceId = lines.find((l) => l.subscription_id === subId && reopenedSet.has(l.invoice_id) && l.period_end === sub.paid_through)!.invoice_id;
    moves.set(subId, { subscriptionId: subId, invoiceId, paidThrough: { from: sub.paid_through, to: back } });
  }
  return [...moves.values()];
};

// ---- reading payments

const m = (v: unknown, currency: string): Money => money(toBigInt(v), currency);

export const paymentColumns = [
  'payment.id',
  'payment.kind',
  'payment.number',
  'payment.contact_id',
  'payment.received_on',
  'payment.amount_minor',
  'payment.currency',
  'payment.method',
  'payment.reference',
  'payment.note',
  'payment.status',
  'payment.reversed_on',
  'payment.reversal_reason',
  'payment.external_id',
  'payment.created_by',
  'payment.version',
  'payment.created_at',
  'payment.updated_at',
] as const;

const allocatedSum = sql<string | number | null>`(select sum(a.amount_minor) from payment_allocation a where a.payment_id = payment.id)`;

export const paymentQuery = (db: Db) =>
  db
    .selectFrom('payment')
    .innerJoin('contact', 'contact.id', 'payment.contact_id')
    .select([...paymentColumns, 'contact.display_name as contact_name'])
    .select(allocatedSum.as('allocated'));

type PaymentRow = Pick<PaymentTable, 'id' | 'kind' | 'number' | 'contact_id' | 'received_on' | 'amount_minor' | 'currency' | 'method' | 'reference' | 'note' | 'status' | 'reversed_on' | 'reversal_reason' | 'external_id' | 'created_by' | 'version' | 'created_at' | 'updated_at'> & {
  contact_name: string;
  allocated: string | number | null;
};

export const toPaymentSummary = (r: PaymentRow): PaymentSummary => {
  const amount = toBigInt(r.amount_minor);
  const allocated = toBigInt(r.allocated);
  const live = r.kind === 'receipt' && r.status === 'recorded';
  return {
    id: r.id,
    kind: r.kind as PaymentKind,
    number: r.number === null ? null : toNumber(r.number),
    contactId: r.contact_id,
    contactName: r.contact_name,
    receivedOn: r.received_on,
    amount: m(amount, r.currency),
    currency: r.currency,
    method: r.method as PaymentMethod,
    reference: r.reference,
    note: r.note,
    status: r.status as PaymentStatus,
    reversedOn: r.reversed_on,
    reversalReason: r.reversal_reason,
    externalId: r.external_id,
    allocated: m(live ? allocated : 0n, r.currency),
    toCredit: m(live ? amount - allocated : 0n, r.currency),
    createdBy: r.created_by,
    version: toNumber(r.version),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
};

/** Ledger entries with their lines, in seq order. */
export const loadEntries = async (db: Db, entryIds: readonly string[], currency: string): Promise<LedgerEntryView[]> => {
  if (!entryIds.length) return [];
  const entries = await db.selectFrom('ledger_entry').select(['id', 'seq', 'entry_date', 'kind', 'description', 'source_key']).where(inList(db, 'id', entryIds)).orderBy('seq').execute();
  const lines = await db
    .selectFrom('ledger_line')
    .select(['entry_id', 'line_no', 'account_code', 'contact_id', 'invoice_id', 'debit_minor', 'credit_minor'])
    .where(inList(db, 'entry_id', entryIds))
    .orderBy('entry_id')
    .orderBy('line_no')
    .execute();
  return entries.map((e) => ({
    id: e.id,
    seq: toNumber(e.seq),
    date: e.entry_date,
    kind: e.kind,
    description: e.description,
    sourceKey: e.source_key,
    lines: lines
      .filter((l) => l.entry_id === e.id)
      .map((l) => ({ account: l.account_code, debit: m(l.debit_minor, currency), credit: m(l.credit_minor, currency), contactId: l.contact_id, invoiceId: l.invoice_id })),
  }));
};

export const loadAllocations = async (db: Db, where: { paymentId?: string; entryIds?: readonly string[] }, currency: string): Promise<Allocation[]> => {
  let q = db
    .selectFrom('payment_allocation as a')
    .innerJoin('invoice as i', 'i.id', 'a.invoice_id')
    .select(['a.id', 'a.invoice_id', 'i.number', 'a.payment_id', 'a.kind', 'a.amount_minor', 'a.entry_id', 'a.created_by', 'a.created_at']);
  if (where.paymentId && where.entryIds?.length) {
    const pid = where.paymentId;
    const eids = where.entryIds;
    q = q.where((eb) => eb.or([eb('a.payment_id', '=', pid), inList(db, 'a.entry_id', eids)]));
  } else if (where.paymentId) q = q.where('a.payment_id', '=', where.paymentId);
  else if (where.entryIds?.length) q = q.where(inList(db, 'a.entry_id', where.entryIds));
  else return [];
  const rows = await q.orderBy('a.created_at').orderBy('a.id').execute();
  return rows.map((r) => ({
    id: r.id,
    invoiceId: r.invoice_id,
    invoiceNumber: r.number === null ? null : toNumber(r.number),
    paymentId: r.payment_id,
    kind: r.kind as AllocationKind,
    amount: m(r.amount_minor, currency),
    entryId: r.entry_id,
    createdBy: r.created_by,
    createdAt: r.created_at,
  }));
};

export const getPayment = async (db: Db, id: string): Promise<Payment> => {
  const row = await paymentQuery(db).where('payment.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('The payment');
  const summary = toPaymentSummary(row);
  const entryIds = (await db.selectFrom('ledger_entry').select('id').where('payment_id', '=', id).execute()).map((e) => e.id);
  return {
    ...summary,
    allocations: await loadAllocations(db, { paymentId: id, entryIds }, summary.currency),
    entries: await loadEntries(db, entryIds, summary.currency),
  };
};

/** What the audit trail keeps of a payment. */
export const paymentSnapshot = (p: Payment) => ({
  kind: p.kind,
  number: p.number,
  contactId: p.contactId,
  receivedOn: p.receivedOn,
  amount: toDecimalString(p.amount),
  currency: p.currency,
  method: p.method,
  reference: p.reference,
  note: p.note,
  status: p.status,
  externalId: p.externalId,
  allocations: p.allocations.map((a) => ({ invoiceId: a.invoiceId, invoiceNumber: a.invoiceNumber, kind: a.kind, amount: toDecimalString(a.amount) })),
  toCredit: toDecimalString(p.toCredit),
});
