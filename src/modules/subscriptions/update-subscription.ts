import type { Kysely } from 'kysely';
import { inTransaction } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { conflict, validation } from '../../kernel/app-error.ts';
import type { Clock } from '../../kernel/clock.ts';
import { recordAudit } from '../audit/index.ts';
import { orgCurrency, orgToday } from '../catalog/index.ts';
import { assertAnchorDay, assertDate, assertEndAfterStart, assertNote, lowerNextDue, normalizeQuantity, type ChangedBy, type Subscription, type SubscriptionDeps } from './subscription.ts';
import { staleSubscription } from './change-subscription-status.ts';
import { parseMoneyField } from './create-subscription.ts';
import { activeContact, diff, getSubscription, loadSubscriptionItem, resolvePayer, subscriptionSnapshot } from './subscription-store.ts';

export interface SubscriptionPatch {
  version?: number;
  /** Only while nothing is billed (fee cursor empty). */
  startDate?: string;
  anchorDay?: number;
  endDate?: string | null;
  /** Today or later; once set the subscription is never billed again and ends on that day. null clears it. */
  disconnectDate?: string | null;
  autoRenew?: boolean;
  /** null: back to the default (the contact's payer, else the contact). */
  payerId?: string | null;
  quantity?: string;
  specialPrice?: string | null;
  note?: string | null;
}

const DATE_KEYS = ['startDate', 'anchorDay', 'endDate', 'disconnectDate'] as const;

/**
 * Changes a subscription inside the caller's transaction. Status changes go through
 * changeSubscriptionStatus. A household primary's date changes move its followers' dates.
 */
export const updateSubscriptionInTx = async (tx: Kysely<DB>, clock: Clock, by: ChangedBy, id: string, patch: SubscriptionPatch, opts: { fromPrimary?: boolean } = {}): Promise<Subscription> => {
  const before = await getSubscription(tx, id);
  if (patch.version !== undefined && patch.version !== before.version) throw staleSubscription(before.version);
  const onlyNote = Object.keys(patch).every((k) => k === 'note' || k === 'version');
  if (before.status === 'ended' && !onlyNote) throw conflict('The subscription has ended; only its note can change. Create a new subscription instead.');
  const touchesDates = DATE_KEYS.some((k) => patch[k] !== undefined);
  if (before.followsId && touchesDates && !opts.fromPrimary) {
    throw validation("This subscription follows the household primary's: change the dates on the primary's subscription and they follow.", { field: 'startDate' });
  }
  const today = await orgToday(tx, clock);
  const item = await loadSubscriptionItem(tx, before.itemType, before.itemId);

  const startDate = patch.startDate !== undefined ? assertDate(patch.startDate, 'startDate', 'The start date') : before.startDate;
  const anchorDay = patch.anchorDay !== undefined ? assertAnchorDay(patch.anchorDay) : before.anchorDay;
  if ((startDate !== before.startDate || anchorDay !== before.anchorDay) && before.feeCursor !== null) {
    throw conflict(`The start date and anniversary day cannot change once a term is billed (billed from ${before.feeCursor}). Set an end date and create a new subscription instead.`, {
      field: patch.startDate !== undefined ? 'startDate' : 'anchorDay',
    });
  }
  const endDate = patch.endDate !== undefined ? (patch.endDate === null ? null : assertDate(patch.endDate, 'endDate', 'The end date')) : before.endDate;
  assertEndAfterStart(startDate, endDate);
  let disconnectDate = before.disconnectDate;
  if (patch.disconnectDate !== undefined && patch.disconnectDate !== before.disconnectDate) {
    if (patch.disconnectDate === null) {
      if (before.disconnectDate !== null && before.disconnectDate <= today && !opts.fromPrimary) throw conflict(`The disconnect date ${before.disconnectDate} has come; it cannot be removed.`, { field: 'disconnectDate' });
      disconnectDate = null;
    } else {
      disconnectDate = assertDate(patch.disconnectDate, 'disconnectDate', 'The disconnect date');
      if (disconnectDate < today && !opts.fromPrimary) throw validation(`The disconnect date cannot be before today (${today}); the subscription ends on that day.`, { field: 'disconnectDate' });
    }
  }
  const quantity = patch.quantity !== undefined ? normalizeQuantity(patch.quantity, { positive: true }) : before.quantity;
  let specialPriceMinor = before.specialPriceMinor;
  if (patch.specialPrice !== undefined) {
    const given = patch.specialPrice !== null && patch.specialPrice.trim() !== '';
    if (!item.specialPrice && given) throw validation(`${item.code} has its price in the catalog; a special price is only for types marked "special price".`, { field: 'specialPrice' });
    if (item.specialPrice && !given) throw validation(`${item.code} is priced per member: the special price cannot be removed.`, { field: 'specialPrice' });
    if (given) {
      specialPriceMinor = parseMoneyField(patch.specialPrice!, await orgCurrency(tx), 'specialPrice');
      if (specialPriceMinor < 0n) throw validation('The special price cannot be negative; use 0 for free.', { field: 'specialPrice' });
    }
  }
  let payerId = before.payerId;
  if (patch.payerId !== undefined) payerId = await resolvePayer(tx, await activeContact(tx, before.contactId), patch.payerId);

  const scheduleChanged = startDate !== before.startDate || anchorDay !== before.anchorDay || endDate !== before.endDate || disconnectDate !== before.disconnectDate || quantity !== before.quantity;
  const result = await tx
    .updateTable('subscription')
    .set({
      start_date: startDate,
      anchor_day: anchorDay,
      end_date: endDate,
      disconnect_date: disconnectDate,
      auto_renew: (patch.autoRenew ?? before.autoRenew) ? 1 : 0,
      payer_id: payerId,
      quantity,
      special_price_minor: specialPriceMinor === null ? null : specialPriceMinor.toString(),
      note: patch.note !== undefined ? assertNote(patch.note) : before.note,
      // A start moved before anything is billed: the next due day is the new start at the latest.
      next_due: scheduleChanged ? lowerNextDue(before.feeCursor === null && before.nextDue !== null && startDate < before.nextDue ? startDate : before.nextDue, today, before.status === 'ended') : before.nextDue,
      version: before.version + 1,
      updated_at: clock.now().toISOString(),
    })
    .where('id', '=', id)
    .where('version', '=', before.version)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw staleSubscription(before.version + 1);
  const after = await getSubscription(tx, id);
  const changes = diff(subscriptionSnapshot(before), subscriptionSnapshot(after));
  const { version: _bv, nextDue: _bn, ...realBefore } = changes?.before ?? {};
  if (changes && Object.keys(realBefore).length) {
    await recordAudit(tx, clock, by.actor, { entityType: 'subscription', entityId: id, action: 'update', ...changes, requestId: by.requestId });
  }
  if (touchesDates) {
    const followers = await tx.selectFrom('subscription').select('id').where('follows_id', '=', id).where('status', '!=', 'ended').execute();
    for (const f of followers) {
      await updateSubscriptionInTx(tx, clock, by, f.id, { startDate: after.startDate, anchorDay: after.anchorDay, endDate: after.endDate, disconnectDate: after.disconnectDate }, { fromPrimary: true });
    }
  }
  return after;
};

export const updateSubscription = (deps: SubscriptionDeps, by: ChangedBy, id: string, patch: SubscriptionPatch): Promise<Subscription> =>
  inTransaction(deps.db, (tx) => updateSubscriptionInTx(tx, deps.clock, by, id, patch));
