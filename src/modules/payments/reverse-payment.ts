import { inTransaction, lockResource, toBigInt } from '../../db/database.ts';
import { conflict, notFound, validation } from '../../kernel/app-error.ts';
import { money, toDecimalString } from '../../kernel/money.ts';
import { recordAudit } from '../audit/index.ts';
import { orgToday } from '../catalog/index.ts';
import { postEntries, type NewEntry } from '../ledger/index.ts';
import { queueChargeInTx, type QueuedCharge } from '../subscriptions/index.ts';
import { creditToTakeBack } from './allocation.ts';
import { assertPaymentDate, requiredReason, type ChangedBy, type Payment, type PaymentDeps } from './payment.ts';
import {
  applyInvoiceChanges,
  creditAllocationsOf,
  customerCredit,
  getPayment,
  insertAllocations,
  loadInvoiceRows,
  lockInvoices,
  loadPaymentSettings,
  moveSubscriptions,
  payerLock,
  paymentSnapshot,
  type InvoiceRow,
} from './payment-store.ts';
import { actorName } from './record-payment.ts';

export interface ReversePaymentInput {
  /** NSF, bounced cheque, charge-back…; kept with the payment and in the audit trail. */
  reason: string;
  /** YYYY-MM-DD; today when left out. Not before the payment and not in the future. */
  reversedOn?: string;
  /** Queue the returned-payment fee (setting payments.reversal_fee) for the payer's next invoice. Default true; no fee when the setting is 0. */
  chargeFee?: boolean;
  version?: number;
}

export interface ReversedPayment {
  payment: Payment;
  /** The fee queued for the payer's next invoice, if any. */
  feeCharge: QueuedCharge | null;
}

/**
 * Reverses a receipt (NSF, bounced cheque, charge-back): posts the mirror of its entry, adds
 * negative allocation rows that reopen the invoices it paid, and marks it reversed. When the part
 * that went to customer credit has been spent on invoices meanwhile, that credit is taken back from
 * the newest such invoices first (they reopen too), so credit never pays with money that bounced.
 * Optionally queues the returned-payment fee for the next billing run.
 */
