import { inTransaction, lockResource, toBigInt } from '../../db/database.ts';
import { nextNumber } from '../../db/sequences.ts';
import { conflict, validation } from '../../kernel/app-error.ts';
import { newId } from '../../kernel/ids.ts';
import { money, toDecimalString } from '../../kernel/money.ts';
import { recordAudit } from '../audit/index.ts';
import { orgToday } from '../catalog/index.ts';
import { postEntries } from '../ledger/index.ts';
import { queueReceiptMail } from '../documents/index.ts';
import { getSetting } from '../settings/index.ts';
import { allocateChosen, allocateOldestFirst, type AllocationPlan } from './allocation.ts';
import {
  assertMethod,
  assertPaymentDate,
  assertPositiveAmount,
  optionalNote,
  optionalText,
  RECEIPT_SEQUENCE,
  type ChangedBy,
  type Payment,
  type PaymentDeps,
} from './payment.ts';
import {
  applyInvoiceChanges,
  getPayment,
  insertAllocations,
  loadPayer,
  loadPaymentSettings,
  loadUnsettledInvoices,
  lockInvoices,
  moneyAccount,
  moveSubscriptions,
  payerLock,
  paymentSnapshot,
  unsettledInvoiceIds,
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
 */
export const recordPayment = async (deps: PaymentDeps, by: ChangedBy, input: RecordPaymentInput): Promise<RecordedPayment> =>
  inTransaction(deps.db, async (tx) => {
    const settings = await loadPaymentSettings(tx);
    const { currency } = settings;
    const today = await orgToday(tx, deps.clock);
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
    const candidates = (await unsettledInvoiceIds(tx, [payer.id])).map((r) => r.id);
    await lockInvoices(tx, [...candidates, ...(chosen ?? []).map((c) => c.invoiceId)]);
    const locked = new Set(candidates);
    const invoices = (await loadUnsettledInvoices(tx, [payer.id])).filter((i) => i.currency === currency && locked.has(i.invoiceId));
    const rows = new Map(invoices.map((i) => [i.invoiceId, i]));
    let plan: AllocationPlan;
    if (chosen) {
      for (const [i, c] of chosen.entries()) {
        if (rows.has(c.invoiceId)) continue;
        const other = await tx.selectFrom('invoice').select(['number', 'payer_id', 'payer_name', 'kind', 'status']).where('id', '=', c.invoiceId).executeTakeFirst();
        if (!other) throw validation(`Allocation ${i + 1}: no invoice has the id ${c.invoiceId}.`, { field: `allocations.${i}.invoiceId` });
        if (other.payer_id !== payer.id) {
          throw validation(`Allocation ${i + 1}: invoice ${other.number ?? c.invoiceId} is billed to ${other.payer_name ?? 'another payer'}, not ${payer.name}. Record the payment for its payer.`, { field: `allocations.${i}.invoiceId` });
        }
        if (other.kind !== 'invoice') throw validation(`Allocation ${i + 1}: ${other.number} is a credit note; credit notes are not paid.`, { field: `allocations.${i}.invoiceId` });
        if (other.status !== 'issued' && other.status !== 'paid') throw validation(`Allocation ${i + 1}: invoice ${other.number ?? c.invoiceId} is ${other.status} and cannot take payments.`, { field: `allocations.${i}.invoiceId` });
      }
      plan = allocateChosen(invoices, chosen, amountMinor, { currency, describe: (id) => `invoice ${rows.get(id)?.number ?? id}` });
    } else {
      plan = allocateOldestFirst(invoices, amountMinor);
    }

    // Invoices first (a concurrent void waits on them, not on the ledger), then the ledger.
    const transitions = await applyInvoiceChanges(tx, deps.clock, rows, plan.allocations.map((a) => ({ invoiceId: a.invoiceId, deltaMinor: a.amountMinor })));
    const number = await nextNumber(tx, RECEIPT_SEQUENCE, 1);
    const id = newId(deps.clock.now().getTime());
    const now = deps.clock.now().toISOString();
    await tx
      .insertInto('payment')
      .values({
        id,
        kind: 'receipt',
        number,
        contact_id: payer.id,
        received_on: receivedOn,
        amount_minor: amountMinor.toString(),
        currency,
        method,
        reference,
        note,
        status: 'recorded',
        reversed_on: null,
        reversal_reason: null,
        external_id: externalId,
        created_by: actorName(by),
        version: 1,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const { accounts } = settings;
    const [entry] = await postEntries(tx, deps, actorName(by), [
      {
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
      },
    ]);
    await insertAllocations(
      tx,
      deps.clock,
      actorName(by),
      plan.allocations.map((a) => ({ invoiceId: a.invoiceId, paymentId: id, kind: 'payment', amountMinor: a.amountMinor, entryId: entry!.id })),
    );
    const moves = await moveSubscriptions(tx, deps.clock, by, transitions);
    const payment = await getPayment(tx, id);
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
    if (deps.config && (await getSetting(tx, 'payments.send_receipt'))) await queueReceiptMail(tx, { clock: deps.clock, config: deps.config }, id);
    return { payment, created: true };
  });
