import { inTransaction, lockResource } from '../../db/database.ts';
import { conflict, validation } from '../../kernel/app-error.ts';
import { money, toDecimalString, type Money } from '../../kernel/money.ts';
import { recordAudit } from '../audit/index.ts';
import { orgToday } from '../catalog/index.ts';
import { postEntries } from '../ledger/index.ts';
import { checkWriteOff } from './allocation.ts';
import { assertPaymentDate, requiredReason, type ChangedBy, type PaymentDeps } from './payment.ts';
import { applyInvoiceChanges, insertAllocations, loadPayableInvoice, loadPaymentSettings, lockInvoices, moveSubscriptions, payerLock } from './payment-store.ts';
import { actorName } from './record-payment.ts';

export interface WriteOffInput {
  reason: string;
  /** YYYY-MM-DD; today when left out. */
  date?: string;
  /** The invoice version you read; a different one is refused (409). */
  version?: number;
}

export interface WriteOff {
  invoiceId: string;
  number: number | null;
  payerId: string;
  /** What was written off: the whole open rest. */
  amount: Money;
  status: 'issued' | 'paid';
  open: Money;
  entryId: string;
  allocationId: string;
}

/**
 * Writes off the open rest of an invoice, up to the setting payments.writeoff_limit: write-off
 * expense ↔ A/R, an allocation of kind 'writeoff'; the invoice becomes paid (and moves its
 * subscriptions on). The API also asks for update access to the ledger.
 */
export const writeOffInvoice = async (deps: PaymentDeps, by: ChangedBy, invoiceId: string, input: WriteOffInput): Promise<WriteOff> => {
  const reason = requiredReason(input.reason, 'for the write-off');
  return inTransaction(deps.db, async (tx) => {
    const first = await loadPayableInvoice(tx, invoiceId);
    await lockResource(tx, payerLock(first.payerId));
    await lockInvoices(tx, [invoiceId]);
    const inv = await loadPayableInvoice(tx, invoiceId);
    if (input.version !== undefined && input.version !== inv.version) throw conflict('Someone else changed this invoice since you opened it. Reload it and try again.', { field: 'version' });
    const settings = await loadPaymentSettings(tx);
    const { accounts } = settings;
    const currency = inv.currency;
    const fmt = (minor: bigint) => `${toDecimalString(money(minor, currency))} ${currency}`;
    const amount = checkWriteOff(inv.openMinor, settings.writeoffLimitMinor, `invoice ${inv.number}`, fmt);
    const today = await orgToday(tx, deps.clock);
    const date = assertPaymentDate(input.date, today, 'date', 'The write-off date');
    if (date > today) throw validation(`A write-off is recorded today (${today}) or earlier, not ${date}.`, { field: 'date' });

    const transitions = await applyInvoiceChanges(tx, deps.clock, new Map([[inv.invoiceId, inv]]), [{ invoiceId: inv.invoiceId, deltaMinor: amount }]);
    const name = (await tx.selectFrom('contact').select('display_name').where('id', '=', inv.payerId).executeTakeFirst())?.display_name ?? inv.payerId;
    const [entry] = await postEntries(tx, deps, actorName(by), [
      {
        date,
        kind: 'writeoff',
        description: `Invoice ${inv.number} written off: ${fmt(amount)} (${name}): ${reason}`.slice(0, 500),
        contactId: inv.payerId,
        invoiceId: inv.invoiceId,
        sourceKey: `writeoff:${inv.invoiceId}:${inv.version}`,
        lines: [
          { account: accounts.writeoff, debitMinor: amount },
          { account: accounts.ar, creditMinor: amount, contactId: inv.payerId, invoiceId: inv.invoiceId },
        ],
      },
    ]);
    const [allocationId] = await insertAllocations(tx, deps.clock, actorName(by), [{ invoiceId: inv.invoiceId, paymentId: null, kind: 'writeoff', amountMinor: amount, entryId: entry!.id }]);
    const moves = await moveSubscriptions(tx, deps.clock, by, transitions);
    await recordAudit(tx, deps.clock, by.actor, {
      entityType: 'invoice',
      entityId: inv.invoiceId,
      action: 'write_off',
      before: { status: inv.status, open: toDecimalString(money(inv.openMinor, currency)) },
      after: { status: 'paid', writtenOff: toDecimalString(money(amount, currency)), date, reason, ...(moves.length ? { subscriptions: moves } : {}) },
      requestId: by.requestId,
    });
    return {
      invoiceId: inv.invoiceId,
      number: inv.number,
      payerId: inv.payerId,
      amount: money(amount, currency),
      status: transitions[0]?.to ?? inv.status,
      open: money(0n, currency),
      entryId: entry!.id,
      allocationId: allocationId!,
    };
  });
};