export const reversePayment = async (deps: PaymentDeps, by: ChangedBy, id: string, input: ReversePaymentInput): Promise<ReversedPayment> => {
  const reason = requiredReason(input.reason, 'for reversing the payment');
  return inTransaction(deps.db, async (tx) => {
    const first = await tx.selectFrom('payment').select(['contact_id']).where('id', '=', id).executeTakeFirst();
    if (!first) throw notFound('The payment');
    await lockResource(tx, payerLock(first.contact_id));
    const before = await getPayment(tx, id);
    if (before.kind !== 'receipt') throw conflict(`Refund ${before.number} cannot be reversed. If the money came back, record it as a receipt.`);
    if (before.status === 'reversed') throw conflict(`Receipt ${before.number} was already reversed on ${before.reversedOn}.`);
    if (input.version !== undefined && input.version !== before.version) {
      throw conflict('Someone else changed this payment since you opened it. Reload it and try again.', { field: 'version' });
    }
    const today = await orgToday(tx, deps.clock);
    const reversedOn = assertPaymentDate(input.reversedOn, today, 'reversedOn', 'The reversal date');
    if (reversedOn > today) throw validation(`A reversal is recorded today (${today}) or earlier, not ${reversedOn}.`, { field: 'reversedOn' });
    if (reversedOn < before.receivedOn) throw validation(`The reversal date cannot be before the payment was received (${before.receivedOn}).`, { field: 'reversedOn' });
    const settings = await loadPaymentSettings(tx);
    const { accounts, currency } = settings;
    const payerId = before.contactId;

    // What the receipt put on invoices, net per invoice.
    const onInvoice = new Map<string, bigint>();
    for (const a of before.allocations) if (a.paymentId === id) onInvoice.set(a.invoiceId, (onInvoice.get(a.invoiceId) ?? 0n) + a.amount.minor);
    const allocated = [...onInvoice.values()].reduce((s, v) => s + v, 0n);
    const toCredit = before.amount.minor - allocated;
    // Credit the receipt gave that has been spent since: take it back from invoices, newest first.
    const available = (await customerCredit(tx, [payerId])).get(payerId) ?? 0n;
    const takeBack = toCredit > available ? creditToTakeBack(await creditAllocationsOf(tx, payerId), toCredit - (available > 0n ? available : 0n)) : [];

    const invoiceIds = [...new Set([...onInvoice.keys(), ...takeBack.map((t) => t.invoiceId)])];
    await lockInvoices(tx, invoiceIds);
    const rows = new Map<string, InvoiceRow>((await loadInvoiceRows(tx, invoiceIds)).map((r) => [r.invoiceId, r]));
    const transitions = await applyInvoiceChanges(tx, deps.clock, rows, [
      ...[...onInvoice].filter(([, v]) => v !== 0n).map(([invoiceId, v]) => ({ invoiceId, deltaMinor: -v })),
      ...takeBack.map((t) => ({ invoiceId: t.invoiceId, deltaMinor: -t.amountMinor })),
    ]);

    // The mirror of the receipt's entry.
    const original = await tx.selectFrom('ledger_entry').select(['id']).where('source_key', '=', `payment:${id}`).executeTakeFirst();
    if (!original) throw conflict(`Receipt ${before.number} has no ledger entry to reverse; run \`guildhall ledger verify\`.`);
    const lines = await tx.selectFrom('ledger_line').select(['account_code', 'debit_minor', 'credit_minor', 'contact_id', 'invoice_id']).where('entry_id', '=', original.id).orderBy('line_no').execute();
    const entries: NewEntry[] = [];
    const takeBackTotal = takeBack.reduce((s, t) => s + t.amountMinor, 0n);
    if (takeBack.length) {
      entries.push({
        date: reversedOn,
        kind: 'credit_applied',
        description: `Credit from receipt ${before.number} taken back from ${takeBack.length === 1 ? `invoice ${rows.get(takeBack[0]!.invoiceId)?.number}` : `invoices ${takeBack.map((t) => rows.get(t.invoiceId)?.number).join(', ')}`}: ${before.contactName}`.slice(0, 500),
        contactId: payerId,
        paymentId: id,
        sourceKey: `reversal:${id}:credit`,
        lines: [
          ...takeBack.map((t) => ({ account: accounts.ar, debitMinor: t.amountMinor, contactId: payerId, invoiceId: t.invoiceId })),
          { account: accounts.credit, creditMinor: takeBackTotal, contactId: payerId },
        ],
      });
    }
    entries.push({
      date: reversedOn,
      kind: 'reversal',
      description: `Receipt ${before.number} reversed: ${reason}`.slice(0, 500),
      contactId: payerId,
      paymentId: id,
      sourceKey: `reversal:${id}`,
      lines: lines.map((l) => {
        const debit = toBigInt(l.credit_minor);
        const credit = toBigInt(l.debit_minor);
        return { account: l.account_code, ...(debit > 0n ? { debitMinor: debit } : { creditMinor: credit }), contactId: l.contact_id, invoiceId: l.invoice_id };
      }),
    });
    const posted = await postEntries(tx, deps, actorName(by), entries);
    const reversalEntry = posted[posted.length - 1]!.id;
    await insertAllocations(tx, deps.clock, actorName(by), [
      ...takeBack.map((t) => ({ invoiceId: t.invoiceId, paymentId: null, kind: 'credit' as const, amountMinor: -t.amountMinor, entryId: posted[0]!.id })),
      ...[...onInvoice].filter(([, v]) => v !== 0n).map(([invoiceId, v]) => ({ invoiceId, paymentId: id, kind: 'reversal' as const, amountMinor: -v, entryId: reversalEntry })),
    ]);
    const now = deps.clock.now().toISOString();
    const res = await tx
      .updateTable('payment')
      .set({ status: 'reversed', reversed_on: reversedOn, reversal_reason: reason, version: before.version + 1, updated_at: now })
      .where('id', '=', id)
      .where('status', '=', 'recorded')
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw conflict(`Receipt ${before.number} was reversed by someone else at the same moment.`);

    let feeCharge: QueuedCharge | null = null;
    if (input.chargeFee !== false && settings.reversalFeeMinor > 0n) {
      feeCharge = await queueChargeInTx(tx, deps.clock, by, {
        contactId: payerId,
        payerId,
        description: `Fee for returned payment (receipt ${before.number}, ${reversedOn})`,
        unitPrice: toDecimalString(money(settings.reversalFeeMinor, currency)),
        glAccount: accounts.fee,
        vatRate: '0',
        chargeDate: reversedOn,
        source: 'nsf',
      });
    }
    const moves = await moveSubscriptions(tx, deps.clock, by, transitions);
    const after = await getPayment(tx, id);
    await recordAudit(tx, deps.clock, by.actor, {
      entityType: 'payment',
      entityId: id,
      action: 'reverse',
      before: { status: 'recorded' },
      after: {
        status: 'reversed',
        reversedOn,
        reason,
        reopened: transitions.filter((t) => t.to === 'issued').map((t) => t.number),
        ...(takeBack.length ? { creditTakenBack: takeBack.map((t) => ({ invoiceId: t.invoiceId, number: rows.get(t.invoiceId)?.number ?? null, amount: toDecimalString(money(t.amountMinor, currency)) })) } : {}),
        ...(feeCharge ? { feeChargeId: feeCharge.id, fee: toDecimalString(money(feeCharge.unitPriceMinor, currency)) } : {}),
        ...(moves.length ? { subscriptions: moves } : {}),
        payment: paymentSnapshot(after),
      },
      requestId: by.requestId,
    });
    return { payment: after, feeCharge };
  });
};
