import { sql, type Kysely } from 'kysely';
import { inTransaction, lockResource } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import type { Clock } from '../../kernel/clock.ts';
import { money, toDecimalString } from '../../kernel/money.ts';
import { recordAudit } from '../audit/index.ts';
import { orgToday } from '../catalog/index.ts';
import { postEntries, type NewEntry } from '../ledger/index.ts';
import { allocateOldestFirst } from './allocation.ts';
import type { ChangedBy, PaymentDeps } from './payment.ts';
import {
  applyInvoiceChanges,
  customerCredit,
  inList,
  insertAllocations,
  loadPaymentSettings,
  loadPayer,
  loadUnsettledInvoices,
  lockInvoices,
  moveSubscriptions,
  openExpr,
  payerLock,
  tryLockResource,
  unsettledInvoiceIds,
  type InvoiceChange,
  type InvoiceRow,
  type NewAllocation,
} from './payment-store.ts';
import { actorName } from './record-payment.ts';

type Db = Kysely<DB>;

export interface CreditSettlement {
  contactId: string;
  /** Overpaid invoices (a credit note after payment) whose excess went back to customer credit. */
  released: { invoiceId: string; number: number | null; amountMinor: bigint }[];
  /** Customer credit put on open invoices, oldest first. */
  applied: { invoiceId: string; number: number | null; amountMinor: bigint }[];
  /** Customer credit left afterwards. */
  creditLeftMinor: bigint;
}

export interface SettleOptions {
  /** Entry date; default the organization's today. */
  date?: string;
  /** Put credit on open invoices (default true); false only gives overpaid invoices' excess back to credit. */
  apply?: boolean;
  /**
   * Skip a payer (or an invoice) that another transaction holds instead of waiting for it. The
   * billing run and issuing a draft call this after posting their invoices, holding the ledger lock,
   * while a payment holds its payer and waits for the ledger: waiting here would deadlock. A payer
   * skipped now gets its credit applied the next time one of its invoices is issued.
   */
  tryLocks?: boolean;
  /** The payers are locked by the caller already. */
  locked?: boolean;
  /**
   * Which of the payers may have anything to settle, as `creditToSettle` found it in a snapshot the
   * caller knows to be current (the billing run's plan made ahead); otherwise it is read here.
   */
  candidates?: readonly string[];
}

/**
 * Payers among `ids` that can have something to settle, by two index lookups per payer that do not
 * grow with the payer's history of invoices and payments (the billing run asks this for every payer
 * it bills): customer credit only ever comes through lines on the customer-credit account that name
 * the payer (check-invariants, invariant 8), and an invoice is only overpaid after a credit note for
 * it (a payment never allocates more than is open). Most payers have neither.
 */
const mayNeedSettling = async (tx: Db, ids: readonly string[], apply: boolean, creditAccount: string): Promise<string[]> => {
  const creditLines = apply
    ? sql`select contact_id as id from ledger_line where ${inList(tx, 'contact_id', ids)} and contact_id is not null and account_code = ${creditAccount} union `
    : sql``;
  const { rows } = await sql<{ id: string }>`${creditLines}select payer_id as id from invoice where ${inList(tx, 'payer_id', ids)} and kind = 'credit_note'`.execute(tx);
  const maybe = new Set(rows.map((r) => r.id));
  return ids.filter((id) => maybe.has(id));
};

/** Payers among `ids` that have customer credit or an overpaid invoice: the only ones that need settling. */
const payersToSettle = async (tx: Db, all: readonly string[], apply: boolean, creditAccount: string): Promise<string[]> => {
  const ids = await mayNeedSettling(tx, all, apply, creditAccount);
  if (!ids.length) return [];
  const credit = apply ? await customerCredit(tx, ids) : new Map<string, bigint>();
  const overpaid = await tx
    .selectFrom('invoice')
    .select('payer_id')
    .distinct()
    .where(inList(tx, 'payer_id', ids))
    .where('kind', '=', 'invoice')
    .where('status', 'in', ['issued', 'paid'])
    .where('paid_minor', '>', 0)
    .where(sql<boolean>`${openExpr} < 0`)
    .execute();
  const out = new Set(overpaid.map((r) => r.payer_id));
  for (const [id, c] of credit) if (c > 0n) out.add(id);
  return ids.filter((id) => out.has(id));
};

