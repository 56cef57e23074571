import { sql, type Kysely } from 'kysely';
import { dbKind, inTransaction, lockResource, toBigInt, toNumber } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { nextNumber } from '../../db/sequences.ts';
import { conflict, validation } from '../../kernel/app-error.ts';
import { newId } from '../../kernel/ids.ts';
import { money, toDecimalString } from '../../kernel/money.ts';
import { recordAudit } from '../audit/index.ts';
import { postEntries, rolesOf, type NewEntry, type PostedRef } from '../ledger/index.ts';
import { queueReceiptMail } from '../documents/index.ts';
import { getSettings } from '../settings/index.ts';
import { allocateChosen, allocateOldestFirst, type AllocationPlan } from './allocation.ts';
import {
  assertMethod,
  assertPaymentDate,
  assertPositiveAmount,
  optionalNote,
  optionalText,
  RECEIPT_SEQUENCE,
  type ChangedBy,
  type LedgerEntryView,
  type Payment,
  type PaymentDeps,
} from './payment.ts';
import {
  applyInvoiceChanges,
  getPayment,
  inList,
  insertAllocations,
  loadPayer,
  loadUnsettledInvoices,
  moneyAccount,
  newPaymentRow,
  moveSubscriptions,
  payerLock,
  paymentSettingsOf,
  paymentSnapshot,
  openExpr,
  toPaymentSummary,
  type InvoiceRow,
} from './payment-store.ts';

export interface RecordPaymentInput {
  /** The payer. */
  contactId: string;
  /** YYYY-MM-DD; today (organization time zone) when left out. Not in the future. */
  receivedOn?: string;
  /** Major units of the organization currency, like "450.00". */
  amount: string;
  method: string;
  reference?: string | null;
  note?: string | null;
  /** A bank or gateway transaction id: the same id again returns the payment already recorded. */
  externalId?: string | null;
  /** Chosen invoices and amounts; left out: the payer's open invoices, oldest first. The rest is customer credit. */
  allocations?: { invoiceId: string; amount: string }[];
}

export interface RecordedPayment {
  payment: Payment;
  /** False when `externalId` was recorded before and that payment is returned. */
  created: boolean;
}

export const actorName = (by: ChangedBy): string => by.actor.name ?? by.actor.type;

/**
 * Records a receipt: takes the next receipt number, puts the money on the payer's open invoices
 * (oldest first, or as chosen), turns the rest into customer credit, posts bank (cash for cash)
 * ↔ A/R per invoice + customer credit, and moves on the subscriptions of invoices now paid in
 * full. The payer is locked and open amounts are read again under the lock, so concurrent
 * payments on the same invoices never allocate more than is open and lose nothing.
 *
 * About twenty statements: the settings are read once (the ledger's roles, the receipt e-mail and
 * "today" come from the same read), the invoices are changed in one statement, and the payment it
 * returns (and puts in the audit row and the receipt) is built from what it wrote, not read back.
 */
