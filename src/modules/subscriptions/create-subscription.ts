import type { Kysely } from 'kysely';
import { inTransaction } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { isAppError, validation } from '../../kernel/app-error.ts';
import type { Clock } from '../../kernel/clock.ts';
import { newId } from '../../kernel/ids.ts';
import { parseMoney } from '../../kernel/money.ts';
import { recordAudit } from '../audit/index.ts';
import { orgCurrency, orgToday, redeemCampaignCode } from '../catalog/index.ts';
import {
  addDays,
  addYears,
  assertAnchorDay,
  assertDate,
  assertEndAfterStart,
  assertNote,
  normalizeQuantity,
  type ChangedBy,
  type Subscription,
  type SubscriptionDeps,
  type SubscriptionItemType,
} from './subscription.ts';
import type { SubscriptionStatus } from './subscription-status.ts';
import { activeContact, getSubscription, loadSubscriptionItem, recordSubscriptionEvent, resolvePayer, subscriptionSnapshot } from './subscription-store.ts';

export interface SubscriptionInput {
  contactId: string;
  itemType: SubscriptionItemType;
  itemId: string;
  /** Decimal, above 0; default "1". */
  quantity?: string;
  /** Default: the organization's today. */
  startDate?: string;
  /** Default: the start date's day. */
  anchorDay?: number;
  /** First day without service. Left out: products with auto-renew get one year after the start; null: none. */
  endDate?: string | null;
  autoRenew?: boolean;
  /** Default: the contact's payer, else the contact. */
  payerId?: string | null;
  /** Decimal in the organization currency; required for special-price types, refused otherwise. */
  specialPrice?: string | null;
  /** Redeemed in the same transaction (membership types only). */
  campaignCode?: string | null;
  /** Create as pending (not started) instead of active/trial. */
  pending?: boolean;
  note?: string | null;
}

/**
 * Creates a subscription inside the caller's transaction: checks the contact, item, payer, prices
 * and household rules, redeems the campaign code, writes the creation event and the audit row.
 */