/** Which of `payerIds` may have customer credit to settle (what `applyCustomerCreditInTx` reads first). */
export const creditToSettle = async (db: Db, payerIds: readonly string[]): Promise<string[]> => {
  const ids = [...new Set(payerIds)];
  if (!ids.length) return [];
  const { accounts } = await loadPaymentSettings(db);
  return payersToSettle(db, ids, true, accounts.credit);
};

/**
 * Settles customer credit inside the caller's transaction, for any number of payers in a few
 * queries: an invoice paid more than it now owes (credited after payment) gives the excess back to
 * credit (allocation kind 'credit', negative; customer credit ↔ A/R), then the payer's credit is put
 * on its open invoices oldest first (allocation kind 'credit'; customer credit ↔ A/R). Invoices paid
 * in full move their subscriptions on. One audit row per payer settled.
 */
export const applyCustomerCreditInTx = async (tx: Db, deps: { clock: Clock }, by: ChangedBy, payerIds: readonly string[], opts: SettleOptions = {}): Promise<CreditSettlement[]> => {
  const ids = [...new Set(payerIds)];
  if (!ids.length) return [];
  const apply = opts.apply !== false;
  if (opts.candidates && !opts.candidates.length) return [];
  const { accounts, currency } = await loadPaymentSettings(tx);
  const given = opts.candidates ? new Set(opts.candidates) : null;
  const candidates = given ? ids.filter((id) => given.has(id)) : await payersToSettle(tx, ids, apply, accounts.credit);
  if (!candidates.length) return [];

  const locked: string[] = [];
  for (const id of candidates.sort()) {
    if (opts.locked) locked.push(id);
    else if (opts.tryLocks) {
      if (await tryLockResource(tx, payerLock(id))) locked.push(id);
    } else {
      await lockResource(tx, payerLock(id));
      locked.push(id);
    }
  }
  if (!locked.length) return [];
  // Then each payer's invoices: a payer with an invoice held elsewhere (a void, a credit note) is left for next time when not waiting.
  const idsByPayer = new Map<string, string[]>();
  for (const r of await unsettledInvoiceIds(tx, locked)) idsByPayer.set(r.payerId, [...(idsByPayer.get(r.payerId) ?? []), r.id]);
  const ready: string[] = [];
  const lockedInvoices = new Set<string>();
  for (const payerId of locked) {
    const ids = idsByPayer.get(payerId) ?? [];
    if (!(await lockInvoices(tx, ids, { tryLocks: opts.tryLocks }))) continue;
    ready.push(payerId);
    for (const id of ids) lockedInvoices.add(id);
  }
  if (!ready.length) return [];
  // Read again under the locks.
  const credit = await customerCredit(tx, ready);
  const invoices = (await loadUnsettledInvoices(tx, ready)).filter((i) => i.currency === currency && lockedInvoices.has(i.invoiceId));
  const byPayer = new Map<string, InvoiceRow[]>();
  for (const i of invoices) byPayer.set(i.payerId, [...(byPayer.get(i.payerId) ?? []), i]);
  const names = new Map((await tx.selectFrom('contact').select(['id', 'display_name']).where(inList(tx, 'id', ready)).execute()).map((c) => [c.id, c.display_name]));
  const date = opts.date ?? (await orgToday(tx, deps.clock));

  const settlements: CreditSettlement[] = [];
  const changes: InvoiceChange[] = [];
  const entries: NewEntry[] = [];
  const pending: { entryIndex: number; rows: Omit<NewAllocation, 'entryId'>[] }[] = [];
  for (const payerId of ready) {
    const rows = byPayer.get(payerId) ?? [];
    const name = names.get(payerId) ?? payerId;
    let available = credit.get(payerId) ?? 0n;
    const released = rows.filter((r) => r.openMinor < 0n).map((r) => ({ invoiceId: r.invoiceId, number: r.number, amountMinor: -r.openMinor }));
    for (const r of released) available += r.amountMinor;
    const plan = apply && available > 0n ? allocateOldestFirst(rows, available) : { allocations: [], restMinor: available };
    const numberOf = new Map(rows.map((r) => [r.invoiceId, r.number]));
    const applied = plan.allocations.map((a) => ({ invoiceId: a.invoiceId, number: numberOf.get(a.invoiceId) ?? null, amountMinor: a.amountMinor }));
    if (!released.length && !applied.length) continue;
    if (released.length) {
      const total = released.reduce((s, r) => s + r.amountMinor, 0n);
      pending.push({ entryIndex: entries.length, rows: released.map((r) => ({ invoiceId: r.invoiceId, paymentId: null, kind: 'credit', amountMinor: -r.amountMinor })) });
      entries.push({
        date,
        kind: 'credit_applied',
        description: `Overpaid ${released.length === 1 ? `invoice ${released[0]!.number}` : `invoices ${released.map((r) => r.number).join(', ')}`} back to customer credit: ${name}`.slice(0, 500),
        contactId: payerId,
        lines: [
          ...released.map((r) => ({ account: accounts.ar, debitMinor: r.amountMinor, contactId: payerId, invoiceId: r.invoiceId })),
          { account: accounts.credit, creditMinor: total, contactId: payerId },
        ],
      });
      for (const r of released) changes.push({ invoiceId: r.invoiceId, deltaMinor: -r.amountMinor });
    }
    if (applied.length) {
      const total = applied.reduce((s, a) => s + a.amountMinor, 0n);
      pending.push({ entryIndex: entries.length, rows: applied.map((a) => ({ invoiceId: a.invoiceId, paymentId: null, kind: 'credit', amountMinor: a.amountMinor })) });
      entries.push({
        date,
        kind: 'credit_applied',
        description: `Customer credit applied to ${applied.length === 1 ? `invoice ${applied[0]!.number}` : `invoices ${applied.map((a) => a.number).join(', ')}`}: ${name}`.slice(0, 500),
        contactId: payerId,
        lines: [
          { account: accounts.credit, debitMinor: total, contactId: payerId },
          ...applied.map((a) => ({ account: accounts.ar, creditMinor: a.amountMinor, contactId: payerId, invoiceId: a.invoiceId })),
        ],
      });
      for (const a of applied) changes.push({ invoiceId: a.invoiceId, deltaMinor: a.amountMinor });
    }
    settlements.push({ contactId: payerId, released, applied, creditLeftMinor: plan.restMinor });
  }
  if (!settlements.length) return [];

  const rowsById = new Map(invoices.map((i) => [i.invoiceId, i]));
  const transitions = await applyInvoiceChanges(tx, deps.clock, rowsById, changes);
  const posted = await postEntries(tx, deps, actorName(by), entries);
  await insertAllocations(
    tx,
    deps.clock,
    actorName(by),
    pending.flatMap((p) => p.rows.map((r) => ({ ...r, entryId: posted[p.entryIndex]!.id }))),
  );
  const moves = await moveSubscriptions(tx, deps.clock, by, transitions);
  const fmt = (minor: bigint) => toDecimalString(money(minor, currency));
  for (const s of settlements) {
    const mine = new Set([...s.released, ...s.applied].map((x) => x.invoiceId));
    await recordAudit(tx, deps.clock, by.actor, {
      entityType: 'customer_credit',
      entityId: s.contactId,
      action: 'apply',
      after: {
        date,
        released: s.released.map((r) => ({ invoiceId: r.invoiceId, number: r.number, amount: fmt(r.amountMinor) })),
        applied: s.applied.map((a) => ({ invoiceId: a.invoiceId, number: a.number, amount: fmt(a.amountMinor) })),
        creditLeft: fmt(s.creditLeftMinor),
        paidInFull: transitions.filter((t) => t.to === 'paid' && mine.has(t.invoiceId)).map((t) => t.number),
        ...(moves.some((mv) => mine.has(mv.invoiceId)) ? { subscriptions: moves.filter((mv) => mine.has(mv.invoiceId)) } : {}),
      },
      requestId: by.requestId,
    });
  }
  return settlements;
};

/** Settles one contact's customer credit now (staff: after a credit note on a paid invoice, or to apply credit by hand). */
export const applyCustomerCredit = async (deps: PaymentDeps, by: ChangedBy, contactId: string): Promise<CreditSettlement> =>
  inTransaction(deps.db, async (tx) => {
    const payer = await loadPayer(tx, contactId);
    const [s] = await applyCustomerCreditInTx(tx, deps, by, [payer.id]);
    return s ?? { contactId: payer.id, released: [], applied: [], creditLeftMinor: (await customerCredit(tx, [payer.id])).get(payer.id) ?? 0n };
  });