export const recordPayment = async (deps: PaymentDeps, by: ChangedBy, input: RecordPaymentInput): Promise<RecordedPayment> =>
  inTransaction(deps.db, async (tx) => {
    // The settings once: currency, accounts, the ledger's roles, the time zone, whether to e-mail a receipt.
    const all = await getSettings(tx);
    const settings = paymentSettingsOf(all);
    const { currency, accounts } = settings;
    const today = deps.clock.today(all['organization.time_zone']).toString();
    const payer = await loadPayer(tx, (input.contactId ?? '').trim());
    const amountMinor = assertPositiveAmount(input.amount, currency, 'amount');
    const method = assertMethod(input.method);
    const receivedOn = assertPaymentDate(input.receivedOn, today, 'receivedOn', 'The payment date');
    if (receivedOn > today) throw validation(`A payment is recorded on the day it was received, today (${today}) or earlier, not ${receivedOn}.`, { field: 'receivedOn' });
    const reference = optionalText(input.reference, 'reference', 'The reference', 200);
    const note = optionalNote(input.note);
    const externalId = optionalText(input.externalId, 'externalId', 'The external id', 200);
    const chosen = input.allocations?.map((a, i) => ({ invoiceId: (a.invoiceId ?? '').trim(), amountMinor: assertPositiveAmount(a.amount, currency, `allocations.${i}.amount`, `Allocation ${i + 1}: the amount`) }));
    if (chosen && chosen.length > 500) throw validation('A payment can be put on at most 500 invoices at once.', { field: 'allocations' });

    if (externalId) {
      // The same bank transaction sent twice (or by two importers at once) is recorded once.
      await lockResource(tx, `payment-external:${externalId}`);
      const existing = await tx.selectFrom('payment').select(['id', 'contact_id', 'amount_minor']).where('external_id', '=', externalId).executeTakeFirst();
      if (existing) {
        const same = existing.contact_id === payer.id && toBigInt(existing.amount_minor) === amountMinor;
        if (!same) {
          throw conflict(`The external id ${externalId} is already recorded, on another payment (${existing.id}) with a different payer or amount. Check the transaction; an external id is recorded once.`, {
            field: 'externalId',
            paymentId: existing.id,
          });
        }
        return { payment: await getPayment(tx, existing.id), created: false };
      }
    }

    await lockResource(tx, payerLock(payer.id));
    const invoices = (await loadLockedUnsettled(tx, payer.id, (chosen ?? []).map((c) => c.invoiceId))).filter((i) => i.currency === currency);
    const rows = new Map(invoices.map((i) => [i.invoiceId, i]));
    let plan: AllocationPlan;
    if (chosen) {
      await assertChosenPayable(tx, payer, chosen, rows);
      plan = allocateChosen(invoices, chosen, amountMinor, { currency, describe: (id) => `invoice ${rows.get(id)?.number ?? id}` });
    } else {
      plan = allocateOldestFirst(invoices, amountMinor);
    }

    // Invoices first (a concurrent void waits on them, not on the ledger), then the ledger.
    const transitions = await applyInvoiceChanges(tx, deps.clock, rows, plan.allocations.map((a) => ({ invoiceId: a.invoiceId, deltaMinor: a.amountMinor })));
    const number = await nextNumber(tx, RECEIPT_SEQUENCE, 1);
    const at = deps.clock.now();
    const id = newId(at.getTime());
    const now = at.toISOString();
    const createdBy = actorName(by);
    const row = newPaymentRow({ id, kind: 'receipt', number, contactId: payer.id, on: receivedOn, amountMinor, currency, method, reference, note, externalId, createdBy, now });
    await tx.insertInto('payment').values(row).execute();
    const entry: NewEntry = {
      date: receivedOn,
      kind: 'payment',
      description: `Receipt ${number} from ${payer.name} (${method.replace('_', ' ')})${reference ? `, ref. ${reference}` : ''}`.slice(0, 500),
      contactId: payer.id,
      paymentId: id,
      sourceKey: `payment:${id}`,
      lines: [
        { account: moneyAccount(accounts, method), debitMinor: amountMinor },
        ...plan.allocations.map((a) => ({ account: accounts.ar, creditMinor: a.amountMinor, contactId: payer.id, invoiceId: a.invoiceId })),
        ...(plan.restMinor > 0n ? [{ account: accounts.credit, creditMinor: plan.restMinor, contactId: payer.id }] : []),
      ],
    };
    const [posted] = await postEntries(tx, deps, createdBy, [entry], { roles: rolesOf(all) });
    const newAllocations = plan.allocations.map((a) => ({ invoiceId: a.invoiceId, paymentId: id, kind: 'payment' as const, amountMinor: a.amountMinor, entryId: posted!.id }));
    const allocationIds = await insertAllocations(tx, deps.clock, createdBy, newAllocations, at);
    const moves = await moveSubscriptions(tx, deps.clock, by, transitions);
    // What was just written, as getPayment would read it back (a new payment id cannot have posted before).
    const payment: Payment = posted!.created
      ? {
          ...toPaymentSummary({ ...row, contact_name: payer.name, allocated: plan.allocations.reduce((sum, a) => sum + a.amountMinor, 0n).toString() }),
          allocations: newAllocations.map((a, i) => ({
            id: allocationIds[i]!,
            invoiceId: a.invoiceId,
            invoiceNumber: rows.get(a.invoiceId)?.number ?? null,
            paymentId: id,
            kind: a.kind,
            amount: money(a.amountMinor, currency),
            entryId: a.entryId,
            createdBy,
            createdAt: now,
          })),
          entries: [entryView(entry, posted!, currency)],
        }
      : await getPayment(tx, id);
    await recordAudit(tx, deps.clock, by.actor, {
      entityType: 'payment',
      entityId: id,
      action: 'record',
      after: {
        ...paymentSnapshot(payment),
        toCredit: toDecimalString(money(plan.restMinor, currency)),
        paidInFull: transitions.filter((t) => t.to === 'paid').map((t) => t.number),
        ...(moves.length ? { subscriptions: moves } : {}),
      },
      requestId: by.requestId,
    });
    // The receipt e-mail (payment recorded), through the outbox in this transaction.
    if (deps.config && all['payments.send_receipt']) {
      await queueReceiptMail(tx, { clock: deps.clock, config: deps.config }, id, {
        settings: all,
        contactId: payer.id,
        payerName: payer.name,
        payerMemberNumber: payer.memberNumber,
        number,
        receivedOn,
        amountMinor,
        currency,
        method,
        reference,
        invoiceNumbers: payment.allocations.map((a) => a.invoiceNumber),
      });
    }
    return { payment, created: true };
  });

