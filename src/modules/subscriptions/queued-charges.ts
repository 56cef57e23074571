import type { Kysely } from 'kysely';
import { inTransaction } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { conflict, validation } from '../../kernel/app-error.ts';
import type { Clock } from '../../kernel/clock.ts';
import { newId } from '../../kernel/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { assertGlAccount, normalizeVatRate, orgCurrency, orgToday } from '../catalog/index.ts';
import { assertDate, assertDescriptionText, normalizeQuantity, type ChangedBy, type SubscriptionDeps } from './subscription.ts';
import { parseMoneyField } from './create-subscription.ts';
import { activeContact, resolvePayer } from './subscription-store.ts';
import { getQueuedCharge, queuedSnapshot, type QueuedCharge } from './charge-store.ts';

/** A one-off charge waiting for the payer's next invoice (billed by the first run on or after its date). */
export interface QueuedChargeInput {
  contactId: string;
  payerId?: string | null;
  subscriptionId?: string | null;
  description: string;
  quantity?: string;
  /** Decimal in the organization currency; may be negative (a discount on the next invoice). */
  unitPrice: string;
  glAccount?: string | null;
  vatRate?: string;
  /** Default: today. */
  chargeDate?: string;
  /** staff (default), or a module's name (e.g. 'nsf' for returned-payment fees). */
  source?: string;
}

/** Queues a charge inside the caller's transaction (other modules, e.g. payments, call this). */
export const queueChargeInTx = async (tx: Kysely<DB>, clock: Clock, by: ChangedBy, input: QueuedChargeInput): Promise<QueuedCharge> => {
  const contact = await activeContact(tx, input.contactId);
  const payerId = await resolvePayer(tx, contact, input.payerId);
  if (input.subscriptionId) {
    const sub = await tx.selectFrom('subscription').select(['contact_id']).where('id', '=', input.subscriptionId).executeTakeFirst();
    if (!sub || sub.contact_id !== contact.id) throw validation(`The subscription ${input.subscriptionId} is not one of this contact's.`, { field: 'subscriptionId' });
  }
  const source = (input.source ?? 'staff').trim();
  if (!/^[a-z_]{1,30}$/.test(source)) throw validation('The source must be a short lower-case word, like staff.', { field: 'source' });
  const id = newId(clock.now().getTime());
  await tx
    .insertInto('queued_charge')
    .values({
      id,
      contact_id: contact.id,
      payer_id: payerId,
      subscription_id: input.subscriptionId ?? null,
      description: assertDescriptionText(input.description),
      quantity: normalizeQuantity(input.quantity ?? '1', { positive: true }),
      unit_price_minor: parseMoneyField(input.unitPrice, await orgCurrency(tx), 'unitPrice').toString(),
      currency: await orgCurrency(tx),
      gl_account: assertGlAccount(input.glAccount ?? null),
      vat_rate: normalizeVatRate(input.vatRate ?? '0'),
      charge_date: assertDate(input.chargeDate ?? (await orgToday(tx, clock)), 'chargeDate', 'The charge date'),
      source,
      invoice_id: null,
      cancelled: 0,
      created_at: clock.now().toISOString(),
    })
    .execute();
  const created = await getQueuedCharge(tx, id);
  await recordAudit(tx, clock, by.actor, { entityType: 'queued_charge', entityId: id, action: 'create', after: queuedSnapshot(created), requestId: by.requestId });
  return created;
};

export const queueCharge = (deps: SubscriptionDeps, by: ChangedBy, input: QueuedChargeInput): Promise<QueuedCharge> =>
  inTransaction(deps.db, (tx) => queueChargeInTx(tx, deps.clock, by, input));

/** Cancels a queued charge that no invoice has taken yet. */
export const cancelQueuedCharge = (deps: SubscriptionDeps, by: ChangedBy, id: string, reason?: string): Promise<QueuedCharge> =>
  inTransaction(deps.db, async (tx) => {
    const before = await getQueuedCharge(tx, id);
    if (before.cancelled) throw conflict('The charge is already cancelled.');
    // Conditional: the billing run may take the charge at the same moment.
    const res = await tx.updateTable('queued_charge').set({ cancelled: 1 }).where('id', '=', id).where('invoice_id', 'is', null).where('cancelled', '=', 0).executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw conflict('The charge is on an invoice already and cannot be cancelled; credit the invoice line instead.');
    const after = await getQueuedCharge(tx, id);
    await recordAudit(tx, deps.clock, by.actor, { entityType: 'queued_charge', entityId: id, action: 'cancel', before: { cancelled: false }, after: { cancelled: true, reason: reason?.trim() || null }, requestId: by.requestId });
    return after;
  });
