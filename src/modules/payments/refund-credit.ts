import { inTransaction, lockResource } from '../../db/database.ts';
import { nextNumber } from '../../db/sequences.ts';
import { conflict, validation } from '../../kernel/app-error.ts';
import { newId } from '../../kernel/ids.ts';
import { money, toDecimalString } from '../../kernel/money.ts';
import { recordAudit } from '../audit/index.ts';
import { orgToday } from '../catalog/index.ts';
import { postEntries } from '../ledger/index.ts';
import { applyCustomerCreditInTx } from './apply-credit.ts';
import { assertMethod, assertPaymentDate, assertPositiveAmount, optionalNote, optionalText, REFUND_SEQUENCE, type ChangedBy, type Payment, type PaymentDeps } from './payment.ts';
import { customerCredit, getPayment, loadPayer, loadPaymentSettings, moneyAccount, newPaymentRow, payerLock, paymentSnapshot } from './payment-store.ts';
import { actorName } from './record-payment.ts';

export interface RefundInput {
  contactId: string;
  /** Major units, at most the contact's customer credit. */
  amount: string;
  /** How the money goes back (bank_transfer, cash, …): cash comes out of the cash account, the rest out of the bank account. */
  method: string;
  /** YYYY-MM-DD; today when left out. */
  paidOn?: string;
  reference?: string | null;
  note?: string | null;
}

/**
 * Pays customer credit back to the contact: a payment row of kind 'refund' (numbered in the
 * series 'refund') and customer credit ↔ bank (or cash). Overpaid invoices give their excess back to
 * credit first, so it can be refunded. Refused when the credit is smaller than the amount.
 */
export const refundCredit = async (deps: PaymentDeps, by: ChangedBy, input: RefundInput): Promise<Payment> =>
  inTransaction(deps.db, async (tx) => {
    const settings = await loadPaymentSettings(tx);
    const { accounts, currency } = settings;
    const today = await orgToday(tx, deps.clock);
    const payer = await loadPayer(tx, (input.contactId ?? '').trim());
    const amountMinor = assertPositiveAmount(input.amount, currency, 'amount');
    const method = assertMethod(input.method);
    const paidOn = assertPaymentDate(input.paidOn, today, 'paidOn', 'The refund date');
    if (paidOn > today) throw validation(`A refund is recorded today (${today}) or earlier, not ${paidOn}.`, { field: 'paidOn' });
    const reference = optionalText(input.reference, 'reference', 'The reference', 200);
    const note = optionalNote(input.note);

    await lockResource(tx, payerLock(payer.id));
    await applyCustomerCreditInTx(tx, deps, by, [payer.id], { apply: false, locked: true, date: paidOn });
    const available = (await customerCredit(tx, [payer.id])).get(payer.id) ?? 0n;
    const fmt = (minor: bigint) => `${toDecimalString(money(minor, currency))} ${currency}`;
    if (amountMinor > available) {
      throw conflict(
        available > 0n ? `${payer.name} has ${fmt(available)} in customer credit; ${fmt(amountMinor)} cannot be refunded.` : `${payer.name} has no customer credit to refund.`,
        { field: 'amount', availableMinor: available.toString() },
      );
    }
    const number = await nextNumber(tx, REFUND_SEQUENCE, 1);
    const id = newId(deps.clock.now().getTime());
    const now = deps.clock.now().toISOString();
    await tx
      .insertInto('payment')
      .values(newPaymentRow({ id, kind: 'refund', number, contactId: payer.id, on: paidOn, amountMinor, currency, method, reference, note, externalId: null, createdBy: actorName(by), now }))
      .execute();
    await postEntries(tx, deps, actorName(by), [
      {
        date: paidOn,
        kind: 'refund',
        description: `Refund ${number} of customer credit to ${payer.name} (${method.replace('_', ' ')})${reference ? `, ref. ${reference}` : ''}`.slice(0, 500),
        contactId: payer.id,
        paymentId: id,
        sourceKey: `refund:${id}`,
        lines: [
          { account: accounts.credit, debitMinor: amountMinor, contactId: payer.id },
          { account: moneyAccount(accounts, method), creditMinor: amountMinor },
        ],
      },
    ]);
    const payment = await getPayment(tx, id);
    await recordAudit(tx, deps.clock, by.actor, {
      entityType: 'payment',
      entityId: id,
      action: 'refund',
      after: { ...paymentSnapshot(payment), creditLeft: toDecimalString(money(available - amountMinor, currency)) },
      requestId: by.requestId,
    });
    return payment;
  });