/**
 * The payer's unsettled invoices, read under their locks. SQLite has one writer: one read. On
 * PostgreSQL (a void or a credit note holds the invoice, not the payer): one statement reads the
 * ids of the payer's unsettled invoices and locks them together with the chosen ones, one after
 * another in id order (`lockInvoices`' order); then the rows are read again under the locks,
 * keeping only the invoices locked.
 */
const loadLockedUnsettled = async (tx: Kysely<DB>, payerId: string, chosenIds: readonly string[]): Promise<InvoiceRow[]> => {
  if (dbKind(tx) !== 'postgres') return loadUnsettledInvoices(tx, [payerId]);
  const { rows: ids } = await sql<{ id: string; unsettled: boolean }>`
    select s.id, s.unsettled, pg_advisory_xact_lock(hashtext('invoice:' || s.id)) as locked
    from (
      select u.id, bool_or(u.unsettled) as unsettled
      from (
        select invoice.id, true as unsettled from invoice
        where invoice.payer_id = ${payerId} and invoice.kind = 'invoice' and invoice.status in ('issued', 'paid') and ${openExpr} <> 0
        union all
        select c.id, false from unnest(${[...chosenIds]}::text[]) as c(id)
      ) u
      group by u.id
      order by u.id collate "C"
    ) s`.execute(tx);
  const locked = new Set(ids.filter((r) => r.unsettled).map((r) => r.id));
  if (!locked.size) return [];
  return (await loadUnsettledInvoices(tx, [payerId])).filter((i) => locked.has(i.invoiceId));
};

/** Chosen invoices that are not among the payer's open ones: why not, in the order given (one query for all of them). */
const assertChosenPayable = async (tx: Kysely<DB>, payer: { id: string; name: string }, chosen: readonly { invoiceId: string }[], rows: ReadonlyMap<string, InvoiceRow>): Promise<void> => {
  const others = [...new Set(chosen.map((c) => c.invoiceId).filter((id) => !rows.has(id)))];
  if (!others.length) return;
  const found = new Map((await tx.selectFrom('invoice').select(['id', 'number', 'payer_id', 'payer_name', 'kind', 'status']).where(inList(tx, 'id', others)).execute()).map((r) => [r.id, r]));
  for (const [i, c] of chosen.entries()) {
    if (rows.has(c.invoiceId)) continue;
    const other = found.get(c.invoiceId);
    if (!other) throw validation(`Allocation ${i + 1}: no invoice has the id ${c.invoiceId}.`, { field: `allocations.${i}.invoiceId` });
    const number = other.number === null ? null : toNumber(other.number);
    if (other.payer_id !== payer.id) {
      throw validation(`Allocation ${i + 1}: invoice ${number ?? c.invoiceId} is billed to ${other.payer_name ?? 'another payer'}, not ${payer.name}. Record the payment for its payer.`, { field: `allocations.${i}.invoiceId` });
    }
    if (other.kind !== 'invoice') throw validation(`Allocation ${i + 1}: ${number} is a credit note; credit notes are not paid.`, { field: `allocations.${i}.invoiceId` });
    if (other.status !== 'issued' && other.status !== 'paid') throw validation(`Allocation ${i + 1}: invoice ${number ?? c.invoiceId} is ${other.status} and cannot take payments.`, { field: `allocations.${i}.invoiceId` });
  }
};

/** A ledger entry just posted, as `loadEntries` reads it back. */
const entryView = (e: NewEntry, ref: PostedRef, currency: string): LedgerEntryView => ({
  id: ref.id,
  seq: ref.seq,
  date: e.date,
  kind: e.kind,
  description: e.description.trim(),
  sourceKey: e.sourceKey ?? null,
  lines: e.lines.map((l) => ({
    account: l.account,
    debit: money(l.debitMinor ?? 0n, currency),
    credit: money(l.creditMinor ?? 0n, currency),
    contactId: l.contactId ?? null,
    invoiceId: l.invoiceId ?? null,
  })),
});