export const createSubscriptionInTx = async (tx: Kysely<DB>, clock: Clock, by: ChangedBy, input: SubscriptionInput): Promise<Subscription> => {
  const today = await orgToday(tx, clock);
  const contact = await activeContact(tx, input.contactId);
  const item = await loadSubscriptionItem(tx, input.itemType, input.itemId);
  if (item.archived) throw validation(`${item.code} (${item.name}) is archived; choose an item in use, or restore it in the catalog first.`, { field: 'itemId' });
  const quantity = normalizeQuantity(input.quantity ?? '1', { positive: true });
  let startDate = assertDate(input.startDate ?? today, 'startDate', 'The start date');
  let anchorDay = assertAnchorDay(input.anchorDay ?? Number(startDate.slice(8, 10)));
  const autoRenew = input.autoRenew ?? true;
  let endDate: string | null = input.endDate === undefined ? (item.itemType === 'product' && autoRenew ? addYears(startDate, 1) : null) : input.endDate;
  if (endDate !== null) assertDate(endDate, 'endDate', 'The end date');
  const payerId = await resolvePayer(tx, contact, input.payerId);

  const currency = await orgCurrency(tx);
  let specialPriceMinor: bigint | null = null;
  if (item.specialPrice) {
    if (input.specialPrice === undefined || input.specialPrice === null || input.specialPrice.trim() === '') {
      throw validation(`${item.code} is priced per member: give the special price per term, like 300.00.`, { field: 'specialPrice' });
    }
    specialPriceMinor = parseMoneyField(input.specialPrice, currency, 'specialPrice');
    if (specialPriceMinor < 0n) throw validation('The special price cannot be negative; use 0 for free.', { field: 'specialPrice' });
  } else if (input.specialPrice !== undefined && input.specialPrice !== null && input.specialPrice.trim() !== '') {
    throw validation(`${item.code} has its price in the catalog; a special price is only for types marked "special price".`, { field: 'specialPrice' });
  }

  // Household secondary (FM2 follows FM1): same dates as the primary's subscription.
  let followsId: string | null = null;
  let disconnectDate: string | null = null;
  if (item.followsId) {
    const followed = await tx.selectFrom('membership_type').select(['code']).where('id', '=', item.followsId).executeTakeFirst();
    const code = followed?.code ?? item.followsId;
    if (!contact.household_id) throw validation(`${item.code} is for household members: add ${contact.display_name} to a household whose primary has ${code} first.`, { field: 'itemId' });
    if (contact.household_role === 'primary') throw validation(`${contact.display_name} is the household's primary; give them ${code}, and ${item.code} to the other members.`, { field: 'itemId' });
    const primarySub = await tx
      .selectFrom('subscription')
      .innerJoin('contact', 'contact.id', 'subscription.contact_id')
      .selectAll('subscription')
      .where('contact.household_id', '=', contact.household_id)
      .where('contact.household_role', '=', 'primary')
      .where('subscription.item_type', '=', 'membership_type')
      .where('subscription.item_id', '=', item.followsId)
      .where('subscription.status', '!=', 'ended')
      .orderBy('subscription.created_at', 'desc')
      .executeTakeFirst();
    if (!primarySub) throw validation(`${item.code} follows ${code}: the household's primary has no ${code} subscription that has not ended. Give the primary ${code} first.`, { field: 'itemId' });
    followsId = primarySub.id;
    startDate = primarySub.start_date;
    anchorDay = Number(primarySub.anchor_day);
    endDate = primarySub.end_date;
    disconnectDate = primarySub.disconnect_date;
  }
  assertEndAfterStart(startDate, endDate);

  let campaignCodeId: string | null = null;
  let campaignPriceMinor: bigint | null = null;
  if (input.campaignCode && input.campaignCode.trim()) {
    if (item.itemType !== 'membership_type') throw validation('Campaign codes are for membership types only.', { field: 'campaignCode' });
    if (item.specialPrice) throw validation(`${item.code} has a special price per member; a campaign code does not apply.`, { field: 'campaignCode' });
    const redeemed = await redeemCampaignCode(tx, clock, by, { code: input.campaignCode, membershipTypeId: item.id, date: startDate }).catch((e: unknown) => {
      throw isAppError(e) && e.code === 'conflict' ? validation(e.message, { field: 'campaignCode' }) : e;
    });
    campaignCodeId = redeemed.campaignId;
    campaignPriceMinor = redeemed.price.minor;
  }

  let status: SubscriptionStatus = 'active';
  let trialEndsOn: string | null = null;
  if (input.pending) status = 'pending';
  else if (item.trialDays > 0) {
    status = 'trial';
    trialEndsOn = addDays(startDate, item.trialDays);
  }

  const now = clock.now().toISOString();
  const id = newId(clock.now().getTime());
  await tx
    .insertInto('subscription')
    .values({
      id,
      contact_id: contact.id,
      payer_id: payerId,
      item_type: item.itemType,
      item_id: item.id,
      quantity,
      status,
      start_date: startDate,
      anchor_day: anchorDay,
      end_date: endDate,
      disconnect_date: disconnectDate,
      auto_renew: autoRenew ? 1 : 0,
      special_price_minor: specialPriceMinor === null ? null : specialPriceMinor.toString(),
      campaign_code_id: campaignCodeId,
      campaign_price_minor: campaignPriceMinor === null ? null : campaignPriceMinor.toString(),
      trial_ends_on: trialEndsOn,
      fee_cursor: null,
      usage_cursor: null,
      next_due: trialEndsOn ?? startDate,
      paid_through: null,
      follows_id: followsId,
      replaces_id: null,
      note: assertNote(input.note),
      version: 1,
      created_at: now,
      updated_at: now,
    })
    .execute();
  await recordSubscriptionEvent(tx, clock, { subscriptionId: id, fromStatus: null, toStatus: status, effectiveDate: startDate, reason: '' });
  const created = await getSubscription(tx, id);
  await recordAudit(tx, clock, by.actor, { entityType: 'subscription', entityId: id, action: 'create', after: subscriptionSnapshot(created), requestId: by.requestId });
  return created;
};

export const createSubscription = (deps: SubscriptionDeps, by: ChangedBy, input: SubscriptionInput): Promise<Subscription> =>
  inTransaction(deps.db, (tx) => createSubscriptionInTx(tx, deps.clock, by, input));

export const parseMoneyField = (text: string, currency: string, field: string): bigint => {
  try {
    return parseMoney(text, currency).minor;
  } catch (e) {
    throw validation(e instanceof Error ? e.message : String(e), { field });
  }
};
